"""The append-only audit log: every write through the services leaves an entry.

Entries are chained: each stores the hash of the one before, so a removed or altered entry
breaks the chain (`verify_chain`). Bulk work writes one entry per batch with its counts.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bqw_desktop.db.base import utc_now
from bqw_desktop.db.models import AuditEntry
from bqw_desktop.domain.canonical import content_hash
from bqw_desktop.services.context import Actor


def _entry_fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at, "actor": entry.actor, "office": entry.office, "action": entry.action,
        "record_type": entry.record_type, "record_id": entry.record_id,
        "summary": entry.summary, "prev_hash": entry.prev_hash,
    }


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    record_type: str = "",
    record_id: str = "",
    summary: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry; `summary` holds before/after values or batch counts."""
    prev = session.scalar(select(AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1))
    entry = AuditEntry(
        at=utc_now().replace(microsecond=0),
        actor=actor.user,
        office=actor.office_code,
        action=action,
        record_type=record_type,
        record_id=record_id,
        summary=json.dumps(summary or {}, ensure_ascii=False, sort_keys=True, default=str),
        prev_hash=prev or "",
    )
    entry.entry_hash = content_hash(_entry_fields(entry))
    session.add(entry)
    session.flush()
    return entry


def entries(session: Session, *, record_id: str | None = None, limit: int = 200) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if record_id:
        query = query.where(AuditEntry.record_id == record_id)
    return list(session.scalars(query))


def verify_chain(session: Session) -> list[str]:
    """Problems in the chain, in Chinese; empty when every entry links to the one before."""
    problems: list[str] = []
    prev = ""
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        if entry.prev_hash != prev:
            problems.append(f"审计日志第 {entry.seq} 条与前一条不衔接（可能有记录被删除）。")
        if content_hash(_entry_fields(entry)) != entry.entry_hash:
            problems.append(f"审计日志第 {entry.seq} 条内容与其校验值不符（可能被改动）。")
        prev = entry.entry_hash
    return problems
