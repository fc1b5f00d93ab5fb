"""The nomination form of a candidacy (创建单位推荐表), A4 portrait on the GB/T 9704 block.

Layout: the title in the Song face; a line naming the nominating office and the filling date;
then one ruled table — the site's particulars, 主要事迹 and 创建措施 (long text flows onto
further pages, the label repeated as "（续）"), one opinion box per office that signs and
stamps it, each with "（盖章）" and a "年 月 日" line, and a 备注 row.
"""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from bqw_desktop.printing.common import (
    Cancel,
    Output,
    Progress,
    deliver,
    folio,
    form_title,
    new_canvas,
    prepare,
)
from bqw_desktop.printing.data import NominationData
from bqw_desktop.printing.fonts import FontChain, FontSet
from bqw_desktop.printing.layout import GBT9704, MM, Cell, PageWriter, Row, RuledTable, draw_text

__all__ = ["render_nomination"]

TITLE_SIZE = 22.0  # 二号
BODY_SIZE = 12.0  # 小四, customary inside form tables
LABEL_W = 30 * MM
VALUE_W = (GBT9704.text_width - 2 * LABEL_W) / 2


def _texts(data: NominationData) -> list[str]:
    p = data.particulars
    texts = [data.heading, data.nominating_office, data.achievements, data.measures, data.remarks]
    texts += [p.name, p.org_type_label, p.region, p.secretary, p.members_text, p.contact, p.phone]
    texts += [b.label + b.text for b in data.opinions]
    return texts


def _stamp_painter(chain: FontChain, size: float):
    """Draws "（盖章）" and the "年 月 日" line in the lower right of an opinion box."""

    def paint(canvas: Canvas, x: float, y: float, w: float, h: float) -> None:
        right = x + w - 12 * MM
        draw_text(canvas, right, y + 8 * MM, "年　　月　　日", chain, size, align="right")
        draw_text(canvas, right - 8 * MM, y + 16 * MM, "（盖章）", chain, size, align="right")

    return paint


def _particulars_rows(data: NominationData, chain: FontChain) -> list[Row]:
    p = data.particulars
    h = 11 * MM

    def label(text: str) -> Cell:
        return Cell(text, LABEL_W, justify=True)

    full = VALUE_W * 2 + LABEL_W
    return [
        Row([label("单位名称"), Cell(p.name, full)], min_height=h),
        Row(
            [label("组织类型"), Cell(p.org_type_label, VALUE_W), label("所在地区"), Cell(p.region, VALUE_W)],
            min_height=h,
        ),
        Row(
            [
                label("党组织书记"),
                Cell(p.secretary, VALUE_W),
                label("党员人数"),
                Cell(p.members_text, VALUE_W),
            ],
            min_height=h,
        ),
        Row(
            [label("联系人"), Cell(p.contact, VALUE_W), label("联系电话"), Cell(p.phone, VALUE_W)],
            min_height=h,
        ),
    ]


def _long_text_row(label: str, text: str, *, min_height: float) -> Row:
    full = GBT9704.text_width - LABEL_W
    body = "\n".join("\u3000\u3000" + para.strip() for para in text.splitlines() if para.strip())
    return Row(
        [
            Cell(f"{label}\n（可另附页）", LABEL_W, align="center", continued=f"{label}\n（续）"),
            Cell(body, full, valign="top"),
        ],
        min_height=min_height,
        splittable=True,
    )


def render_nomination(
    data: NominationData,
    out: Output,
    *,
    fonts: FontSet | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Write the nomination form of `data` as a PDF to `out` (a path or a binary stream).

    Raises UserError before writing anything if some character cannot be printed.
    """
    fontset = prepare(fonts, _texts(data))
    body, title = fontset.body_chain, fontset.title_chain
    canvas, buffer = new_canvas(GBT9704.size, fontset, title=data.heading, subject=data.particulars.name)
    writer = PageWriter(canvas, GBT9704, decorate=lambda w: folio(w, body), cancel=cancel)

    form_title(writer, data.heading, title, TITLE_SIZE)
    writer.y -= 14 * MM
    draw_text(canvas, writer.left, writer.y, f"推荐单位（盖章）：{data.nominating_office}", body, BODY_SIZE)
    draw_text(
        canvas,
        writer.geometry.text_right,
        writer.y,
        "填报日期：　　年　　月　　日",
        body,
        BODY_SIZE,
        align="right",
    )
    writer.y -= 3 * MM

    table = RuledTable(writer, body, BODY_SIZE, leading=BODY_SIZE * 1.75)
    for row in _particulars_rows(data, body):
        table.add(row)
    table.add(_long_text_row("主要事迹", data.achievements, min_height=60 * MM))
    table.add(_long_text_row("创建措施", data.measures, min_height=45 * MM))
    full = GBT9704.text_width - LABEL_W
    for i, box in enumerate(data.opinions):
        table.add(
            Row(
                [
                    Cell(box.label, LABEL_W, align="center"),
                    Cell(box.text, full, valign="top", paint=_stamp_painter(body, BODY_SIZE)),
                ],
                min_height=40 * MM,
            )
        )
        if progress is not None:
            progress(i + 1, len(data.opinions))
    table.add(Row([Cell("备　　注", LABEL_W, align="center"), Cell(data.remarks, full)], min_height=16 * MM))
    table.close()
    writer.finish()
    deliver(canvas, buffer, out)
