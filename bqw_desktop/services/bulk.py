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

from bqw_desktop.db.base import OwnedRecord, new_ids, utc_now
from bqw_desktop.domain.canonical import content_hash
from bqw_desktop.services.records import content_columns

BATCH = 5000


def owned_rows(model: type[OwnedRecord], rows: Iterable[dict[str, Any]], *, owner: str, user: str,
               now: datetime | None = None) -> Iterator[dict[str, Any]]:
    """Complete each row as a version-1 record of `owner`, with its content hash.

    Every column is filled (defaults, else None), so rows of one batch share their keys:
    an `executemany` takes its columns from the first row and would drop the others.
    """
    now = now or utc_now()
    columns = content_columns(model)
    blank = _blank_row(model)
    ids: list[str] = []
    for row in rows:
        full = {**blank, **row}
        if full["id"] is None:
            if not ids:
                ids = new_ids(BATCH)
            full["id"] = ids.pop()
        if full["owner_office"] is None:
            full["owner_office"] = owner
        full.update(version=1, created_at=now, updated_at=now, updated_by=user)
        full["content_hash"] = content_hash({key: full[key] for key in columns})
        yield full


def _blank_row(model: type[OwnedRecord]) -> dict[str, Any]:
    """Each column's scalar default, or None; owned columns start unset."""
    out: dict[str, Any] = {}
    for column in model.__table__.columns:  # type: ignore[attr-defined]
        default = column.default
        out[column.key] = default.arg if default is not None and default.is_scalar else None
    out.update(id=None, owner_office=None, deleted=False)
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
