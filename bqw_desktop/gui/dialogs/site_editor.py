"""Adding or changing one site (示范点 / 创建单位) of the register.

OK runs `services.sites.add_site` or `update_site` in one unit of work. A refusal (an
empty name, a member count that is not a number, a region outside this office…) keeps the
dialog open with the Chinese message and saves nothing. A site another office registered is
shown read-only: only its owner may change it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from bqw_desktop.domain.divisions import Divisions, load_divisions
from bqw_desktop.domain.vocab import INSTITUTION_KIND_LABELS, ORG_TYPE_LABELS, OrgType, Tier
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.changes import SITES
from bqw_desktop.gui.widgets.form_parts import error_label, ok_cancel
from bqw_desktop.services import sites
from bqw_desktop.services.context import Actor
from bqw_desktop.services.offices import OfficeInfo, scope_codes

TEXT_FIELDS = ("name", "parent_org", "secretary", "contact", "phone", "address")


def _site_fields(session: Session, site_id: str) -> dict[str, Any]:
    site = sites.get_site(session, site_id)
    fields = {key: getattr(site, key) for key in sites.EDITABLE}
    fields["owner_office"] = site.owner_office
    return fields


def region_choices(office: OfficeInfo, divisions: Divisions) -> list[tuple[str, str]]:
    """(label, code) for every region this office may register sites in, indented by depth."""
    root = office.parent_code if office.tier == Tier.SYSTEM else office.code
    codes = [c for c in (divisions.subtree(root) if root in divisions else [root])
             if c in scope_codes(office, divisions)]
    base = len(divisions.path(root)) if root in divisions else 1
    out = []
    for code in codes:
        depth = len(divisions.path(code)) - base if code in divisions else 0
        name = divisions.get(code).name if code in divisions else code
        out.append(("　" * depth + name, code))
    return out


class SiteEditor(QDialog):
    """The editor for a new site (`site_id=None`) or an existing one.

    After acceptance `site_id` is the saved site's id.
    """

    def __init__(self, runner: ActionRunner, office: OfficeInfo, *, site_id: str | None = None,
                 divisions: Divisions | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.office = office
        self.site_id = site_id
        self.divisions = divisions or load_divisions()
        self.setWindowTitle(self.tr("修改示范点") if site_id else self.tr("新建示范点"))
        self.setMinimumWidth(560)
        self._build()
        if site_id:
            self._load(runner.read(_site_fields, site_id))
        else:
            self._kind_follows_type()

    def _build(self) -> None:
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("如：星沙街道党工委"))
        self.org_type = QComboBox()
        for key, label in ORG_TYPE_LABELS.items():
            self.org_type.addItem(label, key)
        self.org_kind = QComboBox()
        for key, label in INSTITUTION_KIND_LABELS.items():
            self.org_kind.addItem(label, key)
        self.org_kind.setPlaceholderText(self.tr("仅事业单位填写：文化、卫生、体育或其他"))
        self.org_kind.setCurrentIndex(-1)
        self.org_type.currentIndexChanged.connect(self._kind_follows_type)
        self.region = QComboBox()
        self.region.setMaxVisibleItems(20)
        for label, code in region_choices(self.office, self.divisions):
            self.region.addItem(label, code)
        self.parent_org = QLineEdit()
        self.parent_org.setPlaceholderText(self.tr("如：中共长沙县委"))
        self.secretary = QLineEdit()
        self.member_count = QLineEdit()
        self.member_count.setPlaceholderText(self.tr("整数，如 35"))
        self.member_count.setMaximumWidth(120)
        self.contact = QLineEdit()
        self.phone = QLineEdit()
        self.address = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(90)

        form = QFormLayout()
        form.addRow(self.tr("名称 *"), self.name)
        form.addRow(self.tr("党组织类型 *"), self.org_type)
        form.addRow(self.tr("事业单位类别"), self.org_kind)
        form.addRow(self.tr("所属行政区划 *"), self.region)
        form.addRow(self.tr("上级党组织"), self.parent_org)
        form.addRow(self.tr("书记"), self.secretary)
        form.addRow(self.tr("党员人数"), self.member_count)
        form.addRow(self.tr("联系人"), self.contact)
        form.addRow(self.tr("联系电话"), self.phone)
        form.addRow(self.tr("地址"), self.address)
        form.addRow(self.tr("备注"), self.notes)

        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.error = error_label()
        self.buttons = ok_cancel(self)

        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("带 * 的为必填项。")))
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _kind_follows_type(self) -> None:
        """The institution kind only means something for 文化、卫生、体育等事业单位."""
        institution = self.org_type.currentData() == OrgType.INSTITUTION
        self.org_kind.setEnabled(institution)
        if not institution:
            self.org_kind.setCurrentIndex(-1)

    def _load(self, fields: dict[str, Any]) -> None:
        for key in TEXT_FIELDS:
            getattr(self, key).setText(fields.get(key) or "")
        self.notes.setPlainText(fields.get("notes") or "")
        count = fields.get("member_count")
        self.member_count.setText("" if count is None else str(count))
        self.org_type.setCurrentIndex(max(self.org_type.findData(fields["org_type"]), 0))
        if fields.get("org_kind"):
            self.org_kind.setCurrentIndex(max(self.org_kind.findData(fields["org_kind"]), 0))
        index = self.region.findData(fields["region_code"])
        if index < 0:  # outside this office's scope: show it anyway, the owner keeps it
            self.region.addItem(self.divisions.full_name(fields["region_code"])
                                if fields["region_code"] in self.divisions else fields["region_code"],
                                fields["region_code"])
            index = self.region.count() - 1
        self.region.setCurrentIndex(index)
        self._kind_follows_type()
        if fields["owner_office"] != self.runner.actor.office_code:
            self._read_only(fields["owner_office"])

    def _read_only(self, owner: str) -> None:
        self.notice.setText(self.tr("该示范点由单位 {owner} 登记，只有该单位可以修改；此处只能查看。").format(owner=owner))
        self.notice.show()
        for widget in self.findChildren((QLineEdit, QComboBox)):
            widget.setEnabled(False)
        self.notes.setReadOnly(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).hide()

    def fields(self) -> dict[str, Any]:
        """What the clerk entered, as the service's keyword arguments (validated there)."""
        out: dict[str, Any] = {key: getattr(self, key).text() for key in TEXT_FIELDS}
        out["notes"] = self.notes.toPlainText()
        out["member_count"] = self.member_count.text()
        out["org_type"] = self.org_type.currentData()
        out["org_kind"] = self.org_kind.currentData() if out["org_type"] == OrgType.INSTITUTION else None
        out["region_code"] = self.region.currentData()
        return out

    def accept(self) -> None:
        """Save in one unit of work; on a refusal stay open, show why, and save nothing."""
        if self.site_id:
            outcome = self.runner.run(self, _update, self.site_id, self.fields(), kinds={SITES})
        else:
            outcome = self.runner.run(self, _add, self.fields(), kinds={SITES})
        if not outcome.ok:
            self.error.setText(outcome.message)
            self.error.show()
            return
        self.site_id = outcome.value
        super().accept()


def _add(session: Session, actor: Actor, fields: dict[str, Any]) -> str:
    return sites.add_site(session, actor, **fields).id


def _update(session: Session, actor: Actor, site_id: str, fields: dict[str, Any]) -> str:
    return sites.update_site(session, actor, site_id, **fields).id
