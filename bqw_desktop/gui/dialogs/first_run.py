"""First run: which office is this installation? Picked from the division list, not typed.

The clerk chooses the tier (县市区 / 市州 / 省 / 省直机关或系统) and the place in the
hierarchy from cascading lists; the office name is prefilled and may be changed. A system
office gets a code under its province (430000-S01) and must give its name. The dialog
shows what will be created, then calls `services.offices.init_office`; a refusal keeps the
dialog open with its Chinese message and creates nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from bqw_desktop.db.engine import Database
from bqw_desktop.domain.divisions import Division, Divisions, load_divisions
from bqw_desktop.domain.vocab import TIER_LABELS, Tier
from bqw_desktop.errors import UserError
from bqw_desktop.gui.actions import Warn, message_box_warn
from bqw_desktop.gui.widgets.form_parts import error_label
from bqw_desktop.services.offices import default_office_name, init_office

DEFAULT_PROVINCE = "430000"  # the notice is the Hunan provincial committee's
DEFAULT_CITY = "430100"
DEFAULT_COUNTY = "430121"
TIER_CHOICES = ((Tier.COUNTY, "县市区委组织部"), (Tier.CITY, "市州委组织部"),
                (Tier.PROVINCE, "省委组织部"), (Tier.SYSTEM, "省直机关或系统"))
DIRECT = "（省直辖）"


class FirstRunDialog(QDialog):
    """Sets up a new database at `db_path`; afterwards `database` is the open Database.

    If the clerk instead picks an existing database file, `existing_path` is set and the
    dialog is accepted without creating anything.
    """

    def __init__(self, db_path: Path, *, divisions: Divisions | None = None, user: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.divisions = divisions or load_divisions()
        self.user = user
        self.database: Database | None = None
        self.existing_path: Path | None = None
        self.warn: Warn = message_box_warn
        self._name_edited = False
        self.setWindowTitle(self.tr("初次使用：设置本单位"))
        self.setMinimumWidth(560)
        self._build()
        self._fill_provinces()
        self.tier_buttons[Tier.COUNTY].setChecked(True)
        self._tier_changed()

    # Layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        intro = QLabel(self.tr("本软件每台电脑对应一个单位。请选择本单位的层级和所在地区，"
                               "软件将为本单位建立数据库和电子印鉴（密钥）。"))
        intro.setWordWrap(True)
        tiers = QGroupBox(self.tr("本单位是"))
        tier_row = QHBoxLayout(tiers)
        self.tier_group = QButtonGroup(self)
        self.tier_buttons: dict[str, QRadioButton] = {}
        for tier, label in TIER_CHOICES:
            button = QRadioButton(self.tr(label))
            self.tier_buttons[tier] = button
            self.tier_group.addButton(button)
            tier_row.addWidget(button)
        self.tier_group.buttonToggled.connect(lambda _b, on: on and self._tier_changed())

        self.province = QComboBox()
        self.city = QComboBox()
        self.county = QComboBox()
        for combo in (self.province, self.city, self.county):
            combo.setMinimumContentsLength(14)
            combo.setMaxVisibleItems(20)
        self.province.currentIndexChanged.connect(self._province_changed)
        self.city.currentIndexChanged.connect(self._city_changed)
        self.county.currentIndexChanged.connect(self._refresh)
        self.system_code = QLineEdit()
        self.system_code.setPlaceholderText(self.tr("如 430000-S01"))
        self.system_code.textEdited.connect(self._refresh)
        self.name = QLineEdit()
        self.name.textEdited.connect(self._name_typed)

        self.form = QFormLayout()
        self.form.addRow(self.tr("省（自治区、直辖市）"), self.province)
        self.form.addRow(self.tr("市（州）"), self.city)
        self.form.addRow(self.tr("县（市、区）"), self.county)
        self.form.addRow(self.tr("单位代码"), self.system_code)
        self.form.addRow(self.tr("单位名称"), self.name)

        self.path_label = QLabel()
        self.path_label.setWordWrap(True)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        move = QPushButton(self.tr("更改位置…"))
        move.clicked.connect(self._choose_location)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_label, 1)
        path_row.addWidget(move)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("summary")
        self.summary.setStyleSheet("QLabel#summary { background: #f4f1e8; border: 1px solid #d8d0b8;"
                                   " padding: 8px; }")
        self.error = error_label()

        buttons = QDialogButtonBox()
        self.create_button = buttons.addButton(self.tr("建立数据库"), QDialogButtonBox.ButtonRole.AcceptRole)
        open_existing = buttons.addButton(self.tr("打开已有数据库…"), QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.tr("退出"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        open_existing.clicked.connect(self._open_existing)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(tiers)
        layout.addLayout(self.form)
        layout.addWidget(QLabel(self.tr("数据库文件保存在：")))
        layout.addLayout(path_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._show_path()

    # Lists ------------------------------------------------------------------------------
    def _fill_provinces(self) -> None:
        self.province.blockSignals(True)
        for division in self.divisions.provinces():
            self.province.addItem(division.name, division.code)
        self.province.setCurrentIndex(max(self.province.findData(DEFAULT_PROVINCE), 0))
        self.province.blockSignals(False)
        self._province_changed()

    def _province_changed(self) -> None:
        code = self.province.currentData()
        self.city.blockSignals(True)
        self.city.clear()
        if code:
            kids = self.divisions.children(code)
            for division in kids:
                if division.level == "city":
                    self.city.addItem(division.name, division.code)
            if self.tier() == Tier.COUNTY and any(d.level == "county" for d in kids):
                self.city.addItem(self.tr(DIRECT), code)
        index = self.city.findData(DEFAULT_CITY)
        self.city.setCurrentIndex(max(index, 0))
        self.city.blockSignals(False)
        self._city_changed()

    def _city_changed(self) -> None:
        code = self.city.currentData()
        self.county.blockSignals(True)
        self.county.clear()
        for division in self._counties_under(code):
            self.county.addItem(division.name, division.code)
        index = self.county.findData(DEFAULT_COUNTY)
        self.county.setCurrentIndex(max(index, 0))
        self.county.blockSignals(False)
        self._refresh()

    def _counties_under(self, code: str | None) -> list[Division]:
        if not code or code not in self.divisions:
            return []
        return [d for d in self.divisions.children(code) if d.level == "county"]

    # State ------------------------------------------------------------------------------
    def tier(self) -> str:
        for tier, button in self.tier_buttons.items():
            if button.isChecked():
                return tier
        return Tier.COUNTY

    def selected_code(self) -> str:
        """The office code the choices make (for a system office: what the clerk typed)."""
        tier = self.tier()
        if tier == Tier.SYSTEM:
            return self.system_code.text().strip()
        if tier == Tier.PROVINCE:
            return self.province.currentData() or ""
        if tier == Tier.CITY:
            return self.city.currentData() or ""
        return self.county.currentData() or ""

    def _region_code(self) -> str:
        return self.province.currentData() or "" if self.tier() == Tier.SYSTEM else self.selected_code()

    def _tier_changed(self) -> None:
        tier = self.tier()
        visible = {
            self.city: tier in (Tier.CITY, Tier.COUNTY),
            self.county: tier == Tier.COUNTY,
            self.system_code: tier == Tier.SYSTEM,
        }
        for widget, show in visible.items():
            self.form.setRowVisible(widget, show)
        if tier == Tier.SYSTEM:
            self.name.setPlaceholderText(self.tr("必填，如：省直机关工委、省国资委党委"))
            if not self._name_edited:
                self.name.clear()
        else:
            self.name.setPlaceholderText("")
        self._province_changed()

    def _name_typed(self) -> None:
        self._name_edited = bool(self.name.text().strip())
        self._refresh()

    def _refresh(self) -> None:
        tier = self.tier()
        code = self.selected_code()
        if tier == Tier.SYSTEM:
            province = self.province.currentData() or ""
            if not code.startswith(province + "-"):
                self.system_code.setText(f"{province}-S01")
                code = self.system_code.text()
        elif not self._name_edited:
            division = self.divisions.get(code)
            self.name.setText(default_office_name(tier, division.name) if division else "")
        self.summary.setText(self._summary_text(tier, code))
        self.error.hide()

    def _summary_text(self, tier: str, code: str) -> str:
        region = self._region_code()
        where = self.divisions.full_name(region) if region in self.divisions else "—"
        name = self.name.text().strip() or self.tr("（尚未填写单位名称）")
        return self.tr("将建立：{name}\n层级：{tier}　　代码：{code}\n所在地区：{where}").format(
            name=name, tier=TIER_LABELS[tier], code=code or "—", where=where)

    def _show_path(self) -> None:
        self.path_label.setText(str(self.db_path))

    def _choose_location(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, self.tr("数据库文件保存位置"), str(self.db_path),
                                                self.tr("数据库文件 (*.sqlite3)"))
        if chosen:
            self.db_path = Path(chosen)
            self._show_path()

    def _open_existing(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("打开已有数据库"), str(self.db_path.parent),
                                                self.tr("数据库文件 (*.sqlite3);;所有文件 (*)"))
        if chosen:
            self.existing_path = Path(chosen)
            super().accept()

    # Result -----------------------------------------------------------------------------
    def accept(self) -> None:
        """Create the database; a refusal is shown and the dialog stays open."""
        if self.tier() == Tier.SYSTEM and not self.name.text().strip():
            self._refuse(self.tr("请填写“单位名称”，如：省直机关工委。"))
            return
        try:
            self.database = init_office(self.db_path, tier=self.tier(), code=self.selected_code(),
                                        name=self.name.text().strip() or None, user=self.user)
        except UserError as exc:
            self._refuse(exc.message)
            return
        super().accept()

    def _refuse(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.warn(self, message)
