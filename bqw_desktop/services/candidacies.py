"""Candidacies: a site's bid for a level, and the steps offices take on it.

The rules (who may take which step, reasons, guards) are `domain.lifecycle`'s; this module
stores and reads them. A candidacy is owned by the office that registered it. Each step is a
`Transition` owned by the office that took it, naming the step it follows; the current
status is derived by walking that chain (`domain.chains.derive`) and cached on this machine
in `Candidacy.status` (a local column: "conflict" when the chain forks or a step hangs on a
reversed or missing one). Two offices acting on the same step is a fork: nothing more can be
done until one of them reverses its own step.

Beyond the lifecycle's rules this module checks the region hierarchy: a county, city or
province acts only on sites in its own region (an ancestor of the site's region), and a
`system` office only on candidacies it registered. Approvals are checked against the quota
of the unit whose place they take (`services.quotas.quota_unit`).

Bulk steps are planned first (`plan_bulk`: which pass, which are refused and why), then
recorded as separate steps with one audit entry for the batch (`apply_bulk`), and can be
reversed together by the same office while nothing has followed any of them
(`reverse_bulk`).
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from bqw_desktop.db.base import new_id, utc_now
from bqw_desktop.db.models import AttachmentLink, AuditEntry, Campaign, Candidacy, Office, Site, Transition
from bqw_desktop.domain import lifecycle
from bqw_desktop.domain.chains import Act, Chain, derive
from bqw_desktop.domain.divisions import Divisions
from bqw_desktop.domain.lifecycle import STATUS_LABELS, QuotaCheck, Status, Step
from bqw_desktop.domain.vocab import LEVEL_LABELS, Level, Tier
from bqw_desktop.errors import TransitionError, UserError
from bqw_desktop.services import attachments, audit, campaigns, offices, quotas, records
from bqw_desktop.services.context import Actor

CONFLICT = "conflict"
CONFLICT_LABEL = "存在冲突"
ACHIEVEMENTS_PRINTED = 2000
"""About this many characters of 主要事迹 fit the nomination form."""
TEXT_LIMIT = 3000
"""Longer 主要事迹 or 创建目标和措施 are refused."""
RECORD_TYPE = "candidacies"
BULK_ACTION = "bulk_advance"
BULK_REVERSE = "bulk_reverse"
_CHUNK = 500  # ids per IN (...) list


def status_label(status: str) -> str:
    """Chinese label of a status key, including the local "conflict"."""
    return CONFLICT_LABEL if status == CONFLICT else STATUS_LABELS.get(status, status)


def parse_status(value: str) -> Status:
    """A status key from a key or its Chinese label; TransitionError naming the choices."""
    text = (value or "").strip()
    for status in Status:
        if text in (status.value, STATUS_LABELS[status]):
            return status
    choices = "、".join(f"{s.value}（{STATUS_LABELS[s]}）" for s in Status)
    raise TransitionError(f"状态“{value}”无效，应为以下之一：{choices}。")


# --- plain rows ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CandidacyRow:
    """One line of the candidacy list."""

    id: str
    site_id: str
    site_name: str
    region_code: str
    level: str
    status: str
    registrant: str
    registrant_tier: str
    campaign_id: str | None
    applied_on: date | None
    waiting: str

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "site_id": self.site_id, "site_name": self.site_name,
                "region_code": self.region_code, "level": self.level, "status": self.status,
                "status_label": self.status_label, "registrant": self.registrant,
                "registrant_tier": self.registrant_tier, "campaign_id": self.campaign_id,
                "applied_on": self.applied_on.isoformat() if self.applied_on else None,
                "waiting": self.waiting}


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One step of a candidacy's history, for people to read.

    `transition_id` is None for the application itself. `place` says where the step stands:
    "chain" (on the path), "fork" (one of two steps following the same step), "dangling"
    (following a step that was reversed or has not arrived) or "reversed" (undone).
    """

    transition_id: str | None
    follows_id: str | None
    to_status: str
    office_code: str
    office_name: str
    actor_tier: str
    user: str
    acted_on: date | None
    recorded_at: datetime | None
    reason: str
    quota_override: bool
    place: str = "chain"

    @property
    def status_label(self) -> str:
        return status_label(self.to_status)

    @property
    def flagged(self) -> bool:
        """True for steps outside the single path (a conflict, or undone)."""
        return self.place != "chain"

    def as_json(self) -> dict[str, Any]:
        return {"transition_id": self.transition_id, "follows_id": self.follows_id,
                "to_status": self.to_status, "status_label": self.status_label,
                "office_code": self.office_code, "office_name": self.office_name,
                "actor_tier": self.actor_tier, "user": self.user,
                "acted_on": self.acted_on.isoformat() if self.acted_on else None,
                "reason": self.reason, "quota_override": self.quota_override, "place": self.place}


