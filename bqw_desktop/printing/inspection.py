"""The inspection record sheet of a visit (督查记录表), A4 portrait on the GB/T 9704 block.

One ruled table: who was visited, when, how and by whom; what was found (long text flows
onto further pages); the rectification items with measures, deadlines and status; then the
signature boxes of the visited organization (signature and stamp) and of the liaison
officer.
"""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from bqw_desktop.domain.calendar import chinese_date
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
from bqw_desktop.printing.data import VisitData
from bqw_desktop.printing.fonts import FontChain, FontSet
from bqw_desktop.printing.layout import GBT9704, MM, Align, Cell, PageWriter, Row, RuledTable, draw_text

__all__ = ["INSPECTION_TITLE", "render_inspection"]

INSPECTION_TITLE = "创先争优活动示范点督查记录表"
TITLE_SIZE = 22.0
BODY_SIZE = 12.0
LABEL_W = 28 * MM
FULL_W = GBT9704.text_width
VALUE_W = (FULL_W - 2 * LABEL_W) / 2
# 序号 | 存在问题 | 整改措施 | 完成时限 | 整改情况
ITEM_WIDTHS = (13 * MM, 49 * MM, 49 * MM, 24 * MM, FULL_W - 135 * MM)
ITEM_SIZE = 10.5  # 五号, so a visit's items usually stay on the first page


def _texts(visit: VisitData) -> list[str]:
    texts = [visit.site_name, visit.region, visit.inspectors, visit.liaison_officer, visit.form]
    texts += [visit.findings, visit.remarks]
    for item in visit.rectifications:
        texts += [item.problem, item.measure, item.status]
    return texts


def _signature_painter(chain: FontChain, size: float, *, stamp: bool):
    def paint(canvas: Canvas, x: float, y: float, w: float, h: float) -> None:
        right = x + w - 6 * MM
        draw_text(canvas, right, y + 6 * MM, "年　　月　　日", chain, size, align="right")
        if stamp:
            draw_text(canvas, right - 4 * MM, y + 13 * MM, "（盖章）", chain, size, align="right")

    return paint


def render_inspection(
    visit: VisitData,
    out: Output,
    *,
    fonts: FontSet | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Write the inspection record sheet of `visit` as a PDF to `out`.

    Raises UserError before writing anything if some character cannot be printed.
    """
    fontset = prepare(fonts, _texts(visit))
    body, title = fontset.body_chain, fontset.title_chain
    canvas, buffer = new_canvas(GBT9704.size, fontset, title=INSPECTION_TITLE, subject=visit.site_name)
    writer = PageWriter(canvas, GBT9704, decorate=lambda w: folio(w, body), cancel=cancel)

    form_title(writer, INSPECTION_TITLE, title, TITLE_SIZE)
    writer.y -= 8 * MM

    def label(text: str) -> Cell:
        return Cell(text, LABEL_W, justify=True)

    h = 10 * MM
    table = RuledTable(writer, body, BODY_SIZE, leading=BODY_SIZE * 1.6)
    table.add(Row([label("被督查单位"), Cell(visit.site_name, FULL_W - LABEL_W)], min_height=h))
    table.add(
        Row(
            [
                label("所在地区"),
                Cell(visit.region, VALUE_W),
                label("督查时间"),
                Cell(chinese_date(visit.visit_date), VALUE_W),
            ],
            min_height=h,
        )
    )
    table.add(
        Row(
            [
                label("督查方式"),
                Cell(visit.form, VALUE_W),
                label("联络员"),
                Cell(visit.liaison_officer, VALUE_W),
            ],
            min_height=h,
        )
    )
    table.add(Row([label("督查人员"), Cell(visit.inspectors, FULL_W - LABEL_W)], min_height=h))
    findings = "\n".join("\u3000\u3000" + p.strip() for p in visit.findings.splitlines() if p.strip())
    table.add(
        Row(
            [
                Cell("督查情况", LABEL_W, align="center", continued="督查情况\n（续）"),
                Cell(findings, FULL_W - LABEL_W, valign="top"),
            ],
            min_height=36 * MM,
            splittable=True,
        )
    )
    table.add(Row([Cell("整 改 事 项", FULL_W, align="center")], min_height=8 * MM))
    heads = ("序号", "存在问题", "整改措施", "完成时限", "整改情况")
    table.add(
        Row(
            [Cell(t, w, align="center", size=ITEM_SIZE) for t, w in zip(heads, ITEM_WIDTHS)],
            min_height=8 * MM,
            header=True,
        )
    )
    items = visit.rectifications or ()
    for i, item in enumerate(items, start=1):
        deadline = chinese_date(item.deadline) if item.deadline else ""
        values = (str(i), item.problem, item.measure, deadline, item.status)
        aligns: tuple[Align, ...] = ("center", "left", "left", "center", "center")
        cells = [Cell(v, w, align=a, size=ITEM_SIZE) for v, w, a in zip(values, ITEM_WIDTHS, aligns)]
        table.add(Row(cells, min_height=8 * MM, splittable=True))
        if progress is not None:
            progress(i, len(items))
    if not items:
        table.add(Row([Cell("（无）", FULL_W, align="center")], min_height=9 * MM))
    table.drop_headers()
    table.add(
        Row(
            [Cell("备　　注", LABEL_W, align="center"), Cell(visit.remarks, FULL_W - LABEL_W)],
            min_height=12 * MM,
        )
    )
    half = FULL_W / 2
    table.add(
        Row(
            [
                Cell(
                    "被督查单位负责人（签字）：",
                    half,
                    valign="top",
                    paint=_signature_painter(body, BODY_SIZE, stamp=True),
                ),
                Cell(
                    "联络员（签字）：",
                    half,
                    valign="top",
                    paint=_signature_painter(body, BODY_SIZE, stamp=False),
                ),
            ],
            min_height=28 * MM,
        )
    )
    table.close()
    writer.finish()
    deliver(canvas, buffer, out)
