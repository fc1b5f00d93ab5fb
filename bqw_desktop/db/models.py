"""The database tables.

Records that travel between offices derive from `OwnedRecord` (owner, version, content hash,
tombstone); acts made by one office about another's record derive from `ActRecord`. Columns
listed in a model's `__local__` are derived on this machine (caches, search keys) and are
neither hashed nor exported. See docs/DESIGN.md for who owns what.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bqw_desktop.db.base import ActRecord, Base, OwnedRecord, utc_now


def ref(target: str) -> ForeignKey:
    """A reference between records, checked at commit so merged packages may arrive in any order."""
    return ForeignKey(target, deferrable=True, initially="DEFERRED")


class Meta(Base):
    """Key/value facts about this database (its office, policies, counters)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class Office(Base):
    """An office this installation knows: itself, and those whose keys it trusts."""

    __tablename__ = "offices"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    tier: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    public_key: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    fingerprint: Mapped[str] = mapped_column(String(40), default="")
    is_self: Mapped[bool] = mapped_column(Boolean, default=False)
    trust: Mapped[str] = mapped_column(String(16), default="none")  # self / direct / vouched / none
    registered_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)


class Unit(OwnedRecord, Base):
    """A unit added or renamed by an office (a `system` office, a new district).

    The national division list ships as a resource; only additions and changes are rows.
    """

    __tablename__ = "units"
    code: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    tier: Mapped[str] = mapped_column(String(16))


class OrgCount(OwnedRecord, Base):
    """A unit's number of grassroots party organizations, the basis of quotas."""

    __tablename__ = "org_counts"
    unit_code: Mapped[str] = mapped_column(String(16), index=True)
    organizations: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date | None] = mapped_column(Date, nullable=True)


class Campaign(OwnedRecord, Base):
    """A round (批次) with its calendar."""

    __tablename__ = "campaigns"
    name: Mapped[str] = mapped_column(String(100))
    select_by: Mapped[date] = mapped_column(Date)
    creation_start: Mapped[date] = mapped_column(Date)
    creation_end: Mapped[date] = mapped_column(Date)
    assess_by: Mapped[date] = mapped_column(Date)
    reeval_months: Mapped[int] = mapped_column(Integer, default=24)


class Quota(OwnedRecord, Base):
    """Seats of one level allotted to one unit in a campaign, by the allotting office."""

    __tablename__ = "quotas"
    campaign_id: Mapped[str] = mapped_column(ref("campaigns.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str] = mapped_column(String(16))
    organizations: Mapped[int] = mapped_column(Integer, default=0)
    exact_share: Mapped[str] = mapped_column(String(40), default="")
    seats: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")


class Site(OwnedRecord, Base):
    """A grassroots party organization taking part (示范点 / 创建单位)."""

    __tablename__ = "sites"
    __local__ = ("search_key", "ticks_rated", "ticks_met", "ticks_total")
    name: Mapped[str] = mapped_column(String(200))
    org_type: Mapped[str] = mapped_column(String(16), index=True)
    org_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    region_code: Mapped[str] = mapped_column(String(16), index=True)
    parent_org: Mapped[str] = mapped_column(String(200), default="")
    secretary: Mapped[str] = mapped_column(String(50), default="")
    member_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    contact: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    search_key: Mapped[str] = mapped_column(Text, default="")
    ticks_rated: Mapped[int] = mapped_column(Integer, default=0)
    ticks_met: Mapped[int] = mapped_column(Integer, default=0)
    ticks_total: Mapped[int] = mapped_column(Integer, default=0)


class Candidacy(OwnedRecord, Base):
    """A site's bid for one level, owned by the office that registered the application."""

    __tablename__ = "candidacies"
    __local__ = ("status",)
    site_id: Mapped[str] = mapped_column(ref("sites.id"), index=True)
    campaign_id: Mapped[str | None] = mapped_column(ref("campaigns.id"), nullable=True)
    level: Mapped[str] = mapped_column(String(16))
    registrant_tier: Mapped[str] = mapped_column(String(16))
    applied_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    achievements: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    # Derived from the chain of transitions on this machine; "conflict" when it forks.
    status: Mapped[str] = mapped_column(String(16), default="applied", index=True)


class Transition(ActRecord, Base):
    """One step of a candidacy, owned by the office that took it."""

    __tablename__ = "transitions"
    candidacy_id: Mapped[str] = mapped_column(ref("candidacies.id"), index=True)
    follows_id: Mapped[str | None] = mapped_column(ref("transitions.id"), nullable=True, index=True)
    to_status: Mapped[str] = mapped_column(String(16))
    actor_tier: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    quota_override: Mapped[bool] = mapped_column(Boolean, default=False)
    acted_on: Mapped[date] = mapped_column(Date)
    signature: Mapped[str] = mapped_column(Text, default="")


class Tick(OwnedRecord, Base):
    """A site's self-assessment of one checklist item, owned by the site's owner."""

    __tablename__ = "ticks"
    __table_args__ = (
        UniqueConstraint("site_id", "item_id"),
        Index("ix_ticks_site_rating", "site_id", "rating"),
    )
    site_id: Mapped[str] = mapped_column(ref("sites.id"))
    item_id: Mapped[str] = mapped_column(String(40))
    catalogue_version: Mapped[str] = mapped_column(String(16))
    rating: Mapped[str] = mapped_column(String(8), default="none")  # met / basic / unmet / none
    note: Mapped[str] = mapped_column(Text, default="")
    note_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(64), default="")


class Verdict(OwnedRecord, Base):
    """An assessing office's verdict on one item, beside (never over) the self-assessment."""

    __tablename__ = "verdicts"
    __table_args__ = (UniqueConstraint("candidacy_id", "item_id", "owner_office"),)
    candidacy_id: Mapped[str] = mapped_column(ref("candidacies.id"), index=True)
    item_id: Mapped[str] = mapped_column(String(40))
    rating: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text, default="")


