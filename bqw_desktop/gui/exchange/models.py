"""Table models of the 数据交换 windows, over plain rows from `services.exchange`.

Each model holds a list of plain rows (dataclasses) and turns them into text per column;
`ROW_ROLE` gives the row object back, `SORT_ROLE` a value to sort by.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from bqw_desktop.exchange.report import OUTCOME_LABELS, OUTCOMES, ImportReport
from bqw_desktop.exchange.rows import RECORD_TYPES, TYPE_LABELS
from bqw_desktop.gui.exchange.common import local_time, office_label, tier_label
from bqw_desktop.gui.models.roles import ALIGN, BACKGROUND, DISPLAY, FONT, RIGHT, TOOLTIP
from bqw_desktop.services.exchange import ConflictRow, DuplicateRow, HistoryRow, KnownOffice, ReportRow

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
CENTRE = int(Qt.AlignmentFlag.AlignCenter)

GREEN, BLUE, RED, YELLOW, GREY = (QBrush(QColor(c)) for c in ("#e3f4e1", "#e1ecfb", "#fde2e1", "#fff3c4",
                                                                "#eeeeee"))


class RowsModel(QAbstractTableModel):
    """A read-only table of plain rows; subclasses say the headers and the text of a cell."""

    HEADERS: tuple[str, ...] = ()
    NUMERIC: frozenset[int] = frozenset()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role == DISPLAY and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == DISPLAY:
            return self.text(row, column)
        if role == TOOLTIP:
            return self.tooltip(row, column)
        if role == ROW_ROLE:
            return row
        if role == BACKGROUND:
            return self.background(row, column)
        if role == FONT:
            return self.font(row, column)
        if role == ALIGN and column in self.NUMERIC:
            return RIGHT
        return None

    def text(self, row: Any, column: int) -> str:
        raise NotImplementedError

    def tooltip(self, row: Any, column: int) -> str | None:
        return None

    def background(self, row: Any, column: int) -> QBrush | None:
        return None

    def font(self, row: Any, column: int) -> QFont | None:
        return None


# Import report: one line per record type ----------------------------------------------------
COL_TYPE = 0
OUTCOME_COLUMNS = {outcome: i + 1 for i, outcome in enumerate(OUTCOMES)}
OUTCOME_BRUSHES = {"created": GREEN, "updated": BLUE, "conflict": YELLOW, "refused": RED}


class OutcomeModel(RowsModel):
    """Counts per record type and outcome (新增/更新/无变化/冲突/拒收), a total line last.

    Rows are `(record_type, counts)`; the total line's type is "".
    """

    HEADERS = ("记录类型", *(OUTCOME_LABELS[o] for o in OUTCOMES))
    NUMERIC = frozenset(OUTCOME_COLUMNS.values())

    def set_report(self, report: ImportReport | None) -> None:
        if report is None:
            self.set_rows([])
            return
        order = {t: i for i, t in enumerate(RECORD_TYPES)}
        rows = sorted(report.counts.items(), key=lambda item: order.get(item[0], len(order)))
        total = {o: report.total(o) for o in OUTCOMES}
        self.set_rows([*rows, ("", total)] if rows else [])

    def count(self, record_type: str, outcome: str) -> int:
        for kind, counts in self._rows:
            if kind == record_type:
                return int(counts.get(outcome, 0))
        return 0

    def text(self, row: tuple[str, dict[str, int]], column: int) -> str:
        kind, counts = row
        if column == COL_TYPE:
            return TYPE_LABELS.get(kind, kind) if kind else self.tr("合计")
        outcome = OUTCOMES[column - 1]
        value = counts.get(outcome, 0)
        return str(value) if value else "–"

    def background(self, row: tuple[str, dict[str, int]], column: int) -> QBrush | None:
        if column == COL_TYPE:
            return GREY if not row[0] else None
        outcome = OUTCOMES[column - 1]
        return OUTCOME_BRUSHES.get(outcome) if row[1].get(outcome) else None

    def font(self, row: tuple[str, dict[str, int]], column: int) -> QFont | None:
        if not row[0]:
            bold = QFont()
            bold.setBold(True)
            return bold
        return None


# Package history ------------------------------------------------------------------------------
class HistoryModel(RowsModel):
    """Packages sent and received (`HistoryRow`), newest first."""

    HEADERS = ("方向", "发送单位", "接收单位", "编号", "记录数", "附件数", "时间", "经办人", "文件名")
    NUMERIC = frozenset({3, 4, 5})

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.names: dict[str, str] = {}

    def text(self, row: HistoryRow, column: int) -> str:
        if column == 0:
            return self.tr("发出") if row.direction == "sent" else self.tr("收到")
        if column in (1, 2):
            return office_label(row.sender_code if column == 1 else row.recipient_code, self.names)
        return (f"第 {row.sequence} 号", str(row.record_count), str(row.attachment_count), local_time(row.at),
                row.actor, row.file_name)[column - 3]

    def tooltip(self, row: HistoryRow, column: int) -> str | None:
        parts = [f"{TYPE_LABELS.get(t, t)} {n} 条" for t, n in row.counts.items() if n]
        return "，".join(parts) or None

    def background(self, row: HistoryRow, column: int) -> QBrush | None:
        return (GREEN if row.direction == "received" else BLUE) if column == 0 else None


class ReportListModel(RowsModel):
    """Stored import reports (`ReportRow`), newest first."""

    HEADERS = ("导入时间", "发来单位", "编号", "经办人", "文件名")
    NUMERIC = frozenset({2})

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.names: dict[str, str] = {}

    def text(self, row: ReportRow, column: int) -> str:
        return (local_time(row.at), office_label(row.sender_code, self.names), f"第 {row.sequence} 号",
                row.actor, row.file_name)[column]


# Conflicts and duplicates ---------------------------------------------------------------------
KIND_LABELS = {"version": "版本冲突", "fork": "申报分叉"}
RESOLUTION_LABELS = {"local": "已保留本机", "incoming": "已采用来件", "acknowledge": "已知悉", "": "待处理"}


class ConflictModel(RowsModel):
    """Conflicts (`ConflictRow`), open ones on a yellow ground."""

    HEADERS = ("类型", "示范点", "记录", "所属单位", "来自", "发现时间", "状态")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.names: dict[str, str] = {}

    def text(self, row: ConflictRow, column: int) -> str:
        if column == 0:
            return self.tr(KIND_LABELS.get(row.kind, row.kind))
        if column == 1:
            return row.site_name
        if column == 2:
            return f"{TYPE_LABELS.get(row.record_type, row.record_type)} {row.record_id[:8]}"
        if column == 3:
            return office_label(row.owner_office, self.names)
        if column == 4:
            return office_label(row.sender_code, self.names)
        if column == 5:
            return local_time(row.detected_at)
        return self.tr(RESOLUTION_LABELS.get(row.resolution if row.status != "open" else "", "已处理"))

    def tooltip(self, row: ConflictRow, column: int) -> str | None:
        return row.description

    def background(self, row: ConflictRow, column: int) -> QBrush | None:
        return YELLOW if row.status == "open" and column == 6 else None


DUPLICATE_STATUS = {"open": "待处理", "merged": "已合并", "kept": "保留两个"}


class DuplicateModel(RowsModel):
    """Probable duplicates (`DuplicateRow`)."""

    HEADERS = ("示范点名称", "所属行政区划", "状态")

    def __init__(self, parent: Any = None, *, region_name: Callable[[str], str] = str) -> None:
        super().__init__(parent)
        self.region_name = region_name

    def text(self, row: DuplicateRow, column: int) -> str:
        return (row.name, self.region_name(row.region_code),
                self.tr(DUPLICATE_STATUS.get(row.status, row.status)))[column]

    def background(self, row: DuplicateRow, column: int) -> QBrush | None:
        return YELLOW if row.status == "open" and column == 2 else None


class CompareModel(RowsModel):
    """Two or more versions of one record side by side: rows `(label, values, differs)`."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.HEADERS = ("项目",)

    def set_sides(self, headers: Sequence[str], rows: Sequence[tuple[str, Sequence[str], bool]]) -> None:
        self.beginResetModel()
        self.HEADERS = ("项目", *headers)
        self._rows = list(rows)
        self.endResetModel()

    def text(self, row: tuple[str, Sequence[str], bool], column: int) -> str:
        label, values, _differs = row
        return label if column == 0 else values[column - 1]

    def tooltip(self, row: tuple[str, Sequence[str], bool], column: int) -> str | None:
        return self.text(row, column) or None

    def background(self, row: tuple[str, Sequence[str], bool], column: int) -> QBrush | None:
        return YELLOW if row[2] else None

    def font(self, row: tuple[str, Sequence[str], bool], column: int) -> QFont | None:
        if row[2]:
            bold = QFont()
            bold.setBold(True)
            return bold
        return None


# Offices and keys ------------------------------------------------------------------------------
TRUST_LABELS = {"self": "本单位", "direct": "直接登记（电话核对指纹）", "vouched": "由相邻单位担保", "none": "未知"}


class OfficeModel(RowsModel):
    """Offices whose keys are known here (`KnownOffice`)."""

    HEADERS = ("单位", "代码", "层级", "密钥指纹", "密钥来源", "更换次数")
    NUMERIC = frozenset({5})

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.names: dict[str, str] = {}

    def text(self, row: KnownOffice, column: int) -> str:
        if column == 4:
            trust = self.tr(TRUST_LABELS.get(row.trust, row.trust))
            if row.trust == "vouched" and row.voucher_code:
                trust = self.tr("由 {office} 担保").format(office=office_label(row.voucher_code, self.names))
            return trust
        return (row.name, row.code, tier_label(row.tier), row.fingerprint, "", str(row.rotation))[column]

    def background(self, row: KnownOffice, column: int) -> QBrush | None:
        return GREY if row.trust == "self" else None
