"""Tier exchange as the command line and the window use it: keys, export, verify, import.

Each function opens its own units of work on `db` where the work needs more than one
(export reserves its number, then reads, then records the result; import verifies, backs
up and merges in one transaction), or takes the caller's session for quick reads and
resolutions. A user's mistake or a refused package is a `UserError` with one Chinese
sentence; nothing is written then.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bqw_desktop.db.backup import backup_before
from bqw_desktop.db.engine import Database
from bqw_desktop.db.models import PackageHistory
from bqw_desktop.errors import UserError
from bqw_desktop.exchange import keys
from bqw_desktop.exchange.errors import PackageRefused
from bqw_desktop.exchange.history import (
    HistoryRow,
    ReportRow,
    get_report,
    import_reports,
    list_conflicts,
    list_duplicates,
    package_history,
    resolve_conflict,
    resolve_duplicate,
    store_report,
    write_report,
)
from bqw_desktop.exchange.identity import export_identity_card, make_rotation, read_identity_card
from bqw_desktop.exchange.merge import merge
from bqw_desktop.exchange.outbox import build_content, last_received, next_sequence
from bqw_desktop.exchange.package import package_file_name, write_package
from bqw_desktop.exchange.report import ConflictRow, DuplicateRow, ImportReport
from bqw_desktop.exchange.rows import SIGNED_TYPES, TYPE_LABELS
from bqw_desktop.exchange.scope import Direction, office_tree
from bqw_desktop.exchange.trust_db import (
    DbTrustStore,
    KnownOffice,
    known_offices,
    own_identity,
    own_private_key,
    pending_key_path,
)
from bqw_desktop.exchange.verifier import PackageSummary, VerifiedPackage, verify_package
from bqw_desktop.paths import DataFolder
from bqw_desktop.services import audit, offices
from bqw_desktop.services.context import Actor

__all__ = [
    "ConflictRow",
    "DuplicateRow",
    "ExportResult",
    "HistoryRow",
    "ImportReport",
    "KnownOffice",
    "PackageRefused",
    "Progress",
    "ReportRow",
    "VerifyResult",
    "export_identity",
    "export_package",
    "export_report",
    "get_report",
    "import_package",
    "import_reports",
    "known_offices",
    "list_conflicts",
    "list_duplicates",
    "neighbours",
    "package_history",
    "preview_import",
    "resolve_conflict",
    "resolve_duplicate",
    "rotate_key",
    "trust_identity_card",
    "verify_file",
]

Progress = Callable[[str, int, int], None]
"""progress(label, done, total): what is being done, and how far along."""


def _noop(_label: str, _done: int, _total: int) -> None:
    return None


# -- keys ------------------------------------------------------------------------------------


def export_identity(db: Database, *, out: Path) -> Path:
    """Write this office's identity card (office code, name, tier, public key) to `out`."""
    with db.begin() as session:
        identity = own_identity(session)
    private = own_private_key(db.path, identity)
    out = Path(out)
    if out.is_dir():
        out = out / f"{identity.code}_身份卡.json"
    try:
        return export_identity_card(identity, private, out)
    except OSError as exc:
        raise UserError(f"无法写出身份卡 {out}：{exc.strerror or exc}。") from exc


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def trust_identity_card(session: Session, actor: Actor, *, path: Path, fingerprint: str) -> KnownOffice:
    """Register a neighbour's identity card after the fingerprint read over the phone matches.

    Only the office's parent or a direct child (the province and its `system` offices are
    neighbours) may be registered; the typed fingerprint must equal the card's.
    """
    identity = read_identity_card(path)
    me = offices.this_office(session)
    if identity.code == me.code:
        raise UserError(f"身份卡 {Path(path).name} 是本单位自己的，不需要登记。")
    tree = office_tree()
    if tree.direction(me.code, identity.code) is None:
        raise UserError(
            f"{identity.label}不是本单位的直接上级或下级，不能直接登记；它的密钥会由相邻单位在交换包中担保传来。"
        )
    if _digits(fingerprint) != _digits(identity.fingerprint):
        raise UserError(
            f"输入的指纹与身份卡 {Path(path).name} 上 {identity.label}的指纹不一致，未登记。"
            "请与对方电话逐组核对指纹；不一致说明身份卡可能被替换。"
        )
    store = DbTrustStore(session)
    store.register_direct(identity)
    audit.record(session, actor, "trust_office", record_type="offices", record_id=identity.code,
                 summary={"name": identity.name, "fingerprint": identity.fingerprint})
    return next(o for o in known_offices(session) if o.code == identity.code)


