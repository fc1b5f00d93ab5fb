"""Quota arithmetic: how many demonstration-site places each unit gets, and what counts.

The notice fixes the province-wide totals (100 provincial, 1,000 city-level, 10,000
county-level sites) and says the city- and county-level numbers follow the total and each
place's number of grassroots party organizations. We share a total out by the
largest-remainder (Hamilton) method:

1. each unit's exact share is ``total × organizations ÷ all organizations`` (kept as a
   `Fraction`, so nothing drifts and ties are real ties);
2. every unit first gets the whole part (floor) of its share;
3. the places left over go one each to the units with the largest remainders; equal
   remainders go first to the unit with more organizations, then to the smaller unit code.

The same function serves every step: the province proposing its 100 provincial places among
cities and ``system`` offices, the province sharing city/county totals among cities, and a
city passing its share on to its counties. A clerk may change any unit's number afterwards,
but only with a recorded reason; the allocation then says how far it is over or under.

Pure rules: no I/O, no database, no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import NamedTuple

from bqw_desktop.domain.vocab import Level
from bqw_desktop.errors import NotFoundError, UserError

NOTICE_TOTALS: dict[str, int] = {Level.PROVINCE: 100, Level.CITY: 1000, Level.COUNTY: 10000}
"""The notice's province-wide totals per site level."""

Unit = tuple[str, str, int]
"""``(unit code, unit name, number of grassroots party organizations)``."""

DISPLAY_PLACES = 4

# Candidacy statuses (keys shared with the candidacy lifecycle).
COUNTING_STATUSES: frozenset[str] = frozenset(
    {"approved", "creating", "passed", "failed", "awarded", "retained"}
)
NON_COUNTING_STATUSES: frozenset[str] = frozenset(
    {"applied", "recommended", "returned", "not_selected", "withdrawn", "eliminated"}
)

COLUMN_CODE = "单位代码"
COLUMN_NAME = "单位名称"
COLUMN_ORGS = "基层党组织数"
COLUMN_EXACT = "精确份额"
COLUMN_FLOOR = "整数部分"
COLUMN_REMAINDER = "余数"
COLUMN_SEATS = "分配名额"
COLUMN_NOTE = "调整说明"
ALLOCATION_COLUMNS: tuple[str, ...] = (
    COLUMN_CODE,
    COLUMN_NAME,
    COLUMN_ORGS,
    COLUMN_EXACT,
    COLUMN_FLOOR,
    COLUMN_REMAINDER,
    COLUMN_SEATS,
    COLUMN_NOTE,
)
"""Keys of `allocation_rows` in display order."""


def format_decimal(value: Fraction | int, places: int = DISPLAY_PLACES) -> str:
    """``value`` written with exactly ``places`` decimals, halves rounded away from zero.

    Exact: 2/3 → ``"0.6667"``, 1/2 → ``"0.5000"``; no float is ever involved.
    """
    if places < 0:
        raise ValueError("places must not be negative")
    value = Fraction(value)
    scale = 10**places
    scaled = abs(value) * scale
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    sign = "-" if value < 0 and whole else ""
    integer, fraction = divmod(whole, scale)
    if places == 0:
        return f"{sign}{integer}"
    return f"{sign}{integer}.{fraction:0{places}d}"


@dataclass(frozen=True)
class UnitShare:
    """One unit's line in the arithmetic: exact share, whole part, remainder and places.

    ``exact == floor + remainder`` always; ``seats`` is what the unit is allotted, which is
    ``floor`` or ``floor + 1`` unless a clerk adjusted it (see `Allocation.adjustments`).
    """

    code: str
    name: str
    organizations: int
    exact: Fraction
    floor: int
    remainder: Fraction
    seats: int

    @property
    def exact_text(self) -> str:
        """The exact share to four decimals, for display."""
        return format_decimal(self.exact)

    @property
    def remainder_text(self) -> str:
        """The remainder to four decimals, for display."""
        return format_decimal(self.remainder)


@dataclass(frozen=True)
class Adjustment:
    """A clerk's change of one unit's places, with the reason they gave."""

    code: str
    name: str
    before: int
    after: int
    reason: str


