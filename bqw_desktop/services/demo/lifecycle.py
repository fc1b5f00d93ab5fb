"""Demo stage "lifecycle": campaigns, organization counts, quotas, candidacies, ticks, verdicts.

Two rounds: the current one, dated so that its creation period ended just before `today`
(assessment and award are due now), and one two years earlier whose award holders come up
for re-evaluation. The province's `system` offices are added as units; at province scale
they have sites of their own too.

Every unit of the province gets an organization count (cities and systems entered by the
province, counties by their city); the province shares 100 / 1,000 / 10,000 places by the
largest-remainder method (one adjustment with its reason) and each city passes its
county-level share on to its counties.

Candidacies are spread over the sites at every level and in every status the rules allow
(a county-level candidacy is never "recommended": nobody recommends it), each step owned by
the office that took it — recommended by the county, decided by the county, city or
province — so the chains are exactly what the packages would have brought. Approvals stay
within each unit's places except one recorded override per level. Most sites have rated
most of their checklist, assessed candidacies carry verdicts, and a few sites hold ticks
of a former organization type (orphaned ticks).
"""

from __future__ import annotations

import random
from bisect import bisect
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update

from bqw_desktop.db.base import new_id
from bqw_desktop.db.models import Campaign, Candidacy, OrgCount, Quota, Site, Tick, Transition, Unit, Verdict
from bqw_desktop.domain import quota as quota_rules
from bqw_desktop.domain.calendar import CampaignDates, round_ending_before, shifted
from bqw_desktop.domain.catalogue import load_catalogue
from bqw_desktop.domain.divisions import Divisions, load_divisions
from bqw_desktop.domain.lifecycle import Status, route_for
from bqw_desktop.domain.ratings import Rating
from bqw_desktop.domain.search_keys import search_key
from bqw_desktop.domain.vocab import Level, OrgType, Tier
from bqw_desktop.services.bulk import insert_rows, owned_rows
from bqw_desktop.services.demo import names
from bqw_desktop.services.quotas import quota_unit

LABEL = "申报审定、名额与目标清单"

S = Status
SYSTEMS = (("S01", "省直机关工委"), ("S02", "省国资委党委"), ("S03", "省委教育工委"))
SYSTEM_SITES = {
    "S01": (("省财政厅机关党委", OrgType.ORGAN), ("省交通运输厅机关党委", OrgType.ORGAN),
            ("省农业农村厅机关党委", OrgType.ORGAN), ("省自然资源厅机关党委", OrgType.ORGAN),
            ("省博物馆党委", OrgType.INSTITUTION), ("省人民医院党委", OrgType.INSTITUTION),
            ("省农业科学院党委", OrgType.RESEARCH), ("省图书馆党总支", OrgType.INSTITUTION)),
    "S02": (("省建工集团党委", OrgType.SOE), ("省交通水利建设集团党委", OrgType.SOE),
            ("省高速公路集团党委", OrgType.SOE), ("省能源集团党委", OrgType.SOE),
            ("省粮食集团党委", OrgType.SOE), ("省湘江新区投资集团党委", OrgType.SOE)),
    "S03": (("湖南大学机械学院党委", OrgType.SCHOOL), ("中南大学湘雅医院党委", OrgType.INSTITUTION),
            ("湖南师范大学文学院党委", OrgType.SCHOOL), ("省长沙市第一中学党委", OrgType.SCHOOL),
            ("湖南农业大学农学院党委", OrgType.SCHOOL), ("省职业教育研究院党支部", OrgType.RESEARCH)),
}
SYSTEM_REGIONS = ("430102", "430103", "430104", "430105")

# Share of sites bidding at each level (the rest take part without a bid yet).
LEVEL_SHARE = ((Level.PROVINCE, 0.008), (Level.CITY, 0.07), (Level.COUNTY, 0.62))
# Where the current round's candidacies stand now that creation has ended.
CURRENT_WEIGHTS = {S.APPLIED: 3, S.RECOMMENDED: 4, S.RETURNED: 2, S.NOT_SELECTED: 6, S.APPROVED: 3,
                   S.CREATING: 24, S.PASSED: 14, S.FAILED: 4, S.AWARDED: 30, S.WITHDRAWN: 3}
