"""Shared pieces of the 数据交换 windows: file dialogs, background work, labels, styles.

The file dialogs are plain functions that the dialogs keep as attributes (`ask_open_path`,
`ask_save_path`, `ask_folder`), so tests answer them without a real dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QLabel, QMessageBox, QTableView, QWidget

from bqw_desktop.domain.divisions import load_divisions
from bqw_desktop.domain.vocab import TIER_LABELS
from bqw_desktop.gui.tasks import run_with_progress

PACKAGE_FILTER = "交换包 (*.bqw);;所有文件 (*)"
CARD_FILTER = "身份卡 (*.json);;所有文件 (*)"
REPORT_FILTER = "导入报告 (*.json)"

OK_STYLE = "background: #e3f4e1; color: #1f5a1a; border: 1px solid #9fd19a; padding: 6px 10px;"
ALERT_STYLE = "background: #fde2e1; color: #9b1c1c; border: 1px solid #e8a3a0; padding: 6px 10px;"
NOTE_STYLE = "background: #fff3c4; color: #6b4e00; border: 1px solid #e0c86e; padding: 6px 10px;"
INFO_STYLE = "background: #e1ecfb; color: #1d3f73; border: 1px solid #a9c2ea; padding: 6px 10px;"

Progress = Callable[..., None]


def tr(text: str) -> str:
    return QCoreApplication.translate("Exchange", text)


# File dialogs (kept as attributes by the dialogs; tests replace them) -------------------------
def ask_open_path(parent: QWidget | None, title: str, start: str, filters: str = PACKAGE_FILTER) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(parent, title, start, tr(filters))
    return Path(chosen) if chosen else None


def ask_save_path(parent: QWidget | None, title: str, start: str, filters: str = REPORT_FILTER) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(parent, title, start, tr(filters))
    return Path(chosen) if chosen else None


def ask_folder(parent: QWidget | None, title: str, start: str) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(parent, title, start)
    return Path(chosen) if chosen else None


def inform(parent: QWidget | None, text: str) -> None:
    QMessageBox.information(parent, tr("完成"), text)


# Work ----------------------------------------------------------------------------------------
def _quiet(*_values: Any) -> None:
    return None


def run_task(parent: QWidget | None, title: str, fn: Callable[..., Any], *args: Any, background: bool = True,
             **kwargs: Any) -> Any:
    """`fn(*args, progress=…, **kwargs)` off the GUI thread behind a progress bar (or inline
    when `background` is False, as tests may ask); returns or raises its outcome."""
    if background:
        return run_with_progress(parent, title, fn, *args, **kwargs)
    return fn(*args, progress=_quiet, **kwargs)


# Labels --------------------------------------------------------------------------------------
def local_time(iso: str) -> str:
    """A stored UTC time ('2024-05-01T06:03:00') as local time for people: '2024-05-01 14:03'."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def office_label(code: str, names: dict[str, str]) -> str:
    """'长沙县委组织部（430121）', or the bare code when the office is unknown here."""
    name = names.get(code)
    return f"{name}（{code}）" if name and name != code else code


def region_name(code: str) -> str:
    """'湖南省长沙市长沙县', or the code when the division table does not know it."""
    divisions = load_divisions()
    return divisions.full_name(code) if code and divisions.get(code) else code


def tier_label(tier: str) -> str:
    return TIER_LABELS.get(tier, tier)


def banner(text: str = "", style: str = INFO_STYLE) -> QLabel:
    """A wrapped, selectable message strip in one of the colours above."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def set_banner(label: QLabel, text: str, style: str) -> None:
    label.setText(text)
    label.setStyleSheet(style)
    label.setVisible(bool(text))


def plain_table(model: Any, *, widths: tuple[int, ...] = (), stretch_last: bool = True) -> QTableView:
    """A read-only, row-selecting table view over `model`."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(stretch_last)
    for column, width in enumerate(widths):
        header.resizeSection(column, width)
    return view
