"""The campaign calendar: a round's milestones, what is due, and dates written in Chinese.

The notice's round: creation units decided by 30 May 2011; creation from May 2011 to May
2012; assessment and award before 1 July 2012; after the award, a re-evaluation every two
years, failing sites being eliminated. Later rounds reuse the same month/day pattern
(`shifted`).

Pure rules: no I/O, no clock (callers pass ``today``), no Qt.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from bqw_desktop.errors import UserError

DEFAULT_WINDOW_DAYS = 30

KIND_SELECT_BY = "select_by"
KIND_CREATION_END = "creation_end"
KIND_ASSESS_BY = "assess_by"
KIND_REEVALUATION = "reevaluation"

DUE_LABELS: dict[str, str] = {
    KIND_SELECT_BY: "确定创建单位截止",
    KIND_CREATION_END: "创建期结束",
    KIND_ASSESS_BY: "考核授牌截止",
    KIND_REEVALUATION: "两年复评",
}

FIELD_LABELS: dict[str, str] = {
    "select_by": "确定创建单位截止日期",
    "creation_start": "创建期开始日期",
    "creation_end": "创建期结束日期",
    "assess_by": "考核授牌截止日期",
    "reeval_months": "复评间隔月数",
}


@dataclass(frozen=True)
class CampaignDates:
    """One round's milestones; every ``*_by`` / ``*_end`` date is the last allowed day.

    Order rules (checked on construction, `UserError` naming the field otherwise):
    ``creation_start <= creation_end``, ``select_by <= creation_end`` (units are chosen
    before creation ends; the notice chooses them a month *into* the creation period),
    ``creation_end <= assess_by``, and ``reeval_months >= 1``.
    """

    select_by: date
    creation_start: date
    creation_end: date
    assess_by: date
    reeval_months: int = 24

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "reeval_months":
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise UserError(f"{FIELD_LABELS[f.name]}必须是正整数，现为“{value}”。")
            elif isinstance(value, datetime) or not isinstance(value, date):
                raise UserError(f"{FIELD_LABELS[f.name]}必须是日期，现为“{value}”。")
        self._check_not_after("creation_start", "creation_end")
        self._check_not_after("select_by", "creation_end")
        self._check_not_after("creation_end", "assess_by")

    def _check_not_after(self, earlier: str, later: str) -> None:
        first: date = getattr(self, earlier)
        second: date = getattr(self, later)
        if first > second:
            raise UserError(
                f"{FIELD_LABELS[earlier]}（{chinese_date(first)}）不能晚于"
                f"{FIELD_LABELS[later]}（{chinese_date(second)}）。"
            )

    @property
    def first_year(self) -> int:
        """The year of the round's earliest date."""
        return min(self.select_by, self.creation_start).year


NOTICE_DATES = CampaignDates(
    select_by=date(2011, 5, 30),
    creation_start=date(2011, 5, 1),
    creation_end=date(2012, 5, 31),
    assess_by=date(2012, 6, 30),  # the notice: “2012年‘七.一’前”
    reeval_months=24,
)


def _replace_year(d: date, year: int) -> date:
    """``d`` in ``year``; 29 February becomes 28 February in a common year."""
    day = min(d.day, _stdlib_calendar.monthrange(year, d.month)[1])
    return date(year, d.month, day)


def shifted(dates: CampaignDates, to_year: int) -> CampaignDates:
    """A round with the same month/day pattern whose earliest date falls in ``to_year``.

    Every date moves by the same number of years (29 February → 28 February where needed);
    ``reeval_months`` is kept. ``shifted(NOTICE_DATES, 2025)`` runs from May 2025 to
    30 June 2026.
    """
    offset = to_year - dates.first_year
    return CampaignDates(
        select_by=_replace_year(dates.select_by, dates.select_by.year + offset),
        creation_start=_replace_year(dates.creation_start, dates.creation_start.year + offset),
        creation_end=_replace_year(dates.creation_end, dates.creation_end.year + offset),
        assess_by=_replace_year(dates.assess_by, dates.assess_by.year + offset),
        reeval_months=dates.reeval_months,
    )


def round_ending_before(today: date, *, pattern: CampaignDates = NOTICE_DATES) -> CampaignDates:
    """The latest round of ``pattern`` whose creation period has ended before ``today``.

    Handy for demonstration data dated around today: with the notice's pattern and today in
    June, creation ended on 31 May and assessment is due by 30 June.
    """
    candidate = shifted(pattern, today.year - (pattern.creation_end.year - pattern.first_year))
    while candidate.creation_end >= today:
        candidate = shifted(candidate, candidate.first_year - 1)
    return candidate