class Person(OwnedRecord, Base):
    """Someone who leads, is responsible for, or liaises with sites."""

    __tablename__ = "people"
    name: Mapped[str] = mapped_column(String(50))
    unit: Mapped[str] = mapped_column(String(200), default="")
    post: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")


class Assignment(OwnedRecord, Base):
    """A person's role for a site over a period; reassignment ends one and starts another."""

    __tablename__ = "assignments"
    site_id: Mapped[str] = mapped_column(ref("sites.id"), index=True)
    person_id: Mapped[str] = mapped_column(ref("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # leader / responsible / liaison
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)


class Visit(OwnedRecord, Base):
    """An inspection or guidance visit to a site."""

    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_site_date", "site_id", "visit_date"),)
    site_id: Mapped[str] = mapped_column(ref("sites.id"))
    visit_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    visitors: Mapped[str] = mapped_column(Text, default="")
    observations: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")


class Rectification(OwnedRecord, Base):
    """A rectification item (整改事项) found on a visit."""

    __tablename__ = "rectifications"
    visit_id: Mapped[str] = mapped_column(ref("visits.id"), index=True)
    site_id: Mapped[str] = mapped_column(ref("sites.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date] = mapped_column(Date)
    responsible: Mapped[str] = mapped_column(String(100), default="")


class RectificationClosing(ActRecord, Base):
    """The act of closing a rectification item, owned by whoever closed it."""

    __tablename__ = "rectification_closings"
    rectification_id: Mapped[str] = mapped_column(ref("rectifications.id"), index=True)
    closed_on: Mapped[date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")


class LedgerEntry(OwnedRecord, Base):
    """An entry of a site's creation ledger (创建台账)."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_site_kind", "site_id", "kind"),)
    site_id: Mapped[str] = mapped_column(ref("sites.id"))
    kind: Mapped[str] = mapped_column(String(16))  # plan / meeting / funding / honour / publicity / experience
    subkind: Mapped[str] = mapped_column(String(32), default="")
    entry_date: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    amount_fen: Mapped[int | None] = mapped_column(Integer, nullable=True)
    participants: Mapped[str] = mapped_column(Text, default="")
    outlet: Mapped[str] = mapped_column(String(200), default="")
    honour_level: Mapped[str] = mapped_column(String(16), default="")


class Attachment(Base):
    """A stored file, named by its content hash; immutable, shared by every link to it."""

    __tablename__ = "attachments"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100), default="")
    stored_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)


class AttachmentLink(OwnedRecord, Base):
    """A record's reference to an attachment (evidence, photo, minutes…)."""

    __tablename__ = "attachment_links"
    __table_args__ = (Index("ix_attachment_links_record", "record_type", "record_id"),)
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(36))
    # No foreign key: a link may arrive in a package before (or without) its file.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    caption: Mapped[str] = mapped_column(String(200), default="")


class AuditEntry(Base):
    """One write, appended and chained to the previous entry by hash."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    actor: Mapped[str] = mapped_column(String(64))
    office: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(32), default="")
    record_id: Mapped[str] = mapped_column(String(36), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    entry_hash: Mapped[str] = mapped_column(String(64))


OWNED_MODELS: dict[str, type[OwnedRecord]] = {
    model.__tablename__: model  # type: ignore[attr-defined]
    for model in (
        Unit, OrgCount, Campaign, Quota, Site, Candidacy, Transition, Tick, Verdict,
        Person, Assignment, Visit, Rectification, RectificationClosing, LedgerEntry,
        AttachmentLink,
    )
}


# --- tier exchange: keys, packages, conflicts (this office's own bookkeeping; none travel) ---


class OfficeKey(Base):
    """A public key known for an office: current or retired, registered directly or vouched for.

    At most one key per office is current (`retired` false). `source`: self / direct / vouched.
    """

    __tablename__ = "office_keys"
    __table_args__ = (UniqueConstraint("office_code", "public_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    office_code: Mapped[str] = mapped_column(String(32), index=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    source: Mapped[str] = mapped_column(String(16))
    voucher_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    registered_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)


class KeyRotationRecord(Base):
    """A key rotation known here (this office's own or relayed), kept to pass on to neighbours."""

    __tablename__ = "key_rotations"
    __table_args__ = (UniqueConstraint("office_code", "sequence"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    office_code: Mapped[str] = mapped_column(String(32), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)  # the rotation as JSON (`KeyRotation.to_dict`)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)


class RecordSignature(Base):
    """The deciding office's signature of one version of a decision, kept to relay it unaltered."""

    __tablename__ = "record_signatures"
    record_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(Text)  # the signature block as JSON


class PackageHistory(Base):
    """A package sent or received (received: only imported ones; a preview leaves no trace)."""

    __tablename__ = "package_history"
    __table_args__ = (Index("ix_package_history_peer", "direction", "sender_code", "recipient_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    direction: Mapped[str] = mapped_column(String(8))  # sent / received
    sender_code: Mapped[str] = mapped_column(String(32))
    recipient_code: Mapped[str] = mapped_column(String(32))
    sequence: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    record_count: Mapped[int] = mapped_column(Integer, default=0)
    attachment_count: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[str] = mapped_column(Text, default="{}")  # record type → count, JSON
    at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)  # for people only
    actor: Mapped[str] = mapped_column(String(64), default="")
    report_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Received packages: the sender's acknowledgement of our packages up to this number.
    acked_sequence: Mapped[int] = mapped_column(Integer, default=0)


class PeerAttachment(Base):
    """An attachment a neighbouring office acknowledged holding: left out of packages to it."""

    __tablename__ = "peer_attachments"
    peer_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)


class ExchangeConflict(Base):
    """Two copies of one record that cannot both be right, kept with both sides for a person.

    kind: `version` (same version, different content) or `fork` (two acts follow one act).
    """

    __tablename__ = "exchange_conflicts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    owner_office: Mapped[str] = mapped_column(String(32), default="")
    sender_code: Mapped[str] = mapped_column(String(32), default="")
    site_name: Mapped[str] = mapped_column(String(200), default="")
    local: Mapped[str] = mapped_column(Text, default="")  # JSON
    incoming: Mapped[str] = mapped_column(Text, default="")  # JSON
    incoming_hash: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open / resolved
    resolution: Mapped[str] = mapped_column(String(16), default="")
    detected_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    resolved_by: Mapped[str] = mapped_column(String(64), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    report_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ImportReportRecord(Base):
    """The stored report of one package import, reopened and exported from the history."""

    __tablename__ = "import_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender_code: Mapped[str] = mapped_column(String(32))
    sequence: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    actor: Mapped[str] = mapped_column(String(64), default="")
    body: Mapped[str] = mapped_column(Text)  # the whole report as JSON


class ProbableDuplicate(Base):
    """A site that arrived in a package and matches one this office entered itself."""

    __tablename__ = "probable_duplicates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    local_site_id: Mapped[str] = mapped_column(String(36), index=True)
    incoming_site_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    region_code: Mapped[str] = mapped_column(String(16), default="")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open / merged / kept
    detected_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    resolved_by: Mapped[str] = mapped_column(String(64), default="")
    report_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


# --- certificates (证书): issued by the awarding office, travel down with the award ---------


class Certificate(OwnedRecord, Base):
    """A plaque certificate issued for one award act, owned by the awarding office.

    `number` ("430121-2012-0001") is allocated once and never reused: a reprint keeps it, a
    replacement gets a new one and the old row is marked `revoked`. `payload` is the signed
    plain text the certificate's QR code carries (see `services.certificates`).
    """

    __tablename__ = "certificates"
    number: Mapped[str] = mapped_column(String(40), unique=True)
    candidacy_id: Mapped[str] = mapped_column(ref("candidacies.id"), index=True)
    transition_id: Mapped[str] = mapped_column(ref("transitions.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    site_name: Mapped[str] = mapped_column(String(200))
    award_date: Mapped[date] = mapped_column(Date)
    payload: Mapped[str] = mapped_column(Text)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_reason: Mapped[str] = mapped_column(Text, default="")


OWNED_MODELS["certificates"] = Certificate
