"""Campaigns (批次) and their calendar.

A campaign carries its milestones (`domain.calendar.CampaignDates`); the first defaults to
the notice's dates and every date stays editable for later rounds. The current campaign is
the live one whose creation period starts last (ties: the smaller id), so a later round
takes over without anyone switching it on.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bqw_desktop.db.models import Campaign
from bqw_desktop.domain.calendar import NOTICE_DATES, CampaignDates, chinese_date
from bqw_desktop.errors import UserError
from bqw_desktop.services import records
from bqw_desktop.services.context import Actor

DATE_FIELDS = ("select_by", "creation_start", "creation_end", "assess_by", "reeval_months")
NAME_LIMIT = 100


@dataclass(frozen=True, slots=True)
class CampaignInfo:
    """A campaign as plain data."""

    id: str
    name: str
    owner_office: str
    dates: CampaignDates

    @property
    def creation_end(self) -> date:
        return self.dates.creation_end

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "owner_office": self.owner_office,
                **{f.name: getattr(self.dates, f.name) for f in fields(self.dates)}}


def default_name(dates: CampaignDates) -> str:
    """"2011年批次": the round named by the year it starts."""
    return f"{dates.first_year}年批次"


def info(campaign: Campaign) -> CampaignInfo:
    """Plain data of a campaign row."""
    dates = CampaignDates(select_by=campaign.select_by, creation_start=campaign.creation_start,
                          creation_end=campaign.creation_end, assess_by=campaign.assess_by,
                          reeval_months=campaign.reeval_months)
    return CampaignInfo(campaign.id, campaign.name, campaign.owner_office, dates)


def list_campaigns(session: Session) -> list[CampaignInfo]:
    """Live campaigns, the current (latest) first."""
    rows = session.scalars(select(Campaign).where(Campaign.deleted.is_(False)).order_by(Campaign.id))
    # A stable sort keeps the smaller id first among rounds starting the same day.
    return sorted((info(c) for c in rows), key=lambda c: c.dates.creation_start, reverse=True)


def current_campaign(session: Session) -> CampaignInfo | None:
    """The campaign new candidacies join by default; None before any is set up."""
    campaigns = list_campaigns(session)
    return campaigns[0] if campaigns else None


def get_campaign(session: Session, campaign_id: str) -> CampaignInfo:
    """A live campaign by id; NotFoundError otherwise."""
    return info(records.get_live(session, Campaign, campaign_id, label="批次"))


def create_campaign(session: Session, actor: Actor, *, dates: CampaignDates, name: str | None = None) -> CampaignInfo:
    """A new round owned by the actor's office."""
    clean = _clean_name(name if name is not None else default_name(dates))
    row = records.create(session, actor, Campaign, name=clean,
                         **{f: getattr(dates, f) for f in DATE_FIELDS})
    return info(row)


def ensure_default_campaign(session: Session, actor: Actor) -> CampaignInfo:
    """The current campaign, creating one with the notice's dates if there is none."""
    current = current_campaign(session)
    if current is not None:
        return current
    return create_campaign(session, actor, dates=NOTICE_DATES)


def update_campaign(session: Session, actor: Actor, *, campaign_id: str, name: str | None = None,
                    **dates: Any) -> CampaignInfo:
    """Change a campaign's name or dates (owner only). Dates are checked together.

    `dates` takes any of select_by, creation_start, creation_end, assess_by (dates) and
    reeval_months (int); UserError names a bad or out-of-order field.
    """
    unknown = set(dates) - set(DATE_FIELDS)
    if unknown:
        raise UserError(f"批次没有这些字段：{'、'.join(sorted(unknown))}。")
    row = records.get_live(session, Campaign, campaign_id, label="批次")
    records.ensure_owner(row, actor)
    current = info(row).dates
    merged = CampaignDates(**{f: dates.get(f, getattr(current, f)) for f in DATE_FIELDS})
    changes: dict[str, Any] = {f: getattr(merged, f) for f in DATE_FIELDS}
    if name is not None:
        changes["name"] = _clean_name(name)
    records.update(session, actor, row, **changes)
    return info(row)


def _clean_name(name: str) -> str:
    text = (name or "").strip()
    if not text:
        raise UserError("批次名称不能为空。")
    if len(text) > NAME_LIMIT:
        raise UserError(f"批次名称过长（最多 {NAME_LIMIT} 字）。")
    return text


def describe(campaign: CampaignInfo) -> str:
    """One line for people: name and the round's dates in Chinese."""
    d = campaign.dates
    return (f"{campaign.name}：{chinese_date(d.select_by)}前确定创建单位，"
            f"{chinese_date(d.creation_start)}至{chinese_date(d.creation_end)}创建，"
            f"{chinese_date(d.assess_by)}前考核授牌，每{d.reeval_months}个月复评")
