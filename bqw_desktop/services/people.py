"""The people register and who leads, is responsible for, or liaises with each site.

A person is entered once and assigned to any number of sites. Each office keeps its own
assignments: per site and role, an office has at most one current assignment (no end date);
assigning someone new ends the current one on the new start date, so the history stays.
Another office's assignments are its own records and are never ended from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bqw_desktop.db.models import Assignment, Person, Site
from bqw_desktop.domain.liaison import ROLE_LABELS, Role, key_of
from bqw_desktop.errors import UserError
from bqw_desktop.services import records, visits
from bqw_desktop.services.context import Actor
from bqw_desktop.services.sites import clean_text

PERSON_FIELDS = ("name", "unit", "post", "phone")
TEXT_LIMITS = {"name": 50, "unit": 200, "post": 100, "phone": 50}
FIELD_LABELS = {"name": "姓名", "unit": "单位", "post": "职务", "phone": "联系电话"}


@dataclass(frozen=True, slots=True)
class PersonRow:
    id: str
    name: str
    unit: str
    post: str
    phone: str
    owner_office: str
    current_sites: int  # live assignments without an end date, any role

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "unit": self.unit, "post": self.post,
                "phone": self.phone, "owner_office": self.owner_office,
                "current_sites": self.current_sites}


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    id: str
    site_id: str
    person_id: str
    person_name: str
    unit: str
    post: str
    phone: str
    role: str
    start_date: date
    end_date: date | None
    owner_office: str

    @property
    def current(self) -> bool:
        return self.end_date is None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


@dataclass(frozen=True, slots=True)
class LiaisonSiteRow:
    """One of a person's sites, with when it was last visited and is next due."""

    site_id: str
    site_name: str
    region_code: str
    role: str
    since: date
    last_visit: date | None
    next_due: date | None
    overdue: bool
    days_overdue: int | None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


@dataclass(frozen=True, slots=True)
class LiaisonSummaryRow:
    """A liaison officer with how many sites they cover and how many are overdue."""

    person_id: str
    name: str
    unit: str
    phone: str
    sites: int
    overdue: int
    last_visit: date | None


# ---------------------------------------------------------------- people


def _clean_person(fields: dict[str, Any]) -> dict[str, str]:
    out = {}
    for key, value in fields.items():
        text = clean_text(value)
        if len(text) > TEXT_LIMITS[key]:
            raise UserError(f"“{FIELD_LABELS[key]}”过长（最多 {TEXT_LIMITS[key]} 字）。")
        out[key] = text
    if "name" in out and not out["name"]:
        raise UserError("请填写人员“姓名”。")
    return out


def add_person(session: Session, actor: Actor, *, name: str, unit: str = "", post: str = "",
               phone: str = "") -> Person:
    """Enter a person in this office's register; the same name in the same unit is refused."""
    clean = _clean_person({"name": name, "unit": unit, "post": post, "phone": phone})
    twin = session.scalar(select(Person.id).where(
        Person.name == clean["name"], Person.unit == clean["unit"], Person.deleted.is_(False),
        Person.owner_office == actor.office_code))
    if twin is not None:
        where = f"（{clean['unit']}）" if clean["unit"] else ""
        raise UserError(f"人员“{clean['name']}”{where}已在名册中，请直接选用。")
    return records.create(session, actor, Person, **clean)


def update_person(session: Session, actor: Actor, person_id: str, **changes: Any) -> Person:
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise UserError(f"未知字段：{', '.join(sorted(unknown))}。")
    person = records.get_live(session, Person, person_id, label="人员")
    return records.update(session, actor, person, **_clean_person(changes))


def delete_person(session: Session, actor: Actor, person_id: str) -> None:
    """Tombstone a person who holds no current assignment."""
    person = records.get_live(session, Person, person_id, label="人员")
    records.ensure_owner(person, actor)
    held = session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.person_id == person.id, Assignment.end_date.is_(None), Assignment.deleted.is_(False)))
    if held:
        raise UserError(f"“{person.name}”仍在 {held} 个示范点任职，请先卸任或改派后再删除。")
    records.tombstone(session, actor, person)


def list_people(session: Session) -> list[PersonRow]:
    """Every live person, by name, with their number of current assignments."""
    held = (select(Assignment.person_id, func.count().label("n"))
            .where(Assignment.end_date.is_(None), Assignment.deleted.is_(False))
            .group_by(Assignment.person_id).subquery())
    p = Person
    query = (select(p.id, p.name, p.unit, p.post, p.phone, p.owner_office, func.coalesce(held.c.n, 0))
             .outerjoin(held, held.c.person_id == p.id).where(p.deleted.is_(False)).order_by(p.name, p.unit))
    return [PersonRow(*row) for row in session.execute(query)]


# ---------------------------------------------------------------- assignments


def _role(role: str) -> str:
    key = key_of(str(role), ROLE_LABELS)
    if key is None:
        raise UserError(f"职责“{role}”无效，应为以下之一：{'、'.join(ROLE_LABELS.values())}。")
    return key


