"""行政区划与单位: the office's area as a tree, with the units added or renamed since the table.

The tree shows this office's unit and everything below it from the merged division tree
(`services.units.list_units`), and for the province its `system` units. Added and renamed
units are marked with the office that made the change. Buttons act on the selected unit
and are enabled only where this office may act:

- 新增下级单位… — a city or county made after the table's vintage (province and city);
- 新增省直机关/系统单位… — the province's agencies and systems, numbered automatically;
- 更名… — a unit below this office, unless another office added or renamed it;
- 删除 — a unit this office added, while no site, unit or quota depends on it.

Each act runs one service call through the window's runner; a refusal keeps the form open
with its Chinese message. Successful acts announce `UNITS` on the change bus.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bqw_desktop.domain.vocab import Tier
from bqw_desktop.gui.actions import ActionRunner, Outcome
from bqw_desktop.gui.changes import UNITS
from bqw_desktop.gui.dialogs.visit_editor import exec_once
from bqw_desktop.gui.widgets.form_parts import error_label, ok_cancel
from bqw_desktop.services import units
from bqw_desktop.services.offices import OfficeInfo
from bqw_desktop.services.units import UNIT_TIER_LABELS, UnitInfo

COL_NAME, COL_CODE, COL_TIER, COL_STATUS, COL_OWNER = range(5)
HEADERS = ("名称", "代码", "层级", "新增/更名", "登记单位")
WIDTHS = (190, 95, 105, 170, 140)
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
ADDED_COLOR = QColor("#1b6e20")
RENAMED_COLOR = QColor("#0b4f9c")

HINTS: dict[str, str] = {
    Tier.PROVINCE: "省委组织部可新增本省的市州、县市区和省直机关/系统单位，可修改本省各单位的名称。",
    Tier.CITY: "市州委组织部可新增本市州的县市区，可修改本市州各县市区的名称。",
    Tier.COUNTY: "县市区委组织部不能新增或修改单位；本县市区的名称如有变化，请告知上级组织部修改。",
    Tier.SYSTEM: "省直机关/系统单位由省委组织部设立和更名。",
}
VINTAGE_NOTE = ("内置的全国行政区划表为2016年前后的版本；新增或更名的单位只在本系统中记录，"
                "并随数据包发给上下级单位。")


class SubmitForm(QDialog):
    """A form whose OK runs `submit` and stays open, showing the reason, on a refusal."""

    submit: Callable[[Any], Outcome] | None = None
    error: QLabel

    def accept(self) -> None:
        outcome = self.submit(self) if self.submit else Outcome(True)
        if not outcome.ok:
            self.error.setText(outcome.message)
            self.error.show()
            return
        super().accept()


class NewUnitForm(SubmitForm):
    """Asks for a new unit's level, code and name under `parent`; OK runs `submit` and stays
    open on a refusal."""

    def __init__(self, parent_unit: UnitInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.parent_unit = parent_unit
        self.submit: Callable[[NewUnitForm], Outcome] | None = None
        self.setWindowTitle(self.tr("新增下级单位"))
        self.setMinimumWidth(440)
        self.tier = QComboBox()
        if parent_unit.tier == "province":
            self.tier.addItem(self.tr("市州（地级）"), Tier.CITY)
        self.tier.addItem(self.tr("县市区（县级）"), Tier.COUNTY)
        self.tier.currentIndexChanged.connect(lambda _i: self._placeholder())
        self.code = QLineEdit()
        self.code.setMaxLength(6)
        self.name = QLineEdit()
        self.name.setMaxLength(units.NAME_LIMIT)
        self.name.setPlaceholderText(self.tr("如：宁乡市"))
        form = QFormLayout()
        form.addRow(self.tr("上级单位："), QLabel(f"{parent_unit.name}（{parent_unit.code}）"))
        form.addRow(self.tr("层级："), self.tier)
        form.addRow(self.tr("行政区划代码 *"), self.code)
        form.addRow(self.tr("名称 *"), self.name)
        note = QLabel(self.tr("请填写民政部门公布的6位行政区划代码；代码保存后不能修改。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        self.error = error_label()
        self.buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._placeholder()

    def _placeholder(self) -> None:
        code = self.parent_unit.code
        if self.tier.currentData() == Tier.CITY:
            self.code.setPlaceholderText(self.tr("6位，以 {p} 开头、以 00 结尾").format(p=code[:2]))
        else:
            prefix = code[:4] if self.parent_unit.tier == "city" else code[:2]
            self.code.setPlaceholderText(self.tr("6位，以 {p} 开头，如 {p}xx").format(p=prefix).replace(
                "xx", "x" * (6 - len(prefix))))

    def values(self) -> dict[str, Any]:
        return {"code": self.code.text(), "name": self.name.text(), "parent_code": self.parent_unit.code,
                "tier": self.tier.currentData()}


class NameForm(SubmitForm):
    """Asks for one name (a rename or a new system unit); OK runs `submit`, stays open on a refusal."""

    def __init__(self, title: str, rows: list[tuple[str, str]], *, name: str = "",
                 placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.submit: Callable[[NameForm], Outcome] | None = None
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.name = QLineEdit(name)
        self.name.setMaxLength(units.NAME_LIMIT)
        self.name.setPlaceholderText(placeholder)
        self.name.selectAll()
        form = QFormLayout()
        for label, text in rows:
            value = QLabel(text)
            value.setWordWrap(True)
            form.addRow(label, value)
        form.addRow(self.tr("名称 *"), self.name)
        self.error = error_label()
        self.buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)


class UnitsDialog(QDialog):
    """The office's units; see the module docstring. `changes` counts the successful acts."""

    def __init__(self, runner: ActionRunner, office: OfficeInfo, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.office = runner, office
        self.changes = 0
        self.units: dict[str, UnitInfo] = {}
        self.items: dict[str, QTreeWidgetItem] = {}
        # Replaced in tests: runs a form modally, True when it was accepted.
        self.exec_form: Callable[[QDialog], bool] = exec_once
        self.setWindowTitle(self.tr("行政区划与单位"))
        self.resize(920, 640)
        self._build()
        self.reload()

    # Building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.hint = QLabel(self.tr(HINTS.get(self.office.tier, "")) + "\n" + self.tr(VINTAGE_NOTE))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #444;")
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("按名称或代码查找…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.tree = QTreeWidget()
        self.tree.setObjectName("unitTree")
        self.tree.setColumnCount(len(HEADERS))
        self.tree.setHeaderLabels([self.tr(h) for h in HEADERS])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(True)
        for column, width in enumerate(WIDTHS):
            header.resizeSection(column, width)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Interactive)
        self.tree.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.tree.itemDoubleClicked.connect(lambda *_a: self._double_clicked())

        self.add_button = QPushButton(self.tr("新增下级单位…"))
        self.add_system_button = QPushButton(self.tr("新增省直机关/系统单位…"))
        self.rename_button = QPushButton(self.tr("更名…"))
        self.remove_button = QPushButton(self.tr("删除"))
        self.add_button.clicked.connect(lambda: self.add_child())
        self.add_system_button.clicked.connect(lambda: self.add_system())
        self.rename_button.clicked.connect(lambda: self.rename())
        self.remove_button.clicked.connect(lambda: self.remove())
        side = QVBoxLayout()
        for button in (self.add_button, self.add_system_button, self.rename_button, self.remove_button):
            side.addWidget(button)
        side.addStretch(1)
        legend = QLabel(self.tr("<span style='color:#1b6e20'>■ 新增</span>　"
                                "<span style='color:#0b4f9c'>■ 已更名</span>"))
        side.addWidget(legend)

        self.summary = QLabel()
        self.summary.setStyleSheet("color: #555;")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        close.rejected.connect(self.reject)

        search_row = QHBoxLayout()
        search_row.addWidget(QLabel(self.tr("查找")))
        search_row.addWidget(self.search, 1)
        body = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(search_row)
        left.addWidget(self.tree, 1)
        body.addLayout(left, 1)
        body.addLayout(side)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)

    def _double_clicked(self) -> None:
        if self.rename_button.isEnabled():
            self.rename()

    # Loading ----------------------------------------------------------------------------
    def reload(self, *, select: str | None = None) -> None:
        """Read the units again and rebuild the tree, keeping (or moving to) a selected unit."""
        current = select or self.current_code()
        rows: list[UnitInfo] = self.runner.read(units.list_units)
        self.units = {u.code: u for u in rows}
        self.tree.blockSignals(True)
        self.tree.clear()
        self.items = {}
        for unit in rows:
            item = QTreeWidgetItem(self._texts(unit))
            item.setData(COL_NAME, CODE_ROLE, unit.code)
            self._mark(item, unit)
            owner = self.items.get(unit.parent_code)
            if owner is None:
                self.tree.addTopLevelItem(item)
            else:
                owner.addChild(item)
            self.items[unit.code] = item
        self._expand(rows)
        self.tree.blockSignals(False)
        target = self.items.get(current or "") or self.tree.topLevelItem(0)
        if target is not None:
            self.tree.setCurrentItem(target)
            self.tree.scrollToItem(target)
        changed = sum(1 for u in rows if u.status != units.SHIPPED)
        self.summary.setText(self.tr("共 {n} 个单位，其中新增或更名 {c} 个").format(n=len(rows), c=changed))
        self._filter(self.search.text())
        self._update_buttons()

    def _texts(self, unit: UnitInfo) -> list[str]:
        status = "" if unit.status == units.SHIPPED else unit.status_text
        owner = unit.owner_name if unit.status != units.SHIPPED else ""
        return [unit.name, unit.code, UNIT_TIER_LABELS.get(unit.tier, unit.tier), status, owner]

    def _mark(self, item: QTreeWidgetItem, unit: UnitInfo) -> None:
        if unit.status == units.SHIPPED:
            return
        brush = QBrush(ADDED_COLOR if unit.added else RENAMED_COLOR)
        font = QFont(item.font(COL_NAME))
        font.setBold(True)
        item.setFont(COL_NAME, font)
        for column in range(len(HEADERS)):
            item.setForeground(column, brush)
        tip = self.tr("{status}，由{owner}登记").format(status=unit.status_text, owner=unit.owner_name or "—")
        item.setToolTip(COL_NAME, tip)
        item.setToolTip(COL_STATUS, tip)

    def _expand(self, rows: list[UnitInfo]) -> None:
        """The office's own unit open, and the way down to every added or renamed unit."""
        for index in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(index)
            if top is not None:
                top.setExpanded(True)
        if self.office.tier == Tier.CITY:
            self.tree.expandAll()
        for unit in rows:
            if unit.status != units.SHIPPED:
                parent = self.items[unit.code].parent()
                while parent is not None:
                    parent.setExpanded(True)
                    parent = parent.parent()

    def _filter(self, text: str) -> None:
        """Show the units whose name or code contains `text`, with the units above them."""
        needle = text.strip()
        if not needle:
            for item in self.items.values():
                item.setHidden(False)
            return
        shown: set[str] = set()
        for code, unit in self.units.items():
            if needle.upper() in code or needle in unit.name:
                while code in self.items and code not in shown:
                    shown.add(code)
                    code = self.units[code].parent_code
        for code, item in self.items.items():
            item.setHidden(code not in shown)
            if code in shown and item.childCount():
                item.setExpanded(True)

    # Selection and buttons --------------------------------------------------------------
    def current_code(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(COL_NAME, CODE_ROLE) if item is not None else None

    def current_unit(self) -> UnitInfo | None:
        code = self.current_code()
        return self.units.get(code) if code else None

    def select(self, code: str) -> bool:
        """Make `code` the current unit; False when the tree does not show it."""
        item = self.items.get(code)
        if item is None:
            return False
        self.tree.setCurrentItem(item)
        return True

    def _update_buttons(self) -> None:
        unit = self.current_unit()
        writable = not self.runner.read_only_reason
        self.add_button.setEnabled(writable and unit is not None and unit.may_add_below)
        self.add_system_button.setEnabled(writable and self.office.tier == Tier.PROVINCE)
        self.rename_button.setEnabled(writable and unit is not None and unit.may_rename)
        self.remove_button.setEnabled(writable and unit is not None and unit.may_remove)

    # Acts -------------------------------------------------------------------------------
    def add_child(self) -> bool:
        """Ask for a new unit below the selected one and add it; True when added."""
        unit = self.current_unit()
        if unit is None or not unit.may_add_below:
            return False
        form = NewUnitForm(unit, parent=self)
        added: list[str] = []

        def submit(f: NewUnitForm) -> Outcome:
            outcome = self.runner.run(f, units.add_unit, **f.values(), kinds={UNITS})
            if outcome.ok:
                added.append(outcome.value.code)
            return outcome

        form.submit = submit
        return self._after(self.exec_form(form), added)

    def add_system(self) -> bool:
        """Ask for the name of a new provincial agency or system and add it; True when added."""
        if self.office.tier != Tier.PROVINCE:
            return False
        code = self.runner.read(units.next_system_code, self.office.code)
        form = NameForm(self.tr("新增省直机关/系统单位"),
                        [(self.tr("上级单位："), f"{self.office.name}（{self.office.code}）"),
                         (self.tr("单位代码："), self.tr("{code}（自动编号）").format(code=code))],
                        placeholder=self.tr("如：省直机关工委、省国资委党委"), parent=self)
        added: list[str] = []

        def submit(f: NameForm) -> Outcome:
            outcome = self.runner.run(f, units.add_system_unit, name=f.name.text(), kinds={UNITS})
            if outcome.ok:
                added.append(outcome.value.code)
            return outcome

        form.submit = submit
        return self._after(self.exec_form(form), added)

    def rename(self) -> bool:
        """Ask for the selected unit's new name and rename it; True when renamed."""
        unit = self.current_unit()
        if unit is None or not unit.may_rename:
            return False
        rows = [(self.tr("单位代码："), unit.code), (self.tr("现名称："), unit.name)]
        if unit.renamed:
            rows.append((self.tr("行政区划表原名："), unit.shipped_name))
        form = NameForm(self.tr("单位更名"), rows, name=unit.name, parent=self)
        done: list[str] = []

        def submit(f: NameForm) -> Outcome:
            outcome = self.runner.run(f, units.rename_unit, code=unit.code, name=f.name.text(), kinds={UNITS})
            if outcome.ok:
                done.append(unit.code)
            return outcome

        form.submit = submit
        return self._after(self.exec_form(form), done)

    def remove(self) -> bool:
        """Delete the selected unit this office added, after asking; True when deleted."""
        unit = self.current_unit()
        if unit is None or not unit.may_remove:
            return False
        question = self.tr("确定删除单位“{name}”（{code}）吗？删除记录会保留，并随数据包发给上下级单位。").format(
            name=unit.name, code=unit.code)
        if not self.runner.ask(self, self.tr("删除单位"), question):
            return False
        outcome = self.runner.run(self, units.remove_unit, code=unit.code, kinds={UNITS})
        return self._after(outcome.ok, [unit.parent_code] if outcome.ok else [])

    def _after(self, accepted: bool, codes: list[str]) -> bool:
        if not (accepted and codes):
            return False
        self.changes += 1
        self.reload(select=codes[-1])
        return True
