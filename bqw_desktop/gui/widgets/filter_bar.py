"""The register's filter bar: a search box and combos for region, type, level and status.

Every change emits `filters_changed(Filters)` at once: filtering goes through the model's
search index, which is fast enough to follow each keystroke.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from bqw_desktop.domain.divisions import Divisions
from bqw_desktop.domain.lifecycle import STATUS_LABELS
from bqw_desktop.domain.vocab import LEVEL_LABELS, ORG_TYPE_LABELS, Tier
from bqw_desktop.gui.models.site_table import NO_BID, NONE, Filters
from bqw_desktop.services.offices import OfficeInfo


class FilterBar(QWidget):
    """Search box and filter combos; `filters()` is what they say now."""

    filters_changed = Signal(object)

    def __init__(self, office: OfficeInfo, divisions: Divisions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setObjectName("siteSearch")
        self.search.setPlaceholderText(self.tr("搜索名称、拼音首字母…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.region = self._combo(self.tr("全部地区"), self._regions(office, divisions))
        self.org_type = self._combo(self.tr("全部类型"), list(ORG_TYPE_LABELS.items()))
        self.level = self._combo(self.tr("全部级别"), [*LEVEL_LABELS.items(), (NONE, self.tr(NO_BID))])
        self.status = self._combo(self.tr("全部状态"), [(NONE, self.tr(NO_BID)), *STATUS_LABELS.items()])
        clear = QPushButton(self.tr("清除筛选"))
        clear.clicked.connect(self.clear)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(QLabel(self.tr("查找")))
        layout.addWidget(self.search, 2)
        for combo in (self.region, self.org_type, self.level, self.status):
            layout.addWidget(combo, 1)
        layout.addWidget(clear)
        self.search.textChanged.connect(self._emit)
        # One region only (a county sees its own sites): nothing to choose.
        self.region.setVisible(self.region.count() > 2)

    def set_regions(self, office: OfficeInfo, divisions: Divisions) -> bool:
        """Offer the regions of a new division tree, keeping the chosen one if it is still there.

        Returns False when the chosen region is gone and the filter went back to all regions.
        """
        combo = self.region
        chosen = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:  # item 0 is "all regions"
            combo.removeItem(combo.count() - 1)
        for code, label in self._regions(office, divisions):
            combo.addItem(label, code)
        index = combo.findData(chosen) if chosen else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        combo.setVisible(combo.count() > 2)
        return not (chosen and index < 0)

    def _combo(self, everything: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        combo.addItem(everything, None)
        for key, label in items:
            combo.addItem(label, key)
        combo.setMaxVisibleItems(20)
        combo.currentIndexChanged.connect(self._emit)
        return combo

    @staticmethod
    def _regions(office: OfficeInfo, divisions: Divisions) -> list[tuple[str, str]]:
        root = office.parent_code if office.tier == Tier.SYSTEM else office.code
        if root not in divisions:
            return []
        base = len(divisions.path(root))
        return [(code, "　" * (len(divisions.path(code)) - base) + divisions.get(code).name)
                for code in divisions.subtree(root)]

    def filters(self) -> Filters:
        return Filters(query=self.search.text(), region=self.region.currentData(),
                       org_type=self.org_type.currentData(), level=self.level.currentData(),
                       status=self.status.currentData())

    def clear(self) -> None:
        for combo in (self.region, self.org_type, self.level, self.status):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._emit()

    def _emit(self) -> None:
        self.filters_changed.emit(self.filters())
