"""Bulk writes through SQLAlchemy Core, for demo data and imports.

The ORM costs about 7× the floor on big batches (docs/PERFORMANCE.md), so bulk paths build
plain dicts, fill in the owned-record columns and content hash here, and insert them with
one `executemany` per batch. The caller writes one audit entry for the whole batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import Connection, insert

from bqw_desktop.db.base import OwnedRecord, new_id, utc_now
from bqw_desktop.domain.canonical import content_hash
from bqw_desktop.services.records import content_columns

BATCH = 5000


def owned_rows(model: type[OwnedRecord], rows: Iterable[dict[str, Any]], *, owner: str, user: str,
               now: datetime | None = None) -> Iterator[dict[str, Any]]:
    """Complete each row as a version-1 record of `owner`, with its content hash.

    Rows must give every content column without a default (defaults are filled here so the
    hash covers exactly what is stored).
    """
    now = now or utc_now()
    columns = content_columns(model)
    defaults = _defaults(model)
    for row in rows:
        full = {**defaults, **row}
        full.setdefault("id", new_id())
        full.setdefault("owner_office", owner)
        full.setdefault("deleted", False)
        content = {key: full.get(key) for key in columns}
        full.update(version=1, content_hash=content_hash(content), created_at=now, updated_at=now,
                    updated_by=user)
        yield full


def _defaults(model: type[OwnedRecord]) -> dict[str, Any]:
    out = {}
    for column in model.__table__.columns:  # type: ignore[attr-defined]
        default = column.default
        if default is not None and default.is_scalar:
            out[column.key] = default.arg
    return out


def insert_rows(conn: Connection, model: type[OwnedRecord], rows: Iterable[dict[str, Any]]) -> int:
    """Insert in batches of BATCH rows; returns how many were inserted."""
    table = model.__table__  # type: ignore[attr-defined]
    count = 0
    it = iter(rows)
    while batch := list(islice(it, BATCH)):
        conn.execute(insert(table), batch)
        count += len(batch)
    return count
