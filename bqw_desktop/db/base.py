"""Declarative base, naming convention and the columns every owned record carries."""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone

from sqlalchemy import Boolean, DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


def new_ids(count: int) -> list[str]:
    """`count` random (version 4) UUIDs as text, made in one go for bulk inserts."""
    data = os.urandom(16 * count)
    out = []
    for i in range(0, 16 * count, 16):
        value = int.from_bytes(data[i : i + 16], "big")
        value = (value & ~(0xF000 << 64) & ~(0xC000 << 48)) | (0x4000 << 64) | (0x8000 << 48)
        h = f"{value:032x}"
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return out


def utc_now() -> datetime:
    """Wall-clock time, for people to read only: never used to order records."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class OwnedRecord:
    """Columns of every record that may travel between offices.

    `owner_office` is the code of the office that created the record; only that office
    changes it, increasing `version` each time. `content_hash` covers the record's content
    (see `services.records.CONTENT_EXCLUDED`), so two copies with the same version and a
    different hash are a conflict. `deleted` is a tombstone: the row stays so the deletion
    travels too.
    """

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner_office: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class ActRecord(OwnedRecord):
    """An act one office made about something: appended once, never edited.

    Its owner may only tombstone it (to reverse it while nothing has followed it).
    """
