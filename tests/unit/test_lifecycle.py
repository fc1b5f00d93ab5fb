"""The candidacy lifecycle rules: statuses, routes, who acts, guards, reversal, due dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from bqw_desktop.domain.lifecycle import (
    FINAL_STATUSES,
    STATUS_LABELS,
    QuotaCheck,
    Status,
    Step,
    allowed_next,
    current_status,
    is_reevaluation_due,
    may_reverse,
    next_actor_tier,
    plan_step,
    reason_required,
    recommendations_so_far,
    reevaluation_due_date,
    refusal,
    route_for,
    waiting_text,
)
from bqw_desktop.domain.vocab import Level, Tier
from bqw_desktop.errors import TransitionError, UserError

S = Status
REG = "REG"  # the registering office's code
TODAY_AFTER = date(2012, 6, 15)
CREATION_END = date(2012, 5, 31)

# The routes the notice implies, written out independently of the module:
# (registrant tier, level) -> (recommenders in order, deciding tier).
ROUTES: dict[tuple[Tier, Level], tuple[tuple[Tier, ...], Tier]] = {
    (Tier.COUNTY, Level.COUNTY): ((), Tier.COUNTY),
    (Tier.COUNTY, Level.CITY): ((Tier.COUNTY,), Tier.CITY),
    (Tier.COUNTY, Level.PROVINCE): ((Tier.COUNTY, Tier.CITY), Tier.PROVINCE),
    (Tier.CITY, Level.CITY): ((), Tier.CITY),
    (Tier.CITY, Level.PROVINCE): ((Tier.CITY,), Tier.PROVINCE),
    (Tier.SYSTEM, Level.PROVINCE): ((Tier.SYSTEM,), Tier.PROVINCE),
    (Tier.SYSTEM, Level.CITY): ((), Tier.SYSTEM),
    (Tier.SYSTEM, Level.COUNTY): ((), Tier.SYSTEM),
    (Tier.PROVINCE, Level.PROVINCE): ((), Tier.PROVINCE),
}
IMPOSSIBLE = [
    (Tier.CITY, Level.COUNTY),
    (Tier.PROVINCE, Level.COUNTY),
    (Tier.PROVINCE, Level.CITY),
]

# Every allowed step and who may make it. "decider" acts on an application only once
# every recommender has recommended; "next" is the recommender whose turn it is.
SPEC: dict[tuple[Status, Status], set[str]] = {
    (S.APPLIED, S.RECOMMENDED): {"next"},
    (S.RECOMMENDED, S.RECOMMENDED): {"next"},
    (S.APPLIED, S.APPROVED): {"decider"},
    (S.RECOMMENDED, S.APPROVED): {"decider"},
    (S.APPLIED, S.NOT_SELECTED): {"decider", "next"},
    (S.RECOMMENDED, S.NOT_SELECTED): {"decider", "next"},
    (S.APPLIED, S.RETURNED): {"decider", "next"},
    (S.RECOMMENDED, S.RETURNED): {"decider", "next"},
    (S.RETURNED, S.APPLIED): {"registrant"},
    (S.APPROVED, S.CREATING): {"decider"},
    (S.CREATING, S.PASSED): {"decider"},
    (S.CREATING, S.FAILED): {"decider"},
    (S.PASSED, S.AWARDED): {"decider"},
    (S.AWARDED, S.RETAINED): {"decider"},
    (S.AWARDED, S.ELIMINATED): {"decider"},
    (S.RETAINED, S.RETAINED): {"decider"},
    (S.RETAINED, S.ELIMINATED): {"decider"},
    **{(s, S.WITHDRAWN): {"registrant"} for s in (S.APPLIED, S.RECOMMENDED, S.RETURNED)},
    (S.APPROVED, S.WITHDRAWN): {"registrant"},
    (S.CREATING, S.WITHDRAWN): {"registrant"},
}


def code_of(tier: Tier, registrant: Tier) -> str:
    return REG if tier is registrant else f"{tier}-1"


@dataclass(frozen=True)
class State:
    name: str
    history: tuple[Step, ...]
    pending: Tier | None  # recommender whose turn it is


def states(registrant: Tier, level: Level) -> list[State]:
    """One chain for every reachable point of a candidacy's life, built by the rules' owners."""
    recs, decider = ROUTES[(registrant, level)]
    dec = Step(S.APPROVED, decider, code_of(decider, registrant))

    def by_decider(status: Status) -> Step:
        return Step(status, decider, code_of(decider, registrant))

    full = tuple(Step(S.RECOMMENDED, t, code_of(t, registrant)) for t in recs)
    out = [State("applied", (), recs[0] if recs else None)]
    for k in range(1, len(recs) + 1):
        out.append(State(f"recommended_{k}", full[:k], recs[k] if k < len(recs) else None))
    returned = (*full, by_decider(S.RETURNED))
    out.append(State("returned", returned, None))
    out.append(
        State(
            "applied_again",
            (*returned, Step(S.APPLIED, registrant, REG)),
            recs[0] if recs else None,
        )
    )
    approved = (*full, dec)
    creating = (*approved, by_decider(S.CREATING))
    passed = (*creating, by_decider(S.PASSED))
    awarded = (*passed, by_decider(S.AWARDED))
    out += [
        State("approved", approved, None),
        State("creating", creating, None),
        State("passed", passed, None),
        State("awarded", awarded, None),
        State("retained", (*awarded, by_decider(S.RETAINED)), None),
        State("not_selected", (*full, by_decider(S.NOT_SELECTED)), None),
        State("failed", (*creating, by_decider(S.FAILED)), None),
        State("eliminated", (*awarded, by_decider(S.ELIMINATED)), None),
        State("withdrawn", (Step(S.WITHDRAWN, registrant, REG),), None),
    ]
    return out


def actors(registrant: Tier) -> list[tuple[Tier, str]]:
    """Every tier once, plus a second office of the registrant's own tier."""
    out = [(t, code_of(t, registrant)) for t in Tier]
    return [*out, (registrant, "OTHER")]


