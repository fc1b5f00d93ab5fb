"""The creation ledger (创建台账): plans, meetings, funding, honours, publicity, experiences.

Entries belong to the office that keeps the ledger. Each kind asks for its own fields:
funding an amount in yuan (stored in fen, never as a float), honours one of the notice's
party–mass co-building titles and a level, meetings one of the three meeting kinds.
Files (minutes, photos, documents) are attachments linked to an entry; deleting an entry
tombstones its links, and a stored file goes only once nothing refers to it any more
(`services.attachments.prune_unreferenced`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bqw_desktop.db.models import AttachmentLink, LedgerEntry, Site
from bqw_desktop.domain.liaison import (
    HONOUR_LEVEL_LABELS,
    LEDGER_KIND_LABELS,
    SUBKINDS,
    LedgerKind,
    key_of,
    subkind_label,
)
from bqw_desktop.errors import UserError
from bqw_desktop.services import attachments, records
from bqw_desktop.services.context import Actor
from bqw_desktop.services.sites import clean_text

RECORD_TYPE = "ledger_entries"
FEN = Decimal("0.01")
MAX_AMOUNT_YUAN = Decimal(10000000000)  # 100 亿元: beyond this a typing slip is likelier than a grant
TEXT_LIMITS = {"title": 200, "body": 50000, "participants": 5000, "outlet": 200}
FIELD_LABELS = {"title": "标题", "body": "内容", "participants": "参会人员", "outlet": "刊发媒体"}
EDITABLE = ("kind", "subkind", "entry_date", "title", "body", "amount_yuan", "participants", "outlet",
            "honour_level")


@dataclass(frozen=True, slots=True)
class LedgerRow:
    id: str
    site_id: str
    kind: str
    subkind: str
    entry_date: date
    title: str
    body: str
    amount_yuan: Decimal | None
    participants: str
    outlet: str
    honour_level: str
    owner_office: str
    attachments: int  # live attachment links

    @property
    def kind_label(self) -> str:
        return LEDGER_KIND_LABELS.get(self.kind, self.kind)

    @property
    def subkind_label(self) -> str:
        return subkind_label(self.kind, self.subkind)

    @property
    def honour_level_label(self) -> str:
        return HONOUR_LEVEL_LABELS.get(self.honour_level, self.honour_level)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "site_id": self.site_id, "kind": self.kind, "kind_label": self.kind_label,
                "subkind": self.subkind, "subkind_label": self.subkind_label,
                "entry_date": self.entry_date.isoformat(), "title": self.title, "body": self.body,
                "amount_yuan": None if self.amount_yuan is None else str(self.amount_yuan),
                "participants": self.participants, "outlet": self.outlet,
                "honour_level": self.honour_level, "owner_office": self.owner_office,
                "attachments": self.attachments}


@dataclass(frozen=True, slots=True)
class LedgerGroup:
    """One section of a site's ledger; `total_yuan` is set for funding only."""

    kind: str
    label: str
    entries: tuple[LedgerRow, ...]
    total_yuan: Decimal | None = None


# ---------------------------------------------------------------- validation


