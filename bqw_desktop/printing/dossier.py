"""The site dossier (一点一档): one PDF per site, A4 portrait on the GB/T 9704 block.

A cover page, then six parts: 基本情况 (particulars), 创建目标完成情况 (the checklist with
its verdicts), 创建历程 (each candidacy with its steps), 督查记录 (visits and rectification
items), 工作台账 (ledger) and 附件目录 (attachments). Continuation pages carry a running
header with the site's name and the page number in the official "— N —" form.
"""

from __future__ import annotations

from collections.abc import Sequence

from bqw_desktop.domain.calendar import chinese_date
from bqw_desktop.domain.vocab import LEVEL_LABELS
from bqw_desktop.printing.common import Cancel, Output, Progress, deliver, folio, new_canvas, prepare
from bqw_desktop.printing.data import DossierData, SiteParticulars
from bqw_desktop.printing.fonts import FontChain, FontSet
from bqw_desktop.printing.layout import GBT9704, MM, Cell, PageWriter, Row, RuledTable, draw_text

__all__ = ["DOSSIER_TITLE", "SECTIONS", "render_dossier"]

DOSSIER_TITLE = "创先争优活动示范点档案"
SECTIONS = (
    "一、基本情况",
    "二、创建目标完成情况",
    "三、创建历程",
    "四、督查记录",
    "五、工作台账",
    "六、附件目录",
)
BODY_SIZE = 12.0
TABLE_SIZE = 10.5
HEADING_SIZE = 16.0  # 三号
W = GBT9704.text_width


def _texts(d: DossierData) -> list[str]:
    p = d.particulars
    texts = [
        p.name,
        p.org_type_label,
        p.region,
        p.secretary,
        p.contact,
        p.phone,
        p.parent_org,
        p.address,
        p.code,
    ]
    texts += [d.level_status, d.produced_by]
    texts += [c.goal + c.verdict + c.note + c.number for c in d.checklist]
    for h in d.candidacies:
        texts += [h.round_label, h.status] + [s.text for s in h.steps]
    for v in d.visits:
        texts += [v.inspectors, v.findings, v.liaison_officer, v.form]
        texts += [r.problem + r.measure + r.status for r in v.rectifications]
    texts += [e.title + e.summary for e in d.ledger]
    texts += [a.name + a.kind for a in d.attachments]
    return texts


def _size_text(size: int | None) -> str:
    if size is None:
        return ""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def _cover(writer: PageWriter, d: DossierData, title: FontChain, body: FontChain) -> None:
    c = writer.canvas
    cx = writer.left + writer.width / 2
    y = writer.geometry.text_top - 40 * MM
    draw_text(c, cx, y, DOSSIER_TITLE, title, 28, align="center", char_space=2)
    draw_text(c, cx, y - 16 * MM, "（一点一档）", body, 16, align="center")
    fields = [
        ("单位名称", d.particulars.name),
        ("示范点级别", d.level_status),
        ("所在地区", d.particulars.region),
        ("档案编号", d.particulars.code),
        ("建档单位", d.produced_by),
        ("打印日期", chinese_date(d.produced_on)),
    ]
    label_x = writer.left + 14 * MM
    value_x = label_x + 30 * MM
    right = writer.geometry.text_right - 10 * MM
    y -= 60 * MM
    c.setLineWidth(0.6)
    for label, value in fields:
        draw_text(c, label_x, y, label + "：", body, 15)
        size = 15.0
        while size > 10 and body.width(value, size) > right - value_x - 2 * MM:
            size -= 0.5
        draw_text(c, (value_x + right) / 2, y, value, body, size, align="center")
        c.line(value_x, y - 2.5 * MM, right, y - 2.5 * MM)
        y -= 15 * MM


def _heading(writer: PageWriter, text: str, chain: FontChain, *, keep: float = 30 * MM) -> None:
    writer.ensure(HEADING_SIZE * 2 + keep)
    if writer.y < writer.geometry.text_top - 1:
        writer.y -= 5 * MM
    writer.y -= HEADING_SIZE * 1.2
    draw_text(writer.canvas, writer.left, writer.y, text, chain, HEADING_SIZE, bold=True)
    writer.y -= 4 * MM


def _subheading(writer: PageWriter, text: str, chain: FontChain) -> None:
    writer.ensure(BODY_SIZE * 2 + 20 * MM)
    writer.y -= BODY_SIZE * 1.6
    draw_text(writer.canvas, writer.left + 2 * BODY_SIZE, writer.y, text, chain, BODY_SIZE + 1)
    writer.y -= 2.5 * MM


def _grid(
    writer: PageWriter,
    chain: FontChain,
    heads: Sequence[str],
    widths_mm: Sequence[float],
    rows: Sequence[Sequence[str]],
    aligns: Sequence[str],
) -> None:
    """A table with a repeated heading row; the last column takes the remaining width."""
    widths = [w * MM for w in widths_mm[:-1]]
    widths.append(W - sum(widths))
    table = RuledTable(writer, chain, TABLE_SIZE, leading=TABLE_SIZE * 1.5, pad=1.8 * MM)
    table.add(
        Row([Cell(h, w, align="center") for h, w in zip(heads, widths)], min_height=8 * MM, header=True)
    )
    if not rows:
        table.add(Row([Cell("（无）", W, align="center")], min_height=8 * MM))
    for values in rows:
        cells = [Cell(v, w, align=a) for v, w, a in zip(values, widths, aligns)]  # type: ignore[arg-type]
        table.add(Row(cells, min_height=8 * MM, splittable=True))
    table.close(gap=2 * MM)


