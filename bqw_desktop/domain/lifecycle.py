"""The candidacy lifecycle: which step is allowed, by which tier, with which guards.

The notice (part 三、工作安排) sets the course: grassroots organizations apply by
2011-05-30, candidates are recommended tier by tier and the upper tier decides (审定) the
creation units (创建单位); May 2011 – May 2012 creation; before 2012-07-01 assessment and
the plaque for those meeting the standard; then re-evaluation every two years (两年一考评),
and elimination of those that fail.

Statuses (`Status`, labels in `STATUS_LABELS`)::

    applied 已申报 ─▶ recommended 已推荐 (once per recommender on the route)
        ─▶ approved 已确定为创建单位 │ not_selected 未入选 │ returned 退回修改
    returned ─▶ applied (the registrant resubmits; recommendations start again)
    approved ─▶ creating 创建中 ─▶ passed 考核达标 │ failed 考核未达标
    passed ─▶ awarded 已授牌 ─▶ retained 复评合格 │ eliminated 已淘汰
    retained ─▶ retained │ eliminated
    applied, recommended, returned, approved, creating ─▶ withdrawn 已撤回 (registrant)

`not_selected`, `failed`, `eliminated` and `withdrawn` are final (`FINAL_STATUSES`). A
step recorded by mistake is undone by reversing it (`may_reverse`), not by another step.

Route (`route_for`): the tiers that recommend, in order, before the deciding tier. A
candidacy is owned by the office that registered it (the registrant)::

    registrant  level     recommenders      decider
    county      county    —                 county
    county      city      county            city
    county      province  county, city      province
    city        city      —                 city
    city        province  city              province
    system      province  system            province
    system      county    —                 system   (the system's own sites, see below)
    system      city      —                 system   (the system's own sites, see below)
    province    province  —                 province

A city does not register county-level candidacies, nor the province city- or county-level
ones: those routes are refused. The notice asks provincial units and systems to create,
besides their provincial quota, "一批本单位和系统内的示范点，数量依本单位和系统基层党组织数量
自行确定": a system office records these at level county or city and decides them itself,
with no recommender; it sets its own numbers, so the caller normally passes no quota.

Who acts (`Who`): the next recommender on the route; the decider; or the registrant. Every
step's rule is a row of `RULES` (from, to, who, reason required, guards). Decisions on an
application (approved, not_selected, returned) need every recommender on the route to have
recommended first (guard `route_complete`); a recommender whose turn it is may instead
return the application or decline it (not_selected). Recommendations are counted since the
last (re)submission, so returned → applied starts the route again.

Identity: tier checks use the actor's tier. An office of the registrant's own tier can only
be the registrant itself (a candidacy has one county, one city, one system office), so such
an actor must have the registrant's code. Whether a deciding city or province is the right
one for the registrant's region is not known here: the services check the region
hierarchy.

Guards: no assessment (passed, failed) until the creation period has ended — `creation_end`
is the period's last day, assessment is allowed from the day after; no plaque without a
passed assessment; no approval beyond the quota without `override_quota=True`, and an
override, being a recorded exception, must give its reason. A reason is also required for
returned, not_selected, failed and eliminated. Re-evaluation is not held to its due date: an
office may re-evaluate or eliminate earlier; `is_reevaluation_due` only feeds the due list.

Bulk actions plan each candidacy with `refusal` (which returns the message instead of
raising), show how many and which pass, and record them as separate steps; each step can be
reversed by the office that made it while nothing has followed it (`may_reverse`).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bqw_desktop.domain.vocab import LEVEL_LABELS, TIER_LABELS, Level, Tier
from bqw_desktop.errors import TransitionError


class Status(StrEnum):
    """Where a candidacy stands; the key is stored, the label is shown."""

    APPLIED = "applied"
    RECOMMENDED = "recommended"
    APPROVED = "approved"
    NOT_SELECTED = "not_selected"
    RETURNED = "returned"
    CREATING = "creating"
    PASSED = "passed"
    FAILED = "failed"
    AWARDED = "awarded"
    RETAINED = "retained"
    ELIMINATED = "eliminated"
    WITHDRAWN = "withdrawn"


STATUS_LABELS: dict[str, str] = {
    Status.APPLIED: "已申报",
    Status.RECOMMENDED: "已推荐",
    Status.APPROVED: "已确定为创建单位",
    Status.NOT_SELECTED: "未入选",
    Status.RETURNED: "退回修改",
    Status.CREATING: "创建中",
    Status.PASSED: "考核达标",
    Status.FAILED: "考核未达标",
    Status.AWARDED: "已授牌",
    Status.RETAINED: "复评合格",
    Status.ELIMINATED: "已淘汰",
    Status.WITHDRAWN: "已撤回",
}

FINAL_STATUSES: frozenset[Status] = frozenset(
    {Status.NOT_SELECTED, Status.FAILED, Status.ELIMINATED, Status.WITHDRAWN}
)
"""No step leads out of these."""

PLAQUE_STATUSES: frozenset[Status] = frozenset({Status.AWARDED, Status.RETAINED})
"""A demonstration site holding its plaque; these come up for re-evaluation."""

REEVALUATION_MONTHS = 24
"""两年一考评."""

NOTICE_CREATION_END = date(2012, 5, 31)
"""Last day of the creation period the notice sets (2011年5月至2012年5月)."""


class Who(StrEnum):
    """Which office may make a step."""

    NEXT_RECOMMENDER = "next_recommender"
    DECIDER = "decider"
    REGISTRANT = "registrant"


class Guard(StrEnum):
    """Checks beyond who acts; each refuses with its own message."""

    ROUTE_COMPLETE = "route_complete"  # every recommender on the route has recommended
    CREATION_ENDED = "creation_ended"  # today is after the creation period's last day
    QUOTA = "quota"  # within the quota, or an explicit override


@dataclass(frozen=True, slots=True)
class Rule:
    """One allowed step: from a status to a status, made by `who`, under `guards`."""

    from_status: Status
    to_status: Status
    who: Who
    reason_required: bool = False
    guards: tuple[Guard, ...] = ()


_A, _R, _T = Status.APPLIED, Status.RECOMMENDED, Status.RETURNED
_NEXT, _DEC, _REG = Who.NEXT_RECOMMENDER, Who.DECIDER, Who.REGISTRANT
_COMPLETE, _ENDED, _QUOTA = Guard.ROUTE_COMPLETE, Guard.CREATION_ENDED, Guard.QUOTA

RULES: tuple[Rule, ...] = (
    # 逐级推荐
    Rule(_A, _R, _NEXT),
    Rule(_R, _R, _NEXT),
    # 上级审定, once the route is complete
    Rule(_A, Status.APPROVED, _DEC, guards=(_COMPLETE, _QUOTA)),
    Rule(_R, Status.APPROVED, _DEC, guards=(_COMPLETE, _QUOTA)),
    Rule(_A, Status.NOT_SELECTED, _DEC, True, (_COMPLETE,)),
    Rule(_R, Status.NOT_SELECTED, _DEC, True, (_COMPLETE,)),
    Rule(_A, _T, _DEC, True, (_COMPLETE,)),
    Rule(_R, _T, _DEC, True, (_COMPLETE,)),
    # a recommender whose turn it is may decline or send back instead of recommending
    Rule(_A, Status.NOT_SELECTED, _NEXT, True),
    Rule(_R, Status.NOT_SELECTED, _NEXT, True),
    Rule(_A, _T, _NEXT, True),
    Rule(_R, _T, _NEXT, True),
    # resubmission restarts the route
    Rule(_T, _A, _REG),
    # 深入创建, 考核授牌
    Rule(Status.APPROVED, Status.CREATING, _DEC),
    Rule(Status.CREATING, Status.PASSED, _DEC, guards=(_ENDED,)),
    Rule(Status.CREATING, Status.FAILED, _DEC, True, (_ENDED,)),
    Rule(Status.PASSED, Status.AWARDED, _DEC),
    # 动态管理: 两年一考评, 达不到标准的予以淘汰
    Rule(Status.AWARDED, Status.RETAINED, _DEC),
    Rule(Status.AWARDED, Status.ELIMINATED, _DEC, True),
    Rule(Status.RETAINED, Status.RETAINED, _DEC),
    Rule(Status.RETAINED, Status.ELIMINATED, _DEC, True),
    # 撤回
    Rule(_A, Status.WITHDRAWN, _REG),
    Rule(_R, Status.WITHDRAWN, _REG),
    Rule(_T, Status.WITHDRAWN, _REG),
    Rule(Status.APPROVED, Status.WITHDRAWN, _REG),
    Rule(Status.CREATING, Status.WITHDRAWN, _REG),
)
"""Every allowed step, written down once. Anything not here is refused."""

REASON_REQUIRED: frozenset[Status] = frozenset(r.to_status for r in RULES if r.reason_required)
"""Steps that must say why: returned, not_selected, failed, eliminated."""

_ACTIONS: dict[str, str] = {
    Status.APPLIED: "重新提交申报",
    Status.RECOMMENDED: "推荐",
    Status.APPROVED: "确定为{level}创建单位",
    Status.NOT_SELECTED: "作出未入选决定",
    Status.RETURNED: "退回修改",
    Status.CREATING: "启动创建",
    Status.PASSED: "认定考核达标",
    Status.FAILED: "认定考核未达标",
    Status.AWARDED: "授牌",
    Status.RETAINED: "认定复评合格",
    Status.ELIMINATED: "予以淘汰",
    Status.WITHDRAWN: "撤回申报",
}

# Why a step is missing from RULES, where the generic "不能变更为…" would not say enough.
_HINTS: dict[tuple[str, str], str] = {
    (Status.APPLIED, Status.AWARDED): "尚未考核达标，不能授牌",
    (Status.RECOMMENDED, Status.AWARDED): "尚未考核达标，不能授牌",
    (Status.APPROVED, Status.AWARDED): "尚未考核达标，不能授牌",
    (Status.CREATING, Status.AWARDED): "尚未考核达标，不能授牌",
    (Status.APPROVED, Status.PASSED): "尚未启动创建，不能考核",
    (Status.APPROVED, Status.FAILED): "尚未启动创建，不能考核",
    (Status.APPLIED, Status.CREATING): "尚未确定为创建单位，不能启动创建",
    (Status.RECOMMENDED, Status.CREATING): "尚未确定为创建单位，不能启动创建",
    (Status.PASSED, Status.RETAINED): "尚未授牌，不能复评",
    (Status.PASSED, Status.ELIMINATED): "尚未授牌，不能复评",
    (Status.PASSED, Status.WITHDRAWN): "考核已完成，不能撤回",
    (Status.AWARDED, Status.WITHDRAWN): "已授牌，不能撤回；达不到标准的应在复评时予以淘汰",
    (Status.RETAINED, Status.WITHDRAWN): "已授牌，不能撤回；达不到标准的应在复评时予以淘汰",
}


@dataclass(frozen=True, slots=True)
class Step:
    """One recorded step of a candidacy's chain: the status it led to and who made it.

    Keys read from the database are turned into `Status` / `Tier` (use `from_keys`); an
    unknown key raises ValueError.
    """

    to_status: Status
    actor_tier: Tier
    actor_code: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "to_status", Status(self.to_status))
        object.__setattr__(self, "actor_tier", Tier(self.actor_tier))

    @classmethod
    def from_keys(cls, to_status: str, actor_tier: str, actor_code: str) -> Step:
        """A step from stored keys, e.g. a row of the transitions table."""
        return cls(Status(to_status), Tier(actor_tier), actor_code)


@dataclass(frozen=True, slots=True)
class Route:
    """The tiers that recommend, in order, and the tier that decides."""

    recommenders: tuple[Tier, ...]
    decider: Tier


@dataclass(frozen=True, slots=True)
class QuotaCheck:
    """How many of this level's places the deciding office has filled, out of how many."""

    used: int
    allotted: int

    @property
    def full(self) -> bool:
        """True when one more approval would go beyond the quota."""
        return self.used >= self.allotted