@dataclass(frozen=True)
class Allocation:
    """A total shared out among units, plus any manual adjustments made since.

    Shares keep the order the units were given in.
    """

    total: int
    shares: tuple[UnitShare, ...]
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def seats_by_code(self) -> dict[str, int]:
        """Places per unit code."""
        return {share.code: share.seats for share in self.shares}

    @property
    def assigned(self) -> int:
        """Places handed out in all."""
        return sum(share.seats for share in self.shares)

    @property
    def over_by(self) -> int:
        """``assigned - total``: positive when more is handed out than the total, negative
        when less. Only manual adjustments can make it non-zero."""
        return self.assigned - self.total

    @property
    def balanced(self) -> bool:
        """True when exactly the total is handed out."""
        return self.over_by == 0

    def share(self, code: str) -> UnitShare:
        """The line of the unit with this code; `NotFoundError` if it is not in the list."""
        for share in self.shares:
            if share.code == code:
                return share
        raise NotFoundError(f"分配表中没有单位代码为“{code}”的单位。")


def allocate(total: int, units: Sequence[Unit]) -> Allocation:
    """Share ``total`` places among ``units`` by the largest-remainder method.

    ``units`` are ``(code, name, organizations)``. The result lists every unit in the order
    given; the places handed out add up to ``total`` exactly. Equal remainders are broken by
    the larger organization count, then by the smaller unit code (string order).

    A unit with no organizations gets no places: its exact share and remainder are 0, and a
    remainder of 0 never wins a leftover place. (The leftover places ``r`` equal the sum of
    all remainders; each remainder is below 1, so more than ``r`` units have a positive
    remainder and the ``r`` largest are all positive.) A total smaller than the number of
    units is fine: some units get 0. A total of 0 gives everyone 0.

    Raises `UserError` for a negative total, a negative or non-integer count, a repeated or
    empty unit code, no units at all, or when every unit has 0 organizations and there are
    places to share.
    """
    _check_total(total)
    _check_units(units)
    if not units:
        if total == 0:
            return Allocation(total=0, shares=())
        raise UserError("没有可分配名额的单位，请先添加单位。")
    all_orgs = sum(orgs for _, _, orgs in units)
    if all_orgs == 0:
        if total == 0:
            return Allocation(total=0, shares=tuple(_share(u, Fraction(0), 0) for u in units))
        raise UserError("各单位基层党组织数均为0，无法按比例分配。")

    exacts = [Fraction(total * orgs, all_orgs) for _, _, orgs in units]
    floors = [int(e) for e in exacts]  # exact ≥ 0, so int() is the floor
    leftover = total - sum(floors)
    # Largest remainder first; then more organizations; then smaller code.
    order = sorted(
        range(len(units)),
        key=lambda i: (-(exacts[i] - floors[i]), -units[i][2], units[i][0]),
    )
    bonus = set(order[:leftover])
    shares = tuple(
        _share(unit, exacts[i], floors[i] + (1 if i in bonus else 0))
        for i, unit in enumerate(units)
    )
    return Allocation(total=total, shares=shares)


def _share(unit: Unit, exact: Fraction, seats: int) -> UnitShare:
    code, name, orgs = unit
    whole = int(exact)
    return UnitShare(
        code=code,
        name=name,
        organizations=orgs,
        exact=exact,
        floor=whole,
        remainder=exact - whole,
        seats=seats,
    )


def _check_total(total: int) -> None:
    if isinstance(total, bool) or not isinstance(total, int):
        raise UserError(f"名额总数必须是整数，现为“{total}”。")
    if total < 0:
        raise UserError(f"名额总数不能为负数，现为{total}。")


def _check_units(units: Iterable[Unit]) -> None:
    seen: set[str] = set()
    for code, name, orgs in units:
        if not str(code).strip():
            raise UserError(f"单位“{name}”缺少单位代码。")
        if code in seen:
            raise UserError(f"单位代码“{code}”重复出现，每个单位只能列一次。")
        seen.add(code)
        if isinstance(orgs, bool) or not isinstance(orgs, int):
            raise UserError(f"单位“{name}”（{code}）的基层党组织数必须是整数，现为“{orgs}”。")
        if orgs < 0:
            raise UserError(f"单位“{name}”（{code}）的基层党组织数不能为负数，现为{orgs}。")


