"""Award certificates (证书) and plaque sheets (牌匾制作单), landscape A4.

The certificate names the site, the notice's title ("创先争优活动省级示范点"), the awarding
body and the month in Chinese numerals (二〇一二年六月), its number, and a QR code holding the
signed record of the award as plain text. It can be printed with or without its border (for
pre-printed certificate paper) and shifted by a printer offset in millimetres.

Batches: `render_certificates` puts many awards in one PDF (a list of one for a single award). What every certificate of a batch
shares (border, title, fixed sentences, the awarding body and date) is drawn once into PDF
form objects and referenced from each page, so a page costs only its own name, number and
QR code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from bqw_desktop.domain.calendar import chinese_numeral_month
from bqw_desktop.printing.common import Cancel, Output, Progress, deliver, new_canvas, prepare
from bqw_desktop.printing.data import AwardData
from bqw_desktop.printing.fonts import FontChain, FontSet
from bqw_desktop.printing.layout import MM, PageGeometry, PrintCancelled, draw_text, landscape_a4, wrap
from bqw_desktop.printing.qr import draw_qr, encode

__all__ = [
    "CertificateOptions",
    "render_certificates",
    "render_plaque_sheets",
]

PAGE: PageGeometry = landscape_a4(30.0)
RED = (0.70, 0.08, 0.08)
QR_SIZE = 30 * MM


@dataclass(frozen=True)
class CertificateOptions:
    """How certificates go onto paper.

    `offset_mm`: (right, up) shift of everything printed, to match a printer's feed.
    `border`: False for paper that has its border printed already.
    """

    offset_mm: tuple[float, float] = (0.0, 0.0)
    border: bool = True


def _texts(awards: Sequence[AwardData]) -> list[str]:
    out: list[str] = []
    for a in awards:
        out += [a.certificate_no, a.site_full_name, a.awarding_body, a.wording]
    return out


# --- Certificate ------------------------------------------------------------------------


def _draw_border(canvas: Canvas) -> None:
    w, h = PAGE.size
    canvas.saveState()
    canvas.setStrokeColorRGB(*RED)
    canvas.setLineWidth(3.0)
    canvas.rect(12 * MM, 12 * MM, w - 24 * MM, h - 24 * MM)
    canvas.setLineWidth(0.8)
    canvas.rect(15 * MM, 15 * MM, w - 30 * MM, h - 30 * MM)
    # small squares in the corners, the customary ornament of certificate frames
    canvas.setFillColorRGB(*RED)
    for x, y in ((15, 15), (15, h / MM - 21), (w / MM - 21, 15), (w / MM - 21, h / MM - 21)):
        canvas.rect(x * MM, y * MM, 6 * MM, 6 * MM, stroke=1, fill=0)
        canvas.rect((x + 1.8) * MM, (y + 1.8) * MM, 2.4 * MM, 2.4 * MM, stroke=0, fill=1)
    canvas.restoreState()


def _static_form(
    canvas: Canvas, name: str, award: AwardData, fontset: FontSet, options: CertificateOptions
) -> None:
    """What certificates of the same level, body and month share."""
    title, body = fontset.title_chain, fontset.body_chain
    w, h = PAGE.size
    canvas.beginForm(name)
    if options.border:
        _draw_border(canvas)
    cx = w / 2
    canvas.setFillColorRGB(*RED)
    draw_text(canvas, cx, h - 58 * MM, "证　书", title, 44, align="center", char_space=14)
    canvas.setFillColorRGB(0, 0, 0)
    left = PAGE.left + 10 * MM
    draw_text(canvas, left, 112 * MM, "　　经考核，你单位达到创建标准，被授予", body, 22)
    draw_text(canvas, cx, 92 * MM, f"“{award.wording}”", title, 34, align="center")
    draw_text(canvas, left, 72 * MM, "　　特发此证。", body, 22)
    draw_text(canvas, PAGE.left + 2 * MM + QR_SIZE / 2, 19 * MM, "扫码核验", body, 9, align="center")
    draw_text(canvas, w - PAGE.left - 36 * MM, h - 30 * MM, "证书编号：", body, 12, align="right")
    right_center = w - PAGE.left - 52 * MM
    draw_text(canvas, right_center, 46 * MM, award.awarding_body, body, 18, align="center")
    draw_text(
        canvas, right_center, 36 * MM, chinese_numeral_month(award.award_date), body, 18, align="center"
    )
    canvas.endForm()


def _site_lines(name: str, chain: FontChain) -> tuple[list[str], float]:
    """The site's name on one line if it fits at 20 pt or more, else wrapped at 20 pt."""
    width = PAGE.text_width - 20 * MM
    for size in (26.0, 24.0, 22.0, 20.0):
        if chain.width(name + "：", size) <= width:
            return [name + "："], size
    return wrap(name + "：", width, chain, 20.0), 20.0


