"""The 打印 menu in the window: preview (QtPdf), printing into a printer, saving, batches, verifying."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtPdf")

from pypdf import PdfReader
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QColor

from bqw_desktop.domain.vocab import Level
from bqw_desktop.gui.printing.jobs import run_job
from bqw_desktop.gui.printing.preview import PreviewDialog, print_document
from bqw_desktop.gui.printing.settings import PrintSettings
from bqw_desktop.gui.printing.verify import VerifyDialog
from bqw_desktop.printing.certificate import render_certificates
from bqw_desktop.printing.layout import PrintCancelled
from bqw_desktop.printing.nomination import render_nomination
from bqw_desktop.printing.samples import sample_award, sample_nomination
from bqw_desktop.services import campaigns, candidacies, certificates
from bqw_desktop.services.certificates import Verification
from bqw_desktop.services.printing import PrintRequest


def settle(ms: int = 400) -> None:
    """Let the event loop run: QPdfView renders pages asynchronously."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def dark_pixels(image, step: int = 4) -> int:
    count = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            if QColor(image.pixel(x, y)).lightness() < 100:
                count += 1
    return count


@pytest.fixture
def nomination_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "推荐表.pdf"
    render_nomination(sample_nomination(), path)
    return path


def test_preview_shows_every_page_and_paints_them(qtbot, nomination_pdf):
    dialog = PreviewDialog(nomination_pdf, title="推荐表")
    qtbot.addWidget(dialog)
    dialog.resize(800, 900)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.page_count == len(PdfReader(str(nomination_pdf)).pages) == 2
    settle()
    image = dialog.view.viewport().grab().toImage()
    assert dark_pixels(image) > 200  # the title and ruled table are drawn, not a blank page


def test_save_as_copies_the_pdf_and_adds_the_extension(qtbot, nomination_pdf, tmp_path):
    dialog = PreviewDialog(nomination_pdf, title="推荐表")
    qtbot.addWidget(dialog)
    dialog.ask_save_path = lambda: str(tmp_path / "存档" / "黄花村推荐表")
    (tmp_path / "存档").mkdir()
    saved = dialog.save_as()
    assert saved == tmp_path / "存档" / "黄花村推荐表.pdf"
    assert saved.read_bytes() == nomination_pdf.read_bytes()
    dialog.ask_save_path = lambda: ""
    assert dialog.save_as() is None  # the user cancelled


def test_printing_paints_each_page_into_the_printer_at_its_true_size(qtbot, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    pdf = tmp_path / "证书.pdf"
    render_certificates([sample_award()], pdf)
    dialog = PreviewDialog(pdf, title="证书")
    qtbot.addWidget(dialog)
    printed_to = tmp_path / "printer.pdf"

    def answer(printer) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed_to))
        printer.setResolution(100)
        return True

    dialog.ask_printer = answer
    assert dialog.print_pdf() == 1
    page = PdfReader(str(printed_to)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert width > height and abs(width - 842) < 3  # landscape A4, not scaled to fit
    declined = PreviewDialog(pdf, title="证书")
    qtbot.addWidget(declined)
    declined.ask_printer = lambda printer: False
    assert declined.print_pdf() == 0


def test_print_document_honours_a_page_range(qtbot, nomination_pdf, tmp_path):
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPrintSupport import QPrinter

    document = QPdfDocument()
    document.load(str(nomination_pdf))
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "p2.pdf"))
    printer.setResolution(72)
    printer.setFromTo(2, 2)
    assert print_document(document, printer) == 1
    assert len(PdfReader(str(tmp_path / "p2.pdf")).pages) == 1


def test_verify_dialog_shows_the_verdict_in_words(qtbot):
    seen: list[str] = []

    def verify(text: str) -> Verification:
        seen.append(text)
        if "省级" in text:
            return Verification("altered", "证书内容与登记的证书不符：级别被改动，签名无效。")
        return Verification("valid", "证书真实有效：黄花村党总支，县级示范点，二〇一二年六月授牌。")

    dialog = VerifyDialog(verify)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.check() is None and "请先粘贴" in dialog.verdict.text()
    dialog.text.setPlainText("创先争优活动示范点证书 级别 县级")
    dialog.check_button.click()
    assert dialog.result.status == "valid" and "真实有效" in dialog.verdict.text()
    dialog.text.setPlainText("创先争优活动示范点证书 级别 省级")
    dialog.check_button.click()
    assert dialog.result.status == "altered" and "级别被改动" in dialog.verdict.text()
    assert len(seen) == 2


