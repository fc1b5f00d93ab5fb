"""Quotas: organization counts per unit, allocations of places, and places used.

Who allots what (the notice: the totals are 100 / 1,000 / 10,000; city and county numbers
follow the total and each place's number of grassroots party organizations):

    allotting office   level      shared among                          total
    province           province   its cities and the `system` offices   100
    province           city       its cities                            1,000
    province           county     its cities                            10,000
    city               county     its counties                          its own county-level places

Systems decide their own-system sites themselves and set their own numbers: they have no
quota for those. A proposal (`propose_allocation`) uses the largest-remainder method of
`domain.quota`; a clerk may adjust any unit with a recorded reason; `save_allocation`
stores one `Quota` row per unit, owned by the allotting office.

Which unit a candidacy's place is taken from (`quota_unit`): a provincial place from the
city containing the site (a system's provincial candidacy: the system office); a city-level
place from the city containing the site; a county-level place from the county containing
the site. A system's own-system sites (its county- or city-level candidacies) take no place.
A place is taken by a candidacy approved as a creation unit and not withdrawn or
eliminated (`domain.quota.counts_against_quota`). Where no quota has been allotted to the
unit for the campaign, nothing is checked and the line says "未分配".

Organization counts: each office enters counts for the units it allots to (and may enter
its own). Where several offices entered a count for one unit, this office's own entry wins,
then the highest version.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bqw_desktop.db.models import Candidacy, Office, OrgCount, Quota, Site
from bqw_desktop.domain import quota as rules
from bqw_desktop.domain.divisions import Divisions, load_divisions
from bqw_desktop.domain.vocab import LEVEL_LABELS, TIER_LABELS, Level, Tier
from bqw_desktop.errors import NotFoundError, UserError
from bqw_desktop.services import campaigns, offices, records
from bqw_desktop.services.context import Actor
from bqw_desktop.services.units import divisions_of, system_units  # the merged tree, also read as quotas.*

ORG_COUNT_LIMIT = 10_000_000


# --- units --------------------------------------------------------------------------------


def unit_name(session: Session, code: str, *, divisions: Divisions | None = None) -> str:
    """A unit's name: a division, a system office or a known office; the code if unknown."""
    divisions = divisions or divisions_of(session)
    division = divisions.get(code)
    if division is not None:
        return division.name
    systems = system_units(session)
    if code in systems:
        return systems[code]
    name = session.scalar(select(Office.name).where(Office.code == code))
    return name or code


def quota_unit(*, level: str, region_code: str, registrant_code: str, registrant_tier: str,
               divisions: Divisions | None = None) -> str | None:
    """The unit whose place a candidacy takes (see the module notes); None: no quota applies."""
    if registrant_tier == Tier.SYSTEM:
        return registrant_code if level == Level.PROVINCE else None
    divisions = divisions or load_divisions()
    if region_code not in divisions:
        return region_code
    by_level = {d.level: d.code for d in divisions.path(region_code)}
    if level == Level.COUNTY:
        return by_level.get("county", region_code)
    return by_level.get("city") or by_level.get("province") or region_code


# --- organization counts ------------------------------------------------------------------


def org_counts(session: Session) -> dict[str, int]:
    """Organizations per unit code (own entries first, then the highest version)."""
    own = session.info.get("office")
    best: dict[str, tuple[tuple[int, int], int]] = {}
    query = select(OrgCount.unit_code, OrgCount.organizations, OrgCount.owner_office, OrgCount.version).where(
        OrgCount.deleted.is_(False))
    for code, organizations, owner, version in session.execute(query):
        rank = (1 if owner == own else 0, version)
        if code not in best or rank > best[code][0]:
            best[code] = (rank, organizations)
    return {code: count for code, (_, count) in best.items()}


def set_org_count(session: Session, actor: Actor, *, unit_code: str, organizations: int,
                  as_of: date | None = None) -> OrgCount:
    """Enter a unit's number of grassroots party organizations (creates or updates own entry).

    The unit must be this office itself or one it allots places to.
    """
    code = (unit_code or "").strip()
    office = offices.this_office(session)
    allowed = {office.code, *(c for c, _ in child_units(session, office, level=None))}
    if code not in allowed:
        raise UserError(f"单位代码“{code}”不是本单位或本单位分配名额的下级单位，不能录入其基层党组织数。")
    count = _check_count(organizations, code)
    row = session.scalar(select(OrgCount).where(
        OrgCount.unit_code == code, OrgCount.owner_office == actor.office_code, OrgCount.deleted.is_(False)))
    if row is None:
        return records.create(session, actor, OrgCount, unit_code=code, organizations=count, as_of=as_of)
    return records.update(session, actor, row, organizations=count, as_of=as_of)