@dataclass(frozen=True, slots=True)
class StepResult:
    """What a recorded step led to."""

    transition_id: str
    candidacy_id: str
    status: str
    quota_override: bool


@dataclass(frozen=True)
class CandidacyView:
    """Everything a candidacy's page shows: fields, history, whose turn, buttons, quota."""

    id: str
    site_id: str
    site_name: str
    region_code: str
    level: str
    status: str
    registrant: str
    registrant_tier: str
    campaign_id: str | None
    applied_on: date | None
    achievements: str
    measures: str
    photos: int
    waiting: str
    allowed_next: tuple[str, ...]
    history: tuple[HistoryRow, ...]
    quota: quotas.QuotaLine | None
    conflict: str = ""

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def achievements_note(self) -> str:
        return achievements_note(self.achievements)


# --- loading a candidacy and its chain ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _StepRow:
    id: str
    follows_id: str | None
    to_status: str
    actor_tier: str
    owner_office: str
    acted_on: date
    reason: str
    quota_override: bool
    updated_by: str
    created_at: datetime
    deleted: bool


_STEP_COLUMNS = (Transition.id, Transition.follows_id, Transition.to_status, Transition.actor_tier,
                 Transition.owner_office, Transition.acted_on, Transition.reason, Transition.quota_override,
                 Transition.updated_by, Transition.created_at, Transition.deleted)


def _step_rows(session: Session, candidacy_ids: Sequence[str]) -> dict[str, list[_StepRow]]:
    out: dict[str, list[_StepRow]] = {cid: [] for cid in candidacy_ids}
    for start in range(0, len(candidacy_ids), _CHUNK):
        chunk = candidacy_ids[start:start + _CHUNK]
        query = select(Transition.candidacy_id, *_STEP_COLUMNS).where(Transition.candidacy_id.in_(chunk))
        for row in session.execute(query):
            values: Any = tuple(row)[1:]
            out[row[0]].append(_StepRow(*values))
    return out


def _chain(rows: Iterable[_StepRow]) -> Chain:
    return derive(Act(r.id, r.follows_id, r) for r in rows if not r.deleted)


def _status_of(chain: Chain) -> str:
    if chain.forked or chain.dangling:
        return CONFLICT
    return str(lifecycle.current_status(_steps(chain)))


def _row(act: Act) -> _StepRow:
    return cast(_StepRow, act.payload)


def _steps(chain: Chain) -> list[Step]:
    return [Step.from_keys(_row(a).to_status, _row(a).actor_tier, _row(a).owner_office) for a in chain.path]


@dataclass
class _Case:
    """A candidacy with what every check needs, loaded once."""

    candidacy: Candidacy
    site_name: str
    region_code: str
    rows: list[_StepRow]
    chain: Chain = field(init=False)

    def __post_init__(self) -> None:
        self.chain = _chain(self.rows)


def _load(session: Session, candidacy_id: str) -> _Case:
    cand = records.get_live(session, Candidacy, candidacy_id, label="申报")
    site = session.get(Site, cand.site_id)
    name, region = (site.name, site.region_code) if site is not None else (cand.site_id, "")
    return _Case(cand, name, region, _step_rows(session, [cand.id])[cand.id])


def _acting_office(session: Session, actor: Actor) -> offices.OfficeInfo:
    office = offices.this_office(session)
    if actor.office_code != office.code:
        raise UserError(f"操作单位（{actor.office_code}）与本数据库的单位（{office.code}）不符，不能办理。")
    return office


def check_jurisdiction(office: offices.OfficeInfo, *, registrant_code: str, region_code: str,
                       site_name: str, divisions: Divisions) -> None:
    """Refuse an office that is not over the site's region (nor, for a system, its registrant)."""
    if office.code == registrant_code:
        return
    if office.tier == Tier.SYSTEM:
        raise TransitionError(f"示范点“{site_name}”的申报不是本单位登记的，省直机关/系统只能办理本单位登记的申报。")
    ancestors = {d.code for d in divisions.path(region_code)} if region_code in divisions else set()
    if office.code not in ancestors:
        raise TransitionError(f"示范点“{site_name}”所在地区（{region_code}）不属本单位管辖，不能办理。")