def test_a_running_job_stops_when_cancel_is_pressed(qtbot):
    steps: list[int] = []

    def work(progress, cancel) -> str:
        for i in range(10_000):
            if cancel():
                raise PrintCancelled("打印已取消。")
            steps.append(i)
            progress(i, 10_000)
            time.sleep(0.002)
        return "done"

    with pytest.raises(PrintCancelled):
        run_job(None, "正在生成证书…", work,
                on_started=lambda worker, dialog: QTimer.singleShot(100, dialog.canceled.emit))
    assert 0 < len(steps) < 10_000


def _award(county_db, county_actor, site_id: str) -> str:
    with county_db.begin() as s:
        campaigns.ensure_default_campaign(s, county_actor)
        cid = candidacies.create_candidacy(s, county_actor, site_id=site_id, level=Level.COUNTY).id
    for to, today in (("approved", date(2012, 3, 1)), ("creating", date(2012, 3, 1)),
                      ("passed", date(2012, 6, 28)), ("awarded", date(2012, 6, 28))):
        with county_db.begin() as s:
            candidacies.advance(s, county_actor, candidacy_id=cid, to_status=to, today=today)
    return cid


def test_print_menu_previews_the_selected_sites_certificate(window, qtbot, county_db, county_actor, answers,
                                                           tmp_path):
    site_id = window.site_ids["开慧镇开慧村党支部"]
    _award(county_db, county_actor, site_id)
    menu = window.ctx.menu("打印")
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts == ["推荐表…", "证书…", "牌匾制作单…", "督查记录表…", "一点一档…", "名单…", "批量打印…", "验证证书…",
                     "打印设置…"]
    actions = window.ctx._print_actions
    shown: dict[str, object] = {}

    def preview(path, **kw):
        dialog = PreviewDialog(path, title=kw["title"], parent=window)
        qtbot.addWidget(dialog)
        dialog.resize(900, 680)
        dialog.show()
        settle(800)
        shown.update(title=kw["title"], pages=dialog.page_count, dark=dark_pixels(dialog.view.viewport().grab().toImage()))
        dialog.grab().save(str(tmp_path / "preview.png"))

    actions.preview = preview
    assert window.select_site(site_id)
    actions.site_document("certificate")
    assert answers.warnings == []
    assert shown["title"] == "证书 — 开慧镇开慧村党支部" and shown["pages"] == 1 and shown["dark"] > 100
    with county_db.sessions() as s:
        (cert,) = certificates.list_certificates(s)
    assert cert.number == "430121-2012-0001"

    other = window.site_ids["黄花镇党委"]
    assert window.select_site(other)
    actions.site_document("certificate")  # no plaque: refused with the reason, nothing shown
    assert answers.warnings and "没有有效的授牌" in answers.warnings[-1]


def test_batch_writes_one_file_per_site_for_the_filtered_register(window, county_db, county_actor, tmp_path,
                                                                  monkeypatch):
    for name in ("开慧镇开慧村党支部", "果园镇浔龙河村党总支"):
        _award(county_db, county_actor, window.site_ids[name])
    shown = window.ctx.shown_site_ids()
    assert len(shown) == len(window.site_ids)
    monkeypatch.setattr("bqw_desktop.gui.printing.menu.QMessageBox.information", lambda *a, **k: None)
    result = window.ctx._print_actions.run_batch(PrintRequest("certificate", site_ids=tuple(shown), skip_missing=True),
                                                 tmp_path / "证书", per_site=True)
    assert sorted(p.name for p in result.paths) == ["长沙县开慧镇开慧村党支部-证书.pdf", "长沙县果园镇浔龙河村党总支-证书.pdf"]
    assert len(result.skipped) == len(shown) - 2


def test_print_settings_give_the_offset_and_border_to_certificates(settings):
    prefs = PrintSettings(settings.store)
    assert prefs.certificate_options().offset_mm == (0.0, 0.0) and prefs.fontset() is None
    prefs.set_offset_mm(2.5, -99)
    prefs.set_border(False)
    options = prefs.certificate_options()
    assert options.offset_mm == (2.5, -30.0) and options.border is False
