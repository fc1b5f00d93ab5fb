"""Creating, changing and tombstoning owned records, by the ownership rule.

Only the owner changes a record; each change raises its version by one and refreshes its
content hash; deletion is a tombstone. Every write leaves an audit entry.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from bqw_desktop.db.base import OwnedRecord, new_id, utc_now
from bqw_desktop.domain.canonical import content_hash
from bqw_desktop.errors import NotFoundError, OwnershipError
from bqw_desktop.services import audit
from bqw_desktop.services.context import Actor

R = TypeVar("R", bound=OwnedRecord)

BOOKKEEPING = frozenset({"version", "content_hash", "created_at", "updated_at", "updated_by"})


def content_columns(model: type[OwnedRecord]) -> list[str]:
    """Columns that make up a record's content: all but bookkeeping and local caches."""
    local = set(getattr(model, "__local__", ()))
    return [c.key for c in inspect(model).column_attrs if c.key not in BOOKKEEPING | local]


def content_of(obj: OwnedRecord) -> dict[str, Any]:
    return {key: getattr(obj, key) for key in content_columns(type(obj))}


def hash_of(obj: OwnedRecord) -> str:
    return content_hash(content_of(obj))


def exported(obj: OwnedRecord) -> dict[str, Any]:
    """The record as it travels: content plus version and hash, dates as ISO text."""
    data = content_of(obj) | {"version": obj.version, "content_hash": obj.content_hash}
    return {k: v.isoformat() if isinstance(v, (date, datetime)) else v for k, v in data.items()}


def _summary(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if len(str(v)) <= 200 else str(v)[:200] + "…") for k, v in fields.items()}


def type_name(obj_or_model: Any) -> str:
    return getattr(obj_or_model, "__tablename__", type(obj_or_model).__name__)


def create(session: Session, actor: Actor, model: type[R], **fields: Any) -> R:
    """A new record owned by the actor's office."""
    fields.setdefault("id", new_id())
    obj = model(owner_office=actor.office_code, version=1, deleted=False, updated_by=actor.user, **fields)
    session.add(obj)
    session.flush()  # fills column defaults, which are part of the content
    obj.content_hash = hash_of(obj)
    audit.record(session, actor, "create", record_type=type_name(model), record_id=obj.id,
                 summary={"after": _summary(content_of(obj))})
    return obj


def ensure_owner(obj: OwnedRecord, actor: Actor) -> None:
    if obj.owner_office != actor.office_code:
        raise OwnershipError(
            f"该记录由单位 {obj.owner_office} 登记，只有该单位可以修改；本单位（{actor.office_code}）不能修改。"
        )


def update(session: Session, actor: Actor, obj: R, **changes: Any) -> R:
    """Apply changes as the owner; a change to nothing leaves the version as it was."""
    ensure_owner(obj, actor)
    before = {k: getattr(obj, k) for k in changes}
    changed = {k: v for k, v in changes.items() if before[k] != v}
    if not changed:
        return obj
    for key, value in changed.items():
        setattr(obj, key, value)
    _bump(obj, actor)
    session.flush()
    audit.record(session, actor, "update", record_type=type_name(obj), record_id=obj.id,
                 summary={"before": _summary({k: before[k] for k in changed}), "after": _summary(changed)})
    return obj


def tombstone(session: Session, actor: Actor, obj: OwnedRecord, *, reason: str = "") -> None:
    """Mark deleted; the row stays so the deletion reaches other offices."""
    ensure_owner(obj, actor)
    if obj.deleted:
        return
    obj.deleted = True
    _bump(obj, actor)
    session.flush()
    audit.record(session, actor, "delete", record_type=type_name(obj), record_id=obj.id,
                 summary={"reason": reason} if reason else None)


def refresh_hash(obj: OwnedRecord) -> None:
    obj.content_hash = hash_of(obj)


def _bump(obj: OwnedRecord, actor: Actor) -> None:
    obj.version += 1
    obj.updated_at = utc_now()
    obj.updated_by = actor.user
    refresh_hash(obj)


def get_live(session: Session, model: type[R], record_id: str, *, label: str = "记录") -> R:
    """The record with this id, unless missing or tombstoned."""
    obj = session.get(model, record_id)
    if obj is None or obj.deleted:
        raise NotFoundError(f"找不到{label}（编号 {record_id}），可能已被删除。")
    return obj