def _particulars(writer: PageWriter, p: SiteParticulars, level_status: str, chain: FontChain) -> None:
    label_w, value_w = 28 * MM, (W - 56 * MM) / 2
    table = RuledTable(writer, chain, BODY_SIZE, leading=BODY_SIZE * 1.6)

    def label(text: str) -> Cell:
        return Cell(text, label_w, justify=True)

    h = 10 * MM
    table.add(Row([label("单位名称"), Cell(p.name, W - label_w)], min_height=h))
    table.add(
        Row(
            [label("组织类型"), Cell(p.org_type_label, value_w), label("所在地区"), Cell(p.region, value_w)],
            min_height=h,
        )
    )
    table.add(
        Row(
            [
                label("党组织书记"),
                Cell(p.secretary, value_w),
                label("党员人数"),
                Cell(p.members_text, value_w),
            ],
            min_height=h,
        )
    )
    table.add(
        Row(
            [label("联系人"), Cell(p.contact, value_w), label("联系电话"), Cell(p.phone, value_w)],
            min_height=h,
        )
    )
    table.add(Row([label("上级党组织"), Cell(p.parent_org, W - label_w)], min_height=h))
    table.add(Row([label("地址"), Cell(p.address, W - label_w)], min_height=h))
    table.add(Row([label("示范点级别"), Cell(level_status, W - label_w)], min_height=h))
    table.close(gap=2 * MM)


def render_dossier(
    data: DossierData,
    out: Output,
    *,
    fonts: FontSet | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Write the dossier of one site as a PDF to `out`.

    Raises UserError before writing anything if some character cannot be printed.
    """
    fontset = prepare(fonts, _texts(data))
    body, title = fontset.body_chain, fontset.title_chain
    canvas, buffer = new_canvas(GBT9704.size, fontset, title=DOSSIER_TITLE, subject=data.particulars.name)

    def decorate(w: PageWriter) -> None:
        if w.page == 1:
            return  # the cover carries neither running header nor page number
        top = w.geometry.text_top + 8 * MM
        draw_text(w.canvas, w.left, top, f"{DOSSIER_TITLE}（一点一档）", body, 9)
        draw_text(w.canvas, w.geometry.text_right, top, data.particulars.name, body, 9, align="right")
        w.canvas.setLineWidth(0.4)
        w.canvas.line(w.left, top - 2 * MM, w.geometry.text_right, top - 2 * MM)
        folio(w, body)

    writer = PageWriter(canvas, GBT9704, decorate=decorate, cancel=cancel)
    writer.space()
    _cover(writer, data, title, body)
    writer.new_page()

    steps = 6

    def report(i: int) -> None:
        if progress is not None:
            progress(i, steps)

    _heading(writer, SECTIONS[0], title)
    _particulars(writer, data.particulars, data.level_status, body)
    report(1)

    _heading(writer, SECTIONS[1], title)
    rows: list[tuple[str, ...]] = [(c.number, c.goal, c.verdict or "未评定", c.note) for c in data.checklist]
    _grid(
        writer,
        body,
        ("序号", "创建目标", "评定", "备注"),
        (14, 96, 22, 0),
        rows,
        ("center", "left", "center", "left"),
    )
    report(2)

    _heading(writer, SECTIONS[2], title, keep=50 * MM)
    if not data.candidacies:
        _grid(writer, body, ("时间", "事项"), (34, 0), [], ("center", "left"))
    for h in data.candidacies:
        _subheading(
            writer, f"{LEVEL_LABELS.get(h.level, h.level)}示范点　{h.round_label}　（{h.status}）", body
        )
        _grid(
            writer,
            body,
            ("时间", "事项"),
            (34, 0),
            [(chinese_date(s.when), s.text) for s in h.steps],
            ("center", "left"),
        )
    report(3)

    _heading(writer, SECTIONS[3], title)
    rows = []
    for v in data.visits:
        items = "\n".join(
            f"{i}. {r.problem}" + (f"（{r.status}）" if r.status else "")
            for i, r in enumerate(v.rectifications, start=1)
        )
        who = v.inspectors + (f"\n联络员：{v.liaison_officer}" if v.liaison_officer else "")
        rows.append((chinese_date(v.visit_date), who, v.findings, items or "无"))
    _grid(
        writer,
        body,
        ("督查时间", "督查人员", "督查情况", "整改事项"),
        (34, 30, 46, 0),
        rows,
        ("center", "left", "left", "left"),
    )
    report(4)

    _heading(writer, SECTIONS[4], title)
    rows = [(chinese_date(e.when), e.title, e.summary) for e in data.ledger]
    _grid(writer, body, ("日期", "事项", "内容摘要"), (34, 46, 0), rows, ("center", "left", "left"))
    report(5)

    _heading(writer, SECTIONS[5], title)
    rows = [
        (str(i), a.name, a.kind, _size_text(a.size_bytes), chinese_date(a.added) if a.added else "")
        for i, a in enumerate(data.attachments, start=1)
    ]
    _grid(
        writer,
        body,
        ("序号", "文件名称", "类型", "大小", "归档日期"),
        (14, 64, 18, 24, 0),
        rows,
        ("center", "left", "center", "right", "center"),
    )
    report(6)

    writer.finish()
    deliver(canvas, buffer, out)
