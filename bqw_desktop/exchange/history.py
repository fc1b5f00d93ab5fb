"""Package history, stored import reports, conflicts and probable duplicates: reading and resolving.

Plain rows for the window and the command line; resolutions run in the caller's
transaction and leave an audit entry.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bqw_desktop.db.base import utc_now
from bqw_desktop.db.models import (
    OWNED_MODELS,
    ExchangeConflict,
    ImportReportRecord,
    Office,
    PackageHistory,
    ProbableDuplicate,
    Site,
)
from bqw_desktop.errors import NotFoundError, UserError
from bqw_desktop.exchange.merge import conflict_row
from bqw_desktop.exchange.report import ConflictRow, DuplicateRow, ImportReport
from bqw_desktop.exchange.rows import columns_of, to_db_value
from bqw_desktop.services import audit, records
from bqw_desktop.services.context import Actor

__all__ = [
    "CONFLICT_CHOICES",
    "DUPLICATE_CHOICES",
    "HistoryRow",
    "ReportRow",
    "get_report",
    "import_reports",
    "list_conflicts",
    "list_duplicates",
    "package_history",
    "resolve_conflict",
    "resolve_duplicate",
]

CONFLICT_CHOICES = {"version": ("local", "incoming"), "fork": ("acknowledge",)}
DUPLICATE_CHOICES = ("merge", "keep")


@dataclass(frozen=True)
class HistoryRow:
    """One package sent or received."""

    id: int
    direction: str  # sent / received
    sender_code: str
    recipient_code: str
    peer_name: str
    sequence: int
    file_name: str
    record_count: int
    attachment_count: int
    counts: dict[str, int]
    at: str
    actor: str
    report_id: int | None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ReportRow:
    """A stored import report, for a list."""

    id: int
    sender_code: str
    sequence: int
    file_name: str
    at: str
    actor: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def package_history(session: Session, *, limit: int = 500) -> list[HistoryRow]:
    """Packages sent and received, newest first."""
    names = dict(session.execute(select(Office.code, Office.name)).all())
    rows = session.scalars(select(PackageHistory).order_by(PackageHistory.id.desc()).limit(limit))
    out = []
    for r in rows:
        peer = r.recipient_code if r.direction == "sent" else r.sender_code
        out.append(HistoryRow(
            id=r.id, direction=r.direction, sender_code=r.sender_code, recipient_code=r.recipient_code,
            peer_name=names.get(peer, peer), sequence=r.sequence, file_name=r.file_name,
            record_count=r.record_count, attachment_count=r.attachment_count, counts=json.loads(r.counts or "{}"),
            at=r.at.isoformat(timespec="seconds") if r.at else "", actor=r.actor, report_id=r.report_id,
        ))
    return out


def import_reports(session: Session, *, limit: int = 200) -> list[ReportRow]:
    rows = session.scalars(select(ImportReportRecord).order_by(ImportReportRecord.id.desc()).limit(limit))
    return [ReportRow(r.id, r.sender_code, r.sequence, r.file_name,
                      r.at.isoformat(timespec="seconds") if r.at else "", r.actor) for r in rows]


def get_report(session: Session, report_id: int) -> ImportReport:
    row = session.get(ImportReportRecord, report_id)
    if row is None:
        raise NotFoundError(f"找不到编号为 {report_id} 的导入报告。")
    report = ImportReport.from_json(json.loads(row.body))
    report.report_id = row.id
    return report


def store_report(session: Session, actor: Actor, report: ImportReport) -> int:
    row = ImportReportRecord(sender_code=report.sender_code, sequence=report.sequence, file_name=report.file_name,
                             at=utc_now(), actor=actor.user, body="{}")
    session.add(row)
    session.flush()
    report.report_id = row.id
    row.body = report.to_json_text()
    return row.id


# -- conflicts -------------------------------------------------------------------------------


def list_conflicts(session: Session, *, include_resolved: bool = False) -> list[ConflictRow]:
    """Conflicts waiting for a person (all of them with `include_resolved`), oldest first."""
    query = select(ExchangeConflict).order_by(ExchangeConflict.id)
    if not include_resolved:
        query = query.where(ExchangeConflict.status == "open")
    return [conflict_row(r) for r in session.scalars(query)]


def resolve_conflict(session: Session, actor: Actor, conflict_id: int, choice: str) -> ConflictRow:
    """Settle a conflict: `local` keeps this office's copy, `incoming` takes the package's
    (a `version` conflict); `acknowledge` notes a fork, which the office that made one of
    the two acts resolves by reversing it."""
    row = session.get(ExchangeConflict, conflict_id)
    if row is None:
        raise NotFoundError(f"找不到编号为 {conflict_id} 的冲突。")
    if row.status != "open":
        raise UserError(f"冲突 {conflict_id} 已经处理过了。")
    allowed = CONFLICT_CHOICES.get(row.kind, ())
    if choice not in allowed:
        raise UserError(f"冲突 {conflict_id} 只能选择：{'、'.join(allowed)}。")
    if choice == "incoming":
        _take_incoming(session, row)
    row.status, row.resolution = "resolved", choice
    row.resolved_by, row.resolved_at = actor.user, utc_now()
    audit.record(session, actor, "resolve_conflict", record_type=row.record_type, record_id=row.record_id,
                 summary={"conflict": conflict_id, "kind": row.kind, "choice": choice})
    session.flush()
    return conflict_row(row)


def _take_incoming(session: Session, row: ExchangeConflict) -> None:
    cols = columns_of(row.record_type)
    incoming = json.loads(row.incoming)
    table = cols.model.__table__  # type: ignore[attr-defined]
    values = {k: to_db_value(cols.kinds[k], incoming[k]) for k in cols.content if k != "id"}
    values.update(version=incoming["version"], content_hash=incoming["content_hash"], updated_at=utc_now())
    session.execute(update(table).where(table.c.id == row.record_id).values(**values))


# -- probable duplicates ---------------------------------------------------------------------


def list_duplicates(session: Session, *, include_resolved: bool = False) -> list[DuplicateRow]:
    query = select(ProbableDuplicate).order_by(ProbableDuplicate.id)
    if not include_resolved:
        query = query.where(ProbableDuplicate.status == "open")
    return [DuplicateRow(r.id, r.local_site_id, r.incoming_site_id, r.name, r.region_code, r.status)
            for r in session.scalars(query)]


def resolve_duplicate(session: Session, actor: Actor, duplicate_id: int, choice: str) -> DuplicateRow:
    """`merge`: this office's own entry gives way to the arriving site — its own records
    about it are moved to the arriving site and the entry is tombstoned; `keep`: they are
    different sites after all."""
    row = session.get(ProbableDuplicate, duplicate_id)
    if row is None:
        raise NotFoundError(f"找不到编号为 {duplicate_id} 的疑似重复记录。")
    if row.status != "open":
        raise UserError(f"疑似重复 {duplicate_id} 已经处理过了。")
    if choice not in DUPLICATE_CHOICES:
        raise UserError(f"疑似重复只能选择：{'、'.join(DUPLICATE_CHOICES)}。")
    if choice == "merge":
        _merge_sites(session, actor, local_id=row.local_site_id, into_id=row.incoming_site_id)
        row.status = "merged"
    else:
        row.status = "kept"
    row.resolved_by = actor.user
    audit.record(session, actor, "resolve_duplicate", record_type="sites", record_id=row.local_site_id,
                 summary={"duplicate": duplicate_id, "choice": choice, "incoming": row.incoming_site_id})
    session.flush()
    return DuplicateRow(row.id, row.local_site_id, row.incoming_site_id, row.name, row.region_code, row.status)


def _merge_sites(session: Session, actor: Actor, *, local_id: str, into_id: str) -> None:
    local = records.get_live(session, Site, local_id, label="示范点")
    records.get_live(session, Site, into_id, label="示范点")
    for name, model in OWNED_MODELS.items():
        if name == "sites" or "site_id" not in model.__table__.c:  # type: ignore[attr-defined]
            continue
        mine = session.scalars(select(model).where(model.site_id == local_id,  # type: ignore[attr-defined]
                                                   model.owner_office == actor.office_code,
                                                   model.deleted.is_(False)))
        for obj in list(mine):
            if name == "ticks":
                # Ticks belong to the site's owner: the arriving site brings its own.
                records.tombstone(session, actor, obj, reason="合并重复示范点")
            else:
                records.update(session, actor, obj, site_id=into_id)
    records.tombstone(session, actor, local, reason="与交换包中的示范点重复，已合并")


def write_report(report: ImportReport, path: Path) -> Path:
    """Export a report as JSON."""
    try:
        return report.export(path)
    except OSError as exc:
        raise UserError(f"无法写出导入报告 {path}：{exc.strerror or exc}。") from exc
