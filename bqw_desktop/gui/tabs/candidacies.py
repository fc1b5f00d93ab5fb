"""The 申报与创建 tab: a site's candidacies, the selected one's history and the steps this
office may take now.

The buttons are exactly `CandidacyView.allowed_next` (status and role); the date, quota and
reason guards are checked when a button is pressed, and a refusal shows the service's Chinese
message with nothing recorded. Steps needing a reason, and recommendations and approvals
(which show the quota), go through `StepDialog`; other steps are confirmed with a question.
An office may undo its own last step while nothing follows it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from bqw_desktop.domain import lifecycle
from bqw_desktop.domain.lifecycle import Status
from bqw_desktop.domain.vocab import LEVEL_LABELS
from bqw_desktop.errors import UserError
from bqw_desktop.gui.changes import CANDIDACIES, SITES, touches
from bqw_desktop.gui.context import MainWindowContext
from bqw_desktop.gui.dialogs.candidacy_editor import CandidacyEditor, levels_for
from bqw_desktop.gui.dialogs.candidacy_step import StepDialog
from bqw_desktop.gui.models.candidacy_models import (
    STEP_LABELS,
    CandidacyListModel,
    HistoryModel,
)
from bqw_desktop.paths import DataFolder
from bqw_desktop.services import candidacies, sites
from bqw_desktop.services.candidacies import CandidacyRow, CandidacyView, HistoryRow

DIALOG_STEPS = frozenset({Status.RECOMMENDED, Status.APPROVED}) | lifecycle.REASON_REQUIRED
HISTORY_WIDTHS = (150, 150, 80, 90, 300, 150)


def step_label(to_status: str, level: str) -> str:
    """The button text of a step, e.g. "确定为县级创建单位"."""
    return STEP_LABELS[to_status].format(level=LEVEL_LABELS.get(level, level))


def _site_list(session: Session, site_id: str) -> tuple[str, list[CandidacyRow], dict[str, str]]:
    name = sites.get_site(session, site_id).name
    rows = candidacies.list_candidacies(session, site_id=site_id)
    names = {code: candidacies.office_name(session, code) for code in {r.registrant for r in rows}}
    return name, rows, names


def undoable(view: CandidacyView, office_code: str) -> HistoryRow | None:
    """This office's step that it may undo now: the chain's last step, or its step in a conflict."""
    chain = [h for h in view.history if h.place == "chain" and h.transition_id]
    if chain and chain[-1].office_code == office_code:
        followed = {h.follows_id for h in view.history if h.place in ("fork", "dangling")}
        if chain[-1].transition_id not in followed:
            return chain[-1]
    for h in view.history:
        if h.place in ("fork", "dangling") and h.office_code == office_code:
            return h
    return None


class CandidaciesTab(QWidget):
    """A site's candidacies and what this office may do with them."""

    def __init__(self, ctx: MainWindowContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.site_id: str | None = None
        self.site_name = ""
        self.view: CandidacyView | None = None
        self.step_buttons: dict[str, QPushButton] = {}
        self.exec_dialog: Callable[[QDialog], int] = lambda dialog: dialog.exec()
        self._stale = False
        self.list_model = CandidacyListModel(parent=self)
        self.history_model = HistoryModel(self)
        self._build()
        ctx.changes.changed.connect(self._changed)
        ctx.read_only_changed.connect(lambda _on: self._show_view())

    # Building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.table = QTableView()
        self.table.setObjectName("candidacyTable")
        self.table.setModel(self.list_model)
        self._plain_table(self.table)
        self.table.setMaximumHeight(120)
        for column, width in enumerate((60, 130, 190, 90, 160)):
            self.table.horizontalHeader().resizeSection(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.new_button = QPushButton(self.tr("新建申报…"))
        self.new_button.clicked.connect(self.new_candidacy)
        self.edit_button = QPushButton(self.tr("申报材料与照片…"))
        self.edit_button.clicked.connect(self.edit_candidacy)
        side = QVBoxLayout()
        side.addWidget(self.new_button)
        side.addWidget(self.edit_button)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.table, 1)
        top.addLayout(side)

        self.status_label = QLabel()
        self.status_label.setStyleSheet("font-size: 11pt; font-weight: bold;")
        self.quota_label = QLabel()
        self.conflict_label = QLabel()
        self.conflict_label.setWordWrap(True)
        self.conflict_label.setStyleSheet("color: #b3261e;")
        self.steps_row = QHBoxLayout()
        self.steps_caption = QLabel(self.tr("本单位可办理："))
        self.steps_row.addWidget(self.steps_caption)
        self.steps_box = QHBoxLayout()
        self.steps_row.addLayout(self.steps_box)
        self.steps_row.addStretch(1)
        self.undo_button = QPushButton(self.tr("撤销本单位的上一步"))
        self.undo_button.clicked.connect(self.undo_last)
        self.steps_row.addWidget(self.undo_button)

        self.history = QTableView()
        self.history.setObjectName("historyTable")
        self.history.setModel(self.history_model)
        self._plain_table(self.history)
        self.history.setWordWrap(True)
        for column, width in enumerate(HISTORY_WIDTHS):
            self.history.horizontalHeader().resizeSection(column, width)
        self.history.horizontalHeader().setStretchLastSection(False)
        self.history.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)

        detail = QWidget()
        rows = QVBoxLayout(detail)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.addWidget(self.status_label)
        rows.addWidget(self.quota_label)
        rows.addWidget(self.conflict_label)
        rows.addLayout(self.steps_row)
        rows.addWidget(QLabel(self.tr("办理记录（按办理顺序；红色为冲突，划线为已撤销）：")))
        rows.addWidget(self.history, 1)
        upper = QWidget()
        upper.setLayout(top)
        top.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(detail)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

    @staticmethod
    def _plain_table(table: QTableView) -> None:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.setAlternatingRowColors(True)
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setHighlightSections(False)

    # Loading ----------------------------------------------------------------------------
    def show_site(self, site_id: str | None) -> None:
        """Load the site's candidacies, keeping the selected one when reloading."""
        keep = self.view.id if self.view is not None and site_id == self.site_id else None
        self._stale = False
        self.site_id = site_id
        rows: list[CandidacyRow] = []
        if site_id:
            try:
                self.site_name, rows, names = self.ctx.runner.read(_site_list, site_id)
                self.list_model.office_names = names
            except UserError:
                rows = []
        self.list_model.set_rows(rows)
        row = self.list_model.row_of(keep) if keep else None
        if row is None and rows:
            open_rows = [n for n, r in enumerate(rows) if r.status not in lifecycle.FINAL_STATUSES]
            row = open_rows[-1] if open_rows else len(rows) - 1
        if row is not None:
            self.table.selectRow(row)
            self.load_candidacy(rows[row].id)
        else:
            self.load_candidacy(None)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            candidacy_id = self.list_model.row_at(current.row()).id
            if self.view is None or self.view.id != candidacy_id:
                self.load_candidacy(candidacy_id)

    def load_candidacy(self, candidacy_id: str | None) -> None:
        self.view = None
        if candidacy_id:
            try:
                self.view = self.ctx.runner.read(candidacies.candidacy_view, candidacy_id)
            except UserError:
                self.view = None
        self._show_view()

    def _show_view(self) -> None:
        view = self.view
        writable = not self.ctx.read_only
        self.new_button.setEnabled(bool(self.site_id) and writable and bool(levels_for(self.ctx.office)))
        self.edit_button.setEnabled(view is not None)
        for button in self.step_buttons.values():
            self.steps_box.removeWidget(button)
            button.hide()  # gone at once, not only when the event loop deletes it
            button.deleteLater()
        self.step_buttons = {}
        if view is None:
            text = self.tr("该示范点尚未申报。") if self.site_id else self.tr("（请在上方名册中选择一个示范点）")
            self.status_label.setText(text)
            self.quota_label.setText("")
            self.conflict_label.setText("")
            self.history_model.set_rows([])
            self.steps_caption.hide()
            self.undo_button.hide()
            return
        waiting = f"　{view.waiting}" if view.waiting and not view.conflict else ""
        self.status_label.setText(self.tr("{level}申报：{status}{waiting}").format(
            level=LEVEL_LABELS.get(view.level, view.level), status=view.status_label, waiting=waiting))
        self.quota_label.setText(self.tr("名额：{text}").format(text=view.quota.text) if view.quota else "")
        self.quota_label.setStyleSheet("color: #b3261e;" if view.quota and view.quota.full else "")
        self.conflict_label.setText(view.conflict)
        self.conflict_label.setVisible(bool(view.conflict))
        self.history_model.set_history(view.history, level=view.level)
        self.history.resizeRowsToContents()
        for status in view.allowed_next:
            button = QPushButton(step_label(status, view.level))
            button.setEnabled(writable)
            button.clicked.connect(lambda _checked=False, s=status: self.take_step(s))
            self.steps_box.addWidget(button)
            self.step_buttons[status] = button
        self.steps_caption.setVisible(bool(view.allowed_next))
        own = undoable(view, self.ctx.office.code)
        self.undo_button.setVisible(own is not None)
        self.undo_button.setEnabled(writable)
        if own is not None:
            label = self.history_model.text(own, 0)
            self.undo_button.setText(self.tr("撤销本单位的上一步（{step}）").format(step=label))
            self.undo_button.setToolTip(self.tr("撤销本单位办理的“{step}”（{day}）").format(
                step=own.status_label, day=own.acted_on.isoformat() if own.acted_on else ""))

    # Commands ---------------------------------------------------------------------------
    def take_step(self, to_status: str) -> bool:
        """Record a step on the shown candidacy; True when it was recorded."""
        view = self.view
        if view is None:
            return False
        action = step_label(to_status, view.level)

        def submit(reason: str, override: bool) -> bool:
            outcome = self.ctx.runner.run(self, candidacies.advance, candidacy_id=view.id, to_status=to_status,
                                          reason=reason or None, override_quota=override, kinds={CANDIDACIES})
            return outcome.ok

        if to_status in DIALOG_STEPS:
            dialog = StepDialog(site_name=view.site_name, action=action, to_status=to_status,
                                reason_required=lifecycle.reason_required(to_status),
                                quota=view.quota if to_status in (Status.RECOMMENDED, Status.APPROVED) else None,
                                submit=submit, parent=self)
            result = self.exec_dialog(dialog)
            dialog.deleteLater()
            return result == QDialog.DialogCode.Accepted
        question = self.tr("确定对示范点“{site}”办理“{action}”吗？").format(site=view.site_name, action=action)
        if not self.ctx.runner.ask(self, action, question):
            return False
        return submit("", False)

    def undo_last(self) -> bool:
        view = self.view
        own = undoable(view, self.ctx.office.code) if view is not None else None
        if view is None or own is None or own.transition_id is None:
            return False
        question = self.tr("确定撤销本单位对示范点“{site}”办理的“{step}”吗？撤销记录会保留在审计日志中。").format(
            site=view.site_name, step=self.history_model.text(own, 0))
        if not self.ctx.runner.ask(self, self.tr("撤销办理"), question):
            return False
        return self.ctx.runner.run(self, candidacies.reverse, transition_id=own.transition_id,
                                   kinds={CANDIDACIES}).ok

    def new_candidacy(self) -> CandidacyEditor | None:
        if not self.site_id:
            return None
        editor = self._editor(None)
        if self.exec_dialog(editor) == QDialog.DialogCode.Accepted and editor.candidacy_id:
            self.select_candidacy(editor.candidacy_id)
        return editor

    def select_candidacy(self, candidacy_id: str) -> None:
        """Show one of the listed candidacies."""
        row = self.list_model.row_of(candidacy_id)
        if row is None:
            self.show_site(self.site_id)
            row = self.list_model.row_of(candidacy_id)
        if row is not None:
            self.table.selectRow(row)
            self.load_candidacy(candidacy_id)

    def edit_candidacy(self) -> CandidacyEditor | None:
        if not self.site_id or self.view is None:
            return None
        editor = self._editor(self.view.id)
        self.exec_dialog(editor)
        return editor

    def _editor(self, candidacy_id: str | None) -> CandidacyEditor:
        return CandidacyEditor(self.ctx.runner, self.ctx.office, site_id=self.site_id or "",
                               site_name=self.site_name, store=DataFolder(self.ctx.db.path).attachments,
                               candidacy_id=candidacy_id, parent=self)

    def _changed(self, kinds: set[str]) -> None:
        if touches(kinds, CANDIDACIES, SITES, "quotas", "campaigns") and self.site_id:
            if self.isVisible():
                self.show_site(self.site_id)
            else:
                self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.show_site(self.site_id)