_ROUTES: dict[tuple[Tier, Level], Route] = {
    (Tier.COUNTY, Level.COUNTY): Route((), Tier.COUNTY),
    (Tier.COUNTY, Level.CITY): Route((Tier.COUNTY,), Tier.CITY),
    (Tier.COUNTY, Level.PROVINCE): Route((Tier.COUNTY, Tier.CITY), Tier.PROVINCE),
    (Tier.CITY, Level.CITY): Route((), Tier.CITY),
    (Tier.CITY, Level.PROVINCE): Route((Tier.CITY,), Tier.PROVINCE),
    (Tier.SYSTEM, Level.PROVINCE): Route((Tier.SYSTEM,), Tier.PROVINCE),
    # the system's own sites (本单位和系统内的示范点): decided by the system office itself
    (Tier.SYSTEM, Level.CITY): Route((), Tier.SYSTEM),
    (Tier.SYSTEM, Level.COUNTY): Route((), Tier.SYSTEM),
    (Tier.PROVINCE, Level.PROVINCE): Route((), Tier.PROVINCE),
}


def route_for(*, level: str, registrant_tier: str) -> Route:
    """The route of a candidacy of `level` registered by an office of `registrant_tier`.

    Raises TransitionError (a UserError) when such an office cannot register that level.
    """
    key = (Tier(registrant_tier), Level(level))
    route = _ROUTES.get(key)
    if route is None:
        raise TransitionError(
            f"{TIER_LABELS[key[0]]}不能登记{LEVEL_LABELS[key[1]]}示范点申报："
            f"{LEVEL_LABELS[key[1]]}示范点由{_level_owner(key[1])}登记。"
        )
    return route


