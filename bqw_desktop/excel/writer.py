"""Writing workbooks that print and whose values stay values.

- Long lists (the 15,000-site register, visit logs, candidacy lists, the checklist matrix,
  the quota table, error reports) go through `write_tables` / `write_register`: openpyxl's
  write-only mode, styles only on the title and header rows, so the cost stays at the
  library's floor.
- `write_summary` builds the 汇总表 superiors ask for: region × organization type rows with
  subtotals and totals, level × status columns, title, unit and date lines.
- Every sheet prints on A4 landscape, fitted to the page width, header rows repeated.
- Text is always a text cell: a value beginning with = + - @ (or looking like an Excel error
  such as "#N/A") is stored as a string with Excel's quote prefix, never as a formula; phone
  numbers and long codes are written as text; dates as date cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from bqw_desktop.errors import UserError

Output = str | Path | IO[bytes]
Progress = Callable[[int], None]

PROGRESS_EVERY = 500
_FORMULA_STARTS = frozenset("=+-@")
_ERROR_TEXTS = frozenset(ERROR_CODES)

_TITLE_FONT = Font(name="宋体", size=16, bold=True)
_BOLD = Font(name="宋体", size=11, bold=True)
_PLAIN = Font(name="宋体", size=11)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center")
_RIGHT = Alignment(horizontal="right", vertical="center")
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_SUBTOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
DATE_FORMAT = "yyyy-mm-dd"
PAPER_A4 = "9"  # the paperSize code Excel uses for A4


@dataclass(frozen=True)
class Column:
    """One exported column: the row key, its header, width in characters, and kind.

    kind: "text" (anything not text is written as its text, so codes and phones never
    become numbers), "int", "number", "date".
    """

    key: str
    header: str
    width: float = 14
    kind: str = "text"


@dataclass
class TableSheet:
    """One sheet of a list export. Rows are mappings keyed by `Column.key` or sequences in
    column order."""

    name: str
    title: str
    columns: Sequence[Column]
    rows: Iterable[Mapping[str, Any] | Sequence[Any]]
    unit_line: str | None = None


# --- cell values ------------------------------------------------------------------------------

def safe_text(value: str) -> str:
    """Text with the control characters an .xlsx cannot hold removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def needs_guard(value: str) -> bool:
    """True for text Excel would take for a formula or an error value."""
    return bool(value) and (value[0] in _FORMULA_STARTS or value in _ERROR_TEXTS)


