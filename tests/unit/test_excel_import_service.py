"""Importing site lists and organization counts into an office's database: preview, then apply."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from bqw_desktop.db.models import AuditEntry, Candidacy, OrgCount, Site
from bqw_desktop.errors import UserError
from bqw_desktop.excel.writer import write_error_report
from bqw_desktop.services import bulk, excel_export, sites
from bqw_desktop.services import excel_import as ei
from bqw_desktop.services.context import Actor

CITY = Actor(user="tester", office_code="430100")


def sheet(tmp_path: Path, rows: list[list[Any]], name: str = "名单.xlsx") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "示范点"
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


HEADER = ["序号", "单位名称", "党组织类型", "书记", "党员人数（人）", "联系电话", "申报级别", "状态"]


def awkward(tmp_path: Path) -> Path:
    """A county's own list: a title above the header, no region column, one bad row."""
    return sheet(tmp_path, [
        ["长沙县基层党组织示范点名单"],
        HEADER,
        [1, "黄花镇党委", "乡镇党委", "刘志强", 120, "138 0000 0001", None, None],
        [2, "果园镇浔龙河村党总支", "村党总支", "陈静", "35人", "13900000002", "县级", "已确定为创建单位"],
        [3, "开慧镇开慧村党支部", "村", "杨光", "很多", None, None, None],
        [None, None, None, None, None, None, None, None],
        ["合计", None, None, None, 155, None, None, None],
    ])


def preview(db, actor, path, **kwargs):
    with db.sessions() as s:
        return ei.preview_sites_import(s, actor, path, **kwargs)


def apply(db, actor, result, **kwargs):
    with db.begin() as s:
        return ei.apply_sites_import(s, actor, result, **kwargs)


def audit_count(db) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def site_by_name(db, name: str) -> Site:
    with db.sessions() as s:
        return s.scalars(select(Site).where(Site.name == name)).one()


def other_office_site(db, *, name: str, region: str, owner: str = "430100") -> str:
    """A site another office registered, as a package would bring it (written with Core)."""
    rows = list(bulk.owned_rows(Site, [{"name": name, "org_type": "village", "region_code": region}],
                                owner=owner, user="other"))
    with db.begin() as s:
        bulk.insert_rows(s.connection(), Site, rows)
    return rows[0]["id"]


# --- preview ----------------------------------------------------------------------------------

def test_preview_sorts_rows_and_names_the_cell_of_each_error(county_db, county_actor, tmp_path):
    with county_db.begin() as s:
        sites.add_site(s, county_actor, name="黄花镇党委", org_type="township", secretary="刘志强",
                       member_count=120, phone="13800000001")
    result = preview(county_db, county_actor, awkward(tmp_path))
    assert [r.status for r in result.rows] == [ei.UNCHANGED, ei.NEW, ei.ERROR]
    assert result.counts()[ei.NEW] == 1 and not result.ready
    bad = result.rows[2]
    assert bad.source.row == 5 and bad.errors[0].column == "E" and "很多" in bad.errors[0].message
    assert "党员人数（人）（E5）" in bad.description
    new = result.rows[1]
    assert new.values["region_code"] == "430121"  # a county's list needs no region column
    assert new.apply_level == "county" and "登记县级申报" in new.description


def test_nothing_is_imported_while_errors_remain(county_db, county_actor, tmp_path):
    result = preview(county_db, county_actor, awkward(tmp_path))
    before = audit_count(county_db)
    with pytest.raises(UserError, match="1 行有错误"):
        apply(county_db, county_actor, result)
    assert audit_count(county_db) == before
    with county_db.sessions() as s:
        assert sites.list_sites(s) == []