def _conflict_message(case: _Case, session: Session) -> str | None:
    chain = case.chain
    if chain.forked:
        parts = "与".join(f"{office_name(session, _row(a).owner_office)}的“{status_label(_row(a).to_status)}”"
                         for a in chain.fork)
        return (f"示范点“{case.site_name}”的申报存在冲突：{parts}跟在同一步之后，"
                "须先处理（由其中一方撤销本单位的办理）后才能继续办理。")
    if chain.dangling:
        return (f"示范点“{case.site_name}”的申报存在冲突：有一步办理所依据的上一步已被撤销或尚未收到，"
                "须先处理后才能继续办理。")
    return None


def _creation_end(session: Session, campaign_id: str | None) -> date | None:
    if campaign_id is None:
        return None
    return session.scalar(select(Campaign.creation_end).where(Campaign.id == campaign_id, Campaign.deleted.is_(False)))


class _QuotaBook:
    """Places used per (level, campaign, unit), counted once and kept up to date in a batch."""

    def __init__(self, session: Session, divisions: Divisions) -> None:
        self.session = session
        self.divisions = divisions
        self._used: dict[tuple[str, str | None], Counter[str]] = {}

    def unit(self, cand: Candidacy, region_code: str) -> str | None:
        return quotas.quota_unit(level=cand.level, region_code=region_code, registrant_code=cand.owner_office,
                                 registrant_tier=cand.registrant_tier, divisions=self.divisions)

    def check(self, cand: Candidacy, region_code: str) -> QuotaCheck | None:
        unit = self.unit(cand, region_code)
        if unit is None:
            return None
        row = quotas.allotment(self.session, level=cand.level, unit_code=unit, campaign_id=cand.campaign_id)
        if row is None:
            return None
        return QuotaCheck(used=self._counter(cand)[unit], allotted=row.seats)

    def take(self, cand: Candidacy, region_code: str) -> None:
        unit = self.unit(cand, region_code)
        if unit is not None:
            self._counter(cand)[unit] += 1

    def _counter(self, cand: Candidacy) -> Counter[str]:
        key = (cand.level, cand.campaign_id)
        if key not in self._used:
            self._used[key] = quotas.used_by_unit(self.session, level=cand.level, campaign_id=cand.campaign_id,
                                                  divisions=self.divisions)
        return self._used[key]


@dataclass(frozen=True, slots=True)
class _Verdict:
    message: str | None
    follows_id: str | None = None
    override_used: bool = False


def _judge(session: Session, office: offices.OfficeInfo, case: _Case, *, to_status: str, reason: str | None,
           override_quota: bool, today: date, book: _QuotaBook) -> _Verdict:
    """Whether `office` may take this step now; the refusal message otherwise."""
    conflict = _conflict_message(case, session)
    if conflict:
        return _Verdict(conflict)
    cand = case.candidacy
    try:
        check_jurisdiction(office, registrant_code=cand.owner_office, region_code=case.region_code,
                           site_name=case.site_name, divisions=book.divisions)
    except TransitionError as exc:
        return _Verdict(exc.message)
    target = Status(to_status)
    quota = book.check(cand, case.region_code) if target is Status.APPROVED else None
    message = lifecycle.refusal(
        level=cand.level, registrant_tier=cand.registrant_tier, history=_steps(case.chain), to_status=target,
        actor_tier=office.tier, actor_code=office.code, registrant_code=cand.owner_office, today=today,
        creation_end=_creation_end(session, cand.campaign_id), reason=reason, quota=quota,
        override_quota=override_quota)
    if message is not None:
        return _Verdict(f"示范点“{case.site_name}”：{message}")
    last = case.chain.last
    return _Verdict(None, last.id if last else None, bool(quota is not None and quota.full))


def _new_step(actor: Actor, office: offices.OfficeInfo, case: _Case, verdict: _Verdict, *, to_status: str,
              reason: str | None, today: date) -> dict[str, Any]:
    return {"candidacy_id": case.candidacy.id, "follows_id": verdict.follows_id, "to_status": str(to_status),
            "actor_tier": office.tier, "reason": (reason or "").strip(), "quota_override": verdict.override_used,
            "acted_on": today}


# --- creating and editing -----------------------------------------------------------------


def achievements_note(text: str) -> str:
    """A warning when 主要事迹 is longer than the nomination form holds; empty otherwise."""
    if len(text or "") > ACHIEVEMENTS_PRINTED:
        return f"“主要事迹”共{len(text)}字，推荐表按约{ACHIEVEMENTS_PRINTED}字排版，打印时可能超出一页。"
    return ""


