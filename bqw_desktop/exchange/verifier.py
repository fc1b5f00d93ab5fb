"""Proving a package genuine and whole before anything of it is read into the database.

`verify_package` checks, in this order, and refuses with one Chinese sentence on the first
failure: the file is a complete zip; every member name is safe (no `..`, absolute paths,
drive letters, links, folders, duplicates, encryption, odd compression); the manifest is
ours and not from a newer format; the package is addressed to this office; the keys it
carries (rotations, vouches) are properly signed; the sender is known and signed the
manifest with its current key; the sequence number is not stale; the members are exactly
those listed, with the listed sizes, sane compression ratios and room on the disk; then it
copies each member into a private staging folder while hashing it (stopping as soon as a
member grows past its listed size), and parses every JSON line.

Nothing is written anywhere but inside a fresh folder under `staging_dir`, which is removed
again on refusal. The returned `VerifiedPackage` reads only from that folder, so a stick
changed or pulled out after verification cannot change what is imported.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Self

from bqw_desktop.errors import UserError
from bqw_desktop.exchange import keys
from bqw_desktop.exchange.errors import PackageRefused
from bqw_desktop.exchange.manifest import (
    MANIFEST_NAME,
    SIGNATURE_NAME,
    Manifest,
    MemberEntry,
    check_member_name,
)
from bqw_desktop.exchange.signed import verify_record
from bqw_desktop.exchange.trust import (
    MemoryTrustStore,
    TrustStore,
    TrustUpdate,
    current_key,
    find_key,
)

__all__ = [
    "Limits",
    "PackageSummary",
    "SequenceStatus",
    "VerifiedPackage",
    "disk_free_bytes",
    "verify_package",
]

_CHUNK = 1 << 20
_MB = 1 << 20
_S_IFMT = 0o170000
_S_IFREG = 0o100000
_S_IFLNK = 0o120000


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile package from exhausting memory or disk."""

    max_package_bytes: int = 8 << 30
    max_members: int = 200_000
    max_member_bytes: int = 2 << 30
    max_total_bytes: int = 16 << 30
    # uncompressed / compressed: JSON Lines compress about 5:1, deflate cannot pass ~1030:1
    max_ratio: int = 200
    ratio_floor_bytes: int = 1 << 20  # members smaller than this are not ratio-checked
    max_manifest_bytes: int = 64 << 20
    free_space_margin: int = 64 << 20


class SequenceStatus(StrEnum):
    """How a package's sequence number relates to the last one accepted from its sender."""

    NEW = "new"  # the next one
    JUMP = "jump"  # some packages were skipped; harmless since packages are cumulative
    DUPLICATE = "duplicate"  # already imported: the caller does nothing


@dataclass(frozen=True)
class PackageSummary:
    """What a person is shown before import."""

    sender_code: str
    sender_name: str
    recipient_code: str
    recipient_name: str
    sequence: int
    status: SequenceStatus
    skipped: int  # packages skipped (JUMP only)
    record_counts: dict[str, int]
    attachment_count: int
    attachment_bytes: int
    schema_version: str
    catalogue_version: str
    created_at: str
    notes: tuple[str, ...] = ()

    def describe(self, labels: Mapping[str, str] | None = None) -> str:
        """One Chinese paragraph for the import dialog / command line.

        `labels` maps record types to Chinese names (e.g. "sites" → "示范点").
        """
        labels = labels or {}
        counts = (
            "，".join(f"{labels.get(t, t)} {n} 条" for t, n in sorted(self.record_counts.items()) if n) or "无记录"
        )
        text = (
            f"{self.sender_name}（{self.sender_code}）发给{self.recipient_name or self.recipient_code}"
            f"的第 {self.sequence} 号交换包（制作于 {self.created_at or '未知时间'}）：{counts}；"
            f"附件 {self.attachment_count} 个。"
        )
        if self.status is SequenceStatus.DUPLICATE:
            text += "此包已经导入过，无需再次导入。"
        elif self.status is SequenceStatus.JUMP:
            text += f"中间跳过了 {self.skipped} 个包；交换包是累积的，跳过的内容都包含在此包中。"
        return text + "".join(self.notes)


def disk_free_bytes(path: Path) -> int:
    """Free bytes on the disk holding `path` (the default free-space check)."""
    return shutil.disk_usage(path).free


