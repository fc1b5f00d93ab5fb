"""Quota arithmetic: largest remainder, tie-breaks, adjustments, and what counts."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bqw_desktop.domain.quota import (
    ALLOCATION_COLUMNS,
    COUNTING_STATUSES,
    NON_COUNTING_STATUSES,
    NOTICE_TOTALS,
    Allocation,
    Usage,
    adjust,
    allocate,
    allocation_rows,
    allocation_summary,
    counts_against_quota,
    format_decimal,
    quota_usage,
    within_quota,
)
from bqw_desktop.domain.vocab import Level
from bqw_desktop.errors import NotFoundError, UserError


def seats(allocation: Allocation) -> dict[str, int]:
    return allocation.seats_by_code


# --- the notice's totals --------------------------------------------------------------------


def test_notice_totals_follow_the_notice() -> None:
    assert NOTICE_TOTALS == {"province": 100, "city": 1000, "county": 10000}
    assert NOTICE_TOTALS[Level.PROVINCE] == 100


# --- allocation -----------------------------------------------------------------------------


def test_worked_example_shows_exact_floor_remainder_and_seats() -> None:
    # 10 places over 3 + 3 + 1 = 7 organizations: exact 30/7, 30/7, 10/7.
    result = allocate(10, [("A", "甲市", 3), ("B", "乙市", 3), ("C", "丙市", 1)])
    a, _, c = result.shares
    assert a.exact == Fraction(30, 7) and a.floor == 4 and a.remainder == Fraction(2, 7)
    assert c.exact == Fraction(10, 7) and c.floor == 1 and c.remainder == Fraction(3, 7)
    # floors 4 + 4 + 1 = 9; the one leftover goes to the largest remainder (C, 3/7).
    assert seats(result) == {"A": 4, "B": 4, "C": 2}
    assert a.exact_text == "4.2857"
    assert c.remainder_text == "0.4286"
    assert result.assigned == 10 and result.over_by == 0 and result.balanced


def test_shares_keep_input_order() -> None:
    result = allocate(5, [("Z", "末", 1), ("A", "首", 9)])
    assert [s.code for s in result.shares] == ["Z", "A"]


def test_tie_on_remainder_goes_to_more_organizations() -> None:
    # 3 places over 1 + 3 + 2 = 6 organizations: exact 0.5, 1.5, 1.0.
    result = allocate(3, [("A", "甲", 1), ("B", "乙", 3), ("C", "丙", 2)])
    # exact 0.5, 1.5, 1.0: floors 0,1,1 → one leftover; A and B tie at 0.5, B has more orgs.
    assert [s.remainder for s in result.shares] == [Fraction(1, 2), Fraction(1, 2), 0]
    assert seats(result) == {"A": 0, "B": 2, "C": 1}


def test_tie_on_remainder_and_organizations_goes_to_smaller_code() -> None:
    units = [("430200", "株洲市", 5), ("430100", "长沙市", 5), ("430300", "湘潭市", 5)]
    result = allocate(1, units)
    assert seats(result) == {"430200": 0, "430100": 1, "430300": 0}
    result = allocate(2, units)
    assert seats(result) == {"430200": 1, "430100": 1, "430300": 0}


def test_organization_tie_break_beats_code_order() -> None:
    # Equal remainders 1/2: "B" has more organizations than "A" and wins despite its code.
    result = allocate(1, [("A", "甲", 1), ("B", "乙", 1)])
    assert seats(result) == {"A": 1, "B": 0}  # same count → smaller code
    # 3 orgs vs 1 org over 2 places: exact 1.5 / 0.5 → both remainders 1/2; B has more orgs.
    result = allocate(2, [("A", "甲", 1), ("B", "乙", 3)])
    assert seats(result) == {"A": 0, "B": 2}


def test_unit_with_zero_organizations_gets_nothing() -> None:
    result = allocate(7, [("A", "甲", 0), ("B", "乙", 2), ("C", "丙", 1)])
    a = result.share("A")
    assert a.exact == 0 and a.floor == 0 and a.remainder == 0 and a.seats == 0
    assert result.assigned == 7


def test_zero_organizations_never_wins_leftover_even_with_smallest_code() -> None:
    # Remainders of B and C are 1/3 and 2/3; A (0 orgs, smallest code) must not be picked.
    result = allocate(2, [("A", "甲", 0), ("B", "乙", 1), ("C", "丙", 2)])
    assert seats(result) == {"A": 0, "B": 1, "C": 1}


def test_total_smaller_than_number_of_units() -> None:
    units = [(f"U{i:02d}", f"单位{i}", 10 + i) for i in range(14)]
    result = allocate(5, units)
    assert result.assigned == 5
    assert sum(1 for s in result.shares if s.seats == 0) == 9
    # Every exact share is below 1, so the five largest counts get one place each.
    assert {code for code, n in seats(result).items() if n} == {"U09", "U10", "U11", "U12", "U13"}


def test_total_zero_gives_everyone_zero() -> None:
    result = allocate(0, [("A", "甲", 4), ("B", "乙", 0)])
    assert seats(result) == {"A": 0, "B": 0}


def test_all_zero_organizations_is_refused_in_chinese() -> None:
    with pytest.raises(UserError, match="各单位基层党组织数均为0，无法按比例分配"):
        allocate(10, [("A", "甲", 0), ("B", "乙", 0)])


@pytest.mark.parametrize(
    ("total", "units", "fragment"),
    [
        (-1, [("A", "甲", 1)], "名额总数不能为负数"),
        (1.5, [("A", "甲", 1)], "名额总数必须是整数"),
        (10, [("A", "甲", -3)], "甲”（A）的基层党组织数不能为负数"),
        (10, [("A", "甲", 2.5)], "基层党组织数必须是整数"),
        (10, [("A", "甲", 1), ("A", "乙", 2)], "单位代码“A”重复"),
        (10, [("", "甲", 1)], "单位“甲”缺少单位代码"),
        (10, [], "没有可分配名额的单位"),
    ],
)
def test_bad_input_is_a_user_error_naming_the_problem(
    total: object, units: list[tuple[str, str, object]], fragment: str
) -> None:
    with pytest.raises(UserError, match=fragment):
        allocate(total, units)  # type: ignore[arg-type]


def test_notice_county_total_over_realistic_counties_adds_up() -> None:
    units = [(f"43{i:04d}", f"县{i}", 300 + (i * 37) % 900) for i in range(122)]
    result = allocate(NOTICE_TOTALS[Level.COUNTY], units)
    assert result.assigned == 10000


units_strategy = st.lists(st.integers(min_value=0, max_value=5000), min_size=1, max_size=40).filter(
    lambda counts: any(counts)
)


@given(total=st.integers(min_value=0, max_value=20000), counts=units_strategy)
def test_hamilton_properties(total: int, counts: list[int]) -> None:
    units = [(f"U{i:03d}", f"单位{i}", n) for i, n in enumerate(counts)]
    result = allocate(total, units)
    assert result.assigned == total
    for share in result.shares:
        assert share.exact == share.floor + share.remainder
        assert 0 <= share.remainder < 1
        assert share.seats in (share.floor, share.floor + 1)
        if share.organizations == 0:
            assert share.seats == 0
    # Whoever got a bonus place had a remainder at least as large as anyone who did not.
    bonus = [s.remainder for s in result.shares if s.seats > s.floor]
    plain = [s.remainder for s in result.shares if s.seats == s.floor]
    if bonus and plain:
        assert min(bonus) >= max(plain)


# --- adjustment -----------------------------------------------------------------------------


def test_adjust_records_reason_and_reports_difference() -> None:
    base = allocate(10, [("A", "甲", 3), ("B", "乙", 3), ("C", "丙", 1)])
    adjusted = adjust(base, code="A", seats=6, reason="  省委决定增加2个  ")
    assert adjusted.seats_by_code == {"A": 6, "B": 4, "C": 2}
    assert adjusted.over_by == 2 and not adjusted.balanced
    (record,) = adjusted.adjustments
    assert (record.code, record.before, record.after, record.reason) == (
        "A",
        4,
        6,
        "省委决定增加2个",
    )
    # The arithmetic stays visible; the original allocation is untouched.
    assert adjusted.share("A").exact == Fraction(30, 7)
    assert base.seats_by_code["A"] == 4 and base.adjustments == ()


def test_adjustments_can_rebalance() -> None:
    base = allocate(10, [("A", "甲", 3), ("B", "乙", 3), ("C", "丙", 1)])
    step = adjust(base, code="A", seats=5, reason="重点地区")
    assert step.over_by == 1
    final = adjust(step, code="C", seats=1, reason="让出1个")
    assert final.balanced and len(final.adjustments) == 2
    under = adjust(base, code="B", seats=1, reason="本轮暂缓")
    assert under.over_by == -3


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_adjust_without_reason_is_refused(reason: str | None) -> None:
    base = allocate(4, [("A", "甲", 1), ("B", "乙", 1)])
    with pytest.raises(UserError, match="必须填写调整原因"):
        adjust(base, code="A", seats=3, reason=reason)  # type: ignore[arg-type]


def test_adjust_rejects_negative_seats_and_unknown_code() -> None:
    base = allocate(4, [("A", "甲", 1), ("B", "乙", 1)])
    with pytest.raises(UserError, match="名额不能为负数"):
        adjust(base, code="A", seats=-1, reason="错")
    with pytest.raises(NotFoundError, match="“Q”"):
        adjust(base, code="Q", seats=1, reason="错")


def test_summary_sentence() -> None:
    base = allocate(10, [("A", "甲", 1)])
    assert allocation_summary(base) == "名额总数10个，已分配10个，分配完毕。"
    assert "超出2个" in allocation_summary(adjust(base, code="A", seats=12, reason="x"))
    assert "尚差3个" in allocation_summary(adjust(base, code="A", seats=7, reason="x"))


# --- display rows ---------------------------------------------------------------------------


def test_allocation_rows_have_chinese_columns_and_show_the_arithmetic() -> None:
    result = allocate(10, [("A", "甲市", 3), ("B", "乙市", 3), ("C", "丙市", 1)])
    result = adjust(result, code="B", seats=3, reason="让给丙市")
    rows = allocation_rows(result)
    assert list(rows[0]) == list(ALLOCATION_COLUMNS)
    assert ALLOCATION_COLUMNS[:7] == (
        "单位代码",
        "单位名称",
        "基层党组织数",
        "精确份额",
        "整数部分",
        "余数",
        "分配名额",
    )
    assert rows[0] == {
        "单位代码": "A",
        "单位名称": "甲市",
        "基层党组织数": 3,
        "精确份额": "4.2857",
        "整数部分": 4,
        "余数": "0.2857",
        "分配名额": 4,
        "调整说明": "",
    }
    assert rows[1]["分配名额"] == 3
    assert rows[1]["调整说明"] == "原4个，调为3个：让给丙市"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(2, 3), "0.6667"),
        (Fraction(1, 2), "0.5000"),
        (Fraction(1, 20000), "0.0001"),  # half rounds up
        (Fraction(1, 20001), "0.0000"),
        (Fraction(99999, 100000), "1.0000"),
        (10000, "10000.0000"),
        (Fraction(-2, 3), "-0.6667"),
    ],
)
def test_format_decimal_is_exact(value: Fraction, text: str) -> None:
    assert format_decimal(value) == text


# --- usage and counting ---------------------------------------------------------------------


def test_quota_usage_lists_every_unit_and_strays() -> None:
    allocation = allocate(10, [("A", "甲", 3), ("B", "乙", 3), ("C", "丙", 1)])
    usage = quota_usage({"A": 4, "C": 3, "X": 1}, allocation)
    assert usage["A"] == (4, 4) and usage["A"].remaining == 0 and not usage["A"].over
    assert usage["B"] == Usage(0, 4)
    assert usage["C"].over and usage["C"].remaining == -1
    assert usage["X"] == (1, 0)  # counted candidacies with no allotment are not hidden


def test_within_quota() -> None:
    assert within_quota(3, 4)
    assert not within_quota(4, 4)
    assert within_quota(2, 4, adding=2)
    assert not within_quota(2, 4, adding=3)
    assert within_quota(4, 4, adding=0)
    assert not within_quota(0, 0)
    with pytest.raises(ValueError):
        within_quota(0, 1, adding=-1)


@pytest.mark.parametrize(
    "status", ["approved", "creating", "passed", "failed", "awarded", "retained"]
)
def test_live_statuses_from_approval_on_count(status: str) -> None:
    assert counts_against_quota(status)


@pytest.mark.parametrize(
    "status", ["applied", "recommended", "returned", "not_selected", "withdrawn", "eliminated"]
)
def test_unapproved_and_released_statuses_do_not_count(status: str) -> None:
    assert not counts_against_quota(status)


def test_every_status_is_classified_once_and_unknown_is_a_bug() -> None:
    assert not COUNTING_STATUSES & NON_COUNTING_STATUSES
    assert len(COUNTING_STATUSES | NON_COUNTING_STATUSES) == 12
    with pytest.raises(ValueError):
        counts_against_quota("approve")