def expected_allowed(
    registrant: Tier, level: Level, state: State, to: Status, actor: tuple[Tier, str]
) -> bool:
    _recs, decider = ROUTES[(registrant, level)]
    status = current_status(state.history)
    roles = SPEC.get((status, to), set())
    tier, code = actor
    if tier is registrant and code != REG:
        return False
    return (
        ("registrant" in roles and tier is registrant)
        or ("next" in roles and state.pending is tier)
        or ("decider" in roles and state.pending is None and tier is decider)
    )


CASES = [
    pytest.param(reg, lvl, st, id=f"{reg}-{lvl}-{st.name}")
    for (reg, lvl) in ROUTES
    for st in states(reg, lvl)
]


@pytest.mark.parametrize(("registrant", "level", "state"), CASES)
def test_exactly_the_table_passes_for_the_right_office(registrant: Tier, level: Level, state: State) -> None:
    status = current_status(state.history)
    for actor_tier, actor_code in actors(registrant):
        offered = allowed_next(
            level=level,
            registrant_tier=registrant,
            history=state.history,
            actor_tier=actor_tier,
            actor_code=actor_code,
            registrant_code=REG,
        )
        for to in Status:
            want = expected_allowed(registrant, level, state, to, (actor_tier, actor_code))
            where = f"{status}->{to} by {actor_tier}/{actor_code}"
            assert (to in offered) is want, where
            if want:
                plan(state.history, to, actor_tier, actor_code, level=level, registrant=registrant)
            else:
                with pytest.raises(TransitionError) as err:
                    plan(state.history, to, actor_tier, actor_code, level=level, registrant=registrant)
                assert f"当前状态为“{STATUS_LABELS[status]}”" in str(err.value), where


def test_every_final_status_has_no_way_out() -> None:
    assert FINAL_STATUSES == {S.NOT_SELECTED, S.FAILED, S.ELIMINATED, S.WITHDRAWN}
    assert all(frm not in FINAL_STATUSES for (frm, _to) in SPEC)


@pytest.mark.parametrize(("registrant", "level"), list(ROUTES))
def test_route_for_matches_the_notice(registrant: Tier, level: Level) -> None:
    route = route_for(level=level, registrant_tier=registrant)
    assert (route.recommenders, route.decider) == ROUTES[(registrant, level)]


@pytest.mark.parametrize(("registrant", "level"), IMPOSSIBLE)
def test_registering_at_an_impossible_level_is_refused(registrant: Tier, level: Level) -> None:
    with pytest.raises(UserError, match="不能登记"):
        route_for(level=level, registrant_tier=registrant)