class VerifiedPackage:
    """A package that passed every check, staged in a private folder.

    Use as a context manager (or call `close()`) to remove the staging folder after import.
    Persist `trust_updates` (vouched keys, rotations) in the same transaction as the merge.
    """

    def __init__(
        self,
        *,
        path: Path,
        manifest: Manifest,
        summary: PackageSummary,
        staging: Path,
        trust: TrustStore,
        trust_updates: tuple[TrustUpdate, ...],
        parsed: dict[str, list[dict[str, Any]]] | None = None,
    ) -> None:
        self.path = path
        self.manifest = manifest
        self.summary = summary
        self.staging = staging
        self.trust = trust
        self.trust_updates = trust_updates
        # Records parsed during verification, kept when the package is small enough that
        # holding them costs less than parsing them again.
        self._parsed = parsed

    @property
    def is_duplicate(self) -> bool:
        """True when this package was already imported; importing it is a no-op."""
        return self.summary.status is SequenceStatus.DUPLICATE

    @property
    def record_types(self) -> list[str]:
        """Record types present, in manifest order."""
        return [m.record_type for m in self.manifest.members if m.record_type]

    def records(self, record_type: str) -> Iterator[dict[str, Any]]:
        """The records of one type (parsed JSON Lines), in file order; empty if absent."""
        if record_type not in self.record_types:
            return iter(())
        if self._parsed is not None:
            return iter(self._parsed.get(record_type, ()))
        return _iter_lines(self.staging / "records" / f"{record_type}.jsonl")

    def iter_records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(record_type, record) for every record in the package."""
        for record_type in self.record_types:
            for record in self.records(record_type):
                yield record_type, record

    @property
    def attachments(self) -> dict[str, Path]:
        """SHA-256 → staged file of every attachment carried (acknowledged ones are absent)."""
        return {
            h: self.staging / "attachments" / h for m in self.manifest.members if (h := m.attachment_hash)
        }

    def verify_record(
        self, record: Mapping[str, Any], *, office: str | None = None, label: str | None = None
    ) -> str:
        """Check a decision's signature with the keys known here plus those this package brings."""
        return verify_record(record, self.trust, office=office, label=label)

    def close(self) -> None:
        """Remove the staging folder."""
        shutil.rmtree(self.staging, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def verify_package(
    path: Path | str,
    *,
    trust: TrustStore,
    self_code: str,
    last_sequence_from_sender: int | None | Callable[[str], int | None],
    staging_dir: Path | str,
    free_space_check: Callable[[Path], int] = disk_free_bytes,
    limits: Limits = Limits(),
    signed_record_types: Collection[str] = (),
) -> VerifiedPackage:
    """Check a package completely; return it staged, or raise PackageRefused.

    `last_sequence_from_sender` is the highest sequence accepted from this sender (None or 0:
    none yet), or a function of the sender's code giving it (the database knows it per
    sender, and the sender is known only once the manifest is read). Records of `signed_record_types` must each carry a valid decision signature.
    """
    path = Path(path)
    staging_dir = Path(staging_dir)
    name = path.name
    try:
        staging_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"无法创建临时文件夹 {staging_dir}：{exc.strerror or exc}。") from exc
    size = _package_size(path)
    if size > limits.max_package_bytes:
        raise PackageRefused(
            f"交换包 {name} 有 {size // _MB} MB，超过允许的 {limits.max_package_bytes // _MB} MB，已拒绝。"
        )
    try:
        with path.open("rb") as f:
            return _verify_open(
                f,
                path,
                size=size,
                trust=trust,
                self_code=self_code,
                last=last_sequence_from_sender,
                staging_dir=staging_dir,
                free_space_check=free_space_check,
                limits=limits,
                signed_record_types=frozenset(signed_record_types),
            )
    except OSError as exc:
        raise UserError(
            f"处理交换包 {name} 时出错：{exc.strerror or exc}。请检查U盘和磁盘空间后重试。"
        ) from exc


