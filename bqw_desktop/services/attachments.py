"""Stored files, kept once by content hash and linked from records.

A file is copied into the data folder's `attachments/` under its SHA-256 (two levels of
folders by the hash's first characters), so the same photo linked twice is stored once.
Deleting a link tombstones it; the file stays while any live link refers to it, and
`prune_unreferenced` removes what nothing refers to any more.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bqw_desktop.db.models import Attachment, AttachmentLink
from bqw_desktop.errors import UserError
from bqw_desktop.services import records
from bqw_desktop.services.context import Actor

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
CHUNK = 1024 * 1024


def stored_path(store: Path, sha256: str) -> Path:
    return store / sha256[:2] / sha256[2:4] / sha256


def store_file(store: Path, source: Path, *, max_bytes: int = MAX_ATTACHMENT_BYTES) -> tuple[str, int]:
    """Copy a file into the store; returns (sha256, size). Refuses unreadable or oversized files."""
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise UserError(f"无法读取文件“{source}”：{exc.strerror or exc}。") from exc
    if not source.is_file():
        raise UserError(f"“{source}”不是文件。")
    if size > max_bytes:
        raise UserError(f"文件“{source.name}”大小为 {size / 1048576:.1f} MB，超过上限 {max_bytes / 1048576:.0f} MB。")
    store.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=store, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        target = stored_path(store, sha)
        if target.exists():
            os.unlink(tmp_name)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, target)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise UserError(f"无法读取或保存文件“{source.name}”：{exc.strerror or exc}。") from exc
    return sha, size


def attach(session: Session, actor: Actor, store: Path, *, record_type: str, record_id: str,
           source: Path, caption: str = "") -> AttachmentLink:
    """Store a file and link it to a record owned by the actor's office."""
    sha, size = store_file(store, source)
    if session.get(Attachment, sha) is None:
        media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        session.add(Attachment(sha256=sha, size=size, media_type=media_type))
        session.flush()
    return records.create(session, actor, AttachmentLink, record_type=record_type, record_id=record_id,
                          sha256=sha, filename=source.name[:255], caption=caption)


def links_of(session: Session, record_type: str, record_id: str) -> list[AttachmentLink]:
    query = select(AttachmentLink).where(
        AttachmentLink.record_type == record_type, AttachmentLink.record_id == record_id,
        AttachmentLink.deleted.is_(False),
    ).order_by(AttachmentLink.created_at)
    return list(session.scalars(query))


def detach(session: Session, actor: Actor, link_id: str) -> None:
    link = records.get_live(session, AttachmentLink, link_id, label="附件")
    records.tombstone(session, actor, link)


def open_path(store: Path, link: AttachmentLink) -> Path:
    """The stored file of a link, or a UserError if it is missing from the store."""
    path = stored_path(store, link.sha256)
    if not path.is_file():
        raise UserError(f"附件“{link.filename}”的文件不在本机附件库中（可能尚未随数据包传来）。")
    return path


def export_copy(store: Path, link: AttachmentLink, folder: Path) -> Path:
    """A copy under its original name, for opening with the system viewer."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / link.filename
    shutil.copyfile(open_path(store, link), target)
    return target


def prune_unreferenced(session: Session, store: Path) -> int:
    """Remove stored files no live link refers to; returns how many were removed."""
    live = set(session.scalars(select(AttachmentLink.sha256).where(AttachmentLink.deleted.is_(False))))
    removed = 0
    for attachment in session.scalars(select(Attachment)):
        if attachment.sha256 not in live:
            stored_path(store, attachment.sha256).unlink(missing_ok=True)
            session.delete(attachment)
            removed += 1
    return removed
