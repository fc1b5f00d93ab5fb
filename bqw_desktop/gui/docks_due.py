"""The 待办事项 dock: what is overdue (red) and what falls due within 30 days.

Rows come from `services.due.due_and_overdue` (campaign milestones, two-year
re-evaluations, and whatever other capabilities register: visits, rectifications…),
grouped under 逾期 and 30天内到期. Double-clicking a row about a site selects it in the
register; a campaign milestone opens the campaign's calendar.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from bqw_desktop.domain.calendar import DEFAULT_WINDOW_DAYS
from bqw_desktop.gui.changes import CANDIDACIES, SITES, VISITS, touches
from bqw_desktop.gui.context import MainWindowContext
from bqw_desktop.gui.models.roles import DISPLAY, FONT, FOREGROUND, TOOLTIP
from bqw_desktop.services import due
from bqw_desktop.services.due import DueRow

# "how late" first: in a narrow dock it is what a clerk scans for
COL_WHEN, COL_WHAT, COL_SUBJECT, COL_DUE = range(4)
HEADERS = ("情况", "事项", "对象", "到期日")
WIDTHS = (96, 96, 170, 80)
WATCHED = (CANDIDACIES, SITES, VISITS, "campaigns", "rectifications", "quotas")

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
RED = QBrush(QColor("#b3261e"))
_GROUP = 0  # internal id of a group row; a due row's is its group's position + 1


def _tr(text: str) -> str:
    return QCoreApplication.translate("DueModel", text)


class DueModel(QAbstractItemModel):
    """Two groups (逾期, 30天内到期) of plain `DueRow`s."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = tuple(_tr(h) for h in HEADERS)
        self.groups: list[tuple[str, bool, list[DueRow]]] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: Sequence[DueRow], *, window_days: int = DEFAULT_WINDOW_DAYS) -> None:
        overdue = [r for r in rows if r.overdue]
        coming = [r for r in rows if not r.overdue]
        self.beginResetModel()
        self.groups = [(_tr("逾期（{n}）").format(n=len(overdue)), True, overdue),
                       (_tr("{days}天内到期（{n}）").format(days=window_days, n=len(coming)), False, coming)]
        self.endResetModel()

    def row_count(self, *, overdue: bool) -> int:
        return sum(len(rows) for _, late, rows in self.groups if late == overdue)

    def index(self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _GROUP)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _GROUP:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _GROUP)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == _GROUP and parent.column() == 0:
            return len(self.groups[parent.row()][2])
        return 0

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role == DISPLAY and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _GROUP:
            title, late, _rows = self.groups[index.row()]
            if role == DISPLAY and index.column() == 0:
                return title
            if role == FONT:
                return self._bold
            if role == FOREGROUND and late:
                return RED
            return None
        _title, late, rows = self.groups[index.internalId() - 1]
        row = rows[index.row()]
        column = index.column()
        if role == ROW_ROLE:
            return row
        if role == DISPLAY:
            return (row.when_text, row.label, row.subject, row.due.isoformat())[column]
        if role == TOOLTIP:
            return f"{row.label}：{row.subject}\n{row.detail}"
        if role == FOREGROUND and late:
            return RED
        return None


LOAD_DELAY_MS = 50


class DueListDock(QWidget):
    """The dock's widget: the list, the date it was made for and a refresh button."""

    def __init__(self, ctx: MainWindowContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today: date | None = None  # None: the PC's date at each reload
        self.model = DueModel(self)
        self._stale = True
        self.caption = QLabel()
        self.caption.setStyleSheet("color: #555;")
        refresh = QPushButton(self.tr("刷新"))
        refresh.clicked.connect(self.reload)
        head = QHBoxLayout()
        head.addWidget(self.caption, 1)
        head.addWidget(refresh)
        self.tree = QTreeView()
        self.tree.setObjectName("dueTree")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setIndentation(12)
        self.tree.setAlternatingRowColors(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for column, width in enumerate(WIDTHS):
            self.tree.header().resizeSection(column, width)
        self.tree.doubleClicked.connect(self.open_index)
        self.tree.activated.connect(self.open_index)
        self.hint = QLabel(self.tr("双击一行，在名册中选中该示范点。"))
        self.hint.setStyleSheet("color: #777;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(head)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.hint)
        ctx.changes.changed.connect(self._changed)
        self.caption.setText(self.tr("正在读取待办事项…"))

    def sizeHint(self) -> QSize:
        return QSize(sum(WIDTHS) - 20, 600)  # the due date may scroll: 情况 says the same

    def reload(self) -> None:
        """Re-read the due list for today."""
        self._stale = False
        today = self.today or date.today()
        rows = self.ctx.runner.read(due.due_and_overdue, today=today)
        self.model.set_rows(rows)
        self.tree.expandAll()
        late = self.model.row_count(overdue=True)
        self.caption.setText(self.tr("截至 {day}：逾期 {late} 项，{days}天内到期 {soon} 项").format(
            day=today.isoformat(), late=late, days=DEFAULT_WINDOW_DAYS, soon=self.model.row_count(overdue=False)))

    def open_index(self, index: QModelIndex) -> bool:
        """Select the row's site in the register (or open a campaign's calendar)."""
        row: DueRow | None = index.data(ROW_ROLE) if index.isValid() else None
        if row is None:
            return False
        if row.site_id:
            select = getattr(self.ctx, "select_site", None)
            if callable(select) and select(row.site_id):
                return True
            self.ctx.runner.warn(self, self.tr("示范点“{name}”不在名册当前的筛选结果中，请先清除筛选。")
                                 .format(name=row.subject))
            return False
        if row.record_type == "campaigns":
            from bqw_desktop.gui.dialogs.campaign import CampaignDialog

            CampaignDialog(self.ctx.runner, self.ctx.office.code, parent=self).exec()
            return True
        return False

    def _changed(self, kinds: set[str]) -> None:
        if touches(kinds, *WATCHED):
            if self.isVisible():
                self.reload()
            else:
                self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            # After the window's first paint: on a province the list takes half a second.
            QTimer.singleShot(LOAD_DELAY_MS, self._reload_if_stale)

    def _reload_if_stale(self) -> None:
        if self._stale:
            self.reload()
