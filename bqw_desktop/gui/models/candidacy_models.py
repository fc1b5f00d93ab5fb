"""Table models of the candidacy screens: a site's candidacies, a candidacy's history, a
quota allocation's arithmetic. Each holds plain rows from the services, never ORM objects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from bqw_desktop.domain.lifecycle import Status
from bqw_desktop.domain.quota import Allocation, Usage
from bqw_desktop.domain.vocab import LEVEL_LABELS
from bqw_desktop.gui.models.roles import ALIGN, DISPLAY, EDIT, FONT, FOREGROUND, HORIZONTAL, RIGHT, TOOLTIP
from bqw_desktop.services.candidacies import CONFLICT, CandidacyRow, HistoryRow

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
RED = QBrush(QColor("#b3261e"))
GREY = QBrush(QColor("#7a7a7a"))
GREEN = QBrush(QColor("#1b7f3b"))

STEP_LABELS: dict[str, str] = {
    Status.APPLIED: "重新提交申报",
    Status.RECOMMENDED: "推荐",
    Status.APPROVED: "确定为{level}创建单位",
    Status.NOT_SELECTED: "作出未入选决定",
    Status.RETURNED: "退回修改",
    Status.CREATING: "启动创建",
    Status.PASSED: "认定考核达标",
    Status.FAILED: "认定考核未达标",
    Status.AWARDED: "授牌",
    Status.RETAINED: "认定复评合格",
    Status.ELIMINATED: "予以淘汰",
    Status.WITHDRAWN: "撤回申报",
}
"""What the button for a step says."""

PLACE_NOTES = {"fork": "冲突", "dangling": "冲突（上一步已撤销或未收到）", "reversed": "已撤销"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("CandidacyModels", text)


class _PlainTable(QAbstractTableModel):
    """A read-only table of plain rows with translated headers."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = tuple(_tr(h) for h in self.HEADERS)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self.rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role == DISPLAY and orientation == HORIZONTAL and 0 <= section < len(self.headers):
            return self.headers[section]
        return None


# --- a site's candidacies -----------------------------------------------------------------

C_LEVEL, C_STATUS, C_WAITING, C_APPLIED, C_REGISTRANT = range(5)


