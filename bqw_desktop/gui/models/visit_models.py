"""Table models of the liaison side: visits, rectification items, overdue lists, people.

Every model holds plain rows from the services (`VisitRow`, `RectificationRow`,
`OverdueSiteRow`, `PersonRow`, `AssignmentRow`, `LiaisonSiteRow`, `LiaisonSummaryRow`,
`AttachmentRow`) and describes its columns once as `Column`s: the header, the text shown,
the sort key and the alignment. `RowsModel` does the rest (display, tooltip, colour,
sorting in place, `ROW_ROLE` for the row itself), so a list of thousands of overdue items
costs one attribute lookup per visible cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from bqw_desktop.domain.liaison import RectificationStatus
from bqw_desktop.gui.models.roles import ALIGN, CENTER, DISPLAY, FOREGROUND, HORIZONTAL, LEFT, RIGHT, TOOLTIP
from bqw_desktop.services.people import AssignmentRow, LiaisonSiteRow, LiaisonSummaryRow
from bqw_desktop.services.visits import OverdueSiteRow, RectificationRow, VisitRow

# Role lookups through the enum cost microseconds each; data() runs per visible cell.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 3
ASCENDING = Qt.SortOrder.AscendingOrder

RED = QColor("#b00020")
GREEN = QColor("#2e7d32")
GREY = QColor("#757575")
ORANGE = QColor("#a15c00")
TOOLTIP_AFTER = 24  # longer cell texts get their full text as a tooltip


def day(value: date | None) -> str:
    """A date as clerks write it in tables (2024-05-03); empty when missing."""
    return value.isoformat() if value else ""


def first_line(text: str, limit: int = 60) -> str:
    """The first line of a long text, shortened for a table cell."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _none_last(value: Any) -> tuple[bool, Any]:
    return (value is None or value == "", value if value is not None else "")


@dataclass(frozen=True)
class Column:
    """One column: header, cell text, sort key (default: the text) and alignment."""

    header: str
    text: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None
    align: int = LEFT
    width: int = 110


class RowsModel(QAbstractTableModel):
    """A table of plain rows described by `COLUMNS`; subclasses may colour rows."""

    COLUMNS: tuple[Column, ...] = ()
    CONTEXT = "RowsModel"
    STRETCH: int | None = None  # the column that takes the spare width (None: the last)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self.headers = tuple(QCoreApplication.translate(self.CONTEXT, c.header) for c in self.COLUMNS)
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # Rows -------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Any]) -> None:
        """Replace every row; the last sort chosen by the user is kept."""
        self.beginResetModel()
        self._rows = list(rows)
        if self._sort is not None:
            self._order(*self._sort)
        self.endResetModel()

    @property
    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def row_of(self, key: Callable[[Any], bool]) -> int | None:
        """The position of the first row for which `key(row)` holds."""
        return next((n for n, r in enumerate(self._rows) if key(r)), None)

    # Qt ---------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == HORIZONTAL and role == DISPLAY and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == DISPLAY:
            return column.text(row)
        if role == ALIGN:
            return column.align
        if role == FOREGROUND:
            return self.foreground(row, index.column())
        if role == TOOLTIP:
            return self.tooltip(row, index.column())
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return self._key(column, row)
        return None

    def foreground(self, row: Any, column: int) -> QColor | None:
        """A colour for a cell (status, lateness); none by default."""
        return None

    def tooltip(self, row: Any, column: int) -> str | None:
        text = self.COLUMNS[column].text(row)
        return text if len(text) > TOOLTIP_AFTER else None

    # Sorting ----------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = ASCENDING) -> None:
        if not 0 <= column < len(self.COLUMNS):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._order(column, order)
        self.layoutChanged.emit()

    def _order(self, column: int, order: Qt.SortOrder) -> None:
        spec = self.COLUMNS[column]
        self._rows.sort(key=lambda r: _none_last(self._key(spec, r)), reverse=order != ASCENDING)

    @staticmethod
    def _key(column: Column, row: Any) -> Any:
        return column.sort(row) if column.sort else column.text(row)


# ---------------------------------------------------------------- visits and items


def rectification_summary(visit: VisitRow) -> str:
    """"3 项，1 项逾期" — how the visit's items stand, in a few characters."""
    items = visit.rectifications
    if not items:
        return "无"
    late = sum(1 for r in items if r.status == RectificationStatus.OVERDUE)
    open_ = sum(1 for r in items if r.status == RectificationStatus.OPEN)
    parts = [f"{len(items)} 项"]
    if late:
        parts.append(f"{late} 项逾期")
    if open_:
        parts.append(f"{open_} 项整改中")
    if not late and not open_:
        parts.append("均已销号")
    return "，".join(parts)