def add_months(d: date, months: int) -> date:
    """``d`` plus ``months`` calendar months, the day clamped to the month's length.

    31 January + 1 month → 28/29 February; 29 February 2012 + 24 months → 28 February 2014.
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    last_day = _stdlib_calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last_day))


def reevaluation_due(awarded_on: date, last_reeval: date | None, months: int = 24) -> date:
    """The date the next re-evaluation is due: ``months`` after the last one, or after the
    award when there has been none yet.

    Raises `UserError` when the last re-evaluation is dated before the award, `ValueError`
    for ``months < 1``.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    if last_reeval is not None and last_reeval < awarded_on:
        raise UserError(
            f"复评日期（{chinese_date(last_reeval)}）不能早于授牌日期（{chinese_date(awarded_on)}）。"
        )
    return add_months(last_reeval or awarded_on, months)


@dataclass(frozen=True)
class DueItem:
    """A milestone that is due soon or already past."""

    kind: str
    label: str
    due: date
    overdue: bool


def is_due_or_overdue(due: date, today: date, window_days: int = DEFAULT_WINDOW_DAYS) -> bool:
    """True when ``due`` is no later than ``today + window_days`` (past dates included).

    Both ends count: due today, or exactly ``window_days`` from now, is due.
    """
    if window_days < 0:
        raise ValueError("window_days must not be negative")
    return due <= today + timedelta(days=window_days)


def _item(kind: str, label: str, due: date, today: date) -> DueItem:
    return DueItem(kind=kind, label=label, due=due, overdue=due < today)


def due_items(
    today: date,
    dates: CampaignDates,
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    done: Collection[str] = (),
) -> list[DueItem]:
    """The round's milestones (select_by, creation_end, assess_by) due within ``window_days``
    of ``today`` or already past, earliest first.

    A milestone is overdue when its last day is before ``today``. ``done`` holds the kinds
    the caller knows are finished (e.g. ``{"select_by"}`` once creation units are fixed);
    they are left out so a finished step does not stay "overdue" for ever.
    """
    milestones = (
        (KIND_SELECT_BY, dates.select_by),
        (KIND_CREATION_END, dates.creation_end),
        (KIND_ASSESS_BY, dates.assess_by),
    )
    items = [
        _item(kind, DUE_LABELS[kind], due, today)
        for kind, due in milestones
        if kind not in done and is_due_or_overdue(due, today, window_days)
    ]
    return sorted(items, key=lambda item: item.due)


def reevaluation_label(months: int) -> str:
    """Label "两年复评" for the notice's 24 months, otherwise "N个月复评"."""
    return DUE_LABELS[KIND_REEVALUATION] if months == 24 else f"{months}个月复评"


def reevaluation_item(
    today: date,
    *,
    awarded_on: date,
    last_reeval: date | None,
    months: int = 24,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> DueItem | None:
    """The awarded site's next re-evaluation as a `DueItem` when it is due within
    ``window_days`` or overdue, else None."""
    due = reevaluation_due(awarded_on, last_reeval, months)
    if not is_due_or_overdue(due, today, window_days):
        return None
    return _item(KIND_REEVALUATION, reevaluation_label(months), due, today)


# --- dates written in Chinese -------------------------------------------------------------

_DIGITS = "〇一二三四五六七八九"


def chinese_date(d: date) -> str:
    """``2012年6月30日``: Arabic numerals, no leading zeros."""
    return f"{d.year}年{d.month}月{d.day}日"


def _numeral_year(year: int) -> str:
    # Years are read digit by digit: 2020 → 二〇二〇.
    return "".join(_DIGITS[int(c)] for c in str(year))


def _numeral_small(n: int) -> str:
    """1–39 in Chinese numerals: 十, 十一, 二十, 二十一, 三十一…"""
    if not 1 <= n <= 39:
        raise ValueError(f"expected 1..39, got {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def chinese_numeral_month(d: date) -> str:
    """``二〇一二年六月``, as on certificates."""
    return f"{_numeral_year(d.year)}年{_numeral_small(d.month)}月"


def chinese_numeral_date(d: date) -> str:
    """``二〇一二年六月三十日``, as on certificates."""
    return f"{chinese_numeral_month(d)}{_numeral_small(d.day)}日"
