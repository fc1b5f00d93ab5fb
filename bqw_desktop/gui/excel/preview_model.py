"""The import preview as a table: one line per sheet row, what importing it would do."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from bqw_desktop.gui.models.roles import ALIGN, BACKGROUND, DISPLAY, TOOLTIP
from bqw_desktop.services.excel_import import ERROR, NEW, QUESTION, UPDATED, ImportRow

COL_STATUS, COL_SHEET, COL_ROW, COL_NAME, COL_DETAIL = range(5)
HEADERS = ("结果", "工作表", "行", "名称", "说明")
STATUS_ROLE = Qt.ItemDataRole.UserRole + 1
COLOURS = {ERROR: QColor("#fde2e1"), QUESTION: QColor("#fff3c4"), NEW: QColor("#e3f4e1"),
           UPDATED: QColor("#e1ecfb")}
_BRUSHES = {key: QBrush(colour) for key, colour in COLOURS.items()}


class PreviewModel(QAbstractTableModel):
    """Rows of an `ImportPreview` (plain `ImportRow`s), errors and questions first."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ImportRow] = []

    def set_rows(self, rows: Sequence[ImportRow]) -> None:
        order = {ERROR: 0, QUESTION: 1, NEW: 2, UPDATED: 3}
        self.beginResetModel()
        self._rows = sorted(rows, key=lambda r: (order.get(r.status, 4), r.source.sheet, r.source.row))
        self.endResetModel()

    def row_at(self, row: int) -> ImportRow:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role == DISPLAY and orientation == Qt.Orientation.Horizontal:
            return self.tr(HEADERS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == DISPLAY or (role == TOOLTIP and column == COL_DETAIL):
            return self.text(row, column)
        if role == BACKGROUND:
            return _BRUSHES.get(row.status)
        if role == STATUS_ROLE:
            return row.status
        if role == ALIGN and column == COL_ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def text(row: ImportRow, column: int) -> str:
        if column == COL_STATUS:
            return row.status_label
        if column == COL_SHEET:
            return row.source.sheet
        if column == COL_ROW:
            return str(row.source.row)
        if column == COL_NAME:
            return row.name
        return row.description
