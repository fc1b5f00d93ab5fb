"""Site lists: from sheet rows to validated plain rows, each knowing where it came from.

`parse_site_rows` reads the data rows under a sheet's header with a `ColumnMapping`,
normalises and validates every field, and returns a `ParseResult`:

- `rows`: one `ParsedRow` per data row (title, empty, totals, footer and repeated header
  rows are skipped), with `values` holding only the fields whose column is mapped (so an
  import never clears a field the sheet does not carry), the source cell of each field, and
  the row's own errors;
- `errors`: every `RowError`, each naming file, sheet, row, column header and reason;
- `questions`: texts that could mean several things (an organization type, a region name
  found in two places), grouped by text, with candidates. Nothing is guessed: rows waiting
  on an answer are not `ok`; pass the user's answers back in `answers` and parse again.

Matching against the database (new / updated / unchanged) is the caller's: `values["id"]`
and `values["name_key"]` + `values["region_code"]` are the keys, `changed_fields` the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from bqw_desktop.domain.vocab import (
    INSTITUTION_KIND_LABELS,
    LEVEL_LABELS,
    ORG_TYPE_LABELS,
    OrgType,
)
from bqw_desktop.errors import UserError
from bqw_desktop.excel import normalize as nz
from bqw_desktop.excel.headers import SITE_SCHEMA, ColumnMapping, detect_columns
from bqw_desktop.excel.reader import SheetData, read_table_file
from bqw_desktop.excel.rows import (
    Answers,
    ParsedRow,
    ParseResult,
    Question,
    RegionResolver,
    RowBuilder,
    RowContext,
    RowError,
    RowRef,
    merge_question,
    parse_region,
    skip_row,
)
from bqw_desktop.excel.writer import Column

__all__ = [
    "SITE_REGISTER_COLUMNS",
    "Answers",
    "ParseResult",
    "ParsedRow",
    "Question",
    "RegionResolver",
    "RowError",
    "RowRef",
    "changed_fields",
    "parse_site_file",
    "parse_site_rows",
    "site_register_row",
]

MAX_NAME = 100
MAX_TEXT = 200
MAX_NOTES = 2000


def parse_site_rows(
    sheet: SheetData,
    mapping: ColumnMapping,
    *,
    resolve_region: RegionResolver,
    region_label: Callable[[str], str] | None = None,
    answers: Answers | None = None,
    default_region: str | None = None,
    check_duplicates: bool = True,
) -> ParseResult:
    """Every data row of one sheet, normalised and validated (see the module docstring).

    `default_region` is the region code used when the sheet has no region column (a county
    office's own list); a region cell that is filled in always wins.
    """
    ctx = RowContext(sheet, mapping, SITE_SCHEMA, resolve_region, region_label,
                   answers or {}, default_region, {})
    missing = mapping.missing(SITE_SCHEMA)
    if default_region and missing == ["所属县市区或行政区划代码"]:
        missing = []
    if missing:
        raise UserError(f"文件 {sheet.file_name} 工作表 {sheet.name} 缺少“{'”“'.join(missing)}”列，"
                        "请在列对应中指定。")
    result = ParseResult(mappings=[mapping])
    for number in range(mapping.data_start_row, len(sheet.rows) + 1):
        values = sheet.rows[number - 1]
        if skip_row(values, mapping):
            continue
        result.rows.append(_parse_row(ctx, number, values))
    if check_duplicates:
        _flag_duplicates(result.rows)
    result.errors = [e for r in result.rows for e in r.errors]
    result.questions = list(ctx.questions.values())
    return result

def _parse_row(ctx: RowContext, number: int, values: tuple[Any, ...]) -> ParsedRow:
    b = RowBuilder(ctx, number, values)
    b.parse("id", nz.parse_uuid)
    _parse_name(b)
    _parse_org_type(b)
    parse_region(b)
    b.parse("parent_org", _text(MAX_TEXT, "上级党组织"))
    b.parse("secretary", _person)
    b.parse("member_count", lambda v: nz.parse_int(v, minimum=0, maximum=1_000_000))
    b.parse("contact", _person)
    b.parse("phone", nz.parse_phone)
    b.parse("notes", _notes)
    b.parse("level", nz.parse_level)
    b.parse("applied_on", nz.parse_date)
    if b.row.values.get("applied_on") and b.has("level") and not b.row.values.get("level"):
        b.error("level", "填写了申报日期，但没有填写申报级别")
    return b.row


def _text(limit: int, label: str) -> Callable[[Any], str | None]:
    def parse(value: Any) -> str | None:
        text = nz.clean_text(value)
        if len(text) > limit:
            raise nz.CellProblem(f"{label}过长（{len(text)} 字，最多 {limit} 字）")
        return text or None
    return parse


def _person(value: Any) -> str | None:
    text = nz.clean_text(value)
    if len(text) > 50:
        raise nz.CellProblem(f"姓名过长（{len(text)} 字）")
    return text or None


def _notes(value: Any) -> str | None:
    text = "" if value is None else (value.strip() if isinstance(value, str) else nz.clean_text(value))
    if len(text) > MAX_NOTES:
        raise nz.CellProblem(f"备注过长（{len(text)} 字，最多 {MAX_NOTES} 字）")
    return text or None


def _parse_name(b: RowBuilder) -> None:
    text = nz.clean_text(b.cell("name"))
    if not text:
        b.error("name", "名称为空")
        return
    if len(text) > MAX_NAME:
        b.error("name", f"名称过长（{len(text)} 字，最多 {MAX_NAME} 字）")
        return
    b.put("name", text)
    b.row.values["name_key"] = nz.name_key(text)


def _parse_org_type(b: RowBuilder) -> None:
    raw = b.cell("org_type")
    text = nz.clean_text(raw)
    kind_text = b.cell("org_kind") if b.has("org_kind") else None
    kind: str | None = None
    if b.has("org_kind"):
        try:
            kind = nz.parse_institution_kind(kind_text)
        except nz.CellProblem as problem:
            b.error("org_kind", problem.reason)
    if not text:
        b.error("org_type", "党组织类型为空")
        return
    answer = b.ctx.answers.get(("org_type", text))
    choices = [nz.org_choice_from_key(answer)] if answer else nz.match_org_type(raw)
    if not choices:
        b.error("org_type", f"无法识别党组织类型“{text}”（应为十一类之一，如 村党组织、社区党组织）")
        return
    if len(choices) > 1:
        b.ask("org_type", text, [(nz.org_choice_key(c), nz.org_choice_label(c)) for c in choices])
        return
    org_type, implied_kind = choices[0]
    if org_type != OrgType.INSTITUTION and kind is not None:
        b.error("org_kind", f"只有事业单位党组织需要填写事业单位类别，本行类型是“{text}”")
        return
    if kind is not None and implied_kind is not None and kind != implied_kind:
        b.error("org_kind", f"事业单位类别“{INSTITUTION_KIND_LABELS[kind]}”与党组织类型“{text}”不一致")
        return
    # Type and kind travel together: a site that stops being an institution loses its kind.
    b.put("org_type", org_type)
    b.put("org_kind", kind or implied_kind)
    if not b.has("org_kind"):
        b.row.cells["org_kind"] = b.row.cells["org_type"]

def _flag_duplicates(rows: Iterable[ParsedRow]) -> None:
    """A site twice in the same import: the later row is an error naming the earlier one."""
    by_id: dict[str, ParsedRow] = {}
    by_name: dict[tuple[str, str], ParsedRow] = {}
    for row in rows:
        site_id = row.values.get("id")
        name_key, region = row.values.get("name_key"), row.values.get("region_code")
        first = by_id.get(site_id) if site_id else None
        if first is None and name_key and region:
            first = by_name.get((name_key, region))
        if first is not None:
            where = (f"第 {first.source.row} 行" if first.source.sheet == row.source.sheet
                     else f"工作表 {first.source.sheet} 第 {first.source.row} 行")
            row.errors.append(RowError(row.source, f"与{where}是同一个示范点（重复）",
                                       field="name", value=row.values.get("name", "")))
            continue
        if site_id:
            by_id[site_id] = row
        if name_key and region:
            by_name[(name_key, region)] = row


def parse_site_file(
    path: str | Path,
    *,
    resolve_region: RegionResolver,
    region_label: Callable[[str], str] | None = None,
    mappings: Mapping[str, ColumnMapping] | None = None,
    answers: Answers | None = None,
    default_region: str | None = None,
) -> ParseResult:
    """All site rows of a file: every visible sheet with a recognisable header is parsed
    (with `mappings[sheet_name]` where the user corrected one), the others are listed in
    `skipped_sheets`; duplicates are checked across sheets. UserError if no sheet has one."""
    sheets = read_table_file(path)
    combined = ParseResult()
    for sheet in sheets:
        if sheet.hidden or not sheet.rows:
            if sheet.rows:
                combined.skipped_sheets.append(f"工作表 {sheet.name} 是隐藏的，未导入")
            continue
        mapping = (mappings or {}).get(sheet.name)
        if mapping is None:
            try:
                mapping = detect_columns(sheet, SITE_SCHEMA)
            except UserError as exc:
                combined.skipped_sheets.append(exc.message)
                continue
        part = parse_site_rows(sheet, mapping, resolve_region=resolve_region,
                               region_label=region_label, answers=answers,
                               default_region=default_region, check_duplicates=False)
        combined.rows.extend(part.rows)
        combined.mappings.extend(part.mappings)
        for question in part.questions:
            merge_question(combined.questions, question)
    if not combined.mappings:
        raise UserError(f"文件 {Path(path).name} 中没有找到示范点名单（"
                        + "；".join(combined.skipped_sheets or ["文件没有内容"]) + "）。")
    _flag_duplicates(combined.rows)
    combined.errors = [e for r in combined.rows for e in r.errors]
    return combined

COMPARED_FIELDS = ("name", "org_type", "org_kind", "region_code", "parent_org", "secretary",
                   "member_count", "contact", "phone", "notes")


def changed_fields(values: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """field → (stored, imported) for the site fields the row carries and that differ.

    Blank and None count as equal, so re-importing an export changes nothing. Application
    fields (level, applied_on) are the caller's to compare against applications.
    """
    changes: dict[str, tuple[Any, Any]] = {}
    for key in COMPARED_FIELDS:
        if key not in values:
            continue
        new, old = values[key], current.get(key)
        if (new in (None, "")) and (old in (None, "")):
            continue
        if new != old:
            changes[key] = (old, new)
    return changes


def level_label(level: str | None) -> str:
    """县级/市级/省级 for a Level key ("" for None), as exports write it."""
    return LEVEL_LABELS.get(level, "") if level else ""


# --- the register's shape: what an export writes is what an import reads -------------------------

SITE_REGISTER_COLUMNS: tuple[Column, ...] = (
    Column("id", "ID", 38),
    Column("name", "名称", 34),
    Column("org_type", "党组织类型", 26),
    Column("org_kind", "事业单位类别", 12),
    Column("region", "所属县市区", 14),
    Column("region_code", "行政区划代码", 12),
    Column("parent_org", "上级党组织", 24),
    Column("secretary", "书记", 10),
    Column("member_count", "党员人数", 9, "int"),
    Column("contact", "联系人", 10),
    Column("phone", "联系电话", 16),
    Column("level", "申报级别", 9),
    Column("applied_on", "申报日期", 12, "date"),
    Column("status", "状态", 10),
    Column("notes", "备注", 30),
)
"""Columns of the site register export (花名册); every one is read back by the importer
("状态" is shown but never imported)."""


def site_register_row(site: Mapping[str, Any], *, region_name: str = "",
                      status_label: str = "") -> dict[str, Any]:
    """A plain site (keys as in `ParsedRow.values`, plus optional level/applied_on) as one
    register row with Chinese labels, ready for `write_register(..., SITE_REGISTER_COLUMNS)`."""
    org_type = site.get("org_type")
    kind = site.get("org_kind")
    return {
        "id": site.get("id"),
        "name": site.get("name"),
        "org_type": ORG_TYPE_LABELS.get(org_type, org_type) if org_type else None,
        "org_kind": INSTITUTION_KIND_LABELS.get(kind) if kind else None,
        "region": region_name or None,
        "region_code": site.get("region_code"),
        "parent_org": site.get("parent_org"),
        "secretary": site.get("secretary"),
        "member_count": site.get("member_count"),
        "contact": site.get("contact"),
        "phone": site.get("phone"),
        "level": level_label(site.get("level")) or None,
        "applied_on": site.get("applied_on"),
        "status": status_label or None,
        "notes": site.get("notes"),
    }
