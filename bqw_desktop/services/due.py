"""The "due and overdue" panel: what is late or falls due within the window (30 days).

Rows come from sources, each a function `(session, today, window_days) -> Iterable[DueRow]`
registered under a name in `SOURCES`. This module registers the campaign milestones and the
two-year re-evaluations; other capabilities add theirs (rectifications, visits…) with
`register_source`, and the panel lists everything `due_and_overdue` returns, earliest first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bqw_desktop.db.models import Campaign, Candidacy, Site, Transition
from bqw_desktop.domain import calendar, lifecycle
from bqw_desktop.domain.lifecycle import Status
from bqw_desktop.domain.vocab import LEVEL_LABELS
from bqw_desktop.services import campaigns, candidacies

KIND_REEVALUATION = calendar.KIND_REEVALUATION


@dataclass(frozen=True, slots=True)
class DueRow:
    """One line of the panel.

    `days` is `due - today` (negative when overdue); `record_type`/`record_id` name what to
    open (a campaign, a candidacy…); `site_id` is set when the row concerns one site.
    """

    kind: str
    label: str
    due: date
    days: int
    subject: str
    detail: str
    record_type: str
    record_id: str
    site_id: str | None = None

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def when_text(self) -> str:
        """"逾期5天", "今天到期" or "还有12天"."""
        if self.days < 0:
            return f"逾期{-self.days}天"
        return "今天到期" if self.days == 0 else f"还有{self.days}天"


DueSource = Callable[[Session, date, int], Iterable[DueRow]]
SOURCES: dict[str, DueSource] = {}


def register_source(name: str, source: DueSource) -> None:
    """Add (or replace) a source of due rows under `name`."""
    SOURCES[name] = source


def due_and_overdue(session: Session, *, today: date, window_days: int = calendar.DEFAULT_WINDOW_DAYS) -> list[DueRow]:
    """Everything late or due within `window_days` of `today`, overdue and earliest first."""
    rows = [row for source in SOURCES.values() for row in source(session, today, window_days)]
    return sorted(rows, key=lambda r: (r.due, r.kind, r.subject))


# --- campaign milestones ------------------------------------------------------------------

_UNDECIDED = (Status.APPLIED, Status.RECOMMENDED, Status.RETURNED)
_UNASSESSED = (Status.APPROVED, Status.CREATING, Status.PASSED)


def campaign_milestones(session: Session, today: date, window_days: int) -> list[DueRow]:
    """Milestones of every campaign not yet done.

    Creation units are fixed (select_by done) once the campaign has candidacies and none
    awaits a decision; the creation period's end is an event, done once it has passed;
    assessment and award (assess_by) are done once no creation unit awaits them.
    """
    counts: dict[str | None, Counter[str]] = {}
    query = (select(Candidacy.campaign_id, Candidacy.status, func.count())
             .where(Candidacy.deleted.is_(False)).group_by(Candidacy.campaign_id, Candidacy.status))
    for campaign_id, status, count in session.execute(query):
        counts.setdefault(campaign_id, Counter())[status] = count
    rows = []
    for campaign in campaigns.list_campaigns(session):
        c = counts.get(campaign.id, Counter())
        undecided = sum(c[s] for s in _UNDECIDED)
        unassessed = sum(c[s] for s in _UNASSESSED)
        done = set()
        if c and not undecided:
            done.add(calendar.KIND_SELECT_BY)
        if today > campaign.dates.creation_end:
            done.add(calendar.KIND_CREATION_END)
        if c and not unassessed:
            done.add(calendar.KIND_ASSESS_BY)
        details = {
            calendar.KIND_SELECT_BY: f"{undecided}个申报尚未审定" if undecided else "尚无申报",
            calendar.KIND_CREATION_END: f"{c[Status.CREATING] + c[Status.APPROVED]}个创建单位正在创建",
            calendar.KIND_ASSESS_BY: f"{c[Status.APPROVED] + c[Status.CREATING]}个待考核、{c[Status.PASSED]}个待授牌",
        }
        for item in calendar.due_items(today, campaign.dates, window_days=window_days, done=done):
            rows.append(DueRow(item.kind, item.label, item.due, (item.due - today).days, campaign.name,
                               details[item.kind], "campaigns", campaign.id))
    return rows


# --- re-evaluations -----------------------------------------------------------------------


def reevaluations(session: Session, today: date, window_days: int) -> list[DueRow]:
    """Sites holding their plaque whose re-evaluation is due within the window or overdue.

    The re-evaluation falls due the campaign's `reeval_months` (24 by default) after the
    latest award or re-evaluation step on record.
    """
    since = (select(Transition.candidacy_id, func.max(Transition.acted_on).label("since"))
             .where(Transition.deleted.is_(False), Transition.to_status.in_([Status.AWARDED, Status.RETAINED]))
             .group_by(Transition.candidacy_id).subquery())
    query = (select(Candidacy.id, Candidacy.site_id, Site.name, Candidacy.level, Candidacy.status,
                    Candidacy.registrant_tier, Candidacy.owner_office, Campaign.reeval_months, since.c.since)
             .join(Site, Site.id == Candidacy.site_id)
             .join(since, since.c.candidacy_id == Candidacy.id)
             .outerjoin(Campaign, Campaign.id == Candidacy.campaign_id)
             .where(Candidacy.deleted.is_(False), Candidacy.status.in_(list(lifecycle.PLAQUE_STATUSES))))
    rows = []
    for r in session.execute(query):
        months = r.reeval_months or lifecycle.REEVALUATION_MONTHS
        due = lifecycle.reevaluation_due_date(r.since, months)
        if not calendar.is_due_or_overdue(due, today, window_days):
            continue
        who = candidacies.waiting_for(r.level, r.registrant_tier, r.status)
        detail = f"{LEVEL_LABELS.get(r.level, r.level)}示范点，{calendar.chinese_date(r.since)}授牌或复评，{who}"
        rows.append(DueRow(KIND_REEVALUATION, calendar.reevaluation_label(months), due, (due - today).days,
                           r.name, detail, "candidacies", r.id, r.site_id))
    return rows


def reevaluations_due(session: Session, *, today: date) -> list[DueRow]:
    """The re-evaluation due list: due today or overdue, the longest overdue first."""
    return sorted(reevaluations(session, today, 0), key=lambda r: (r.due, r.subject))


register_source("campaigns", campaign_milestones)
register_source("reevaluations", reevaluations)


# Capabilities that add rows to the due list register their source when imported.
from bqw_desktop.services import visits  # noqa: F401