class CandidacyListModel(_PlainTable):
    """The candidacies of one site: level, status, whose turn."""

    HEADERS = ("级别", "状态", "待办", "申报日期", "登记单位")

    def __init__(self, office_names: Mapping[str, str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.office_names = dict(office_names or {})

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row: CandidacyRow = self.rows[index.row()]
        column = index.column()
        if role == ROW_ROLE:
            return row
        if role == DISPLAY:
            return (row.level_label, row.status_label, row.waiting,
                    row.applied_on.isoformat() if row.applied_on else "",
                    self.office_names.get(row.registrant, row.registrant))[column]
        if role == FOREGROUND and column == C_STATUS:
            if row.status == CONFLICT:
                return RED
            if row.status in (Status.AWARDED, Status.RETAINED):
                return GREEN
        return None

    def row_of(self, candidacy_id: str) -> int | None:
        for n, row in enumerate(self.rows):
            if row.id == candidacy_id:
                return n
        return None


# --- a candidacy's history ----------------------------------------------------------------

H_STEP, H_OFFICE, H_USER, H_DATE, H_REASON, H_NOTE = range(6)


class HistoryModel(_PlainTable):
    """A candidacy's steps in chain order; conflicts in red, undone steps struck through."""

    HEADERS = ("办理事项", "办理单位", "经办人", "日期", "理由或说明", "备注")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.level = ""
        self._struck = QFont()
        self._struck.setStrikeOut(True)

    def set_history(self, rows: Sequence[HistoryRow], *, level: str) -> None:
        """Show a candidacy's history; `level` words the steps ("确定为县级创建单位")."""
        self.level = level
        self.set_rows(rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row: HistoryRow = self.rows[index.row()]
        column = index.column()
        if role == ROW_ROLE:
            return row
        if role == DISPLAY:
            return self.text(row, column)
        if role == TOOLTIP and column == H_REASON and row.reason:
            return row.reason
        if role == FOREGROUND:
            if row.place in ("fork", "dangling"):
                return RED
            if row.place == "reversed":
                return GREY
        if role == FONT and row.place == "reversed":
            return self._struck
        return None

    def text(self, row: HistoryRow, column: int) -> str:
        if column == H_STEP:
            if row.transition_id is None:
                return _tr("申报")
            label = STEP_LABELS.get(row.to_status, row.status_label)
            return _tr(label).format(level=LEVEL_LABELS.get(self.level, self.level))
        if column == H_OFFICE:
            return row.office_name
        if column == H_USER:
            return row.user
        if column == H_DATE:
            return row.acted_on.isoformat() if row.acted_on else ""
        if column == H_REASON:
            return " ".join(row.reason.split())
        notes = [PLACE_NOTES[row.place]] if row.place in PLACE_NOTES else []
        if row.quota_override:
            notes.append(_tr("超额确定"))
        return "、".join(_tr(n) for n in notes)


# --- a quota allocation -------------------------------------------------------------------

(Q_NAME, Q_ORGS, Q_EXACT, Q_FLOOR, Q_REMAINDER, Q_SEATS, Q_USED, Q_NOTE) = range(8)


class AllocationModel(_PlainTable):
    """The allocation arithmetic per unit; organization counts are editable in place.

    `set_allocation(allocation, usage, missing)`: `usage` maps unit code → places used and
    allotted as saved (`domain.quota.Usage`); `missing` are codes with no count entered.
    Editing a count emits `count_edited(code, value)` through `on_count` (set by the dialog).
    """

    HEADERS = ("单位", "基层党组织数", "精确份额", "整数部分", "余数", "分配名额", "已用/名额", "调整说明")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.allocation: Allocation | None = None
        self.usage: Mapping[str, Usage] = {}
        self.missing: frozenset[str] = frozenset()
        self.notes: dict[str, str] = {}
        self.editable = True
        self.on_count: Any = None
        self._bold = QFont()
        self._bold.setBold(True)

    def set_allocation(self, allocation: Allocation | None, *, usage: Mapping[str, Usage] | None = None,
                       missing: Sequence[str] = ()) -> None:
        self.beginResetModel()
        self.allocation = allocation
        self.rows = list(allocation.shares) if allocation else []
        self.usage = dict(usage or {})
        self.missing = frozenset(missing)
        self.notes = {}
        if allocation:
            for adj in allocation.adjustments:
                note = f"原{adj.before}个，调为{adj.after}个：{adj.reason}"
                self.notes[adj.code] = f"{self.notes[adj.code]}；{note}" if adj.code in self.notes else note
        self.endResetModel()

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if self.editable and index.isValid() and index.column() == Q_ORGS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        share = self.rows[index.row()]
        column = index.column()
        if role == ROW_ROLE:
            return share
        if role == DISPLAY:
            return self.text(share, column)
        if role == EDIT and column == Q_ORGS:
            return share.organizations
        if role == ALIGN and column not in (Q_NAME, Q_NOTE):
            return RIGHT
        if role == FONT and column == Q_SEATS:
            return self._bold
        if role == FOREGROUND:
            if column == Q_ORGS and share.code in self.missing:
                return RED
            if column == Q_USED and self._over(share.code):
                return RED
            if column == Q_SEATS and share.code in self.notes:
                return RED
        if role == TOOLTIP:
            if column == Q_ORGS:
                return _tr("尚未录入基层党组织数，按0计算；双击录入。") if share.code in self.missing \
                    else _tr("双击修改基层党组织数")
            if column == Q_NOTE and share.code in self.notes:
                return self.notes[share.code]
            if column == Q_NAME:
                return share.code
        return None

    def text(self, share: Any, column: int) -> str:
        if column == Q_NAME:
            return share.name
        if column == Q_ORGS:
            return _tr("未录入") if share.code in self.missing else f"{share.organizations:,}"
        if column == Q_EXACT:
            return share.exact_text
        if column == Q_FLOOR:
            return str(share.floor)
        if column == Q_REMAINDER:
            return share.remainder_text
        if column == Q_SEATS:
            return str(share.seats)
        if column == Q_USED:
            usage = self.usage.get(share.code)
            if usage is None:
                return _tr("未保存")
            return f"{usage.used}/{usage.allotted}"
        return self.notes.get(share.code, "")

    def _over(self, code: str) -> bool:
        usage = self.usage.get(code)
        return usage is not None and usage.over

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = EDIT) -> bool:
        if role != EDIT or not index.isValid() or index.column() != Q_ORGS or self.on_count is None:
            return False
        share = self.rows[index.row()]
        return bool(self.on_count(share.code, value))

    def code_at(self, row: int) -> str:
        return self.rows[row].code


# --- places received and used -------------------------------------------------------------

U_NAME, U_USED, U_ALLOTTED, U_LEFT = range(4)


class UsageModel(_PlainTable):
    """Places used and allotted per unit (`services.quotas.QuotaLine`)."""

    HEADERS = ("单位", "已用", "名额", "剩余")
    WIDTHS = (220, 90, 90, 90)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        line = self.rows[index.row()]
        column = index.column()
        if role == ROW_ROLE:
            return line
        if role == DISPLAY:
            if column == U_NAME:
                return line.unit_name
            if column == U_USED:
                return str(line.used)
            if line.allotted is None:
                return _tr("未分配") if column == U_ALLOTTED else ""
            if column == U_ALLOTTED:
                return str(line.allotted)
            left = line.allotted - line.used
            return str(left) if left >= 0 else _tr("超出{n}").format(n=-left)
        if role == ALIGN and column != U_NAME:
            return RIGHT
        if role == FOREGROUND and column in (U_USED, U_LEFT) and line.allotted is not None \
                and line.used > line.allotted:
            return RED
        return None