def assign(session: Session, actor: Actor, *, site_id: str, person_id: str, role: str,
           start_date: date) -> Assignment:
    """Make `person_id` the actor's office's current `role` for the site from `start_date`.

    The office's current holder of that role, if any, is ended on `start_date` (history is
    kept). Refused if the person already holds it or the date is before the holder's start.
    """
    role = _role(role)
    site = records.get_live(session, Site, site_id, label="示范点")
    person = records.get_live(session, Person, person_id, label="人员")
    if not isinstance(start_date, date):
        raise UserError("请填写任职起始日期。")
    current = session.scalars(select(Assignment).where(
        Assignment.site_id == site.id, Assignment.role == role, Assignment.end_date.is_(None),
        Assignment.deleted.is_(False), Assignment.owner_office == actor.office_code)).all()
    for held in current:
        if held.person_id == person.id:
            raise UserError(f"“{person.name}”已是“{site.name}”的{ROLE_LABELS[role]}。")
        if start_date < held.start_date:
            raise UserError(f"起始日期 {start_date.isoformat()} 早于现任{ROLE_LABELS[role]}的起始日期 "
                            f"{held.start_date.isoformat()}，请核对。")
    for held in current:
        records.update(session, actor, held, end_date=start_date)
    return records.create(session, actor, Assignment, site_id=site.id, person_id=person.id, role=role,
                          start_date=start_date, end_date=None)


def end_assignment(session: Session, actor: Actor, *, assignment_id: str, end_date: date) -> Assignment:
    """End an assignment without naming a successor."""
    held = records.get_live(session, Assignment, assignment_id, label="任职记录")
    if held.end_date is not None:
        raise UserError(f"该任职已于 {held.end_date.isoformat()} 结束。")
    if end_date < held.start_date:
        raise UserError(f"结束日期 {end_date.isoformat()} 早于起始日期 {held.start_date.isoformat()}。")
    return records.update(session, actor, held, end_date=end_date)


def _assignment_query():
    a, p = Assignment, Person
    return (select(a.id, a.site_id, a.person_id, p.name, p.unit, p.post, p.phone, a.role, a.start_date,
                   a.end_date, a.owner_office)
            .join(p, p.id == a.person_id).where(a.deleted.is_(False)))


ROLE_ORDER: dict[str, int] = {Role.LEADER: 0, Role.RESPONSIBLE: 1, Role.LIAISON: 2}


def assignments_of(session: Session, site_id: str) -> list[AssignmentRow]:
    """A site's assignments: current ones first (by role), then the history, newest first."""
    rows = [AssignmentRow(*row) for row in session.execute(
        _assignment_query().where(Assignment.site_id == site_id))]
    rows.sort(key=lambda r: (not r.current, ROLE_ORDER.get(r.role, 9),
                             -r.start_date.toordinal(), r.person_name))
    return rows


def liaison_view(session: Session, *, person_id: str, today: date) -> list[LiaisonSiteRow]:
    """The sites a person currently holds a role for, with last visit and next due date."""
    a = Assignment
    held = session.execute(
        select(a.site_id, Site.name, Site.region_code, a.role, a.start_date)
        .join(Site, Site.id == a.site_id)
        .where(a.person_id == person_id, a.end_date.is_(None), a.deleted.is_(False), Site.deleted.is_(False))
    ).all()
    due = visits.due_by_site(session, today=today, site_ids={row.site_id for row in held})
    out = []
    for site_id, name, region, role, since in held:
        d = due[site_id]
        out.append(LiaisonSiteRow(site_id, name, region, role, since, d.last_visit, d.next_due, d.overdue,
                                  d.days_overdue))
    out.sort(key=lambda r: (not r.overdue, r.next_due or date.min, r.site_name))
    return out


def liaison_summary(session: Session, *, today: date) -> list[LiaisonSummaryRow]:
    """Every current liaison officer with their site count, overdue count and latest visit."""
    a = Assignment
    held = session.execute(
        select(a.person_id, a.site_id).join(Site, Site.id == a.site_id)
        .where(a.role == Role.LIAISON, a.end_date.is_(None), a.deleted.is_(False), Site.deleted.is_(False))
    ).all()
    if not held:
        return []
    due = visits.due_by_site(session, today=today)
    sites_of: dict[str, list[str]] = {}
    for person_id, site_id in held:
        sites_of.setdefault(person_id, []).append(site_id)
    people = {row.id: row for row in session.execute(
        select(Person.id, Person.name, Person.unit, Person.phone).where(Person.deleted.is_(False)))}
    out = []
    for person_id, site_ids in sites_of.items():
        person = people.get(person_id)
        if person is None:
            continue
        dues = [due[s] for s in site_ids if s in due]
        lasts = [d.last_visit for d in dues if d.last_visit]
        out.append(LiaisonSummaryRow(person_id, person.name, person.unit, person.phone, len(site_ids),
                                     sum(d.overdue for d in dues), max(lasts) if lasts else None))
    out.sort(key=lambda r: (-r.overdue, r.name))
    return out