def plan(
    history: list[Step] | tuple[Step, ...],
    to: Status,
    tier: Tier,
    code: str,
    *,
    level: Level = Level.PROVINCE,
    registrant: Tier = Tier.COUNTY,
    reason: str | None = "材料不全",
    today: date = TODAY_AFTER,
    creation_end: date | None = CREATION_END,
    quota: QuotaCheck | None = None,
    override: bool = False,
) -> None:
    plan_step(
        level=level,
        registrant_tier=registrant,
        history=history,
        to_status=to,
        actor_tier=tier,
        actor_code=code,
        registrant_code=REG,
        today=today,
        creation_end=creation_end,
        reason=reason,
        quota=quota,
        override_quota=override,
    )


def test_a_county_cannot_approve_a_city_level_candidacy() -> None:
    history = [Step(S.RECOMMENDED, Tier.COUNTY, REG)]
    with pytest.raises(TransitionError) as err:
        plan(history, S.APPROVED, Tier.COUNTY, REG, level=Level.CITY)
    assert str(err.value) == (
        "当前状态为“已推荐”，确定为市级创建单位应由市州委组织部办理，县市区委组织部不能确定为市级创建单位。"
    )
    plan(history, S.APPROVED, Tier.CITY, "4301", level=Level.CITY)


def test_a_city_cannot_skip_the_countys_recommendation_of_a_provincial_candidacy() -> None:
    with pytest.raises(TransitionError, match="须由县市区委组织部推荐"):
        plan([], S.RECOMMENDED, Tier.CITY, "4301")
    # nor can the province decide before the city has recommended
    with pytest.raises(TransitionError) as err:
        plan([Step(S.RECOMMENDED, Tier.COUNTY, REG)], S.APPROVED, Tier.PROVINCE, "43")
    assert str(err.value) == (
        "当前状态为“已推荐”，须先由市州委组织部推荐，省委组织部不能直接确定为省级创建单位。"
    )


def test_a_recommender_trying_to_decide_is_told_to_recommend() -> None:
    with pytest.raises(TransitionError, match="县市区委组织部应先推荐.*由省委组织部办理"):
        plan([], S.APPROVED, Tier.COUNTY, REG)


def test_a_county_level_candidacy_needs_no_recommendation() -> None:
    with pytest.raises(TransitionError, match="由县市区委组织部直接审定，无须推荐"):
        plan([], S.RECOMMENDED, Tier.COUNTY, REG, level=Level.COUNTY)
    plan([], S.APPROVED, Tier.COUNTY, REG, level=Level.COUNTY)


def test_another_county_cannot_act_on_a_countys_candidacy() -> None:
    with pytest.raises(TransitionError, match="该申报由另一县市区委组织部登记"):
        plan([], S.RECOMMENDED, Tier.COUNTY, "430102")


def test_system_route_to_the_province() -> None:
    sys_reg = Tier.SYSTEM
    with pytest.raises(TransitionError, match="须由省直机关/系统推荐"):
        plan([], S.RECOMMENDED, Tier.CITY, "4301", registrant=sys_reg)
    plan([], S.RECOMMENDED, Tier.SYSTEM, REG, registrant=sys_reg)
    history = [Step(S.RECOMMENDED, Tier.SYSTEM, REG)]
    with pytest.raises(TransitionError, match="应由省委组织部办理"):
        plan(history, S.APPROVED, Tier.SYSTEM, REG, registrant=sys_reg)
    plan(history, S.APPROVED, Tier.PROVINCE, "43", registrant=sys_reg)


def test_a_system_decides_its_own_sites() -> None:
    plan([], S.APPROVED, Tier.SYSTEM, REG, level=Level.CITY, registrant=Tier.SYSTEM)
    with pytest.raises(TransitionError, match="应由省直机关/系统办理"):
        plan([], S.APPROVED, Tier.PROVINCE, "43", level=Level.CITY, registrant=Tier.SYSTEM)


@pytest.mark.parametrize("to", sorted(Status))
def test_reason_required_for_exactly_the_four_refusals(to: Status) -> None:
    assert reason_required(to) is (to in {S.RETURNED, S.NOT_SELECTED, S.FAILED, S.ELIMINATED})


