"""Goal checklists: a site's self-assessment per item, the assessing office's verdict beside
it, evidence files, and progress kept up to date as ticks change.

A site's checklist is the catalogue's items for its organization type and kind
(`Catalogue.goals_for`): the notice's four numbered goals, then the general aims ("五个好",
"五带头"). A tick (`Tick`) is the site's own rating of one item, owned by the site's owner;
an assessing office records its verdict (`Verdict`) per item of a candidacy, beside the
tick and never over it.

What happens to ticks when a site changes organization type (or institution kind), or when
a new catalogue version is adopted: nothing is deleted. A tick whose item is in the new
checklist keeps counting; every other tick is *orphaned* — it stays as it was, is left out
of the progress, and is listed apart ("原类型/旧版目录的评定"). Changing the type back brings
it back (`domain.catalogue.remap_ticks`).

Progress (`Site.ticks_rated / ticks_met / ticks_total`, local columns) is recounted for a
site whenever one of its ticks changes (`recount_progress`), so the register reads it
without aggregating ticks; after a package merge or a catalogue change call
`recount_all`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from bqw_desktop.db.models import AttachmentLink, Candidacy, Site, Tick, Verdict
from bqw_desktop.domain import lifecycle
from bqw_desktop.domain.catalogue import GENERAL, Catalogue, load_catalogue, remap_ticks
from bqw_desktop.domain.ratings import RATED, RATING_LABELS, Rating, rating_key
from bqw_desktop.domain.vocab import (
    INSTITUTION_KIND_LABELS,
    LEVEL_LABELS,
    ORG_TYPE_LABELS,
    TIER_LABELS,
    org_type_label,
)
from bqw_desktop.errors import OwnershipError, TransitionError, UserError
from bqw_desktop.services import attachments, candidacies, offices, quotas, records
from bqw_desktop.services.context import Actor

RECORD_TYPE = "ticks"
_CHUNK = 500
NOTE_LIMIT = 2000
ORPHAN_NOTE = ("以下评定属于原党组织类型或旧版目标清单的条目，不计入当前进度；"
               "记录不会删除，改回原类型后恢复计入。")
ASSESSABLE: frozenset[str] = frozenset({lifecycle.Status.CREATING, lifecycle.Status.PASSED, lifecycle.Status.FAILED,
                                        lifecycle.Status.AWARDED, lifecycle.Status.RETAINED})
"""Statuses in which the deciding office may record verdicts (assessment and re-evaluation)."""


# --- plain data ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    """Items rated and met out of the checklist's items."""

    rated: int
    met: int
    total: int

    @property
    def text(self) -> str:
        """E.g. "达标 12/32（已评 20）"."""
        return f"达标 {self.met}/{self.total}（已评 {self.rated}）"

    @property
    def percent_met(self) -> int:
        return round(100 * self.met / self.total) if self.total else 0


@dataclass(frozen=True, slots=True)
class TickInfo:
    """A site's own rating of an item."""

    id: str
    rating: str
    note: str
    note_date: date | None
    recorded_by: str
    attachments: int
    catalogue_version: str

    @property
    def rating_label(self) -> str:
        return RATING_LABELS.get(self.rating, self.rating)


@dataclass(frozen=True, slots=True)
class VerdictInfo:
    """An assessing office's verdict on an item, for one of the site's candidacies."""

    id: str
    office_code: str
    office_name: str
    candidacy_id: str
    level: str
    rating: str
    note: str

    @property
    def rating_label(self) -> str:
        return RATING_LABELS.get(self.rating, self.rating)

    @property
    def text(self) -> str:
        """E.g. "长沙市委组织部（市级）：基本达标"."""
        return f"{self.office_name}（{LEVEL_LABELS.get(self.level, self.level)}）：{self.rating_label}"


@dataclass(frozen=True, slots=True)
class ItemView:
    """One line of the checklist: the requirement, the site's tick, the verdicts beside it."""

    id: str
    goal: int | None
    index: int
    text: str
    from_notice: bool
    source: str
    tick: TickInfo | None
    verdicts: tuple[VerdictInfo, ...]

    @property
    def rating(self) -> str:
        return self.tick.rating if self.tick else Rating.NONE

    @property
    def rating_label(self) -> str:
        return RATING_LABELS[self.rating]


@dataclass(frozen=True, slots=True)
class GoalView:
    """A heading of the checklist (目标一…四, 五个好, 五带头) with its items and progress."""

    number: int | None
    label: str
    note: str
    items: tuple[ItemView, ...]
    progress: Progress