def _level_owner(level: Level) -> str:
    if level is Level.COUNTY:
        return TIER_LABELS[Tier.COUNTY]
    if level is Level.CITY:
        return f"{TIER_LABELS[Tier.COUNTY]}或{TIER_LABELS[Tier.CITY]}"
    return "各级组织部门和省直机关、各系统"


def current_status(history: Sequence[Step]) -> Status:
    """The status the chain leads to; `applied` before any step."""
    return history[-1].to_status if history else Status.APPLIED


def reason_required(to_status: str) -> bool:
    """Whether a step to `to_status` must give a reason."""
    return Status(to_status) in REASON_REQUIRED


def recommendations_so_far(history: Sequence[Step]) -> int:
    """Recommendations made since the application was last (re)submitted."""
    count = 0
    for step in history:
        if step.to_status is Status.APPLIED:
            count = 0
        elif step.to_status is Status.RECOMMENDED:
            count += 1
    return count


def next_recommender(*, level: str, registrant_tier: str, history: Sequence[Step]) -> Tier | None:
    """The tier whose recommendation is awaited, or None if none is (any more)."""
    if current_status(history) not in (Status.APPLIED, Status.RECOMMENDED):
        return None
    route = route_for(level=level, registrant_tier=registrant_tier)
    done = recommendations_so_far(history)
    return route.recommenders[done] if done < len(route.recommenders) else None


