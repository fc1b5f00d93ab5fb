"""The site register as a table model: plain `SiteRow`s, filtered by a search index.

Filtering never scans through Qt: the rows' stored search keys (name, region and
secretary with their pinyin and initials) go into a `SearchIndex`, a query becomes a list
of row positions, the combo filters narrow that list, the current sort orders it, and the
model is reset once. Sorting uses per-column ranks computed once per load.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from bqw_desktop.domain.divisions import Divisions, load_divisions
from bqw_desktop.domain.lifecycle import STATUS_LABELS
from bqw_desktop.domain.search_keys import SEPARATOR, SearchIndex
from bqw_desktop.domain.vocab import (
    INSTITUTION_KIND_LABELS,
    LEVEL_LABELS,
    LEVEL_ORDER,
    ORG_TYPE_LABELS,
    OrgType,
    Tier,
    org_type_label,
)
from bqw_desktop.gui.models.roles import ALIGN, CENTER, DISPLAY, HORIZONTAL, TOOLTIP
from bqw_desktop.services.offices import OfficeInfo, default_office_name
from bqw_desktop.services.sites import SiteRow

(COL_NAME, COL_TYPE, COL_REGION, COL_SECRETARY, COL_MEMBERS, COL_LEVEL, COL_STATUS,
 COL_PROGRESS, COL_OWNER) = range(9)
HEADERS = ("名称", "党组织类型", "所属区划", "书记", "党员数", "级别", "状态", "目标进度", "登记单位")
DEFAULT_WIDTHS = (260, 190, 150, 80, 60, 60, 120, 80, 140)

# Role lookups through the enum cost microseconds each; data() runs per visible cell.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
ROW_ROLE = Qt.ItemDataRole.UserRole + 3
ASCENDING = Qt.SortOrder.AscendingOrder

# Filter value meaning "no candidacy at all" for the level and status filters.
NONE = "none"
NO_BID = "未申报"
STATUS_ORDER = {key: n for n, key in enumerate(STATUS_LABELS)}
TYPE_ORDER = {key: n for n, key in enumerate(ORG_TYPE_LABELS)}


@dataclass(frozen=True)
class Filters:
    """What the register shows: a query and optional combo choices (None = all)."""

    query: str = ""
    region: str | None = None  # a division code: that unit and everything under it
    org_type: str | None = None
    level: str | None = None  # a Level key, or NONE for sites with no candidacy
    status: str | None = None  # a Status key, or NONE


def region_label(code: str, office: OfficeInfo, divisions: Divisions) -> str:
    """The region named below the office's own level: "长沙县", or "长沙市·长沙县" for the province."""
    if code not in divisions:
        return code
    root = office.parent_code if office.tier == Tier.SYSTEM else office.code
    names = [d.name for d in divisions.path(code)]
    codes = [d.code for d in divisions.path(code)]
    if root in codes:
        below = names[codes.index(root) + 1:]
        if below:
            return "·".join(below)
    return names[-1]


