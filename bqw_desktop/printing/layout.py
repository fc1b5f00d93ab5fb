"""Page geometry and drawing helpers shared by the documents.

- `PageGeometry` and `GBT9704`: the A4 text block of GB/T 9704 (top 37 mm, binding side
  28 mm, text block 156 × 225 mm).
- `text_ops` / `draw_text`: a line of text in a `FontChain`, each character in the first font
  that has it. Text is written as PDF operators directly (one BT…ET per line), which is
  several times cheaper than reportlab's text objects and matters for 15,000-row lists.
- `wrap`: CJK line breaking (anywhere between Chinese characters, Latin words and numbers
  kept whole) with the common 禁则: no line starts with closing punctuation, none ends with
  opening punctuation.
- `PageWriter`: a cursor over pages with a page decoration hook, printer offset and
  "第 N 页 共 M 页" footers whose total is filled in when the document ends.
- `RuledTable`: a ruled form table whose rows may split across pages at line boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from bqw_desktop.errors import UserError
from bqw_desktop.printing.fonts import FontChain

__all__ = [
    "GBT9704",
    "MM",
    "Align",
    "Cell",
    "PageGeometry",
    "PageWriter",
    "Row",
    "RuledTable",
    "draw_text",
    "landscape_a4",
    "text_ops",
    "wrap",
    "wrap_balanced",
]

MM = 72.0 / 25.4  # points per millimetre
Align = Literal["left", "center", "right", "justify"]

# 禁则: characters that may not begin a line, and those that may not end one.
NO_LINE_START = frozenset("，。、；：？！）」』》〉】〕〗”’…—·％‰,.;:?!)]}%")
NO_LINE_END = frozenset("（「『《〈【〔〖“‘([{")
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[.\-/:@_+][A-Za-z0-9]+)*|.", re.DOTALL)


@dataclass(frozen=True)
class PageGeometry:
    """A page and its text block, in points; `left` is the binding side."""

    width: float
    height: float
    top: float
    left: float
    text_width: float
    text_height: float

    @property
    def size(self) -> tuple[float, float]:
        return (self.width, self.height)

    @property
    def text_top(self) -> float:
        """y of the top of the text block (reportlab's origin is bottom-left)."""
        return self.height - self.top

    @property
    def text_bottom(self) -> float:
        return self.height - self.top - self.text_height

    @property
    def text_right(self) -> float:
        return self.left + self.text_width


GBT9704 = PageGeometry(
    width=A4[0], height=A4[1], top=37 * MM, left=28 * MM, text_width=156 * MM, text_height=225 * MM
)


def landscape_a4(margin_mm: float = 15.0) -> PageGeometry:
    """Landscape A4 with equal margins, for certificates and plaque sheets."""
    w, h = landscape(A4)
    m = margin_mm * MM
    return PageGeometry(width=w, height=h, top=m, left=m, text_width=w - 2 * m, text_height=h - 2 * m)


# --- Text -------------------------------------------------------------------------------

_fonts_cache: dict[str, object] = {}


def _font(name: str):
    font = _fonts_cache.get(name)
    if font is None:
        font = _fonts_cache[name] = pdfmetrics.getFont(name)
    return font


def text_ops(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    chain: FontChain,
    size: float,
    *,
    align: Align = "left",
    char_space: float = 0.0,
    bold: bool = False,
) -> str:
    """PDF operators drawing one line of `text` with its baseline at y.

    `align` says whether x is the left edge, the centre or the right edge of the line.
    `char_space` adds that many points after every character (for spaced titles).
    `bold` thickens the strokes by outlining the glyphs (the bundled faces have no bold).
    """
    if not text:
        return ""
    if align != "left":
        width = chain.width(text, size) + char_space * (len(text) - 1)
        x -= width / 2 if align == "center" else width
    doc = canvas._doc  # the document that collects the subsets; reportlab's text objects use it too
    parts = [f"q {size * 0.03:.2f} w BT 2 Tr {x:.2f} {y:.2f} Td" if bold else f"BT {x:.2f} {y:.2f} Td"]
    if char_space:
        parts.append(f"{char_space:.2f} Tc")
    for name, run in chain.runs(text):
        font = _font(name)
        for subset, chunk in font.splitString(run, doc):
            parts.append(f"{font.getSubsetInternalName(subset, doc)} {size:g} Tf ({escapePDF(chunk)}) Tj")
    if char_space:
        parts.append("0 Tc")  # Tc outlives ET; later lines must not inherit it
    parts.append("0 Tr ET Q" if bold else "ET")
    return " ".join(parts)


def draw_text(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    chain: FontChain,
    size: float,
    *,
    align: Align = "left",
    char_space: float = 0.0,
    bold: bool = False,
) -> None:
    """Draw one line of text at baseline y (see `text_ops`)."""
    ops = text_ops(canvas, x, y, text, chain, size, align=align, char_space=char_space, bold=bold)
    if ops:
        canvas.addLiteral(ops)


def draw_justified(
    canvas: Canvas, x: float, y: float, text: str, chain: FontChain, size: float, width: float
) -> None:
    """Draw a line spread evenly over `width` (the customary look of short form labels)."""
    if len(text) < 2:
        draw_text(canvas, x + width / 2, y, text, chain, size, align="center")
        return
    natural = chain.width(text, size)
    draw_text(canvas, x, y, text, chain, size, char_space=max(0.0, (width - natural) / (len(text) - 1)))


def wrap(text: str, width: float, chain: FontChain, size: float) -> list[str]:
    """Break `text` into lines no wider than `width` at `size` points.

    Explicit newlines start new lines. Lines may break between any two Chinese characters;
    Latin words and numbers stay whole unless longer than a line. No line starts with
    closing punctuation nor ends with opening punctuation: the character before is carried
    over with it. An empty text gives no lines.
    """
    if not text:
        return []
    if "\n" not in text and chain.width(text, size) <= width:
        return [text]
    lines: list[str] = []
    limit = width * 1000.0 / size  # compare in font units, saving a multiply per character
    for para in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines.extend(_wrap_paragraph(para, limit, chain))
    return lines


def wrap_balanced(text: str, width: float, chain: FontChain, size: float) -> list[str]:
    """Like `wrap`, but each paragraph's lines are made about equally long (for labels)."""
    lines: list[str] = []
    for para in text.split("\n"):
        plain = wrap(para, width, chain, size) or [""]
        if len(plain) > 1:
            lo, hi = chain.width(para, size) / len(plain), width
            while hi - lo > 1.0:  # narrowest width that still needs no more lines
                mid = (lo + hi) / 2
                if len(wrap(para, mid, chain, size)) > len(plain):
                    lo = mid
                else:
                    hi = mid
            plain = wrap(para, hi, chain, size)
        lines.extend(plain)
    return lines


def _wrap_paragraph(para: str, limit: float, chain: FontChain) -> list[str]:
    if not para:
        return [""]
    cw = chain.char_width
    tokens: list[str] = []
    for token in _TOKEN.findall(para):
        if len(token) > 1 and sum(cw(ch) for ch in token) > limit:
            tokens.extend(token)  # a Latin run longer than a line breaks where it must
        else:
            tokens.append(token)
    out: list[str] = []
    line: list[str] = []
    used = 0.0
    for token in tokens:
        tw = sum(cw(ch) for ch in token)
        if used + tw <= limit or not line:
            line.append(token)
            used += tw
            continue
        carry: list[str] = []
        if token in NO_LINE_START:
            while len(line) > 1 and line[-1] in NO_LINE_START:  # e.g. "），": all go down together
                carry.insert(0, line.pop())
            if len(line) > 1:
                carry.insert(0, line.pop())
            elif len(line[0]) > 1:  # one long Latin run: its last character goes down too
                carry.insert(0, line[0][-1])
                line[0] = line[0][:-1]
            else:  # a lone character cannot give one away: the punctuation hangs in the margin
                line.extend(carry + [token])
                used = sum(cw(ch) for part in line for ch in part)
                continue
        while len(line) > 1 and line[-1] in NO_LINE_END:
            carry.insert(0, line.pop())
        out.append("".join(line))
        if token.isspace():
            token = ""  # a space at a break is dropped, not carried to the next line
        line = carry + ([token] if token else [])
        used = sum(cw(ch) for part in line for ch in part)
    if line:
        out.append("".join(line))
    if len(out) > 1 and len(out[-1]) == 1 and len(out[-2]) > 2 and not out[-1].isspace():
        # a lone character on the last line looks like a slip: give it a companion
        moved = out[-2][-1]
        if ord(moved) >= 0x2E80 and moved not in NO_LINE_END and moved not in NO_LINE_START:
            out[-2], out[-1] = out[-2][:-1], moved + out[-1]
    return out


# --- Pages ------------------------------------------------------------------------------


class PageWriter:
    """A cursor down the text block of successive pages.

    `decorate(writer)` runs at the start of every page (headers, borders, running titles);
    it may move `writer.y` down. `offset_mm` shifts everything drawn, for printers that
    feed paper off-centre. Call `finish()` once at the end: it closes the last page and
    fills in the total of `page_footer`.
    """

    def __init__(
        self,
        canvas: Canvas,
        geometry: PageGeometry,
        *,
        decorate: Callable[[PageWriter], None] | None = None,
        offset_mm: tuple[float, float] = (0.0, 0.0),
        cancel: Callable[[], bool] | None = None,
    ) -> None:
        self.canvas = canvas
        self.geometry = geometry
        self.decorate = decorate
        self.offset = (offset_mm[0] * MM, offset_mm[1] * MM)
        self.cancel = cancel
        self.page = 0
        self.y = geometry.text_top
        self._open = False
        self._total_form: str | None = None
        self._total_font: tuple[FontChain, float] | None = None

    @property
    def left(self) -> float:
        return self.geometry.left

    @property
    def width(self) -> float:
        return self.geometry.text_width

    @property
    def bottom(self) -> float:
        return self.geometry.text_bottom

    def space(self) -> float:
        """Height left on the current page (opens the first page if needed)."""
        if not self._open:
            self.new_page()
        return self.y - self.bottom

    def new_page(self) -> None:
        """Close the current page (if any) and start the next one."""
        if self.cancel is not None and self.cancel():
            raise PrintCancelled("打印已取消。")
        if self._open:
            self.canvas.restoreState()
            self.canvas.showPage()
        self.page += 1
        self._open = True
        self.canvas.saveState()
        if self.offset != (0.0, 0.0):
            self.canvas.translate(*self.offset)
        self.y = self.geometry.text_top
        if self.decorate is not None:
            self.decorate(self)

    def ensure(self, height: float) -> None:
        """Start a new page unless `height` fits below the cursor."""
        if self.space() < height - 0.01:
            self.new_page()

    def page_footer(self, chain: FontChain, size: float, y: float) -> None:
        """Draw "第 N 页 共 M 页" centred at y; M is written when `finish` runs."""
        if self._total_form is None:
            self._total_form = f"bqwTotal{id(self)}"
            self._total_font = (chain, size)
        slot = chain.width("00", size)
        left = f"第 {self.page} 页  共 "
        right = " 页"
        total = chain.width(left, size) + slot + chain.width(right, size)
        x = self.geometry.left + self.geometry.text_width / 2 - total / 2
        draw_text(self.canvas, x, y, left, chain, size)
        x += chain.width(left, size)
        self.canvas.saveState()
        self.canvas.translate(x + slot / 2, y)
        self.canvas.doForm(self._total_form)
        self.canvas.restoreState()
        draw_text(self.canvas, x + slot, y, right, chain, size)

    def finish(self) -> int:
        """Close the last page; returns the number of pages."""
        if not self._open:
            self.new_page()
        self.canvas.restoreState()
        self.canvas.showPage()
        self._open = False
        if self._total_form is not None and self._total_font is not None:
            chain, size = self._total_font
            self.canvas.beginForm(self._total_form)
            draw_text(self.canvas, 0, 0, str(self.page), chain, size, align="center")
            self.canvas.endForm()
        return self.page


class PrintCancelled(UserError):
    """The user stopped a long print run; nothing was written."""


def draw_paragraphs(
    writer: PageWriter,
    text: str,
    chain: FontChain,
    size: float,
    *,
    leading: float | None = None,
    indent_chars: int = 2,
) -> None:
    """Flow `text` down the text block, onto further pages as needed.

    Each paragraph (one per line of `text`) starts indented by `indent_chars` full-width
    spaces, the customary first-line indent of Chinese documents.
    """
    leading = leading or size * 1.6
    indent = "\u3000" * indent_chars
    for para in text.splitlines():
        para = para.strip()
        if not para:
            continue
        for line in wrap(indent + para, writer.width, chain, size):
            writer.ensure(leading)
            writer.y -= leading
            draw_text(writer.canvas, writer.left, writer.y + leading * 0.25, line, chain, size)


# --- Ruled tables -----------------------------------------------------------------------


@dataclass
class Cell:
    """One cell of a ruled table.

    `justify` spreads a short label over the cell's width (as printed forms do). `paint`
    draws extra content (e.g. stamp and date lines) into the cell's box: it receives
    (canvas, x, y_bottom, width, height) after the text is drawn.
    """

    text: str
    width: float
    align: Align = "left"
    valign: Literal["top", "middle"] = "middle"
    chain: FontChain | None = None
    size: float | None = None
    justify: bool = False
    paint: Callable[[Canvas, float, float, float, float], None] | None = None
    continued: str | None = None  # text shown in this cell on the pages a split row continues on
    lines: list[str] = field(default_factory=list, init=False, repr=False)


@dataclass
class Row:
    """A table row; `min_height` in points. A splittable row may break across pages."""

    cells: list[Cell]
    min_height: float = 0.0
    splittable: bool = False
    header: bool = False


class RuledTable:
    """Draws rows of ruled cells down a `PageWriter`, splitting tall rows across pages.

    Inner rules are thin, the outer frame of each page's part of the table is heavier.
    Rows flagged `header` are drawn again at the top of every continuation page.
    """

    def __init__(
        self,
        writer: PageWriter,
        chain: FontChain,
        size: float,
        *,
        leading: float | None = None,
        pad: float = 2.2 * MM,
        x: float | None = None,
    ) -> None:
        self.w = writer
        self.chain = chain
        self.size = size
        self.leading = leading or size * 1.5
        self.pad = pad
        self.x = writer.left if x is None else x
        self._segment_top: float | None = None
        self._width = 0.0
        self._headers: list[Row] = []

    def _layout(self, row: Row) -> float:
        height = row.min_height
        for cell in row.cells:
            chain = cell.chain or self.chain
            size = cell.size or self.size
            inner = cell.width - 2 * self.pad
            if cell.justify:
                cell.lines = [cell.text]
            elif cell.align == "center":
                cell.lines = wrap_balanced(cell.text, inner, chain, size)
            else:
                cell.lines = wrap(cell.text, inner, chain, size)
            leading = self.leading * size / self.size
            height = max(height, len(cell.lines) * leading + 2 * self.pad)
        return height

    def add(self, row: Row) -> None:
        """Lay out and draw `row`, continuing on a new page when it does not fit."""
        self._width = sum(c.width for c in row.cells)
        if row.header:
            self._headers.append(row)
        height = self._layout(row)
        if self._segment_top is None:
            self.w.space()
            self._segment_top = self.w.y
        if height > self.w.space() + 0.01 and not row.splittable:
            self._break_page()
        if height <= self.w.space() + 0.01 or not row.splittable:
            self._draw(row, [c.lines for c in row.cells], height, paint=True)
            return
        self._split(row)

    def _split(self, row: Row) -> None:
        min_height = row.min_height
        while True:
            space = self.w.space()
            tallest = max(len(c.lines) for c in row.cells)
            need = max(min_height, tallest * self.leading + 2 * self.pad)
            if need <= space + 0.01:
                self._draw(row, [c.lines for c in row.cells], need, paint=True)
                return
            fit = int((space - 2 * self.pad) // self.leading)
            if fit < 2:  # not even two lines left here: start the row on the next page
                self._break_page()
                continue
            self._draw(row, [c.lines[:fit] for c in row.cells], space, paint=False)
            for cell in row.cells:
                if cell.continued is not None:
                    chain = cell.chain or self.chain
                    cell.lines = wrap(
                        cell.continued, cell.width - 2 * self.pad, chain, cell.size or self.size
                    )
                else:
                    cell.lines = cell.lines[fit:]
            min_height = 0.0
            self._break_page()

    def _draw(self, row: Row, lines_per_cell: list[list[str]], height: float, *, paint: bool) -> None:
        c = self.w.canvas
        top = self.w.y
        bottom = top - height
        x = self.x
        c.setLineWidth(0.5)
        for cell, lines in zip(row.cells, lines_per_cell):
            chain = cell.chain or self.chain
            size = cell.size or self.size
            leading = self.leading * size / self.size
            inner_w = cell.width - 2 * self.pad
            if cell.valign == "middle":
                y = top - (height - len(lines) * leading) / 2
            else:
                y = top - self.pad
            for line in lines:
                y -= leading
                base = y + (leading - size) / 2 + size * 0.14
                if cell.justify:
                    draw_justified(c, x + self.pad, base, line, chain, size, inner_w)
                elif cell.align == "center":
                    draw_text(c, x + cell.width / 2, base, line, chain, size, align="center")
                elif cell.align == "right":
                    draw_text(c, x + cell.width - self.pad, base, line, chain, size, align="right")
                else:
                    draw_text(c, x + self.pad, base, line, chain, size)
            if paint and cell.paint is not None:
                cell.paint(c, x, bottom, cell.width, height)
            if x > self.x:
                c.line(x, bottom, x, top)
            x += cell.width
        c.line(self.x, bottom, x, bottom)
        self.w.y = bottom

    def _frame(self) -> None:
        if self._segment_top is None:
            return
        c = self.w.canvas
        c.saveState()
        c.setLineWidth(1.2)
        c.rect(self.x, self.w.y, self._width, self._segment_top - self.w.y)
        c.restoreState()

    def _break_page(self) -> None:
        self._frame()
        self.w.new_page()
        self._segment_top = self.w.y
        for header in self._headers:
            self._draw(header, [c.lines for c in header.cells], self._layout(header), paint=True)

    def drop_headers(self) -> None:
        """Stop repeating the header rows added so far (their part of the table is over)."""
        self._headers = []

    def close(self, *, gap: float = 0.0) -> None:
        """Draw the heavy frame around the table's last part; leave `gap` points below it."""
        self._frame()
        self._segment_top = None
        self._headers = []
        self.w.y -= gap


def column_cells(texts: Sequence[str], widths: Sequence[float], **kwargs: object) -> list[Cell]:
    """Cells for `texts` with `widths`, sharing the other Cell options."""
    return [Cell(t, w, **kwargs) for t, w in zip(texts, widths, strict=True)]  # type: ignore[arg-type]
