"""Blank import templates: the sheets we hand out so what comes back reads cleanly.

Each template has its header in row 1 (frozen), sensible column widths, and drop-down lists
(data validation) for organization type, institution kind, level and region. The lists live
on a hidden sheet "选项" and are referenced by range, so long region lists do not hit
Excel's 255-character limit on inline lists. Phone and code columns are formatted as text
so Excel keeps leading zeros and does not turn 11-digit numbers into 1.38E+10.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from bqw_desktop.domain.vocab import INSTITUTION_KIND_LABELS, LEVEL_LABELS, ORG_TYPE_LABELS
from bqw_desktop.errors import UserError
from bqw_desktop.excel.writer import Output, save_workbook

SITES = "sites"
ORG_COUNTS = "org-counts"
OPTIONS_SHEET = "选项"
TEMPLATE_ROWS = 2000

_HEADER_FONT = Font(name="宋体", size=11, bold=True)
_REQUIRED_FONT = Font(name="宋体", size=11, bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


# (header, width, kind, hint). Headers are what the importer recognises first.
SITE_TEMPLATE_COLUMNS: tuple[tuple[str, float, str, str], ...] = (
    ("名称*", 34, "text", "基层党组织全称，如：某某镇某某村党总支"),
    ("党组织类型*", 30, "org_type", "从下拉列表选择十一类之一"),
    ("事业单位类别", 14, "org_kind", "仅事业单位党组织填写：文化、卫生、体育或其他"),
    ("所属县市区*", 16, "region", "从下拉列表选择"),
    ("上级党组织", 26, "text", ""),
    ("书记", 10, "text", ""),
    ("党员人数", 10, "int", "填整数"),
    ("联系人", 10, "text", ""),
    ("联系电话", 16, "phone", "手机或带区号的固定电话"),
    ("申报级别", 10, "level", "申报示范点时填写：县级、市级或省级"),
    ("申报日期", 12, "date", "如 2024-05-20"),
    ("备注", 30, "text", ""),
)


def write_template(
    kind: str,
    out: Output,
    *,
    regions: Sequence[tuple[str, str]] = (),
    org_types: Sequence[str] | None = None,
    levels: Sequence[str] | None = None,
    rows: int = TEMPLATE_ROWS,
) -> None:
    """A blank import template: kind "sites" (site list, optionally with applications) or
    "org-counts" (each unit's number of grassroots party organizations, for quotas).

    `regions` are (code, label) pairs offered in the region drop-down; labels must be
    unique (the importer resolves them back to codes). `org_types` and `levels` default to
    the eleven organization types and 县级/市级/省级.
    """
    org_types = list(org_types or ORG_TYPE_LABELS.values())
    levels = list(levels or LEVEL_LABELS.values())
    labels = [label for _, label in regions]
    if len(set(labels)) != len(labels):
        raise UserError("县市区名称有重名，无法做成下拉列表，请给重名的县市区加上所属市州。")
    wb = Workbook()
    if kind == SITES:
        _sites_template(wb, org_types=org_types, levels=levels, regions=regions, rows=rows)
    elif kind == ORG_COUNTS:
        _org_counts_template(wb, org_types=org_types, regions=regions, rows=rows)
    else:
        raise ValueError(f"unknown template kind {kind!r}")
    save_workbook(wb, out)


def _options_sheet(wb: Workbook, lists: dict[str, Sequence[str]]) -> dict[str, str]:
    """A hidden sheet with one list per column; returns list name → absolute range formula."""
    ws = wb.create_sheet(OPTIONS_SHEET)
    ws.sheet_state = "hidden"
    refs: dict[str, str] = {}
    for column, (name, values) in enumerate(lists.items(), 1):
        letter = get_column_letter(column)
        ws.cell(row=1, column=column, value=name)
        for row, value in enumerate(values, 2):
            ws.cell(row=row, column=column, value=value).number_format = "@"
        last = max(len(values) + 1, 2)
        refs[name] = f"{quote_sheetname(OPTIONS_SHEET)}!${letter}$2:${letter}${last}"
    return refs


def _list_validation(ws: Any, formula: str, column: int, rows: int, prompt: str) -> None:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    _finish_validation(dv, prompt, "请从下拉列表中选择。")
    letter = get_column_letter(column)
    dv.add(f"{letter}2:{letter}{rows + 1}")
    ws.add_data_validation(dv)


def _finish_validation(dv: DataValidation, prompt: str, error: str) -> None:
    dv.showErrorMessage = True
    dv.errorTitle = "输入不符合要求"
    dv.error = error
    if prompt:
        dv.showInputMessage = True
        dv.prompt = prompt[:250]


def _header(ws: Any, headers: Sequence[tuple[str, float, str]]) -> None:
    for column, (text, width, hint) in enumerate(headers, 1):
        cell = ws.cell(row=1, column=column, value=text)
        cell.font = _REQUIRED_FONT if text.endswith("*") else _HEADER_FONT
        cell.fill, cell.border, cell.alignment = _HEADER_FILL, _BOX, _CENTER
        if hint:
            cell.comment = Comment(hint, "填表说明")
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.row_dimensions[1].height = 28
    ws.freeze_panes = "A2"


def _sites_template(wb: Workbook, *, org_types: list[str], levels: list[str],
                    regions: Sequence[tuple[str, str]], rows: int) -> None:
    ws = wb.active
    ws.title = "示范点名单"
    _header(ws, [(h, w, hint) for h, w, _, hint in SITE_TEMPLATE_COLUMNS])
    refs = _options_sheet(wb, {
        "党组织类型": org_types,
        "事业单位类别": list(INSTITUTION_KIND_LABELS.values()),
        "申报级别": levels,
        "所属县市区": [label for _, label in regions],
        "行政区划代码": [code for code, _ in regions],
    })
    for column, (_, _, kind, hint) in enumerate(SITE_TEMPLATE_COLUMNS, 1):
        letter = get_column_letter(column)
        if kind == "org_type":
            _list_validation(ws, refs["党组织类型"], column, rows, hint)
        elif kind == "org_kind":
            _list_validation(ws, refs["事业单位类别"], column, rows, hint)
        elif kind == "level":
            _list_validation(ws, refs["申报级别"], column, rows, hint)
        elif kind == "region" and regions:
            _list_validation(ws, refs["所属县市区"], column, rows, hint)
        elif kind == "int":
            dv = DataValidation(type="whole", operator="between", formula1="0", formula2="1000000",
                                allow_blank=True)
            _finish_validation(dv, hint, "党员人数应为不小于 0 的整数。")
            dv.add(f"{letter}2:{letter}{rows + 1}")
            ws.add_data_validation(dv)
        elif kind == "date":
            dv = DataValidation(type="date", operator="between", allow_blank=True,
                                formula1=str(_serial(date(1949, 10, 1))),
                                formula2=str(_serial(date(2099, 12, 31))))
            _finish_validation(dv, hint, "请输入日期，如 2024-05-20。")
            dv.add(f"{letter}2:{letter}{rows + 1}")
            ws.add_data_validation(dv)
        if kind == "phone":
            _text_format(ws, column, rows)
        elif kind == "date":
            for row in range(2, rows + 2):
                ws.cell(row=row, column=column).number_format = "yyyy-mm-dd"
    _instructions(wb, [
        "1. 每行填写一个基层党组织（示范点）；带 * 的列必须填写。",
        "2. “党组织类型”“所属县市区”“申报级别”请从下拉列表选择；事业单位党组织另填“事业单位类别”。",
        ("3. 同时申报示范点的，填写“申报级别”和“申报日期”，导入后为“已申报”，推荐和确定按程序另行办理；"
         "只登记名单的，这两列留空。"),
        "4. 联系电话按文本填写，可填多个号码，用顿号分隔。",
        "5. 请勿修改表头文字，请勿合并单元格；可以删除不需要的空行。",
    ])


def _org_counts_template(wb: Workbook, *, org_types: list[str], regions: Sequence[tuple[str, str]],
                         rows: int) -> None:
    ws = wb.active
    ws.title = "基层党组织数"
    headers = [("所属县市区*", 18.0, "从下拉列表选择"), ("行政区划代码", 14.0, "6 位代码，可不填")]
    headers += [(label, 12.0, "填整数") for label in org_types]
    headers.append(("合计", 10.0, "自动求和，不必填写"))
    _header(ws, headers)
    refs = _options_sheet(wb, {"所属县市区": [label for _, label in regions],
                               "行政区划代码": [code for code, _ in regions]})
    count = len(regions) if regions else min(rows, 300)  # one row per listed region
    if regions:
        _list_validation(ws, refs["所属县市区"], 1, count, "从下拉列表选择")
    for row, (code, label) in enumerate(regions, 2):
        ws.cell(row=row, column=1, value=label)
        ws.cell(row=row, column=2, value=code).number_format = "@"
    first, last = get_column_letter(3), get_column_letter(2 + len(org_types))
    total_column = 3 + len(org_types)
    for row in range(2, count + 2):
        # The template's own sum for the person filling it in; the importer ignores this column.
        ws.cell(row=row, column=total_column, value=f"=SUM({first}{row}:{last}{row})")
    dv = DataValidation(type="whole", operator="between", formula1="0", formula2="1000000",
                        allow_blank=True)
    _finish_validation(dv, "填整数", "应为不小于 0 的整数。")
    dv.add(f"{first}2:{last}{count + 1}")
    ws.add_data_validation(dv)
    _instructions(wb, [
        "1. 每行一个县市区（或单位），填写各类基层党组织的数量，用于测算示范点名额。",
        "2. 数量填整数；没有的填 0 或留空。",
        "3. “合计”列自动求和，导入时不读取。",
    ])


def _text_format(ws: Any, column: int, rows: int) -> None:
    """Format the column's cells as text so typed digits keep their zeros."""
    for row in range(2, rows + 2):
        ws.cell(row=row, column=column).number_format = "@"


def _instructions(wb: Workbook, lines: Sequence[str]) -> None:
    ws = wb.create_sheet("填表说明")
    ws.column_dimensions["A"].width = 100
    ws["A1"] = "填表说明"
    ws["A1"].font = Font(name="宋体", size=14, bold=True)
    for row, line in enumerate(lines, 3):
        ws.cell(row=row, column=1, value=line).alignment = Alignment(wrap_text=True)


def _serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days