@dataclass(frozen=True, slots=True)
class OrphanView:
    """A tick whose item is not in the site's current checklist: kept, shown apart."""

    item_id: str
    text: str
    origin: str
    tick: TickInfo


@dataclass(frozen=True)
class ChecklistView:
    """A site's whole checklist as plain data."""

    site_id: str
    site_name: str
    owner_office: str
    org_type: str
    org_kind: str | None
    catalogue_version: str
    heading: str
    theme: str
    goals: tuple[GoalView, ...]
    progress: Progress
    orphans: tuple[OrphanView, ...]
    orphan_note: str = ORPHAN_NOTE

    @property
    def org_type_label(self) -> str:
        return org_type_label(self.org_type, self.org_kind)


# --- progress -----------------------------------------------------------------------------


def _checklist_ids(catalogue: Catalogue, org_type: str, org_kind: str | None) -> set[str]:
    return {item.id for item in catalogue.items_for(org_type, org_kind)}


def _count(item_ids: set[str], ratings: Sequence[tuple[str, str]]) -> Progress:
    rated = met = 0
    for item_id, rating in ratings:
        if item_id in item_ids and rating in RATED:
            rated += 1
            met += rating == Rating.MET
    return Progress(rated, met, len(item_ids))


def recount_progress(session: Session, site_id: str) -> Progress:
    """Recount one site's progress into its local columns; call after its ticks or type change."""
    site = session.get(Site, site_id)
    if site is None:
        raise UserError(f"找不到示范点（编号 {site_id}）。")
    ratings = session.execute(select(Tick.item_id, Tick.rating).where(
        Tick.site_id == site_id, Tick.deleted.is_(False))).all()
    progress = _count(_checklist_ids(load_catalogue(), site.org_type, site.org_kind), ratings)
    if (site.ticks_rated, site.ticks_met, site.ticks_total) != (progress.rated, progress.met, progress.total):
        # local columns: refreshing them on any office's site is allowed
        site.ticks_rated, site.ticks_met, site.ticks_total = progress.rated, progress.met, progress.total
    return progress


def recount_all(session: Session, site_ids: Sequence[str] | None = None) -> int:
    """Recount progress of every site (or those given) in bulk; returns how many changed.

    For package merges and catalogue changes. Writes the local columns only.
    """
    if site_ids is not None and len(site_ids) > _CHUNK:  # keep each IN list within SQLite's limits
        return sum(recount_all(session, site_ids[i:i + _CHUNK]) for i in range(0, len(site_ids), _CHUNK))
    catalogue = load_catalogue()
    query = select(Site.id, Site.org_type, Site.org_kind, Site.ticks_rated, Site.ticks_met, Site.ticks_total)
    tick_query = select(Tick.site_id, Tick.item_id, Tick.rating).where(Tick.deleted.is_(False),
                                                                       Tick.rating != Rating.NONE)
    if site_ids is not None:
        query = query.where(Site.id.in_(list(site_ids)))
        tick_query = tick_query.where(Tick.site_id.in_(list(site_ids)))
    ratings: dict[str, list[tuple[str, str]]] = {}
    for sid, item_id, rating in session.execute(tick_query):
        ratings.setdefault(sid, []).append((item_id, rating))
    checklists: dict[tuple[str, str | None], set[str]] = {}
    changes = []
    for sid, org_type, org_kind, rated, met, total in session.execute(query):
        key = (org_type, org_kind)
        if key not in checklists:
            try:
                checklists[key] = _checklist_ids(catalogue, org_type, org_kind)
            except UserError:
                checklists[key] = set()
        p = _count(checklists[key], ratings.get(sid, ()))
        if (rated, met, total) != (p.rated, p.met, p.total):
            changes.append({"sid": sid, "r": p.rated, "m": p.met, "t": p.total})
    if changes:
        table = cast(Table, Site.__table__)
        statement = update(table).where(table.c.id == bindparam("sid")).values(
            ticks_rated=bindparam("r"), ticks_met=bindparam("m"), ticks_total=bindparam("t"))
        session.execute(statement, changes)
    return len(changes)


def register_progress(session: Session) -> dict[str, Progress]:
    """Progress of every live site, read from the cached columns (no aggregation)."""
    query = select(Site.id, Site.ticks_rated, Site.ticks_met, Site.ticks_total).where(Site.deleted.is_(False))
    return {sid: Progress(r, m, t) for sid, r, m, t in session.execute(query)}


# --- ticks --------------------------------------------------------------------------------