def rotate_key(db: Database, actor: Actor) -> str:
    """Replace this office's key pair; returns the new fingerprint.

    The rotation is signed by the old key and travels in every later package, so neighbours
    switch to the new key; packages signed with the old key are refused from then on.
    """
    folder = DataFolder(db.path)
    with db.begin() as session:
        identity = own_identity(session)
        old = own_private_key(db.path, identity)
        new = keys.generate_keypair()
        store = DbTrustStore(session)
        me = store.keys_for(identity.code)
        sequence = max((k.rotation for k in me), default=0) + 1
        rotation = make_rotation(office_code=identity.code, sequence=sequence, old_key=old, new_key=new)
        pending = pending_key_path(db.path)
        keys.save_private_key(pending, new)
        try:
            store.rotate_own(rotation)
            audit.record(session, actor, "rotate_key", record_type="offices", record_id=identity.code,
                         summary={"sequence": sequence, "fingerprint": keys.fingerprint(rotation.new_key)})
            session.flush()
        except BaseException:
            pending.unlink(missing_ok=True)
            raise
    os.replace(pending, folder.private_key)
    keys.fsync_dir(folder.keys)
    return keys.fingerprint(rotation.new_key)


def neighbours(session: Session) -> list[KnownOffice]:
    """Offices this office exchanges packages with (parent and children) whose keys are known."""
    me = offices.this_office(session)
    tree = office_tree()
    return [o for o in known_offices(session) if o.code != me.code and tree.direction(me.code, o.code)]


# -- export ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    """A package written for a neighbour."""

    path: Path
    sequence: int
    recipient_code: str
    recipient_name: str
    counts: dict[str, int]
    attachment_count: int
    unsigned: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        parts = "，".join(f"{TYPE_LABELS.get(t, t)} {n} 条" for t, n in self.counts.items() if n) or "无记录"
        text = (f"已导出发给 {self.recipient_name or self.recipient_code} 的第 {self.sequence} 号交换包："
                f"{self.path}（{parts}；附件 {self.attachment_count} 个）。")
        if self.unsigned:
            text += (f"另有 {sum(self.unsigned.values())} 条上级决定缺少签发机关的签名，未能转交，"
                     "待签发机关的交换包到达后会自动补上。")
        return text

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"path": str(self.path), "text": self.describe()}


def export_package(db: Database, actor: Actor, *, to_code: str, out: Path,
                   progress: Progress | None = None) -> ExportResult:
    """Write the cumulative package for the neighbour `to_code` into `out` (a folder or a file).

    The package number is reserved first; if writing fails the reservation is withdrawn,
    so the history lists only packages that exist.
    """
    tick = progress or _noop
    tree = office_tree()
    with db.begin() as session:
        me = offices.this_office(session)
        direction = tree.direction(me.code, to_code)
        if direction is None:
            raise UserError(f"单位 {to_code} 不是本单位的直接上级或下级，只能与直接上级或下级交换数据包。")
        sequence = next_sequence(session, sender=me.code, recipient=to_code)
        target = Path(out)
        if target.is_dir():
            target = target / package_file_name(me.code, to_code, sequence)
        row = PackageHistory(direction="sent", sender_code=me.code, recipient_code=to_code, sequence=sequence,
                             file_name=target.name, actor=actor.user)
        session.add(row)
        session.flush()
        history_id = row.id
    tick("准备", 1, 3)
    try:
        with db.begin() as session:
            identity = own_identity(session)
            private = own_private_key(db.path, identity)
            recipient = DbTrustStore(session).identity(to_code)
            outbox = build_content(session, sender=identity, private_key=private, recipient=recipient,
                                   recipient_code=to_code, direction=Direction(direction), sequence=sequence,
                                   tree=tree, attachment_store=DataFolder(db.path).attachments)
            path = write_package(outbox.content, private, target)
        tick("写出", 2, 3)
    except BaseException:
        with db.begin() as session:
            session.execute(delete(PackageHistory).where(PackageHistory.id == history_id))
        raise
    attachments = len(set(outbox.content.attachments) - set(outbox.content.recipient_has))
    with db.begin() as session:
        row = session.get_one(PackageHistory, history_id)
        row.record_count, row.attachment_count = outbox.record_count, attachments
        row.counts = json.dumps(outbox.counts, sort_keys=True)
        audit.record(session, actor, "export_package", record_type="package_history", record_id=str(history_id),
                     summary={"to": to_code, "sequence": sequence, "records": outbox.record_count,
                              "attachments": attachments, "file": path.name})
    tick("完成", 3, 3)
    return ExportResult(path=path, sequence=sequence, recipient_code=to_code,
                        recipient_name=recipient.name if recipient else "", counts=dict(outbox.counts),
                        attachment_count=attachments, unsigned=dict(outbox.unsigned))


