"""数据包记录 and 导入报告: the packages sent and received, and the stored import reports.

Both dialogs read plain rows through the runner and write nothing except an exported report
file; `ask_save_path` is an attribute so tests answer the file dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from bqw_desktop.errors import UserError
from bqw_desktop.exchange.rows import TYPE_LABELS
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.exchange.common import ask_save_path, local_time, office_label, plain_table, tr
from bqw_desktop.gui.exchange.import_wizard import save_report
from bqw_desktop.gui.exchange.models import HistoryModel, ReportListModel
from bqw_desktop.gui.exchange.report_view import ReportView
from bqw_desktop.gui.settings import Settings
from bqw_desktop.services import exchange
from bqw_desktop.services.exchange import HistoryRow


def office_names(session: Session) -> dict[str, str]:
    """Code → name of every office known here."""
    return {o.code: o.name for o in exchange.known_offices(session)}


def history_detail(row: HistoryRow, names: dict[str, str]) -> str:
    """One sentence about a package in the history."""
    verb = tr("发给") if row.direction == "sent" else tr("收到")
    who = office_label(row.recipient_code if row.direction == "sent" else row.sender_code, names)
    parts = "，".join(f"{TYPE_LABELS.get(t, t)} {n} 条" for t, n in row.counts.items() if n) or tr("无记录")
    return tr("{at} {verb} {who} 的第 {n} 号交换包（{file}）：{parts}；附件 {attachments} 个。经办人：{actor}。").format(
        at=local_time(row.at), verb=verb, who=who, n=row.sequence, file=row.file_name, parts=parts,
        attachments=row.attachment_count, actor=row.actor or "—")


class PackageHistoryDialog(QDialog):
    """Packages sent and received, newest first; a received one opens its import report."""

    def __init__(self, runner: ActionRunner, *, open_report: Callable[[int], Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.open_report = open_report
        self.setWindowTitle(tr("数据包记录"))
        self.resize(1060, 560)
        layout = QVBoxLayout(self)
        self.model = HistoryModel(self)
        self.table = plain_table(self.model, widths=(56, 200, 200, 70, 64, 64, 130, 80))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selected())
        self.table.doubleClicked.connect(lambda _i: self.show_report())
        layout.addWidget(self.table, 1)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail)
        buttons = QHBoxLayout()
        self.report_button = QPushButton(tr("查看导入报告"))
        self.report_button.clicked.connect(self.show_report)
        close = QPushButton(tr("关闭"))
        close.clicked.connect(self.accept)
        buttons.addWidget(self.report_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        names, rows = self.runner.read(lambda s: (office_names(s), exchange.package_history(s)))
        self.model.names = names
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        else:
            self.detail.setText(tr("还没有发出或收到过交换包。"))
        self._selected()

    def selected(self) -> HistoryRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selected(self) -> None:
        row = self.selected()
        self.report_button.setEnabled(bool(row and row.report_id and self.open_report))
        if row is not None:
            self.detail.setText(history_detail(row, self.model.names))

    def show_report(self) -> None:
        row = self.selected()
        if row is not None and row.report_id and self.open_report is not None:
            self.open_report(row.report_id)


class ReportsDialog(QDialog):
    """The stored import reports, one shown at a time; each can be exported."""

    def __init__(self, runner: ActionRunner, *, report_id: int | None = None, settings: Settings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.settings = settings
        self.ask_save_path: Callable[..., Path | None] = ask_save_path
        self.setWindowTitle(tr("导入报告"))
        self.resize(1100, 620)
        layout = QVBoxLayout(self)
        self.list_model = ReportListModel(self)
        self.list = plain_table(self.list_model, widths=(120, 190, 60, 56))
        self.list.selectionModel().selectionChanged.connect(lambda *_a: self._selected())
        self.view = ReportView()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(self.view)
        split.setSizes([420, 680])
        layout.addWidget(split, 1)
        buttons = QHBoxLayout()
        self.export_button = QPushButton(tr("导出报告…"))
        self.export_button.clicked.connect(self.export_report)
        close = QPushButton(tr("关闭"))
        close.clicked.connect(self.accept)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.reload(report_id)

    def reload(self, report_id: int | None = None) -> None:
        names, rows = self.runner.read(lambda s: (office_names(s), exchange.import_reports(s)))
        self.list_model.names = names
        self.list_model.set_rows(rows)
        target = next((i for i, r in enumerate(rows) if r.id == report_id), 0)
        if rows:
            self.list.selectRow(target)
        else:
            self.view.set_report(None, heading=tr("还没有导入过交换包。"))
        self._selected()

    def _selected(self) -> None:
        rows = self.list.selectionModel().selectedRows()
        self.export_button.setEnabled(bool(rows))
        if not rows:
            return
        report_id = self.list_model.row_at(rows[0].row()).id
        try:
            report = self.runner.read(exchange.get_report, report_id)
        except UserError as exc:
            self.view.set_report(None, heading=exc.message)
            return
        self.view.set_report(report, heading=report.describe().splitlines()[0])

    def export_report(self) -> Path | None:
        report = self.view.report
        if report is None or report.report_id is None:
            return None
        return save_report(self, self.runner, report, self.ask_save_path, self.settings)
