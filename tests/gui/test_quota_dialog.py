"""The 名额分配 dialog: the arithmetic per unit, counts edited in place, adjustments with reasons."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bqw_desktop.db.models import Quota
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.changes import Changes
from bqw_desktop.gui.dialogs.quota import QuotaDialog
from bqw_desktop.gui.models.candidacy_models import (
    Q_EXACT,
    Q_FLOOR,
    Q_NAME,
    Q_NOTE,
    Q_ORGS,
    Q_REMAINDER,
    Q_SEATS,
    Q_USED,
    U_ALLOTTED,
    U_NAME,
    U_USED,
)
from bqw_desktop.services import campaigns, offices, quotas
from bqw_desktop.services.bulk import insert_rows, owned_rows
from bqw_desktop.services.context import Actor
from tests.gui.conftest import Answers

CITY = Actor(user="tester", office_code="430100")
# 长沙市's counties and districts with their numbers of grassroots party organizations
COUNTS = {"430102": 1210, "430103": 1185, "430104": 1630, "430105": 1320, "430111": 1405,
          "430112": 1268, "430121": 2214, "430124": 2036, "430181": 2611}


@pytest.fixture
def city_dialog(qtbot, city_db):
    """The dialog of 长沙市委组织部 with the province's 755 county-level places received."""
    with city_db.begin() as s:
        campaign = campaigns.ensure_default_campaign(s, CITY)
        quotas.set_org_counts(s, CITY, {k: v for k, v in COUNTS.items() if k != "430181"})
    with city_db.engine.begin() as conn:
        insert_rows(conn, Quota, owned_rows(Quota, [{"campaign_id": campaign.id, "level": "county",
                                                     "unit_code": "430100", "organizations": 0,
                                                     "exact_share": "", "seats": 755, "reason": ""}],
                                            owner="430000", user="省委组织部"))
    runner = ActionRunner(city_db, CITY, Changes())
    answers = Answers()
    runner.warn, runner.ask = answers.warn, answers.ask
    with city_db.sessions() as s:
        office = offices.this_office(s)
    dialog = QuotaDialog(runner, office, level="county")
    qtbot.addWidget(dialog)
    dialog.answers = answers
    return dialog


def line(dialog, name: str) -> dict[int, str]:
    model = dialog.model
    for row in range(model.rowCount()):
        if model.index(row, Q_NAME).data() == name:
            return {c: model.index(row, c).data() for c in range(model.columnCount())}
    raise AssertionError(name)


def test_the_table_shows_the_largest_remainder_arithmetic(city_dialog):
    d = city_dialog
    assert d.total_spin.value() == 755
    assert d.model.headers == ("单位", "基层党组织数", "精确份额", "整数部分", "余数", "分配名额", "已用/名额", "调整说明")
    all_orgs = sum(v for k, v in COUNTS.items() if k != "430181")
    exact = Fraction(755 * 2214, all_orgs)
    changsha = line(d, "长沙县")
    assert changsha[Q_ORGS] == "2,214"
    assert changsha[Q_EXACT] == f"{float(exact):.4f}"
    assert changsha[Q_FLOOR] == str(int(exact))
    assert changsha[Q_REMAINDER] == f"{float(exact - int(exact)):.4f}"
    assert int(changsha[Q_SEATS]) in (int(exact), int(exact) + 1)
    assert changsha[Q_USED] == "未保存"
    seats = [int(d.model.index(r, Q_SEATS).data()) for r in range(d.model.rowCount())]
    assert sum(seats) == 755
    assert line(d, "浏阳市")[Q_ORGS] == "未录入" and line(d, "浏阳市")[Q_SEATS] == "0"
    assert "名额总数755个，已分配755个，分配完毕" in d.summary.text()
    assert "1个单位尚未录入基层党组织数" in d.summary.text()


def test_counts_edited_in_place_are_saved_and_recomputed(city_dialog, city_db):
    d = city_dialog
    row = next(r for r in range(d.model.rowCount()) if d.model.index(r, Q_NAME).data() == "浏阳市")
    assert d.model.setData(d.model.index(row, Q_ORGS), "2611")
    assert line(d, "浏阳市")[Q_ORGS] == "2,611" and int(line(d, "浏阳市")[Q_SEATS]) > 0
    with city_db.sessions() as s:
        assert quotas.org_counts(s)["430181"] == 2611
    assert not d.model.setData(d.model.index(row, Q_ORGS), "两千")
    assert "基层党组织数应为不小于0的整数" in d.answers.warnings[-1]


def test_an_adjustment_needs_a_reason_and_is_kept_after_saving(qtbot, city_dialog, city_db):
    d = city_dialog
    before = int(line(d, "芙蓉区")[Q_SEATS])
    code = "430102"
    assert not d.adjust(code, before + 2, "")
    assert "必须填写调整原因" in d.answers.warnings[-1]
    assert d.adjust(code, before + 2, "芙蓉区为省会中心城区，示范带动任务重")
    assert line(d, "芙蓉区")[Q_SEATS] == str(before + 2)
    assert line(d, "芙蓉区")[Q_NOTE] == f"原{before}个，调为{before + 2}个：芙蓉区为省会中心城区，示范带动任务重"
    assert "超出2个" in d.summary.text()

    assert d.save()
    assert line(d, "芙蓉区")[Q_USED] == f"0/{before + 2}"
    with city_db.sessions() as s:
        assert quotas.allotments(s, level="county", campaign_id=d.state.plan.campaign_id)[code] == before + 2

    again = QuotaDialog(d.runner, d.office, level="county")
    qtbot.addWidget(again)
    assert line(again, "芙蓉区")[Q_SEATS] == str(before + 2)  # the saved adjustment is not lost
    assert "芙蓉区为省会中心城区" in line(again, "芙蓉区")[Q_NOTE]


def test_a_county_sees_the_places_it_received(qtbot, county_db, county_actor):
    with county_db.begin() as s:
        campaign = campaigns.ensure_default_campaign(s, county_actor)
        office = offices.this_office(s)
    with county_db.engine.begin() as conn:
        insert_rows(conn, Quota, owned_rows(Quota, [{"campaign_id": campaign.id, "level": "county",
                                                     "unit_code": "430121", "organizations": 2214,
                                                     "exact_share": "120.3456", "seats": 120, "reason": ""}],
                                            owner="430100", user="长沙市"))
    dialog = QuotaDialog(ActionRunner(county_db, county_actor, Changes()), office, level="county")
    qtbot.addWidget(dialog)
    assert dialog.pages.currentIndex() == 1
    model = dialog.usage_model
    assert [model.index(0, c).data() for c in (U_NAME, U_USED, U_ALLOTTED)] == ["长沙县", "0", "120"]
    assert "县市区委组织部没有下级单位可分配名额" in dialog.message.text()
    assert dialog.save_button.isHidden()