class VisitTableModel(RowsModel):
    """A site's visits, newest first as the service gives them."""

    CONTEXT = "VisitTableModel"
    STRETCH = 4
    COLUMNS = (
        Column("走访日期", lambda v: day(v.visit_date), lambda v: v.visit_date, CENTER, 86),
        Column("类型", lambda v: v.kind_label, width=64),
        Column("走访人员", lambda v: v.visitors, width=100),
        Column("整改事项", rectification_summary, width=130),
        Column("发现的问题", lambda v: first_line(v.problems) or "未发现问题", width=200),
    )
    COL_ITEMS, COL_PROBLEMS = 3, 4

    def __init__(self, office_code: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.office_code = office_code

    def foreground(self, row: VisitRow, column: int) -> QColor | None:
        if column == self.COL_ITEMS and any(r.status == RectificationStatus.OVERDUE for r in row.rectifications):
            return RED
        if column == self.COL_PROBLEMS and not row.problems.strip():
            return GREY
        return None

    def tooltip(self, row: VisitRow, column: int) -> str | None:
        if column == self.COL_PROBLEMS and row.problems.strip():
            return row.problems
        return super().tooltip(row, column)


def closing_text(item: RectificationRow, office_code: str) -> str:
    """"2024-05-03 销号：已整改到位…（市委组织部 430100）" for a closed item."""
    if not item.closings:
        return ""
    c = item.closings[0]
    by = "" if c.owner_office == office_code else f"（单位 {c.owner_office}）"
    return f"{day(c.closed_on)}：{first_line(c.evidence, 40)}{by}"


def status_text(item: RectificationRow) -> str:
    if item.status == RectificationStatus.OVERDUE:
        return f"{item.status_label} {item.days_overdue} 天"
    return item.status_label


STATUS_COLOURS: dict[str, QColor] = {RectificationStatus.OVERDUE: RED, RectificationStatus.CLOSED: GREEN,
                  RectificationStatus.OPEN: ORANGE}


class RectificationTableModel(RowsModel):
    """A visit's rectification items with their status and closing."""

    CONTEXT = "RectificationTableModel"
    COL_STATUS = 3

    def __init__(self, office_code: str, parent: QObject | None = None) -> None:
        self.office_code = office_code
        self.COLUMNS = (
            Column("整改事项", lambda r: r.description, width=200),
            Column("整改期限", lambda r: day(r.due_date), lambda r: r.due_date, CENTER, 90),
            Column("责任人", lambda r: r.responsible, width=80),
            Column("状态", status_text, lambda r: (r.status, -r.days_overdue), CENTER, 116),
            Column("销号情况", lambda r: closing_text(r, office_code), width=200),
        )
        super().__init__(parent)

    def foreground(self, row: RectificationRow, column: int) -> QColor | None:
        return STATUS_COLOURS.get(row.status) if column == self.COL_STATUS else None

    def tooltip(self, row: RectificationRow, column: int) -> str | None:
        if column == 4 and row.closings:
            c = row.closings[0]
            return f"{day(c.closed_on)} 由单位 {c.owner_office}（{c.closed_by}）销号\n{c.evidence}"
        return super().tooltip(row, column)


# ---------------------------------------------------------------- overdue lists


class OverdueVisitModel(RowsModel):
    """Sites not visited within the interval, most overdue first."""

    CONTEXT = "OverdueVisitModel"
    STRETCH = 0

    def __init__(self, region: Callable[[str], str], parent: QObject | None = None) -> None:
        """`region(code)` names a site's region as the register does."""
        self.COLUMNS = (
            Column("示范点", lambda r: r.site_name, width=240),
            Column("所属区划", lambda r: region(r.region_code), width=120),
            Column("上次走访", lambda r: day(r.last_visit) or "从未走访", lambda r: r.last_visit or date.min,
                   CENTER, 90),
            Column("应走访日期", lambda r: day(r.next_due) or "立即", lambda r: r.next_due or date.min,
                   CENTER, 90),
            Column("逾期天数", lambda r: "—" if r.days_overdue is None else str(r.days_overdue),
                   lambda r: 10**6 if r.days_overdue is None else r.days_overdue, RIGHT, 70),
            Column("联络员", lambda r: r.liaison or "未明确", width=140),
        )
        super().__init__(parent)

    def foreground(self, row: OverdueSiteRow, column: int) -> QColor | None:
        if column == 5 and not row.liaison:
            return RED
        if column == 2 and row.last_visit is None:
            return RED
        return None


class OverdueRectificationModel(RowsModel):
    """Open rectification items past their due date, oldest due first."""

    CONTEXT = "OverdueRectificationModel"
    STRETCH = 1
    COLUMNS = (
        Column("示范点", lambda r: r.site_name, width=220),
        Column("整改事项", lambda r: r.description, width=260),
        Column("整改期限", lambda r: day(r.due_date), lambda r: r.due_date, CENTER, 90),
        Column("逾期天数", lambda r: str(r.days_overdue), lambda r: r.days_overdue, RIGHT, 70),
        Column("责任人", lambda r: r.responsible, width=80),
        Column("发现于", lambda r: day(r.visit_date), lambda r: r.visit_date, CENTER, 90),
    )

    def foreground(self, row: RectificationRow, column: int) -> QColor | None:
        return RED if column == 3 else None


# ---------------------------------------------------------------- people


class PeopleModel(RowsModel):
    """The people register."""

    CONTEXT = "PeopleModel"
    STRETCH = 1
    COLUMNS = (
        Column("姓名", lambda p: p.name, width=80),
        Column("单位", lambda p: p.unit, width=180),
        Column("职务", lambda p: p.post, width=140),
        Column("联系电话", lambda p: p.phone, width=110),
        Column("现任职数", lambda p: str(p.current_sites), lambda p: p.current_sites, RIGHT, 70),
    )


class AssignmentModel(RowsModel):
    """A site's assignments: current ones first, then the history."""

    CONTEXT = "AssignmentModel"
    STRETCH = 2

    def __init__(self, office_code: str, parent: QObject | None = None) -> None:
        self.office_code = office_code
        self.COLUMNS = (
            Column("职责", lambda a: a.role_label, width=80),
            Column("姓名", lambda a: a.person_name, width=80),
            Column("单位及职务", lambda a: "　".join(x for x in (a.unit, a.post) if x), width=220),
            Column("联系电话", lambda a: a.phone, width=110),
            Column("起始日期", lambda a: day(a.start_date), lambda a: a.start_date, CENTER, 90),
            Column("结束日期", lambda a: day(a.end_date) or "至今", lambda a: a.end_date or date.max, CENTER, 90),
            Column("明确单位", lambda a: "本单位" if a.owner_office == office_code else a.owner_office, width=80),
        )
        super().__init__(parent)

    def foreground(self, row: AssignmentRow, column: int) -> QColor | None:
        return None if row.current else GREY


class LiaisonSummaryModel(RowsModel):
    """Current liaison officers with their site counts and overdue sites."""

    CONTEXT = "LiaisonSummaryModel"
    STRETCH = 1
    COLUMNS = (
        Column("联络员", lambda r: r.name, width=80),
        Column("单位", lambda r: r.unit, width=180),
        Column("联系电话", lambda r: r.phone, width=110),
        Column("联系示范点", lambda r: str(r.sites), lambda r: r.sites, RIGHT, 80),
        Column("逾期未走访", lambda r: str(r.overdue), lambda r: r.overdue, RIGHT, 80),
        Column("最近一次走访", lambda r: day(r.last_visit) or "无", lambda r: r.last_visit or date.min, CENTER, 100),
    )

    def foreground(self, row: LiaisonSummaryRow, column: int) -> QColor | None:
        return RED if column == 4 and row.overdue else None


class LiaisonSitesModel(RowsModel):
    """One person's sites with last visit, next due date and whether it is late."""

    CONTEXT = "LiaisonSitesModel"
    STRETCH = 0
    COLUMNS = (
        Column("示范点", lambda r: r.site_name, width=240),
        Column("职责", lambda r: r.role_label, width=80),
        Column("任职起始", lambda r: day(r.since), lambda r: r.since, CENTER, 90),
        Column("上次走访", lambda r: day(r.last_visit) or "从未走访", lambda r: r.last_visit or date.min,
               CENTER, 90),
        Column("下次应走访", lambda r: day(r.next_due) or "立即", lambda r: r.next_due or date.min, CENTER, 90),
        Column("是否逾期", lambda r: _late_text(r), lambda r: (r.overdue, r.days_overdue or 0), CENTER, 90),
    )

    def foreground(self, row: LiaisonSiteRow, column: int) -> QColor | None:
        return RED if column == 5 and row.overdue else None


def _late_text(row: LiaisonSiteRow) -> str:
    if not row.overdue:
        return "否"
    return f"逾期 {row.days_overdue} 天" if row.days_overdue else "逾期"


# ---------------------------------------------------------------- attachments


@dataclass(frozen=True, slots=True)
class AttachmentRow:
    """A live attachment link as the window shows it."""

    id: str
    filename: str
    caption: str
    size: int
    added: datetime | None
    owner_office: str


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1048576:.1f} MB"


class AttachmentModel(RowsModel):
    """The files linked to one record."""

    CONTEXT = "AttachmentModel"
    STRETCH = 0
    COLUMNS = (
        Column("文件", lambda a: a.filename, width=180),
        Column("大小", lambda a: size_text(a.size), lambda a: a.size, RIGHT, 64),
    )