def _verify_open(
    f: IO[bytes],
    path: Path,
    *,
    size: int,
    trust: TrustStore,
    self_code: str,
    last: int | None | Callable[[str], int | None],
    staging_dir: Path,
    free_space_check: Callable[[Path], int],
    limits: Limits,
    signed_record_types: frozenset[str],
) -> VerifiedPackage:
    name = path.name
    with _open_zip(f, name) as zf:
        infos = check_entries(zf, name, limits)
        manifest, manifest_bytes, sig = read_manifest(zf, infos, name, limits)
        if manifest.recipient_code != self_code:
            raise PackageRefused(
                f"交换包 {name} 是发给 {manifest.recipient_name or '其他机关'}（{manifest.recipient_code}）的，"
                f"不是发给本机关（{self_code}）的，已拒绝。"
            )
        overlay, updates, notes = _admit_trust(trust, manifest, self_code=self_code, name=name)
        _check_sender(overlay, manifest, manifest_bytes, sig, name)
        last_seq = last(manifest.sender.code) if callable(last) else last
        status, skipped = _check_sequence(manifest.sequence, last_seq or 0, name)
        entries = check_members(manifest, infos, name, limits)
        total = sum(e.size for e in entries)
        free = free_space_check(staging_dir)
        if total + limits.free_space_margin > free:
            raise PackageRefused(
                f"磁盘空间不足，无法验证交换包 {name}：需要约 {(total + limits.free_space_margin) // _MB + 1} MB，"
                f"临时文件夹所在磁盘只剩 {free // _MB} MB。请清理磁盘后重试。"
            )
        staging = Path(tempfile.mkdtemp(prefix="bqw-import-", dir=staging_dir))
        try:
            for entry in entries:
                target = staging / entry.path  # names were matched against safe patterns
                target.parent.mkdir(exist_ok=True)
                with target.open("wb") as out:
                    copy_member(zf, infos[entry.path], entry, name, out)
            keep = sum(e.size for e in entries if e.record_type) <= _KEEP_PARSED_BYTES
            counts, parsed = _check_records(staging, manifest, name, overlay, signed_record_types, keep=keep)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    atts = [e for e in manifest.members if e.attachment_hash]
    summary = PackageSummary(
        sender_code=manifest.sender.code,
        sender_name=manifest.sender.name,
        recipient_code=manifest.recipient_code,
        recipient_name=manifest.recipient_name,
        sequence=manifest.sequence,
        status=status,
        skipped=skipped,
        record_counts=counts,
        attachment_count=len(atts),
        attachment_bytes=sum(e.size for e in atts),
        schema_version=manifest.schema_version,
        catalogue_version=manifest.catalogue_version,
        created_at=manifest.created_at,
        notes=tuple(notes),
    )
    return VerifiedPackage(
        path=path,
        manifest=manifest,
        summary=summary,
        staging=staging,
        trust=overlay,
        trust_updates=tuple(updates),
        parsed=parsed,
    )


# -- structure -----------------------------------------------------------------------------


def _package_size(path: Path) -> int:
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise UserError(f"找不到交换包文件 {path.name}。") from exc
    except OSError as exc:
        raise UserError(f"无法读取交换包 {path.name}：{exc.strerror or exc}。") from exc
    if not path.is_file():
        raise PackageRefused(f"{path.name} 不是文件，不能作为交换包导入。")
    return st.st_size