def next_actor_tier(level: str, registrant_tier: str, history: Sequence[Step]) -> Tier | None:
    """Whose turn it is: the tier expected to make the next step; None once final."""
    status = current_status(history)
    if status in FINAL_STATUSES:
        return None
    if status is Status.RETURNED:
        return Tier(registrant_tier)
    pending = next_recommender(level=level, registrant_tier=registrant_tier, history=history)
    if pending is not None:
        return pending
    return route_for(level=level, registrant_tier=registrant_tier).decider


_TIER_SHORT: dict[str, str] = {
    Tier.PROVINCE: "省",
    Tier.CITY: "市州",
    Tier.COUNTY: "县市区",
    Tier.SYSTEM: "省直/系统",
}

_WAITING_FOR: dict[str, str] = {
    Status.APPLIED: "审定",
    Status.RECOMMENDED: "审定",
    Status.RETURNED: "修改后重新提交",
    Status.APPROVED: "启动创建",
    Status.CREATING: "考核",
    Status.PASSED: "授牌",
    Status.AWARDED: "复评",
    Status.RETAINED: "复评",
}


def waiting_text(level: str, registrant_tier: str, history: Sequence[Step]) -> str:
    """A short note of whose turn it is, e.g. "待市州审定"; empty once final."""
    tier = next_actor_tier(level, registrant_tier, history)
    if tier is None:
        return ""
    status = current_status(history)
    pending = next_recommender(level=level, registrant_tier=registrant_tier, history=history)
    what = "推荐" if pending is not None else _WAITING_FOR[status]
    return f"待{_TIER_SHORT[tier]}{what}"


def _action(to_status: Status, level: str) -> str:
    return _ACTIONS[to_status].format(level=LEVEL_LABELS[Level(level)])


