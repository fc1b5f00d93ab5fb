"""The file formats offices really have: legacy .xls, .csv in UTF-8/GBK, workbooks renamed.

No .xls writer is kept up today (xlwt is unmaintained), so the .xls files here are built by
hand: a minimal OLE2 compound file holding a BIFF8 "Workbook" stream, the same structure
Excel 97-2003 and WPS write. The same container, holding "EncryptionInfo" and
"EncryptedPackage" streams, is what Excel writes for a password-protected .xlsx.
"""

from __future__ import annotations

import struct
from datetime import date, datetime
from pathlib import Path

import pytest

from bqw_desktop.errors import UserError
from bqw_desktop.excel.reader import XLS, read_table_file
from bqw_desktop.excel.sites_sheet import parse_site_file

REGIONS = {"岳麓区": ["430104"], "430104": ["430104"], "芙蓉区": ["430102"], "430102": ["430102"]}


def resolve(text: str) -> list[str]:
    return REGIONS.get(text, [])


# --- building OLE2 / BIFF8 files ------------------------------------------------------------------

_END, _FATSECT, _FREE = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def ole_file(streams: list[tuple[str, bytes]]) -> bytes:
    """A version-3 compound file (512-byte sectors) with the given streams in the root.

    Streams are padded to 4096 bytes so all live in the regular FAT (no mini stream).
    """
    fat = [_FATSECT, _END]  # sector 0: the FAT itself, sector 1: the directory
    payloads, starts, next_sector = [], [], 2
    for _, data in streams:
        data = data.ljust(max(4096, -(-len(data) // 512) * 512), b"\0")
        count = len(data) // 512
        starts.append((next_sector, len(data)))
        fat += [next_sector + i + 1 for i in range(count - 1)] + [_END]
        next_sector += count
        payloads.append(data)
    assert len(fat) <= 128
    fat += [_FREE] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le") if name else b""
        return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, _FREE, right, child)
                + b"\0" * 36 + struct.pack("<IQ", start, size))

    entries = [entry("Root Entry", 5, 1 if streams else _FREE, _FREE, _END, 0)]
    for i, ((name, _), (start, size)) in enumerate(zip(streams, starts, strict=True)):
        right = i + 2 if i + 1 < len(streams) else _FREE
        entries.append(entry(name, 2, _FREE, right, start, size))
    entries += [entry("", 0, _FREE, _FREE, 0, 0)] * (4 - len(entries))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108)
    return header + struct.pack("<128I", *fat) + b"".join(entries) + b"".join(payloads)


def _record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def xls_file(sheets: list[tuple[str, dict[tuple[int, int], object]]]) -> bytes:
    """A BIFF8 workbook: text cells via the shared string table, numbers, and dates as
    numbers with the built-in date format 14 (XF 1)."""
    strings: list[str] = []

    def string_index(text: str) -> int:
        if text not in strings:
            strings.append(text)
        return strings.index(text)

    bodies = []
    for _, cells in sheets:
        body = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))
        for (row, col), value in sorted(cells.items()):
            if isinstance(value, str):
                body += _record(0x00FD, struct.pack("<HHHI", row, col, 0, string_index(value)))
            elif isinstance(value, date):
                serial = (value - date(1899, 12, 30)).days
                body += _record(0x0203, struct.pack("<HHHd", row, col, 1, float(serial)))
            else:
                body += _record(0x0203, struct.pack("<HHHd", row, col, 0, float(value)))
        bodies.append(body + _record(0x000A))

    def xf(number_format: int) -> bytes:
        return _record(0x00E0, struct.pack("<HHHBBBBIiH", 0, number_format, 1, 0x20, 0, 0, 0, 0, 0, 0x20C0))

    sst = struct.pack("<II", len(strings), len(strings)) + b"".join(
        struct.pack("<HB", len(s), 1) + s.encode("utf-16-le") for s in strings)

    def globals_stream(offsets: list[int]) -> bytes:
        out = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0)) + xf(0) + xf(14)
        for (name, _), offset in zip(sheets, offsets, strict=True):
            out += _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1)
                           + name.encode("utf-16-le"))
        return out + _record(0x00FC, sst) + _record(0x000A)

    offsets, position = [], len(globals_stream([0] * len(sheets)))
    for body in bodies:
        offsets.append(position)
        position += len(body)
    return ole_file([("Workbook", globals_stream(offsets) + b"".join(bodies))])


