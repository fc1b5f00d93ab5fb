"""Reading the sheets offices keep: a gallery of awkward shapes built here with openpyxl."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bqw_desktop.errors import UserError
from bqw_desktop.excel import normalize as nz
from bqw_desktop.excel.headers import SITE_SCHEMA, ColumnMapping, detect_columns
from bqw_desktop.excel.org_counts_sheet import parse_org_count_file
from bqw_desktop.excel.reader import read_table_file
from bqw_desktop.excel.sites_sheet import changed_fields, parse_site_file, parse_site_rows

REGIONS = {
    "岳麓区": ["430104"], "430104": ["430104"], "芙蓉区": ["430102"], "430102": ["430102"],
    "长沙县": ["430121"], "430121": ["430121"], "新华区": ["130105", "130902"],
}
LABELS = {"430104": "长沙市岳麓区", "430102": "长沙市芙蓉区", "130105": "石家庄市新华区",
          "130902": "沧州市新华区"}


def resolve(text: str) -> list[str]:
    return REGIONS.get(text, [])


def save(tmp_path: Path, name: str, *sheets: tuple[str, list[list[Any]]],
         merges: dict[str, list[str]] | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        for ref in (merges or {}).get(title, []):
            ws.merge_cells(ref)
    path = tmp_path / name
    wb.save(path)
    return path


def values(result: Any, key: str) -> list[Any]:
    return [r.values.get(key) for r in result.rows]


# --- normalisation ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("村党支部", ("village", None)), ("村党总支", ("village", None)), ("村支部", ("village", None)),
    ("村党委", ("village", None)), ("社区党支部", ("community", None)), ("社区党委", ("community", None)),
    ("乡党委", ("township", None)), ("镇党委", ("township", None)),
    ("街道党工委", ("subdistrict", None)), ("国企", ("soe", None)), ("国有企业", ("soe", None)),
    ("机关", ("organ", None)), ("学校", ("school", None)), ("中学", ("school", None)),
    ("小学", ("school", None)), ("大学", ("school", None)), ("科研院所", ("research", None)),
    ("医院", ("institution", "health")), ("镇卫生院", ("institution", "health")),
    ("文化馆", ("institution", "culture")), ("图书馆", ("institution", "culture")),
    ("体育", ("institution", "sport")), ("非公企业", ("private", None)),
    ("民营企业", ("private", None)), ("私营企业", ("private", None)),
    ("非公有制企业", ("private", None)), ("社会组织", ("social", None)), ("协会", ("social", None)),
    ("商会", ("social", None)), (" 村 党支部 ", ("village", None)),
    ("非公有制经济组织党组织", ("private", None)),
    ("文化、卫生、体育等事业单位党组织（卫生）", ("institution", "health")),
    ("village", ("village", None)),
])
def test_org_type_synonyms(text: str, expected: tuple[str, str | None]) -> None:
    assert nz.match_org_type(text) == [expected]


@pytest.mark.parametrize("text", ["企业", "村(社区)党组织", "乡镇卫生院", "社区卫生服务中心"])
def test_ambiguous_org_types_return_every_candidate(text: str) -> None:
    assert len(nz.match_org_type(text)) > 1


@pytest.mark.parametrize("text", ["党支部", "某某", ""])
def test_unknown_org_type_is_no_candidate(text: str) -> None:
    assert nz.match_org_type(text) == []


@pytest.mark.parametrize("value", [
    "2011.5.20", "2011年5月20日", "2011-05-20", "2011/5/20", "20110520", 20110520, 40683,
    40683.0, "40683", datetime(2011, 5, 20), date(2011, 5, 20), "２０１１－０５－２０",
    " 2011.05.20. ", "2011-05-20 00:00:00",
])
def test_every_date_form(value: Any) -> None:
    assert nz.parse_date(value) == date(2011, 5, 20)


@pytest.mark.parametrize("value", ["2011.2.30", "2011年5月", "11.5.20", "明年", 3.5, "1800-01-01"])
def test_bad_dates_are_refused_with_a_reason(value: Any) -> None:
    with pytest.raises(nz.CellProblem) as info:
        nz.parse_date(value)
    assert info.value.reason


@pytest.mark.parametrize(("value", "expected"), [
    ("35人", 35), ("３５", 35), (35.0, 35), (" 35 ", 35), ("1,200", 1200), (None, None), ("", None),
])
def test_integers(value: Any, expected: int | None) -> None:
    assert nz.parse_int(value) == expected


@pytest.mark.parametrize("value", ["三十五", 35.5, "-3"])
def test_bad_integers(value: Any) -> None:
    with pytest.raises(nz.CellProblem):
        nz.parse_int(value)


@pytest.mark.parametrize(("value", "expected"), [
    (13812345678, "13812345678"), (13812345678.0, "13812345678"), ("138 1234 5678", "13812345678"),
    ("０７３１－８８８８６６６６", "0731-88886666"), ("0731-88886666转123", "0731-88886666转123"),
    ("13812345678、13987654321", "13812345678、13987654321"),
])
def test_phones_stay_text_with_every_digit(value: Any, expected: str) -> None:
    assert nz.parse_phone(value) == expected


@pytest.mark.parametrize("value", ["1.38e10", "abc", "12345", 1.5])
def test_bad_phones(value: Any) -> None:
    with pytest.raises(nz.CellProblem):
        nz.parse_phone(value)


def test_text_cleaning_and_name_keys() -> None:
    assert nz.clean_text(" 某某\u3000村 党支部\xa0") == "某某村党支部"
    assert nz.clean_text("Ａｂｃ  Co.\u200b Ltd") == "Abc Co. Ltd"
    assert nz.name_key("中共某某村（一组）党支部") == nz.name_key("某某村(一组)党支部 ")
    assert nz.name_key("某某村党支部") != nz.name_key("某某村党总支")


# --- the gallery ------------------------------------------------------------------------------

def titled_sheet() -> list[list[Any]]:
    return [
        ["2024年某县创先争优活动示范点申报汇总表"],
        ["填报单位：某县委组织部（盖章）", None, None, None, None, None, "制表日期：2024年5月1日"],
        ["序号", "单位名称 *", "党组织类型", "所属县市区", "书记", "党员人数（人）", "联系电话", "申报级别",
         "申报日期"],
        [1, " 某某村 党支部 ", "村党支部", "岳麓区", "张 三", "３５人", 13812345678, "县级", "2011.5.20"],
        [2, "某社区党委", "社区党委", "430102", "李四", 120, "0731-88886666", "市级", datetime(2011, 5, 20)],
        [None, None, None, None, None, None, None, None, None],
        [3, "某中学党支部", "中学", "长沙县", "王五", 40.0, "13900001111", None, None],
        ["合  计", None, None, None, None, 195],
        ["填表人：赵六", None, None, "审核人：钱七"],
    ]


def test_title_rows_totals_and_footer_are_skipped(tmp_path: Path) -> None:
    path = save(tmp_path, "汇总.xlsx", ("Sheet1", titled_sheet()), merges={"Sheet1": ["A1:I1", "A2:F2"]})
    result = parse_site_file(path, resolve_region=resolve)
    mapping = result.mappings[0]
    assert mapping.header_row == 3
    assert result.ready, [e.message for e in result.errors]
    assert [r.source.row for r in result.rows] == [4, 5, 7]
    assert values(result, "name") == ["某某村党支部", "某社区党委", "某中学党支部"]
    assert values(result, "secretary") == ["张三", "李四", "王五"]
    assert values(result, "member_count") == [35, 120, 40]
    assert values(result, "phone") == ["13812345678", "0731-88886666", "13900001111"]
    assert values(result, "org_type") == ["village", "community", "school"]
    assert values(result, "region_code") == ["430104", "430102", "430121"]
    assert values(result, "level") == ["county", "city", None]
    assert values(result, "applied_on") == [date(2011, 5, 20), date(2011, 5, 20), None]
    assert result.rows[0].cells["org_type"] == "C4"


@pytest.mark.parametrize(("headers", "fields"), [
    (["党组织名称", "类别", "县市区", "联系方式", "党员数"], ["name", "org_type", "region", "phone", "member_count"]),
    (["名称", "类型", "所属地区", "手机", "人数"], ["name", "org_type", "region", "phone", "member_count"]),
    (["单位名称", "党组织类别", "所属县（市、区）", "联系电话（手机）", "党员人数(人)"],
     ["name", "org_type", "region", "phone", "member_count"]),
    (["示范点名称", "组织类型", "区县", "联系人", "行政区划代码"],
     ["name", "org_type", "region", "contact", "region_code"]),
])
def test_header_synonyms(tmp_path: Path, headers: list[str], fields: list[str]) -> None:
    path = save(tmp_path, "s.xlsx", ("Sheet1", [headers, ["某村党支部", "村党支部", "岳麓区", "13812345678", 30]]))
    mapping = detect_columns(read_table_file(path)[0])
    assert mapping.header_row == 1
    assert {f: mapping.fields.get(f) for f in fields} == {f: i for i, f in enumerate(fields)}


def test_two_row_header(tmp_path: Path) -> None:
    rows = [
        ["示范点名单"],
        ["名称", "党组织类型", "所属县市区", "书记", None, "联系人", None],
        [None, None, None, "姓名", "电话", "姓名", "电话"],
        ["某村党支部", "村党支部", "岳麓区", "张三", "13800000001", "李四", "13800000002"],
    ]
    path = save(tmp_path, "two.xlsx", ("Sheet1", rows),
                merges={"Sheet1": ["A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:G2"]})
    result = parse_site_file(path, resolve_region=resolve)
    mapping = result.mappings[0]
    assert mapping.header_rows == 2 and mapping.header_row == 3
    row = result.rows[0].values
    assert (row["secretary"], row["contact"]) == ("张三", "李四")
    assert row["phone"] in ("13800000001", "13800000002")
    assert len(result.rows) == 1


def test_full_width_digits_and_stray_spaces(tmp_path: Path) -> None:
    rows = [["名称", "类型", "县市区", "党员人数", "联系电话", "申报日期"],
            ["\u3000某某村党支部\xa0", " 村党支部 ", " 岳麓区\u3000", "　３５　", "１３８１２３４５６７８",
             "２０１１年５月２０日"]]
    result = parse_site_file(save(tmp_path, "fw.xlsx", ("Sheet1", rows)), resolve_region=resolve)
    assert result.ready
    v = result.rows[0].values
    assert (v["name"], v["member_count"], v["phone"], v["applied_on"]) == (
        "某某村党支部", 35, "13812345678", date(2011, 5, 20))


def test_every_date_form_in_one_column(tmp_path: Path) -> None:
    forms = ["2011.5.20", "2011年5月20日", "2011-05-20", "2011/5/20", "20110520", 40683,
             datetime(2011, 5, 20)]
    rows = [["名称", "类型", "县市区", "申报级别", "申报日期"]]
    rows += [[f"第{i}村党支部", "村党支部", "岳麓区", "县级", form] for i, form in enumerate(forms)]
    result = parse_site_file(save(tmp_path, "dates.xlsx", ("Sheet1", rows)), resolve_region=resolve)
    assert result.ready
    assert values(result, "applied_on") == [date(2011, 5, 20)] * len(forms)


def test_several_sheets_empty_rows_and_a_notes_sheet(tmp_path: Path) -> None:
    header = ["名称", "类型", "县市区"]
    path = save(
        tmp_path, "multi.xlsx",
        ("一片", [header, ["甲村党支部", "村党支部", "岳麓区"], [], [], ["乙社区党委", "社区党委", "芙蓉区"]]),
        ("二片", [["二片名单"], header, ["丙村党支部", "村党支部", "长沙县"], [None, "  ", None]]),
        ("填表说明", [["请按要求填写"], ["各列含义见下"]]),
    )
    result = parse_site_file(path, resolve_region=resolve)
    assert values(result, "name") == ["甲村党支部", "乙社区党委", "丙村党支部"]
    assert [(r.source.sheet, r.source.row) for r in result.rows] == [("一片", 2), ("一片", 5), ("二片", 3)]
    assert len(result.skipped_sheets) == 1 and "填表说明" in result.skipped_sheets[0]


def test_duplicate_across_sheets_is_an_error(tmp_path: Path) -> None:
    header = ["名称", "类型", "县市区"]
    path = save(tmp_path, "dup.xlsx", ("一", [header, ["甲村党支部", "村党支部", "岳麓区"]]),
                ("二", [header, ["中共甲村 党支部", "村党支部", "430104"]]))
    result = parse_site_file(path, resolve_region=resolve)
    assert not result.ready
    assert len(result.errors) == 1
    assert "工作表 一 第 2 行" in result.errors[0].message and result.errors[0].source.sheet == "二"


def test_errors_name_file_sheet_row_and_column(tmp_path: Path) -> None:
    rows = [["名称", "党组织类型", "所属县市区", "党员人数", "申报日期"],
            ["甲村党支部", "党支部", "岳麓区", "很多", "2011.13.1"],
            [None, "村党支部", "火星", 3, None]]
    result = parse_site_file(save(tmp_path, "错.xlsx", ("名单", rows)), resolve_region=resolve)
    messages = [e.message for e in result.errors]
    assert any(m.startswith("文件 错.xlsx 工作表 名单 第 2 行 “党组织类型”列（B2）") for m in messages)
    assert any("第 2 行 “党员人数”列（D2）" in m and "很多" in m for m in messages)
    assert any("第 2 行 “申报日期”列（E2）" in m for m in messages)
    assert any("第 3 行 “名称”列（A3）：名称为空" in m for m in messages)
    assert any("第 3 行 “所属县市区”列（C3）" in m and "火星" in m for m in messages)
    assert [r.ok for r in result.rows] == [False, False]
    assert result.to_dict()["errors"][0]["row"] == 2


def test_ambiguity_is_asked_and_answers_apply(tmp_path: Path) -> None:
    rows = [["名称", "类型", "县市区"],
            ["甲公司党支部", "企业", "新华区"],
            ["乙公司党支部", "企业", "岳麓区"]]
    path = save(tmp_path, "ask.xlsx", ("Sheet1", rows))
    result = parse_site_file(path, resolve_region=resolve, region_label=LABELS.get)
    assert not result.errors
    keys = {q.key: q for q in result.questions}
    assert set(keys) == {("org_type", "企业"), ("region", "新华区")}
    assert len(keys[("org_type", "企业")].rows) == 2
    assert "沧州市新华区（130902）" in keys[("region", "新华区")].message
    assert not any(r.ok for r in result.rows[:1])

    answers = {("org_type", "企业"): "private", ("region", "新华区"): "130902"}
    again = parse_site_file(path, resolve_region=resolve, answers=answers)
    assert again.ready
    assert values(again, "org_type") == ["private", "private"]
    assert values(again, "region_code") == ["130902", "430104"]


def test_institution_kind_column_and_consistency(tmp_path: Path) -> None:
    rows = [["名称", "党组织类型", "事业单位类别", "县市区"],
            ["县图书馆党支部", "事业单位", "文化", "岳麓区"],
            ["县医院党委", "医院", None, "岳麓区"],
            ["县体育馆党支部", "卫生院", "体育", "岳麓区"],
            ["甲村党支部", "村党支部", "文化", "岳麓区"]]
    result = parse_site_file(save(tmp_path, "kind.xlsx", ("Sheet1", rows)), resolve_region=resolve)
    assert [(r.values.get("org_type"), r.values.get("org_kind")) for r in result.rows[:2]] == [
        ("institution", "culture"), ("institution", "health")]
    assert [r.ok for r in result.rows] == [True, True, False, False]


def test_missing_required_column_is_refused(tmp_path: Path) -> None:
    path = save(tmp_path, "nocol.xlsx", ("Sheet1", [["名称", "书记", "党员人数"], ["甲村党支部", "张三", 3]]))
    with pytest.raises(UserError, match="缺少“党组织类型”“所属县市区或行政区划代码”列"):
        parse_site_file(path, resolve_region=resolve)


def test_default_region_for_a_sheet_without_region_column(tmp_path: Path) -> None:
    path = save(tmp_path, "own.xlsx", ("Sheet1", [["名称", "类型"], ["甲村党支部", "村党支部"]]))
    result = parse_site_file(path, resolve_region=resolve, default_region="430104")
    assert result.ready and values(result, "region_code") == ["430104"]


def test_no_header_anywhere_is_refused(tmp_path: Path) -> None:
    path = save(tmp_path, "none.xlsx", ("Sheet1", [["你好"], [1, 2, 3]]))
    with pytest.raises(UserError, match="没有找到示范点名单"):
        parse_site_file(path, resolve_region=resolve)


def test_mapping_can_be_corrected_stored_and_reapplied(tmp_path: Path) -> None:
    rows = [["单位", "党组织类型", "所属县市区", "负责同志联络号码", "村书记"],
            ["甲村党支部", "村党支部", "岳麓区", "13800000009", "王五"]]
    sheet = read_table_file(save(tmp_path, "fix.xlsx", ("Sheet1", rows)))[0]
    mapping = detect_columns(sheet)
    assert "phone" not in mapping.fields
    assert mapping.fields["secretary"] == 4 and "secretary" in mapping.guessed  # shown to confirm
    assert 3 in mapping.unmapped_columns
    fixed = mapping.with_field("phone", 3)
    described = {d["column"]: d["label"] for d in fixed.describe(SITE_SCHEMA)}
    assert described["D"] == "联系电话"
    restored = ColumnMapping.from_dict(fixed.to_dict())
    assert restored == fixed
    result = parse_site_rows(sheet, restored, resolve_region=resolve)
    assert result.rows[0].values["phone"] == "13800000009"
    # moving a field to another column unmaps whatever that column held
    moved = restored.with_field("name", 1)
    assert moved.fields["name"] == 1 and "org_type" not in moved.fields


def test_columns_not_in_the_sheet_are_not_touched() -> None:
    """A sheet without a phone column must not clear stored phones."""
    parsed = {"name": "甲村党支部", "org_type": "village", "org_kind": None, "region_code": "430104"}
    stored = {"name": "甲村党支部", "org_type": "village", "org_kind": None, "region_code": "430104",
              "phone": "13800000000", "notes": ""}
    assert changed_fields(parsed, stored) == {}
    assert changed_fields({**parsed, "notes": None}, stored) == {}
    assert changed_fields({**parsed, "phone": None}, stored) == {"phone": ("13800000000", None)}


def test_org_counts_sheet(tmp_path: Path) -> None:
    rows = [["各县市区基层党组织数量统计表"],
            ["序号", "县市区", "乡镇党委", "村党组织", "社区党组织", "合计"],
            [1, "岳麓区", 8, "１２０", None, 128],
            [2, "芙蓉区", 0, 3, "x", 3],
            ["合计", None, 8, 123, 0, 131]]
    result = parse_org_count_file(save(tmp_path, "counts.xlsx", ("Sheet1", rows)), resolve_region=resolve)
    assert result.rows[0].values == {"region_code": "430104",
                                     "counts": {"township": 8, "village": 120, "community": 0}}
    assert len(result.rows) == 2
    assert ["社区党组织" in e.message for e in result.errors] == [True]