# -- verify and import -----------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    """A package that passed every check (nothing was written)."""

    summary: PackageSummary

    def describe(self) -> str:
        return self.summary.describe(TYPE_LABELS)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self.summary)
        data["status"] = str(self.summary.status)
        data["text"] = self.describe()
        return data


def _verify(session: Session, db: Database, path: Path, trust: DbTrustStore) -> VerifiedPackage:
    me = offices.this_office(session)
    return verify_package(
        Path(path), trust=trust, self_code=me.code,
        last_sequence_from_sender=lambda sender: last_received(session, sender=sender, recipient=me.code),
        staging_dir=DataFolder(db.path).staging, signed_record_types=SIGNED_TYPES,
    )


def verify_file(db: Database, path: Path) -> VerifyResult:
    """Check a package completely (signatures, keys, sequence, contents); write nothing."""
    with db.sessions() as session:
        with _verify(session, db, path, DbTrustStore(session)) as verified:
            result = VerifyResult(verified.summary)
        session.rollback()
    return result


def preview_import(db: Database, actor: Actor, path: Path) -> ImportReport:
    """The same import, rolled back: what would be created, updated, unchanged, in conflict
    or refused, per record type, naming the sites. Records the sender may not send are listed
    in `report.refused` rather than raised."""
    with db.sessions() as session:
        session.begin()
        try:
            with _verify(session, db, path, DbTrustStore(session)) as verified:
                return merge(session, verified, self_code=offices.this_office(session).code, tree=office_tree(),
                             attachment_store=None, dry_run=True)
        finally:
            session.rollback()


def import_package(db: Database, actor: Actor, path: Path, progress: Progress | None = None) -> ImportReport:
    """Verify, back up, and merge the package in one transaction; store and return the report.

    A package already imported (same number again) changes nothing and takes no backup. A
    crash or kill at any point leaves the database exactly as it was before.
    """
    tick = progress or _noop
    with db.sessions() as session:
        with session.begin():
            trust = DbTrustStore(session)
            with _verify(session, db, path, trust) as verified:
                tick("验证", 1, 8)
                me = offices.this_office(session)
                if verified.is_duplicate:
                    return merge(session, verified, self_code=me.code, tree=office_tree(), attachment_store=None)
                backup = backup_before(db.path, "import")
                tick("备份", 2, 8)
                report = merge(session, verified, self_code=me.code, tree=office_tree(),
                               attachment_store=DataFolder(db.path).attachments,
                               progress=lambda label, done, total: tick(label, 3, 8))
                report.backup = str(backup)
                tick("合并", 4, 8)
                trust.apply_updates(verified.trust_updates)
                tick("密钥", 5, 8)
                _record_received(session, actor, verified, report)
                tick("记录", 6, 8)
                session.flush()
        tick("提交", 7, 8)
    tick("完成", 8, 8)
    return report


def _record_received(session: Session, actor: Actor, verified: VerifiedPackage, report: ImportReport) -> None:
    manifest = verified.manifest
    report_id = store_report(session, actor, report)
    counts = dict(verified.summary.record_counts)
    session.add(PackageHistory(direction="received", sender_code=manifest.sender.code,
                               recipient_code=manifest.recipient_code, sequence=manifest.sequence,
                               file_name=verified.path.name, record_count=sum(counts.values()),
                               attachment_count=verified.summary.attachment_count,
                               counts=json.dumps(counts, sort_keys=True), actor=actor.user, report_id=report_id,
                               acked_sequence=manifest.acknowledgements.last_sequence))
    audit.record(session, actor, "import_package", record_type="import_reports", record_id=str(report_id),
                 summary={"from": manifest.sender.code, "sequence": manifest.sequence,
                          "created": report.total("created"), "updated": report.total("updated"),
                          "conflicts": len(report.conflicts), "duplicates": len(report.duplicates)})


def export_report(session: Session, report_id: int, path: Path) -> Path:
    """Write a stored import report to a JSON file."""
    return write_report(get_report(session, report_id), Path(path))