def test_partial_import_writes_good_rows_applications_and_one_audit_entry(county_db, county_actor, tmp_path):
    result = preview(county_db, county_actor, awkward(tmp_path))
    before = audit_count(county_db)
    done = apply(county_db, county_actor, result, allow_partial=True, db_path=county_db.path)
    assert (done.created, done.updated, done.skipped, done.applications) == (2, 0, 1, 1)
    assert done.backup is not None and done.backup.exists()
    with county_db.sessions() as s:
        stored = {r.name: r for r in sites.list_sites(s)}
        entries = s.scalars(select(AuditEntry).where(AuditEntry.seq > 0).order_by(AuditEntry.seq)).all()[before:]
        cand = s.scalars(select(Candidacy)).one()
    assert set(stored) == {"黄花镇党委", "果园镇浔龙河村党总支"}
    site = stored["果园镇浔龙河村党总支"]
    assert (site.owner_office, site.member_count, site.phone) == ("430121", 35, "13900000002")
    assert site.search_key == sites.key_for(site.name, "430121", "陈静")  # searchable as if typed in
    # A sheet never sets a status beyond applied, whatever its 状态 column says.
    assert (cand.site_id, cand.level, cand.status, cand.owner_office) == (site.id, "county", "applied", "430121")
    assert [e.action for e in entries] == ["import_sheet"]
    assert '"created": 2' in entries[0].summary and '"applications": 1' in entries[0].summary


def test_importing_the_same_sheet_again_changes_nothing(county_db, county_actor, tmp_path):
    path = awkward(tmp_path)
    apply(county_db, county_actor, preview(county_db, county_actor, path), allow_partial=True)
    versions = {s.id: s.version for s in _all_sites(county_db)}
    before = audit_count(county_db)
    again = preview(county_db, county_actor, path)
    assert [r.status for r in again.rows] == [ei.UNCHANGED, ei.UNCHANGED, ei.ERROR]
    done = apply(county_db, county_actor, again, allow_partial=True, db_path=county_db.path)
    assert not done.changed_anything and done.backup is None
    assert audit_count(county_db) == before
    assert {s.id: s.version for s in _all_sites(county_db)} == versions
    with county_db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Candidacy)) == 1


def _all_sites(db) -> list[Site]:
    with db.sessions() as s:
        return list(s.scalars(select(Site)))


def test_exported_register_imported_again_changes_nothing(city_db, tmp_path):
    with city_db.begin() as s:
        first = sites.add_site(s, CITY, name="=1+1 党支部", org_type="institution", org_kind="health",
                               region_code="430121", phone="0731-84000000", notes="第一行\n第二行")
        sites.add_site(s, CITY, name="岳麓山村党委", org_type="village", region_code="430104",
                       secretary="张三", member_count=40)
        from bqw_desktop.services import candidacies
        candidacies.create_candidacy(s, CITY, site_id=first.id, level="city")
    other_office_site(city_db, name="长沙县某村党支部", region="430121", owner="430121")
    out = tmp_path / "花名册.xlsx"
    with city_db.sessions() as s:
        excel_export.export_register(s, out)
    result = preview(city_db, CITY, out)
    assert [r.status for r in result.rows] == [ei.UNCHANGED] * 3, [r.description for r in result.rows]


def test_updates_show_changed_fields_and_go_through_the_register(county_db, county_actor, tmp_path):
    with county_db.begin() as s:
        site = sites.add_site(s, county_actor, name="星沙街道党工委", org_type="subdistrict", secretary="王建国")
    path = sheet(tmp_path, [["ID", "名称", "党组织类型", "书记"],
                            [site.id, "星沙街道党工委", "街道党工委", "李四"]])
    result = preview(county_db, county_actor, path)
    assert result.rows[0].status == ei.UPDATED
    assert result.rows[0].changes == {"secretary": ("王建国", "李四")}
    apply(county_db, county_actor, result)
    stored = site_by_name(county_db, "星沙街道党工委")
    assert (stored.secretary, stored.version) == ("李四", 2)
    assert "ls" in stored.search_key  # search key follows the new secretary


