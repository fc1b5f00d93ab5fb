"""批量推荐/确定/授牌: one step for many candidacies at once, planned, confirmed, then recorded.

The dialog works on the register's sites (as filtered, or as selected): their candidacies of
the chosen level whose status allows the step are planned with `plan_bulk`, which says how
many would be done and which would be refused and why. 确定办理 records them with
`apply_bulk`, refusing if anything changed since the plan was shown. 撤销批量操作 lists this
office's batches and reverses a whole batch while nothing has followed any of its steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from bqw_desktop.domain import lifecycle
from bqw_desktop.domain.lifecycle import Status
from bqw_desktop.domain.vocab import LEVEL_LABELS, Level
from bqw_desktop.errors import UserError
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.changes import CANDIDACIES
from bqw_desktop.gui.models.candidacy_models import STEP_LABELS
from bqw_desktop.services import candidacies
from bqw_desktop.services.candidacies import CONFLICT, BulkPlan

BULK_STEPS = (Status.RECOMMENDED, Status.APPROVED, Status.CREATING, Status.PASSED, Status.AWARDED,
              Status.RETAINED)
LEVELS = (Level.COUNTY, Level.CITY, Level.PROVINCE)


@dataclass(frozen=True, slots=True)
class Candidates:
    """The candidacies a bulk step is planned for, and how many others were left out."""

    ids: tuple[str, ...]
    left_out: int


def candidates(session: Session, site_ids: Sequence[str], *, level: str, to_status: str) -> Candidates:
    """Candidacies of `level` on these sites whose status allows the step (or that are in
    conflict, so the refusal says why); the rest are only counted."""
    wanted = set(site_ids)
    sources = {str(r.from_status) for r in lifecycle.RULES if r.to_status == to_status} | {CONFLICT}
    ids, left_out = [], 0
    for row in candidacies.list_candidacies(session, level=level):
        if row.site_id not in wanted:
            continue
        if row.status in sources:
            ids.append(row.id)
        else:
            left_out += 1
    return Candidates(tuple(ids), left_out)


def step_text(to_status: str, level: str) -> str:
    return STEP_LABELS[to_status].format(level=LEVEL_LABELS.get(level, level))


class BulkStepsDialog(QDialog):
    """Plan, confirm and record one step for many candidacies."""

    def __init__(self, runner: ActionRunner, *, shown_ids: Sequence[str], selected_ids: Sequence[str] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.scopes = {"shown": list(shown_ids), "selected": list(selected_ids)}
        self.plan: BulkPlan | None = None
        self.left_out = 0
        self.result_count = 0
        self.setWindowTitle(self.tr("批量推荐/确定/授牌"))
        self.resize(820, 600)
        self._build()

    def _build(self) -> None:
        form = QFormLayout()
        self.scope = QComboBox()
        self.scope.addItem(self.tr("名册当前筛选结果（{n}个示范点）").format(n=len(self.scopes["shown"])), "shown")
        if self.scopes["selected"]:
            self.scope.addItem(self.tr("名册中选中的示范点（{n}个）").format(n=len(self.scopes["selected"])),
                               "selected")
        self.level = QComboBox()
        for level in LEVELS:
            self.level.addItem(LEVEL_LABELS[level], str(level))
        self.step = QComboBox()
        self.level.currentIndexChanged.connect(lambda _i: self._fill_steps())
        self._fill_steps()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("可不填；超额确定时必须填写"))
        self.override = QCheckBox(self.tr("名额已满的，仍确定为创建单位（超额确定）"))
        form.addRow(self.tr("范围："), self.scope)
        form.addRow(self.tr("申报级别："), self.level)
        form.addRow(self.tr("办理事项："), self.step)
        form.addRow(self.tr("理由或说明："), self.reason)
        form.addRow("", self.override)
        for widget in (self.scope, self.level, self.step):
            widget.currentIndexChanged.connect(lambda _i: self._clear_plan())
        self.override.toggled.connect(lambda _on: self._clear_plan())
        self.reason.textChanged.connect(lambda _t: self._clear_plan())
        self.step.currentIndexChanged.connect(lambda _i: self._update_override())

        self.summary = QLabel(self.tr("选好范围和办理事项后，点“检查”查看哪些申报可以办理。"))
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: bold;")
        self.ok_list = QListWidget()
        self.refused_list = QListWidget()
        self.refused_list.setWordWrap(True)
        self.ok_caption = QLabel(self.tr("将办理："))
        self.refused_caption = QLabel(self.tr("不能办理（原因）："))
        left, right = QWidget(), QWidget()
        for box, caption, view in ((left, self.ok_caption, self.ok_list),
                                   (right, self.refused_caption, self.refused_list)):
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(caption)
            column.addWidget(view)
        lists = QSplitter(Qt.Orientation.Horizontal)
        lists.addWidget(left)
        lists.addWidget(right)
        lists.setSizes([300, 500])

        self.check_button = QPushButton(self.tr("检查"))
        self.check_button.clicked.connect(self.check)
        self.apply_button = QPushButton(self.tr("确定办理"))
        self.apply_button.clicked.connect(self.apply)
        self.apply_button.setEnabled(False)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(lists, 1)
        layout.addLayout(buttons)
        self._update_override()

    def _fill_steps(self) -> None:
        current = self.step.currentData()
        self.step.blockSignals(True)
        self.step.clear()
        for status in BULK_STEPS:
            self.step.addItem(step_text(status, self.level.currentData()), str(status))
        self.step.setCurrentIndex(max(0, self.step.findData(current)))
        self.step.blockSignals(False)

    def _update_override(self) -> None:
        self.override.setVisible(self.step.currentData() == Status.APPROVED)
        if self.step.currentData() != Status.APPROVED:
            self.override.setChecked(False)

    def _clear_plan(self) -> None:
        self.plan = None
        self.apply_button.setEnabled(False)

    def _ids(self) -> Candidates:
        return self.runner.read(candidates, self.scopes[self.scope.currentData()], level=self.level.currentData(),
                                to_status=self.step.currentData())

    def check(self) -> BulkPlan | None:
        """Plan the step and show how many would be done and which would be refused."""
        self._clear_plan()
        self.ok_list.clear()
        self.refused_list.clear()
        found = self._ids()
        self.left_out = found.left_out
        action = self.step.currentText()
        if not found.ids:
            self.summary.setText(self.tr("范围内没有可以“{action}”的{level}申报（另有{n}个申报状态不适用）。").format(
                action=action, level=self.level.currentText(), n=found.left_out))
            return None
        try:
            plan = self.runner.read(candidacies.plan_bulk, self.runner.actor, candidacy_ids=list(found.ids),
                                    to_status=self.step.currentData(), reason=self.reason.text() or None,
                                    override_quota=self.override.isChecked())
        except UserError as exc:
            self.runner.warn(self, exc.message)
            return None
        self.plan = plan
        for item in plan.ok:
            self.ok_list.addItem(item.site_name)
        for refusal in plan.refused:
            entry = QListWidgetItem(refusal.reason if refusal.reason.startswith("示范点")
                                    else f"{refusal.site_name}：{refusal.reason}")
            entry.setForeground(QColor("#b3261e"))
            self.refused_list.addItem(entry)
        extra = self.tr("另有{n}个申报状态不适用，未列入。").format(n=found.left_out) if found.left_out else ""
        self.summary.setText(plan.summary + extra)
        self.ok_caption.setText(self.tr("将办理（{n}个）：").format(n=len(plan.ok)))
        self.refused_caption.setText(self.tr("不能办理（{n}个，原因）：").format(n=len(plan.refused)))
        self.apply_button.setEnabled(bool(plan.ok) and not self.runner.read_only_reason)
        return plan

    def apply(self) -> bool:
        """Record the planned steps (those shown as passing), then close."""
        plan = self.plan
        if plan is None or not plan.ok:
            return False
        question = self.tr("确定对{n}个申报办理“{action}”吗？可通过“撤销批量操作”整批撤销。").format(
            n=len(plan.ok), action=self.step.currentText())
        if not self.runner.ask(self, self.tr("批量办理"), question):
            return False
        confirmed = [item.candidacy_id for item in plan.ok]
        ids = confirmed + [r.candidacy_id for r in plan.refused]
        outcome = self.runner.run(self, candidacies.apply_bulk, candidacy_ids=ids, to_status=plan.to_status,
                                  reason=self.reason.text() or None, override_quota=self.override.isChecked(),
                                  confirmed=confirmed, kinds={CANDIDACIES})
        if not outcome.ok:
            self.check()
            return False
        self.result_count = len(outcome.value.transition_ids)
        self.accept()
        return True


class BatchUndoDialog(QDialog):
    """This office's recent batches; a whole batch can be reversed."""

    def __init__(self, runner: ActionRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle(self.tr("撤销批量操作"))
        self.resize(560, 380)
        self.list = QListWidget()
        self.note = QLabel(self.tr("只能撤销本单位的批量办理，且其中每个申报之后都还没有后续办理。"))
        self.note.setWordWrap(True)
        self.undo_button = QPushButton(self.tr("撤销所选批次"))
        self.undo_button.clicked.connect(self.undo_selected)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.list.currentRowChanged.connect(lambda _r: self._update())
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        rows = self.runner.read(candidacies.batches, self.runner.actor)
        for row in rows:
            item = QListWidgetItem(row.text)
            item.setData(Qt.ItemDataRole.UserRole, row.batch_id)
            item.setData(Qt.ItemDataRole.UserRole + 1, row.reversed)
            if row.reversed:
                item.setForeground(QColor("#7a7a7a"))
            self.list.addItem(item)
        if not rows:
            self.list.addItem(self.tr("（本单位还没有批量办理记录）"))
        else:
            self.list.setCurrentRow(0)
        self._update()

    def _update(self) -> None:
        item = self.list.currentItem()
        usable = item is not None and item.data(Qt.ItemDataRole.UserRole) and not item.data(Qt.ItemDataRole.UserRole + 1)
        self.undo_button.setEnabled(bool(usable) and not self.runner.read_only_reason)

    def undo_selected(self) -> bool:
        item = self.list.currentItem()
        batch_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not batch_id:
            return False
        if not self.runner.ask(self, self.tr("撤销批量操作"),
                               self.tr("确定整批撤销“{text}”吗？").format(text=item.text())):
            return False
        outcome = self.runner.run(self, candidacies.reverse_bulk, batch_id=batch_id, kinds={CANDIDACIES})
        self.reload()
        return outcome.ok