class SiteTableModel(QAbstractTableModel):
    """The register's visible rows over all loaded rows; see the module docstring."""

    def __init__(self, office: OfficeInfo, *, divisions: Divisions | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.office = office
        self.divisions = divisions or load_divisions()
        self.headers = tuple(QCoreApplication.translate("SiteTableModel", h) for h in HEADERS)
        self._rows: list[SiteRow] = []
        self._visible: list[int] = []
        self._index = SearchIndex([])
        self._filters = Filters()
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._ranks: dict[int, list[int]] = {}
        self._labels: dict[tuple[int, str], str] = {}
        self._region_sets: dict[str, frozenset[str]] = {}

    def set_divisions(self, divisions: Divisions) -> None:
        """Use a new division tree (units added or renamed); the caller reloads the rows."""
        self.divisions = divisions
        self._labels.clear()  # made from the old tree's names
        self._region_sets.clear()

    # Loading and filtering --------------------------------------------------------------
    def set_rows(self, rows: Sequence[SiteRow]) -> None:
        """Replace all rows (after a load or a reload); filters and sort stay as they were."""
        self._rows = list(rows)
        self._index = SearchIndex([r.search_key for r in self._rows])
        self._ranks.clear()
        self._apply()

    def set_filters(self, filters: Filters) -> None:
        self._filters = filters
        self._apply()

    def set_query(self, query: str) -> None:
        self.set_filters(replace(self._filters, query=query))

    @property
    def filters(self) -> Filters:
        return self._filters

    def total(self) -> int:
        """How many sites are loaded, shown or not."""
        return len(self._rows)

    def _apply(self) -> None:
        self.beginResetModel()
        self._visible = self._matching()
        if self._sort is not None:
            self._order(self._visible)
        self.endResetModel()

    def _matching(self) -> list[int]:
        f = self._filters
        positions = self._index.filter(f.query) if f.query.strip() else list(range(len(self._rows)))
        tests = self._tests(f)
        if not tests:
            return positions
        rows = self._rows
        return [i for i in positions if all(test(rows[i]) for test in tests)]

    def _tests(self, f: Filters) -> list[Callable[[SiteRow], bool]]:
        tests: list[Callable[[SiteRow], bool]] = []
        if f.region:
            codes = self._region_set(f.region)
            tests.append(lambda r: r.region_code in codes)
        if f.org_type:
            tests.append(lambda r: r.org_type == f.org_type)
        if f.level:
            wanted = None if f.level == NONE else f.level
            tests.append(lambda r: r.level == wanted)
        if f.status:
            wanted_status = None if f.status == NONE else f.status
            tests.append(lambda r: r.status == wanted_status)
        return tests

    def _region_set(self, code: str) -> frozenset[str]:
        if code not in self._region_sets:
            subtree = self.divisions.subtree(code) if code in self.divisions else [code]
            self._region_sets[code] = frozenset(subtree)
        return self._region_sets[code]

    # Sorting ----------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = ASCENDING) -> None:
        if not 0 <= column < len(HEADERS):
            return
        self._sort = (column, order)
        self.beginResetModel()
        self._order(self._visible)
        self.endResetModel()

    def _order(self, positions: list[int]) -> None:
        column, order = self._sort  # type: ignore[misc]
        rank = self._rank(column)
        positions.sort(key=rank.__getitem__, reverse=order != ASCENDING)

    def _rank(self, column: int) -> list[int]:
        if column not in self._ranks:
            keys = [self.sort_key(row, column) for row in self._rows]
            ordered = sorted(range(len(keys)), key=keys.__getitem__)
            rank = [0] * len(keys)
            for n, pos in enumerate(ordered):
                rank[pos] = n
            self._ranks[column] = rank
        return self._ranks[column]

    def sort_key(self, row: SiteRow, column: int) -> Any:
        """What a column sorts by: pinyin for names, vocabulary order for keys, numbers as numbers."""
        if column == COL_NAME:
            return _pinyin_of(row)
        if column == COL_TYPE:
            return (TYPE_ORDER.get(row.org_type, 99), row.org_kind or "")
        if column == COL_REGION:
            return row.region_code
        if column == COL_SECRETARY:
            return row.secretary
        if column == COL_MEMBERS:
            return -1 if row.member_count is None else row.member_count
        if column == COL_LEVEL:
            return LEVEL_ORDER.get(row.level or "", 0)
        if column == COL_STATUS:
            return STATUS_ORDER.get(row.status or "", -1)
        if column == COL_PROGRESS:
            return row.ticks_met / row.ticks_total if row.ticks_total else -1.0
        return row.owner_office

    # Qt model interface -----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role == DISPLAY and orientation == HORIZONTAL and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self._rows[self._visible[index.row()]]
        column = index.column()
        if role == DISPLAY:
            return self.text(row, column)
        if role == SORT_ROLE:
            return self.sort_key(row, column)
        if role == ID_ROLE:
            return row.id
        if role == ROW_ROLE:
            return row
        if role == ALIGN and column in (COL_MEMBERS, COL_LEVEL, COL_PROGRESS):
            return CENTER
        if role == TOOLTIP and column == COL_TYPE:
            return org_type_label(row.org_type, row.org_kind)
        if role == TOOLTIP and column in (COL_NAME, COL_REGION):
            code = row.region_code
            return self.divisions.full_name(code) if code in self.divisions else code
        return None

    def text(self, row: SiteRow, column: int) -> str:
        """The text a column shows for a row."""
        if column == COL_NAME:
            return row.name
        if column == COL_TYPE:
            return self._label(COL_TYPE, f"{row.org_type}/{row.org_kind or ''}",
                               lambda: short_type_label(row.org_type, row.org_kind))
        if column == COL_REGION:
            return self._label(COL_REGION, row.region_code,
                               lambda: region_label(row.region_code, self.office, self.divisions))
        if column == COL_SECRETARY:
            return row.secretary
        if column == COL_MEMBERS:
            return "" if row.member_count is None else str(row.member_count)
        if column == COL_LEVEL:
            return LEVEL_LABELS.get(row.level, "—") if row.level else "—"
        if column == COL_STATUS:
            return STATUS_LABELS.get(row.status, row.status) if row.status else NO_BID
        if column == COL_PROGRESS:
            return f"{row.ticks_met}/{row.ticks_total}" if row.ticks_total else "—"
        return self._label(COL_OWNER, row.owner_office, lambda: self.office_label(row.owner_office))

    def office_label(self, code: str) -> str:
        """This office by its name; others by the default name of their division."""
        if code == self.office.code:
            return self.office.name
        division = self.divisions.get(code)
        return default_office_name("", division.name) if division else code

    def _label(self, column: int, key: str, make: Callable[[], str]) -> str:
        cache_key = (column, key)
        text = self._labels.get(cache_key)
        if text is None:
            text = self._labels[cache_key] = make()
        return text

    # Lookups for the window -------------------------------------------------------------
    def row_at(self, row: int) -> SiteRow:
        return self._rows[self._visible[row]]

    def site_id_at(self, row: int) -> str:
        return self._rows[self._visible[row]].id

    def row_of(self, site_id: str) -> int | None:
        """The visible row showing `site_id`, or None when it is filtered out or unknown."""
        for n, pos in enumerate(self._visible):
            if self._rows[pos].id == site_id:
                return n
        return None


def short_type_label(org_type: str, kind: str | None) -> str:
    """The type as the register's column shows it: 事业单位 with its kind, the notice's label otherwise.

    The notice's full label for institutions (文化、卫生、体育等事业单位党组织) does not fit
    a column; the tooltip gives it in full.
    """
    if org_type == OrgType.INSTITUTION:
        return f"事业单位党组织（{INSTITUTION_KIND_LABELS[kind]}）" if kind in INSTITUTION_KIND_LABELS else "事业单位党组织"
    return org_type_label(org_type, kind)


def _pinyin_of(row: SiteRow) -> str:
    """The name's full pinyin, taken from the stored key (its second part), for sorting."""
    parts = row.search_key.split(SEPARATOR, 2)
    if len(parts) > 1 and not row.name.isascii():
        return parts[1]
    return parts[0] or row.name.lower()