def _role_fits(
    rule: Rule, *, route: Route, pending: Tier | None, actor_tier: Tier, registrant_tier: Tier
) -> bool:
    if rule.who is Who.REGISTRANT:
        return actor_tier is registrant_tier
    if rule.who is Who.NEXT_RECOMMENDER:
        return pending is not None and actor_tier is pending
    if Guard.ROUTE_COMPLETE in rule.guards and pending is not None:
        return False
    return actor_tier is route.decider


def _who_refusal(
    rules: list[Rule],
    *,
    status: Status,
    to_status: Status,
    level: str,
    route: Route,
    pending: Tier | None,
    actor_tier: Tier,
    registrant_tier: Tier,
) -> str:
    """Why none of `rules` (all leading from `status` to `to_status`) fits the actor."""
    head = f"当前状态为“{STATUS_LABELS[status]}”，"
    action = _action(to_status, level)
    actor = TIER_LABELS[actor_tier]
    whos = {rule.who for rule in rules}
    if whos == {Who.REGISTRANT}:
        return f"{head}只有登记该申报的{TIER_LABELS[registrant_tier]}才能{action}。"
    if pending is not None and Who.DECIDER in whos and Who.NEXT_RECOMMENDER not in whos:
        if actor_tier is pending:
            return (
                f"{head}{actor}应先推荐（或退回修改、作出未入选决定），"
                f"{action}由{TIER_LABELS[route.decider]}办理。"
            )
        return f"{head}须先由{TIER_LABELS[pending]}推荐，{actor}不能直接{action}。"
    if pending is not None:
        return f"{head}须由{TIER_LABELS[pending]}{action}，{actor}不能{action}。"
    if Who.NEXT_RECOMMENDER in whos and Who.DECIDER not in whos:
        if not route.recommenders:
            return (
                f"{head}{LEVEL_LABELS[Level(level)]}示范点由{TIER_LABELS[route.decider]}直接审定，无须推荐。"
            )
        return f"{head}逐级推荐已完成，等待{TIER_LABELS[route.decider]}审定，不能再{action}。"
    return f"{head}{action}应由{TIER_LABELS[route.decider]}办理，{actor}不能{action}。"


def _fitting_rule(
    *,
    level: str,
    registrant_tier: str,
    history: Sequence[Step],
    to_status: str,
    actor_tier: str,
    actor_code: str,
    registrant_code: str,
) -> tuple[Rule | None, str | None]:
    """The rule that lets this actor make this step (ignoring date, quota and reason)."""
    route = route_for(level=level, registrant_tier=registrant_tier)
    status = current_status(history)
    target = Status(to_status)
    actor, registrant = Tier(actor_tier), Tier(registrant_tier)
    head = f"当前状态为“{STATUS_LABELS[status]}”，"
    if status in FINAL_STATUSES:
        return None, f"{head}流程已结束，不能再变更为“{STATUS_LABELS[target]}”。"
    rules = [r for r in RULES if r.from_status is status and r.to_status is target]
    if not rules:
        hint = _HINTS.get((status, target), f"不能变更为“{STATUS_LABELS[target]}”")
        return None, f"{head}{hint}。"
    if actor is registrant and actor_code != registrant_code:
        # a candidacy has one office of its registrant's tier: the registrant itself
        return None, f"{head}该申报由另一{TIER_LABELS[registrant]}登记，本单位不能办理。"
    pending = next_recommender(level=level, registrant_tier=registrant_tier, history=history)
    for rule in rules:
        if _role_fits(rule, route=route, pending=pending, actor_tier=actor, registrant_tier=registrant):
            return rule, None
    return None, _who_refusal(
        rules,
        status=status,
        to_status=target,
        level=level,
        route=route,
        pending=pending,
        actor_tier=actor,
        registrant_tier=registrant,
    )


def allowed_next(
    *,
    level: str,
    registrant_tier: str,
    history: Sequence[Step],
    actor_tier: str,
    actor_code: str,
    registrant_code: str,
) -> list[Status]:
    """The statuses this office may move the candidacy to, in `Status` order.

    Only status and role are considered, so the screen offers the right buttons; the
    creation period, the quota and the reason are checked by `plan_step` when pressed,
    which explains a refusal.
    """
    return [
        target
        for target in Status
        if _fitting_rule(
            level=level,
            registrant_tier=registrant_tier,
            history=history,
            to_status=target,
            actor_tier=actor_tier,
            actor_code=actor_code,
            registrant_code=registrant_code,
        )[0]
        is not None
    ]


