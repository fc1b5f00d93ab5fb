"""The 打印 menu: each document for the selected site, lists, batches, verification, settings.

Every document is rendered off the GUI thread (`jobs.run_job`, with 取消) into a temporary
file and shown in the preview (`preview.show_pdf`), from which it is printed or saved.
Batches go straight to a file or a folder chosen first. Refusals (no award, a character
no font has, a cancelled batch) are shown as warnings with their Chinese message.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from bqw_desktop.domain.lifecycle import STATUS_LABELS
from bqw_desktop.domain.vocab import LEVEL_LABELS
from bqw_desktop.errors import UserError
from bqw_desktop.gui.printing.jobs import run_job
from bqw_desktop.gui.printing.preview import show_pdf
from bqw_desktop.gui.printing.settings import PrintSettings, PrintSettingsDialog
from bqw_desktop.gui.printing.verify import VerifyDialog
from bqw_desktop.gui.widgets.form_parts import ok_cancel
from bqw_desktop.printing.layout import PrintCancelled
from bqw_desktop.services import certificates, printing, visits
from bqw_desktop.services.printing import KINDS, PrintRequest, PrintResult

CERTIFICATE_KINDS = ("certificate", "plaque")


def shown_site_ids(ctx: Any) -> list[str] | None:
    """The sites the register shows now (its filter applied), if the window tells."""
    provider = getattr(ctx, "shown_site_ids", None)
    return list(provider()) if callable(provider) else None


class PrintActions:
    """What the 打印 menu does, for one window context."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.settings = PrintSettings(ctx.settings.store)
        self.temp = tempfile.TemporaryDirectory(prefix="bqw-print-")
        self.warn: Callable[[QWidget | None, str], None] = lambda parent, message: ctx.runner.warn(parent, message)
        self.preview: Callable[..., Any] = show_pdf

    # Running a job ---------------------------------------------------------------------
    def _make(self, request: PrintRequest, out: Path, *, per_site: bool = False) -> PrintResult | None:
        if request.kind in CERTIFICATE_KINDS and self.ctx.read_only:
            self.warn(self.ctx.window, "数据库处于只读状态，不能签发或打印证书。")
            return None
        try:
            fonts = self.settings.fontset()
            options = self.settings.certificate_options()
            db, actor = self.ctx.db, self.ctx.actor
            result = run_job(self.ctx.window, f"正在生成{KINDS[request.kind]}…",
                             lambda progress, cancel: printing.make_document(
                                 db, actor, request, out, per_site=per_site, fonts=fonts, options=options,
                                 progress=progress, cancel=cancel))
        except PrintCancelled:
            return None
        except UserError as exc:
            self.warn(self.ctx.window, exc.message)
            return None
        if result.certificate_numbers:
            self.ctx.changes.emit({"certificates"})
        return result

    def _preview(self, request: PrintRequest, name: str) -> None:
        out = Path(self.temp.name) / f"{KINDS[request.kind]}-{len(list(Path(self.temp.name).iterdir()))}.pdf"
        result = self._make(request, out)
        if result is None:
            return
        if result.skipped:
            self.warn(self.ctx.window, "以下示范点未打印：\n" + "\n".join(result.skipped[:20]))
        self.preview(out, title=f"{KINDS[request.kind]} — {name}", suggested_name=f"{name}-{KINDS[request.kind]}.pdf",
                     last_folder=self.ctx.settings.last_folder("print"), parent=self.ctx.window)

    def _site_name(self) -> str:
        site_id = self.ctx.current_site_id
        return self.ctx.runner.read(lambda s: printing.particulars(s, site_id).name)

    # Menu actions ------------------------------------------------------------------------
    def site_document(self, kind: str) -> None:
        site_id = self.ctx.current_site_id
        if site_id is None:
            return
        try:
            name = self._site_name()
        except UserError as exc:
            self.warn(self.ctx.window, exc.message)
            return
        self._preview(PrintRequest(kind, site_ids=(site_id,)), name)

    def inspection(self) -> None:
        site_id = self.ctx.current_site_id
        if site_id is None:
            return
        rows = self.ctx.runner.read(lambda s: visits.visit_history(s, site_id))
        if not rows:
            self.warn(self.ctx.window, "该示范点还没有走访督查记录，无法打印督查记录表。")
            return
        labels = [f"{r.visit_date:%Y-%m-%d}　{r.kind_label}　{r.visitors[:30]}" for r in rows]
        choice, ok = QInputDialog.getItem(self.ctx.window, "督查记录表", "选择一次走访：", labels, 0, False)
        if not ok:
            return
        visit = rows[labels.index(choice)]
        self._preview(PrintRequest("inspection", visit_id=visit.id), self._site_name())

    def register_list(self) -> None:
        dialog = ListDialog(self.ctx.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        request = dialog.request(shown_site_ids(self.ctx))
        self._preview(request, "名单")

    def batch(self) -> None:
        dialog = BatchDialog(has_current=self.ctx.current_site_id is not None,
                             shown=shown_site_ids(self.ctx), parent=self.ctx.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        request = dialog.request(self.ctx.current_site_id)
        per_site = dialog.per_site.isChecked()
        folder = self.ctx.settings.last_folder("print")
        if per_site:
            chosen = QFileDialog.getExistingDirectory(self.ctx.window, "选择保存文件夹", folder)
        else:
            chosen, _ = QFileDialog.getSaveFileName(self.ctx.window, "保存为 PDF",
                                                    str(Path(folder or ".") / f"{KINDS[request.kind]}.pdf"),
                                                    "PDF 文件 (*.pdf)")
        if not chosen:
            return
        self.run_batch(request, Path(chosen), per_site=per_site)

    def run_batch(self, request: PrintRequest, target: Path, *, per_site: bool) -> PrintResult | None:
        """Write a batch to `target` (a file, or a folder with `per_site`) and say what was made."""
        result = self._make(request, target, per_site=per_site)
        if result is None:
            return None
        self.ctx.settings.set_last_folder("print", target if per_site else target.parent)
        text = f"已生成{KINDS[request.kind]} {result.documents} 份：{target}"
        if result.skipped:
            text += f"\n\n另有 {len(result.skipped)} 个未打印：\n" + "\n".join(result.skipped[:15])
        QMessageBox.information(self.ctx.window, "批量打印", text)
        return result

    def verify(self) -> None:
        VerifyDialog(lambda text: self.ctx.runner.read(certificates.verify_text, text), self.ctx.window).exec()

    def print_settings(self) -> None:
        PrintSettingsDialog(self.settings, parent=self.ctx.window).exec()


class ListDialog(QDialog):
    """名单: which sites or candidacies the list holds."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("打印名单"))
        self.level = QComboBox()
        self.level.addItem(self.tr("全部级别"), None)
        for key, label in LEVEL_LABELS.items():
            self.level.addItem(label, key)
        self.status = QComboBox()
        self.status.addItem(self.tr("全部状态"), None)
        for key, label in STATUS_LABELS.items():
            self.status.addItem(label, str(key))
        self.awarded = QCheckBox(self.tr("只列已授牌的示范点（已授牌、复评合格）"))
        self.region = QLineEdit()
        self.region.setPlaceholderText(self.tr("6 位区划代码，留空为本单位全部"))
        self.only_shown = QCheckBox(self.tr("只含主窗口当前筛选出的示范点"))
        form = QFormLayout()
        form.addRow(self.tr("级别"), self.level)
        form.addRow(self.tr("状态"), self.status)
        form.addRow("", self.awarded)
        form.addRow(self.tr("行政区划"), self.region)
        form.addRow("", self.only_shown)
        buttons = ok_cancel(self, "确定")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def request(self, shown: list[str] | None) -> PrintRequest:
        sites = tuple(shown) if shown is not None and self.only_shown.isChecked() else ()
        return PrintRequest("list", site_ids=sites, level=self.level.currentData(), status=self.status.currentData(),
                            all_awarded=self.awarded.isChecked(), region=self.region.text().strip() or None,
                            today=date.today())


class BatchDialog(QDialog):
    """批量打印: the document, which sites, and one PDF or one per site."""

    def __init__(self, *, has_current: bool, shown: list[str] | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown = shown
        self.setWindowTitle(self.tr("批量打印"))
        self.kind = QComboBox()
        for key in ("certificate", "plaque", "nomination", "inspection", "dossier"):
            self.kind.addItem(KINDS[key], key)
        self.scope_current = QRadioButton(self.tr("当前选中的示范点"))
        self.scope_shown = QRadioButton(self.tr("主窗口当前筛选结果（%1 个）").replace("%1", str(len(shown or []))))
        self.scope_awarded = QRadioButton(self.tr("全部已授牌的示范点"))
        self.scope_current.setEnabled(has_current)
        self.scope_shown.setVisible(shown is not None)
        self.scope_shown.setEnabled(bool(shown))
        group = QButtonGroup(self)
        for button in (self.scope_current, self.scope_shown, self.scope_awarded):
            group.addButton(button)
        (self.scope_shown if shown else self.scope_current if has_current else self.scope_awarded).setChecked(True)
        self.one_pdf = QRadioButton(self.tr("合并为一个 PDF"))
        self.per_site = QRadioButton(self.tr("每个示范点一个 PDF（选择文件夹）"))
        self.one_pdf.setChecked(True)
        output = QButtonGroup(self)
        output.addButton(self.one_pdf)
        output.addButton(self.per_site)
        note = QLabel(self.tr("没有相应记录的示范点（如未授牌）会跳过，并在完成后列出。"))
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("文书"), self.kind)
        form.addRow(self.tr("范围"), self.scope_current)
        form.addRow("", self.scope_shown)
        form.addRow("", self.scope_awarded)
        form.addRow(self.tr("输出"), self.one_pdf)
        form.addRow("", self.per_site)
        buttons = ok_cancel(self, "确定")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def request(self, current_site_id: str | None) -> PrintRequest:
        kind = self.kind.currentData()
        if self.scope_awarded.isChecked():
            return PrintRequest(kind, all_awarded=True, skip_missing=True)
        sites = tuple(self.shown or ()) if self.scope_shown.isChecked() else \
            ((current_site_id,) if current_site_id else ())
        return PrintRequest(kind, site_ids=sites, skip_missing=True)