def set_org_counts(session: Session, actor: Actor, counts: Mapping[str, int], *,
                   as_of: date | None = None) -> int:
    """Enter many counts at once (an imported sheet); returns how many were entered."""
    for code, count in counts.items():
        set_org_count(session, actor, unit_code=code, organizations=count, as_of=as_of)
    return len(counts)


def _check_count(value: object, code: str) -> int:
    if isinstance(value, bool):
        value = None
    try:
        count = int(str(value).strip()) if value is not None else -1
    except ValueError:
        count = -1
    if count < 0 or count > ORG_COUNT_LIMIT:
        raise UserError(f"单位“{code}”的基层党组织数应为不小于0的整数，现为“{value}”。")
    return count


# --- allocation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AllocationPlan:
    """A proposal (or a saved allocation re-read) for one level of one campaign.

    `allocation` carries the arithmetic per unit (`domain.quota.Allocation`); `saved` the
    places already stored per unit code; `missing_counts` the units with no count entered
    (they get 0 places until one is).
    """

    office_code: str
    level: str
    campaign_id: str | None
    allocation: rules.Allocation
    saved: Mapping[str, int]
    missing_counts: tuple[str, ...]

    def rows(self) -> list[dict[str, object]]:
        """Display rows with the Chinese column keys of `domain.quota.ALLOCATION_COLUMNS`."""
        return rules.allocation_rows(self.allocation)

    def as_json(self) -> list[dict[str, object]]:
        """Per unit: code, name, organizations, exact share, floor, remainder, seats, saved."""
        return [{"unit_code": s.code, "name": s.name, "organizations": s.organizations,
                 "exact_share": s.exact_text, "floor": s.floor, "remainder": s.remainder_text,
                 "seats": s.seats, "saved_seats": self.saved.get(s.code)}
                for s in self.allocation.shares]

    @property
    def summary(self) -> str:
        return rules.allocation_summary(self.allocation)


def child_units(session: Session, office: offices.OfficeInfo, *, level: str | None) -> list[tuple[str, str]]:
    """The units (code, name) `office` shares places of `level` among; None: for any level.

    Raises UserError when the office allots no places of that level.
    """
    divisions = divisions_of(session)
    if office.tier == Tier.PROVINCE:
        units = [(d.code, d.name) for d in divisions.children(office.code)] if office.code in divisions else []
        if level in (None, Level.PROVINCE):
            units += list(system_units(session).items())
        return units
    if office.tier == Tier.CITY and level in (None, Level.COUNTY):
        return [(d.code, d.name) for d in divisions.children(office.code)] if office.code in divisions else []
    if office.tier == Tier.CITY:
        raise UserError(f"{LEVEL_LABELS[level or '']}示范点名额由省委组织部分配，市州不再向下分配。")
    if level is None:
        return []
    if office.tier == Tier.SYSTEM:
        raise UserError("省直机关/系统本单位和系统内的示范点数量自行确定，不分配名额。")
    raise UserError(f"{TIER_LABELS[office.tier]}没有下级单位可分配名额。")


def allotment(session: Session, *, level: str, unit_code: str, campaign_id: str | None) -> Quota | None:
    """The live quota row of a unit, or None when none has been allotted (or received)."""
    if campaign_id is None:
        return None
    rows = list(session.scalars(select(Quota).where(
        Quota.campaign_id == campaign_id, Quota.level == level, Quota.unit_code == unit_code,
        Quota.deleted.is_(False)).order_by(Quota.version.desc(), Quota.owner_office)))
    return rows[0] if rows else None


def _campaign_id(session: Session, campaign_id: str | None) -> str | None:
    """The campaign asked for, else the current one; None before any campaign exists."""
    if campaign_id is not None:
        return campaigns.get_campaign(session, campaign_id).id
    current = campaigns.current_campaign(session)
    return current.id if current else None