def refusal(
    *,
    level: str,
    registrant_tier: str,
    history: Sequence[Step],
    to_status: str,
    actor_tier: str,
    actor_code: str,
    registrant_code: str,
    today: date,
    creation_end: date | None,
    reason: str | None,
    quota: QuotaCheck | None,
    override_quota: bool = False,
) -> str | None:
    """Why this step is not allowed (one Chinese sentence), or None if it is.

    Same arguments as `plan_step`; for bulk actions, which list what would be refused
    instead of stopping at the first.
    """
    rule, message = _fitting_rule(
        level=level,
        registrant_tier=registrant_tier,
        history=history,
        to_status=to_status,
        actor_tier=actor_tier,
        actor_code=actor_code,
        registrant_code=registrant_code,
    )
    if rule is None:
        return message
    head = f"当前状态为“{STATUS_LABELS[rule.from_status]}”，"
    action = _action(rule.to_status, level)
    if Guard.CREATION_ENDED in rule.guards:
        if creation_end is None:
            return f"{head}尚未设定创建期结束日期，不能{action}。"
        if today <= creation_end:
            return f"{head}创建期至{_chinese_date(creation_end)}结束，创建期结束前不能{action}。"
    has_reason = bool(reason and reason.strip())
    if Guard.QUOTA in rule.guards and quota is not None and quota.full:
        if not override_quota:
            return (
                f"{head}{LEVEL_LABELS[Level(level)]}创建单位名额共{quota.allotted}个、"
                f"已确定{quota.used}个，超出名额确定须明确选择“超额确定”并说明理由。"
            )
        if not has_reason:
            return f"{head}超出名额确定为创建单位须说明理由。"
    if rule.reason_required and not has_reason:
        return f"{head}{action}须填写理由。"
    return None


def plan_step(
    *,
    level: str,
    registrant_tier: str,
    history: Sequence[Step],
    to_status: str,
    actor_tier: str,
    actor_code: str,
    registrant_code: str,
    today: date,
    creation_end: date | None,
    reason: str | None,
    quota: QuotaCheck | None,
    override_quota: bool = False,
) -> None:
    """Check that the office (`actor_tier`, `actor_code`) may move the candidacy to `to_status`.

    `history` is the candidacy's chain so far, in order (no forks). `creation_end` is the
    last day of the creation period. `quota` is the deciding office's places for this
    level (None: no quota applies). Raises TransitionError with one Chinese sentence naming
    the current status and what is wrong; returns None when the step may be recorded.
    """
    message = refusal(
        level=level,
        registrant_tier=registrant_tier,
        history=history,
        to_status=to_status,
        actor_tier=actor_tier,
        actor_code=actor_code,
        registrant_code=registrant_code,
        today=today,
        creation_end=creation_end,
        reason=reason,
        quota=quota,
        override_quota=override_quota,
    )
    if message is not None:
        raise TransitionError(message)


def may_reverse(*, step_owner_code: str, actor_code: str, has_followers: bool) -> None:
    """Check that an office may undo a step: its own, with nothing recorded after it.

    Raises TransitionError otherwise.
    """
    if step_owner_code != actor_code:
        raise TransitionError("这一步由其他单位办理，本单位不能撤销。")
    if has_followers:
        raise TransitionError("这一步之后已有后续办理，须先撤销后续办理才能撤销这一步。")


def reevaluation_due_date(since: date, months: int = REEVALUATION_MONTHS) -> date:
    """When the next re-evaluation falls due: `months` after the award or last re-evaluation.

    A day that does not exist in the due month becomes that month's last day (29 Feb → 28 Feb).
    """
    years, month0 = divmod(since.month - 1 + months, 12)
    year, month = since.year + years, month0 + 1
    return date(year, month, min(since.day, calendar.monthrange(year, month)[1]))


def is_reevaluation_due(*, status: str, since: date, today: date, months: int = REEVALUATION_MONTHS) -> bool:
    """Whether a site belongs on the re-evaluation due list (due today or overdue).

    Only sites holding their plaque (awarded, retained) are ever due; `since` is the date of
    the award or of the last re-evaluation.
    """
    return Status(status) in PLAQUE_STATUSES and today >= reevaluation_due_date(since, months)


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
