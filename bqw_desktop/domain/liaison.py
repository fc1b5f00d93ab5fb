"""Liaison, inspection and ledger vocabulary, and the pure rules of visit intervals.

The notice (二.2–二.5) asks the organization one level up to name a leader, a responsible
comrade and a liaison officer per site, to visit and inspect it regularly, to support it
with funds, meetings and party–mass co-building, and to publicise it. Keys are stored and
carried in packages; labels are what people read.

Interval rule: a site is due for a visit `interval` days after its last visit. A site never
visited is due `interval` days after the earliest start of anyone's assignment to it (the
day the upper organization took it on); a site nobody has been assigned to and nobody has
visited is overdue at once, because it has no one looking after it at all. The site's
registration time is not used: it is a wall-clock time, not carried between offices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Role(StrEnum):
    """A person's role for a site."""

    LEADER = "leader"  # 主要领导亲自联系
    RESPONSIBLE = "responsible"  # 明确一名负责同志具体抓
    LIAISON = "liaison"  # 选派联络员，定期到点上指导督查


ROLE_LABELS: dict[str, str] = {
    Role.LEADER: "主要领导",
    Role.RESPONSIBLE: "负责同志",
    Role.LIAISON: "联络员",
}


class VisitKind(StrEnum):
    GUIDANCE = "guidance"
    INSPECTION = "inspection"
    PRE_ASSESSMENT = "pre_assessment"
    SURVEY = "survey"


VISIT_KIND_LABELS: dict[str, str] = {
    VisitKind.GUIDANCE: "指导",
    VisitKind.INSPECTION: "督查",
    VisitKind.PRE_ASSESSMENT: "考核前检查",
    VisitKind.SURVEY: "调研",
}


class LedgerKind(StrEnum):
    PLAN = "plan"
    MEETING = "meeting"
    FUNDING = "funding"
    HONOUR = "honour"
    PUBLICITY = "publicity"
    EXPERIENCE = "experience"


LEDGER_KIND_LABELS: dict[str, str] = {
    LedgerKind.PLAN: "实施方案与工作措施",
    LedgerKind.MEETING: "会议",
    LedgerKind.FUNDING: "经费支持",
    LedgerKind.HONOUR: "党群共建",
    LedgerKind.PUBLICITY: "宣传报道",
    LedgerKind.EXPERIENCE: "经验做法",
}

PLAN_SUBKINDS: dict[str, str] = {"plan": "实施方案", "measures": "工作措施"}

MEETING_SUBKINDS: dict[str, str] = {
    "progress": "推进会",
    "exchange": "现场经验交流会",
    "review": "领导点评会",
}

HONOUR_SUBKINDS: dict[str, str] = {
    "workers_home": "模范职工之家",
    "may_fourth": "五四红旗团委（团支部）",
    "march_eighth": "三八红旗集体",
    "worker_pioneer": "工人先锋号",
    "youth_civilization": "青年文明号",
    "women_civilization": "巾帼文明岗",
}

# Which kinds name a subkind, and from which list; other kinds take none.
SUBKINDS: dict[str, dict[str, str]] = {
    LedgerKind.PLAN: PLAN_SUBKINDS,
    LedgerKind.MEETING: MEETING_SUBKINDS,
    LedgerKind.HONOUR: HONOUR_SUBKINDS,
}

HONOUR_LEVEL_LABELS: dict[str, str] = {
    "national": "国家级",
    "province": "省级",
    "city": "市级",
    "county": "县级",
}


class RectificationStatus(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    CLOSED = "closed"


RECTIFICATION_STATUS_LABELS: dict[str, str] = {
    RectificationStatus.OPEN: "整改中",
    RectificationStatus.OVERDUE: "已逾期",
    RectificationStatus.CLOSED: "已销号",
}

DEFAULT_VISIT_INTERVAL_DAYS = 90
MIN_VISIT_INTERVAL_DAYS = 7
MAX_VISIT_INTERVAL_DAYS = 366


def key_of(text: str, labels: dict[str, str]) -> str | None:
    """The key for a key or its Chinese label (as typed on a command line or in a sheet)."""
    text = text.strip()
    if text in labels:
        return text
    for key, label in labels.items():
        if text == label or (label.endswith("）") and text == label.split("（")[0]):
            return key
    return None


def subkind_label(kind: str, subkind: str) -> str:
    return SUBKINDS.get(kind, {}).get(subkind, subkind)


@dataclass(frozen=True, slots=True)
class VisitDue:
    """When a site's next visit falls due, and whether it is late on `today`."""

    last_visit: date | None
    next_due: date | None  # None: never visited and nobody assigned, so due at once
    overdue: bool
    days_overdue: int | None  # None when there is no due date to count from


def visit_due(*, last_visit: date | None, first_assigned: date | None, interval_days: int,
              today: date) -> VisitDue:
    """Apply the interval rule (see the module docstring) to one site."""
    start = last_visit if last_visit is not None else first_assigned
    if start is None:
        return VisitDue(None, None, True, None)
    due = start + timedelta(days=interval_days)
    late = (today - due).days
    return VisitDue(last_visit, due, late > 0, max(0, late))


def rectification_status(*, due_date: date, closed: bool, today: date) -> str:
    """Closed if any live closing act exists; otherwise overdue once its due date has passed."""
    if closed:
        return RectificationStatus.CLOSED
    return RectificationStatus.OVERDUE if due_date < today else RectificationStatus.OPEN
