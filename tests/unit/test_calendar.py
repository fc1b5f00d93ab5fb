"""The campaign calendar: milestones, due items, re-evaluation dates, Chinese dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from bqw_desktop.domain.calendar import (
    NOTICE_DATES,
    CampaignDates,
    DueItem,
    add_months,
    chinese_date,
    chinese_numeral_date,
    chinese_numeral_month,
    due_items,
    is_due_or_overdue,
    reevaluation_due,
    reevaluation_item,
    reevaluation_label,
    round_ending_before,
    shifted,
)
from bqw_desktop.errors import UserError

# --- the notice's round -----------------------------------------------------------------------


def test_notice_dates_follow_the_notice() -> None:
    assert NOTICE_DATES.select_by == date(2011, 5, 30)
    assert NOTICE_DATES.creation_start == date(2011, 5, 1)
    assert NOTICE_DATES.creation_end == date(2012, 5, 31)
    assert NOTICE_DATES.assess_by == date(2012, 6, 30)  # before 七一
    assert NOTICE_DATES.reeval_months == 24


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        (
            {"creation_start": date(2012, 6, 1)},
            "创建期开始日期（2012年6月1日）不能晚于创建期结束日期",
        ),
        (
            {"select_by": date(2012, 6, 1)},
            "确定创建单位截止日期（2012年6月1日）不能晚于创建期结束日期",
        ),
        (
            {"assess_by": date(2012, 5, 30)},
            "创建期结束日期（2012年5月31日）不能晚于考核授牌截止日期",
        ),
        ({"reeval_months": 0}, "复评间隔月数必须是正整数"),
        ({"assess_by": datetime(2012, 6, 30, 9, 0)}, "考核授牌截止日期必须是日期"),
        ({"select_by": "2011-05-30"}, "确定创建单位截止日期必须是日期"),
    ],
)
def test_dates_out_of_order_are_refused_naming_the_field(
    changes: dict[str, object], fragment: str
) -> None:
    with pytest.raises(UserError, match=fragment):
        replace(NOTICE_DATES, **changes)  # type: ignore[arg-type]


def test_same_day_boundaries_are_allowed() -> None:
    d = date(2020, 3, 1)
    dates = CampaignDates(select_by=d, creation_start=d, creation_end=d, assess_by=d)
    assert dates.reeval_months == 24


def test_selection_before_creation_start_is_allowed() -> None:
    dates = replace(NOTICE_DATES, select_by=date(2011, 4, 20))
    assert dates.first_year == 2011


# --- later rounds ---------------------------------------------------------------------------


def test_shifted_keeps_month_and_day_pattern() -> None:
    later = shifted(NOTICE_DATES, 2025)
    assert later == CampaignDates(
        select_by=date(2025, 5, 30),
        creation_start=date(2025, 5, 1),
        creation_end=date(2026, 5, 31),
        assess_by=date(2026, 6, 30),
        reeval_months=24,
    )
    assert shifted(later, 2011) == NOTICE_DATES


def test_shifted_clamps_29_february() -> None:
    leap = CampaignDates(
        select_by=date(2023, 12, 1),
        creation_start=date(2024, 1, 1),
        creation_end=date(2024, 2, 29),
        assess_by=date(2024, 3, 31),
        reeval_months=12,
    )
    moved = shifted(leap, 2024)  # first year is 2023 (select_by)
    assert moved.select_by == date(2024, 12, 1)
    assert moved.creation_end == date(2025, 2, 28)
    assert moved.reeval_months == 12


@pytest.mark.parametrize(
    ("today", "creation_end", "assess_by"),
    [
        (date(2026, 6, 10), date(2026, 5, 31), date(2026, 6, 30)),
        (date(2026, 11, 26), date(2026, 5, 31), date(2026, 6, 30)),
        (date(2026, 5, 31), date(2025, 5, 31), date(2025, 6, 30)),  # not ended yet today
        (date(2026, 6, 1), date(2026, 5, 31), date(2026, 6, 30)),
        (date(2026, 1, 5), date(2025, 5, 31), date(2025, 6, 30)),
    ],
)
def test_round_ending_before_today(today: date, creation_end: date, assess_by: date) -> None:
    dates = round_ending_before(today)
    assert dates.creation_end == creation_end
    assert dates.assess_by == assess_by


def test_round_ending_just_before_today_has_assessment_due() -> None:
    today = date(2026, 6, 10)
    items = due_items(today, round_ending_before(today), done={"select_by"})
    assert [(i.kind, i.overdue) for i in items] == [("creation_end", True), ("assess_by", False)]


# --- months and re-evaluation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2012, 2, 29), 24, date(2014, 2, 28)),
        (date(2012, 2, 29), 48, date(2016, 2, 29)),
        (date(2012, 2, 29), 12, date(2013, 2, 28)),
        (date(2011, 1, 31), 1, date(2011, 2, 28)),
        (date(2012, 1, 31), 1, date(2012, 2, 29)),
        (date(2012, 8, 31), 1, date(2012, 9, 30)),
        (date(2012, 11, 15), 2, date(2013, 1, 15)),
        (date(2012, 12, 31), 12, date(2013, 12, 31)),
        (date(2012, 3, 31), -1, date(2012, 2, 29)),
        (date(2012, 6, 30), 0, date(2012, 6, 30)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_reevaluation_due_counts_from_award_then_from_last_reevaluation() -> None:
    assert reevaluation_due(date(2012, 6, 28), None, 24) == date(2014, 6, 28)
    assert reevaluation_due(date(2012, 6, 28), date(2014, 7, 3), 24) == date(2016, 7, 3)
    assert reevaluation_due(date(2012, 2, 29), None, 24) == date(2014, 2, 28)
    assert reevaluation_due(date(2012, 2, 29), None) == date(2014, 2, 28)  # notice default


def test_reevaluation_before_award_is_refused() -> None:
    with pytest.raises(
        UserError, match="复评日期（2012年1月1日）不能早于授牌日期（2012年6月28日）"
    ):
        reevaluation_due(date(2012, 6, 28), date(2012, 1, 1), 24)
    with pytest.raises(ValueError):
        reevaluation_due(date(2012, 6, 28), None, 0)


def test_reevaluation_item() -> None:
    awarded = date(2012, 6, 28)  # due 2014-06-28
    assert reevaluation_item(date(2014, 5, 28), awarded_on=awarded, last_reeval=None) is None
    item = reevaluation_item(date(2014, 5, 29), awarded_on=awarded, last_reeval=None)
    assert item == DueItem("reevaluation", "两年复评", date(2014, 6, 28), overdue=False)
    late = reevaluation_item(date(2014, 6, 29), awarded_on=awarded, last_reeval=None)
    assert late is not None and late.overdue
    done = reevaluation_item(date(2014, 6, 29), awarded_on=awarded, last_reeval=date(2014, 6, 20))
    assert done is None
    assert reevaluation_label(24) == "两年复评"
    assert reevaluation_label(12) == "12个月复评"


# --- due items ------------------------------------------------------------------------------


def test_window_boundaries() -> None:
    today = date(2012, 5, 1)
    assert is_due_or_overdue(date(2012, 5, 31), today, 30)  # exactly 30 days ahead
    assert not is_due_or_overdue(date(2012, 6, 1), today, 30)  # 31 days ahead
    assert is_due_or_overdue(today, today, 0)
    assert not is_due_or_overdue(date(2012, 5, 2), today, 0)
    assert is_due_or_overdue(date(2000, 1, 1), today, 30)  # past is overdue, still shown
    with pytest.raises(ValueError):
        is_due_or_overdue(today, today, -1)


def test_due_items_before_the_round_is_empty() -> None:
    assert due_items(date(2011, 3, 1), NOTICE_DATES) == []


def test_due_items_select_by_due_on_its_last_day_is_not_overdue() -> None:
    items = due_items(date(2011, 5, 30), NOTICE_DATES)
    assert items == [DueItem("select_by", "确定创建单位截止", date(2011, 5, 30), overdue=False)]
    items = due_items(date(2011, 5, 31), NOTICE_DATES)
    assert items[0].overdue


def test_due_items_window_reaches_creation_end_and_assessment() -> None:
    today = date(2012, 5, 31)
    items = due_items(today, NOTICE_DATES, done={"select_by"})
    assert [(i.label, i.due, i.overdue) for i in items] == [
        ("创建期结束", date(2012, 5, 31), False),
        ("考核授牌截止", date(2012, 6, 30), False),  # exactly 30 days ahead
    ]
    narrow = due_items(today, NOTICE_DATES, window_days=29, done={"select_by"})
    assert [i.kind for i in narrow] == ["creation_end"]


def test_due_items_sorted_and_overdue_after_the_round() -> None:
    items = due_items(date(2012, 7, 1), NOTICE_DATES)
    assert [i.kind for i in items] == ["select_by", "creation_end", "assess_by"]
    assert all(i.overdue for i in items)
    assert (
        due_items(date(2012, 7, 1), NOTICE_DATES, done={"select_by", "creation_end", "assess_by"})
        == []
    )


# --- Chinese dates --------------------------------------------------------------------------


def test_chinese_date_has_no_leading_zeros() -> None:
    assert chinese_date(date(2012, 6, 30)) == "2012年6月30日"
    assert chinese_date(date(2011, 5, 1)) == "2011年5月1日"
    assert chinese_date(date(2020, 12, 31)) == "2020年12月31日"


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (date(2012, 6, 30), "二〇一二年六月三十日"),
        (date(2020, 1, 1), "二〇二〇年一月一日"),
        (date(2011, 4, 28), "二〇一一年四月二十八日"),
        (date(2011, 10, 10), "二〇一一年十月十日"),
        (date(2011, 11, 11), "二〇一一年十一月十一日"),
        (date(2011, 12, 20), "二〇一一年十二月二十日"),
        (date(2011, 12, 21), "二〇一一年十二月二十一日"),
        (date(2011, 1, 31), "二〇一一年一月三十一日"),
        (date(2011, 1, 19), "二〇一一年一月十九日"),
        (date(2000, 2, 29), "二〇〇〇年二月二十九日"),
    ],
)
def test_chinese_numeral_date(d: date, text: str) -> None:
    assert chinese_numeral_date(d) == text


def test_chinese_numeral_month() -> None:
    assert chinese_numeral_month(date(2012, 6, 30)) == "二〇一二年六月"
    assert chinese_numeral_month(date(2020, 10, 1)) == "二〇二〇年十月"
    assert chinese_numeral_month(date(2026, 12, 1)) == "二〇二六年十二月"


def test_every_day_of_a_long_month_reads_correctly() -> None:
    ones = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
    expected = (
        ones[1:]
        + ["十"] + [f"十{o}" for o in ones[1:]]
        + ["二十"] + [f"二十{o}" for o in ones[1:]]
        + ["三十", "三十一"]
    )  # fmt: skip
    got = [
        chinese_numeral_date(date(2012, 1, day)).removeprefix("二〇一二年一月")
        for day in range(1, 32)
    ]
    assert got == [f"{e}日" for e in expected]