def _clean_texts(achievements: str | None, measures: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value, label in (("achievements", achievements, "主要事迹"), ("measures", measures, "创建目标和措施")):
        if value is None:
            continue
        text = str(value).strip()
        if len(text) > TEXT_LIMIT:
            raise UserError(f"“{label}”共{len(text)}字，超过{TEXT_LIMIT}字上限（推荐表约{ACHIEVEMENTS_PRINTED}字），请精简。")
        out[key] = text
    return out


def create_candidacy(session: Session, actor: Actor, *, site_id: str, level: str, campaign_id: str | None = None,
                     achievements: str = "", measures: str = "", applied_on: date | None = None) -> Candidacy:
    """Register a site's application for `level`, owned by the actor's office.

    The office's tier must be able to register that level (`lifecycle.route_for`); the site
    must be in its region (a system office: a site it registered); a site has at most one
    open candidacy per level. `campaign_id` defaults to the current campaign.
    """
    office = _acting_office(session, actor)
    try:
        level = Level(level)
    except ValueError:
        raise UserError(f"示范点级别“{level}”无效，应为 county（县级）、city（市级）或 province（省级）。") from None
    lifecycle.route_for(level=level, registrant_tier=office.tier)
    site = records.get_live(session, Site, site_id, label="示范点")
    _check_site_scope(session, office, site)
    _check_no_open_bid(session, site, level)
    if campaign_id is None:
        current = campaigns.current_campaign(session)
        campaign_id = current.id if current else None
    else:
        campaign_id = campaigns.get_campaign(session, campaign_id).id
    texts = _clean_texts(achievements, measures)
    cand = records.create(session, actor, Candidacy, site_id=site.id, campaign_id=campaign_id, level=level,
                          registrant_tier=office.tier, applied_on=applied_on or date.today(), **texts)
    cand.status = Status.APPLIED
    return cand


def _check_site_scope(session: Session, office: offices.OfficeInfo, site: Site) -> None:
    if office.tier == Tier.SYSTEM:
        if site.owner_office != office.code:
            raise UserError(f"示范点“{site.name}”不是本单位登记的，省直机关/系统只能为本单位登记的示范点申报。")
        return
    if site.region_code not in offices.scope_codes(office, quotas.divisions_of(session)):
        raise UserError(f"示范点“{site.name}”所在地区（{site.region_code}）不属本单位管辖，不能为其登记申报。")


def _check_no_open_bid(session: Session, site: Site, level: str) -> None:
    query = select(Candidacy.status).where(Candidacy.site_id == site.id, Candidacy.level == level,
                                           Candidacy.deleted.is_(False))
    for status in session.scalars(query):
        if status not in lifecycle.FINAL_STATUSES:
            raise UserError(f"示范点“{site.name}”已有{LEVEL_LABELS[level]}申报（{status_label(status)}），不能重复登记。")


def update_candidacy(session: Session, actor: Actor, *, candidacy_id: str, achievements: str | None = None,
                     measures: str | None = None, applied_on: date | None = None) -> Candidacy:
    """Change what the nomination form prints (owner only, while applied or returned)."""
    case = _load(session, candidacy_id)
    cand = case.candidacy
    records.ensure_owner(cand, actor)
    status = _status_of(case.chain)
    if status not in (Status.APPLIED, Status.RETURNED):
        raise UserError(f"申报当前状态为“{status_label(status)}”，只有“已申报”或“退回修改”时才能修改申报材料。")
    changes: dict[str, Any] = _clean_texts(achievements, measures)
    if applied_on is not None:
        changes["applied_on"] = applied_on
    return records.update(session, actor, cand, **changes)


def delete_candidacy(session: Session, actor: Actor, *, candidacy_id: str, reason: str = "") -> None:
    """Tombstone a candidacy registered by mistake: owner only, before any step was taken."""
    case = _load(session, candidacy_id)
    records.ensure_owner(case.candidacy, actor)
    if any(not r.deleted for r in case.rows):
        raise UserError(f"示范点“{case.site_name}”的申报已有办理记录，不能删除；如不再申报请撤回。")
    records.tombstone(session, actor, case.candidacy, reason=reason)


def attach_photo(session: Session, actor: Actor, store: Path, *, candidacy_id: str, source: Path,
                 caption: str = "") -> AttachmentLink:
    """Add a photo for the nomination form (owner only)."""
    cand = records.get_live(session, Candidacy, candidacy_id, label="申报")
    records.ensure_owner(cand, actor)
    return attachments.attach(session, actor, store, record_type=RECORD_TYPE, record_id=cand.id,
                              source=source, caption=caption)


def photos(session: Session, candidacy_id: str) -> list[AttachmentLink]:
    return attachments.links_of(session, RECORD_TYPE, candidacy_id)


# --- steps --------------------------------------------------------------------------------


def advance(session: Session, actor: Actor, *, candidacy_id: str, to_status: str, reason: str | None = None,
            override_quota: bool = False, today: date | None = None) -> StepResult:
    """Take one step; TransitionError (nothing recorded) when the rules refuse it."""
    office = _acting_office(session, actor)
    case = _load(session, candidacy_id)
    target = parse_status(to_status)
    today = today or date.today()
    book = _QuotaBook(session, quotas.divisions_of(session))
    verdict = _judge(session, office, case, to_status=target, reason=reason, override_quota=override_quota,
                     today=today, book=book)
    if verdict.message:
        raise TransitionError(verdict.message)
    step = records.create(session, actor, Transition,
                          **_new_step(actor, office, case, verdict, to_status=target, reason=reason, today=today))
    case.candidacy.status = str(target)
    return StepResult(step.id, case.candidacy.id, target, verdict.override_used)


def reverse(session: Session, actor: Actor, *, transition_id: str, reason: str = "") -> str:
    """Undo one of this office's steps while nothing follows it; returns the new status."""
    step = records.get_live(session, Transition, transition_id, label="办理记录")
    followers = session.scalar(select(Transition.id).where(
        Transition.follows_id == step.id, Transition.deleted.is_(False)).limit(1))
    lifecycle.may_reverse(step_owner_code=step.owner_office, actor_code=actor.office_code,
                          has_followers=followers is not None)
    records.tombstone(session, actor, step, reason=reason)
    return refresh_status(session, step.candidacy_id)


def refresh_status(session: Session, candidacy_id: str) -> str:
    """Re-derive one candidacy's cached status from its chain; returns it."""
    cand = session.get(Candidacy, candidacy_id)
    if cand is None:
        raise UserError(f"找不到申报（编号 {candidacy_id}）。")
    status = _status_of(_chain(_step_rows(session, [candidacy_id])[candidacy_id]))
    if cand.status != status:
        cand.status = status  # a local column: any office may refresh it
    return status


def refresh_statuses(session: Session, candidacy_ids: Sequence[str] | None = None) -> int:
    """Re-derive cached statuses (all candidacies by default), e.g. after a package merge.

    Returns how many changed. Uses bulk updates of the local column only.
    """
    if candidacy_ids is None:
        cached = dict(session.execute(select(Candidacy.id, Candidacy.status)).all())
    else:
        ids = list(candidacy_ids)
        cached = {}
        for start in range(0, len(ids), _CHUNK):  # keeps each IN list within SQLite's limits
            query = select(Candidacy.id, Candidacy.status).where(Candidacy.id.in_(ids[start:start + _CHUNK]))
            cached.update(session.execute(query).all())
    steps = _step_rows(session, list(cached))
    changes = [{"cid": cid, "new": new} for cid, old in cached.items()
               if (new := _status_of(_chain(steps[cid]))) != old]
    if changes:
        session.execute(_bulk_status_update(), changes)
    return len(changes)


def _bulk_status_update() -> Any:
    table = cast(Table, Candidacy.__table__)
    return update(table).where(table.c.id == bindparam("cid")).values(status=bindparam("new"))


def history(session: Session, candidacy_id: str) -> list[HistoryRow]:
    """The application, then every step on the path in order; conflicts and undone steps last."""
    case = _load(session, candidacy_id)
    cand = case.candidacy
    rows = [HistoryRow(None, None, Status.APPLIED, cand.owner_office, office_name(session, cand.owner_office),
                       cand.registrant_tier, cand.updated_by if cand.version == 1 else "", cand.applied_on,
                       cand.created_at, "", False)]
    chain = case.chain
    placed = {a.id for a in chain.path}
    rows += [_history_row(session, _row(a), "chain") for a in chain.path]
    rows += [_history_row(session, _row(a), "fork") for a in chain.fork]
    rows += [_history_row(session, _row(a), "dangling") for a in chain.dangling]
    placed |= {a.id for a in chain.fork} | {a.id for a in chain.dangling}
    rest = sorted((r for r in case.rows if r.id not in placed), key=lambda r: (r.acted_on, r.created_at))
    rows += [_history_row(session, r, "reversed" if r.deleted else "fork") for r in rest]
    return rows


def _history_row(session: Session, r: _StepRow, place: str) -> HistoryRow:
    return HistoryRow(r.id, r.follows_id, r.to_status, r.owner_office, office_name(session, r.owner_office),
                      r.actor_tier, r.updated_by, r.acted_on, r.created_at, r.reason, r.quota_override, place)


def office_name(session: Session, code: str) -> str:
    """An office's name for people: known offices, then system units, then the region's 委组织部."""
    name = session.scalar(select(Office.name).where(Office.code == code))
    if name:
        return name
    systems = quotas.system_units(session)
    if code in systems:
        return systems[code]
    division = quotas.divisions_of(session).get(code)
    return offices.default_office_name("", division.name) if division else code


# --- bulk ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BulkItem:
    candidacy_id: str
    site_name: str


@dataclass(frozen=True, slots=True)
class BulkRefusal:
    candidacy_id: str
    site_name: str
    reason: str


@dataclass(frozen=True)
class BulkPlan:
    """Which candidacies a bulk step would move, and which it would not (with why)."""

    to_status: str
    ok: tuple[BulkItem, ...]
    refused: tuple[BulkRefusal, ...]

    @property
    def summary(self) -> str:
        """E.g. "将对12个申报办理“已推荐”；另有2个不能办理。" """
        text = f"将对{len(self.ok)}个申报办理“{status_label(self.to_status)}”"
        return text + (f"；另有{len(self.refused)}个不能办理。" if self.refused else "。")


@dataclass(frozen=True)
class BulkResult:
    """A recorded batch: its id (to reverse it), the steps and the refusals."""

    batch_id: str
    to_status: str
    transition_ids: tuple[str, ...]
    refused: tuple[BulkRefusal, ...]


@dataclass(frozen=True, slots=True)
class BatchRow:
    """A recorded batch, for an "undo batch" list."""

    batch_id: str
    at: datetime
    to_status: str
    count: int
    reversed: bool

    @property
    def text(self) -> str:
        state = "（已撤销）" if self.reversed else ""
        return f"{self.at:%Y-%m-%d %H:%M} 批量办理“{status_label(self.to_status)}” {self.count}个{state}"


def _plan(session: Session, actor: Actor, *, candidacy_ids: Sequence[str], to_status: str, reason: str | None,
          override_quota: bool, today: date) -> tuple[offices.OfficeInfo, list[tuple[_Case, _Verdict]], list[BulkRefusal]]:
    office = _acting_office(session, actor)
    target = parse_status(to_status)
    book = _QuotaBook(session, quotas.divisions_of(session))
    ids = list(dict.fromkeys(candidacy_ids))
    if not ids:
        raise UserError("没有选择任何申报。")
    cands = {c.id: c for c in session.scalars(select(Candidacy).where(Candidacy.id.in_(ids)))}
    sites = {r.id: (r.name, r.region_code) for r in session.execute(
        select(Site.id, Site.name, Site.region_code).where(Site.id.in_({c.site_id for c in cands.values()})))}
    steps = _step_rows(session, [i for i in ids if i in cands])
    ok: list[tuple[_Case, _Verdict]] = []
    refused: list[BulkRefusal] = []
    for cid in ids:
        cand = cands.get(cid)
        if cand is None or cand.deleted:
            refused.append(BulkRefusal(cid, "", f"找不到申报（编号 {cid}），可能已被删除。"))
            continue
        name, region = sites.get(cand.site_id, (cand.site_id, ""))
        case = _Case(cand, name, region, steps[cid])
        verdict = _judge(session, office, case, to_status=target, reason=reason, override_quota=override_quota,
                         today=today, book=book)
        if verdict.message:
            refused.append(BulkRefusal(cid, name, verdict.message))
            continue
        if target is Status.APPROVED:
            book.take(cand, region)  # the next approval in the batch sees this place taken
        ok.append((case, verdict))
    return office, ok, refused


def plan_bulk(session: Session, actor: Actor, *, candidacy_ids: Sequence[str], to_status: str,
              reason: str | None = None, override_quota: bool = False, today: date | None = None) -> BulkPlan:
    """What a bulk step would do, to confirm before `apply_bulk`; records nothing."""
    target = parse_status(to_status)
    _, ok, refused = _plan(session, actor, candidacy_ids=candidacy_ids, to_status=target, reason=reason,
                           override_quota=override_quota, today=today or date.today())
    return BulkPlan(target, tuple(BulkItem(c.candidacy.id, c.site_name) for c, _ in ok), tuple(refused))


def apply_bulk(session: Session, actor: Actor, *, candidacy_ids: Sequence[str], to_status: str,
               reason: str | None = None, override_quota: bool = False, today: date | None = None,
               confirmed: Sequence[str] | None = None) -> BulkResult:
    """Record the step for every candidacy that may take it, with one audit entry.

    `confirmed` is the list of candidacy ids the person saw as passing (`BulkPlan.ok`); if
    the plan has changed since, nothing is recorded and UserError says so.
    """
    target = parse_status(to_status)
    today = today or date.today()
    office, ok, refused = _plan(session, actor, candidacy_ids=candidacy_ids, to_status=target, reason=reason,
                                override_quota=override_quota, today=today)
    if confirmed is not None and sorted(confirmed) != sorted(c.candidacy.id for c, _ in ok):
        raise UserError("确认后情况已有变化（有申报已被办理或撤销），请重新核对后再批量办理。")
    if not ok:
        raise UserError("所选申报都不能办理，未作任何变更。")
    batch_id = new_id()
    now = utc_now()
    made = []
    for case, verdict in ok:
        step = Transition(id=new_id(), owner_office=actor.office_code, version=1, deleted=False,
                          created_at=now, updated_at=now, updated_by=actor.user,
                          **_new_step(actor, office, case, verdict, to_status=target, reason=reason, today=today))
        session.add(step)
        made.append(step)
        case.candidacy.status = str(target)
    session.flush()
    for step in made:
        records.refresh_hash(step)
    session.flush()
    audit.record(session, actor, BULK_ACTION, record_type="transitions", record_id=batch_id,
                 summary={"to_status": str(target), "count": len(made), "refused": len(refused),
                          "reason": (reason or "").strip(), "transitions": [s.id for s in made],
                          "candidacies": [s.candidacy_id for s in made]})
    return BulkResult(batch_id, target, tuple(s.id for s in made), tuple(refused))


def _batch_entry(session: Session, batch_id: str) -> AuditEntry:
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == BULK_ACTION,
                                                    AuditEntry.record_id == batch_id))
    if entry is None:
        raise UserError(f"找不到批量办理记录（编号 {batch_id}）。")
    return entry


