"""Pieces every form dialog shares: the red refusal line and the Chinese OK/Cancel row."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel

ERROR_STYLE = "color: #b00020;"


def error_label() -> QLabel:
    """A hidden, wrapping red line where a form shows why it was refused."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


def ok_cancel(dialog: QDialog, ok_text: str = "保存") -> QDialogButtonBox:
    """OK/Cancel buttons labelled in Chinese whatever translations Qt has loaded."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(dialog.tr(ok_text))
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(dialog.tr("取消"))
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
