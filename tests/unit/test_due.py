"""The due-and-overdue panel: campaign milestones not yet done and two-year re-evaluations."""

from __future__ import annotations

from datetime import date

import pytest

from bqw_desktop.errors import UserError
from bqw_desktop.services import campaigns, candidacies, due, sites
from bqw_desktop.services.context import Actor

COUNTY = "430121"
CLERK = Actor(user="tester", office_code=COUNTY)
AWARD_DAY = date(2012, 6, 15)


def new_bid(db, name: str = "白沙村党总支") -> str:
    with db.begin() as s:
        campaigns.ensure_default_campaign(s, CLERK)
        site = sites.add_site(s, CLERK, name=name, org_type="village")
        return candidacies.create_candidacy(s, CLERK, site_id=site.id, level="county").id


def advance(db, cid: str, *steps: str, today: date, reason: str | None = None) -> None:
    for to in steps:
        with db.begin() as s:
            candidacies.advance(s, CLERK, candidacy_id=cid, to_status=to, today=today, reason=reason)


def awarded(db, name: str = "白沙村党总支") -> str:
    cid = new_bid(db, name)
    advance(db, cid, "approved", "creating", today=date(2011, 5, 20))
    advance(db, cid, "passed", "awarded", today=AWARD_DAY)
    return cid


# Rows of this module's sources; other capabilities' sources (visits…) may be registered too.
OURS = {"select_by", "creation_end", "assess_by", "reevaluation", "test-kind"}


def panel(db, today: date, **kw) -> list[due.DueRow]:
    with db.begin() as s:
        return [r for r in due.due_and_overdue(s, today=today, **kw) if r.kind in OURS]


def test_the_selection_deadline_is_due_until_every_application_is_decided(county_db):
    cid = new_bid(county_db)
    rows = panel(county_db, date(2011, 5, 10))
    assert [(r.kind, r.days, r.detail) for r in rows] == [("select_by", 20, "1个申报尚未审定")]
    assert rows[0].label == "确定创建单位截止" and rows[0].when_text == "还有20天"
    assert rows[0].subject == "2011年批次" and rows[0].record_type == "campaigns"
    late = panel(county_db, date(2011, 6, 2))
    assert late[0].overdue and late[0].when_text == "逾期3天"
    advance(county_db, cid, "approved", today=date(2011, 5, 25))
    assert panel(county_db, date(2011, 6, 2)) == []


def test_creation_end_is_an_event_and_assessment_is_due_until_done(county_db):
    cid = new_bid(county_db)
    advance(county_db, cid, "approved", "creating", today=date(2011, 5, 20))
    rows = panel(county_db, date(2012, 5, 10))
    assert [(r.kind, r.due) for r in rows] == [("creation_end", date(2012, 5, 31))]
    rows = panel(county_db, date(2012, 6, 10))
    assert [(r.kind, r.detail) for r in rows] == [("assess_by", "1个待考核、0个待授牌")]
    advance(county_db, cid, "passed", today=date(2012, 6, 12))
    assert panel(county_db, date(2012, 6, 13))[0].detail == "0个待考核、1个待授牌"
    advance(county_db, cid, "awarded", today=date(2012, 6, 20))
    assert panel(county_db, date(2012, 7, 10)) == []


def test_a_plaque_comes_up_for_reevaluation_two_years_after_the_award(county_db):
    cid = awarded(county_db)
    assert panel(county_db, date(2014, 5, 15)) == []  # 31 days ahead: not yet
    rows = panel(county_db, date(2014, 5, 16))
    assert [(r.kind, r.label, r.due, r.days) for r in rows] == [("reevaluation", "两年复评", date(2014, 6, 15), 30)]
    assert rows[0].subject == "白沙村党总支" and rows[0].record_id == cid and rows[0].site_id
    assert "待县市区复评" in rows[0].detail
    with county_db.begin() as s:
        assert due.reevaluations_due(s, today=date(2014, 6, 14)) == []
        overdue = due.reevaluations_due(s, today=date(2014, 7, 1))
    assert [(r.record_id, r.days) for r in overdue] == [(cid, -16)]


def test_a_reevaluation_restarts_the_clock_and_elimination_ends_it(county_db):
    kept, dropped = awarded(county_db), awarded(county_db, "黄花村党支部")
    advance(county_db, kept, "retained", today=date(2014, 6, 20))
    advance(county_db, dropped, "eliminated", today=date(2014, 6, 20), reason="复评不合格")
    assert panel(county_db, date(2014, 7, 1)) == []
    rows = panel(county_db, date(2016, 6, 1))
    assert [(r.record_id, r.due) for r in rows] == [(kept, date(2016, 6, 20))]


def test_the_campaigns_interval_sets_the_reevaluation_date(county_db):
    cid = awarded(county_db)
    with county_db.begin() as s:
        current = campaigns.current_campaign(s)
        campaigns.update_campaign(s, CLERK, campaign_id=current.id, reeval_months=12)
    rows = panel(county_db, date(2013, 6, 1))
    assert [(r.record_id, r.due, r.label) for r in rows] == [(cid, date(2013, 6, 15), "12个月复评")]


def test_other_capabilities_add_their_rows_through_a_source(county_db):
    awarded(county_db)

    def checks(session, today, window):
        return [due.DueRow("test-kind", "季度检查", date(2014, 6, 1), (date(2014, 6, 1) - today).days, "白沙村党总支",
                           "本季度尚未检查", "sites", "x")]

    due.register_source("test-visits", checks)
    try:
        rows = panel(county_db, date(2014, 6, 10))
    finally:
        del due.SOURCES["test-visits"]
    assert [r.kind for r in rows] == ["test-kind", "reevaluation"]  # earliest first


def test_campaign_dates_are_checked_when_edited(county_db):
    with county_db.begin() as s:
        current = campaigns.ensure_default_campaign(s, CLERK)
    with (pytest.raises(UserError, match="创建期结束日期（2012年5月31日）不能晚于考核授牌截止日期"),
          county_db.begin() as s):
        campaigns.update_campaign(s, CLERK, campaign_id=current.id, assess_by=date(2012, 5, 1))
    with county_db.begin() as s:
        assert campaigns.current_campaign(s).dates.assess_by == date(2012, 6, 30)
