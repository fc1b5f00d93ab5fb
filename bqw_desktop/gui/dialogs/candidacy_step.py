"""Confirming one step of a candidacy: the reason where one is required, the quota when
recommending or approving, and the explicit override when the quota is full.

OK calls `submit(reason, override_quota)`, which runs the step in one unit of work and
returns whether it was recorded; a refusal keeps the dialog open with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from bqw_desktop.domain.lifecycle import Status
from bqw_desktop.gui.widgets.form_parts import error_label, ok_cancel
from bqw_desktop.services.quotas import QuotaLine

REASON_HINTS: dict[str, str] = {
    Status.RETURNED: "请写明需要修改或补充的内容",
    Status.NOT_SELECTED: "请写明未入选的理由",
    Status.FAILED: "请写明考核未达标的理由",
    Status.ELIMINATED: "请写明予以淘汰的理由",
}


class StepDialog(QDialog):
    """Asks for what a step needs before it is recorded."""

    def __init__(self, *, site_name: str, action: str, to_status: str, reason_required: bool,
                 quota: QuotaLine | None, submit: Callable[[str, bool], bool],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.submit = submit
        self.reason_required = reason_required
        self.setWindowTitle(action)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        head = QLabel(self.tr("对示范点“{site}”办理：{action}").format(site=site_name, action=action))
        head.setWordWrap(True)
        head.setStyleSheet("font-weight: bold;")
        layout.addWidget(head)

        self.quota_label = QLabel()
        self.quota_label.setWordWrap(True)
        self.override = QCheckBox(self.tr("名额已满，仍确定为创建单位（超额确定，须说明理由）"))
        self.override.toggled.connect(self._update_reason)
        full = quota is not None and quota.full and to_status == Status.APPROVED
        if quota is not None:
            colour = "#b3261e" if quota.full else "#333"
            state = self.tr("（名额已满）") if quota.full else ""
            self.quota_label.setText(f"<span style='color:{colour}'>{self.tr('名额使用')}：{quota.text}{state}</span>")
        self.quota_label.setVisible(quota is not None)
        self.override.setVisible(full)
        layout.addWidget(self.quota_label)
        layout.addWidget(self.override)

        self.reason_label = QLabel()
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(self.tr(REASON_HINTS.get(to_status, "可填写说明")))
        self.reason.setMaximumHeight(120)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason)
        self.error = error_label()
        layout.addWidget(self.error)
        self.buttons = ok_cancel(self, action)
        layout.addWidget(self.buttons)
        self._update_reason()

    def _update_reason(self) -> None:
        needed = self.reason_required or self.override.isChecked()
        self.reason_label.setText(self.tr("理由（必填）：") if needed else self.tr("说明（可不填）："))

    def accept(self) -> None:
        text = self.reason.toPlainText().strip()
        if (self.reason_required or self.override.isChecked()) and not text:
            self.error.setText(self.tr("请填写理由。"))
            self.error.show()
            self.reason.setFocus()
            return
        if self.submit(text, self.override.isChecked()):
            super().accept()
        else:
            self.error.setText(self.tr("未办理，请按提示修改后再试。"))
            self.error.show()
