"""Declarative base, naming convention and the columns every owned record carries."""

from __future__ import annotations

import binascii
import os
import uuid
from datetime import UTC, datetime

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
    """`count` random (version 4, RFC 4122 variant) UUIDs as text, made in one go for bulk inserts.

    Everything happens on whole byte strings (no Python step per id): the version and
    variant bits of all ids are set by two translations, the bytes become hex in one call,
    and the hex digits are copied column by column into dashed 36-character slots.
    """
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = raw[6::16].translate(_VERSION_4)
    raw[8::16] = raw[8::16].translate(_VARIANT_RFC4122)
    hexed = binascii.hexlify(raw)
    out = bytearray(b"-" * (37 * count))  # 36 characters and a space per id
    for source, target in _HEX_SLOTS:
        out[target::37] = hexed[source::32]
    out[36::37] = b" " * count
    return out.decode("ascii").split()


# Byte 6 of a UUID carries the version in its high nibble, byte 8 the variant in its top two bits.
_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
_VARIANT_RFC4122 = bytes((b & 0x3F) | 0x80 for b in range(256))
# (hex digit, position in the text form): dashes follow digits 8, 12, 16 and 20.
_HEX_SLOTS = tuple((j, j + sum(j >= d for d in (8, 12, 16, 20))) for j in range(32))


def utc_now() -> datetime:
    """Wall-clock time, for people to read only: never used to order records."""
    return datetime.now(UTC).replace(tzinfo=None)


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
