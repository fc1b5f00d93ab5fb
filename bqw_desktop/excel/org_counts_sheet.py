"""Each unit's number of grassroots party organizations, by type (the basis of quotas).

Reads the "org-counts" template (one row per county or unit, one column per organization
type) or any sheet shaped like it. Each row becomes `values = {"region_code": ...,
"counts": {org_type: n, ...}}` holding only the types whose column is present (a blank cell
counts 0); a row with every count cell blank also carries `"blank": True`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bqw_desktop.domain.vocab import OrgType
from bqw_desktop.errors import UserError
from bqw_desktop.excel import normalize as nz
from bqw_desktop.excel.headers import ORG_COUNT_SCHEMA, ColumnMapping, detect_columns
from bqw_desktop.excel.reader import SheetData, read_table_file
from bqw_desktop.excel.rows import (
    Answers,
    ParseResult,
    RegionResolver,
    RowBuilder,
    RowContext,
    RowError,
    merge_question,
    parse_region,
    skip_row,
)

_TYPES = tuple(str(t) for t in OrgType)


def parse_org_count_rows(
    sheet: SheetData,
    mapping: ColumnMapping,
    *,
    resolve_region: RegionResolver,
    region_label: Callable[[str], str] | None = None,
    answers: Answers | None = None,
) -> ParseResult:
    """Every unit row of an organization-count sheet, validated; a region listed twice is
    an error on the later row."""
    missing = mapping.missing(ORG_COUNT_SCHEMA)
    if missing:
        raise UserError(f"文件 {sheet.file_name} 工作表 {sheet.name} 缺少“{'”“'.join(missing)}”列，"
                        "请在列对应中指定。")
    if not any(t in mapping.fields for t in _TYPES):
        raise UserError(f"文件 {sheet.file_name} 工作表 {sheet.name} 没有任何党组织类型的数量列"
                        "（如“村党组织”“社区党组织”）。")
    ctx = RowContext(sheet, mapping, ORG_COUNT_SCHEMA, resolve_region, region_label,
                     answers or {}, None, {})
    result = ParseResult(mappings=[mapping])
    seen: dict[str, int] = {}
    for number in range(mapping.data_start_row, len(sheet.rows) + 1):
        values = sheet.rows[number - 1]
        if skip_row(values, mapping):
            continue
        b = RowBuilder(ctx, number, values)
        parse_region(b)
        counts: dict[str, int] = {}
        for org_type in _TYPES:
            if not b.has(org_type):
                continue
            try:
                counts[org_type] = nz.parse_int(b.cell(org_type), minimum=0, maximum=1_000_000) or 0
            except nz.CellProblem as problem:
                b.error(org_type, problem.reason)
        b.row.values["counts"] = counts
        if all(nz.is_blank(b.cell(t)) for t in _TYPES if b.has(t)):
            # A unit listed (as templates list them) but not filled in: nothing to enter.
            b.row.values["blank"] = True
        code = b.row.values.get("region_code")
        if code and code in seen:
            b.row.errors.append(RowError(b.ref, f"与第 {seen[code]} 行是同一个县市区（重复）",
                                         field="region"))
        elif code:
            seen[code] = number
        result.rows.append(b.row)
    result.errors = [e for r in result.rows for e in r.errors]
    for question in ctx.questions.values():
        merge_question(result.questions, question)
    return result


def parse_org_count_file(path: str | Path, *, resolve_region: RegionResolver,
                         region_label: Callable[[str], str] | None = None,
                         answers: Answers | None = None) -> ParseResult:
    """The first visible sheet of the file that looks like an organization-count table."""
    reasons: list[str] = []
    for sheet in read_table_file(path):
        if sheet.hidden or not sheet.rows:
            continue
        try:
            mapping = detect_columns(sheet, ORG_COUNT_SCHEMA)
        except UserError as exc:
            reasons.append(exc.message)
            continue
        return parse_org_count_rows(sheet, mapping, resolve_region=resolve_region,
                                    region_label=region_label, answers=answers)
    why = "；".join(reasons or ["文件没有内容"])
    raise UserError(f"文件 {Path(path).name} 中没有找到基层党组织数量表（{why}）。")