def adjust(allocation: Allocation, *, code: str, seats: int, reason: str) -> Allocation:
    """``allocation`` with unit ``code`` set to ``seats`` places, the change recorded.

    The arithmetic columns (exact, floor, remainder) stay as computed so the table still
    shows where the number came from; the new `Adjustment` carries the before/after and the
    reason. The total is not changed: the result's `Allocation.over_by` tells the caller
    whether the places now add up to more or less than the total, so it can warn.

    Raises `UserError` for an empty reason or a negative or non-integer number of places,
    `NotFoundError` for an unknown code.
    """
    clean_reason = (reason or "").strip()
    target = allocation.share(code)
    if isinstance(seats, bool) or not isinstance(seats, int):
        raise UserError(f"单位“{target.name}”的名额必须是整数，现为“{seats}”。")
    if seats < 0:
        raise UserError(f"单位“{target.name}”的名额不能为负数，现为{seats}。")
    if not clean_reason:
        raise UserError(f"调整单位“{target.name}”的名额必须填写调整原因。")
    record = Adjustment(
        code=code, name=target.name, before=target.seats, after=seats, reason=clean_reason
    )
    shares = tuple(replace(s, seats=seats) if s.code == code else s for s in allocation.shares)
    return replace(allocation, shares=shares, adjustments=(*allocation.adjustments, record))


def allocation_summary(allocation: Allocation) -> str:
    """One Chinese sentence on whether the places add up, e.g. for a warning line."""
    head = f"名额总数{allocation.total}个，已分配{allocation.assigned}个"
    if allocation.over_by > 0:
        return f"{head}，超出{allocation.over_by}个。"
    if allocation.over_by < 0:
        return f"{head}，尚差{-allocation.over_by}个。"
    return f"{head}，分配完毕。"


def allocation_rows(allocation: Allocation) -> list[dict[str, object]]:
    """One dict per unit with the Chinese column keys of `ALLOCATION_COLUMNS`.

    Counts and places are ints; exact share and remainder are text to four decimals;
    调整说明 lists the unit's adjustments ("原3个，调为4个：理由") or is empty.
    """
    notes: dict[str, list[str]] = {}
    for adj in allocation.adjustments:
        notes.setdefault(adj.code, []).append(f"原{adj.before}个，调为{adj.after}个：{adj.reason}")
    return [
        {
            COLUMN_CODE: s.code,
            COLUMN_NAME: s.name,
            COLUMN_ORGS: s.organizations,
            COLUMN_EXACT: s.exact_text,
            COLUMN_FLOOR: s.floor,
            COLUMN_REMAINDER: s.remainder_text,
            COLUMN_SEATS: s.seats,
            COLUMN_NOTE: "；".join(notes.get(s.code, ())),
        }
        for s in allocation.shares
    ]


class Usage(NamedTuple):
    """Places used against places allotted for one unit."""

    used: int
    allotted: int

    @property
    def remaining(self) -> int:
        """Places still free (negative when over quota)."""
        return self.allotted - self.used

    @property
    def over(self) -> bool:
        """True when more places are used than allotted."""
        return self.used > self.allotted


def quota_usage(approved_counts: Mapping[str, int], allocation: Allocation) -> dict[str, Usage]:
    """Per unit code: ``(used, allotted)``.

    ``approved_counts`` are the candidacies per unit that count against the quota (see
    `counts_against_quota`). Every unit of the allocation appears, with 0 used when it has
    none; a unit that has counted candidacies but no line in the allocation appears with 0
    allotted, so over-use there is not hidden.
    """
    usage = {s.code: Usage(approved_counts.get(s.code, 0), s.seats) for s in allocation.shares}
    for code, used in approved_counts.items():
        usage.setdefault(code, Usage(used, 0))
    return usage


def within_quota(used: int, allotted: int, adding: int = 1) -> bool:
    """True when ``adding`` more places still fit: ``used + adding <= allotted``."""
    if adding < 0:
        raise ValueError("adding must not be negative")
    return used + adding <= allotted


def counts_against_quota(status: str) -> bool:
    """Whether a candidacy in ``status`` takes up one of its unit's places.

    The notice's rule: a place is taken by a candidacy approved as a creation unit
    (创建单位) that has not been withdrawn or eliminated. So approved, creating, passed,
    awarded and retained count; applied, recommended, returned and not_selected do not
    (never approved), nor do withdrawn and eliminated (the place was given back).

    ``failed`` (assessed but below standard, so not awarded) still counts: the place was
    given to that unit for this round and used up during the creation period; the notice
    fixes the number of creation units per round, not the number of awards, and a later
    candidate could not go through the creation period anyway. The place is freed only when
    the candidacy is withdrawn or eliminated.

    Raises `ValueError` for a status key this module does not know.
    """
    if status in COUNTING_STATUSES:
        return True
    if status in NON_COUNTING_STATUSES:
        return False
    raise ValueError(f"unknown candidacy status: {status!r}")