def _draw_certificate_page(canvas: Canvas, award: AwardData, form: str, fontset: FontSet) -> None:
    body = fontset.body_chain
    canvas.doForm(form)
    lines, size = _site_lines(award.site_full_name, body)
    y = 132 * MM + (len(lines) - 1) * size * 0.7
    for line in lines:
        draw_text(canvas, PAGE.left + 10 * MM, y, line, body, size)
        y -= size * 1.4
    w, h = PAGE.size
    draw_text(canvas, w - PAGE.left - 36 * MM, h - 30 * MM, award.certificate_no, body, 12)
    draw_qr(canvas, encode(award.qr_text), PAGE.left + 2 * MM, 24 * MM, QR_SIZE)


def render_certificates(
    awards: Sequence[AwardData],
    out: Output,
    *,
    fonts: FontSet | None = None,
    options: CertificateOptions | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Write one certificate page per award, in order, into one PDF.

    Raises UserError before writing if a character cannot be printed or a QR text is too
    long; PrintCancelled (a UserError) when `cancel()` turns true, leaving `out` untouched.
    """

    def setup(canvas: Canvas, fontset: FontSet, options: CertificateOptions) -> Callable[[AwardData], None]:
        forms: dict[tuple[str, str, str], str] = {}
        for award in awards:
            if _form_key(award) not in forms:
                forms[_form_key(award)] = name = f"cert{len(forms)}"
                _static_form(canvas, name, award, fontset, options)
        return lambda award: _draw_certificate_page(canvas, award, forms[_form_key(award)], fontset)

    _render_pages(awards, out, title="证书", subject=f"证书 {len(awards)} 份", setup=setup, fonts=fonts,
                  options=options, progress=progress, cancel=cancel)


def _form_key(award: AwardData) -> tuple[str, str, str]:
    return award.wording, award.awarding_body, chinese_numeral_month(award.award_date)


def _render_pages(
    awards: Sequence[AwardData],
    out: Output,
    *,
    title: str,
    subject: str,
    setup: Callable[[Canvas, FontSet, CertificateOptions], Callable[[AwardData], None]],
    fonts: FontSet | None,
    options: CertificateOptions | None,
    progress: Progress | None,
    cancel: Cancel | None,
) -> None:
    """One page per award, drawn by the painter `setup` returns, shifted by the printer offset."""
    if not awards:
        raise ValueError("no awards to print")
    fontset = prepare(fonts, _texts(awards))
    options = options or CertificateOptions()
    canvas, buffer = new_canvas(PAGE.size, fontset, title=title, subject=subject)
    draw_page = setup(canvas, fontset, options)
    total = len(awards)
    step = max(1, total // 100)
    for i, award in enumerate(awards):
        if cancel is not None and i % step == 0 and cancel():
            raise PrintCancelled("打印已取消。")
        if options.offset_mm != (0.0, 0.0):
            canvas.translate(options.offset_mm[0] * MM, options.offset_mm[1] * MM)
        draw_page(award)
        canvas.showPage()
        if progress is not None and ((i + 1) % step == 0 or i + 1 == total):
            progress(i + 1, total)
    deliver(canvas, buffer, out)


# --- Plaque sheet -----------------------------------------------------------------------


def _draw_plaque_sheet(canvas: Canvas, award: AwardData, fontset: FontSet) -> None:
    title, body = fontset.title_chain, fontset.body_chain
    w, h = PAGE.size
    draw_text(canvas, w / 2, h - 30 * MM, "牌匾制作单", title, 26, align="center", char_space=6)
    draw_text(canvas, w - 20 * MM, h - 40 * MM, f"证书编号：{award.certificate_no}", body, 12, align="right")

    # The plaque at 1:4, 600 × 400 mm: title, awarding body and month, as the maker sets them.
    px, py, pw, ph = 18 * MM, 40 * MM, 150 * MM, 100 * MM
    canvas.saveState()
    canvas.setStrokeColorRGB(*RED)
    canvas.setLineWidth(2.0)
    canvas.rect(px, py, pw, ph)
    canvas.setLineWidth(0.6)
    canvas.rect(px + 4 * MM, py + 4 * MM, pw - 8 * MM, ph - 8 * MM)
    canvas.restoreState()
    wording = award.wording
    size = min(30.0, (pw - 24 * MM) / max(1, len(wording)))
    canvas.setFillColorRGB(*RED)
    draw_text(canvas, px + pw / 2, py + ph * 0.56, wording, title, size, align="center")
    canvas.setFillColorRGB(0, 0, 0)
    draw_text(canvas, px + pw / 2, py + 26 * MM, award.awarding_body, body, 13, align="center")
    draw_text(
        canvas, px + pw / 2, py + 18 * MM, chinese_numeral_month(award.award_date), body, 13, align="center"
    )
    draw_text(
        canvas,
        px + pw / 2,
        py - 7 * MM,
        "牌匾样式（比例 1∶4，尺寸 600 mm × 400 mm）",
        body,
        10.5,
        align="center",
    )

    # Particulars for the maker, as a ruled two-column table.
    tx, tw = 176 * MM, w - 194 * MM
    label_w = 26 * MM
    rows = [
        ("受牌单位", award.site_full_name),
        ("牌匾文字", wording),
        ("落　　款", f"{award.awarding_body}\n{chinese_numeral_month(award.award_date)}"),
        ("规　　格", "600 mm × 400 mm，横式"),
        ("材　　质", "铜质腐蚀或不锈钢钛金，红底金字"),
        ("数　　量", "1 块"),
        ("经 办 人", ""),
        ("制作日期", "　　　年　　月　　日"),
    ]
    y = py + ph
    size_t = 11.0
    canvas.setLineWidth(0.5)
    for label, value in rows:
        lines = wrap(value, tw - label_w - 6 * MM, body, size_t) or [""]
        rh = max(11 * MM, len(lines) * size_t * 1.5 + 4 * MM)
        canvas.line(tx, y - rh, tx + tw, y - rh)
        draw_text(canvas, tx + label_w / 2, y - rh / 2 - size_t * 0.35, label, body, size_t, align="center")
        ly = y - (rh - len(lines) * size_t * 1.5) / 2 - size_t * 1.12
        for line in lines:
            draw_text(canvas, tx + label_w + 3 * MM, ly, line, body, size_t)
            ly -= size_t * 1.5
        y -= rh
    canvas.line(tx + label_w, y, tx + label_w, py + ph)
    canvas.setLineWidth(1.2)
    canvas.rect(tx, y, tw, py + ph - y)


def render_plaque_sheets(
    awards: Sequence[AwardData],
    out: Output,
    *,
    fonts: FontSet | None = None,
    options: CertificateOptions | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Write one plaque sheet per award into one PDF (landscape A4)."""

    def setup(canvas: Canvas, fontset: FontSet, _options: CertificateOptions) -> Callable[[AwardData], None]:
        return lambda award: _draw_plaque_sheet(canvas, award, fontset)

    _render_pages(awards, out, title="牌匾制作单", subject=f"牌匾制作单 {len(awards)} 份", setup=setup,
                  fonts=fonts, options=options, progress=progress, cancel=cancel)
