"""The package manifest: what it holds, and the rules for member names.

Layout of a `.bqw` file (a zip):
    records/<type>.jsonl      one JSON object per line, per record type
    attachments/<sha256>      attachment bytes, named by their SHA-256
    manifest.json             this manifest (canonical JSON)
    manifest.sig              base64 Ed25519 signature of manifest.json's exact bytes, by the sender
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from bqw_desktop.exchange.errors import PackageRefused
from bqw_desktop.exchange.identity import KeyRotation, OfficeIdentity, Vouch

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MANIFEST_NAME",
    "RECORD_TYPE_RE",
    "SIGNATURE_NAME",
    "Acknowledgements",
    "Manifest",
    "MemberEntry",
    "attachment_member",
    "check_member_name",
    "record_member",
]

FORMAT_NAME = "bqw-exchange"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
RECORD_TYPE_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_RECORDS_RE = re.compile(r"^records/([a-z][a-z0-9_]{0,63})\.jsonl$")
_ATTACHMENT_RE = re.compile(r"^attachments/([0-9a-f]{64})$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_DRIVE_RE = re.compile(r"^[A-Za-z]:")
_MAX_TEXT = 200


@dataclass(frozen=True)
class Acknowledgements:
    """What the sender has received from the recipient: packages up to `last_sequence`,
    and the attachments (by SHA-256) it holds; the recipient leaves those out next time."""

    last_sequence: int = 0
    attachments: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        return {"last_sequence": self.last_sequence, "attachments": sorted(self.attachments)}

    @classmethod
    def from_dict(cls, data: object) -> Acknowledgements:
        if not isinstance(data, dict):
            raise PackageRefused("交换包清单中的“已收回执”无效。")
        last = data.get("last_sequence")
        atts = data.get("attachments")
        if type(last) is not int or last < 0 or not isinstance(atts, list):
            raise PackageRefused("交换包清单中的“已收回执”无效。")
        if not all(isinstance(a, str) and _SHA256_RE.match(a) for a in atts):
            raise PackageRefused("交换包清单的“已收回执”中有无效的附件编号。")
        return cls(last_sequence=last, attachments=frozenset(atts))


@dataclass(frozen=True)
class MemberEntry:
    """One member as the manifest lists it; `records` is the line count of a records member."""

    path: str
    size: int
    sha256: str
    records: int | None = None

    @property
    def record_type(self) -> str | None:
        m = _RECORDS_RE.match(self.path)
        return m.group(1) if m else None

    @property
    def attachment_hash(self) -> str | None:
        m = _ATTACHMENT_RE.match(self.path)
        return m.group(1) if m else None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"path": self.path, "size": self.size, "sha256": self.sha256}
        if self.records is not None:
            d["records"] = self.records
        return d


@dataclass(frozen=True)
class Manifest:
    """A parsed, structurally valid manifest (signature checked separately)."""

    format_version: int
    schema_version: str
    catalogue_version: str
    sender: OfficeIdentity
    recipient_code: str
    recipient_name: str
    sequence: int
    created_at: str
    members: tuple[MemberEntry, ...]
    acknowledgements: Acknowledgements = field(default_factory=Acknowledgements)
    vouches: tuple[Vouch, ...] = ()
    rotations: tuple[KeyRotation, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT_NAME,
            "format_version": self.format_version,
            "schema_version": self.schema_version,
            "catalogue_version": self.catalogue_version,
            "sender": self.sender.to_dict(),
            "recipient": {"code": self.recipient_code, "name": self.recipient_name},
            "sequence": self.sequence,
            "created_at": self.created_at,
            "members": [m.to_dict() for m in self.members],
            "acknowledgements": self.acknowledgements.to_dict(),
            "vouches": [v.to_dict() for v in self.vouches],
            "rotations": [r.to_dict() for r in self.rotations],
        }

    @classmethod
    def parse(cls, data: bytes, *, file_name: str) -> Manifest:
        """Parse untrusted manifest bytes; PackageRefused with a Chinese reason if invalid.

        A newer format version is reported first, as a request to update the application.
        """
        try:
            obj = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise PackageRefused(f"交换包 {file_name} 的清单不是有效的 JSON，文件可能已损坏。") from exc
        if not isinstance(obj, dict) or obj.get("format") != FORMAT_NAME:
            raise PackageRefused(f"文件 {file_name} 不是本系统的交换包（清单格式不符）。")
        version = obj.get("format_version")
        if type(version) is not int or version < 1:
            raise PackageRefused(f"交换包 {file_name} 的格式版本无效。")
        if version > FORMAT_VERSION:
            raise PackageRefused(
                f"交换包 {file_name} 的格式版本为 {version}，本软件只能读取 {FORMAT_VERSION} 及以下版本，请先升级本软件。"
            )
        return cls._from_obj(obj, file_name=file_name, version=version)

    @classmethod
    def _from_obj(cls, obj: dict[str, Any], *, file_name: str, version: int) -> Manifest:
        where = f"交换包 {file_name} 的清单"
        sender = OfficeIdentity.from_dict(obj.get("sender"), where=where)
        recipient = obj.get("recipient")
        if not isinstance(recipient, dict):
            raise PackageRefused(f"{where}中缺少接收机关。")
        r_code, r_name = recipient.get("code"), recipient.get("name", "")
        if not isinstance(r_code, str) or not _is_text(r_code) or not _is_text(r_name, allow_empty=True):
            raise PackageRefused(f"{where}中的接收机关无效。")
        seq = obj.get("sequence")
        if type(seq) is not int or seq < 1:
            raise PackageRefused(f"{where}中的序号无效。")
        texts = {k: obj.get(k, "") for k in ("schema_version", "catalogue_version", "created_at")}
        for key, value in texts.items():
            if not _is_text(value, allow_empty=True):
                raise PackageRefused(f"{where}中的 {key} 无效。")
        members = obj.get("members")
        if not isinstance(members, list):
            raise PackageRefused(f"{where}中缺少成员列表。")
        vouches, rotations = obj.get("vouches", []), obj.get("rotations", [])
        if not isinstance(vouches, list) or not isinstance(rotations, list):
            raise PackageRefused(f"{where}中的担保或密钥更换列表无效。")
        return cls(
            format_version=version,
            schema_version=texts["schema_version"],
            catalogue_version=texts["catalogue_version"],
            sender=sender,
            recipient_code=r_code,
            recipient_name=r_name,
            sequence=seq,
            created_at=texts["created_at"],
            members=tuple(_parse_member(m, where=where) for m in members),
            acknowledgements=Acknowledgements.from_dict(
                obj.get("acknowledgements", {"last_sequence": 0, "attachments": []})
            ),
            vouches=tuple(Vouch.from_dict(v, where=where) for v in vouches),
            rotations=tuple(KeyRotation.from_dict(r, where=where) for r in rotations),
        )


def check_member_name(name: str, *, file_name: str) -> None:
    """Refuse member names that could escape a folder or mean something else on some system."""
    shown = name if len(name) <= 80 else name[:80] + "…"
    where = f"交换包 {file_name} 中的成员“{shown}”"
    if "\x00" in name or any(ord(ch) < 32 for ch in name):
        raise PackageRefused(f"{where}含有控制字符，不安全，已拒绝。")
    if _DRIVE_RE.match(name):
        raise PackageRefused(f"{where}带有盘符（绝对路径），不安全，已拒绝。")
    if "\\" in name:
        raise PackageRefused(f"{where}含有反斜杠路径，不安全，已拒绝。")
    if name.startswith("/"):
        raise PackageRefused(f"{where}是绝对路径，不安全，已拒绝。")
    parts = name.split("/")
    if ".." in parts or "." in parts or "" in parts:
        raise PackageRefused(f"{where}含有“..”等上级或空路径，可能写到临时目录以外，已拒绝。")
    if name in (MANIFEST_NAME, SIGNATURE_NAME):
        return
    if not (_RECORDS_RE.match(name) or _ATTACHMENT_RE.match(name)):
        raise PackageRefused(f"{where}不是交换包应有的成员，已拒绝。")


def record_member(record_type: str) -> str:
    """Member path of a record type's JSON Lines file."""
    if not RECORD_TYPE_RE.match(record_type):
        raise ValueError(f"record type must match {RECORD_TYPE_RE.pattern}: {record_type!r}")
    return f"records/{record_type}.jsonl"


