"""Bulk writes through SQLAlchemy Core, for demo data and imports.

The ORM costs about 7× the floor on big batches (docs/PERFORMANCE.md), so bulk paths build
plain dicts, fill in the owned-record columns and content hash here, and insert them with
one `executemany` per batch. The caller writes one audit entry for the whole batch.

Per row this module costs about 3 µs on top of the insert itself (a province demo writes
850,000 rows): ids come from `new_ids` in batches and hashes from a `row_hasher` made once
per table, which gives `content_hash`'s bytes without its per-call set-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from itertools import islice
from typing import Any

from sqlalchemy import Column, Connection, insert

from bqw_desktop.db.base import OwnedRecord, new_ids, utc_now
from bqw_desktop.domain.canonical import row_hasher
from bqw_desktop.services.records import content_columns

BATCH = 5000


def owned_rows(model: type[OwnedRecord], rows: Iterable[dict[str, Any]], *, owner: str, user: str,
               now: datetime | None = None,
               user_of: Callable[[str], str] | None = None) -> Iterator[dict[str, Any]]:
    """Complete each row as a version-1 record of `owner`, with its content hash.

    A row keeps its own `id` and `owner_office` if it has them. Every column is filled
    (defaults, else None), so rows of one batch share their keys: an `executemany` takes
    its columns from the first row and would drop the others. `updated_by` is `user`, or
    `user_of(owner_office)` when given (asked once per office, in the order offices first
    appear). The rows yielded are new dicts; the ones passed in are not changed.
    """
    now = now or utc_now()
    blank, content_hash_of = _shape(model)
    users: dict[str, str] = {}
    # Owner office named by the row (None: none) → the columns set over the row's own:
    # bookkeeping, and the owner for rows naming none.
    stamps: dict[str | None, dict[str, Any]] = {}
    ids: list[str] = []
    for row in rows:
        office = row.get("owner_office")
        if (stamp := stamps.get(office)) is None:
            by = owner if office is None else office
            if by not in users:
                users[by] = user_of(by) if user_of else user
            stamp = {"version": 1, "created_at": now, "updated_at": now, "updated_by": users[by]}
            if office is None:
                stamp["owner_office"] = owner
            stamps[office] = stamp
        full = {**blank, **row, **stamp}
        if full["id"] is None:
            if not ids:
                ids = new_ids(BATCH)
            full["id"] = ids.pop()
        full["content_hash"] = content_hash_of(full)
        yield full


# Python column types → what `row_hasher` expects of a column ("any": no assumption).
_KINDS = {str: "str", int: "int", bool: "bool", date: "date"}


_SHAPES: dict[type, tuple[dict[str, Any], Callable[[dict[str, Any]], str]]] = {}


def _shape(model: type[OwnedRecord]) -> tuple[dict[str, Any], Callable[[dict[str, Any]], str]]:
    """A model's blank row and the hasher of its content columns (worked out once per model)."""
    if model not in _SHAPES:
        table = model.__table__  # type: ignore[attr-defined]
        kinds = {key: _KINDS.get(_python_type(table.c[key]), "any") for key in content_columns(model)}
        _SHAPES[model] = (_blank_row(model), row_hasher(kinds))
    return _SHAPES[model]


def _python_type(column: Column[Any]) -> type:
    try:
        return column.type.python_type
    except NotImplementedError:  # a type that does not say: hashed without assumptions
        return object


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