def _site_cells() -> dict[tuple[int, int], object]:
    header = ["某县示范点名单", None, None, None, None, None]
    cells: dict[tuple[int, int], object] = {(0, 0): header[0]}
    for c, text in enumerate(["单位名称", "党组织类型", "所属县市区", "党员人数", "联系电话", "申报日期"]):
        cells[(1, c)] = text
    for c, value in enumerate(["某某村党支部", "村党支部", "岳麓区", 35, 13812345678, date(2011, 5, 20)]):
        cells[(2, c)] = value
    for c, value in enumerate(["某社区党委", "社区党委", "430102", 120, "0731-88886666", "2012年3月1日"]):
        cells[(3, c)] = value
    return cells


# --- .xls -----------------------------------------------------------------------------------------

def test_xls_is_read_with_dates_numbers_and_phones(tmp_path: Path) -> None:
    path = tmp_path / "名单.xls"
    path.write_bytes(xls_file([("Sheet1", _site_cells())]))

    sheets = read_table_file(path)
    assert sheets[0].source_format == XLS
    assert sheets[0].rows[2] == ("某某村党支部", "村党支部", "岳麓区", 35, 13812345678,
                                 datetime(2011, 5, 20))

    result = parse_site_file(path, resolve_region=resolve)
    assert result.ready
    first, second = (r.values for r in result.rows)
    assert first["phone"] == "13812345678"
    assert first["applied_on"] == date(2011, 5, 20)
    assert first["org_type"] == "village" and first["region_code"] == "430104"
    assert second["applied_on"] == date(2012, 3, 1) and second["member_count"] == 120


def test_xls_with_several_sheets(tmp_path: Path) -> None:
    path = tmp_path / "两个表.xls"
    path.write_bytes(xls_file([("一组", _site_cells()), ("说明", {(0, 0): "填表说明：略"})]))
    sheets = read_table_file(path)
    assert [s.name for s in sheets] == ["一组", "说明"]
    result = parse_site_file(path, resolve_region=resolve)
    assert len(result.rows) == 2
    assert any("说明" in reason for reason in result.skipped_sheets)


def test_xls_content_under_xlsx_name_is_read_by_content(tmp_path: Path) -> None:
    """Offices rename files; a real workbook is read whatever its extension says."""
    path = tmp_path / "改过名.xlsx"
    path.write_bytes(xls_file([("Sheet1", _site_cells())]))
    assert read_table_file(path)[0].source_format == XLS


def test_encrypted_workbook_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "加密.xlsx"
    path.write_bytes(ole_file([("EncryptionInfo", b"\x04\x00\x04\x00\x40\x00\x00\x00"),
                               ("EncryptedPackage", b"\x00" * 64)]))
    with pytest.raises(UserError, match="已加密.*取消密码"):
        read_table_file(path)


def test_word_97_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "通知.xls"
    path.write_bytes(ole_file([("WordDocument", b"\x00" * 64)]))
    with pytest.raises(UserError, match="Word"):
        read_table_file(path)


def test_truncated_xls_is_refused_not_crashed(tmp_path: Path) -> None:
    path = tmp_path / "坏.xls"
    path.write_bytes(xls_file([("Sheet1", _site_cells())])[:700])
    with pytest.raises(UserError, match="坏.xls"):
        read_table_file(path)


# --- .csv -----------------------------------------------------------------------------------------

CSV_TEXT = ("单位名称,党组织类型,所属县市区,党员人数,联系电话,申报日期\n"
            "某某村党支部,村党总支,岳麓区,３５人,13812345678,2011.5.20\n"
            " 某社区党委 ,社区党委,430102,120,0731-88886666,2012/3/1\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "utf-16"])
def test_csv_in_the_encodings_offices_save(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    result = parse_site_file(path, resolve_region=resolve)
    assert result.ready
    names = [r.values["name"] for r in result.rows]
    assert names == ["某某村党支部", "某社区党委"]
    assert result.rows[0].values["member_count"] == 35
    assert result.rows[1].values["applied_on"] == date(2012, 3, 1)


def test_tab_separated_text(tmp_path: Path) -> None:
    path = tmp_path / "名单.txt"
    path.write_text(CSV_TEXT.replace(",", "\t"), encoding="utf-8")
    result = parse_site_file(path, resolve_region=resolve)
    assert [r.values["region_code"] for r in result.rows] == ["430104", "430102"]


def test_csv_phone_keeps_leading_zero_and_is_text(tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    path.write_text("名称,类型,县市区,电话\n某村党支部,村党支部,岳麓区,07318888666\n", encoding="utf-8")
    row = parse_site_file(path, resolve_region=resolve).rows[0]
    assert row.values["phone"] == "07318888666"


def test_undecodable_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "乱码.csv"
    path.write_bytes(b"abc,\x80\xff\x80\xff\n")  # neither UTF-8 nor GB18030
    with pytest.raises(UserError):
        read_table_file(path)
