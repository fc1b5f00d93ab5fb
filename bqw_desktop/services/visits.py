"""Inspection visits, rectification items and their closing, and the overdue lists.

A visit and the rectification items found on it belong to the office that recorded them.
Closing an item is an act of its own (`RectificationClosing`), owned by whoever closed it,
so the city may close a county's item without touching the county's record. An item is
closed while any live closing act exists; tombstoning the act reopens it.

The visit interval is a policy in `meta` (`visit_interval_days`, default 90); see
`domain.liaison` for when a site (including one never visited) falls due.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from bqw_desktop.db.models import (
    Assignment,
    AttachmentLink,
    Person,
    Rectification,
    RectificationClosing,
    Site,
    Visit,
)
from bqw_desktop.domain.liaison import (
    DEFAULT_VISIT_INTERVAL_DAYS,
    MAX_VISIT_INTERVAL_DAYS,
    MIN_VISIT_INTERVAL_DAYS,
    RECTIFICATION_STATUS_LABELS,
    VISIT_KIND_LABELS,
    RectificationStatus,
    Role,
    VisitDue,
    key_of,
    rectification_status,
    visit_due,
)
from bqw_desktop.errors import UserError
from bqw_desktop.services import attachments, due, offices, records
from bqw_desktop.services.context import Actor

INTERVAL_KEY = "visit_interval_days"
TEXT_LIMITS = {"visitors": 500, "observations": 20000, "problems": 20000, "description": 5000,
               "responsible": 100, "evidence": 20000}
FIELD_LABELS = {"visitors": "走访人员", "observations": "看到的情况", "problems": "发现的问题",
                "description": "整改事项", "responsible": "整改责任人", "evidence": "整改佐证"}
KIND_VISIT = "visit"
KIND_RECTIFICATION = "rectification"
IN_CHUNK = 500  # ids per IN (…) so a query stays well under every database's parameter limit


# ---------------------------------------------------------------- plain rows for the window


@dataclass(frozen=True, slots=True)
class RectificationInput:
    """A rectification item as entered with a visit."""

    description: str
    due_date: date
    responsible: str = ""


@dataclass(frozen=True, slots=True)
class ClosingRow:
    id: str
    rectification_id: str
    closed_on: date
    evidence: str
    owner_office: str
    closed_by: str


@dataclass(frozen=True, slots=True)
class RectificationRow:
    id: str
    site_id: str
    site_name: str
    visit_id: str
    visit_date: date
    description: str
    due_date: date
    responsible: str
    owner_office: str
    status: str  # RectificationStatus key
    days_overdue: int  # 0 unless overdue
    closings: tuple[ClosingRow, ...] = ()

    @property
    def status_label(self) -> str:
        return RECTIFICATION_STATUS_LABELS[self.status]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "site_id": self.site_id, "site_name": self.site_name,
                "visit_id": self.visit_id, "visit_date": self.visit_date.isoformat(),
                "description": self.description, "due_date": self.due_date.isoformat(),
                "responsible": self.responsible, "owner_office": self.owner_office,
                "status": self.status, "status_label": self.status_label,
                "days_overdue": self.days_overdue,
                "closings": [{"id": c.id, "closed_on": c.closed_on.isoformat(), "evidence": c.evidence,
                              "owner_office": c.owner_office} for c in self.closings]}


@dataclass(frozen=True, slots=True)
class VisitRow:
    id: str
    site_id: str
    visit_date: date
    kind: str
    visitors: str
    observations: str
    problems: str
    owner_office: str
    rectifications: tuple[RectificationRow, ...] = ()

    @property
    def kind_label(self) -> str:
        return VISIT_KIND_LABELS.get(self.kind, self.kind)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "site_id": self.site_id, "visit_date": self.visit_date.isoformat(),
                "kind": self.kind, "kind_label": self.kind_label, "visitors": self.visitors,
                "observations": self.observations, "problems": self.problems,
                "owner_office": self.owner_office,
                "rectifications": [r.as_json() for r in self.rectifications]}


@dataclass(frozen=True, slots=True)
class OverdueSiteRow:
    """A site not visited within the interval (or never visited)."""

    site_id: str
    site_name: str
    region_code: str
    owner_office: str
    last_visit: date | None
    next_due: date | None  # None: never visited and nobody assigned
    days_overdue: int | None
    liaison: str  # current liaison officers' names, "、"-joined

    def as_json(self) -> dict[str, Any]:
        return {"site_id": self.site_id, "site_name": self.site_name, "region_code": self.region_code,
                "owner_office": self.owner_office,
                "last_visit": self.last_visit.isoformat() if self.last_visit else None,
                "next_due": self.next_due.isoformat() if self.next_due else None,
                "days_overdue": self.days_overdue, "liaison": self.liaison}


# ---------------------------------------------------------------- policy


def visit_interval(session: Session) -> int:
    """Days within which every site should be visited (meta `visit_interval_days`)."""
    text = offices.get_meta(session, INTERVAL_KEY, "")
    return int(text) if text.isdigit() else DEFAULT_VISIT_INTERVAL_DAYS


def set_visit_interval(session: Session, actor: Actor, days: int | str) -> int:
    """Store the interval policy; refuses values outside 7–366 days."""
    text = str(days).strip()
    if not text.isdigit() or not MIN_VISIT_INTERVAL_DAYS <= int(text) <= MAX_VISIT_INTERVAL_DAYS:
        raise UserError(f"走访间隔“{text}”无效，应为 {MIN_VISIT_INTERVAL_DAYS}–{MAX_VISIT_INTERVAL_DAYS} 之间的天数（如每季度一次填 90）。")
    offices.set_meta(session, actor, INTERVAL_KEY, str(int(text)))
    return int(text)


# ---------------------------------------------------------------- recording


def _text(fields: dict[str, Any], key: str, *, required: bool = False) -> str:
    value = "" if fields.get(key) is None else str(fields[key]).strip()
    if required and not value:
        raise UserError(f"请填写“{FIELD_LABELS[key]}”。")
    if len(value) > TEXT_LIMITS[key]:
        raise UserError(f"“{FIELD_LABELS[key]}”过长（最多 {TEXT_LIMITS[key]} 字）。")
    return value


def _kind(kind: str) -> str:
    key = key_of(str(kind), VISIT_KIND_LABELS)
    if key is None:
        raise UserError(f"走访类型“{kind}”无效，应为以下之一：{'、'.join(VISIT_KIND_LABELS.values())}。")
    return key


def _check_visit_date(visit_date: date, today: date) -> None:
    if not isinstance(visit_date, date):
        raise UserError("请填写走访日期。")
    if visit_date > today:
        raise UserError(f"走访日期 {visit_date.isoformat()} 晚于今天（{today.isoformat()}），不能登记尚未发生的走访。")


def _rectification_fields(item: RectificationInput, visit_date: date, number: int) -> dict[str, Any]:
    fields = {"description": item.description, "responsible": item.responsible}
    prefix = f"第 {number} 条整改事项：" if number else ""
    try:
        description = _text(fields, "description", required=True)
        responsible = _text(fields, "responsible")
    except UserError as exc:
        raise UserError(prefix + exc.message) from exc
    if not isinstance(item.due_date, date):
        raise UserError(f"{prefix}请填写整改期限。")
    if item.due_date < visit_date:
        raise UserError(f"{prefix}整改期限 {item.due_date.isoformat()} 早于走访日期 {visit_date.isoformat()}。")
    return {"description": description, "responsible": responsible, "due_date": item.due_date}


def record_visit(session: Session, actor: Actor, *, site_id: str, visit_date: date, kind: str,
                 visitors: str, observations: str = "", problems: str = "",
                 rectifications: Sequence[RectificationInput] = (), today: date | None = None) -> Visit:
    """Record a visit with its rectification items, all owned by the actor's office.

    Everything is checked before anything is written, so a refusal leaves nothing behind.
    A visit dated after `today` (default: the computer's date) is refused.
    """
    today = today or date.today()
    site = records.get_live(session, Site, site_id, label="示范点")
    _check_visit_date(visit_date, today)
    fields = {"visitors": visitors, "observations": observations, "problems": problems}
    clean = {"site_id": site.id, "visit_date": visit_date, "kind": _kind(kind),
             "visitors": _text(fields, "visitors", required=True),
             "observations": _text(fields, "observations"), "problems": _text(fields, "problems")}
    items = [_rectification_fields(item, visit_date, n) for n, item in enumerate(rectifications, 1)]
    visit = records.create(session, actor, Visit, **clean)
    for item in items:
        records.create(session, actor, Rectification, visit_id=visit.id, site_id=site.id, **item)
    return visit


def update_visit(session: Session, actor: Actor, visit_id: str, *, today: date | None = None,
                 **changes: Any) -> Visit:
    """Change a visit's date, kind or texts (its owner only)."""
    visit = records.get_live(session, Visit, visit_id, label="走访记录")
    records.ensure_owner(visit, actor)
    unknown = set(changes) - {"visit_date", "kind", "visitors", "observations", "problems"}
    if unknown:
        raise UserError(f"未知字段：{', '.join(sorted(unknown))}。")
    clean: dict[str, Any] = {}
    if "visit_date" in changes:
        _check_visit_date(changes["visit_date"], today or date.today())
        clean["visit_date"] = changes["visit_date"]
    if "kind" in changes:
        clean["kind"] = _kind(changes["kind"])
    for key in ("visitors", "observations", "problems"):
        if key in changes:
            clean[key] = _text(changes, key, required=key == "visitors")
    return records.update(session, actor, visit, **clean)


def delete_visit(session: Session, actor: Actor, visit_id: str) -> None:
    """Tombstone a visit and its rectification items (its owner only)."""
    visit = records.get_live(session, Visit, visit_id, label="走访记录")
    records.ensure_owner(visit, actor)
    for item in session.scalars(select(Rectification).where(
            Rectification.visit_id == visit.id, Rectification.deleted.is_(False))):
        records.tombstone(session, actor, item)
    records.tombstone(session, actor, visit)


def add_rectification(session: Session, actor: Actor, *, visit_id: str,
                      item: RectificationInput) -> Rectification:
    """Add an item to a visit the actor's office recorded."""
    visit = records.get_live(session, Visit, visit_id, label="走访记录")
    records.ensure_owner(visit, actor)
    fields = _rectification_fields(item, visit.visit_date, 0)
    return records.create(session, actor, Rectification, visit_id=visit.id, site_id=visit.site_id, **fields)


def update_rectification(session: Session, actor: Actor, rectification_id: str, **changes: Any) -> Rectification:
    """Change an item's description, due date or responsible person (its owner only)."""
    item = records.get_live(session, Rectification, rectification_id, label="整改事项")
    records.ensure_owner(item, actor)
    unknown = set(changes) - {"description", "due_date", "responsible"}
    if unknown:
        raise UserError(f"未知字段：{', '.join(sorted(unknown))}。")
    visit = session.get(Visit, item.visit_id)
    merged = RectificationInput(description=changes.get("description", item.description),
                                due_date=changes.get("due_date", item.due_date),
                                responsible=changes.get("responsible", item.responsible))
    clean = _rectification_fields(merged, visit.visit_date if visit else item.due_date, 0)
    return records.update(session, actor, item, **{k: clean[k] for k in changes})


def delete_rectification(session: Session, actor: Actor, rectification_id: str) -> None:
    item = records.get_live(session, Rectification, rectification_id, label="整改事项")
    records.tombstone(session, actor, item)


def _live_closings(session: Session, rectification_id: str) -> list[RectificationClosing]:
    return list(session.scalars(select(RectificationClosing).where(
        RectificationClosing.rectification_id == rectification_id,
        RectificationClosing.deleted.is_(False)).order_by(RectificationClosing.closed_on)))


def close_rectification(session: Session, actor: Actor, *, rectification_id: str, closed_on: date,
                        evidence: str, today: date | None = None) -> RectificationClosing:
    """Close (销号) an item: a new act owned by the actor's office, whoever owns the item.

    Refused when the item is already closed, when `closed_on` is after `today` or before
    the visit that found it, or without evidence.
    """
    today = today or date.today()
    item = records.get_live(session, Rectification, rectification_id, label="整改事项")
    existing = _live_closings(session, item.id)
    if existing:
        first = existing[0]
        raise UserError(f"该整改事项已于 {first.closed_on.isoformat()} 由单位 {first.owner_office} 销号，无需重复销号。")
    if not isinstance(closed_on, date):
        raise UserError("请填写销号日期。")
    if closed_on > today:
        raise UserError(f"销号日期 {closed_on.isoformat()} 晚于今天（{today.isoformat()}）。")
    visit = session.get(Visit, item.visit_id)
    if visit is not None and closed_on < visit.visit_date:
        raise UserError(f"销号日期 {closed_on.isoformat()} 早于发现问题的走访日期 {visit.visit_date.isoformat()}。")
    text = _text({"evidence": evidence}, "evidence", required=True)
    return records.create(session, actor, RectificationClosing, rectification_id=item.id,
                          closed_on=closed_on, evidence=text)


def reopen_rectification(session: Session, actor: Actor, *, closing_id: str, reason: str = "") -> None:
    """Reverse a closing by tombstoning the act (only the office that closed may)."""
    closing = records.get_live(session, RectificationClosing, closing_id, label="销号记录")
    records.tombstone(session, actor, closing, reason=reason)


ATTACHABLE: dict[str, tuple[type[Visit | Rectification | RectificationClosing], str]] = {
    "visits": (Visit, "走访记录"), "rectifications": (Rectification, "整改事项"),
    "rectification_closings": (RectificationClosing, "销号记录"),
}


def attach_file(session: Session, actor: Actor, store: Path, *, record_type: str, record_id: str,
                source: Path, caption: str = "") -> AttachmentLink:
    """Link a photo or document to a visit, an item or a closing act of the actor's office.

    Files are stored once by content hash; unreadable or oversized files are refused
    (`services.attachments`).
    """
    if record_type not in ATTACHABLE:
        raise UserError(f"不能为“{record_type}”添加附件。")
    model, label = ATTACHABLE[record_type]
    obj = records.get_live(session, model, record_id, label=label)
    records.ensure_owner(obj, actor)
    return attachments.attach(session, actor, store, record_type=record_type, record_id=obj.id,
                              source=source, caption=caption)


# ---------------------------------------------------------------- reading


def _closings_by_item(session: Session, item_ids: Iterable[str]) -> dict[str, list[ClosingRow]]:
    out: dict[str, list[ClosingRow]] = defaultdict(list)
    ids = list(item_ids)
    c = RectificationClosing
    for start in range(0, len(ids), IN_CHUNK):
        query = select(c.id, c.rectification_id, c.closed_on, c.evidence, c.owner_office, c.updated_by).where(
            c.rectification_id.in_(ids[start:start + IN_CHUNK]), c.deleted.is_(False)).order_by(c.closed_on)
        for row in session.execute(query):
            out[row.rectification_id].append(ClosingRow(*row))
    return out


def _rect_row(row: Any, closings: list[ClosingRow], today: date) -> RectificationRow:
    status = rectification_status(due_date=row.due_date, closed=bool(closings), today=today)
    late = (today - row.due_date).days if status == RectificationStatus.OVERDUE else 0
    return RectificationRow(row.id, row.site_id, row.site_name, row.visit_id, row.visit_date,
                            row.description, row.due_date, row.responsible, row.owner_office,
                            status, late, tuple(closings))


def _rect_query():
    r = Rectification
    return (select(r.id, r.site_id, Site.name.label("site_name"), r.visit_id, Visit.visit_date,
                   r.description, r.due_date, r.responsible, r.owner_office)
            .join(Visit, Visit.id == r.visit_id).join(Site, Site.id == r.site_id)
            .where(r.deleted.is_(False), Visit.deleted.is_(False), Site.deleted.is_(False)))


def list_rectifications(session: Session, *, today: date, site_id: str | None = None,
                        status: str | None = None) -> list[RectificationRow]:
    """Rectification items (of one site or all), with derived status and closing acts."""
    query = _rect_query().order_by(Rectification.due_date, Rectification.id)
    if site_id is not None:
        query = query.where(Rectification.site_id == site_id)
    rows = list(session.execute(query))
    closings = _closings_by_item(session, [row.id for row in rows])
    out = [_rect_row(row, closings.get(row.id, []), today) for row in rows]
    return [r for r in out if r.status == status] if status else out


def visit_history(session: Session, site_id: str, *, today: date | None = None) -> list[VisitRow]:
    """A site's live visits, newest first, each with its rectification items."""
    today = today or date.today()
    v = Visit
    visits = list(session.execute(
        select(v.id, v.site_id, v.visit_date, v.kind, v.visitors, v.observations, v.problems, v.owner_office)
        .where(v.site_id == site_id, v.deleted.is_(False)).order_by(v.visit_date.desc(), v.id)))
    items: dict[str, list[RectificationRow]] = defaultdict(list)
    for item in list_rectifications(session, today=today, site_id=site_id):
        items[item.visit_id].append(item)
    return [VisitRow(*row, rectifications=tuple(items.get(row.id, []))) for row in visits]


def _last_visits(site_ids: Sequence[str] | None = None):
    """Each site's latest live visit date: one grouped query over `ix_visits_site_date`."""
    query = select(Visit.site_id.label("site_id"), func.max(Visit.visit_date).label("last_visit")).where(
        Visit.deleted.is_(False))
    if site_ids is not None:
        query = query.where(Visit.site_id.in_(site_ids))
    return query.group_by(Visit.site_id).subquery()


def _first_assigned(session: Session, site_ids: Sequence[str]) -> dict[str, date]:
    """The earliest start of any live assignment, for the (few) sites never visited."""
    out: dict[str, date] = {}
    a = Assignment
    for start in range(0, len(site_ids), IN_CHUNK):
        query = (select(a.site_id, func.min(a.start_date))
                 .where(a.site_id.in_(site_ids[start:start + IN_CHUNK]), a.deleted.is_(False)).group_by(a.site_id))
        out.update({site_id: first for site_id, first in session.execute(query)})
    return out


def due_by_site(session: Session, *, today: date, site_ids: Iterable[str] | None = None) -> dict[str, VisitDue]:
    """When each live site (or each of `site_ids`) is next due for a visit."""
    interval = visit_interval(session)
    if site_ids is None:
        chunks: list[list[str] | None] = [None]
    else:
        ids = list(site_ids)
        chunks = [ids[i:i + IN_CHUNK] for i in range(0, len(ids), IN_CHUNK)]
    found: list[tuple[str, date | None]] = []
    for chunk in chunks:
        last = _last_visits(chunk)
        query = (select(Site.id, last.c.last_visit).outerjoin(last, last.c.site_id == Site.id)
                 .where(Site.deleted.is_(False)))
        if chunk is not None:
            query = query.where(Site.id.in_(chunk))
        found.extend((site_id, last_visit) for site_id, last_visit in session.execute(query))
    firsts = _first_assigned(session, [site_id for site_id, last_visit in found if last_visit is None])
    return {site_id: visit_due(last_visit=last_visit, first_assigned=firsts.get(site_id),
                               interval_days=interval, today=today)
            for site_id, last_visit in found}


def current_liaisons(session: Session, site_ids: Sequence[str] | None = None) -> dict[str, list[str]]:
    """Names of each site's current liaison officers (any office's), by site id."""
    a = Assignment
    query = (select(a.site_id, Person.name).join(Person, Person.id == a.person_id)
             .where(a.role == Role.LIAISON, a.end_date.is_(None), a.deleted.is_(False),
                    Person.deleted.is_(False)).order_by(a.site_id, Person.name))
    queries = [query] if site_ids is None else [
        query.where(a.site_id.in_(site_ids[i:i + IN_CHUNK])) for i in range(0, len(site_ids), IN_CHUNK)]
    out: dict[str, list[str]] = defaultdict(list)
    for q in queries:
        for site_id, name in session.execute(q):
            out[site_id].append(name)
    return out


def overdue_visits(session: Session, *, today: date) -> list[OverdueSiteRow]:
    """Sites not visited within the interval, most overdue first (never-visited, unassigned first).

    One grouped query over visits; never-visited sites then look up their first assignment.
    No per-site queries.
    """
    return sites_due_by(session, today=today, latest_due=today - timedelta(days=1))


def sites_due_by(session: Session, *, today: date, latest_due: date) -> list[OverdueSiteRow]:
    """Sites whose next visit falls due on or before `latest_due` (or at once), earliest first."""
    interval = visit_interval(session)
    bound = latest_due - timedelta(days=interval)  # a last visit on or before this is due by latest_due
    last = _last_visits()
    query = (select(Site.id, Site.name, Site.region_code, Site.owner_office, last.c.last_visit)
             .outerjoin(last, last.c.site_id == Site.id)
             .where(Site.deleted.is_(False), or_(last.c.last_visit <= bound, last.c.last_visit.is_(None))))
    rows = session.execute(query).all()
    firsts = _first_assigned(session, [row.id for row in rows if row.last_visit is None])
    due_rows = []
    for site_id, name, region, owner, last_visit in rows:
        first = firsts.get(site_id)
        if last_visit is None and first is not None and first > bound:
            continue  # never visited, but taken on too recently to be due yet
        due_rows.append((site_id, name, region, owner, visit_due(
            last_visit=last_visit, first_assigned=first, interval_days=interval, today=today)))
    liaisons = current_liaisons(session, [row[0] for row in due_rows]) if due_rows else {}
    out = [OverdueSiteRow(site_id, name, region, owner, due.last_visit, due.next_due, due.days_overdue,
                          "、".join(liaisons.get(site_id, [])))
           for site_id, name, region, owner, due in due_rows]
    out.sort(key=lambda r: (r.next_due or date.min, r.site_name))
    return out


def overdue_rectifications(session: Session, *, today: date) -> list[RectificationRow]:
    """Live rectification items past their due date with no live closing act, oldest due first."""
    return open_rectifications_due_by(session, today=today, latest_due=today - timedelta(days=1))


def open_rectifications_due_by(session: Session, *, today: date, latest_due: date) -> list[RectificationRow]:
    """Live items not closed whose due date is on or before `latest_due`, oldest due first."""
    closed = exists().where(RectificationClosing.rectification_id == Rectification.id,
                            RectificationClosing.deleted.is_(False))
    query = _rect_query().where(Rectification.due_date <= latest_due, ~closed).order_by(
        Rectification.due_date, Site.name)
    return [_rect_row(row, [], today) for row in session.execute(query)]


def due_rows(session: Session, today: date, window_days: int = 0) -> list[due.DueRow]:
    """Visits and open rectification items late or due within `window_days`, as due-panel rows.

    Registered with `services.due` as the source "visits"; a site never visited and with
    nobody assigned is due at once and shows as due today.
    """
    latest = today + timedelta(days=window_days)
    out = []
    for site in sites_due_by(session, today=today, latest_due=latest):
        when = site.next_due or today
        if site.last_visit is None:
            detail = "从未走访" + ("，且未明确联系人" if site.next_due is None else "")
        else:
            detail = f"上次走访 {site.last_visit.isoformat()}"
        if site.liaison:
            detail += f"；联络员 {site.liaison}"
        out.append(due.DueRow(KIND_VISIT, "定期指导督查", when, (when - today).days, site.site_name, detail,
                              "sites", site.site_id, site.site_id))
    for item in open_rectifications_due_by(session, today=today, latest_due=latest):
        detail = item.description if not item.responsible else f"{item.description}（责任人：{item.responsible}）"
        out.append(due.DueRow(KIND_RECTIFICATION, "整改期限", item.due_date, (item.due_date - today).days,
                              item.site_name, detail, "rectifications", item.id, item.site_id))
    return out


due.register_source("visits", due_rows)