def attachment_member(sha256: str) -> str:
    """Member path of an attachment."""
    if not _SHA256_RE.match(sha256):
        raise ValueError(f"attachment name must be a lowercase SHA-256 hex: {sha256!r}")
    return f"attachments/{sha256}"


def _parse_member(data: object, *, where: str) -> MemberEntry:
    if not isinstance(data, dict):
        raise PackageRefused(f"{where}的成员列表中有无效条目。")
    path, size, digest, records = (data.get(k) for k in ("path", "size", "sha256", "records"))
    if not isinstance(path, str) or not (_RECORDS_RE.match(path) or _ATTACHMENT_RE.match(path)):
        raise PackageRefused(f"{where}列出了不应有的成员“{str(path)[:80]}”。")
    if type(size) is not int or size < 0 or not isinstance(digest, str) or not _SHA256_RE.match(digest):
        raise PackageRefused(f"{where}中成员 {path} 的大小或校验值无效。")
    is_records = path.startswith("records/")
    if is_records != (type(records) is int and records >= 0):
        raise PackageRefused(f"{where}中成员 {path} 的记录条数无效。")
    if not is_records and digest != path.rsplit("/", 1)[1]:
        raise PackageRefused(f"{where}中附件 {path} 的名称与其校验值不一致。")
    return MemberEntry(path=path, size=size, sha256=digest, records=records if is_records else None)


def _is_text(value: object, *, allow_empty: bool = False) -> bool:
    return (
        isinstance(value, str)
        and (allow_empty or bool(value))
        and len(value) <= _MAX_TEXT
        and not any(ord(ch) < 32 for ch in value)
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")
