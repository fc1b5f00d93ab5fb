"""Print preview inside the app (QtPdf), printing through the system dialog, saving as PDF.

`PreviewDialog(pdf_path, title=…)` shows every page of a PDF made by `services.printing`.
打印… opens the system print dialog and paints each page into the printer at its true size
(full-page mode, so a certificate's printer offset is not undone by scaling); 另存为 PDF…
copies the file. When QtPdf is not installed, `show_pdf` opens the file in the system's PDF
viewer instead.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QSize, QUrl
from PySide6.QtGui import QDesktopServices, QPageLayout, QPageSize, QPainter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

try:
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView
except ImportError:  # QtPdf ships in a separate wheel (PySide6-Pdf); preview falls back to the system viewer
    QPdfDocument = None  # type: ignore[assignment,misc]
    QPdfView = None  # type: ignore[assignment,misc]

try:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
except ImportError:  # pragma: no cover - part of PySide6-Essentials
    QPrintDialog = None  # type: ignore[assignment,misc]
    QPrinter = None  # type: ignore[assignment,misc]

MAX_PRINT_DPI = 300  # page images beyond this only cost memory on office printers


def has_qtpdf() -> bool:
    return QPdfDocument is not None


class PreviewDialog(QDialog):
    """Shows a PDF's pages; prints them or saves a copy.

    `ask_save_path` and `ask_printer` are plain attributes so tests can answer them.
    """

    def __init__(self, pdf_path: Path, *, title: str, suggested_name: str = "", last_folder: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if QPdfDocument is None:
            raise RuntimeError("QtPdf is not available")
        self.pdf_path = Path(pdf_path)
        self.suggested_name = suggested_name or f"{title}.pdf"
        self.last_folder = last_folder
        self.setWindowTitle(title)
        self.resize(980, 760)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self.document.load(str(self.pdf_path))
        self.ask_save_path: Callable[[], str] = self._ask_save_path
        self.ask_printer: Callable[[object], bool] = self._ask_printer
        self.saved_to: Path | None = None

        self.print_button = QPushButton(self.tr("打印…"))
        self.save_button = QPushButton(self.tr("另存为 PDF…"))
        self.fit_width = QPushButton(self.tr("适合宽度"))
        self.fit_page = QPushButton(self.tr("整页"))
        self.close_button = QPushButton(self.tr("关闭"))
        self.pages_label = QLabel(self.tr("共 %n 页", "", self.document.pageCount()))
        self.print_button.clicked.connect(self.print_pdf)
        self.save_button.clicked.connect(self.save_as)
        self.fit_width.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        self.fit_page.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitInView))
        self.close_button.clicked.connect(self.accept)
        bar = QHBoxLayout()
        for widget in (self.print_button, self.save_button, self.fit_width, self.fit_page):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.pages_label)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    # Saving ---------------------------------------------------------------------------
    def _ask_save_path(self) -> str:
        start = str(Path(self.last_folder) / self.suggested_name) if self.last_folder else self.suggested_name
        path, _ = QFileDialog.getSaveFileName(self, self.tr("另存为 PDF"), start, self.tr("PDF 文件 (*.pdf)"))
        return path

    def save_as(self) -> Path | None:
        """Copy the PDF where the user says; returns the path, or None if they cancelled."""
        chosen = self.ask_save_path()
        if not chosen:
            return None
        target = Path(chosen)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            shutil.copyfile(self.pdf_path, target)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("未保存"),
                                self.tr("无法写入文件“%1”：%2").replace("%1", str(target))
                                .replace("%2", exc.strerror or str(exc)))
            return None
        self.saved_to = target
        self.last_folder = str(target.parent)
        return target

    # Printing -------------------------------------------------------------------------
    def _ask_printer(self, printer: object) -> bool:
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印"))
        return dialog.exec() == QDialog.DialogCode.Accepted

    def print_pdf(self) -> int:
        """Ask for a printer through the system dialog and print; returns the pages printed."""
        if QPrinter is None or self.page_count == 0:
            return 0
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        first = self.document.pagePointSize(0)
        orientation = QPageLayout.Orientation.Landscape if first.width() > first.height() \
            else QPageLayout.Orientation.Portrait
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setPageOrientation(orientation)
        printer.setFullPage(True)
        printer.setDocName(self.windowTitle())
        printer.setFromTo(1, self.page_count)
        if not self.ask_printer(printer):
            return 0
        return print_document(self.document, printer)


def print_document(document: object, printer: object) -> int:
    """Paint the pages of a QPdfDocument into a QPrinter at their true size; returns pages printed."""
    count = document.pageCount()
    start, end = printer.fromPage(), printer.toPage()
    pages = range(max(start, 1) - 1, (end if end else count)) if start else range(count)
    pages = [p for p in pages if 0 <= p < count]
    painter = QPainter()
    if not pages or not painter.begin(printer):
        return 0
    dpi = printer.resolution()
    printed = 0
    try:
        for i, page in enumerate(pages):
            if i:
                printer.newPage()
            size = document.pagePointSize(page)
            width_px, height_px = size.width() * dpi / 72.0, size.height() * dpi / 72.0
            scale = min(1.0, MAX_PRINT_DPI / dpi)
            image = document.render(page, QSize(round(width_px * scale), round(height_px * scale)))
            painter.save()
            painter.scale(1 / scale, 1 / scale)
            painter.drawImage(QPointF(0, 0), image)
            painter.restore()
            printed += 1
    finally:
        painter.end()
    return printed


def show_pdf(pdf_path: Path, *, title: str, suggested_name: str = "", last_folder: str = "",
             parent: QWidget | None = None) -> PreviewDialog | None:
    """Preview `pdf_path` in the app; without QtPdf, open it in the system's PDF viewer."""
    if QPdfDocument is None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(pdf_path)))
        return None
    dialog = PreviewDialog(pdf_path, title=title, suggested_name=suggested_name, last_folder=last_folder,
                           parent=parent)
    dialog.exec()
    return dialog
