"""创建批次: a round's name and calendar (defaults from the notice), editable and checked.

The dialog lists the campaigns known here; the owner of one may change its dates, and any
office may set up a new round (its dates start from the notice's pattern shifted to the
year chosen). Dates are checked together (`domain.calendar.CampaignDates`): a date out of
order is refused with a sentence naming both fields, and nothing is saved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from bqw_desktop.domain.calendar import FIELD_LABELS, NOTICE_DATES, CampaignDates, shifted
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.services import campaigns
from bqw_desktop.services.campaigns import CampaignInfo
from bqw_desktop.services.context import Actor

CAMPAIGNS = "campaigns"
DATE_KEYS = ("creation_start", "select_by", "creation_end", "assess_by")
NEW = "__new__"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def _save(session: Session, actor: Actor, *, campaign_id: str | None, name: str, dates: dict[str, Any]) -> CampaignInfo:
    if campaign_id is None:
        return campaigns.create_campaign(session, actor, dates=CampaignDates(**dates), name=name)
    return campaigns.update_campaign(session, actor, campaign_id=campaign_id, name=name, **dates)


class CampaignDialog(QDialog):
    """Edit the current campaign (if this office set it up) or set up a new one."""

    def __init__(self, runner: ActionRunner, office_code: str, *, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.office_code = runner, office_code
        self.today = today or date.today()
        self.saved: CampaignInfo | None = None
        self.setWindowTitle(self.tr("批次与日程"))
        self.setMinimumWidth(520)
        self._build()
        self._load()

    def _build(self) -> None:
        form = QFormLayout()
        self.choice = QComboBox()
        self.choice.currentIndexChanged.connect(lambda _i: self._show_choice())
        form.addRow(self.tr("批次："), self.choice)
        self.name = QLineEdit()
        form.addRow(self.tr("批次名称："), self.name)
        self.dates: dict[str, QDateEdit] = {}
        for key in DATE_KEYS:
            edit = QDateEdit()
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            self.dates[key] = edit
            form.addRow(self.tr(FIELD_LABELS[key]) + "：", edit)
        self.months = QSpinBox()
        self.months.setRange(1, 120)
        self.months.setSuffix(self.tr(" 个月"))
        form.addRow(self.tr(FIELD_LABELS["reeval_months"]) + "：", self.months)
        self.notice_button = QPushButton(self.tr("按通知的日程填入"))
        self.notice_button.clicked.connect(self._notice_pattern)
        form.addRow("", self.notice_button)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _load(self, select: str | None = None) -> None:
        self.known: list[CampaignInfo] = self.runner.read(campaigns.list_campaigns)
        self.choice.blockSignals(True)
        self.choice.clear()
        for c in self.known:
            self.choice.addItem(c.name, c.id)
        self.choice.addItem(self.tr("（新建批次）"), NEW)
        index = self.choice.findData(select) if select else 0
        self.choice.setCurrentIndex(max(index, 0))
        self.choice.blockSignals(False)
        self._show_choice()

    def current(self) -> CampaignInfo | None:
        key = self.choice.currentData()
        return next((c for c in self.known if c.id == key), None)

    def _show_choice(self) -> None:
        self.error.hide()
        campaign = self.current()
        if campaign is None:
            pattern = NOTICE_DATES if not self.known else shifted(NOTICE_DATES, self.today.year)
            self._fill(pattern, campaigns.default_name(pattern))
            self.note.setText(self.tr("新批次的日期按通知的日程预填（确定创建单位、创建期、考核授牌、两年复评），可逐项修改。"))
            editable = True
        else:
            self._fill(campaign.dates, campaign.name)
            editable = campaign.owner_office == self.office_code
            self.note.setText(campaigns.describe(campaign) + ("" if editable else self.tr(
                "\n该批次由单位 {code} 设立，本单位只能查看其日程。").format(code=campaign.owner_office)))
        for widget in (self.name, self.months, self.notice_button, *self.dates.values()):
            widget.setEnabled(editable and not self.runner.read_only_reason)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(
            editable and not self.runner.read_only_reason)

    def _fill(self, dates: CampaignDates, name: str) -> None:
        self.name.setText(name)
        for key, edit in self.dates.items():
            edit.setDate(_qdate(getattr(dates, key)))
        self.months.setValue(dates.reeval_months)

    def _notice_pattern(self) -> None:
        start = _pydate(self.dates["creation_start"].date())
        pattern = shifted(NOTICE_DATES, start.year)
        self._fill(pattern, self.name.text())

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {key: _pydate(edit.date()) for key, edit in self.dates.items()}
        out["reeval_months"] = self.months.value()
        return out

    def accept(self) -> None:
        campaign = self.current()
        outcome = self.runner.run(self, _save, campaign_id=campaign.id if campaign else None,
                                  name=self.name.text(), dates=self.values(), kinds={CAMPAIGNS})
        if not outcome.ok:
            self.error.setText(outcome.message)
            self.error.show()
            return
        self.saved = outcome.value
        super().accept()