def propose_allocation(session: Session, *, level: str, campaign_id: str | None = None,
                       total: int | None = None) -> AllocationPlan:
    """This office's proposal for `level`: its total shared by organization counts.

    `total` defaults to the notice's total (province) or the places allotted to this city.
    Before any campaign exists the proposal can be read; saving it sets up the default one.
    """
    level = Level(level)
    office = offices.this_office(session)
    units = child_units(session, office, level=level)
    cid = _campaign_id(session, campaign_id)
    if total is None:
        total = _default_total(session, office, level=level, campaign_id=cid)
    counts = org_counts(session)
    missing = tuple(code for code, _ in units if code not in counts)
    if units and len(missing) == len(units) and total:
        raise UserError("尚未录入各下级单位的基层党组织数，无法按比例分配名额。")
    allocation = rules.allocate(total, [(code, name, counts.get(code, 0)) for code, name in units])
    saved = {row.unit_code: row.seats for row in _own_rows(session, office.code, level, cid)} if cid else {}
    return AllocationPlan(office.code, level, cid, allocation, saved, missing)


def _default_total(session: Session, office: offices.OfficeInfo, *, level: str, campaign_id: str | None) -> int:
    if office.tier == Tier.PROVINCE:
        return rules.NOTICE_TOTALS[level]
    row = allotment(session, level=level, unit_code=office.code, campaign_id=campaign_id)
    if row is None:
        raise UserError(f"尚未收到上级分配给本单位的{LEVEL_LABELS[level]}示范点名额，请先导入上级数据包或指定名额总数。")
    return row.seats


def _own_rows(session: Session, owner: str, level: str, campaign_id: str) -> list[Quota]:
    return list(session.scalars(select(Quota).where(
        Quota.owner_office == owner, Quota.level == level, Quota.campaign_id == campaign_id,
        Quota.deleted.is_(False))))


def adjusted(plan: AllocationPlan, *, unit_code: str, seats: int, reason: str) -> AllocationPlan:
    """The plan with one unit's places changed by hand, the reason recorded (not yet saved)."""
    allocation = rules.adjust(plan.allocation, code=unit_code, seats=seats, reason=reason)
    return AllocationPlan(plan.office_code, plan.level, plan.campaign_id, allocation, plan.saved,
                          plan.missing_counts)


def save_allocation(session: Session, actor: Actor, *, plan: AllocationPlan) -> int:
    """Store the plan's places as this office's quota rows; returns how many rows changed."""
    if plan.office_code != actor.office_code:
        raise UserError("这份名额分配方案不是本单位的，不能保存。")
    campaign_id = plan.campaign_id or campaigns.ensure_default_campaign(session, actor).id
    notes: dict[str, list[str]] = {}
    for adj in plan.allocation.adjustments:
        notes.setdefault(adj.code, []).append(f"原{adj.before}个，调为{adj.after}个：{adj.reason}")
    existing = {r.unit_code: r for r in _own_rows(session, actor.office_code, plan.level, campaign_id)}
    changed = 0
    for share in plan.allocation.shares:
        fields = {"organizations": share.organizations, "exact_share": share.exact_text,
                  "seats": share.seats, "reason": "；".join(notes.get(share.code, ()))}
        row = existing.get(share.code)
        if row is None:
            records.create(session, actor, Quota, campaign_id=campaign_id, level=plan.level,
                           unit_code=share.code, **fields)
            changed += 1
        elif any(getattr(row, k) != v for k, v in fields.items()):
            records.update(session, actor, row, **fields)
            changed += 1
    return changed


def adjust_quota(session: Session, actor: Actor, *, level: str, unit_code: str, seats: int,
                 reason: str, campaign_id: str | None = None) -> Quota:
    """Change a saved allotment by hand; the reason is required and kept with the row."""
    cid = _campaign_id(session, campaign_id)
    if cid is None:
        raise UserError("尚未设置批次，也没有保存过名额分配方案。")
    row = session.scalar(select(Quota).where(
        Quota.owner_office == actor.office_code, Quota.level == level, Quota.unit_code == unit_code,
        Quota.campaign_id == cid, Quota.deleted.is_(False)))
    if row is None:
        raise NotFoundError(f"本单位尚未给单位“{unit_code}”分配{LEVEL_LABELS[Level(level)]}示范点名额，请先保存分配方案。")
    clean = (reason or "").strip()
    if not clean:
        raise UserError(f"调整单位“{unit_name(session, unit_code)}”的名额必须填写调整原因。")
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 0:
        raise UserError(f"单位“{unit_name(session, unit_code)}”的名额应为不小于0的整数，现为“{seats}”。")
    if seats == row.seats:
        return row
    note = f"原{row.seats}个，调为{seats}个：{clean}"
    return records.update(session, actor, row, seats=seats,
                          reason=f"{row.reason}；{note}" if row.reason else note)