@pytest.mark.parametrize(
    ("history", "to"),
    [
        ([Step(S.RECOMMENDED, Tier.COUNTY, REG)], S.RETURNED),
        ([Step(S.RECOMMENDED, Tier.COUNTY, REG)], S.NOT_SELECTED),
    ],
)
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_step_needing_a_reason_is_refused_without_one(
    history: list[Step], to: Status, reason: str | None
) -> None:
    with pytest.raises(TransitionError, match="须填写理由"):
        plan(history, to, Tier.CITY, "4301", reason=reason)
    plan(history, to, Tier.CITY, "4301", reason="材料不全")


def _county_level(*statuses: Status) -> list[Step]:
    return [Step(s, Tier.COUNTY, REG) for s in statuses]


def test_failed_and_eliminated_need_reasons() -> None:
    creating = _county_level(S.APPROVED, S.CREATING)
    with pytest.raises(TransitionError, match="认定考核未达标须填写理由"):
        plan(creating, S.FAILED, Tier.COUNTY, REG, level=Level.COUNTY, reason=None)
    awarded = _county_level(S.APPROVED, S.CREATING, S.PASSED, S.AWARDED)
    with pytest.raises(TransitionError, match="予以淘汰须填写理由"):
        plan(awarded, S.ELIMINATED, Tier.COUNTY, REG, level=Level.COUNTY, reason=None)


@pytest.mark.parametrize("before", [[S.APPROVED], [S.APPROVED, S.CREATING]])
def test_no_plaque_without_a_passed_assessment(before: list[Status]) -> None:
    with pytest.raises(TransitionError, match="尚未考核达标，不能授牌"):
        plan(_county_level(*before), S.AWARDED, Tier.COUNTY, REG, level=Level.COUNTY)


def test_no_assessment_before_the_creation_period_ends() -> None:
    creating = _county_level(S.APPROVED, S.CREATING)
    for today in (date(2012, 1, 1), CREATION_END):
        with pytest.raises(TransitionError) as err:
            plan(creating, S.PASSED, Tier.COUNTY, REG, level=Level.COUNTY, today=today)
        assert str(err.value) == (
            "当前状态为“创建中”，创建期至2012年5月31日结束，创建期结束前不能认定考核达标。"
        )
    plan(creating, S.PASSED, Tier.COUNTY, REG, level=Level.COUNTY, today=date(2012, 6, 1))
    with pytest.raises(TransitionError, match="尚未设定创建期结束日期"):
        plan(creating, S.PASSED, Tier.COUNTY, REG, level=Level.COUNTY, creation_end=None)


def test_approval_beyond_the_quota_needs_an_explicit_override_with_reason() -> None:
    full = QuotaCheck(used=10, allotted=10)

    def approve(quota: QuotaCheck, *, override: bool = False, reason: str | None = None) -> None:
        plan(
            [],
            S.APPROVED,
            Tier.COUNTY,
            REG,
            level=Level.COUNTY,
            quota=quota,
            override=override,
            reason=reason,
        )

    with pytest.raises(TransitionError, match="名额共10个、已确定10个.*超额确定"):
        approve(full, reason="好中选好")
    with pytest.raises(TransitionError, match="超出名额确定为创建单位须说明理由"):
        approve(full, override=True)
    approve(full, override=True, reason="县委决定")
    approve(QuotaCheck(used=9, allotted=10))
    # the quota limits approvals only
    plan([], S.RETURNED, Tier.COUNTY, REG, level=Level.COUNTY, quota=full, reason="补充材料")


def test_returned_then_resubmitted_restarts_the_recommendations() -> None:
    history = [
        Step(S.RECOMMENDED, Tier.COUNTY, REG),
        Step(S.RECOMMENDED, Tier.CITY, "4301"),
        Step(S.RETURNED, Tier.PROVINCE, "43"),
    ]
    with pytest.raises(TransitionError, match="只有登记该申报的县市区委组织部才能重新提交申报"):
        plan(history, S.APPLIED, Tier.CITY, "4301")
    plan(history, S.APPLIED, Tier.COUNTY, REG)
    history.append(Step(S.APPLIED, Tier.COUNTY, REG))
    assert recommendations_so_far(history) == 0
    assert next_actor_tier(Level.PROVINCE, Tier.COUNTY, history) is Tier.COUNTY
    with pytest.raises(TransitionError, match="须由县市区委组织部推荐"):
        plan(history, S.RECOMMENDED, Tier.CITY, "4301")
    with pytest.raises(TransitionError, match="须先由县市区委组织部推荐"):
        plan(history, S.APPROVED, Tier.PROVINCE, "43")
    plan(history, S.RECOMMENDED, Tier.COUNTY, REG)


