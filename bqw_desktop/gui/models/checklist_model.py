"""The 创建目标 checklist as a two-level tree model over a `ChecklistView` (plain data).

Top rows are the headings (目标一…四, 五个好, 五带头 and, when there are any, the kept ticks
of a former type or catalogue); their children are the items. A heading row carries its
progress (`PROGRESS_ROLE`: percent met) for a bar delegate; an item row carries its
`ItemView` (or `OrphanView`) in `ITEM_ROLE`. Nothing here reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from bqw_desktop.domain.ratings import RATING_LABELS, Rating
from bqw_desktop.domain.vocab import LEVEL_LABELS
from bqw_desktop.gui.models.roles import ALIGN, DISPLAY, FONT, FOREGROUND, TOOLTIP
from bqw_desktop.services.checklists import ChecklistView, ItemView, OrphanView, Progress, VerdictInfo

COL_TEXT, COL_RATING, COL_NOTE, COL_FILES, COL_BY, COL_VERDICT = range(6)
HEADERS = ("目标与条目", "自评", "佐证说明", "附件", "填写人", "考核评定（上级）")
DEFAULT_WIDTHS = (380, 110, 200, 40, 64, 130)
ORPHAN_HEADING = "原类型/旧版目录的评定（保留）"

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 2
ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 3
KIND_ROLE = Qt.ItemDataRole.UserRole + 4

HEADING, ITEM, ORPHAN = "heading", "item", "orphan"
RATING_COLOURS: dict[str, QColor] = {Rating.MET: QColor("#1b7f3b"), Rating.BASIC: QColor("#9a6b00"),
                  Rating.UNMET: QColor("#b3261e"), Rating.NONE: QColor("#777777")}
GREY = QBrush(QColor("#6b6b6b"))
_NO_PARENT = 0  # internal id of a heading; an item's is its heading's position + 1


@dataclass(frozen=True, slots=True)
class Heading:
    """A top row: a goal, a general section or the orphaned ticks."""

    label: str
    note: str
    progress: Progress | None
    rows: tuple[ItemView | OrphanView, ...]


def note_text(note: str, when: Any) -> str:
    """The evidence note as the column shows it: date first, one line."""
    head = f"{when:%Y-%m-%d} " if when else ""
    return (head + " ".join(note.split())).strip()


def verdict_text(verdicts: tuple[VerdictInfo, ...]) -> str:
    """Verdicts as the column shows them, by level ("县级：达标"); the tooltip names the office."""
    return "；".join(f"{LEVEL_LABELS.get(v.level, v.level)}：{v.rating_label}" for v in verdicts)


class ChecklistModel(QAbstractItemModel):
    """Headings with their items; an item's internal id is its heading's position + 1 (0: a heading)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = tuple(QCoreApplication.translate("ChecklistModel", h) for h in HEADERS)
        self.view: ChecklistView | None = None
        self.headings: list[Heading] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_view(self, view: ChecklistView | None) -> None:
        """Show a site's checklist (None: nothing)."""
        self.beginResetModel()
        self.view = view
        self.headings = []
        if view is not None:
            for goal in view.goals:
                # a general section says whom it concerns: "五个好（党组织）", "五带头（党员）"
                whom = goal.note.split("；")[0] if goal.note else ""
                label = f"{goal.label}（{whom}）" if whom else goal.label
                self.headings.append(Heading(label, goal.note, goal.progress, goal.items))
            if view.orphans:
                self.headings.append(Heading(
                    QCoreApplication.translate("ChecklistModel", ORPHAN_HEADING), view.orphan_note, None,
                    view.orphans))
        self.endResetModel()

    # Lookups ----------------------------------------------------------------------------
    def index_of_item(self, item_id: str) -> QModelIndex:
        """The index (column 0) of an item row, or an invalid index."""
        for h, heading in enumerate(self.headings):
            for r, row in enumerate(heading.rows):
                if _item_id(row) == item_id:
                    return self.createIndex(r, 0, h + 1)
        return QModelIndex()

    def item_count(self) -> int:
        return sum(len(h.rows) for h in self.headings)

    # Qt model interface -----------------------------------------------------------------
    def index(self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _NO_PARENT)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        heading = index.internalId()
        if heading == _NO_PARENT:
            return QModelIndex()
        return self.createIndex(heading - 1, 0, _NO_PARENT)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self.headings)
        if parent.internalId() == _NO_PARENT and parent.column() == 0:
            return len(self.headings[parent.row()].rows)
        return 0

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role == DISPLAY and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.kind(index) == ITEM and index.column() == COL_RATING:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def kind(self, index: QModelIndex | QPersistentModelIndex) -> str:
        if index.internalId() == _NO_PARENT:
            return HEADING
        return ORPHAN if isinstance(self._row(index), OrphanView) else ITEM

    def _row(self, index: QModelIndex | QPersistentModelIndex) -> ItemView | OrphanView:
        return self.headings[index.internalId() - 1].rows[index.row()]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _NO_PARENT:
            return self._heading_data(self.headings[index.row()], index.column(), role)
        return self._item_data(self._row(index), index.column(), role)

    def _heading_data(self, heading: Heading, column: int, role: int) -> Any:
        if role == KIND_ROLE:
            return HEADING
        if role == FONT and column == COL_TEXT:
            return self._bold
        if column == COL_TEXT and role == DISPLAY:
            return heading.label
        if column == COL_TEXT and role == TOOLTIP and heading.note:
            return heading.note
        if column == COL_RATING and heading.progress is not None:
            if role == DISPLAY:
                return f"{heading.progress.met}/{heading.progress.total} 达标"
            if role == PROGRESS_ROLE:
                return heading.progress.percent_met
            if role == TOOLTIP:
                return heading.progress.text
        if column == COL_NOTE and heading.progress is None and role == DISPLAY:
            return QCoreApplication.translate("ChecklistModel", "不计入当前进度")
        return None

    def _item_data(self, row: ItemView | OrphanView, column: int, role: int) -> Any:
        if role == ITEM_ROLE:
            return row
        if role == ITEM_ID_ROLE:
            return _item_id(row)
        if role == KIND_ROLE:
            return ORPHAN if isinstance(row, OrphanView) else ITEM
        tick = row.tick
        rating = tick.rating if tick else Rating.NONE
        if role == DISPLAY:
            return self._item_text(row, column, rating)
        if role == TOOLTIP:
            return self._item_tip(row, column)
        if role == FOREGROUND:
            if column == COL_RATING:
                return QBrush(RATING_COLOURS.get(rating, RATING_COLOURS[Rating.NONE]))
            if isinstance(row, OrphanView):
                return GREY
        if role == ALIGN and column == COL_FILES:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _item_text(self, row: ItemView | OrphanView, column: int, rating: str) -> str:
        tick = row.tick
        if column == COL_TEXT:
            if isinstance(row, OrphanView):
                return f"{row.text}（{row.origin}）"
            return f"{row.index}. {row.text}"
        if column == COL_RATING:
            return RATING_LABELS.get(rating, rating)
        if column == COL_NOTE:
            return note_text(tick.note, tick.note_date) if tick else ""
        if column == COL_FILES:
            return str(tick.attachments) if tick and tick.attachments else ""
        if column == COL_BY:
            return tick.recorded_by if tick else ""
        if column == COL_VERDICT and isinstance(row, ItemView):
            return verdict_text(row.verdicts)
        return ""

    def _item_tip(self, row: ItemView | OrphanView, column: int) -> str | None:
        if column == COL_TEXT:
            source = row.source if isinstance(row, ItemView) and not row.from_notice else ""
            return row.text + (f"\n（{source}）" if source else "")
        if column == COL_NOTE and row.tick and row.tick.note:
            return row.tick.note
        if column == COL_VERDICT and isinstance(row, ItemView) and row.verdicts:
            return "\n".join(v.text + (f"：{v.note}" if v.note else "") for v in row.verdicts)
        return None


def _item_id(row: ItemView | OrphanView) -> str:
    return row.item_id if isinstance(row, OrphanView) else row.id