# --- usage --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuotaLine:
    """Places used / allotted for one unit and level; `allotted` None: no quota known."""

    level: str
    unit_code: str
    unit_name: str
    used: int
    allotted: int | None

    @property
    def text(self) -> str:
        """E.g. "长沙市 省级名额 3/5" or "长沙市 省级名额 已用3（未分配）"."""
        head = f"{self.unit_name} {LEVEL_LABELS[self.level]}名额"
        if self.allotted is None:
            return f"{head} 已用{self.used}（未分配）"
        return f"{head} {self.used}/{self.allotted}"

    @property
    def full(self) -> bool:
        return self.allotted is not None and self.used >= self.allotted


def used_by_unit(session: Session, *, level: str, campaign_id: str | None,
                 divisions: Divisions | None = None) -> Counter[str]:
    """Places taken per unit code for a level and campaign."""
    divisions = divisions or divisions_of(session)
    query = (
        select(Candidacy.owner_office, Candidacy.registrant_tier, Site.region_code)
        .join(Site, Site.id == Candidacy.site_id)
        .where(Candidacy.deleted.is_(False), Candidacy.level == level,
               Candidacy.status.in_(rules.COUNTING_STATUSES),
               Candidacy.campaign_id.is_(None) if campaign_id is None else Candidacy.campaign_id == campaign_id)
    )
    counts: Counter[str] = Counter()
    for owner, tier, region in session.execute(query):
        unit = quota_unit(level=level, region_code=region, registrant_code=owner, registrant_tier=tier,
                          divisions=divisions)
        if unit is not None:
            counts[unit] += 1
    return counts


def allotments(session: Session, *, level: str, campaign_id: str | None) -> dict[str, int]:
    """Places allotted per unit code (every allotting office's rows known here)."""
    if campaign_id is None:
        return {}
    query = (select(Quota.unit_code, Quota.seats)
             .where(Quota.campaign_id == campaign_id, Quota.level == level, Quota.deleted.is_(False))
             .order_by(Quota.version, Quota.owner_office.desc()))
    return dict(session.execute(query).all())


def usage(session: Session, *, level: str, campaign_id: str | None = None) -> dict[str, rules.Usage]:
    """Per unit code: places used and allotted (`domain.quota.Usage`) in the campaign.

    `campaign_id` defaults to the current campaign. Units with places used but none
    allotted appear with 0 allotted.
    """
    if campaign_id is None:
        current = campaigns.current_campaign(session)
        campaign_id = current.id if current else None
    divisions = divisions_of(session)
    allotted = allotments(session, level=level, campaign_id=campaign_id)
    used = _rolled_up(used_by_unit(session, level=level, campaign_id=campaign_id, divisions=divisions),
                      allotted, divisions)
    out = {code: rules.Usage(used.get(code, 0), seats) for code, seats in allotted.items()}
    for code, count in used.items():
        out.setdefault(code, rules.Usage(count, 0))
    return out


def _rolled_up(used: Counter[str], allotted: Mapping[str, int], divisions: Divisions) -> Counter[str]:
    """Places used, also counted for every enclosing unit that has an allotment of its own.

    A city's county-level places are passed on to its counties: the city's line shows what
    its counties have used in all.
    """
    out: Counter[str] = Counter(used)
    for code, count in used.items():
        if code in divisions:
            for ancestor in divisions.path(code)[:-1]:
                if ancestor.code in allotted:
                    out[ancestor.code] += count
    return out


def line(session: Session, *, level: str, unit_code: str, campaign_id: str | None,
         divisions: Divisions | None = None) -> QuotaLine:
    """Used / allotted for one unit: what a recommend or approve screen shows."""
    divisions = divisions or divisions_of(session)
    row = allotment(session, level=level, unit_code=unit_code, campaign_id=campaign_id)
    used = used_by_unit(session, level=level, campaign_id=campaign_id, divisions=divisions).get(unit_code, 0)
    return QuotaLine(level, unit_code, unit_name(session, unit_code, divisions=divisions), used,
                     None if row is None else row.seats)


def lines(session: Session, *, level: str, campaign_id: str | None = None) -> list[QuotaLine]:
    """Used / allotted for every unit of a level with an allotment or places used."""
    if campaign_id is None:
        current = campaigns.current_campaign(session)
        campaign_id = current.id if current else None
    divisions = divisions_of(session)
    allotted = allotments(session, level=level, campaign_id=campaign_id)
    used = _rolled_up(used_by_unit(session, level=level, campaign_id=campaign_id, divisions=divisions),
                      allotted, divisions)
    codes = sorted(set(allotted) | set(used))
    return [QuotaLine(level, code, unit_name(session, code, divisions=divisions), used.get(code, 0),
                      allotted.get(code)) for code in codes]
