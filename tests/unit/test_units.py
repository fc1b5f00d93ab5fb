"""Units added or renamed after the division table, and the province's system units."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bqw_desktop.cli import main
from bqw_desktop.db.base import new_id
from bqw_desktop.db.engine import Database
from bqw_desktop.db.models import AuditEntry, Office, Site, Unit
from bqw_desktop.errors import UserError
from bqw_desktop.services import quotas, records, units
from bqw_desktop.services.context import Actor
from bqw_desktop.services.offices import init_office

PROVINCE = Actor(user="tester", office_code="430000")
CITY = Actor(user="tester", office_code="430100")
COUNTY = Actor(user="tester", office_code="430121")


@pytest.fixture
def province_db(tmp_path: Path) -> Database:
    db = init_office(tmp_path / "province.sqlite3", tier="province", code="430000", user="tester")
    yield db
    db.close()


def act(db: Database, fn, actor: Actor, **kwargs):
    with db.begin() as s:
        return fn(s, actor, **kwargs)


def refused(db: Database, fn, actor: Actor, **kwargs) -> str:
    with pytest.raises(UserError) as caught:
        act(db, fn, actor, **kwargs)
    return caught.value.message


def live_rows(db: Database, code: str) -> list[Unit]:
    with db.sessions() as s:
        return list(s.scalars(select(Unit).where(Unit.code == code)))


def tree(db: Database):
    with db.sessions() as s:
        return units.divisions_of(s)


def listed(db: Database) -> dict[str, units.UnitInfo]:
    with db.sessions() as s:
        return {u.code: u for u in units.list_units(s)}


def foreign_unit(db: Database, *, owner: str, code: str, name: str, parent: str, tier: str) -> None:
    """A unit record another office made, written as an imported package writes it."""
    with db.begin() as s:
        s.info["merging"] = True
        row = Unit(id=new_id(), owner_office=owner, version=1, deleted=False, updated_by="其他单位",
                   code=code, name=name, parent_code=parent, tier=tier)
        s.add(row)
        s.flush()
        row.content_hash = records.hash_of(row)


def sites_in(db: Database, region: str, names: list[str], *, owner: str) -> None:
    """Sites lying in `region`, owned by `owner`, written as an imported package writes them."""
    with db.begin() as s:
        for name in names:
            site = Site(id=new_id(), owner_office=owner, version=1, deleted=False, name=name, org_type="village",
                        region_code=region)
            s.add(site)
            s.flush()
            site.content_hash = records.hash_of(site)


# --- system units -------------------------------------------------------------------------


def test_province_adds_system_units_numbered_in_turn(province_db):
    first = act(province_db, units.add_system_unit, PROVINCE, name="省直机关工委")
    second = act(province_db, units.add_system_unit, PROVINCE, name="  省国资委党委 ")
    assert (first.code, first.name, first.parent_code, first.tier) == ("430000-S01", "省直机关工委", "430000", "system")
    assert (second.code, second.name) == ("430000-S02", "省国资委党委")
    with province_db.sessions() as s:
        assert units.system_units(s) == {"430000-S01": "省直机关工委", "430000-S02": "省国资委党委"}
        assert quotas.system_units(s) == units.system_units(s)  # callers through quotas keep working
    shown = listed(province_db)
    assert shown["430000-S01"].parent_code == "430000" and shown["430000-S01"].added
    assert shown["430000-S01"].owner_name == "湖南省委组织部"
    # systems follow the cities under the province
    order = list(shown)
    assert order.index("431300") < order.index("430000-S01")


def test_system_codes_are_never_given_twice(province_db):
    for name in ("省直机关工委", "省国资委党委", "省委教育工委"):
        act(province_db, units.add_system_unit, PROVINCE, name=name)
    act(province_db, units.remove_unit, PROVINCE, code="430000-S03")
    assert act(province_db, units.add_system_unit, PROVINCE, name="省卫健委党组").code == "430000-S04"
    with province_db.begin() as s:  # a system office known by its key, never added as a unit
        s.add(Office(code="430000-S07", name="省交通运输厅党组", tier="system", parent_code="430000"))
    assert act(province_db, units.add_system_unit, PROVINCE, name="省公安厅党委").code == "430000-S08"


def test_only_the_province_adds_system_units(city_db, county_db, province_db):
    assert refused(city_db, units.add_system_unit, CITY, name="省直机关工委") == "只有省委组织部可以新增省直机关/系统单位。"
    assert "只有省委组织部" in refused(county_db, units.add_system_unit, COUNTY, name="省直机关工委")
    act(province_db, units.add_system_unit, PROVINCE, name="省直机关工委")
    assert "已有同名单位“省直机关工委”" in refused(province_db, units.add_system_unit, PROVINCE, name="省直机关工委")
    assert "同名单位“长沙市”" in refused(province_db, units.add_system_unit, PROVINCE, name="长沙市")


def test_names_are_checked(province_db):
    assert refused(province_db, units.add_system_unit, PROVINCE, name="   ") == "单位名称不能为空。"
    assert refused(province_db, units.add_system_unit, PROVINCE, name="党" * 101) == "单位名称过长（最多100字，现为101字）。"
    assert "控制字符" in refused(province_db, units.add_system_unit, PROVINCE, name="省直机关\n工委")
    assert act(province_db, units.add_system_unit, PROVINCE, name="党" * 100).name == "党" * 100


# --- geographic units ---------------------------------------------------------------------


def test_city_adds_a_county_that_appears_in_the_merged_tree(city_db):
    unit = act(city_db, units.add_unit, CITY, code="430182", name="宁乡市", parent_code="430100", tier="county")
    assert (unit.code, unit.name, unit.parent_code, unit.tier, unit.status) == (
        "430182", "宁乡市", "430100", "county", units.ADDED)
    divisions = tree(city_db)
    assert divisions.get("430182").name == "宁乡市"
    assert "430182" in [d.code for d in divisions.children("430100")]
    assert divisions.full_name("430182") == "湖南省长沙市宁乡市"
    with city_db.sessions() as s:
        assert quotas.divisions_of(s).get("430182").name == "宁乡市"
    shown = listed(city_db)["430182"]
    assert shown.owner_office == "430100" and shown.may_rename and shown.may_remove and not shown.may_add_below


def test_province_adds_a_city_and_a_county_below_it(province_db):
    act(province_db, units.add_unit, PROVINCE, code="431400", name="湘江新区", parent_code="430000", tier="city")
    act(province_db, units.add_unit, PROVINCE, code="431401", name="岳麓片区", parent_code="431400", tier="county")
    act(province_db, units.add_unit, PROVINCE, code="439001", name="某直管县", parent_code="430000", tier="county")
    divisions = tree(province_db)
    assert [d.name for d in divisions.path("431401")] == ["湖南省", "湘江新区", "岳麓片区"]
    assert divisions.get("439001").parent_code == "430000"


@pytest.mark.parametrize(("fields", "message"), [
    ({"code": "43018", "tier": "county"}, "单位代码“43018”不是6位数字"),
    ({"code": "430121", "tier": "county"}, "单位代码 430121 已是“长沙县”（430121）的代码，不能重复新增"),
    ({"code": "430182", "tier": "town"}, "新增单位的层级“town”无效"),
    ({"code": "430182", "tier": "county", "parent_code": "439900"}, "上级单位代码“439900”不在行政区划表中"),
    ({"code": "430282", "tier": "county", "parent_code": "430200"}, "上级单位“株洲市”（430200）不在本单位管辖范围内"),
    ({"code": "430199", "tier": "county", "parent_code": "430121"}, "上级单位“长沙县”（430121）不在本单位管辖范围内或不能再设下级单位"),
    ({"code": "431500", "tier": "city"}, "市州级单位的上级应为省级单位，“长沙市”（430100）不是省级单位"),
    ({"code": "430282", "tier": "county"}, "县市区级单位代码 430282 与上级“长沙市”（430100）不相符：应以 4301 开头"),
    ({"code": "430100", "tier": "county"}, "已是“长沙市”"),
    ({"code": "430182", "tier": "county", "name": "长沙县"}, "“长沙市”（430100）下已有同名单位“长沙县”（430121）"),
    ({"code": "430182", "tier": "county", "name": ""}, "单位名称不能为空。"),
])
def test_city_adding_a_unit_is_refused_with_a_reason(city_db, fields, message):
    kwargs = {"name": "宁乡市", "parent_code": "430100"} | fields
    assert message in refused(city_db, units.add_unit, CITY, **kwargs)
    assert live_rows(city_db, kwargs["code"]) == []


def test_county_office_adds_and_renames_nothing(county_db):
    assert "只有省委组织部和市州委组织部" in refused(county_db, units.add_unit, COUNTY, code="430199", name="新区",
                                                   parent_code="430121", tier="county")
    assert "是本单位自身" in refused(county_db, units.rename_unit, COUNTY, code="430121", name="星沙区")
    shown = listed(county_db)
    assert list(shown) == ["430121"]
    assert not (shown["430121"].may_rename or shown["430121"].may_remove or shown["430121"].may_add_below)


def test_province_city_digits_must_agree(province_db):
    assert "应以 43 开头、以 00 结尾" in refused(province_db, units.add_unit, PROVINCE, code="431401", name="新市",
                                                parent_code="430000", tier="city")
    assert "应以 43 开头、以 00 结尾" in refused(province_db, units.add_unit, PROVINCE, code="449800", name="新市",
                                                parent_code="430000", tier="city")
    assert "不在本单位管辖范围内" in refused(province_db, units.add_unit, PROVINCE, code="440182", name="新区",
                                           parent_code="440100", tier="county")


# --- renaming -----------------------------------------------------------------------------


def test_a_site_can_be_registered_in_an_added_unit_and_is_found_by_its_name(city_db):
    from bqw_desktop.services import sites

    act(city_db, units.add_unit, CITY, code="430182", name="宁乡市", parent_code="430100", tier="county")
    site = act(city_db, sites.add_site, CITY, name="金洲镇党委", org_type="township", region_code="430182")
    assert site.region_code == "430182"
    assert "宁乡市" in site.search_key
    message = refused(city_db, sites.add_site, CITY, name="某村", org_type="village", region_code="430199")
    assert "430199" in message


def test_certificate_names_carry_the_renamed_region(city_db):
    from bqw_desktop.services import certificates

    act(city_db, units.rename_unit, CITY, code="430124", name="宁乡市")
    with city_db.sessions() as s:
        assert certificates.full_name_of(s, "中共金洲镇委员会", "430124").startswith("中共宁乡市")


def test_renaming_a_shipped_county_writes_an_owned_record(city_db):
    unit = act(city_db, units.rename_unit, CITY, code="430124", name="宁乡市")
    assert (unit.name, unit.status, unit.shipped_name, unit.owner_office) == ("宁乡市", units.RENAMED, "宁乡县", "430100")
    assert unit.status_text == "已更名（原名：宁乡县）"
    [row] = live_rows(city_db, "430124")
    assert (row.owner_office, row.version, row.parent_code, row.tier, row.deleted) == ("430100", 1, "430100",
                                                                                       "county", False)
    assert row.content_hash == records.hash_of(row)
    assert tree(city_db).get("430124").name == "宁乡市"

    act(city_db, units.rename_unit, CITY, code="430124", name="宁乡新区")
    [row] = live_rows(city_db, "430124")
    assert (row.name, row.version) == ("宁乡新区", 2)
    assert row.content_hash == records.hash_of(row)
    assert tree(city_db).get("430124").name == "宁乡新区"
    with city_db.sessions() as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.record_id == row.id).order_by(AuditEntry.seq)))
    assert [(e.action, e.office, e.record_type) for e in entries] == [("create", "430100", "units"),
                                                                        ("update", "430100", "units")]
    assert "宁乡新区" in entries[-1].summary and "宁乡市" in entries[-1].summary


def test_rename_refusals(city_db):
    assert "找不到单位代码“439999”" in refused(city_db, units.rename_unit, CITY, code="439999", name="某区")
    assert "“株洲县”（430221）不在本单位管辖范围内，不能更名" in refused(city_db, units.rename_unit, CITY,
                                                                   code="430221", name="渌口区")
    assert "“长沙市”（430100）是本单位自身" in refused(city_db, units.rename_unit, CITY, code="430100", name="星城市")
    assert "新名称与现名称相同" in refused(city_db, units.rename_unit, CITY, code="430121", name="长沙县")
    assert "已有同名单位“浏阳市”（430181）" in refused(city_db, units.rename_unit, CITY, code="430121", name="浏阳市")
    assert "单位名称不能为空" in refused(city_db, units.rename_unit, CITY, code="430121", name=" ")
    assert live_rows(city_db, "430121") == []


def test_only_the_owner_changes_a_unit_record(city_db):
    foreign_unit(city_db, owner="430000", code="430121", name="星沙区", parent="430100", tier="county")
    assert tree(city_db).get("430121").name == "星沙区"
    shown = listed(city_db)["430121"]
    assert (shown.status, shown.owner_office, shown.owner_name, shown.may_rename) == (
        units.RENAMED, "430000", "湖南省委组织部", False)
    message = refused(city_db, units.rename_unit, CITY, code="430121", name="长沙县")
    assert message == "“星沙区”（430121）由湖南省委组织部（430000）新增或更名，只能由湖南省委组织部修改。"
    [row] = live_rows(city_db, "430121")
    assert (row.name, row.version, row.owner_office) == ("星沙区", 1, "430000")

    foreign_unit(city_db, owner="430000", code="430183", name="新设区", parent="430100", tier="county")
    assert "只能由湖南省委组织部删除" in refused(city_db, units.remove_unit, CITY, code="430183")


def test_own_record_wins_in_the_merged_tree_then_highest_version(city_db):
    act(city_db, units.rename_unit, CITY, code="430124", name="宁乡市")
    foreign_unit(city_db, owner="430000", code="430181", name="浏阳新市", parent="430100", tier="county")
    divisions = tree(city_db)
    assert divisions.get("430124").name == "宁乡市" and divisions.get("430181").name == "浏阳新市"


def test_province_renames_a_system_unit_it_added(province_db):
    act(province_db, units.add_system_unit, PROVINCE, name="省直机关工委")
    unit = act(province_db, units.rename_unit, PROVINCE, code="430000-s01", name="省直机关工作委员会")
    assert (unit.code, unit.name, unit.status) == ("430000-S01", "省直机关工作委员会", units.ADDED)
    [row] = live_rows(province_db, "430000-S01")
    assert row.version == 2
    with province_db.sessions() as s:
        assert units.system_units(s)["430000-S01"] == "省直机关工作委员会"


# --- removing -----------------------------------------------------------------------------


def test_removing_an_added_unit_leaves_a_tombstone(city_db):
    act(city_db, units.add_unit, CITY, code="430182", name="宁乡市", parent_code="430100", tier="county")
    act(city_db, units.remove_unit, CITY, code="430182")
    [row] = live_rows(city_db, "430182")
    assert (row.deleted, row.version, row.owner_office) == (True, 2, "430100")
    assert row.content_hash == records.hash_of(row)
    assert "430182" not in tree(city_db)
    assert "430182" not in listed(city_db)
    with city_db.sessions() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.record_id == row.id)))
    assert actions == ["create", "delete"]
    # the code may be given again: it is the state's, not ours
    assert act(city_db, units.add_unit, CITY, code="430182", name="宁乡市", parent_code="430100",
               tier="county").name == "宁乡市"


def test_removal_refused_while_sites_lie_in_the_unit(city_db):
    act(city_db, units.add_unit, CITY, code="430182", name="宁乡市", parent_code="430100", tier="county")
    sites_in(city_db, "430182", ["玉潭街道党工委", "白马桥街道党工委"], owner="430100")
    message = refused(city_db, units.remove_unit, CITY, code="430182")
    assert message == "还有2个示范点以“宁乡市”（430182）为所属行政区划，不能删除；请先把这些示范点改到其他区划。"
    assert not live_rows(city_db, "430182")[0].deleted


def test_removal_refused_while_units_lie_below(province_db):
    act(province_db, units.add_unit, PROVINCE, code="431400", name="湘江新区", parent_code="430000", tier="city")
    act(province_db, units.add_unit, PROVINCE, code="431401", name="岳麓片区", parent_code="431400", tier="county")
    assert "“湘江新区”（431400）下还有1个下级单位" in refused(province_db, units.remove_unit, PROVINCE, code="431400")
    act(province_db, units.remove_unit, PROVINCE, code="431401")
    act(province_db, units.remove_unit, PROVINCE, code="431400")
    assert "431400" not in tree(province_db)


def test_removal_refused_for_shipped_units_and_known_system_offices(province_db):
    act(province_db, units.rename_unit, PROVINCE, code="430124", name="宁乡市")
    assert "是全国行政区划表中的单位，不能删除；如需恢复原名“宁乡县”" in refused(province_db, units.remove_unit,
                                                                      PROVINCE, code="430124")
    act(province_db, units.add_system_unit, PROVINCE, name="省直机关工委")
    with province_db.begin() as s:
        s.add(Office(code="430000-S01", name="省直机关工委", tier="system", parent_code="430000"))
    assert "本系统已登记代码为 430000-S01 的单位“省直机关工委”" in refused(province_db, units.remove_unit,
                                                                  PROVINCE, code="430000-S01")
    assert "找不到单位代码“430000-S09”" in refused(province_db, units.remove_unit, PROVINCE, code="430000-S09")


def test_an_actor_of_another_office_is_refused(city_db):
    assert "不是本数据库的单位" in refused(city_db, units.rename_unit, PROVINCE, code="430121", name="星沙区")


# --- command line -------------------------------------------------------------------------


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_command_line_round_trip(tmp_path, capsys):
    db = str(tmp_path / "p.sqlite3")
    init_office(Path(db), tier="province", code="430000", user="tester").close()
    assert cli(capsys, "units", "add-system", "--db", db, "--name", "省直机关工委") == (
        0, "已新增省直机关/系统单位：省直机关工委（430000-S01，省直机关/系统）。\n", "")
    code, out, _ = cli(capsys, "units", "add", "--db", db, "--code", "430182", "--name", "宁乡市",
                       "--parent", "430100", "--tier", "county")
    assert (code, out) == (0, "已新增单位：宁乡市（430182，县市区）。\n")
    code, out, _ = cli(capsys, "units", "rename", "--db", db, "--code", "430121", "--name", "星沙区")
    assert (code, out) == (0, "已更名：星沙区（430121，县市区）。\n")

    code, out, _ = cli(capsys, "units", "list", "--db", db, "--changed", "--json")
    rows = {r["code"]: r for r in json.loads(out)}
    assert code == 0 and set(rows) == {"430182", "430121", "430000-S01"}
    assert rows["430121"]["status"] == "renamed" and rows["430121"]["shipped_name"] == "长沙县"
    code, out, _ = cli(capsys, "units", "list", "--db", db)
    assert code == 0 and "星沙区\t县市区\t430100\t已更名（原名：长沙县）\t湖南省委组织部" in out

    code, out, err = cli(capsys, "units", "add-system", "--db", db, "--name", "省直机关工委")
    assert code == 1 and out == "" and "已有同名单位“省直机关工委”" in err
    code, _, err = cli(capsys, "units", "remove", "--db", db, "--code", "430121")
    assert code == 1 and "是全国行政区划表中的单位，不能删除" in err
    assert cli(capsys, "units", "remove", "--db", db, "--code", "430182")[:2] == (0, "已删除单位：宁乡市（430182）。\n")
    code, out, _ = cli(capsys, "units", "list", "--db", db, "--changed", "--json")
    assert {r["code"] for r in json.loads(out)} == {"430121", "430000-S01"}


# --- exchange -----------------------------------------------------------------------------


def test_units_travel_up_and_stay_the_adding_offices(tmp_path):
    from bqw_desktop.services import exchange
    from bqw_desktop.services.demo.packages import create_offices

    offices = create_offices(tmp_path / "offices", (("province", "430000"), ("city", "430100")))
    province, city = offices["430000"].db, offices["430100"].db
    try:
        act(city, units.add_unit, CITY, code="430182", name="宁乡市", parent_code="430100", tier="county")
        act(city, units.rename_unit, CITY, code="430124", name="宁乡老城区")
        sent = exchange.export_package(city, CITY, to_code="430000", out=tmp_path / "usb")
        assert sent.counts["units"] == 2
        exchange.import_package(province, PROVINCE, sent.path)

        divisions = tree(province)
        assert divisions.full_name("430182") == "湖南省长沙市宁乡市"
        assert divisions.get("430124").name == "宁乡老城区"
        shown = listed(province)
        assert (shown["430182"].owner_name, shown["430182"].may_rename) == ("长沙市委组织部", False)
        assert "只能由长沙市委组织部修改" in refused(province, units.rename_unit, PROVINCE, code="430124", name="宁乡县")
    finally:
        province.close()
        city.close()