def test_a_site_changed_after_the_preview_refuses_the_import(county_db, county_actor, tmp_path):
    with county_db.begin() as s:
        site = sites.add_site(s, county_actor, name="星沙街道党工委", org_type="subdistrict")
    path = sheet(tmp_path, [["ID", "名称", "党组织类型", "书记"], [site.id, "星沙街道党工委", "街道", "李四"]])
    result = preview(county_db, county_actor, path)
    with county_db.begin() as s:
        sites.update_site(s, county_actor, site.id, secretary="赵六")
    with pytest.raises(UserError, match="被修改"):
        apply(county_db, county_actor, result)
    assert site_by_name(county_db, "星沙街道党工委").secretary == "赵六"


def test_ids_of_other_offices_or_unknown_sites_are_errors(county_db, county_actor, tmp_path):
    theirs = other_office_site(county_db, name="某村党支部", region="430121")
    path = sheet(tmp_path, [["ID", "名称", "党组织类型", "书记"],
                            [theirs, "某村党支部", "村", None],
                            [theirs.replace(theirs[:8], "00000000"), "另一村党支部", "村", None],
                            [theirs, "某村党支部", "村", "改名的书记"]])
    result = preview(county_db, county_actor, path)
    first, unknown, changed = result.rows
    assert first.status == ei.UNCHANGED  # an unchanged row of another office's site is fine
    assert unknown.status == ei.ERROR and "没有该 ID" in unknown.description
    assert changed.status == ei.ERROR  # the duplicate row of the same site is refused too
    solo = preview(county_db, county_actor, sheet(tmp_path, [["ID", "名称", "党组织类型", "书记"],
                                                             [theirs, "某村党支部", "村", "改名的书记"]], "b.xlsx"))
    assert solo.rows[0].status == ei.ERROR and ei.OTHER_OFFICE in solo.rows[0].description


def test_several_matching_sites_are_asked_about_never_guessed(county_db, county_actor, tmp_path):
    with county_db.begin() as s:
        a = sites.add_site(s, county_actor, name="黄花镇党委", org_type="township", secretary="甲")
        sites.add_site(s, county_actor, name="黄花镇 党委", org_type="township", secretary="乙")
    path = sheet(tmp_path, [["名称", "党组织类型", "书记"], ["中共黄花镇党委", "乡镇", "丙"]])
    result = preview(county_db, county_actor, path)
    assert result.rows[0].status == ei.QUESTION and not result.ready
    (question,) = result.questions
    assert question.field == ei.MATCH and len(question.candidates) == 2
    assert a.id in {c[0] for c in question.candidates} and ei.NEW_SITE not in {c[0] for c in question.candidates}
    answered = preview(county_db, county_actor, path, answers={question.key: a.id})
    assert answered.rows[0].status == ei.UPDATED and answered.rows[0].site_id == a.id


def test_the_same_name_in_another_region_is_asked_about(city_db, tmp_path):
    theirs = other_office_site(city_db, name="新民村党支部", region="430121", owner="430121")
    path = sheet(tmp_path, [["名称", "党组织类型", "县市区"], ["新民村党支部", "村", "浏阳市"]])
    result = preview(city_db, CITY, path)
    (question,) = result.questions
    assert [c[0] for c in question.candidates] == [theirs, ei.NEW_SITE]
    answered = preview(city_db, CITY, path, answers={question.key: ei.NEW_SITE})
    assert answered.rows[0].status == ei.NEW and answered.rows[0].values["region_code"] == "430181"


def test_regions_by_name_or_code_within_the_office(city_db, tmp_path):
    path = sheet(tmp_path, [["名称", "党组织类型", "所属地区"],
                            ["甲村党支部", "村", "长沙"],  # 长沙市 or 长沙县: ask
                            ["乙村党支部", "村", "湖南省长沙市芙蓉区"],
                            ["丙村党支部", "村", "430321"],  # 湘潭县: not this city's
                            ["丁村党支部", "村", "火星区"]])
    result = preview(city_db, CITY, path)
    ask, ok, outside, unknown = result.rows
    assert ask.status == ei.QUESTION
    assert {c[0] for q in result.questions for c in q.candidates} == {"430100", "430121"}
    assert ok.status == ei.NEW and ok.values["region_code"] == "430102"
    assert outside.status == ei.ERROR and "不在本单位管辖范围内" in outside.description
    assert unknown.status == ei.ERROR and "找不到" in unknown.description


