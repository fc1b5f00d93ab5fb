"""The plain text a certificate's QR code carries, and reading it back.

Any phone scanner shows it as is::

    创先争优活动示范点证书
    编号 430121-2012-0001
    单位 中共长沙县黄花镇黄花村支部委员会
    级别 县级
    授牌 2012-06-28
    签发 430121
    签名 <base64 of the Ed25519 signature>

The signature covers `SIGNED_PREFIX` and the six lines above it joined by "\\n", rebuilt from
the parsed fields, so pasted text with other line breaks or spacing still verifies while any
change of a field does not. Signing and checking live in `services.certificates`.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import date

from bqw_desktop.domain.calendar import chinese_numeral_month
from bqw_desktop.domain.vocab import LEVEL_LABELS

__all__ = ["FIELD_LABELS", "HEADER", "SIGNATURE_BYTES", "SIGNED_PREFIX", "ParsedCertificate", "parse_payload"]

HEADER = "创先争优活动示范点证书"
SIGNED_PREFIX = "bqw-certificate/1\n"  # keeps these signatures apart from package signatures
SIGNATURE_BYTES = 64  # Ed25519
FIELDS = (("number", "编号"), ("site_name", "单位"), ("level", "级别"), ("award_date", "授牌"),
          ("issuer", "签发"))
FIELD_LABELS = {"number": "证书编号", "site_name": "单位名称", "level": "级别", "award_date": "授牌日期",
                "issuer": "签发单位"}
LEVEL_BY_LABEL = {label: key for key, label in LEVEL_LABELS.items()}

_PATTERN = re.compile(
    HEADER + r"\s*编号\s*(?P<number>\S+)\s*单位\s*(?P<site_name>.+?)\s*级别\s*(?P<level>县级|市级|省级)"
    r"\s*授牌\s*(?P<award_date>\d{4}-\d{2}-\d{2})\s*签发\s*(?P<issuer>\S+)\s*签名\s*(?P<signature>[A-Za-z0-9+/=]+)",
    re.DOTALL,
)


@dataclass(frozen=True)
class ParsedCertificate:
    """The fields of a certificate's QR text."""

    number: str
    site_name: str
    level: str  # Level key
    award_date: date
    issuer: str
    signature: bytes

    def signed_text(self) -> str:
        """The six lines the signature covers, as the QR code shows them."""
        return "\n".join([HEADER, *(f"{label} {self._value(key)}" for key, label in FIELDS)])

    def signed_bytes(self) -> bytes:
        return (SIGNED_PREFIX + self.signed_text()).encode("utf-8")

    def text(self) -> str:
        """The whole payload, signature line included."""
        return self.signed_text() + f"\n签名 {base64.b64encode(self.signature).decode('ascii')}"

    def _value(self, key: str) -> str:
        if key == "level":
            return LEVEL_LABELS.get(self.level, self.level)
        if key == "award_date":
            return self.award_date.isoformat()
        return str(getattr(self, key))

    @property
    def description(self) -> str:
        """E.g. "中共…委员会，省级示范点，二〇一二年六月授牌（证书编号 430000-2012-0001）"."""
        return (f"{self.site_name}，{LEVEL_LABELS.get(self.level, self.level)}示范点，"
                f"{chinese_numeral_month(self.award_date)}授牌（证书编号 {self.number}）")


def parse_payload(text: str) -> ParsedCertificate | None:
    """The certificate fields of `text` (as scanned or pasted), or None when it is not one."""
    found = _PATTERN.search(text or "")
    if found is None:
        return None
    signature = _signature(found["signature"])
    try:
        when = date.fromisoformat(found["award_date"])
    except ValueError:
        return None
    if signature is None:
        return None
    return ParsedCertificate(found["number"], found["site_name"].strip(), LEVEL_BY_LABEL[found["level"]], when,
                             found["issuer"], signature)


def _signature(text: str) -> bytes | None:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return None
    return raw if len(raw) == SIGNATURE_BYTES else None