def reverse_bulk(session: Session, actor: Actor, *, batch_id: str, reason: str = "") -> int:
    """Undo a whole batch of this office's steps, if nothing follows any of them.

    Steps already undone one by one are skipped. Returns how many were undone; refuses (and
    undoes nothing) if any step has a follower.
    """
    entry = _batch_entry(session, batch_id)
    if entry.office != actor.office_code:
        raise TransitionError("这批办理由其他单位完成，本单位不能撤销。")
    ids = json.loads(entry.summary).get("transitions", [])
    steps = [t for t in session.scalars(select(Transition).where(Transition.id.in_(ids))) if not t.deleted]
    if not steps:
        raise UserError("这批办理已全部撤销。")
    live_ids = {t.id for t in steps}
    followed = set(session.scalars(select(Transition.follows_id).where(
        Transition.follows_id.in_(live_ids), Transition.deleted.is_(False))))
    if followed:
        names = _site_names(session, [t.candidacy_id for t in steps if t.id in followed])
        shown = "、".join(names[:3]) + ("等" if len(names) > 3 else "")
        raise TransitionError(f"这批办理中有{len(followed)}个申报之后已有后续办理（{shown}），须先撤销后续办理，整批未撤销。")
    now = utc_now()
    for step in steps:
        lifecycle.may_reverse(step_owner_code=step.owner_office, actor_code=actor.office_code, has_followers=False)
        step.deleted = True
        step.version += 1
        step.updated_at = now
        step.updated_by = actor.user
        records.refresh_hash(step)
    session.flush()
    audit.record(session, actor, BULK_REVERSE, record_type="transitions", record_id=batch_id,
                 summary={"count": len(steps), "reason": reason, "transitions": sorted(live_ids)})
    for cid in {t.candidacy_id for t in steps}:
        refresh_status(session, cid)
    return len(steps)


