"""Print settings: the faces to print in and the certificate printer's offset.

Kept in the window's QSettings under "printing/…" (user choices, not records). The office
may choose the customary faces installed on its PC (方正小标宋 for titles, 仿宋_GB2312 for
body text …); the bundled fonts always stay behind them for characters they lack.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bqw_desktop.errors import UserError
from bqw_desktop.gui.widgets.form_parts import ok_cancel
from bqw_desktop.printing.certificate import CertificateOptions
from bqw_desktop.printing.fonts import FontSet, SystemFont, customary_fonts

BUNDLED = "__bundled__"
OTHER = "__other__"
MAX_OFFSET_MM = 30.0


class PrintSettings:
    """Typed access to the print settings; every getter has a sane default."""

    def __init__(self, store: QSettings) -> None:
        self.store = store

    def font(self, role: str) -> tuple[str, int] | None:
        """The chosen face for "title" or "body" as (path, face index), or None for the bundled one."""
        path = str(self.store.value(f"printing/{role}_font", "") or "")
        if not path:
            return None
        try:
            index = int(self.store.value(f"printing/{role}_index", 0) or 0)
        except (TypeError, ValueError):
            index = 0
        return path, index

    def set_font(self, role: str, choice: tuple[str, int] | None) -> None:
        self.store.setValue(f"printing/{role}_font", choice[0] if choice else "")
        self.store.setValue(f"printing/{role}_index", choice[1] if choice else 0)

    def offset_mm(self) -> tuple[float, float]:
        """(right, up) shift of certificates, in millimetres."""
        values = []
        for key in ("offset_x", "offset_y"):
            try:
                value = float(self.store.value(f"printing/{key}", 0.0) or 0.0)
            except (TypeError, ValueError):
                value = 0.0
            values.append(max(-MAX_OFFSET_MM, min(MAX_OFFSET_MM, value)))
        return values[0], values[1]

    def set_offset_mm(self, x: float, y: float) -> None:
        self.store.setValue("printing/offset_x", float(x))
        self.store.setValue("printing/offset_y", float(y))

    def border(self) -> bool:
        value = self.store.value("printing/border", True)
        return value not in (False, "false", "0", 0)

    def set_border(self, on: bool) -> None:
        self.store.setValue("printing/border", bool(on))

    def fontset(self) -> FontSet | None:
        """The chosen faces with the bundled ones behind; None when nothing was chosen.

        Raises UserError when a chosen file is gone or cannot be embedded.
        """
        title, body = self.font("title"), self.font("body")
        if title is None and body is None:
            return None
        return FontSet.with_system_fonts(title_path=title[0] if title else None,
                                         body_path=body[0] if body else None,
                                         title_index=title[1] if title else 0,
                                         body_index=body[1] if body else 0)

    def certificate_options(self) -> CertificateOptions:
        return CertificateOptions(offset_mm=self.offset_mm(), border=self.border())


class _FontRow(QWidget):
    """A combo of the bundled face, the customary faces found, and "another file…"."""

    def __init__(self, found: list[SystemFont], current: tuple[str, int] | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.index = QSpinBox()
        self.index.setRange(0, 31)
        self.index.setToolTip(self.tr("字体集（.ttc）中的第几个字体，从 0 开始"))
        self.combo.addItem(self.tr("内置字体（默认）"), BUNDLED)
        for font in found:
            self.combo.addItem(f"{font.label}（{font.path.name}）", str(font.path))
        if current and self.combo.findData(current[0]) < 0:
            self.combo.addItem(Path(current[0]).name, current[0])
        self.combo.addItem(self.tr("其他字体文件…"), OTHER)
        self.combo.setCurrentIndex(max(0, self.combo.findData(current[0])) if current else 0)
        self.index.setValue(current[1] if current else 0)
        self._last = self.combo.currentIndex()
        self.combo.activated.connect(self._picked)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.combo, 1)
        row.addWidget(QLabel(self.tr("字体序号")))
        row.addWidget(self.index)

    def _picked(self, position: int) -> None:
        if self.combo.itemData(position) != OTHER:
            self._last = position
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择字体文件"), "",
                                              self.tr("TrueType 字体 (*.ttf *.ttc *.TTF *.TTC)"))
        if not path:
            self.combo.setCurrentIndex(self._last)
            return
        at = self.combo.findData(path)
        if at < 0:
            at = self.combo.count() - 1
            self.combo.insertItem(at, Path(path).name, path)
        self.combo.setCurrentIndex(at)
        self._last = at

    def choice(self) -> tuple[str, int] | None:
        data = self.combo.currentData()
        return None if data in (BUNDLED, OTHER, None) else (str(data), self.index.value())


class PrintSettingsDialog(QDialog):
    """打印设置: title and body faces, certificate offset and border."""

    def __init__(self, settings: PrintSettings, *, fonts_found: list[SystemFont] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("打印设置"))
        found = customary_fonts() if fonts_found is None else fonts_found
        self.title_row = _FontRow(found, settings.font("title"), self)
        self.body_row = _FontRow(found, settings.font("body"), self)
        x, y = settings.offset_mm()
        self.offset_x = self._spin(x)
        self.offset_y = self._spin(y)
        self.border = QCheckBox(self.tr("打印证书边框（使用已印边框的证书纸时取消）"))
        self.border.setChecked(settings.border())
        note = QLabel(self.tr("本机未找到常用公文字体（方正小标宋、仿宋_GB2312、宋体、楷体），可选“其他字体文件…”。")
                      if not found else self.tr("所选字体缺少的字会自动用内置字体补齐；所有字体都没有的字，打印前会提示。"))
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("标题字体"), self.title_row)
        form.addRow(self.tr("正文字体"), self.body_row)
        form.addRow(self.tr("证书向右偏移（毫米）"), self.offset_x)
        form.addRow(self.tr("证书向上偏移（毫米）"), self.offset_y)
        form.addRow("", self.border)
        buttons = ok_cancel(self, "确定")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _spin(self, value: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(-MAX_OFFSET_MM, MAX_OFFSET_MM)
        spin.setSingleStep(0.5)
        spin.setDecimals(1)
        spin.setValue(value)
        return spin

    def accept(self) -> None:
        """Check that the chosen faces can be embedded before keeping them."""
        title, body = self.title_row.choice(), self.body_row.choice()
        try:
            if title or body:
                FontSet.with_system_fonts(title_path=title[0] if title else None,
                                          body_path=body[0] if body else None,
                                          title_index=title[1] if title else 0,
                                          body_index=body[1] if body else 0)
        except UserError as exc:
            QMessageBox.warning(self, self.tr("字体不可用"), exc.message)
            return
        self.settings.set_font("title", title)
        self.settings.set_font("body", body)
        self.settings.set_offset_mm(self.offset_x.value(), self.offset_y.value())
        self.settings.set_border(self.border.isChecked())
        super().accept()
