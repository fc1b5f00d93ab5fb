"""The 基本情况 tab: the selected site's particulars, read from the register."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QWidget
from sqlalchemy.orm import Session

from bqw_desktop.domain.vocab import org_type_label
from bqw_desktop.errors import NotFoundError
from bqw_desktop.gui.changes import SITES, touches
from bqw_desktop.gui.context import MainWindowContext
from bqw_desktop.gui.models.site_table import region_label
from bqw_desktop.services import offices, sites, units

ROWS = (("name", "名称"), ("org_type", "党组织类型"), ("region", "所属行政区划"),
        ("parent_org", "上级党组织"), ("secretary", "书记"), ("member_count", "党员人数"),
        ("contact", "联系人"), ("phone", "联系电话"), ("address", "地址"), ("notes", "备注"),
        ("owner", "登记单位"), ("changed", "最后修改"))


def _particulars(session: Session, site_id: str) -> dict[str, Any]:
    site = sites.get_site(session, site_id)
    fields = {key: getattr(site, key) for key in (*sites.EDITABLE, "version", "updated_by", "updated_at")}
    fields["owner"] = offices.office_label(session, site.owner_office)
    return fields


class ParticularsTab(QScrollArea):
    """Shows one site's particulars; empty text when nothing is selected."""

    def __init__(self, ctx: MainWindowContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.site_id: str | None = None
        self.setWidgetResizable(True)
        body = QWidget()
        form = QFormLayout(body)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.values: dict[str, QLabel] = {}
        for key, label in ROWS:
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            form.addRow(self.tr(label) + "：", value)
        self.setWidget(body)
        ctx.changes.changed.connect(self._changed)

    def show_site(self, site_id: str | None) -> None:
        self.site_id = site_id
        fields = None
        if site_id:
            try:
                fields = self.ctx.runner.read(_particulars, site_id)
            except NotFoundError:
                fields = None
        texts = self._texts(fields) if fields else {"name": self.tr("（请在上方名册中选择一个示范点）")}
        for key, value in self.values.items():
            value.setText(texts.get(key, ""))

    def _texts(self, f: dict[str, Any]) -> dict[str, str]:
        divisions = self.ctx.runner.read(units.divisions_of)  # renamed and added units included
        code = f["region_code"]
        region = divisions.full_name(code) if code in divisions else ""
        # Times are stored in UTC for people to read; show them in the PC's local time.
        when = f["updated_at"].replace(tzinfo=UTC).astimezone()
        changed = f"第 {f['version']} 版，{f['updated_by']}，{when:%Y-%m-%d %H:%M}"
        return {
            "name": f["name"], "org_type": org_type_label(f["org_type"], f["org_kind"]),
            "region": region if region else region_label(code, self.ctx.office, divisions),
            "parent_org": f["parent_org"], "secretary": f["secretary"],
            "member_count": "" if f["member_count"] is None else str(f["member_count"]),
            "contact": f["contact"], "phone": f["phone"], "address": f["address"],
            "notes": f["notes"], "owner": f["owner"], "changed": changed,
        }

    def _changed(self, kinds: set[str]) -> None:
        if touches(kinds, SITES) and self.isVisible():
            self.show_site(self.site_id)
