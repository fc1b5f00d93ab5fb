"""The certificate QR encoder against the `qrcode` package, module for module."""

from __future__ import annotations

import pytest
import qrcode
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q
from qrcode.util import MODE_8BIT_BYTE, QRData

from bqw_desktop.errors import UserError
from bqw_desktop.printing.qr import encode

LEVELS = {"L": ERROR_CORRECT_L, "M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}


def reference_rows(text: str, *, version: int, level: str, mask: int) -> tuple[str, ...]:
    ref = qrcode.QRCode(error_correction=LEVELS[level], border=0, mask_pattern=mask, version=version)
    ref.add_data(QRData(text.encode("utf-8"), mode=MODE_8BIT_BYTE))
    ref.make(fit=False)
    return tuple("".join("1" if v else "0" for v in row) for row in ref.get_matrix())


@pytest.mark.parametrize(
    "text",
    [
        "HN43-2012-0001",  # version 1
        "创先争优活动示范点证书\n编号 430121-2012-0001\n单位 中共长沙县黄花镇黄花村支部委员会",  # version 6
        "创先争优活动示范点授牌记录\n受牌单位：中共浏阳市集里街道神仙坳社区委员会" * 3,  # 7 and up: version bits
        "x" * 600,  # version 19
        "签" * 700,  # version 38, the largest alignment grid
    ],
)
@pytest.mark.parametrize("mask", range(8))
def test_matrices_match_the_qrcode_package_for_every_mask(text: str, mask: int):
    mine = encode(text, mask=mask)
    assert mine.rows == reference_rows(text, version=mine.version, level="M", mask=mask)


@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
@pytest.mark.parametrize("version", [2, 7, 10, 12, 14, 21, 27, 32, 40])
def test_matrices_match_for_every_level_and_alignment_layout(level: str, version: int):
    """Odd and even versions (column padding), version 32's odd alignment step, long blocks."""
    text = "2012-0001"  # fits version 2 even at level H
    mine = encode(text, level=level, version=version)
    assert mine.version == version and mine.size == 4 * version + 17
    assert mine.rows == reference_rows(text, version=version, level=level, mask=2)


def test_the_smallest_version_that_holds_the_text_is_chosen():
    assert encode("x" * 14).version == 1  # version 1-M holds 14 bytes
    assert encode("x" * 15).version == 2


def test_dark_reads_the_same_modules_as_rows():
    matrix = encode("创先争优活动示范点证书")
    for r, row in enumerate(matrix.rows):
        assert row == "".join("1" if matrix.dark(r, c) else "0" for c in range(matrix.size))


def test_text_too_long_is_refused_in_chinese():
    with pytest.raises(UserError, match="二维码内容过长"):
        encode("签" * 2000)