def test_levels_the_office_cannot_register_are_errors(city_db, tmp_path):
    path = sheet(tmp_path, [["名称", "党组织类型", "县市区", "申报级别"], ["甲村党支部", "村", "长沙县", "县级"]])
    result = preview(city_db, CITY, path)
    assert result.rows[0].status == ei.ERROR and "申报级别" in result.rows[0].description


def test_hostile_or_foreign_files_are_refused_with_one_sentence(county_db, county_actor, tmp_path):
    fake = tmp_path / "名单.xlsx"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    with pytest.raises(UserError, match="名单.xlsx"):
        preview(county_db, county_actor, fake)
    empty = sheet(tmp_path, [["这是一封信"], ["没有表头"]], "信.xlsx")
    with pytest.raises(UserError, match="没有找到示范点名单"):
        preview(county_db, county_actor, empty)


def test_error_report_lists_errors_and_questions(county_db, county_actor, tmp_path):
    result = preview(county_db, county_actor, awkward(tmp_path))
    out = tmp_path / "错误报告.xlsx"
    assert write_error_report(result.errors, out, questions=result.questions) == 1
    ws = openpyxl.load_workbook(out).active
    assert ws.cell(row=4, column=3).value == 5 and "很多" in ws.cell(row=4, column=7).value


def test_the_acting_office_must_be_this_database(county_db, tmp_path):
    with pytest.raises(UserError, match="不是本数据库的单位"):
        preview(county_db, CITY, awkward(tmp_path))


# --- organization counts ------------------------------------------------------------------------

def test_org_counts_are_entered_and_reimport_changes_nothing(city_db, tmp_path):
    path = sheet(tmp_path, [["县市区", "村党组织", "社区党组织", "合计"],
                            ["芙蓉区", 3, 40, 43], ["430121", 300, "12", 312], ["浏阳市", None, None, None],
                            ["湘潭县", 1, 1, 2]], "数量.xlsx")
    with city_db.sessions() as s:
        assert ei.detect_kind(path) == ei.ORG_COUNTS_KIND
        result = ei.preview_import(s, CITY, path)
    assert [r.status for r in result.rows] == [ei.NEW, ei.NEW, ei.UNCHANGED, ei.ERROR]
    with city_db.begin() as s:
        done = ei.apply_import(s, CITY, result, allow_partial=True)
    assert (done.created, done.skipped) == (2, 1)
    with city_db.sessions() as s:
        stored = {code: n for code, n in s.execute(select(OrgCount.unit_code, OrgCount.organizations))}
        again = ei.preview_import(s, CITY, path)
    assert stored == {"430102": 43, "430121": 312}
    assert [r.status for r in again.rows][:3] == [ei.UNCHANGED] * 3


def test_answers_file_format_is_checked():
    assert ei.answers_from_json([{"field": "match", "value": "甲", "answer": "new"}]) == {("match", "甲"): "new"}
    with pytest.raises(UserError):
        ei.answers_from_json({"match": "new"})


def test_applications_on_existing_sites_use_the_lifecycle(county_db, county_actor, tmp_path):
    with county_db.begin() as s:
        site = sites.add_site(s, county_actor, name="黄花镇党委", org_type="township")
    path = sheet(tmp_path, [["名称", "党组织类型", "申报级别", "申报日期"], ["黄花镇党委", "乡镇", "省级", "2024-05-20"]])
    result = preview(county_db, county_actor, path)
    assert result.rows[0].status == ei.UPDATED and result.rows[0].apply_level == "province"
    apply(county_db, county_actor, result)
    with county_db.sessions() as s:
        cand = s.scalars(select(Candidacy)).one()
    assert (cand.site_id, cand.level, cand.status, cand.applied_on) == (site.id, "province", "applied",
                                                                        date(2024, 5, 20))
    assert preview(county_db, county_actor, path).rows[0].status == ei.UNCHANGED
