"""Exports an office sends: the register as filtered, the summary table, quotas, visits,
checklists and candidacy lists — read back to check what a clerk would see."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from bqw_desktop.db.models import Site
from bqw_desktop.errors import UserError
from bqw_desktop.excel.sites_sheet import SITE_REGISTER_COLUMNS
from bqw_desktop.services import bulk, candidacies, excel_export, sites
from bqw_desktop.services.context import Actor

CITY = Actor(user="tester", office_code="430100")


def rows_of(path: Path, sheet: str | None = None) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else wb.active
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def register(county_db, county_actor):
    with county_db.begin() as s:
        a = sites.add_site(s, county_actor, name="=HYPERLINK(\"http://x\")党支部", org_type="village",
                           phone="13800000000", member_count=30)
        b = sites.add_site(s, county_actor, name="星沙街道党工委", org_type="subdistrict", secretary="王建国")
        c = sites.add_site(s, county_actor, name="县人民医院党委", org_type="institution", org_kind="health")
        candidacies.create_candidacy(s, county_actor, site_id=b.id, level="county", applied_on=date(2024, 5, 20))
    return {"a": a.id, "b": b.id, "c": c.id}


def test_register_has_the_importers_columns_and_keeps_text_as_text(county_db, register, tmp_path):
    out = tmp_path / "花名册.xlsx"
    with county_db.sessions() as s:
        assert excel_export.export_register(s, out) == 3
    rows = rows_of(out)
    assert rows[0][0] == "百千万示范带动工程示范点花名册"
    assert "长沙县委组织部" in rows[1][0] and str(rows[1][-1]).startswith("制表日期")
    assert rows[2] == tuple(c.header for c in SITE_REGISTER_COLUMNS)
    by_name = {r[1]: r for r in rows[3:]}
    hostile = by_name['=HYPERLINK("http://x")党支部']
    assert hostile[10] == "13800000000" and isinstance(hostile[10], str)
    star = by_name["星沙街道党工委"]
    assert star[0] == register["b"] and star[4] == "长沙县" and star[5] == "430121"
    assert (star[11], star[13]) == ("县级", "已申报") and star[12].date() == date(2024, 5, 20)
    cell = next(c for c in openpyxl.load_workbook(out).active["B"] if c.value and c.value.startswith("=H"))
    assert cell.data_type == "s"  # a name beginning with "=" is never a formula


def test_register_as_filtered_on_screen_keeps_that_order(county_db, register, tmp_path):
    out = tmp_path / "筛选.xlsx"
    with county_db.sessions() as s:
        assert excel_export.export_register(s, out, site_ids=[register["c"], register["b"], "missing"]) == 2
    assert [r[1] for r in rows_of(out)[3:]] == ["县人民医院党委", "星沙街道党工委"]


def test_county_summary_is_one_block_with_types_and_total(county_db, register, tmp_path):
    out = tmp_path / "汇总表.xlsx"
    with county_db.sessions() as s:
        shape = excel_export.export_summary(s, out, made_on=date(2024, 6, 1))
    assert shape.sites == 3 and shape.counted == 1
    rows = rows_of(out)
    assert rows[0][0] == "百千万示范带动工程示范点情况汇总表"
    assert "制表日期：2024年6月1日" in rows[1]
    assert rows[2][:3] == ("单位", "党组织类型", "县级") and rows[3][2] == "已申报"
    body = {r[1]: r for r in rows[4:]}
    assert body["街道党组织"][2:] == (1, 1, 1)
    assert body["村党组织"][2:] == (0, 0, 0)
    assert rows[4][0] == "长沙县" and body["总计"][2:] == (1, 1, 1)  # the county names its block


def test_city_summary_rolls_regions_up_with_subtotals(city_db, tmp_path):
    with city_db.begin() as s:
        a = sites.add_site(s, CITY, name="甲社区党委", org_type="community", region_code="430102")
        b = sites.add_site(s, CITY, name="乙村党支部", org_type="village", region_code="430181")
        c = sites.add_site(s, CITY, name="市直机关党委", org_type="organ", region_code="430100")
        for site in (a, b, c):
            candidacies.create_candidacy(s, CITY, site_id=site.id, level="city")
    out = tmp_path / "汇总表.xlsx"
    with city_db.sessions() as s:
        shape = excel_export.export_summary(s, out, by_org_type=False)
    assert [label for _, label in shape.regions][-1] == "市直"
    rows = rows_of(out)
    assert rows[2][0] == "县市区" and rows[2][1] == "市级"
    lines = {r[0]: r[1:] for r in rows[4:]}
    assert lines["芙蓉区"] == (1, 1, 1) and lines["浏阳市"] == (1, 1, 1) and lines["市直"] == (1, 1, 1)
    assert lines["天心区"] == (0, 0, 0) and lines["合计"] == (3, 3, 3)


def test_summary_rejects_unknown_columns(county_db, register, tmp_path):
    with county_db.sessions() as s, pytest.raises(UserError, match="状态"):
        excel_export.export_summary(s, tmp_path / "x.xlsx", statuses=["nonsense"])


def test_checklist_matrix_counts_met_items_per_goal(county_db, county_actor, register, tmp_path):
    from bqw_desktop.domain.catalogue import load_catalogue
    from bqw_desktop.services import checklists

    goals = load_catalogue().goals_for("subdistrict")
    first, second = goals[0].items[:2]
    with county_db.begin() as s:
        checklists.set_tick(s, county_actor, site_id=register["b"], item_id=first.id, rating="met")
        checklists.set_tick(s, county_actor, site_id=register["b"], item_id=second.id, rating="unmet")
    out = tmp_path / "目标.xlsx"
    with county_db.sessions() as s:
        excel_export.export_checklists(s, out)
    rows = rows_of(out)
    header = rows[2]
    star = next(r for r in rows[3:] if r[0] == "星沙街道党工委")
    line = dict(zip(header, star, strict=True))
    assert line["目标一"] == f"1/{len(goals[0].items)}"
    assert (line["已评"], line["达标"]) == (2, 1)


def test_visit_log_and_rectifications(county_db, county_actor, register, tmp_path):
    from bqw_desktop.services import visits

    day = date.today() - timedelta(days=10)
    with county_db.begin() as s:
        visits.record_visit(s, county_actor, site_id=register["b"], visit_date=day, kind="inspection",
                            visitors="张三、李四", problems="台账不全",
                            rectifications=[visits.RectificationInput("补齐台账", day + timedelta(days=30))])
    out = tmp_path / "走访.xlsx"
    with county_db.sessions() as s:
        assert excel_export.export_visits(s, out) == 1
    log = rows_of(out, "走访记录")
    assert log[3][1:5] == ("星沙街道党工委", "长沙县", "督查", "张三、李四") and log[3][7:] == (1, 1)
    items = rows_of(out, "整改事项")
    assert items[3][0] == "星沙街道党工委" and items[3][2] == "补齐台账"


def test_candidacy_lists_by_level_and_status(county_db, register, tmp_path):
    out = tmp_path / "申报.xlsx"
    with county_db.sessions() as s:
        assert excel_export.export_candidacies(s, out) == 1
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["县级"]
    assert [c.value for c in wb["县级"][4]][:3] == ["星沙街道党工委", "长沙县", "已申报"]


def test_quota_table_lists_org_counts(city_db, tmp_path):
    from bqw_desktop.services import quotas

    with city_db.begin() as s:
        quotas.set_org_count(s, CITY, unit_code="430121", organizations=812)
    out = tmp_path / "名额.xlsx"
    with city_db.sessions() as s:
        excel_export.export_quota(s, out)
    counts = rows_of(out, "基层党组织数")
    assert counts[2] == ("单位", "代码", "基层党组织数") and counts[3] == ("长沙县", "430121", 812)


def test_region_names_are_the_path_below_the_office(city_db, tmp_path):
    rows = list(bulk.owned_rows(Site, [{"name": "某村", "org_type": "village", "region_code": "430121"}],
                                owner="430121", user="x"))
    with city_db.begin() as s:
        bulk.insert_rows(s.connection(), Site, rows)
        regions = dict(excel_export.template_regions(s))
        names = excel_export.RegionNames(s)
    assert regions["430100"] == "长沙市" and regions["430121"] == "长沙县"
    assert names("430321") == "湘潭市湘潭县"  # outside the city: the path below what they share
