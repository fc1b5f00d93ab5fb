"""Office identities, identity cards, countersignatures (vouches) and key rotations.

- An identity card is a small self-signed JSON file an office hands to its neighbours above
  and below; they register it after reading the fingerprint to each other over the phone.
- A `Vouch` is a neighbour's countersignature over a further office's identity, so a county
  can check the province's signatures (vouched by its city) and vice versa.
- A `KeyRotation` moves an office to a new key: signed by the old key (authority) and the
  new key (possession), numbered 1, 2, 3… per office rather than timestamped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bqw_desktop.domain.vocab import TIER_LABELS, Tier
from bqw_desktop.errors import UserError
from bqw_desktop.exchange import keys
from bqw_desktop.exchange.canonical import canonical_json
from bqw_desktop.exchange.errors import PackageRefused

__all__ = [
    "CARD_KIND",
    "KeyRotation",
    "OfficeIdentity",
    "Vouch",
    "export_identity_card",
    "make_rotation",
    "make_vouch",
    "read_identity_card",
]

CARD_KIND = "bqw-identity-card"
CARD_FORMAT = 1
_MAX_CARD_BYTES = 64 * 1024
# Office codes appear in package file names, so they are restricted to safe characters.
_CODE_RE = re.compile(r"^[0-9A-Za-z_-]{1,32}$")
_MAX_NAME = 80


@dataclass(frozen=True)
class OfficeIdentity:
    """Who an office is: code, Chinese name, tier (vocab.Tier key), parent and public key."""

    code: str
    name: str
    tier: str
    parent_code: str | None
    public_key: bytes

    @property
    def fingerprint(self) -> str:
        """The readable fingerprint of this office's public key."""
        return keys.fingerprint(self.public_key)

    @property
    def label(self) -> str:
        """'长沙市委组织部（430100）' for messages."""
        return f"{self.name}（{self.code}）"

    def with_key(self, public_key: bytes) -> OfficeIdentity:
        """The same office with another public key (after a rotation)."""
        return replace(self, public_key=public_key)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; the key as base64."""
        return {
            "code": self.code,
            "name": self.name,
            "tier": self.tier,
            "parent_code": self.parent_code,
            "public_key": keys.b64encode(self.public_key),
        }

    @classmethod
    def from_dict(cls, data: object, *, where: str) -> OfficeIdentity:
        """Validate untrusted JSON; PackageRefused naming `where` and the bad field."""
        if not isinstance(data, dict):
            raise PackageRefused(f"{where}中的机关身份不是有效的对象。")
        code = data.get("code")
        if not isinstance(code, str) or not _CODE_RE.match(code):
            raise PackageRefused(f"{where}中的机关代码“{_short(code)}”无效。")
        name = data.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > _MAX_NAME or _has_control(name):
            raise PackageRefused(f"{where}中机关 {code} 的名称无效。")
        tier = data.get("tier")
        if tier not in TIER_LABELS:
            raise PackageRefused(f"{where}中机关 {code} 的层级“{_short(tier)}”无效。")
        parent = data.get("parent_code")
        if parent is not None and (not isinstance(parent, str) or not _CODE_RE.match(parent)):
            raise PackageRefused(f"{where}中机关 {code} 的上级代码无效。")
        key = keys.b64decode(data.get("public_key"), length=keys.PUBLIC_KEY_BYTES)
        if key is None:
            raise PackageRefused(f"{where}中机关 {code} 的公钥无效。")
        return cls(code=code, name=name, tier=str(Tier(tier)), parent_code=parent, public_key=key)


def export_identity_card(identity: OfficeIdentity, private_key: Ed25519PrivateKey, path: Path | str) -> Path:
    """Write the office's self-signed identity card (JSON) to `path`.

    The self-signature proves the card was made by the holder of the private key; trust still
    comes from comparing the fingerprint over the phone.
    """
    if keys.private_public_bytes(private_key) != identity.public_key:
        raise ValueError("the private key does not belong to this identity")
    body = identity.to_dict()
    card = {
        "kind": CARD_KIND,
        "format": CARD_FORMAT,
        "identity": body,
        "fingerprint": identity.fingerprint,
        "signature": keys.b64encode(keys.sign(private_key, _card_payload(body))),
    }
    path = Path(path)
    path.write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def read_identity_card(path: Path | str) -> OfficeIdentity:
    """Read and check an identity card; any damaged or hostile file is a PackageRefused."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = f.read(_MAX_CARD_BYTES + 1)
    except OSError as exc:
        raise UserError(f"无法读取身份卡文件 {path.name}：{exc.strerror or exc}。") from exc
    if len(data) > _MAX_CARD_BYTES:
        raise PackageRefused(f"身份卡文件 {path.name} 过大，不是本系统的身份卡。")
    try:
        card = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise PackageRefused(f"身份卡文件 {path.name} 不是有效的 JSON，可能已损坏。") from exc
    if not isinstance(card, dict) or card.get("kind") != CARD_KIND:
        raise PackageRefused(f"文件 {path.name} 不是本系统的机关身份卡。")
    if not isinstance(card.get("format"), int) or card["format"] > CARD_FORMAT:
        raise PackageRefused(f"身份卡文件 {path.name} 的格式版本较新，请先升级本软件。")
    where = f"身份卡 {path.name} "
    identity = OfficeIdentity.from_dict(card.get("identity"), where=where)
    sig = keys.b64decode(card.get("signature"), length=keys.SIGNATURE_BYTES)
    if sig is None or not keys.verify(identity.public_key, _card_payload(identity.to_dict()), sig):
        raise PackageRefused(f"身份卡文件 {path.name} 的签名无效，内容可能被改动过。")
    return identity