def _open_zip(f: IO[bytes], name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(f)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise PackageRefused(
            f"交换包 {name} 不完整或已损坏（可能在拷贝时被中断），请让对方重新导出或重新拷贝。"
        ) from exc


def check_entries(zf: zipfile.ZipFile, name: str, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    """Refuse unsafe or odd zip entries; return name → ZipInfo."""
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise PackageRefused(
            f"交换包 {name} 含有 {len(infos)} 个成员，超过允许的 {limits.max_members} 个，已拒绝。"
        )
    seen: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        member = info.filename
        shown = member[:80]
        if member in seen:
            raise PackageRefused(f"交换包 {name} 中成员“{shown}”出现了两次，已拒绝。")
        if info.is_dir():
            raise PackageRefused(f"交换包 {name} 中的“{shown}”是文件夹条目，交换包不应含有文件夹，已拒绝。")
        check_member_name(member, file_name=name)
        kind = (info.external_attr >> 16) & _S_IFMT
        if kind == _S_IFLNK:
            raise PackageRefused(f"交换包 {name} 中的成员“{shown}”是符号链接，不安全，已拒绝。")
        if kind not in (0, _S_IFREG):
            raise PackageRefused(f"交换包 {name} 中的成员“{shown}”不是普通文件，已拒绝。")
        if info.flag_bits & 0x1:
            raise PackageRefused(f"交换包 {name} 中的成员“{shown}”被加密，不是本系统生成的，已拒绝。")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise PackageRefused(f"交换包 {name} 中的成员“{shown}”使用了本系统不用的压缩方式，已拒绝。")
        seen[member] = info
    return seen


def read_manifest(
    zf: zipfile.ZipFile, infos: Mapping[str, zipfile.ZipInfo], name: str, limits: Limits
) -> tuple[Manifest, bytes, bytes]:
    """The parsed manifest, its exact bytes and the decoded signature."""
    for required in (MANIFEST_NAME, SIGNATURE_NAME):
        if required not in infos:
            raise PackageRefused(f"交换包 {name} 缺少 {required}，不是完整的交换包。")
    manifest_bytes = _read_small(zf, infos[MANIFEST_NAME], name, limits.max_manifest_bytes)
    sig_text = _read_small(zf, infos[SIGNATURE_NAME], name, 1024)
    manifest = Manifest.parse(manifest_bytes, file_name=name)
    sig = keys.b64decode(sig_text.decode("ascii", "replace").strip(), length=keys.SIGNATURE_BYTES)
    if sig is None:
        raise PackageRefused(f"交换包 {name} 的签名文件 {SIGNATURE_NAME} 无效。")
    return manifest, manifest_bytes, sig


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limit: int) -> bytes:
    if info.file_size > limit:
        raise PackageRefused(f"交换包 {name} 中的 {info.filename} 过大（{info.file_size} 字节），已拒绝。")
    try:
        with zf.open(info) as src:
            data = src.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise PackageRefused(f"交换包 {name} 中的 {info.filename} 已损坏。") from exc
    if len(data) > limit:
        raise PackageRefused(f"交换包 {name} 中的 {info.filename} 过大，已拒绝。")
    return data


def check_members(
    manifest: Manifest, infos: Mapping[str, zipfile.ZipInfo], name: str, limits: Limits
) -> list[MemberEntry]:
    """Members exactly as listed (none missing, extra or doubled), with sane sizes."""
    listed: dict[str, MemberEntry] = {}
    for entry in manifest.members:
        if entry.path in listed:
            raise PackageRefused(f"交换包 {name} 的清单把成员 {entry.path} 列了两次，已拒绝。")
        listed[entry.path] = entry
    present = set(infos) - {MANIFEST_NAME, SIGNATURE_NAME}
    missing = sorted(set(listed) - present)
    if missing:
        raise PackageRefused(f"交换包 {name} 缺少清单所列的成员 {_few(missing)}，文件不完整。")
    extra = sorted(present - set(listed))
    if extra:
        raise PackageRefused(f"交换包 {name} 含有清单未列出的成员 {_few(extra)}，已拒绝。")
    total = 0
    for entry in manifest.members:
        info = infos[entry.path]
        if info.file_size > entry.size:
            raise PackageRefused(
                f"交换包 {name} 中的成员 {entry.path} 比清单所述大"
                f"（清单 {entry.size} 字节，包内 {info.file_size} 字节），已拒绝。"
            )
        if info.file_size != entry.size:
            raise PackageRefused(
                f"交换包 {name} 中的成员 {entry.path} 大小与清单不符"
                f"（清单 {entry.size} 字节，包内 {info.file_size} 字节），文件不完整或被改动过。"
            )
        if entry.size > limits.max_member_bytes:
            raise PackageRefused(
                f"交换包 {name} 中的成员 {entry.path} 有 {entry.size // _MB} MB，超过单个成员允许的 "
                f"{limits.max_member_bytes // _MB} MB，已拒绝。"
            )
        if entry.size > limits.ratio_floor_bytes and entry.size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise PackageRefused(
                f"交换包 {name} 中的成员 {entry.path} 压缩比异常（{info.compress_size} 字节解压后为 "
                f"{entry.size} 字节），疑似“压缩炸弹”，已拒绝。"
            )
        total += entry.size
    if total > limits.max_total_bytes:
        raise PackageRefused(
            f"交换包 {name} 解压后共 {total // _MB} MB，超过允许的 {limits.max_total_bytes // _MB} MB，已拒绝。"
        )
    return list(manifest.members)


def copy_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    entry: MemberEntry,
    name: str,
    out: IO[bytes] | None,
) -> None:
    """Stream one member (to `out`, or nowhere), checking size and SHA-256 as bytes arrive.

    Stops as soon as more bytes arrive than the manifest lists, whatever the zip headers say.
    """
    digest = hashlib.sha256()
    count = 0
    try:
        with zf.open(info) as src:
            while chunk := src.read(_CHUNK):
                count += len(chunk)
                if count > entry.size:
                    raise PackageRefused(
                        f"交换包 {name} 中的成员 {entry.path} 解压后比清单所述的 {entry.size} 字节大，已拒绝。"
                    )
                digest.update(chunk)
                if out is not None:
                    out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise PackageRefused(
            f"交换包 {name} 中的成员 {entry.path} 已损坏（校验失败），请让对方重新导出或重新拷贝。"
        ) from exc
    if count != entry.size:
        raise PackageRefused(
            f"交换包 {name} 中的成员 {entry.path} 不完整（清单 {entry.size} 字节，实际 {count} 字节）。"
        )
    if digest.hexdigest() != entry.sha256:
        raise PackageRefused(f"交换包 {name} 中的成员 {entry.path} 校验值与清单不符，内容被改动过或已损坏。")