def test_withdrawal_by_the_registrant_only() -> None:
    history = [Step(S.RECOMMENDED, Tier.COUNTY, REG)]
    with pytest.raises(TransitionError, match="只有登记该申报的县市区委组织部才能撤回申报"):
        plan(history, S.WITHDRAWN, Tier.CITY, "4301")
    with pytest.raises(TransitionError, match="另一县市区委组织部"):
        plan(history, S.WITHDRAWN, Tier.COUNTY, "430102")
    plan(history, S.WITHDRAWN, Tier.COUNTY, REG)
    awarded = _county_level(S.APPROVED, S.CREATING, S.PASSED, S.AWARDED)
    with pytest.raises(TransitionError, match="已授牌，不能撤回"):
        plan(awarded, S.WITHDRAWN, Tier.COUNTY, REG, level=Level.COUNTY)


def test_final_status_refuses_everything() -> None:
    with pytest.raises(TransitionError, match="当前状态为“已淘汰”，流程已结束"):
        plan(
            _county_level(S.APPROVED, S.CREATING, S.PASSED, S.AWARDED, S.ELIMINATED),
            S.RETAINED,
            Tier.COUNTY,
            REG,
            level=Level.COUNTY,
        )


def test_reversal_only_of_ones_own_step_with_nothing_after_it() -> None:
    may_reverse(step_owner_code="4301", actor_code="4301", has_followers=False)
    with pytest.raises(TransitionError, match="由其他单位办理"):
        may_reverse(step_owner_code="4301", actor_code="4302", has_followers=False)
    with pytest.raises(TransitionError, match="已有后续办理"):
        may_reverse(step_owner_code="4301", actor_code="4301", has_followers=True)


def test_whose_turn_it_is() -> None:
    assert current_status([]) is S.APPLIED
    assert next_actor_tier(Level.CITY, Tier.COUNTY, []) is Tier.COUNTY
    history = [Step.from_keys("recommended", "county", REG)]  # strings as read from the database
    assert history[0].to_status is S.RECOMMENDED
    assert next_actor_tier(Level.CITY, Tier.COUNTY, history) is Tier.CITY
    assert waiting_text(Level.CITY, Tier.COUNTY, history) == "待市州审定"
    assert waiting_text(Level.PROVINCE, Tier.COUNTY, history) == "待市州推荐"
    history.append(Step(S.RETURNED, Tier.CITY, "4301"))
    assert next_actor_tier(Level.CITY, Tier.COUNTY, history) is Tier.COUNTY
    history.append(Step(S.WITHDRAWN, Tier.COUNTY, REG))
    assert next_actor_tier(Level.CITY, Tier.COUNTY, history) is None
    assert waiting_text(Level.CITY, Tier.COUNTY, history) == ""


def test_refusal_lists_instead_of_raising_for_bulk_planning() -> None:
    def check(history: list[Step]) -> str | None:
        return refusal(
            level=Level.PROVINCE,
            registrant_tier=Tier.COUNTY,
            history=history,
            to_status=S.RECOMMENDED,
            actor_tier=Tier.CITY,
            actor_code="4301",
            registrant_code=REG,
            today=TODAY_AFTER,
            creation_end=CREATION_END,
            reason=None,
            quota=None,
        )

    assert check([Step(S.RECOMMENDED, Tier.COUNTY, REG)]) is None
    assert "须由县市区委组织部推荐" in (check([]) or "")


def test_reevaluation_due_every_two_years() -> None:
    assert reevaluation_due_date(date(2012, 6, 30)) == date(2014, 6, 30)
    assert reevaluation_due_date(date(2012, 2, 29)) == date(2014, 2, 28)
    assert reevaluation_due_date(date(2012, 11, 30), months=3) == date(2013, 2, 28)
    since = date(2012, 6, 30)
    assert not is_reevaluation_due(status=S.AWARDED, since=since, today=date(2014, 6, 29))
    assert is_reevaluation_due(status=S.AWARDED, since=since, today=date(2014, 6, 30))
    assert is_reevaluation_due(status="retained", since=since, today=date(2015, 1, 1))
    for status in (S.ELIMINATED, S.PASSED, S.CREATING):
        assert not is_reevaluation_due(status=status, since=since, today=date(2020, 1, 1))