@dataclass(frozen=True)
class Vouch:
    """A neighbour's countersignature: `voucher_code` vouches that `identity` holds its key."""

    identity: OfficeIdentity
    voucher_code: str
    signature: bytes

    def payload(self) -> bytes:
        """The bytes the voucher signs."""
        return _vouch_payload(self.identity, self.voucher_code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "identity": self.identity.to_dict(),
            "voucher": self.voucher_code,
            "signature": keys.b64encode(self.signature),
        }

    @classmethod
    def from_dict(cls, data: object, *, where: str) -> Vouch:
        if not isinstance(data, dict):
            raise PackageRefused(f"{where}中的担保记录无效。")
        identity = OfficeIdentity.from_dict(data.get("identity"), where=where)
        voucher = data.get("voucher")
        sig = keys.b64decode(data.get("signature"), length=keys.SIGNATURE_BYTES)
        if not isinstance(voucher, str) or not _CODE_RE.match(voucher) or sig is None:
            raise PackageRefused(f"{where}中对机关 {identity.code} 的担保记录无效。")
        return cls(identity=identity, voucher_code=voucher, signature=sig)


def make_vouch(identity: OfficeIdentity, *, voucher_code: str, voucher_key: Ed25519PrivateKey) -> Vouch:
    """Countersign a further office's identity with this office's key."""
    sig = keys.sign(voucher_key, _vouch_payload(identity, voucher_code))
    return Vouch(identity=identity, voucher_code=voucher_code, signature=sig)


@dataclass(frozen=True)
class KeyRotation:
    """Office `office_code` replaces `old_key` with `new_key`; its `sequence`-th rotation."""

    office_code: str
    sequence: int
    old_key: bytes
    new_key: bytes
    old_signature: bytes
    new_signature: bytes

    def payload(self) -> bytes:
        """The bytes both keys sign."""
        return _rotation_payload(self.office_code, self.sequence, self.old_key, self.new_key)

    def is_valid(self) -> bool:
        """Both signatures check (authority of the old key, possession of the new one)."""
        data = self.payload()
        return (
            self.old_key != self.new_key
            and keys.verify(self.old_key, data, self.old_signature)
            and keys.verify(self.new_key, data, self.new_signature)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "office": self.office_code,
            "sequence": self.sequence,
            "old_key": keys.b64encode(self.old_key),
            "new_key": keys.b64encode(self.new_key),
            "old_signature": keys.b64encode(self.old_signature),
            "new_signature": keys.b64encode(self.new_signature),
        }

    @classmethod
    def from_dict(cls, data: object, *, where: str) -> KeyRotation:
        if not isinstance(data, dict):
            raise PackageRefused(f"{where}中的密钥更换记录无效。")
        office = data.get("office")
        seq = data.get("sequence")
        old = keys.b64decode(data.get("old_key"), length=keys.PUBLIC_KEY_BYTES)
        new = keys.b64decode(data.get("new_key"), length=keys.PUBLIC_KEY_BYTES)
        old_sig = keys.b64decode(data.get("old_signature"), length=keys.SIGNATURE_BYTES)
        new_sig = keys.b64decode(data.get("new_signature"), length=keys.SIGNATURE_BYTES)
        if (
            not isinstance(office, str)
            or not _CODE_RE.match(office)
            or type(seq) is not int
            or seq < 1
            or None in (old, new, old_sig, new_sig)
        ):
            raise PackageRefused(f"{where}中的密钥更换记录无效。")
        assert old is not None and new is not None and old_sig is not None and new_sig is not None
        return cls(office, seq, old, new, old_sig, new_sig)


def make_rotation(
    *,
    office_code: str,
    sequence: int,
    old_key: Ed25519PrivateKey,
    new_key: Ed25519PrivateKey,
) -> KeyRotation:
    """The record that moves `office_code` from `old_key` to `new_key` (its rotation number `sequence`)."""
    old_raw = keys.private_public_bytes(old_key)
    new_raw = keys.private_public_bytes(new_key)
    data = _rotation_payload(office_code, sequence, old_raw, new_raw)
    return KeyRotation(
        office_code, sequence, old_raw, new_raw, keys.sign(old_key, data), keys.sign(new_key, data)
    )


def _card_payload(body: dict[str, Any]) -> bytes:
    return canonical_json({"kind": CARD_KIND, "identity": body})


def _vouch_payload(identity: OfficeIdentity, voucher_code: str) -> bytes:
    return canonical_json({"kind": "vouch", "identity": identity.to_dict(), "voucher": voucher_code})


def _rotation_payload(office: str, sequence: int, old: bytes, new: bytes) -> bytes:
    return canonical_json(
        {
            "kind": "key-rotation",
            "office": office,
            "sequence": sequence,
            "old_key": keys.b64encode(old),
            "new_key": keys.b64encode(new),
        }
    )


def _has_control(text: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in text)


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 20 else text[:20] + "…"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")