def batches(session: Session, actor: Actor, *, limit: int = 20) -> list[BatchRow]:
    """This office's recent batches, latest first, with whether each was reversed."""
    query = (select(AuditEntry).where(AuditEntry.action == BULK_ACTION, AuditEntry.office == actor.office_code)
             .order_by(AuditEntry.seq.desc()).limit(limit))
    entries = list(session.scalars(query))
    undone = set(session.scalars(select(AuditEntry.record_id).where(
        AuditEntry.action == BULK_REVERSE, AuditEntry.record_id.in_([e.record_id for e in entries]))))
    out = []
    for e in entries:
        summary = json.loads(e.summary)
        out.append(BatchRow(e.record_id, e.at, summary.get("to_status", ""), summary.get("count", 0),
                            e.record_id in undone))
    return out


def _site_names(session: Session, candidacy_ids: Sequence[str]) -> list[str]:
    query = (select(Site.name).join(Candidacy, Candidacy.site_id == Site.id)
             .where(Candidacy.id.in_(list(candidacy_ids))).order_by(Site.name))
    return list(session.scalars(query))


# --- reading ------------------------------------------------------------------------------


def list_candidacies(session: Session, *, level: str | None = None, status: str | None = None,
                     site_id: str | None = None, campaign_id: str | None = None) -> list[CandidacyRow]:
    """Live candidacies as plain rows, with whose turn it is; ordered by region and site name."""
    query = (select(Candidacy.id, Candidacy.site_id, Site.name, Site.region_code, Candidacy.level,
                    Candidacy.status, Candidacy.owner_office, Candidacy.registrant_tier, Candidacy.campaign_id,
                    Candidacy.applied_on)
             .join(Site, Site.id == Candidacy.site_id)
             .where(Candidacy.deleted.is_(False))
             .order_by(Site.region_code, Site.name, Candidacy.level))
    for column, value in ((Candidacy.level, level), (Candidacy.status, status), (Candidacy.site_id, site_id),
                          (Candidacy.campaign_id, campaign_id)):
        if value is not None:
            query = query.where(column == value)
    rows = session.execute(query).all()
    recommended = [r.id for r in rows if r.status == Status.RECOMMENDED]
    counts = _recommendation_counts(session, recommended)
    return [CandidacyRow(r.id, r.site_id, r.name, r.region_code, r.level, r.status, r.owner_office,
                         r.registrant_tier, r.campaign_id, r.applied_on,
                         waiting_for(r.level, r.registrant_tier, r.status, counts.get(r.id, 0)))
            for r in rows]