def text_cell(ws: Any, value: str, **style: Any) -> Cell:
    """A write-only cell that holds `value` as a string whatever it begins with."""
    cell = WriteOnlyCell(ws)
    cell._value = safe_text(value)  # bypass type inference: "=1+1" must stay text
    cell.data_type = "s"
    cell.quotePrefix = True  # and stay text when someone edits the cell in Excel
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _styled(ws: Any, value: Any, *, font: Font = _PLAIN, alignment: Alignment = _CENTER,
            border: Border | None = None, fill: PatternFill | None = None,
            number_format: str | None = None) -> Cell:
    style: dict[str, Any] = {"font": font, "alignment": alignment}
    if border is not None:
        style["border"] = border
    if fill is not None:
        style["fill"] = fill
    if isinstance(value, str) and (needs_guard(value) or ILLEGAL_CHARACTERS_RE.search(value)):
        return text_cell(ws, value, **style)
    cell = WriteOnlyCell(ws, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    if number_format:
        cell.number_format = number_format
    return cell


def _row_converter(ws: Any, columns: Sequence[Column]) -> Callable[[Any], list[Any]]:
    """A function turning one source row into the list appended to the sheet.

    Built once per sheet so the per-cell work is a type check and, for the rare odd text, a
    guarded cell; no styles per data cell (PERFORMANCE.md).
    """
    keys = [c.key for c in columns]
    text_columns = [i for i, c in enumerate(columns) if c.kind == "text"]
    date_columns = [i for i, c in enumerate(columns) if c.kind == "date"]
    illegal = ILLEGAL_CHARACTERS_RE.search
    width = len(keys)

    def convert(row: Any) -> list[Any]:
        values = [row.get(k) for k in keys] if isinstance(row, Mapping) else list(row)[:width]
        if len(values) < width:
            values += [None] * (width - len(values))
        for i, value in enumerate(values):
            if value.__class__ is str and value and (
                    value[0] in _FORMULA_STARTS or value in _ERROR_TEXTS or illegal(value)):
                values[i] = text_cell(ws, value)
        for i in text_columns:
            value = values[i]
            if value is not None and value.__class__ is not str and not isinstance(value, Cell):
                values[i] = _as_text(value)
        for i in date_columns:
            value = values[i]
            if value.__class__ is datetime and value.time() == datetime.min.time():
                values[i] = value.date()
        return values

    return convert


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(" ", "minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- page setup -------------------------------------------------------------------------------

def setup_print(ws: Any, *, header_rows: str, landscape: bool = True) -> None:
    """A4, landscape, fitted to one page wide, `header_rows` ("1:3") repeated on every page,
    page numbers in the footer."""
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.print_options.gridLines = True  # borders without styling every data cell
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = header_rows
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _made_on_text(made_on: date) -> str:
    return f"制表日期：{made_on.year}年{made_on.month}月{made_on.day}日"


def _open_target(out: Output) -> Output:
    if isinstance(out, (str, Path)):
        path = Path(out)
        if not path.parent.exists():
            raise UserError(f"保存位置 {path.parent} 不存在。")
        return path
    return out


def save_workbook(wb: Workbook, out: Output) -> None:
    """Save to a path or binary stream; UserError when the file is locked or the folder gone."""
    target = _open_target(out)
    try:
        wb.save(target)
    except PermissionError:
        raise UserError(f"无法保存 {target}：文件可能正在 Excel 中打开，请关闭后重试。") from None


# --- list exports -----------------------------------------------------------------------------

TITLE_ROWS = 3  # title, unit/date line, header


def write_tables(sheets: Sequence[TableSheet], out: Output, *, made_on: date | None = None,
                 progress: Progress | None = None) -> int:
    """Write list sheets (title, unit and date line, header, rows) to `out`; returns the
    number of data rows written. `progress(n)` is called every few hundred rows."""
    made_on = made_on or date.today()
    _open_target(out)  # refuse a missing folder before streaming anything
    wb = Workbook(write_only=True)
    total = 0
    for spec in sheets:
        total = _write_table_sheet(wb, spec, made_on=made_on, progress=progress, done=total)
    save_workbook(wb, out)
    return total


def write_register(rows: Iterable[Mapping[str, Any] | Sequence[Any]], columns: Sequence[Column],
                   out: Output, *, title: str, unit_line: str | None = None,
                   made_on: date | None = None, sheet_name: str = "花名册",
                   progress: Progress | None = None) -> int:
    """The site register (花名册) or any single list, as filtered on screen."""
    sheet = TableSheet(sheet_name, title, columns, rows, unit_line)
    return write_tables([sheet], out, made_on=made_on, progress=progress)


def _write_table_sheet(wb: Workbook, spec: TableSheet, *, made_on: date,
                       progress: Progress | None, done: int) -> int:
    ws = wb.create_sheet(title=_sheet_title(spec.name))
    columns = list(spec.columns)
    width = max(len(columns), 1)
    last = get_column_letter(width)
    for i, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = f"A{TITLE_ROWS + 1}"
    setup_print(ws, header_rows=f"{TITLE_ROWS}:{TITLE_ROWS}")

    ws.row_dimensions[1].height = 30
    ws.append([_styled(ws, spec.title, font=_TITLE_FONT)])
    ws.merged_cells.add(f"A1:{last}1")
    ws.append(_unit_row(ws, spec.unit_line, made_on, width))
    ws.append([_styled(ws, c.header, font=_BOLD, border=_BOX, fill=_HEADER_FILL) for c in columns])

    convert = _row_converter(ws, columns)
    count = 0
    append = ws.append
    for row in spec.rows:
        append(convert(row))
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(done + count)
    if progress is not None:
        progress(done + count)
    ws.auto_filter.ref = f"A{TITLE_ROWS}:{last}{TITLE_ROWS + max(count, 1)}"
    return done + count


def _unit_row(ws: Any, unit_line: str | None, made_on: date, width: int) -> list[Any]:
    """Unit on the left, date of making on the right of the second row."""
    cells: list[Any] = [None] * width
    cells[0] = _styled(ws, unit_line or "", alignment=_LEFT)
    date_at = width - 1 if width > 1 else 0
    if date_at:
        cells[date_at] = _styled(ws, _made_on_text(made_on), alignment=_RIGHT)
    else:
        cells[0] = _styled(ws, f"{unit_line or ''}  {_made_on_text(made_on)}".strip(), alignment=_LEFT)
    if width > 2:
        ws.merged_cells.add(f"A2:{get_column_letter(width - 1)}2")
    return cells


_SHEET_NAME_BAD = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _sheet_title(name: str) -> str:
    """A legal sheet name: no []:*?/\\, at most 31 characters."""
    return (name.translate(_SHEET_NAME_BAD).strip("'") or "Sheet")[:31]


# --- error report -----------------------------------------------------------------------------

ERROR_COLUMNS = (
    Column("file", "文件", 24), Column("sheet", "工作表", 14), Column("row", "行号", 8, "int"),
    Column("column", "列", 6), Column("header", "列名", 16), Column("value", "单元格内容", 24),
    Column("reason", "问题", 60),
)


def write_error_report(errors: Iterable[Any], out: Output, *, questions: Iterable[Any] = (),
                       title: str = "导入检查结果：需要修改的行", made_on: date | None = None) -> int:
    """The errors (RowError) and open questions (Question) of an import as a workbook the
    clerk can fix the sheet from; returns the number of lines written."""
    rows: list[dict[str, Any]] = [e.to_dict() for e in errors]
    for question in questions:
        options = "、".join(label for _, label in question.candidates)
        for ref in question.rows:
            rows.append({**ref.to_dict(), "column": "", "header": question.header,
                         "value": question.value, "reason": f"需要确认：可能是 {options}"})
    rows.sort(key=lambda r: (r["file"], r["sheet"], r["row"]))
    return write_tables([TableSheet("错误报告", title, ERROR_COLUMNS, rows)], out, made_on=made_on)


# --- summary table ----------------------------------------------------------------------------

Counts = Mapping[tuple[str, str, str, str], int]
"""(region code, org type key, level key, status key) → number of sites."""


def write_summary(
    counts: Counts,
    out: Output,
    *,
    title: str,
    unit_line: str,
    regions: Sequence[tuple[str, str]],
    org_types: Sequence[tuple[str, str]],
    levels: Sequence[tuple[str, str]],
    statuses: Sequence[tuple[str, str]],
    made_on: date | None = None,
    by_org_type: bool = True,
    total_label: str = "合计",
    region_header: str = "县市区",
) -> None:
    """The 汇总表: one block per region (a row per organization type and a 小计 row, or a
    single row when `by_org_type` is False), then a 合计 block over all regions; columns are
    level × status with a 小计 per level and a 合计 column. Regions, types, levels and
    statuses are (key, label) pairs in display order; counts for keys not listed are left
    out (with no regions at all, a single block named `total_label` counts everything). All
    numbers are values (no formulas), so the table reads back as it prints.
    `region_header` names the first column (县市区, or 市州 for a province's table)."""
    made_on = made_on or date.today()
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总表"
    layout = _SummaryLayout(levels, statuses, label_columns=2 if by_org_type else 1)
    _summary_head(ws, layout, title=title, unit_line=unit_line, made_on=made_on,
                  region_header=region_header)
    row = layout.first_data_row
    for code, label in regions:
        row = _summary_block(ws, layout, row, label, counts, (code,), org_types, by_org_type)
    # No regions listed: one block over everything counted (a county's own table).
    all_codes = tuple(code for code, _ in regions) or tuple({key[0] for key in counts})
    _summary_block(ws, layout, row, total_label, counts, all_codes, org_types, by_org_type,
                   is_total=True)
    ws.freeze_panes = ws.cell(row=layout.first_data_row, column=layout.label_columns + 1)
    setup_print(ws, header_rows=f"{layout.header_top}:{layout.first_data_row - 1}")
    save_workbook(wb, out)


class _SummaryLayout:
    """Column positions of the summary: labels, then per level its statuses and 小计."""

    header_top = 3

    def __init__(self, levels: Sequence[tuple[str, str]], statuses: Sequence[tuple[str, str]],
                 *, label_columns: int) -> None:
        self.levels = list(levels)
        self.statuses = list(statuses)
        self.label_columns = label_columns
        self.first_data_row = self.header_top + 2
        self.level_start: dict[str, int] = {}
        column = label_columns + 1
        for key, _ in self.levels:
            self.level_start[key] = column
            column += len(self.statuses) + 1
        self.total_column = column

    @property
    def width(self) -> int:
        return self.total_column


def _summary_head(ws: Any, layout: _SummaryLayout, *, title: str, unit_line: str, made_on: date,
                  region_header: str) -> None:
    width = layout.width
    last = get_column_letter(width)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = title
    ws["A1"].font, ws["A1"].alignment = _TITLE_FONT, _CENTER
    ws.row_dimensions[1].height = 32
    split = max(2, width - 3)
    ws.merge_cells(f"A2:{get_column_letter(split)}2")
    ws["A2"], ws["A2"].alignment, ws["A2"].font = unit_line, _LEFT, _PLAIN
    ws.merge_cells(f"{get_column_letter(split + 1)}2:{last}2")
    date_cell = ws.cell(row=2, column=split + 1, value=_made_on_text(made_on))
    date_cell.alignment, date_cell.font = _RIGHT, _PLAIN

    top, sub = layout.header_top, layout.header_top + 1
    labels = [region_header, "党组织类型"][: layout.label_columns]
    for i, text in enumerate(labels, 1):
        ws.merge_cells(start_row=top, start_column=i, end_row=sub, end_column=i)
        ws.cell(row=top, column=i, value=text)
    for key, label in layout.levels:
        start = layout.level_start[key]
        ws.merge_cells(start_row=top, start_column=start, end_row=top,
                       end_column=start + len(layout.statuses))
        ws.cell(row=top, column=start, value=label)
        for offset, (_, status_label) in enumerate(layout.statuses):
            ws.cell(row=sub, column=start + offset, value=status_label)
        ws.cell(row=sub, column=start + len(layout.statuses), value="小计")
    ws.merge_cells(start_row=top, start_column=layout.total_column, end_row=sub,
                   end_column=layout.total_column)
    ws.cell(row=top, column=layout.total_column, value="合计")
    for r in (top, sub):
        ws.row_dimensions[r].height = 30
        for c in range(1, width + 1):
            cell = ws.cell(row=r, column=c)
            cell.font, cell.alignment, cell.border, cell.fill = _BOLD, _CENTER, _BOX, _HEADER_FILL
    ws.column_dimensions["A"].width = 14
    if layout.label_columns == 2:
        ws.column_dimensions["B"].width = 30
    for c in range(layout.label_columns + 1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 8


def _summary_block(ws: Any, layout: _SummaryLayout, row: int, region_label: str, counts: Counts,
                   codes: tuple[str, ...], org_types: Sequence[tuple[str, str]],
                   by_org_type: bool, *, is_total: bool = False) -> int:
    """Rows for one region (or the grand total); returns the next free row."""
    code_set = set(codes)
    lines: list[tuple[str, set[str]]] = []
    if by_org_type:
        lines = [(label, {key}) for key, label in org_types]
    type_keys = {key for key, _ in org_types}
    first = row
    for label, keys in lines:
        _summary_line(ws, layout, row, [region_label, label], counts, code_set, keys)
        row += 1
    closing = ("总计" if is_total else "小计") if by_org_type else region_label
    _summary_line(ws, layout, row, [region_label, closing] if by_org_type else [closing], counts,
                  code_set, type_keys, emphasis=by_org_type or is_total)
    if by_org_type:
        ws.merge_cells(start_row=first, start_column=1, end_row=row, end_column=1)
    return row + 1


def _summary_line(ws: Any, layout: _SummaryLayout, row: int, labels: list[str], counts: Counts,
                  codes: set[str], types: set[str], *, emphasis: bool = False) -> None:
    font = _BOLD if emphasis else _PLAIN
    fill = _SUBTOTAL_FILL if emphasis else None
    values: dict[int, int] = {}
    grand = 0
    for level, _ in layout.levels:
        start = layout.level_start[level]
        level_total = 0
        for offset, (status, _) in enumerate(layout.statuses):
            n = sum(counts.get((code, org_type, level, status), 0)
                    for code in codes for org_type in types)
            values[start + offset] = n
            level_total += n
        values[start + len(layout.statuses)] = level_total
        grand += level_total
    values[layout.total_column] = grand
    for i, text in enumerate(labels, 1):
        cell = ws.cell(row=row, column=i, value=text)
        cell.font, cell.border = font, _BOX
        cell.alignment = _CENTER if i == 1 else _LEFT
        if fill is not None and i > 1:
            cell.fill = fill
    for column, n in values.items():
        cell = ws.cell(row=row, column=column, value=n)
        cell.font, cell.border, cell.alignment = font, _BOX, _CENTER
        if fill is not None:
            cell.fill = fill