def parse_amount(value: Decimal | str | int | None) -> int:
    """Yuan as typed ("12,500.50", "800元") → fen; refuses non-numbers, ≤ 0 and more than 2 decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise UserError("经费支持须填写金额（元）。")
    text = clean_text(value).replace(",", "").replace("，", "").removesuffix("元").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise UserError(f"金额“{value}”不是有效的数字（单位：元，如 12500.50）。") from exc
    if not amount.is_finite() or amount <= 0:
        raise UserError(f"金额“{value}”应大于 0。")
    if amount > MAX_AMOUNT_YUAN:
        raise UserError(f"金额“{value}”元过大，请核对单位（应以元为单位）。")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and amount != amount.quantize(FEN):
        raise UserError(f"金额“{value}”最多保留两位小数（到分）。")
    return int((amount * 100).to_integral_value())


def yuan(fen: int) -> Decimal:
    """Fen as exact yuan with two decimals."""
    return (Decimal(fen) / 100).quantize(FEN)


def fen_to_yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else yuan(fen)


def _kind(kind: str) -> str:
    key = key_of(str(kind), LEDGER_KIND_LABELS)
    if key is None:
        raise UserError(f"台账类别“{kind}”无效，应为以下之一：{'、'.join(LEDGER_KIND_LABELS.values())}。")
    return key


def _validate(fields: dict[str, Any], today: date) -> dict[str, Any]:
    """Entry columns from the user's fields, checked for their kind."""
    kind = _kind(fields.get("kind", ""))
    label = LEDGER_KIND_LABELS[kind]
    out: dict[str, Any] = {"kind": kind}
    for key in ("title", "participants", "outlet"):
        out[key] = clean_text(fields.get(key))
    out["body"] = "" if fields.get("body") is None else str(fields["body"]).strip()
    for key, limit in TEXT_LIMITS.items():
        if len(out[key]) > limit:
            raise UserError(f"{label}的“{FIELD_LABELS[key]}”过长（最多 {limit} 字）。")
    entry_date = fields.get("entry_date")
    if not isinstance(entry_date, date):
        raise UserError(f"请填写{label}的日期。")
    if entry_date > today:
        raise UserError(f"{label}的日期 {entry_date.isoformat()} 晚于今天（{today.isoformat()}），台账只记已发生的事。")
    out["entry_date"] = entry_date
    out["subkind"] = _subkind(kind, clean_text(fields.get("subkind")))
    out["honour_level"] = _honour_level(kind, clean_text(fields.get("honour_level")))
    amount = fields.get("amount_yuan")
    if kind == LedgerKind.FUNDING:
        out["amount_fen"] = parse_amount(amount)
        if not out["title"]:
            raise UserError("经费支持须填写用途（标题）。")
    elif amount not in (None, ""):
        raise UserError(f"只有“经费支持”可填写金额，{label}不填。")
    else:
        out["amount_fen"] = None
    if kind == LedgerKind.PUBLICITY and not (out["outlet"] and out["title"]):
        raise UserError("宣传报道须填写刊发媒体和标题。")
    if kind in (LedgerKind.PLAN, LedgerKind.EXPERIENCE) and not (out["title"] or out["body"]):
        raise UserError(f"请填写{label}的标题或内容。")
    return out


def _subkind(kind: str, text: str) -> str:
    choices = SUBKINDS.get(kind)
    label = LEDGER_KIND_LABELS[kind]
    if choices is None:
        if text:
            raise UserError(f"{label}不分小类，不应填写“{text}”。")
        return ""
    if not text and kind == LedgerKind.PLAN:
        return "plan"
    key = key_of(text, choices) if text else None
    if key is None:
        shown = f"“{text}”无效" if text else "未填写"
        raise UserError(f"{label}的类别{shown}，应为以下之一：{'、'.join(choices.values())}。")
    return key


def _honour_level(kind: str, text: str) -> str:
    if kind != LedgerKind.HONOUR:
        if text:
            raise UserError(f"只有“党群共建”荣誉可填写级别，{LEDGER_KIND_LABELS[kind]}不填。")
        return ""
    key = key_of(text, HONOUR_LEVEL_LABELS) if text else None
    if key is None:
        shown = f"“{text}”无效" if text else "未填写"
        raise UserError(f"荣誉级别{shown}，应为以下之一：{'、'.join(HONOUR_LEVEL_LABELS.values())}。")
    return key


# ---------------------------------------------------------------- writing


def add_entry(session: Session, actor: Actor, *, site_id: str, kind: str, subkind: str = "",
              entry_date: date, title: str = "", body: str = "",
              amount_yuan: Decimal | str | None = None, participants: str = "", outlet: str = "",
              honour_level: str = "", today: date | None = None) -> LedgerEntry:
    """Add a ledger entry owned by the actor's office, checked for its kind (see module doc)."""
    site = records.get_live(session, Site, site_id, label="示范点")
    clean = _validate({"kind": kind, "subkind": subkind, "entry_date": entry_date, "title": title,
                       "body": body, "amount_yuan": amount_yuan, "participants": participants,
                       "outlet": outlet, "honour_level": honour_level}, today or date.today())
    return records.create(session, actor, LedgerEntry, site_id=site.id, **clean)


