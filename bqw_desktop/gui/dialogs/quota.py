"""名额分配: share a level's places among the units this office allots to, showing the arithmetic.

For each unit the table shows its number of grassroots party organizations (editable in
place), the exact share, its whole part and remainder (largest-remainder method), the places
given and the places used of those saved. A clerk may change a unit's places, always with a
reason; 保存 stores the allocation as this office's quota rows. An office that does not
allot a level (a county; a city for city- and provincial places) sees the places it received
and how many are used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from bqw_desktop.domain.quota import Usage
from bqw_desktop.domain.vocab import LEVEL_LABELS, Level
from bqw_desktop.errors import UserError
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.models.candidacy_models import AllocationModel, UsageModel
from bqw_desktop.gui.widgets.form_parts import error_label, ok_cancel
from bqw_desktop.services import campaigns, quotas
from bqw_desktop.services.offices import OfficeInfo
from bqw_desktop.services.quotas import AllocationPlan, QuotaLine

QUOTAS = "quotas"
LEVEL_CHOICES = (Level.PROVINCE, Level.CITY, Level.COUNTY)
ADJUSTED = "，调为"
WIDTHS = (150, 100, 90, 70, 70, 70, 80)


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A change of one unit's places made in this dialog (re-applied after a recount)."""

    code: str
    seats: int
    reason: str


@dataclass
class QuotaState:
    """What the dialog shows for one level."""

    level: str
    campaign: str
    plan: AllocationPlan | None = None
    usage: dict[str, Usage] = field(default_factory=dict)
    lines: list[QuotaLine] = field(default_factory=list)
    message: str = ""


def _saved_reason(text: str) -> str:
    """The clerk's own words from a stored note "原3个，调为4个：理由" (the last one)."""
    last = text.split("；")[-1]
    return last.split("：", 1)[1] if ADJUSTED in last and "：" in last else ""


def load_state(session: Session, office: OfficeInfo, level: str, *, total: int | None,
               adjustments: list[Adjustment]) -> QuotaState:
    """The allocation (or, for a level this office does not allot, the places received)."""
    current = campaigns.current_campaign(session)
    state = QuotaState(level, campaigns.describe(current) if current else "")
    try:
        quotas.child_units(session, office, level=level)
    except UserError as exc:
        divisions = quotas.divisions_of(session)
        mine = {d.code for d in divisions.path(office.code)} if office.code in divisions else {office.code}
        state.lines = [line for line in quotas.lines(session, level=level) if line.unit_code in mine]
        state.message = exc.message
        return state
    try:
        plan = quotas.propose_allocation(session, level=level, total=total)
    except UserError as exc:
        state.message = exc.message
        plan = quotas.propose_allocation(session, level=level, total=total or 0)
    plan = _with_saved_adjustments(session, plan, level)
    for adj in adjustments:
        plan = quotas.adjusted(plan, unit_code=adj.code, seats=adj.seats, reason=adj.reason)
    state.plan = plan
    codes = {s.code for s in plan.allocation.shares}
    state.usage = {c: u for c, u in quotas.usage(session, level=level, campaign_id=plan.campaign_id).items()
                   if c in codes and c in plan.saved}
    return state


def _with_saved_adjustments(session: Session, plan: AllocationPlan, level: str) -> AllocationPlan:
    """Keep the saved places a clerk changed by hand (with their reasons) in a new proposal."""
    for share in plan.allocation.shares:
        saved = plan.saved.get(share.code)
        if saved is None or saved == share.seats:
            continue
        row = quotas.allotment(session, level=level, unit_code=share.code, campaign_id=plan.campaign_id)
        reason = _saved_reason(row.reason) if row is not None else ""
        if reason:
            plan = quotas.adjusted(plan, unit_code=share.code, seats=saved, reason=reason)
    return plan


