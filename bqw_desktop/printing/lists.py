"""Register lists (名单): the sites as filtered, one ruled row each, on as many pages as needed.

The title and subtitle open the first page; the column headings repeat at the top of every
page; each page ends with "第 N 页 共 M 页"; the last page carries the totals line and the
issuing office with the date.

Rows are laid out first (wrapping, heights, page breaks) and then drawn as raw page content,
one string per page: reportlab's platypus LongTable takes 14–18 s for 15,000 rows, this takes
a small fraction of that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bqw_desktop.domain.calendar import chinese_date
from bqw_desktop.printing.common import Cancel, Output, Progress, deliver, new_canvas, prepare
from bqw_desktop.printing.data import ListColumn, ListData
from bqw_desktop.printing.fonts import FontChain, FontSet
from bqw_desktop.printing.layout import (
    GBT9704,
    MM,
    PageGeometry,
    PrintCancelled,
    landscape_a4,
    text_ops,
    wrap,
)

__all__ = ["list_pages", "render_list"]

TITLE_SIZE = 22.0
SUBTITLE_SIZE = 14.0
CELL_SIZE = 10.5  # 五号
LEADING = CELL_SIZE * 1.4
PAD_X = 1.6 * MM
PAD_Y = 1.6 * MM
FOOTER_SIZE = 10.5
# Landscape lists keep the binding side on the left, as portrait ones do.
LANDSCAPE = PageGeometry(
    width=landscape_a4().width,
    height=landscape_a4().height,
    top=25 * MM,
    left=28 * MM,
    text_width=landscape_a4().width - 28 * MM - 20 * MM,
    text_height=landscape_a4().height - 25 * MM - 25 * MM,
)


@dataclass
class _Laid:
    """A row after layout: the lines of each cell and the row's height."""

    lines: list[list[str]]
    height: float


def _columns(data: ListData) -> list[ListColumn]:
    cols = list(data.columns)
    if data.numbered:
        cols.insert(0, ListColumn("序号", 0.55, "center"))
    return cols