def _site_for_tick(session: Session, actor: Actor, site_id: str) -> Site:
    site = records.get_live(session, Site, site_id, label="示范点")
    if site.owner_office != actor.office_code:
        raise OwnershipError(
            f"示范点“{site.name}”由单位 {site.owner_office} 登记，自评由该单位填写；本单位（{actor.office_code}）不能修改。")
    return site


def _check_item(catalogue: Catalogue, site: Site, item_id: str) -> None:
    if item_id not in _checklist_ids(catalogue, site.org_type, site.org_kind):
        raise UserError(f"条目“{item_id}”不在示范点“{site.name}”（{org_type_label(site.org_type, site.org_kind)}）"
                        "当前的目标清单中。")


def _clean_note(note: str | None) -> str | None:
    if note is None:
        return None
    text = str(note).strip()
    if len(text) > NOTE_LIMIT:
        raise UserError(f"佐证说明共{len(text)}字，超过{NOTE_LIMIT}字上限，请精简或改为附件。")
    return text


def set_tick(session: Session, actor: Actor, *, site_id: str, item_id: str, rating: str,
             note: str | None = None, note_date: date | None = None) -> Tick:
    """Create or update the site's self-assessment of one item (the site's owner only).

    `rating` is a key (met/basic/unmet/none) or its label (达标…); `note=None` keeps the
    note as it is. The site's progress is recounted.
    """
    site = _site_for_tick(session, actor, site_id)
    catalogue = load_catalogue()
    _check_item(catalogue, site, item_id)
    fields: dict[str, Any] = {"rating": rating_key(rating), "recorded_by": actor.user,
                              "catalogue_version": catalogue.version}
    clean = _clean_note(note)
    if clean is not None:
        fields["note"] = clean
    if note_date is not None:
        fields["note_date"] = note_date
    tick = session.scalar(select(Tick).where(Tick.site_id == site.id, Tick.item_id == item_id))
    if tick is None:
        tick = records.create(session, actor, Tick, site_id=site.id, item_id=item_id, **fields)
    else:
        records.update(session, actor, tick, deleted=False, **fields)
    recount_progress(session, site.id)
    return tick


def attach_evidence(session: Session, actor: Actor, store: Path, *, site_id: str, item_id: str, source: Path,
                    caption: str = "") -> AttachmentLink:
    """Copy a file into the store as evidence for one item (creating an unrated tick if needed)."""
    site = _site_for_tick(session, actor, site_id)
    tick = session.scalar(select(Tick).where(Tick.site_id == site.id, Tick.item_id == item_id,
                                             Tick.deleted.is_(False)))
    if tick is None:
        tick = set_tick(session, actor, site_id=site.id, item_id=item_id, rating=Rating.NONE)
    return attachments.attach(session, actor, store, record_type=RECORD_TYPE, record_id=tick.id,
                              source=source, caption=caption)


def evidence(session: Session, tick_id: str) -> list[AttachmentLink]:
    """A tick's evidence files (open them with `attachments.export_copy` / `open_path`)."""
    return attachments.links_of(session, RECORD_TYPE, tick_id)


# --- verdicts -----------------------------------------------------------------------------


def set_verdict(session: Session, actor: Actor, *, candidacy_id: str, item_id: str, rating: str,
                note: str = "") -> Verdict:
    """Record the assessing office's verdict on one item, beside the site's own rating.

    Only the candidacy's deciding office (its tier decides the level; the site is in its
    region), once creation has started (assessment and re-evaluation).
    """
    office = offices.this_office(session)
    if actor.office_code != office.code:
        raise UserError(f"操作单位（{actor.office_code}）与本数据库的单位（{office.code}）不符，不能办理。")
    cand = records.get_live(session, Candidacy, candidacy_id, label="申报")
    site = records.get_live(session, Site, cand.site_id, label="示范点")
    route = lifecycle.route_for(level=cand.level, registrant_tier=cand.registrant_tier)
    if office.tier != route.decider:
        raise TransitionError(f"示范点“{site.name}”的{LEVEL_LABELS[cand.level]}考核评定由"
                              f"{TIER_LABELS[route.decider]}填写，本单位不能填写。")
    candidacies.check_jurisdiction(office, registrant_code=cand.owner_office, region_code=site.region_code,
                                   site_name=site.name, divisions=quotas.divisions_of(session))
    status = candidacies.refresh_status(session, cand.id)
    if status not in ASSESSABLE:
        raise TransitionError(f"示范点“{site.name}”的申报当前状态为“{candidacies.status_label(status)}”，"
                              "启动创建后才能填写考核评定。")
    _check_item(load_catalogue(), site, item_id)
    key = rating_key(rating)
    if key not in RATED:
        raise UserError("考核评定应为达标、基本达标或未达标。")
    fields = {"rating": key, "note": _clean_note(note) or ""}
    verdict = session.scalar(select(Verdict).where(Verdict.candidacy_id == cand.id, Verdict.item_id == item_id,
                                                   Verdict.owner_office == actor.office_code))
    if verdict is None:
        return records.create(session, actor, Verdict, candidacy_id=cand.id, item_id=item_id, **fields)
    return records.update(session, actor, verdict, deleted=False, **fields)


