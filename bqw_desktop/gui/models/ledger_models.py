"""The creation ledger (创建台账) of one site as a two-level tree of plain rows.

The top level is the six kinds in the notice's order (`services.ledger.ledger_of`, empty
kinds included, so a clerk sees at once what is still missing); under each, its entries,
newest first. An entry's index carries its group's position + 1 as internal id, a group's
index carries 0, so no Python object is handed to Qt.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from bqw_desktop.domain.liaison import LedgerKind
from bqw_desktop.gui.models.roles import (
    ALIGN,
    CENTER,
    DISPLAY,
    FONT,
    FOREGROUND,
    HORIZONTAL,
    LEFT,
    RIGHT,
    TOOLTIP,
)
from bqw_desktop.gui.models.visit_models import GREY, day, first_line
from bqw_desktop.services.ledger import LedgerGroup, LedgerRow

ROW_ROLE = Qt.ItemDataRole.UserRole + 3
KIND_ROLE = Qt.ItemDataRole.UserRole + 4

COL_DATE, COL_SUBKIND, COL_TITLE, COL_DETAIL, COL_FILES = range(5)
HEADERS = ("日期", "类别", "标题 / 内容", "详情", "附件")
DEFAULT_WIDTHS = (116, 110, 300, 190, 48)
ALIGNS = (LEFT, LEFT, LEFT, LEFT, CENTER)


def money(amount: Decimal | None) -> str:
    """Yuan with thousands separators and two decimals: 12,500.00 元."""
    return "" if amount is None else f"{amount:,.2f} 元"


def group_text(group: LedgerGroup) -> str:
    """"经费支持（3 条，合计 12,500.00 元）" — or "（暂无）" for an empty kind."""
    if not group.entries:
        return f"{group.label}（暂无）"
    total = f"，合计 {money(group.total_yuan)}" if group.total_yuan is not None else ""
    return f"{group.label}（{len(group.entries)} 条{total}）"


def entry_title(row: LedgerRow) -> str:
    return row.title or first_line(row.body, 50)


def entry_detail(row: LedgerRow) -> str:
    """The field that matters most for the entry's kind, in one cell."""
    if row.kind == LedgerKind.FUNDING:
        return money(row.amount_yuan)
    if row.kind == LedgerKind.HONOUR:
        return row.honour_level_label
    if row.kind == LedgerKind.MEETING:
        return f"参会：{first_line(row.participants, 40)}" if row.participants else first_line(row.body, 40)
    if row.kind == LedgerKind.PUBLICITY:
        return row.outlet
    return first_line(row.body, 40) if row.title else ""


def entry_tooltip(row: LedgerRow) -> str:
    parts = [f"{row.kind_label}{'·' + row.subkind_label if row.subkind else ''}　{day(row.entry_date)}"]
    if row.title:
        parts.append(row.title)
    if row.amount_yuan is not None:
        parts.append(f"金额：{money(row.amount_yuan)}")
    if row.honour_level:
        parts.append(f"级别：{row.honour_level_label}")
    if row.outlet:
        parts.append(f"刊发媒体：{row.outlet}")
    if row.participants:
        parts.append(f"参会人员：{row.participants}")
    if row.body:
        parts.append(row.body if len(row.body) <= 400 else row.body[:400] + "…")
    return "\n".join(parts)


class LedgerTreeModel(QAbstractItemModel):
    """A site's ledger: kinds, each with its entries (see the module docstring)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.groups: list[LedgerGroup] = []
        self.headers = tuple(QCoreApplication.translate("LedgerTreeModel", h) for h in HEADERS)
        self._bold = QFont()
        self._bold.setBold(True)

    def set_groups(self, groups: list[LedgerGroup]) -> None:
        self.beginResetModel()
        self.groups = list(groups)
        self.endResetModel()

    # Lookups ----------------------------------------------------------------------------
    def entry_at(self, index: QModelIndex | QPersistentModelIndex) -> LedgerRow | None:
        """The entry of an index, or None for a group row."""
        if not index.isValid() or index.internalId() == 0:
            return None
        return self.groups[index.internalId() - 1].entries[index.row()]

    def kind_at(self, index: QModelIndex | QPersistentModelIndex) -> str | None:
        if not index.isValid():
            return None
        group = index.internalId() - 1 if index.internalId() else index.row()
        return self.groups[group].kind

    def index_of_entry(self, entry_id: str) -> QModelIndex:
        for g, group in enumerate(self.groups):
            for r, row in enumerate(group.entries):
                if row.id == entry_id:
                    return self.createIndex(r, 0, g + 1)
        return QModelIndex()

    def index_of_kind(self, kind: str) -> QModelIndex:
        for g, group in enumerate(self.groups):
            if group.kind == kind:
                return self.createIndex(g, 0, 0)
        return QModelIndex()

    def entries(self) -> list[LedgerRow]:
        return [row for group in self.groups for row in group.entries]

    # Qt structure -----------------------------------------------------------------------
    def index(self, row: int, column: int,
              parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: QModelIndex | QPersistentModelIndex) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self.groups[parent.row()].entries)
        return 0

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == HORIZONTAL and role == DISPLAY and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self._group_data(self.groups[index.row()], index.column(), role)
        row = self.groups[index.internalId() - 1].entries[index.row()]
        return self._entry_data(row, index.column(), role)

    def _group_data(self, group: LedgerGroup, column: int, role: int) -> Any:
        if role == DISPLAY:
            return group_text(group) if column == 0 else None
        if role == FONT:
            return self._bold
        if role == FOREGROUND and not group.entries:
            return GREY
        if role == KIND_ROLE:
            return group.kind
        return None

    def _entry_data(self, row: LedgerRow, column: int, role: int) -> Any:
        if role == DISPLAY:
            return self._entry_text(row, column)
        if role == ALIGN:
            return RIGHT if column == COL_DETAIL and row.kind == LedgerKind.FUNDING else ALIGNS[column]
        if role == TOOLTIP:
            return entry_tooltip(row)
        if role == ROW_ROLE:
            return row
        if role == KIND_ROLE:
            return row.kind
        return None

    @staticmethod
    def _entry_text(row: LedgerRow, column: int) -> str:
        if column == COL_DATE:
            return day(row.entry_date)
        if column == COL_SUBKIND:
            return row.subkind_label if row.subkind else row.kind_label
        if column == COL_TITLE:
            return entry_title(row)
        if column == COL_DETAIL:
            return entry_detail(row)
        return f"{row.attachments} 个" if row.attachments else ""