def _widths(
    cols: Sequence[ListColumn], rows: Sequence[Sequence[str]], total: float, chain: FontChain
) -> list[float]:
    """Column widths that fit `total`: each column gets its natural width (heading and the
    widest cell of a sample of rows) when all fit, spare room going by weight; when they do
    not, narrow columns keep their natural width and the wide ones share the rest by weight.
    """
    sample = rows[:: max(1, len(rows) // 3000)]
    natural = []
    for i, col in enumerate(cols):
        widest = max((chain.width(r[i], CELL_SIZE) for r in sample), default=0.0)
        natural.append(max(widest, chain.width(col.title, CELL_SIZE)) + 2 * PAD_X + 1)
    weights = [c.weight for c in cols]
    if sum(natural) <= total:
        spare = total - sum(natural)
        return [n + spare * w / sum(weights) for n, w in zip(natural, weights)]
    fixed: dict[int, float] = {}
    while True:  # water-filling: columns narrower than their share keep their natural width
        free = [i for i in range(len(cols)) if i not in fixed]
        room = total - sum(fixed.values())
        share = {i: room * weights[i] / sum(weights[j] for j in free) for i in free}
        small = [i for i in free if natural[i] <= share[i]]
        if not small or len(small) == len(free):
            widths = {**fixed, **share}
            return [widths[i] for i in range(len(cols))]
        for i in small:
            fixed[i] = natural[i]


def _lay_row(cells: Sequence[str], widths: Sequence[float], chain: FontChain) -> _Laid:
    lines = [wrap(text, w - 2 * PAD_X, chain, CELL_SIZE) for text, w in zip(cells, widths)]
    tallest = max(1, max(len(x) for x in lines))
    return _Laid(lines, tallest * LEADING + 2 * PAD_Y)


def _paginate(
    heights: Sequence[float], first: float, other: float, header: float, last_extra: float
) -> list[range]:
    """Split rows into pages: `first`/`other` are the heights available for rows below the
    repeated header; the last page also needs `last_extra` for the totals and signature."""
    pages: list[range] = []
    start = 0
    room = first - header
    used = 0.0
    for i, h in enumerate(heights):
        if used + h > room and i > start:
            pages.append(range(start, i))
            start, used, room = i, 0.0, other - header
        used += h
    pages.append(range(start, len(heights)))
    if used + last_extra > room and len(heights) > 0:
        pages.append(range(len(heights), len(heights)))  # the totals go on a page of their own
    return pages


def list_pages(data: ListData, *, fonts: FontSet | None = None) -> int:
    """How many pages `render_list` will produce for `data` (for a preview's status line)."""
    fontset = fonts or prepare(None, [])
    return len(_layout(data, fontset).pages)


@dataclass
class _Plan:
    geo: PageGeometry
    cols: list[ListColumn]
    widths: list[float]
    header: _Laid
    laid: list[_Laid]
    pages: list[range]


def _layout(data: ListData, fontset: FontSet) -> _Plan:
    geo = LANDSCAPE if data.landscape else GBT9704
    body = fontset.body_chain
    cols = _columns(data)
    table = []
    for n, row in enumerate(data.rows, start=1):
        cells = ([str(n)] if data.numbered else []) + ["" if v is None else str(v) for v in row]
        if len(cells) != len(cols):
            cells = (cells + [""] * len(cols))[: len(cols)]
        table.append(cells)
    widths = _widths(cols, table, geo.text_width, body)
    header = _lay_row([c.title for c in cols], widths, body)
    laid = [_lay_row(cells, widths, body) for cells in table]
    title_block = TITLE_SIZE * 1.6 + (SUBTITLE_SIZE * 2.0 if data.subtitle else 0) + 4 * MM
    last_extra = 28 * MM
    pages = _paginate(
        [r.height for r in laid], geo.text_height - title_block, geo.text_height, header.height, last_extra
    )
    return _Plan(geo, cols, widths, header, laid, pages)


def _row_ops(
    canvas,
    x0: float,
    top: float,
    laid: _Laid,
    widths: Sequence[float],
    cols: Sequence[ListColumn],
    chain: FontChain,
    out: list[str],
    *,
    header: bool = False,
) -> None:
    x = x0
    for lines, w, col in zip(laid.lines, widths, cols):
        y = top - PAD_Y - LEADING + (LEADING - CELL_SIZE) / 2 + CELL_SIZE * 0.16
        if len(lines) == 1 and laid.height > LEADING + 2 * PAD_Y:  # single lines sit in the middle
            y -= (laid.height - LEADING - 2 * PAD_Y) / 2
        for line in lines:
            if header:
                out.append(text_ops(canvas, x + w / 2, y, line, chain, CELL_SIZE, align="center", bold=True))
            elif col.align == "center":
                out.append(text_ops(canvas, x + w / 2, y, line, chain, CELL_SIZE, align="center"))
            elif col.align == "right":
                out.append(text_ops(canvas, x + w - PAD_X, y, line, chain, CELL_SIZE, align="right"))
            else:
                out.append(text_ops(canvas, x + PAD_X, y, line, chain, CELL_SIZE))
            y -= LEADING
        x += w


def render_list(
    data: ListData,
    out: Output,
    *,
    fonts: FontSet | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Write the list `data` as a PDF to `out`.

    Raises UserError before writing anything if some character cannot be printed;
    PrintCancelled (a UserError) when `cancel()` turns true, leaving `out` untouched.
    """
    texts = [data.title, data.subtitle, data.totals, data.office] + [c.title for c in data.columns]
    texts.append("".join("".join(str(v) for v in row if v is not None) for row in data.rows))
    fontset = prepare(fonts, texts)
    body, title = fontset.body_chain, fontset.title_chain
    plan = _layout(data, fontset)
    geo, cols, widths, header, laid, pages = (
        plan.geo,
        plan.cols,
        plan.widths,
        plan.header,
        plan.laid,
        plan.pages,
    )
    canvas, buffer = new_canvas(geo.size, fontset, title=data.title, subject=data.subtitle or data.title)
    total_pages = len(pages)
    x0, x1 = geo.left, geo.left + sum(widths)
    col_x = [x0]
    for w in widths:
        col_x.append(col_x[-1] + w)
    done = 0
    for number, rows in enumerate(pages, start=1):
        if cancel is not None and cancel():
            raise PrintCancelled("打印已取消。")
        ops: list[str] = []
        y = geo.text_top
        if number == 1:
            y -= TITLE_SIZE * 1.1
            ops.append(
                text_ops(canvas, x0 + geo.text_width / 2, y, data.title, title, TITLE_SIZE, align="center")
            )
            y -= TITLE_SIZE * 0.5
            if data.subtitle:
                y -= SUBTITLE_SIZE * 1.4
                ops.append(
                    text_ops(
                        canvas, x0 + geo.text_width / 2, y, data.subtitle, body, SUBTITLE_SIZE, align="center"
                    )
                )
                y -= SUBTITLE_SIZE * 0.6
            y -= 4 * MM
        table_top = y
        if len(rows) or number == 1:
            _row_ops(canvas, x0, y, header, widths, cols, body, ops, header=True)
            y -= header.height
            rules = [
                f"{x0:.2f} {table_top:.2f} m {x1:.2f} {table_top:.2f} l",
                f"{x0:.2f} {y:.2f} m {x1:.2f} {y:.2f} l",
            ]
            for i in rows:
                row = laid[i]
                _row_ops(canvas, x0, y, row, widths, cols, body, ops)
                y -= row.height
                rules.append(f"{x0:.2f} {y:.2f} m {x1:.2f} {y:.2f} l")
            for cx in col_x[1:-1]:
                rules.append(f"{cx:.2f} {table_top:.2f} m {cx:.2f} {y:.2f} l")
            ops.append("0.5 w " + " ".join(rules) + " S")
            ops.append(f"1.2 w {x0:.2f} {y:.2f} {x1 - x0:.2f} {table_top - y:.2f} re S")
        if number == total_pages:
            y -= 8 * MM
            if data.totals:
                ops.append(text_ops(canvas, x0, y, data.totals, body, 12))
            right = x1 - 4 * MM
            if data.office:
                y -= 12 * MM
                ops.append(text_ops(canvas, right, y, data.office, body, 12, align="right"))
            if data.produced_on is not None:
                y -= 7 * MM
                ops.append(
                    text_ops(canvas, right, y, chinese_date(data.produced_on), body, 12, align="right")
                )
        footer = f"第 {number} 页  共 {total_pages} 页"
        ops.append(
            text_ops(
                canvas,
                x0 + geo.text_width / 2,
                geo.text_bottom - 10 * MM,
                footer,
                body,
                FOOTER_SIZE,
                align="center",
            )
        )
        canvas.addLiteral("\n".join(ops))
        canvas.showPage()
        done += len(rows)
        if progress is not None:
            progress(done, len(laid))
    deliver(canvas, buffer, out)
