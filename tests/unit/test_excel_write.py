"""Workbooks we write: values stay values, sheets print, exports read back unchanged."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bqw_desktop.domain.vocab import LEVEL_LABELS, ORG_TYPE_LABELS
from bqw_desktop.errors import UserError
from bqw_desktop.excel.org_counts_sheet import parse_org_count_file
from bqw_desktop.excel.sites_sheet import (
    SITE_REGISTER_COLUMNS,
    changed_fields,
    parse_site_file,
    site_register_row,
)
from bqw_desktop.excel.templates import write_template
from bqw_desktop.excel.writer import (
    Column,
    TableSheet,
    write_error_report,
    write_register,
    write_summary,
    write_tables,
)

REGIONS = [("430102", "芙蓉区"), ("430103", "天心区"), ("430104", "岳麓区")]
CODES = {code: [code] for code, _ in REGIONS} | {label: [code] for code, label in REGIONS}
NAMES = dict(REGIONS)


def resolve(text: str) -> list[str]:
    return CODES.get(text, [])


def sheet_xml(path: Path, index: int = 1) -> str:
    return zipfile.ZipFile(path).read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")


# --- values stay values -------------------------------------------------------------------------

HOSTILE = ["=1+1", '=HYPERLINK("http://evil.example","点我")', "+86 13800000000", "-5", "@SUM(A1)",
           "#N/A", "=cmd|' /C calc'!A0"]


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    path = tmp_path / "inj.xlsx"
    columns = [Column("name", "名称"), Column("notes", "备注")]
    write_register([{"name": text, "notes": text} for text in HOSTILE], columns, path, title="测试")

    xml = sheet_xml(path)
    assert "<f>" not in xml and "<f " not in xml
    assert 't="e"' not in xml
    ws = openpyxl.load_workbook(path).active
    read = [ws.cell(row=4 + i, column=1) for i in range(len(HOSTILE))]
    assert [c.value for c in read] == HOSTILE
    assert all(c.data_type == "s" for c in read)
    assert all(c.quotePrefix for c in read)  # stays text if someone edits it in Excel


def test_phones_codes_and_dates(tmp_path: Path) -> None:
    path = tmp_path / "types.xlsx"
    columns = [Column("phone", "联系电话"), Column("code", "代码"), Column("count", "人数", kind="int"),
               Column("day", "日期", kind="date")]
    rows = [{"phone": "07318888666", "code": "430104", "count": 35, "day": date(2011, 5, 20)},
            {"phone": 13812345678, "code": 430104, "count": None, "day": datetime(2012, 3, 1)}]
    write_register(rows, columns, path, title="测试")
    ws = openpyxl.load_workbook(path).active
    assert [ws.cell(row=r, column=1).value for r in (4, 5)] == ["07318888666", "13812345678"]
    assert [ws.cell(row=r, column=2).value for r in (4, 5)] == ["430104", "430104"]
    assert ws["C4"].value == 35 and ws["C4"].data_type == "n"
    assert ws["D4"].is_date and ws["D4"].value == datetime(2011, 5, 20)
    assert ws["D5"].is_date and ws["D5"].value == datetime(2012, 3, 1)
    assert "yy" in ws["D4"].number_format


def test_control_characters_do_not_break_the_export(tmp_path: Path) -> None:
    path = tmp_path / "ctl.xlsx"
    write_register([{"name": "某村\x07党\x00支部"}], [Column("name", "名称")], path, title="测试")
    assert openpyxl.load_workbook(path).active["A4"].value == "某村党支部"


# --- layout and printing --------------------------------------------------------------------------

def test_register_layout_and_print_setup(tmp_path: Path) -> None:
    path = tmp_path / "reg.xlsx"
    progress: list[int] = []
    count = write_register(
        [{"name": f"第{i}村党支部", "phone": "13800000000"} for i in range(1200)],
        [Column("name", "名称", 30), Column("phone", "联系电话", 16)], path,
        title="示范点花名册", unit_line="填报单位：某县委组织部", made_on=date(2024, 5, 1),
        progress=progress.append)
    assert count == 1200 and progress[-1] == 1200 and len(progress) >= 3
    wb = openpyxl.load_workbook(path)
    ws = wb["花名册"]
    assert ws["A1"].value == "示范点花名册" and ws["A1"].font.b
    assert "A1:B1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value == "填报单位：某县委组织部" and ws["B2"].value == "制表日期：2024年5月1日"
    assert [ws["A3"].value, ws["B3"].value] == ["名称", "联系电话"]
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["A"].width == 30
    assert ws.max_row == 1203


def test_several_sheets_and_bad_sheet_names(tmp_path: Path) -> None:
    path = tmp_path / "lists.xlsx"
    columns = [Column("name", "名称")]
    write_tables([TableSheet("县级/已申报", "县级 已申报", columns, [["甲"]]),
                  TableSheet("市级:已确定", "市级 已确定", columns, [["乙"], ["丙"]])], path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["县级_已申报", "市级_已确定"]
    assert wb["市级_已确定"]["A5"].value == "丙"


def test_saving_into_a_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="不存在"):
        write_register([], [Column("name", "名称")], tmp_path / "no" / "x.xlsx", title="t")


# --- round trip -----------------------------------------------------------------------------------

def _sites() -> list[dict[str, Any]]:
    return [
        {"id": str(uuid.uuid4()), "name": "某某村党总支", "org_type": "village", "org_kind": None,
         "region_code": "430104", "parent_org": "某某镇党委", "secretary": "张三", "member_count": 35,
         "contact": "李四", "phone": "07318888666", "notes": "=不是公式", "level": "county",
         "applied_on": date(2011, 5, 20)},
        {"id": str(uuid.uuid4()), "name": "县人民医院党委", "org_type": "institution",
         "org_kind": "health", "region_code": "430102", "parent_org": None, "secretary": "王五",
         "member_count": 210, "contact": None, "phone": "13812345678、0731-88886666",
         "notes": "多行\n备注", "level": None, "applied_on": None},
        {"id": str(uuid.uuid4()), "name": "某社会组织党支部", "org_type": "social", "org_kind": None,
         "region_code": "430103", "parent_org": None, "secretary": None, "member_count": None,
         "contact": None, "phone": None, "notes": None, "level": "province",
         "applied_on": date(2024, 1, 2)},
    ]


def test_export_then_import_changes_nothing(tmp_path: Path) -> None:
    sites = _sites()
    path = tmp_path / "花名册.xlsx"
    rows = [site_register_row(s, region_name=NAMES[s["region_code"]], status_label="已申报") for s in sites]
    write_register(rows, SITE_REGISTER_COLUMNS, path, title="示范点花名册", unit_line="填报单位：某市委组织部")

    result = parse_site_file(path, resolve_region=resolve)
    assert result.ready, [e.message for e in result.errors]
    assert result.mappings[0].header_row == 3
    assert len(result.rows) == len(sites)
    for site, row in zip(sites, result.rows, strict=True):
        assert changed_fields(row.values, site) == {}, row.values
        assert row.values["id"] == site["id"]
        assert row.values["phone"] == site["phone"]
        assert (row.values["level"], row.values["applied_on"]) == (site["level"], site["applied_on"])
    assert "status" not in result.rows[0].values  # a sheet never sets a status


# --- summary table --------------------------------------------------------------------------------

STATUSES = [("applied", "已申报"), ("recommended", "已推荐"), ("approved", "已确定")]


def test_summary_layout_subtotals_and_totals(tmp_path: Path) -> None:
    counts = {
        ("430104", "village", "county", "applied"): 5,
        ("430104", "village", "county", "approved"): 2,
        ("430104", "community", "city", "recommended"): 1,
        ("430102", "village", "province", "approved"): 3,
        ("999999", "village", "county", "applied"): 100,  # a region not listed is left out
    }
    path = tmp_path / "汇总表.xlsx"
    org_types = list(ORG_TYPE_LABELS.items())
    levels = list(LEVEL_LABELS.items())
    write_summary(counts, path, title="示范点汇总表", unit_line="填报单位：某市委组织部",
                  regions=REGIONS, org_types=org_types, levels=levels, statuses=STATUSES,
                  made_on=date(2024, 5, 1))
    ws = openpyxl.load_workbook(path).active
    grid = [[c.value for c in row] for row in ws.iter_rows()]
    width = 2 + len(levels) * (len(STATUSES) + 1) + 1
    assert ws.max_column == width
    assert grid[0][0] == "示范点汇总表" and grid[1][0] == "填报单位：某市委组织部"
    assert "制表日期：2024年5月1日" in grid[1]
    assert grid[2][:3] == ["县市区", "党组织类型", "县级"] and grid[2][-1] == "合计"
    assert grid[3][2:6] == ["已申报", "已推荐", "已确定", "小计"]

    def line(region: str, label: str) -> list[Any]:
        """The row of one region block (the region is written on the block's first row)."""
        start = next(i for i, r in enumerate(grid) if r[0] == region)
        return next(r for r in grid[start:start + len(org_types) + 1] if r[1] == label)

    village = line("岳麓区", "村党组织")
    assert village[2:6] == [5, 0, 2, 7] and village[-1] == 7
    subtotal = line("岳麓区", "小计")
    assert subtotal[2:6] == [5, 0, 2, 7] and subtotal[6:10] == [0, 1, 0, 1] and subtotal[-1] == 8
    total = line("合计", "总计")
    assert total[-1] == 11
    assert line("合计", "村党组织")[-1] == 10
    assert line("天心区", "小计")[-1] == 0
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A3:A4" in merged and "C3:F3" in merged
    assert ws.print_title_rows == "$3:$4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert not any(isinstance(v, str) and v.startswith("=") for r in grid for v in r)


def test_summary_by_region_only(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    write_summary({("430104", "village", "county", "applied"): 4}, path, title="t", unit_line="u",
                  regions=REGIONS, org_types=list(ORG_TYPE_LABELS.items()),
                  levels=list(LEVEL_LABELS.items()), statuses=STATUSES, by_org_type=False)
    ws = openpyxl.load_workbook(path).active
    rows = {r[0].value: r[-1].value for r in ws.iter_rows(min_row=5)}
    assert rows == {"芙蓉区": 0, "天心区": 0, "岳麓区": 4, "合计": 4}


# --- templates and error reports --------------------------------------------------------------------

def test_site_template_has_dropdowns_frozen_header_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    write_template("sites", path, regions=REGIONS)
    wb = openpyxl.load_workbook(path)
    ws = wb["示范点名单"]
    assert ws.freeze_panes == "A2"
    assert wb["选项"].sheet_state == "hidden"
    headers = [c.value for c in ws[1]]
    validations = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    type_dv = validations[f"{chr(65 + headers.index('党组织类型*'))}2"]
    region_dv = validations[f"{chr(65 + headers.index('所属县市区*'))}2"]
    level_dv = validations[f"{chr(65 + headers.index('申报级别'))}2"]
    assert type_dv.type == "list" and type_dv.formula1.startswith("'选项'!")
    options = wb["选项"]
    column_of = {c.value: c.column_letter for c in options[1]}
    assert [options[f"{column_of['党组织类型']}{r}"].value for r in range(2, 13)] == list(ORG_TYPE_LABELS.values())
    assert [options[f"{column_of['所属县市区']}{r}"].value for r in range(2, 5)] == ["芙蓉区", "天心区", "岳麓区"]
    assert region_dv.formula1.endswith("$4") and level_dv.type == "list"
    phone_column = chr(65 + headers.index("联系电话"))
    assert ws[f"{phone_column}2"].number_format == "@"

    # a clerk fills in two rows: the importer reads them
    ws.append(["甲村党支部", "村党组织", None, "岳麓区", None, None, 30, None, "07318888666", "县级", "2024-05-20"])
    ws["A2"], ws["B2"], ws["D2"] = "乙社区党委", "社区党组织", "芙蓉区"
    wb.save(path)
    result = parse_site_file(path, resolve_region=resolve)
    assert result.ready
    assert result.rows[0].values["name"] == "乙社区党委"
    assert any(r.values.get("phone") == "07318888666" for r in result.rows)


def test_org_count_template_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "数量.xlsx"
    write_template("org-counts", path, regions=REGIONS)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert [ws.cell(row=r, column=1).value for r in (2, 3, 4)] == ["芙蓉区", "天心区", "岳麓区"]
    ws["C4"], ws["D4"] = 12, 240
    wb.save(path)
    result = parse_org_count_file(path, resolve_region=resolve)
    assert result.ready
    assert result.rows[2].values["counts"]["township"] == 12
    assert result.rows[2].values["counts"]["village"] == 240
    assert result.rows[2].values["region_code"] == "430104"


def test_duplicate_region_labels_cannot_make_a_dropdown(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="重名"):
        write_template("sites", tmp_path / "t.xlsx", regions=[("130105", "新华区"), ("130902", "新华区")])


def test_error_report_lists_every_problem(tmp_path: Path) -> None:
    source = tmp_path / "错.xlsx"
    wb = openpyxl.Workbook()
    for row in (["名称", "类型", "县市区", "党员人数"], ["甲村党支部", "企业", "岳麓区", "很多"],
                ["乙村党支部", "火星组织", "火星", 3]):
        wb.active.append(row)
    wb.save(source)
    result = parse_site_file(source, resolve_region=resolve)
    report = tmp_path / "错误报告.xlsx"
    lines = write_error_report(result.errors, report, questions=result.questions)
    assert lines == 4
    ws = openpyxl.load_workbook(report).active
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert [r[2] for r in rows] == [2, 2, 3, 3]
    reasons = " ".join(r[6] for r in rows)
    assert "很多" in reasons and "火星" in reasons and "需要确认" in reasons
    assert all(r[0] == "错.xlsx" for r in rows)


def test_writes_to_a_stream() -> None:
    buffer = io.BytesIO()
    write_register([["甲"]], [Column("name", "名称")], buffer, title="t")
    assert openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active["A4"].value == "甲"