class AdjustDialog(QDialog):
    """Asks for a unit's new number of places and the reason (required)."""

    def __init__(self, name: str, seats: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("调整名额"))
        form = QFormLayout(self)
        form.addRow(self.tr("单位："), QLabel(name))
        self.seats = QSpinBox()
        self.seats.setRange(0, 100000)
        self.seats.setValue(seats)
        form.addRow(self.tr("调整为："), self.seats)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(self.tr("调整原因（必填），如：经部务会研究，照顾革命老区"))
        self.reason.setMaximumHeight(90)
        form.addRow(self.tr("调整原因："), self.reason)
        self.error = error_label()
        form.addRow(self.error)
        buttons = ok_cancel(self, "确定")
        form.addRow(buttons)

    def accept(self) -> None:
        if not self.reason.toPlainText().strip():
            self.error.setText(self.tr("调整名额必须填写调整原因。"))
            self.error.show()
            return
        super().accept()


def ask_adjustment(parent: QWidget, name: str, seats: int) -> tuple[int, str] | None:
    dialog = AdjustDialog(name, seats, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.seats.value(), dialog.reason.toPlainText().strip()


class QuotaDialog(QDialog):
    """The allocation of one level at a time; see the module docstring."""

    def __init__(self, runner: ActionRunner, office: OfficeInfo, *, level: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.office = runner, office
        self.adjustments: list[Adjustment] = []
        self.total: int | None = None
        self.state: QuotaState | None = None
        self.ask_adjustment: Callable[[QWidget, str, int], tuple[int, str] | None] = ask_adjustment
        self.setWindowTitle(self.tr("名额分配"))
        self.resize(980, 640)
        self._build()
        default = level or (Level.COUNTY if office.tier != "province" else Level.PROVINCE)
        self.level.setCurrentIndex(max(0, self.level.findData(default)))
        self.reload()

    def _build(self) -> None:
        self.level = QComboBox()
        for level in LEVEL_CHOICES:
            self.level.addItem(LEVEL_LABELS[level] + self.tr("示范点"), str(level))
        self.level.currentIndexChanged.connect(lambda _i: self._level_changed())
        self.total_spin = QSpinBox()
        self.total_spin.setRange(0, 100000)
        self.total_spin.setSuffix(self.tr(" 个"))
        self.total_spin.editingFinished.connect(self._total_changed)
        head = QHBoxLayout()
        head.addWidget(QLabel(self.tr("级别：")))
        head.addWidget(self.level)
        head.addSpacing(16)
        self.total_caption = QLabel(self.tr("名额总数："))
        head.addWidget(self.total_caption)
        head.addWidget(self.total_spin)
        head.addStretch(1)
        self.campaign = QLabel()
        self.campaign.setWordWrap(True)
        self.campaign.setStyleSheet("color: #555;")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #9a6b00;")

        self.model = AllocationModel(self)
        self.model.on_count = self.set_count
        self.table = self._table(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        for column, width in enumerate(WIDTHS):
            self.table.horizontalHeader().resizeSection(column, width)
        self.usage_model = UsageModel(self)
        self.usage_table = self._table(self.usage_model)
        for column, width in enumerate(UsageModel.WIDTHS):
            self.usage_table.horizontalHeader().resizeSection(column, width)
        self.usage_table.horizontalHeader().setStretchLastSection(False)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.pages.addWidget(self.usage_table)

        self.summary = QLabel()
        self.summary.setStyleSheet("font-weight: bold;")
        self.method = QLabel(self.tr(
            "算法：精确份额 = 名额总数 × 本单位基层党组织数 ÷ 各单位基层党组织数之和；先按整数部分分配，"
            "余下名额按余数从大到小逐个分配（余数相同的，基层党组织数多者优先）。双击“基层党组织数”可修改。"))
        self.method.setWordWrap(True)
        self.method.setStyleSheet("color: #555;")
        self.adjust_button = QPushButton(self.tr("调整所选单位名额…"))
        self.adjust_button.clicked.connect(self.adjust_selected)
        self.reset_button = QPushButton(self.tr("撤销本次调整"))
        self.reset_button.clicked.connect(self._reset_adjustments)
        self.save_button = QPushButton(self.tr("保存分配方案"))
        self.save_button.clicked.connect(self.save)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.adjust_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.campaign)
        layout.addWidget(self.message)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.method)
        layout.addLayout(buttons)

    @staticmethod
    def _table(model: Any) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        return table

    # Loading ----------------------------------------------------------------------------
    def current_level(self) -> str:
        return str(self.level.currentData())

    def _level_changed(self) -> None:
        self.adjustments, self.total = [], None
        self.reload()

    def _total_changed(self) -> None:
        if self.state is not None and self.state.plan is not None \
                and self.total_spin.value() != self.state.plan.allocation.total:
            self.total = self.total_spin.value()
            self.reload()

    def reload(self) -> None:
        """Re-read counts and saved places, re-propose, and re-apply this dialog's adjustments."""
        try:
            state = self.runner.read(load_state, self.office, self.current_level(), total=self.total,
                                     adjustments=self.adjustments)
        except UserError as exc:
            self.runner.warn(self, exc.message)
            self.adjustments = []
            state = self.runner.read(load_state, self.office, self.current_level(), total=self.total, adjustments=[])
        self.state = state
        self._show()

    def _show(self) -> None:
        state = self.state
        assert state is not None
        allots = state.plan is not None
        self.pages.setCurrentIndex(0 if allots else 1)
        self.campaign.setText(state.campaign if state.campaign
                              else self.tr("尚未设置批次；保存分配方案时按通知的日程建立批次。"))
        writable = not self.runner.read_only_reason
        for widget in (self.total_caption, self.total_spin, self.adjust_button, self.reset_button,
                       self.save_button, self.method):
            widget.setVisible(allots)
        self.save_button.setEnabled(writable)
        self.adjust_button.setEnabled(writable)
        self.reset_button.setEnabled(bool(self.adjustments))
        self.model.editable = writable
        if state.plan is not None:
            plan = state.plan
            self.model.set_allocation(plan.allocation, usage=state.usage, missing=plan.missing_counts)
            self.total_spin.blockSignals(True)
            self.total_spin.setValue(plan.allocation.total)
            self.total_spin.blockSignals(False)
            missing = (self.tr("；{n}个单位尚未录入基层党组织数（按0计算）").format(n=len(plan.missing_counts))
                       if plan.missing_counts else "")
            self.summary.setText(plan.summary + missing)
            over = plan.allocation.over_by != 0
            self.summary.setStyleSheet("font-weight: bold;" + ("color: #b3261e;" if over else ""))
            self.message.setText(state.message)
        else:
            self.model.set_allocation(None)
            self.usage_model.set_rows(state.lines)
            self.summary.setText("")
            self.message.setText(self.tr("{why}以下为本单位及上级单位的{level}示范点名额及使用情况。").format(
                why=state.message, level=LEVEL_LABELS[self.current_level()]))
        self.message.setVisible(bool(self.message.text()))

    # Commands ---------------------------------------------------------------------------
    def set_count(self, code: str, value: Any) -> bool:
        """Enter a unit's number of grassroots party organizations (one unit of work)."""
        outcome = self.runner.run(self, quotas.set_org_count, unit_code=code, organizations=value,
                                  kinds={QUOTAS})
        if outcome.ok:
            self.reload()
        return outcome.ok

    def adjust_selected(self) -> bool:
        index = self.table.currentIndex()
        if self.state is None or self.state.plan is None or not index.isValid():
            self.runner.warn(self, self.tr("请先在表中选择要调整名额的单位。"))
            return False
        share = self.model.row_at(index.row())
        answer = self.ask_adjustment(self, share.name, share.seats)
        if answer is None:
            return False
        return self.adjust(share.code, *answer)

    def adjust(self, code: str, seats: int, reason: str) -> bool:
        """Change one unit's places in the proposal (saved with the allocation)."""
        if self.state is None or self.state.plan is None:
            return False
        try:
            quotas.adjusted(self.state.plan, unit_code=code, seats=seats, reason=reason)
        except UserError as exc:
            self.runner.warn(self, exc.message)
            return False
        self.adjustments.append(Adjustment(code, seats, reason))
        self.reload()
        return True

    def _reset_adjustments(self) -> None:
        self.adjustments = []
        self.reload()

    def save(self) -> bool:
        if self.state is None or self.state.plan is None:
            return False
        outcome = self.runner.run(self, quotas.save_allocation, plan=self.state.plan, kinds={QUOTAS})
        if outcome.ok:
            self.adjustments = []
            self.reload()
            self.message.setText(self.tr("已保存：{n}个单位的名额有变动。").format(n=outcome.value))
            self.message.setVisible(True)
        return outcome.ok