def _recommendation_counts(session: Session, candidacy_ids: Sequence[str]) -> dict[str, int]:
    """Recommendations since the last (re)submission, for candidacies now `recommended`."""
    out = {}
    for cid, rows in _step_rows(session, list(candidacy_ids)).items():
        out[cid] = lifecycle.recommendations_so_far(_steps(_chain(rows)))
    return out


@functools.lru_cache(maxsize=512)
def waiting_for(level: str, registrant_tier: str, status: str, recommendations: int = 0) -> str:
    """Whose turn it is, e.g. "待市州审定", from a cached status and the recommendations made
    since the last (re)submission; empty once final. Cached: lists call it once per row."""
    if status == CONFLICT:
        return "存在冲突，待处理"
    try:
        # Who acts depends only on the status and, while applied or recommended, on how many
        # recommendations were made: a stand-in history with those steps says the same.
        history = [Step(Status.RECOMMENDED, Tier(registrant_tier), "")] * recommendations
        if status not in (Status.RECOMMENDED, Status.APPLIED):
            history = [Step(Status(status), Tier(registrant_tier), "")]
        return lifecycle.waiting_text(level, registrant_tier, history)
    except (ValueError, UserError):
        return ""


def quota_line(session: Session, candidacy_id: str) -> quotas.QuotaLine | None:
    """Used / allotted for the unit whose place this candidacy takes; None if none applies."""
    case = _load(session, candidacy_id)
    cand = case.candidacy
    divisions = quotas.divisions_of(session)
    unit = quotas.quota_unit(level=cand.level, region_code=case.region_code, registrant_code=cand.owner_office,
                             registrant_tier=cand.registrant_tier, divisions=divisions)
    if unit is None:
        return None
    return quotas.line(session, level=cand.level, unit_code=unit, campaign_id=cand.campaign_id, divisions=divisions)


