"""The ownership rule, enforced at flush: an office writes only records it owns.

Services check ownership first and say so in Chinese; this guard is the net under them, so
no code path (a forgotten check, a GUI shortcut) can change another office's record. Merging
a verified package sets `session.info["merging"]` because it writes records as their owners
sent them. Local caches (a model's `__local__` columns, such as a candidacy's derived
status) may be refreshed on any record: they are this machine's, not the owner's.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from bqw_desktop.db.base import OwnedRecord
from bqw_desktop.errors import OwnershipError


def _check_flush(session: Session, _context, _instances) -> None:
    if session.info.get("merging"):
        return
    office = session.info.get("office")
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if not isinstance(obj, OwnedRecord):
            continue
        if obj in session.deleted:
            raise OwnershipError("记录不能直接删除，只能由所属单位标记删除。")
        if obj.owner_office != office and (obj in session.new or _content_changed(obj)):
            raise OwnershipError(
                f"该记录属于单位 {obj.owner_office}，本单位（{office}）不能修改；"
                "如需表达意见，请另行记录本单位的操作。"
            )


def _content_changed(obj: OwnedRecord) -> bool:
    """True if anything but the record's local caches (`__local__`) changed."""
    local = set(getattr(obj, "__local__", ()))
    state = inspect(obj)
    return any(attr.history.has_changes() for attr in state.attrs if attr.key not in local)


def install(factory: sessionmaker) -> None:
    event.listen(factory, "before_flush", _check_flush)