EARLIER_WEIGHTS = {S.AWARDED: 45, S.RETAINED: 40, S.ELIMINATED: 15}
EARLIER_SHARE = 0.12
COUNTING = frozenset({S.APPROVED, S.CREATING, S.PASSED, S.FAILED, S.AWARDED, S.RETAINED})

REASONS = {
    S.RETURNED: ("申报材料不全，请补充主要事迹和佐证材料后重新提交。", "创建目标和措施不够具体，请修改后重新提交。"),
    S.NOT_SELECTED: ("经综合评议，本批次未入选。", "基础条件与示范点标准尚有差距，本批次未入选。"),
    S.FAILED: ("考核得分未达到示范点标准。", "创建目标中有多项未达标，考核未通过。"),
    S.ELIMINATED: ("两年复评不合格，予以淘汰。", "班子调整后工作明显滑坡，复评不合格，予以淘汰。"),
}
OVERRIDE_REASON = "该单位创建基础突出，经部务会研究同意超额确定。"
FULL_REASON = "名额已满，经综合评议本批次未入选。"
ACHIEVEMENTS = (
    "该党组织坚持抓党建促发展，围绕中心工作开展“四化两型先锋行”活动，班子团结有力，",
    "党员设岗定责、依岗承诺，结对帮扶困难群众，为民办实事成效明显，群众满意度高。",
    "建立健全“三会一课”、党务公开等制度并严格执行，阵地建设规范，活动经常。",
    "发展思路清晰，主导产业初具规模，集体经济和群众收入增长较快。",
    "矛盾纠纷排查调处机制健全，多年无重大信访和安全事故，社会和谐稳定。",
)
MEASURES = (
    "一是制定创建实施方案，明确目标任务和责任分工；二是开展党员亮身份、亮承诺活动；",
    "三是完善党员积分管理和志愿服务制度；四是每季度自查自评，及时整改问题。",
)
TICK_NOTES = ("已制定创建实施方案并印发", "相关制度已上墙并严格执行", "有会议记录和照片佐证",
              "群众满意度测评结果较好", "已形成书面总结材料", "正在推进，已完成主要工作",
              "台账资料齐全", "与上级考核指标对照自查")
RATING_MIX = {  # met, basic, unmet, none
    "good": (0.78, 0.17, 0.03, 0.02),
    "normal": (0.5, 0.32, 0.12, 0.06),
    "weak": (0.25, 0.35, 0.32, 0.08),
}
RATINGS = (Rating.MET, Rating.BASIC, Rating.UNMET, Rating.NONE)
_RATING_TEXT = tuple(str(r) for r in RATINGS)
# Per quality: cumulative weights and their total, exactly as `random.choices` computes them.
_RATING_CUM = {quality: (list(accumulate(mix)), list(accumulate(mix))[-1] + 0.0)
               for quality, mix in RATING_MIX.items()}
TICKED_SHARE = 0.82
VERDICT_SHARE = 0.25  # assessed candidacies whose item-by-item verdicts are on record


@dataclass(frozen=True)
class _Site:
    id: str
    owner: str
    region: str
    org_type: str
    org_kind: str | None
    name: str


@dataclass
class _Stage:
    """Everything the stage builds before inserting it."""

    ctx: Any
    divisions: Divisions
    province: str
    rng: random.Random
    today: date
    current: CampaignDates
    earlier: CampaignDates
    campaign_ids: dict[str, str] = field(default_factory=dict)
    seats: dict[tuple[str, str], int] = field(default_factory=dict)  # (level, unit) → places
    used: Counter = field(default_factory=Counter)  # (level, unit) → counted approvals
    overrides: set[str] = field(default_factory=set)  # levels that had their override
    clerks: dict[str, str] = field(default_factory=dict)
    candidacies: list[dict[str, Any]] = field(default_factory=list)
    transitions: list[dict[str, Any]] = field(default_factory=list)
    status_of: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # site → (status, cand id, decider)

    def clerk(self, office: str) -> str:
        if office not in self.clerks:
            self.clerks[office] = names.person_name(self.rng)
        return self.clerks[office]


