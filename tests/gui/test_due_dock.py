"""The 待办事项 dock: overdue items in red, due soon apart, double-click selects the site."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from bqw_desktop.domain.calendar import CampaignDates
from bqw_desktop.gui.changes import CANDIDACIES
from bqw_desktop.gui.docks_due import COL_SUBJECT, COL_WHAT, COL_WHEN, RED
from bqw_desktop.services import campaigns, candidacies

TODAY = date.today()


def dock_of(window):
    dock = window.findChild(QDockWidget, "dueList")
    assert dock is not None and dock.windowTitle() == "待办事项"
    return dock.widget()


def rows_under(dock, group: int) -> list[dict[int | str, object]]:
    model = dock.model
    parent = model.index(group, 0)
    return [{c: model.index(r, c, parent).data() for c in range(model.columnCount())} | {
        "index": model.index(r, 0, parent)} for r in range(model.rowCount(parent))]


def test_overdue_reevaluation_is_listed_in_red_and_selects_its_site(window, county_db, county_actor):
    awarded_on = TODAY - timedelta(days=800)
    dates = CampaignDates(select_by=awarded_on - timedelta(days=300), creation_start=awarded_on - timedelta(days=330),
                          creation_end=awarded_on - timedelta(days=30), assess_by=awarded_on + timedelta(days=10))
    site_id = window.site_ids["开慧镇开慧村党支部"]
    with county_db.begin() as s:
        campaigns.create_campaign(s, county_actor, dates=dates)
        cand = candidacies.create_candidacy(s, county_actor, site_id=site_id, level="county",
                                            applied_on=awarded_on - timedelta(days=340))
        for step in ("approved", "creating", "passed", "awarded"):
            candidacies.advance(s, county_actor, candidacy_id=cand.id, to_status=step, today=awarded_on)
    window.ctx.changes.emit({CANDIDACIES})
    dock = dock_of(window)

    assert dock.model.index(0, 0).data().startswith("逾期")
    overdue = rows_under(dock, 0)
    reeval = next(r for r in overdue if r[COL_WHAT] == "两年复评")
    assert reeval[COL_SUBJECT] == "开慧镇开慧村党支部"
    assert reeval[COL_WHEN] == f"逾期{800 - 730}天"
    assert reeval["index"].data(Qt.ItemDataRole.ForegroundRole) == RED
    assert "逾期" in dock.caption.text()

    window.select_site(window.site_ids["黄花镇党委"])
    assert dock.open_index(reeval["index"])
    assert window.ctx.current_site_id == site_id


def test_milestones_due_soon_are_listed_apart_from_the_overdue(window, county_db, county_actor):
    dates = CampaignDates(select_by=TODAY + timedelta(days=10), creation_start=TODAY - timedelta(days=20),
                          creation_end=TODAY + timedelta(days=200), assess_by=TODAY + timedelta(days=240))
    with county_db.begin() as s:
        campaigns.create_campaign(s, county_actor, dates=dates, name="2026年批次")
    dock = dock_of(window)
    dock.reload()
    assert dock.model.index(1, 0).data().startswith("30天内到期")
    # other capabilities list their own rows too (visits…): look at the round's milestones
    soon = [r for r in rows_under(dock, 1) if r[COL_SUBJECT] == "2026年批次"]
    assert [(r[COL_WHAT], r[COL_WHEN]) for r in soon] == [("确定创建单位截止", "还有10天")]
    assert soon[0]["index"].data(Qt.ItemDataRole.ForegroundRole) is None
    assert not [r for r in rows_under(dock, 0) if r[COL_SUBJECT] == "2026年批次"]
