"""Writing a package: one `.bqw` file the clerk carries to the neighbouring office.

Packages are cumulative: the caller puts in everything the recipient is entitled to, so a
lost or skipped package loses nothing. Attachments the recipient has acknowledged are left
out to keep packages small.

The file is written under a `.partial` name, flushed to disk, read back and verified, and
only then renamed to its final name: a stick pulled out early leaves nothing that looks whole.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import zipfile
import zlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bqw_desktop.errors import UserError
from bqw_desktop.exchange import keys
from bqw_desktop.exchange.canonical import canonical_json
from bqw_desktop.exchange.errors import PackageRefused
from bqw_desktop.exchange.identity import KeyRotation, OfficeIdentity, Vouch
from bqw_desktop.exchange.manifest import (
    FORMAT_VERSION,
    MANIFEST_NAME,
    SIGNATURE_NAME,
    Acknowledgements,
    Manifest,
    MemberEntry,
    attachment_member,
    record_member,
)
from bqw_desktop.exchange.verifier import (
    Limits,
    check_entries,
    check_members,
    copy_member,
    read_manifest,
)

__all__ = ["PACKAGE_SUFFIX", "PackageContent", "package_file_name", "write_package"]

PACKAGE_SUFFIX = ".bqw"
PARTIAL_SUFFIX = ".partial"
_CODE_RE = re.compile(r"^[0-9A-Za-z_-]{1,32}$")
_BATCH = 2000  # records encoded per write: large enough to amortise, small enough for memory
_CHUNK = 1 << 20
# Attachments that barely compress (photos, scans, office files) are stored as they are, and
# so are the rare ones that compress so well (blank scans, bitmaps) that a recipient would
# take them for compression bombs.
_SAMPLE = 64 * 1024
_STORE_IF_SAMPLE_RATIO_ABOVE = 0.9
_STORE_IF_SAMPLE_RATIO_BELOW = 1 / 50


@dataclass(frozen=True)
class PackageContent:
    """Everything one package carries from `sender` to `recipient_code`.

    `records`: record type (lowercase, `[a-z][a-z0-9_]*`) → JSON-ready dicts, any iterable
    (a generator streaming from the database is fine). `attachments`: SHA-256 → file path.
    `recipient_has`: attachment hashes the recipient acknowledged; they are left out.
    `acknowledgements`: what this office has received from the recipient.
    `vouches`: further offices' identities this office countersigns for the recipient.
    `rotations`: key rotations the recipient may not know yet (this office's own, relayed ones).
    """

    sender: OfficeIdentity
    recipient_code: str
    sequence: int
    schema_version: str
    catalogue_version: str
    records: Mapping[str, Iterable[Mapping[str, Any]]]
    recipient_name: str = ""
    attachments: Mapping[str, Path] = field(default_factory=dict)
    recipient_has: Collection[str] = frozenset()
    acknowledgements: Acknowledgements = field(default_factory=Acknowledgements)
    vouches: Sequence[Vouch] = ()
    rotations: Sequence[KeyRotation] = ()
    created_at: str | None = None  # for people only; now if None


def package_file_name(sender_code: str, recipient_code: str, sequence: int) -> str:
    """'430121_to_430100_0007.bqw'."""
    return f"{sender_code}_to_{recipient_code}_{sequence:04d}{PACKAGE_SUFFIX}"


def write_package(
    content: PackageContent,
    sender_private_key: Ed25519PrivateKey,
    out: Path | str,
    *,
    compresslevel: int = 6,
) -> Path:
    """Write, sync, read back and verify the package; return its final path.

    `out` is a folder (the standard file name is used) or a file path. An existing file of
    the same name is replaced. On any failure the partial file is removed.
    """
    _check_content(content, sender_private_key)
    final = Path(out)
    if final.is_dir():
        final = final / package_file_name(content.sender.code, content.recipient_code, content.sequence)
    partial = final.with_name(final.name + PARTIAL_SUFFIX)
    try:
        try:
            with partial.open("wb") as f:
                manifest = _write_zip(f, content, sender_private_key, compresslevel)
                f.flush()
                os.fsync(f.fileno())
            _read_back(partial, manifest, content.sender.public_key)
            os.replace(partial, final)
        except BaseException:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            raise
        keys.fsync_dir(final.parent)
    except OSError as exc:
        raise UserError(
            f"写出交换包 {final.name} 失败：{exc.strerror or exc}。请检查U盘是否已满、只读或已被拔出。"
        ) from exc
    return final


def _check_content(content: PackageContent, priv: Ed25519PrivateKey) -> None:
    if keys.private_public_bytes(priv) != content.sender.public_key:
        raise ValueError("the private key does not belong to the sender identity")
    for code in (content.sender.code, content.recipient_code):
        if not _CODE_RE.match(code):
            raise ValueError(f"office code not usable in a file name: {code!r}")
    if type(content.sequence) is not int or content.sequence < 1:
        raise ValueError("sequence numbers start at 1")


def _write_zip(f: IO[bytes], content: PackageContent, priv: Ed25519PrivateKey, level: int) -> Manifest:
    members: list[MemberEntry] = []
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for record_type in sorted(content.records):
            members.append(_write_records(zf, record_member(record_type), content.records[record_type]))
        for digest in sorted(set(content.attachments) - set(content.recipient_has)):
            members.append(_write_attachment(zf, digest, Path(content.attachments[digest])))
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            schema_version=content.schema_version,
            catalogue_version=content.catalogue_version,
            sender=content.sender,
            recipient_code=content.recipient_code,
            recipient_name=content.recipient_name,
            sequence=content.sequence,
            created_at=content.created_at or datetime.now().astimezone().isoformat(timespec="seconds"),
            members=tuple(members),
            acknowledgements=content.acknowledgements,
            vouches=tuple(content.vouches),
            rotations=tuple(content.rotations),
        )
        manifest_bytes = canonical_json(manifest.to_dict())
        zf.writestr(MANIFEST_NAME, manifest_bytes)
        zf.writestr(SIGNATURE_NAME, keys.b64encode(keys.sign(priv, manifest_bytes)))
    return manifest


def _write_records(zf: zipfile.ZipFile, member: str, records: Iterable[Mapping[str, Any]]) -> MemberEntry:
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
    digest = hashlib.sha256()
    size = count = 0
    batch: list[str] = []
    with zf.open(member, "w", force_zip64=True) as dst:

        def flush() -> None:
            nonlocal size
            data = ("\n".join(batch) + "\n").encode("utf-8")
            digest.update(data)
            dst.write(data)
            size += len(data)
            batch.clear()

        for record in records:
            batch.append(encode(record))
            count += 1
            if len(batch) >= _BATCH:
                flush()
        if batch:
            flush()
    return MemberEntry(path=member, size=size, sha256=digest.hexdigest(), records=count)


def _write_attachment(zf: zipfile.ZipFile, digest_hex: str, source: Path) -> MemberEntry:
    member = attachment_member(digest_hex)
    digest = hashlib.sha256()
    size = 0
    try:
        with source.open("rb") as src:
            head = src.read(_CHUNK)
            info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if _store_plain(head) else zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            with zf.open(info, "w", force_zip64=True) as dst:
                chunk = head
                while chunk:
                    digest.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
                    chunk = src.read(_CHUNK)
    except OSError as exc:
        raise UserError(f"无法读取附件文件 {source}：{exc.strerror or exc}。") from exc
    if digest.hexdigest() != digest_hex:
        raise UserError(f"附件文件 {source} 的内容与登记的校验值不符，可能已被改动或损坏。")
    return MemberEntry(path=member, size=size, sha256=digest_hex)


def _store_plain(head: bytes) -> bool:
    """Whether an attachment starting with `head` is better stored than deflated."""
    sample = head[:_SAMPLE]
    if not sample:
        return False
    ratio = len(zlib.compress(sample, 1)) / len(sample)
    return ratio > _STORE_IF_SAMPLE_RATIO_ABOVE or ratio < _STORE_IF_SAMPLE_RATIO_BELOW


def _read_back(path: Path, manifest: Manifest, sender_key: bytes) -> None:
    """Re-read the written file and check it exactly as a recipient would (minus trust)."""
    name = path.name
    limits = Limits()  # the recipient's limits: never hand over a package it would refuse
    try:
        with path.open("rb") as f, zipfile.ZipFile(f) as zf:
            infos = check_entries(zf, name, limits)
            read, manifest_bytes, sig = read_manifest(zf, infos, name, limits)
            if read != manifest or not keys.verify(sender_key, manifest_bytes, sig):
                raise PackageRefused(f"刚写出的交换包 {name} 读回后清单或签名不一致。")
            for entry in check_members(read, infos, name, limits):
                copy_member(zf, infos[entry.path], entry, name, None)
    except (PackageRefused, zipfile.BadZipFile, OSError) as exc:
        raise UserError(
            f"交换包写出后读回校验失败（{exc}），目标磁盘或U盘可能有问题，请换一个位置重新导出。"
        ) from exc