# -- trust ---------------------------------------------------------------------------------


def _admit_trust(
    trust: TrustStore, manifest: Manifest, *, self_code: str, name: str
) -> tuple[MemoryTrustStore, list[TrustUpdate], list[str]]:
    """Apply the package's rotations, then vouches, to an overlay of `trust`."""
    overlay = MemoryTrustStore(base=trust)
    updates: list[TrustUpdate] = []
    notes: list[str] = []
    for rot in sorted(manifest.rotations, key=lambda r: (r.office_code, r.sequence)):
        if not rot.is_valid():
            raise PackageRefused(f"交换包 {name} 中机关 {rot.office_code} 的密钥更换记录签名无效，已拒绝。")
        now = current_key(overlay, rot.office_code)
        if rot.office_code == self_code or now is None:
            continue
        if now.public_key == rot.old_key:
            if rot.sequence <= now.rotation:
                raise PackageRefused(
                    f"交换包 {name} 中机关 {rot.office_code} 的第 {rot.sequence} 次密钥更换早于本机已知的"
                    f"第 {now.rotation} 次，已拒绝。"
                )
            overlay.apply_rotation(rot)
            updates.append(rot)
        elif find_key(overlay, rot.office_code, rot.old_key) and not find_key(
            overlay, rot.office_code, rot.new_key
        ):
            raise PackageRefused(
                f"交换包 {name} 中机关 {rot.office_code} 的旧密钥被更换成了另一把本机不认识的密钥，"
                "旧密钥可能已泄露，已拒绝。请与该机关电话核实。"
            )
    for vouch in manifest.vouches:
        office = vouch.identity.code
        if office == self_code:
            continue
        voucher = current_key(overlay, vouch.voucher_code)
        if voucher is None or voucher.source != "direct":
            raise PackageRefused(
                f"交换包 {name} 中为机关 {office} 担保的机关 {vouch.voucher_code} 未在本机直接登记，担保无效，已拒绝。"
            )
        if not keys.verify(voucher.public_key, vouch.payload(), vouch.signature):
            raise PackageRefused(
                f"交换包 {name} 中机关 {vouch.voucher_code} 为机关 {office} 所作的担保签名无效，已拒绝。"
            )
        now = current_key(overlay, office)
        if overlay.add_vouched(vouch):
            updates.append(vouch)
        elif now is not None and now.public_key != vouch.identity.public_key:
            notes.append(
                f"（机关 {vouch.voucher_code} 为 {vouch.identity.label}担保的密钥与本机登记的不同，已忽略，"
                "请电话核实指纹。）"
            )
    return overlay, updates, notes