# --- the view -----------------------------------------------------------------------------


def _ticks(session: Session, site_id: str) -> dict[str, TickInfo]:
    rows = session.execute(select(Tick.id, Tick.item_id, Tick.rating, Tick.note, Tick.note_date, Tick.recorded_by,
                                  Tick.catalogue_version)
                           .where(Tick.site_id == site_id, Tick.deleted.is_(False))).all()
    counts = dict(session.execute(
        select(AttachmentLink.record_id, func.count())
        .where(AttachmentLink.record_type == RECORD_TYPE, AttachmentLink.record_id.in_([r.id for r in rows]),
               AttachmentLink.deleted.is_(False))
        .group_by(AttachmentLink.record_id)).all()) if rows else {}
    return {r.item_id: TickInfo(r.id, r.rating, r.note, r.note_date, r.recorded_by, counts.get(r.id, 0),
                                r.catalogue_version) for r in rows}


def _verdicts(session: Session, site_id: str) -> dict[str, list[VerdictInfo]]:
    query = (select(Verdict.id, Verdict.owner_office, Verdict.candidacy_id, Candidacy.level, Verdict.item_id,
                    Verdict.rating, Verdict.note)
             .join(Candidacy, Candidacy.id == Verdict.candidacy_id)
             .where(Candidacy.site_id == site_id, Candidacy.deleted.is_(False), Verdict.deleted.is_(False)))
    names: dict[str, str] = {}
    out: dict[str, list[VerdictInfo]] = {}
    for r in session.execute(query):
        if r.owner_office not in names:
            names[r.owner_office] = candidacies.office_name(session, r.owner_office)
        out.setdefault(r.item_id, []).append(
            VerdictInfo(r.id, r.owner_office, names[r.owner_office], r.candidacy_id, r.level, r.rating, r.note))
    order = {"county": 1, "city": 2, "province": 3}
    return {k: sorted(v, key=lambda x: (order.get(x.level, 0), x.office_code)) for k, v in out.items()}


def _origin(catalogue: Catalogue, item_id: str) -> tuple[str, str]:
    """(text, origin) of an orphaned item."""
    if item_id not in catalogue:
        return f"条目 {item_id}", "旧版目标清单"
    item = catalogue.item(item_id)
    if item.org_type == GENERAL:
        return item.text, "旧版目标清单"
    if item.kinds:
        kinds = "、".join(INSTITUTION_KIND_LABELS.get(k, k) for k in item.kinds)
        return item.text, f"原类别：{kinds}"
    return item.text, f"原类型：{ORG_TYPE_LABELS.get(item.org_type, item.org_type)}"


def checklist_view(session: Session, site_id: str) -> ChecklistView:
    """A site's checklist grouped by goal, with ticks, verdicts, progress and orphaned ticks."""
    site = records.get_live(session, Site, site_id, label="示范点")
    catalogue = load_catalogue()
    ticks = _ticks(session, site.id)
    verdicts = _verdicts(session, site.id)
    goals = []
    for goal in catalogue.goals_for(site.org_type, site.org_kind):
        items = tuple(ItemView(i.id, i.goal, i.index, i.text, i.from_notice, i.source, ticks.get(i.id),
                               tuple(verdicts.get(i.id, ()))) for i in goal.items)
        ids = {i.id for i in items}
        goals.append(GoalView(goal.number, goal.label, goal.note, items,
                              _count(ids, [(i.id, i.rating) for i in items])))
    all_ids = {i.id for g in goals for i in g.items}
    progress = _count(all_ids, [(k, t.rating) for k, t in ticks.items()])
    _, orphaned = remap_ticks(ticks, catalogue, site.org_type, site.org_kind)
    orphans = tuple(OrphanView(item_id, *_origin(catalogue, item_id), ticks[item_id]) for item_id in sorted(orphaned))
    return ChecklistView(site.id, site.name, site.owner_office, site.org_type, site.org_kind, catalogue.version,
                         catalogue.heading_for(site.org_type), catalogue.theme_for(site.org_type), tuple(goals),
                         progress, orphans)