def candidacy_view(session: Session, candidacy_id: str) -> CandidacyView:
    """A candidacy's page: fields, history, whose turn, this office's possible steps, quota."""
    case = _load(session, candidacy_id)
    cand = case.candidacy
    office = offices.this_office(session)
    steps = _steps(case.chain)
    conflict = _conflict_message(case, session) or ""
    allowed: tuple[str, ...] = ()
    waiting = "存在冲突，待处理"
    if not conflict:
        waiting = lifecycle.waiting_text(cand.level, cand.registrant_tier, steps)
        allowed = tuple(str(s) for s in lifecycle.allowed_next(
            level=cand.level, registrant_tier=cand.registrant_tier, history=steps, actor_tier=office.tier,
            actor_code=office.code, registrant_code=cand.owner_office))
        try:
            check_jurisdiction(office, registrant_code=cand.owner_office, region_code=case.region_code,
                               site_name=case.site_name, divisions=quotas.divisions_of(session))
        except TransitionError:
            allowed = ()
    return CandidacyView(
        id=cand.id, site_id=cand.site_id, site_name=case.site_name, region_code=case.region_code,
        level=cand.level, status=_status_of(case.chain), registrant=cand.owner_office,
        registrant_tier=cand.registrant_tier, campaign_id=cand.campaign_id, applied_on=cand.applied_on,
        achievements=cand.achievements, measures=cand.measures, photos=len(photos(session, cand.id)),
        waiting=waiting, allowed_next=allowed, history=tuple(history(session, cand.id)),
        quota=quota_line(session, cand.id), conflict=conflict)