def _check_sender(
    trust: TrustStore, manifest: Manifest, manifest_bytes: bytes, sig: bytes, name: str
) -> None:
    sender = manifest.sender
    key = current_key(trust, sender.code)
    if key is None:
        raise PackageRefused(
            f"交换包 {name} 的发送机关 {sender.label}未在本机登记，请先导入对方的身份卡并电话核对指纹。"
        )
    if sender.public_key != key.public_key:
        old = find_key(trust, sender.code, sender.public_key)
        if old is not None:
            raise PackageRefused(
                f"交换包 {name} 是用 {sender.label}已停用的旧密钥签名的（该密钥已在密钥更换后停用），"
                "已拒绝。请让对方用新密钥重新导出。"
            )
        raise PackageRefused(
            f"交换包 {name} 的签名密钥（指纹 {sender.fingerprint}）与本机为 {sender.label}登记的密钥"
            f"（指纹 {key.identity.fingerprint}）不符，已拒绝。"
        )
    if not keys.verify(key.public_key, manifest_bytes, sig):
        raise PackageRefused(f"交换包 {name} 的签名无效：清单被改动过或签名是伪造的，已拒绝。")


def _check_sequence(sequence: int, last: int, name: str) -> tuple[SequenceStatus, int]:
    if sequence < last:
        raise PackageRefused(
            f"交换包 {name} 的序号 {sequence} 早于已导入的第 {last} 号，是过期的包；交换包是累积的，"
            "拒绝它不会丢失任何内容，请导入最新的包。"
        )
    if sequence == last:
        return SequenceStatus.DUPLICATE, 0
    if sequence == last + 1:
        return SequenceStatus.NEW, 0
    return SequenceStatus.JUMP, sequence - last - 1


# -- records -------------------------------------------------------------------------------


def _check_records(
    staging: Path,
    manifest: Manifest,
    name: str,
    trust: TrustStore,
    signed_types: frozenset[str],
    *,
    keep: bool = False,
) -> tuple[dict[str, int], dict[str, list[dict[str, Any]]] | None]:
    """Parse every JSON line of every records member; check counts and required signatures.

    Returns the counts per type, and the parsed records when `keep` is true.
    """
    counts: dict[str, int] = {}
    parsed: dict[str, list[dict[str, Any]]] | None = {} if keep else None
    for entry in manifest.members:
        record_type = entry.record_type
        if record_type is None:
            continue
        n = 0
        kept: list[dict[str, Any]] = []
        for n, record in _parse_lines(staging / entry.path, label=f"交换包 {name} 中 {entry.path}"):
            if record_type in signed_types:
                verify_record(record, trust, label=f"交换包 {name} 中 {entry.path} 第 {n} 行的记录")
            if keep:
                kept.append(record)
        if n != entry.records:
            raise PackageRefused(
                f"交换包 {name} 中 {entry.path} 有 {n} 条记录，清单写的是 {entry.records} 条，已拒绝。"
            )
        counts[record_type] = n
        if parsed is not None:
            parsed[record_type] = kept
    return counts, parsed


def _parse_lines(path: Path, *, label: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for each line; PackageRefused naming the first bad line.

    Lines are parsed in batches as one JSON array (one decoder call per batch instead of per
    line); a batch that fails, or yields a different number of values than it had lines, is
    re-parsed line by line to name the culprit.
    """
    n = 0
    with path.open("rb") as f:
        while batch := f.readlines(_PARSE_BATCH_BYTES):
            try:
                values = _DECODER.decode("[" + b",".join(batch).decode("utf-8") + "]")
            except (ValueError, RecursionError):
                values = None
            if values is None or len(values) != len(batch) or not all(type(v) is dict for v in values):
                values = [_parse_line(line, n + i, label) for i, line in enumerate(batch, start=1)]
            for record in values:
                n += 1
                yield n, record


def _parse_line(line: bytes, n: int, label: str) -> dict[str, Any]:
    try:
        record = _DECODER.decode(line.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise PackageRefused(f"{label} 第 {n} 行不是有效的 JSON，已拒绝。") from exc
    if not isinstance(record, dict):
        raise PackageRefused(f"{label} 第 {n} 行不是一条记录（应为 JSON 对象），已拒绝。")
    return record


def _iter_lines(path: Path) -> Iterator[dict[str, Any]]:
    for _, record in _parse_lines(path, label=path.name):
        yield record


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)
_PARSE_BATCH_BYTES = 4 << 20
_KEEP_PARSED_BYTES = 96 << 20  # a city package is about 20 MB of JSON Lines


def _few(names: list[str]) -> str:
    shown = "、".join(n[:80] for n in names[:3])
    return shown + (f" 等 {len(names)} 个" if len(names) > 3 else "")