def update_entry(session: Session, actor: Actor, entry_id: str, *, today: date | None = None,
                 **changes: Any) -> LedgerEntry:
    """Change an entry (its owner only); the whole entry is re-checked for its (new) kind."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise UserError(f"未知字段：{', '.join(sorted(unknown))}。")
    entry = records.get_live(session, LedgerEntry, entry_id, label="台账条目")
    records.ensure_owner(entry, actor)
    current = {"kind": entry.kind, "subkind": entry.subkind, "entry_date": entry.entry_date,
               "title": entry.title, "body": entry.body, "amount_yuan": fen_to_yuan(entry.amount_fen),
               "participants": entry.participants, "outlet": entry.outlet, "honour_level": entry.honour_level}
    if "kind" in changes and _kind(changes["kind"]) != entry.kind:
        # A new kind brings its own fields; what belonged only to the old kind is dropped.
        current.update(subkind="", amount_yuan=None, honour_level="")
    clean = _validate(current | changes, today or date.today())
    return records.update(session, actor, entry, **clean)


def delete_entry(session: Session, actor: Actor, entry_id: str) -> None:
    """Tombstone an entry and this office's links from it; the stored files stay until pruned."""
    entry = records.get_live(session, LedgerEntry, entry_id, label="台账条目")
    records.ensure_owner(entry, actor)
    for link in attachments.links_of(session, RECORD_TYPE, entry.id):
        if link.owner_office == actor.office_code:
            records.tombstone(session, actor, link)
    records.tombstone(session, actor, entry)


def attach_file(session: Session, actor: Actor, store: Path, *, entry_id: str, source: Path,
                caption: str = "") -> AttachmentLink:
    """Link a file (minutes, photo, document) to a live entry of the actor's office."""
    entry = records.get_live(session, LedgerEntry, entry_id, label="台账条目")
    records.ensure_owner(entry, actor)
    return attachments.attach(session, actor, store, record_type=RECORD_TYPE, record_id=entry.id,
                              source=source, caption=caption)


def entry_attachments(session: Session, entry_id: str) -> list[AttachmentLink]:
    return attachments.links_of(session, RECORD_TYPE, entry_id)


# ---------------------------------------------------------------- reading


def entries_of(session: Session, site_id: str, *, kind: str | None = None) -> list[LedgerRow]:
    """A site's live entries (optionally of one kind), newest first."""
    e = LedgerEntry
    links = (select(AttachmentLink.record_id, func.count().label("n"))
             .where(AttachmentLink.record_type == RECORD_TYPE, AttachmentLink.deleted.is_(False))
             .group_by(AttachmentLink.record_id).subquery())
    query = (select(e.id, e.site_id, e.kind, e.subkind, e.entry_date, e.title, e.body, e.amount_fen,
                    e.participants, e.outlet, e.honour_level, e.owner_office, func.coalesce(links.c.n, 0))
             .outerjoin(links, links.c.record_id == e.id)
             .where(e.site_id == site_id, e.deleted.is_(False))
             .order_by(e.entry_date.desc(), e.title))
    if kind is not None:
        query = query.where(e.kind == _kind(kind))
    out = []
    for row in session.execute(query):
        values = list(row)
        values[7] = fen_to_yuan(values[7])
        out.append(LedgerRow(*values))
    return out


def ledger_of(session: Session, site_id: str) -> list[LedgerGroup]:
    """A site's ledger in the notice's order, one group per kind (empty groups included)."""
    by_kind: dict[str, list[LedgerRow]] = defaultdict(list)
    for row in entries_of(session, site_id):
        by_kind[row.kind].append(row)
    groups = []
    for kind, label in LEDGER_KIND_LABELS.items():
        rows = tuple(by_kind.get(kind, ()))
        total = sum((r.amount_yuan or Decimal(0) for r in rows), Decimal("0.00")) if kind == LedgerKind.FUNDING else None
        groups.append(LedgerGroup(kind, label, rows, total))
    return groups


def funding_total(session: Session, site_id: str) -> Decimal:
    """Total live funding support recorded for a site, in yuan (exact)."""
    fen = session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(
        LedgerEntry.site_id == site_id, LedgerEntry.kind == LedgerKind.FUNDING, LedgerEntry.deleted.is_(False)))
    return yuan(int(fen or 0))


def funding_totals(session: Session) -> dict[str, Decimal]:
    """Total live funding per site (sites without funding are absent)."""
    e = LedgerEntry
    query = (select(e.site_id, func.sum(e.amount_fen)).where(e.kind == LedgerKind.FUNDING, e.deleted.is_(False))
             .group_by(e.site_id))
    return {site_id: yuan(int(fen or 0)) for site_id, fen in session.execute(query)}