def run(ctx: Any) -> None:
    """Insert campaigns, units, org counts, quotas, candidacies, transitions, ticks, verdicts."""
    divisions = load_divisions()
    province = divisions.path(ctx.office.code)[0].code
    current = round_ending_before(ctx.today)
    stage = _Stage(ctx, divisions, province, ctx.rng, ctx.today, current,
                   shifted(current, current.first_year - 2))
    _campaigns(stage)
    systems = _systems(stage)
    sites = [_Site(*row[:6]) for row in ctx.shared.get("sites", [])]
    if ctx.scale == "province":
        sites += _system_sites(stage, systems)
    _org_counts_and_quotas(stage, systems)
    _bids(stage, sites)
    _add(ctx, "candidacies", insert_rows(ctx.conn, Candidacy, _owned(stage, Candidacy, stage.candidacies)))
    _add(ctx, "transitions", insert_rows(ctx.conn, Transition, _owned(stage, Transition, stage.transitions)))
    _ticks_and_verdicts(stage, sites)


def _add(ctx: Any, table: str, count: int) -> None:
    ctx.counts[table] = ctx.counts.get(table, 0) + count


def _owned(stage: _Stage, model: type, rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Rows completed as records of their own `owner_office`, each with that office's clerk.

    Made as they are inserted (not held all at once). The clerk is bookkeeping (not hashed);
    a new office's clerk is drawn from the demo's generator as the office first appears, so
    the rows must be used up before anything else draws.
    """
    return owned_rows(model, rows, owner=stage.province, user=stage.ctx.actor.user, user_of=stage.clerk)


# --- campaigns, units, counts, quotas -----------------------------------------------------


def _campaigns(stage: _Stage) -> None:
    rows = []
    for key, dates in (("earlier", stage.earlier), ("current", stage.current)):
        cid = new_id()
        stage.campaign_ids[key] = cid
        rows.append({"id": cid, "owner_office": stage.province, "name": f"{dates.first_year}年批次",
                     "select_by": dates.select_by, "creation_start": dates.creation_start,
                     "creation_end": dates.creation_end, "assess_by": dates.assess_by,
                     "reeval_months": dates.reeval_months})
    _add(stage.ctx, "campaigns", insert_rows(stage.ctx.conn, Campaign, _owned(stage, Campaign, rows)))


def _systems(stage: _Stage) -> list[tuple[str, str]]:
    """The province's system offices as units (unless an earlier stage added them)."""
    existing = stage.ctx.conn.execute(select(Unit.code, Unit.name).where(Unit.tier == Tier.SYSTEM)).all()
    if existing:
        return [(code, name) for code, name in existing]
    systems = [(f"{stage.province}-{suffix}", name) for suffix, name in SYSTEMS]
    rows = [{"owner_office": stage.province, "code": code, "name": name, "parent_code": stage.province,
             "tier": Tier.SYSTEM} for code, name in systems]
    _add(stage.ctx, "units", insert_rows(stage.ctx.conn, Unit, _owned(stage, Unit, rows)))
    return systems


def _system_sites(stage: _Stage, systems: list[tuple[str, str]]) -> list[_Site]:
    rows = []
    for code, _ in systems:
        for name, org_type in SYSTEM_SITES.get(code.rsplit("-", 1)[-1], ()):
            region = stage.rng.choice(SYSTEM_REGIONS)
            kind = "health" if "医院" in name else ("culture" if org_type == OrgType.INSTITUTION else None)
            secretary = names.person_name(stage.rng)
            rows.append({"owner_office": code, "name": name, "org_type": str(org_type), "org_kind": kind,
                         "region_code": region, "secretary": secretary,
                         "member_count": stage.rng.randint(40, 400), "phone": names.mobile(stage.rng),
                         "search_key": search_key(name, _region_name(stage.divisions, region), secretary)})
    full = list(_owned(stage, Site, rows))
    _add(stage.ctx, "sites", insert_rows(stage.ctx.conn, Site, full))
    return [_Site(r["id"], r["owner_office"], r["region_code"], r["org_type"], r["org_kind"], r["name"])
            for r in full]


def _region_name(divisions: Divisions, code: str) -> str:
    division = divisions.get(code)
    return division.name if division else ""


def _org_counts_and_quotas(stage: _Stage, systems: list[tuple[str, str]]) -> None:
    rng, divisions, province = stage.rng, stage.divisions, stage.province
    counts: list[dict[str, Any]] = []
    as_of = date(stage.current.first_year - 1, 12, 31)
    cities: list[tuple[str, str, int]] = []
    counties_of: dict[str, list[tuple[str, str, int]]] = {}
    for city in divisions.children(province):
        kids = [(d.code, d.name, rng.randint(700, 2600)) for d in divisions.children(city.code)]
        counties_of[city.code] = kids
        total = sum(k[2] for k in kids) + rng.randint(200, 600)  # plus the city's own organs
        cities.append((city.code, city.name, total))
        counts.append({"owner_office": province, "unit_code": city.code, "organizations": total, "as_of": as_of})
        counts += [{"owner_office": city.code, "unit_code": code, "organizations": n, "as_of": as_of}
                   for code, _, n in kids]
    system_units = [(code, name, rng.randint(2500, 9000)) for code, name in systems]
    counts += [{"owner_office": province, "unit_code": code, "organizations": n, "as_of": as_of}
               for code, _, n in system_units]
    _add(stage.ctx, "org_counts", insert_rows(stage.ctx.conn, OrgCount, _owned(stage, OrgCount, counts)))

    cid = stage.campaign_ids["current"]
    rows: list[dict[str, Any]] = []
    provincial = quota_rules.allocate(quota_rules.NOTICE_TOTALS[Level.PROVINCE], cities + system_units)
    if len(provincial.shares) >= 2:  # one recorded adjustment: a place moved between two cities
        first, second = provincial.shares[0], provincial.shares[1]
        provincial = quota_rules.adjust(provincial, code=first.code, seats=first.seats + 1,
                                        reason="省会城市示范点工作基础较好，经研究增加1个名额")
        if second.seats > 0:
            provincial = quota_rules.adjust(provincial, code=second.code, seats=second.seats - 1,
                                            reason="相应调减1个名额，总数不变")
    rows += _quota_rows(stage, provincial, Level.PROVINCE, province, cid)
    rows += _quota_rows(stage, quota_rules.allocate(quota_rules.NOTICE_TOTALS[Level.CITY], cities),
                        Level.CITY, province, cid)
    county_level = quota_rules.allocate(quota_rules.NOTICE_TOTALS[Level.COUNTY], cities)
    rows += _quota_rows(stage, county_level, Level.COUNTY, province, cid)
    for share in county_level.shares:
        kids = counties_of.get(share.code, [])
        if kids:
            rows += _quota_rows(stage, quota_rules.allocate(share.seats, kids), Level.COUNTY, share.code, cid)
    _add(stage.ctx, "quotas", insert_rows(stage.ctx.conn, Quota, _owned(stage, Quota, rows)))


def _quota_rows(stage: _Stage, allocation: quota_rules.Allocation, level: str, owner: str,
                campaign_id: str) -> list[dict[str, Any]]:
    notes: dict[str, list[str]] = {}
    for adj in allocation.adjustments:
        notes.setdefault(adj.code, []).append(f"原{adj.before}个，调为{adj.after}个：{adj.reason}")
    out = []
    for s in allocation.shares:
        stage.seats[(level, s.code)] = s.seats
        out.append({"owner_office": owner, "campaign_id": campaign_id, "level": level, "unit_code": s.code,
                    "organizations": s.organizations, "exact_share": s.exact_text, "seats": s.seats,
                    "reason": "；".join(notes.get(s.code, ()))})
    return out


# --- candidacies and their steps ----------------------------------------------------------


def _possible(level: str, registrant_tier: str) -> list[Status]:
    """Statuses a candidacy of this route can reach."""
    route = route_for(level=level, registrant_tier=registrant_tier)
    return [s for s in Status if s is not S.RECOMMENDED or route.recommenders]


def _registrant_tier(owner: str, divisions: Divisions) -> str:
    if "-S" in owner:
        return Tier.SYSTEM
    division = divisions.get(owner)
    return division.level if division else Tier.COUNTY


def _bids(stage: _Stage, sites: list[_Site]) -> None:
    """Choose who bids at which level and where each bid stands, then write the steps."""
    rng = stage.rng
    order = sites[:]
    rng.shuffle(order)
    # Every status at every level first, so even a small demo shows them all.
    guaranteed: list[tuple[_Site, str, Status]] = []
    pool = [s for s in order if "-S" not in s.owner]
    for level in (Level.PROVINCE, Level.CITY, Level.COUNTY):
        for status in _possible(level, Tier.COUNTY):
            if pool:
                guaranteed.append((pool.pop(), level, status))
    chosen = {site.id for site, _, _ in guaranteed}
    for site, bid_level, status in guaranteed:
        _bid(stage, site, bid_level, status, forced=True)
    for site in order:
        if site.id in chosen:
            continue
        if "-S" in site.owner:
            _system_bid(stage, site)
            continue
        draw, acc = rng.random(), 0.0
        for level, share in LEVEL_SHARE:
            acc += share
            if draw < acc:
                _bid(stage, site, level, _draw_status(stage, level), forced=False)
                break


def _draw_status(stage: _Stage, level: str) -> Status:
    rng = stage.rng
    if rng.random() < EARLIER_SHARE:
        weights = EARLIER_WEIGHTS
    else:
        weights = {s: w for s, w in CURRENT_WEIGHTS.items() if s is not S.RECOMMENDED or level != Level.COUNTY}
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _system_bid(stage: _Stage, site: _Site) -> None:
    """A system's own site: a provincial bid for some, an own-system (city/county) one for others."""
    rng = stage.rng
    level = Level.PROVINCE if rng.random() < 0.4 else rng.choice((Level.CITY, Level.COUNTY))
    status = rng.choice((S.RECOMMENDED, S.CREATING, S.PASSED, S.AWARDED, S.NOT_SELECTED)) \
        if level == Level.PROVINCE else rng.choice((S.APPROVED, S.CREATING, S.AWARDED, S.AWARDED))
    _bid(stage, site, level, status, forced=False)


def _bid(stage: _Stage, site: _Site, level: str, status: Status, *, forced: bool) -> None:
    tier = _registrant_tier(site.owner, stage.divisions)
    if level == Level.COUNTY and tier == Tier.CITY or status not in _possible(level, tier):
        return
    earlier = status in (S.RETAINED, S.ELIMINATED) or (status is S.AWARDED and not forced and
                                                      stage.rng.random() < EARLIER_SHARE * 2)
    dates = stage.earlier if earlier else stage.current
    campaign_id = stage.campaign_ids["earlier" if earlier else "current"]
    override = False
    if status in COUNTING and not earlier:
        unit = quota_unit(level=level, region_code=site.region, registrant_code=site.owner,
                          registrant_tier=tier, divisions=stage.divisions)
        key = (level, unit)
        if unit is not None and key in stage.seats and stage.used[key] >= stage.seats[key]:
            if forced or level not in stage.overrides:
                override = True
                stage.overrides.add(level)
            else:
                status = S.NOT_SELECTED
        if unit is not None and status in COUNTING:
            stage.used[key] += 1
    cid = new_id()
    steps = _path(stage, site, level, tier, status, dates, override=override)
    applied_on = dates.select_by - timedelta(days=stage.rng.randint(30, 55))
    stage.candidacies.append({
        "id": cid, "owner_office": site.owner, "site_id": site.id, "campaign_id": campaign_id, "level": level,
        "registrant_tier": tier, "applied_on": applied_on,
        "achievements": _achievements(stage.rng) if level != Level.COUNTY or stage.rng.random() < 0.3 else "",
        "measures": "".join(MEASURES) if stage.rng.random() < 0.6 else "", "status": str(status)})
    follows = None
    when = applied_on
    for to_status, office, office_tier, reason, gap, over in steps:
        when = min(_step_date(stage, to_status, dates, when, gap), stage.today)
        tid = new_id()
        stage.transitions.append({
            "id": tid, "owner_office": office, "candidacy_id": cid, "follows_id": follows,
            "to_status": str(to_status), "actor_tier": office_tier, "reason": reason, "quota_override": over,
            "acted_on": when, "signature": ""})
        follows = tid
    decider = route_for(level=level, registrant_tier=tier).decider
    previous = stage.status_of.get(site.id)
    if previous is None or level != Level.COUNTY:
        stage.status_of[site.id] = (str(status), cid, _office_of(stage, site, decider, tier))


def _office_of(stage: _Stage, site: _Site, tier: str, registrant_tier: str) -> str:
    """The office of `tier` over the site (the registrant itself for its own tier)."""
    if tier == registrant_tier or tier == Tier.SYSTEM:
        return site.owner
    if tier == Tier.PROVINCE:
        return stage.province
    by_level: dict[str, str] = {d.level: d.code for d in stage.divisions.path(site.region)}
    return by_level.get(str(tier), stage.province)


def _path(stage: _Stage, site: _Site, level: str, tier: str, status: Status, dates: CampaignDates, *,
          override: bool) -> list[tuple[Status, str, str, str, int, bool]]:
    """The steps (status, office, office tier, reason, days after the last, override) to `status`."""
    rng = stage.rng
    route = route_for(level=level, registrant_tier=tier)

    def by(t: str, to: Status, reason: str = "", gap: int = 0, over: bool = False):
        return (to, _office_of(stage, site, t, tier), str(t), reason, gap, over)

    def why(to: Status) -> str:
        return rng.choice(REASONS[to])

    recs = [by(t, S.RECOMMENDED, gap=rng.randint(3, 9)) for t in route.recommenders]
    # Decisions fall just before select_by (their gap is ignored), assessment after creation.
    decide = route.decider
    if status is S.APPLIED:
        if rng.random() < 0.4:  # sent back once and resubmitted: the route starts again
            return recs + [by(decide, S.RETURNED, why(S.RETURNED)), by(tier, S.APPLIED, gap=6)]
        return []
    if status is S.RECOMMENDED:
        return recs[:rng.randint(1, len(recs))]
    if status is S.RETURNED:
        return recs + [by(decide, S.RETURNED, why(S.RETURNED))]
    if status is S.NOT_SELECTED:
        reason = FULL_REASON if rng.random() < 0.3 else why(S.NOT_SELECTED)
        return recs + [by(decide, S.NOT_SELECTED, reason)]
    if status is S.WITHDRAWN:
        head = recs + [by(decide, S.APPROVED)] if rng.random() < 0.5 else recs[:1]
        return head + [by(tier, S.WITHDRAWN, "", 20)]
    approved = recs + [by(decide, S.APPROVED, OVERRIDE_REASON if override else "", 0, override)]
    if status is S.APPROVED:
        return approved
    creating = approved + [by(decide, S.CREATING, gap=10)]
    if status is S.CREATING:
        return creating
    if status is S.FAILED:
        return creating + [by(decide, S.FAILED, why(S.FAILED))]
    passed = creating + [by(decide, S.PASSED)]
    if status is S.PASSED:
        return passed
    awarded = passed + [by(decide, S.AWARDED, gap=rng.randint(1, 8))]
    if status is S.AWARDED:
        return awarded
    if status is S.RETAINED:
        return awarded + [by(decide, S.RETAINED)]
    return awarded + [by(decide, S.ELIMINATED, why(S.ELIMINATED))]


def _step_date(stage: _Stage, to_status: Status, dates: CampaignDates, last: date, gap: int) -> date:
    """A plausible date for a step: decisions before select_by, assessment after creation."""
    rng = stage.rng
    if to_status in (S.PASSED, S.FAILED):
        latest = min(dates.assess_by, stage.today)
        span = max(0, (latest - dates.creation_end).days - 1)
        return dates.creation_end + timedelta(days=1 + rng.randint(0, max(0, span - 8)))
    if to_status in (S.RETAINED, S.ELIMINATED):
        low = last + timedelta(days=640)
        high = max(low, stage.today - timedelta(days=3))
        return low + timedelta(days=rng.randint(0, (high - low).days))
    if to_status is S.CREATING:
        return max(last, dates.select_by) + timedelta(days=gap)
    if to_status in (S.APPROVED, S.NOT_SELECTED, S.RETURNED):
        return max(last + timedelta(days=1), dates.select_by - timedelta(days=rng.randint(0, 4)))
    return last + timedelta(days=gap)


def _achievements(rng: random.Random) -> str:
    parts = list(ACHIEVEMENTS)
    rng.shuffle(parts)
    return "".join(parts[:rng.randint(3, len(parts))])


# --- ticks and verdicts -------------------------------------------------------------------


def _quality(status: str | None) -> str:
    if status in (S.PASSED, S.AWARDED, S.RETAINED):
        return "good"
    if status in (S.FAILED, S.ELIMINATED, S.NOT_SELECTED):
        return "weak"
    return "normal"


def _ticks_and_verdicts(stage: _Stage, sites: list[_Site]) -> None:
    """Self-assessments of most sites, verdicts on some assessed candidacies, progress counts.

    The hot loop (~420,000 ticks at province scale) draws exactly what `rng.choices` would
    (one `random()` per rating, the same bisection), so a seed gives the same records.
    """
    rng, ctx = stage.rng, stage.ctx
    random_, choice = rng.random, rng.choice
    catalogue = load_catalogue()
    version = catalogue.version
    checklists: dict[tuple[str, str | None], list[str]] = {}
    ticks: list[dict[str, Any]] = []
    verdicts: list[dict[str, Any]] = []
    progress: list[dict[str, Any]] = []
    orphans_left = 3
    window = (stage.current.creation_start, min(stage.today, stage.current.assess_by))
    for site in sites:
        key = (site.org_type, site.org_kind)
        if key not in checklists:
            checklists[key] = [i.id for i in catalogue.items_for(*key)]
        items = checklists[key]
        bid = stage.status_of.get(site.id)
        if random_() >= TICKED_SHARE and bid is None:
            progress.append({"sid": site.id, "r": 0, "m": 0, "t": len(items)})
            continue
        cum, total = _RATING_CUM[_quality(bid[0] if bid else None)]
        chosen = items if random_() < 0.65 else [i for i in items if random_() < rng.uniform(0.4, 0.95)]
        rated = met = 0
        site_ratings: dict[str, str] = {}
        clerk = ""  # asked for at the first tick, after its own draws (a new office's clerk draws too)
        for item_id in chosen:
            n = bisect(cum, random_() * total, 0, 3)
            site_ratings[item_id] = RATINGS[n]
            rated += n != 3  # Rating.NONE
            met += n == 0  # Rating.MET
            if random_() < 0.25:
                note, note_date = choice(TICK_NOTES), _day_between(rng, *window)
            else:
                note, note_date = "", None
            clerk = clerk or stage.clerk(site.owner)
            ticks.append({"owner_office": site.owner, "site_id": site.id, "item_id": item_id,
                          "catalogue_version": version, "rating": _RATING_TEXT[n],
                          "note": note, "note_date": note_date, "recorded_by": clerk})
        if orphans_left and site.org_type not in (OrgType.VILLAGE, OrgType.INSTITUTION):
            # ticked while the site was registered as a village: kept, shown apart
            orphans_left -= 1
            ticks += [{"owner_office": site.owner, "site_id": site.id, "item_id": item_id,
                       "catalogue_version": version, "rating": str(Rating.MET),
                       "note": "原按村党组织登记时的自评", "note_date": window[0], "recorded_by": stage.clerk(site.owner)}
                      for item_id in ("village.1.1", "village.2.1")]
        progress.append({"sid": site.id, "r": rated, "m": met, "t": len(items)})
        if bid and bid[0] in (S.PASSED, S.FAILED, S.AWARDED, S.RETAINED, S.ELIMINATED) and random_() < VERDICT_SHARE:
            verdicts += [{"owner_office": bid[2], "candidacy_id": bid[1], "item_id": item_id,
                          "rating": str(_verdict_rating(rng, rating)), "note": ""}
                         for item_id, rating in site_ratings.items() if rating != Rating.NONE]
    _add(ctx, "ticks", insert_rows(ctx.conn, Tick, _owned(stage, Tick, ticks)))
    _add(ctx, "verdicts", insert_rows(ctx.conn, Verdict, _owned(stage, Verdict, verdicts)))
    table = cast(Table, Site.__table__)
    ctx.conn.execute(update(table).where(table.c.id == bindparam("sid")).values(
        ticks_rated=bindparam("r"), ticks_met=bindparam("m"), ticks_total=bindparam("t")), progress)


def _verdict_rating(rng: random.Random, own: str) -> str:
    """The assessor mostly agrees; sometimes one step stricter."""
    if rng.random() < 0.8:
        return own
    stricter: dict[str, str] = {Rating.MET: Rating.BASIC, Rating.BASIC: Rating.UNMET}
    return stricter.get(own, own)


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
