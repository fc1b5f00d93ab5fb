"""What this office sends a neighbour: everything the neighbour is entitled to, every time.

Packages are cumulative (a lost or skipped package loses nothing): each holds every record
the recipient is entitled to receive from this office (`scope.OfficeTree.may_send` and
`rows.AnchorIndex.entitled`), live or tombstoned, its own decisions signed now and others'
decisions with the signature their office made; attachments the recipient acknowledged are
left out. It also carries this office's countersignatures of the other offices it knows
(so the recipient can check decisions relayed from further away), the key rotations known
here, and what this office has received from the recipient.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bqw_desktop.db.models import (
    Attachment,
    AttachmentLink,
    PackageHistory,
    PeerAttachment,
    RecordSignature,
)
from bqw_desktop.exchange.identity import OfficeIdentity
from bqw_desktop.exchange.manifest import Acknowledgements
from bqw_desktop.exchange.package import PackageContent
from bqw_desktop.exchange.rows import RECORD_TYPES, SIGNED_TYPES, AnchorIndex, columns_of, iter_rows
from bqw_desktop.exchange.scope import Direction, OfficeTree
from bqw_desktop.exchange.signed import sign_record
from bqw_desktop.exchange.trust_db import DbTrustStore, rotations, vouches_for

__all__ = ["Outbox", "build_content", "last_received", "next_sequence"]


@dataclass
class Outbox:
    """A package's content with counters filled in as the records stream out."""

    content: PackageContent
    counts: dict[str, int] = field(default_factory=dict)
    unsigned: dict[str, int] = field(default_factory=dict)  # relayed decisions without a signature

    @property
    def record_count(self) -> int:
        return sum(self.counts.values())


def next_sequence(session: Session, *, sender: str, recipient: str) -> int:
    """The number of the next package from `sender` to `recipient` (1, 2, 3…).

    Also above any number the recipient acknowledged, so a database restored from a backup
    does not reuse numbers the recipient has already imported.
    """
    last = session.scalar(select(func.max(PackageHistory.sequence)).where(
        PackageHistory.direction == "sent", PackageHistory.sender_code == sender,
        PackageHistory.recipient_code == recipient))
    acked = session.scalar(select(func.max(PackageHistory.acked_sequence)).where(
        PackageHistory.direction == "received", PackageHistory.sender_code == recipient,
        PackageHistory.recipient_code == sender))
    return max(last or 0, acked or 0) + 1


def last_received(session: Session, *, sender: str, recipient: str) -> int:
    """The highest package number imported from `sender` (0 if none)."""
    last = session.scalar(select(func.max(PackageHistory.sequence)).where(
        PackageHistory.direction == "received", PackageHistory.sender_code == sender,
        PackageHistory.recipient_code == recipient))
    return last or 0


def build_content(
    session: Session,
    *,
    sender: OfficeIdentity,
    private_key: Ed25519PrivateKey,
    recipient: OfficeIdentity | None,
    recipient_code: str,
    direction: Direction,
    sequence: int,
    tree: OfficeTree,
    attachment_store: Path,
) -> Outbox:
    """The package for `recipient_code`; records stream from `session` while it is written."""
    index = AnchorIndex(session, tree)
    signatures = _signatures(session)
    holder = Outbox(content=None)  # type: ignore[arg-type]
    records: dict[str, Any] = {}
    for record_type in RECORD_TYPES:
        gen = _lines(session, record_type, index=index, tree=tree, sender=sender.code, recipient=recipient_code,
                     direction=direction, key=private_key, signatures=signatures, holder=holder)
        # Links are gathered first: the attachments they point at must be known before writing.
        records[record_type] = list(gen) if record_type == "attachment_links" else gen
    wanted = {line["record"]["sha256"] for line in records["attachment_links"]}
    store = DbTrustStore(session)
    holder.content = PackageContent(
        sender=sender,
        recipient_code=recipient_code,
        recipient_name=recipient.name if recipient else "",
        sequence=sequence,
        schema_version=_schema_version(session),
        catalogue_version=_catalogue_version(),
        records=records,
        attachments=_attachments(session, attachment_store, wanted),
        recipient_has=frozenset(session.scalars(select(PeerAttachment.sha256).where(
            PeerAttachment.peer_code == recipient_code))),
        acknowledgements=Acknowledgements(
            last_sequence=last_received(session, sender=recipient_code, recipient=sender.code),
            attachments=frozenset(session.scalars(
                select(Attachment.sha256).join(AttachmentLink, AttachmentLink.sha256 == Attachment.sha256)
                .where(AttachmentLink.owner_office != sender.code).distinct())),
        ),
        vouches=tuple(vouches_for(store, self_code=sender.code, recipient=recipient_code, private_key=private_key)),
        rotations=tuple(rotations(session)),
    )
    return holder


def _lines(session: Session, record_type: str, *, index: AnchorIndex, tree: OfficeTree, sender: str,
           recipient: str, direction: Direction, key: Ed25519PrivateKey,
           signatures: Mapping[tuple[str, str], tuple[int, str, str]], holder: Outbox) -> Iterator[dict[str, Any]]:
    cols = columns_of(record_type)
    signed = record_type in SIGNED_TYPES
    holder.counts.setdefault(record_type, 0)
    for row in iter_rows(session, record_type):
        owner = row["owner_office"]
        if not tree.may_send(direction=direction, sender=sender, recipient=recipient, owner=owner):
            continue
        if not index.entitled(recipient, record_type, row):
            continue
        line: dict[str, Any] = {"record": cols.exported(row)}
        if signed:
            if owner == sender:
                line = sign_record(line, sender, key)
            else:
                kept = signatures.get((record_type, row["id"]))
                if kept is None or kept[0] != row["version"] or kept[1] != row["content_hash"]:
                    holder.unsigned[record_type] = holder.unsigned.get(record_type, 0) + 1
                    continue
                line["signature"] = json.loads(kept[2])
        holder.counts[record_type] += 1
        yield line


def _signatures(session: Session) -> dict[tuple[str, str], tuple[int, str, str]]:
    rows = session.execute(select(RecordSignature.record_type, RecordSignature.record_id, RecordSignature.version,
                                  RecordSignature.content_hash, RecordSignature.signature))
    return {(t, i): (v, h, s) for t, i, v, h, s in rows}


def _attachments(session: Session, store: Path, wanted: set[str]) -> dict[str, Path]:
    from bqw_desktop.services.attachments import stored_path

    held = set(session.scalars(select(Attachment.sha256).where(Attachment.sha256.in_(sorted(wanted))))) if wanted else set()
    out = {}
    for sha in sorted(held):
        path = stored_path(store, sha)
        if path.exists():
            out[sha] = path
    return out


def _schema_version(session: Session) -> str:
    return session.execute(text("SELECT version_num FROM alembic_version")).scalar() or ""


def _catalogue_version() -> str:
    try:
        from bqw_desktop.domain.catalogue import load_catalogue

        return load_catalogue().version
    except (OSError, ValueError, KeyError):
        return ""
