"""Recording or changing a visit with its rectification items, and closing an item (销号).

`VisitEditor` saves through `services.visits.record_visit` (new) or `update_visit` plus the
item changes (existing) in one unit of work: a refusal (a date after today, an item
without a description or due before the visit…) keeps the dialog open with the service's
Chinese message and saves nothing. A visit recorded by another office is shown read-only.

`ClosingDialog` closes one item (`close_rectification`, an act owned by this office even
for another office's item) with a closing date, evidence and an optional file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from bqw_desktop.domain.liaison import VISIT_KIND_LABELS
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.changes import VISITS
from bqw_desktop.gui.widgets.form_parts import error_label, ok_cancel
from bqw_desktop.services import people, visits
from bqw_desktop.services.context import Actor
from bqw_desktop.services.people import PersonRow
from bqw_desktop.services.visits import RectificationInput, RectificationRow, VisitRow

DEFAULT_DAYS_TO_RECTIFY = 30
COL_DESCRIPTION, COL_DUE, COL_RESPONSIBLE = range(3)


def exec_once(dialog: QDialog) -> bool:
    """Run a modal dialog, then free it: a parented dialog would otherwise live as long as
    its parent, one more for every time the clerk opens it."""
    try:
        return bool(dialog.exec())
    finally:
        dialog.deleteLater()


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(value: date) -> QDateEdit:
    """A date field with a calendar, shown as 2024-05-03. No upper bound: the service says
    why a future date is refused, in words the clerk understands."""
    edit = QDateEdit(to_qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(QDate(2000, 1, 1))
    return edit


def person_label(person: PersonRow) -> str:
    """"张伟（县委组织部·组织科科员）" as the people menus show a person."""
    where = "·".join(x for x in (person.unit, person.post) if x)
    return f"{person.name}（{where}）" if where else person.name


@dataclass
class _ItemState:
    """What an existing item was when the editor opened, to save only what changed."""

    id: str
    description: str
    due_date: date
    responsible: str


class VisitEditor(QDialog):
    """The editor of a new visit (`visit=None`) or an existing one; `visit_id` after saving."""

    def __init__(self, runner: ActionRunner, *, site_id: str, site_name: str = "", visit: VisitRow | None = None,
                 today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.site_id = site_id
        self.visit = visit
        self.visit_id: str | None = visit.id if visit else None
        self.today = today or date.today()
        self.people: list[PersonRow] = runner.read(people.list_people)
        self._items: list[_ItemState | None] = []  # per table row: the item it shows, None if new
        self._removed: list[str] = []
        self.setWindowTitle((self.tr("修改走访记录") if visit else self.tr("记录走访")) +
                            (f" — {site_name}" if site_name else ""))
        self.setMinimumSize(760, 620)
        self._build()
        if visit:
            self._load(visit)
        else:
            self.add_item_row()

    # Building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.visit_date = date_edit(self.today)
        self.visit_date.setMaximumWidth(140)
        self._visit_day = self.today
        self.visit_date.dateChanged.connect(self._dues_follow_visit_date)
        self.kind = QComboBox()
        for key, label in VISIT_KIND_LABELS.items():
            self.kind.addItem(self.tr(label), key)
        self.visitors = QLineEdit()
        self.visitors.setPlaceholderText(self.tr("可从名册选择，也可直接输入，多人用“、”分隔"))
        self.pick_visitor = QToolButton()
        self.pick_visitor.setText(self.tr("从名册选择"))
        self.pick_visitor.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.pick_visitor)
        for person in self.people:
            menu.addAction(person_label(person), partial(self.add_visitor, person.name))
        if not self.people:
            menu.addAction(self.tr("（名册中还没有人员）")).setEnabled(False)
        self.pick_visitor.setMenu(menu)
        who = QHBoxLayout()
        who.addWidget(self.visitors, 1)
        who.addWidget(self.pick_visitor)
        self.observations = QPlainTextEdit()
        self.observations.setPlaceholderText(self.tr("到点上看到的情况"))
        self.problems = QPlainTextEdit()
        self.problems.setPlaceholderText(self.tr("发现的问题；需要整改的逐条列入下方整改事项"))
        for edit in (self.observations, self.problems):
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(60)
            edit.setMaximumHeight(110)
        self.kind.setMinimumWidth(160)

        when = QHBoxLayout()
        when.addWidget(self.visit_date)
        when.addSpacing(16)
        when.addWidget(QLabel(self.tr("类型 *")))
        when.addWidget(self.kind)
        when.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("走访日期 *"), when)
        form.addRow(self.tr("走访人员 *"), who)
        form.addRow(self.tr("看到的情况"), self.observations)
        form.addRow(self.tr("发现的问题"), self.problems)

        self.items = QTableWidget(0, 3)
        self.items.setHorizontalHeaderLabels([self.tr("整改事项 *"), self.tr("整改期限 *"), self.tr("责任人")])
        self.items.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        self.items.setMinimumHeight(150)
        header = self.items.horizontalHeader()
        header.setSectionResizeMode(COL_DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(COL_DUE, 130)
        header.resizeSection(COL_RESPONSIBLE, 130)
        self.add_item_button = QPushButton(self.tr("添加整改事项"))
        self.add_item_button.clicked.connect(lambda: self.add_item_row())
        self.remove_item_button = QPushButton(self.tr("删除所选事项"))
        self.remove_item_button.clicked.connect(self.remove_selected_item)
        item_buttons = QHBoxLayout()
        item_buttons.addWidget(QLabel(self.tr("整改事项（期限默认为走访后 {n} 天）").format(n=DEFAULT_DAYS_TO_RECTIFY)))
        item_buttons.addStretch(1)
        item_buttons.addWidget(self.add_item_button)
        item_buttons.addWidget(self.remove_item_button)

        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.error = error_label()
        self.buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addLayout(form)
        layout.addLayout(item_buttons)
        layout.addWidget(self.items, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _dues_follow_visit_date(self, value: QDate) -> None:
        """New items whose due date is still the default move with the visit date."""
        old_default = self._visit_day + timedelta(days=DEFAULT_DAYS_TO_RECTIFY)
        self._visit_day = to_date(value)
        for row, state in enumerate(self._items):
            due = self.items.cellWidget(row, COL_DUE)
            if state is None and to_date(due.date()) == old_default:  # type: ignore[attr-defined]
                due.setDate(to_qdate(self._visit_day + timedelta(days=DEFAULT_DAYS_TO_RECTIFY)))  # type: ignore[attr-defined]

    def add_visitor(self, name: str) -> None:
        """Append a name from the register to 走访人员 (once)."""
        names = [n for n in self.visitors.text().replace(",", "、").replace("，", "、").split("、") if n.strip()]
        if name not in [n.strip() for n in names]:
            names.append(name)
        self.visitors.setText("、".join(n.strip() for n in names))

    def add_item_row(self, description: str = "", due: date | None = None, responsible: str = "",
                     state: _ItemState | None = None) -> int:
        """Add a row to the items table; returns its position."""
        row = self.items.rowCount()
        self.items.insertRow(row)
        text = QLineEdit(description)
        text.setPlaceholderText(self.tr("要整改的问题和要求"))
        text.setFrame(False)
        due_edit = date_edit(due or to_date(self.visit_date.date()) + timedelta(days=DEFAULT_DAYS_TO_RECTIFY))
        due_edit.setFrame(False)
        owner = QLineEdit(responsible)
        owner.setFrame(False)
        owner.setPlaceholderText(self.tr("如：支部书记"))
        self.items.setCellWidget(row, COL_DESCRIPTION, text)
        self.items.setCellWidget(row, COL_DUE, due_edit)
        self.items.setCellWidget(row, COL_RESPONSIBLE, owner)
        self._items.append(state)
        return row

    def remove_selected_item(self) -> None:
        rows = sorted({i.row() for i in self.items.selectionModel().selectedRows()}, reverse=True)
        if not rows and self.items.currentRow() >= 0:
            rows = [self.items.currentRow()]
        for row in rows:
            self.remove_item_row(row)

    def remove_item_row(self, row: int) -> None:
        state = self._items.pop(row)
        if state is not None:
            self._removed.append(state.id)
        self.items.removeRow(row)

    # Loading ----------------------------------------------------------------------------
    def _load(self, visit: VisitRow) -> None:
        self.visit_date.setDate(to_qdate(visit.visit_date))
        self.kind.setCurrentIndex(max(self.kind.findData(visit.kind), 0))
        self.visitors.setText(visit.visitors)
        self.observations.setPlainText(visit.observations)
        self.problems.setPlainText(visit.problems)
        for item in visit.rectifications:
            self.add_item_row(item.description, item.due_date, item.responsible,
                              _ItemState(item.id, item.description, item.due_date, item.responsible))
        if visit.owner_office != self.runner.actor.office_code:
            self._read_only(visit.owner_office)

    def _read_only(self, owner: str) -> None:
        self.notice.setText(self.tr("该走访记录由单位 {owner} 登记，只有该单位可以修改；此处只能查看。"
                                    "整改销号请在“督查指导”页选中事项后进行。").format(owner=owner))
        self.notice.show()
        for kind in (QLineEdit, QComboBox, QDateEdit, QToolButton, QPushButton):
            for widget in self.findChildren(kind):
                widget.setEnabled(False)
        for edit in (self.observations, self.problems):
            edit.setReadOnly(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("关闭"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(True)

    # Saving -----------------------------------------------------------------------------
    def fields(self) -> dict[str, Any]:
        """The visit's own fields as the service's keyword arguments."""
        return {"visit_date": to_date(self.visit_date.date()), "kind": self.kind.currentData(),
                "visitors": self.visitors.text(), "observations": self.observations.toPlainText(),
                "problems": self.problems.toPlainText()}

    def item_inputs(self) -> list[tuple[_ItemState | None, RectificationInput]]:
        """The rows as items, blank rows dropped first so "第 n 条" matches the table."""
        for row in reversed(range(self.items.rowCount())):
            description, _, responsible = self._row_values(row)
            if not description.strip() and not responsible.strip() and self._items[row] is None:
                self.remove_item_row(row)
        out = []
        for row in range(self.items.rowCount()):
            description, due, responsible = self._row_values(row)
            out.append((self._items[row], RectificationInput(description=description, due_date=due,
                                                             responsible=responsible)))
        return out

    def _row_values(self, row: int) -> tuple[str, date, str]:
        text = self.items.cellWidget(row, COL_DESCRIPTION)
        due = self.items.cellWidget(row, COL_DUE)
        owner = self.items.cellWidget(row, COL_RESPONSIBLE)
        return text.text(), to_date(due.date()), owner.text()  # type: ignore[attr-defined]

    def accept(self) -> None:
        """Save in one unit of work; on a refusal stay open, show why, and save nothing."""
        items = self.item_inputs()
        if self.visit is None:
            outcome = self.runner.run(self, _record, self.site_id, self.fields(), [i for _, i in items],
                                      self.today, kinds={VISITS})
        else:
            outcome = self.runner.run(self, _update, self.visit.id, self.fields(), items, list(self._removed),
                                      self.today, kinds={VISITS})
        if not outcome.ok:
            self.error.setText(outcome.message)
            self.error.show()
            return
        self.visit_id = outcome.value
        super().accept()


def _record(session: Session, actor: Actor, site_id: str, fields: dict[str, Any],
            items: list[RectificationInput], today: date) -> str:
    return visits.record_visit(session, actor, site_id=site_id, rectifications=items, today=today, **fields).id


def _update(session: Session, actor: Actor, visit_id: str, fields: dict[str, Any],
            items: list[tuple[_ItemState | None, RectificationInput]], removed: list[str], today: date) -> str:
    visits.update_visit(session, actor, visit_id, today=today, **fields)
    for item_id in removed:
        visits.delete_rectification(session, actor, item_id)
    for state, item in items:
        if state is None:
            visits.add_rectification(session, actor, visit_id=visit_id, item=item)
            continue
        changes = {key: getattr(item, key) for key in ("description", "due_date", "responsible")
                   if getattr(item, key) != getattr(state, key)}
        if changes:
            visits.update_rectification(session, actor, state.id, **changes)
    return visit_id


class ClosingDialog(QDialog):
    """Close (销号) one rectification item: date, evidence and an optional file."""

    def __init__(self, runner: ActionRunner, store: Path, *, item: RectificationRow, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.store = store
        self.item = item
        self.today = today or date.today()
        self.file: Path | None = None
        self.closing_id: str | None = None
        self.setWindowTitle(self.tr("整改销号"))
        self.setMinimumWidth(560)
        self._build()

    def _build(self) -> None:
        item = self.item
        about = QLabel(self.tr("整改事项：{text}\n整改期限：{due}　责任人：{who}　（{date} 走访发现）").format(
            text=item.description, due=item.due_date.isoformat(), who=item.responsible or "—",
            date=item.visit_date.isoformat()))
        about.setWordWrap(True)
        about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.closed_on = date_edit(self.today)
        self.closed_on.setMaximumWidth(140)
        self.evidence = QPlainTextEdit()
        self.evidence.setPlaceholderText(self.tr("如：已整改到位，经现场复查确认；附整改前后照片"))
        self.evidence.setTabChangesFocus(True)
        self.file_label = QLineEdit()
        self.file_label.setReadOnly(True)
        self.file_label.setPlaceholderText(self.tr("可不选"))
        choose = QPushButton(self.tr("选择文件…"))
        choose.clicked.connect(self.choose_file)
        clear = QPushButton(self.tr("不附文件"))
        clear.clicked.connect(lambda: self.set_file(None))
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(choose)
        file_row.addWidget(clear)
        form = QFormLayout()
        form.addRow(self.tr("销号日期 *"), self.closed_on)
        form.addRow(self.tr("整改佐证 *"), self.evidence)
        form.addRow(self.tr("佐证文件"), file_row)
        self.error = error_label()
        self.buttons = ok_cancel(self, "销号")
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        if item.owner_office != self.runner.actor.office_code:
            note = QLabel(self.tr("该事项由单位 {owner} 提出；销号记录归本单位所有，会随数据包报送。").format(
                owner=item.owner_office))
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def set_file(self, path: Path | None) -> None:
        self.file = path
        self.file_label.setText(str(path) if path else "")

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("选择佐证文件"), "",
                                              self.tr("图片和文档 (*.jpg *.jpeg *.png *.bmp *.pdf *.doc *.docx);;所有文件 (*)"))
        if name:
            self.set_file(Path(name))

    def accept(self) -> None:
        outcome = self.runner.run(self, _close, self.store, self.item.id, to_date(self.closed_on.date()),
                                  self.evidence.toPlainText(), self.file, self.today, kinds={VISITS})
        if not outcome.ok:
            self.error.setText(outcome.message)
            self.error.show()
            return
        self.closing_id = outcome.value
        super().accept()


def _close(session: Session, actor: Actor, store: Path, item_id: str, closed_on: date, evidence: str,
           file: Path | None, today: date) -> str:
    closing = visits.close_rectification(session, actor, rectification_id=item_id, closed_on=closed_on,
                                         evidence=evidence, today=today)
    if file is not None:
        visits.attach_file(session, actor, store, record_type="rectification_closings", record_id=closing.id,
                           source=file)
    return closing.id
