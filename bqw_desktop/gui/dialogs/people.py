"""The people register and the liaison officers' sites; entering, assigning, ending.

`PeopleDialog` (from the 督查 menu) lists the register (新增 / 修改 / 删除, searchable by
name, unit or pinyin initials) with each person's current sites, and the liaison
officers with how many of their sites are overdue for a visit (`people.liaison_summary`,
`people.liaison_view`). Double-clicking a site selects it in the register window.
`PersonEditor` enters or changes one person; `AssignDialog` makes someone a site's
leader, responsible comrade or liaison officer from a date (`people.assign`, which ends
the predecessor on that date); `EndDialog` ends an assignment without a successor.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from bqw_desktop.domain.liaison import ROLE_LABELS
from bqw_desktop.domain.search_keys import SearchIndex, search_key
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.changes import PEOPLE
from bqw_desktop.gui.dialogs.visit_editor import (
    date_edit,
    exec_once,
    person_label,
    to_date,
)
from bqw_desktop.gui.models.visit_models import LiaisonSitesModel, LiaisonSummaryModel, PeopleModel
from bqw_desktop.gui.tabs.visits import make_table, select_first, selected_row
from bqw_desktop.gui.widgets.form_parts import error_label, ok_cancel
from bqw_desktop.services import people
from bqw_desktop.services.context import Actor
from bqw_desktop.services.people import AssignmentRow, PersonRow

SelectSite = Callable[[str], bool]


class PersonEditor(QDialog):
    """Enter a person (`person=None`) or change one; `person_id` after saving."""

    def __init__(self, runner: ActionRunner, *, person: PersonRow | None = None, name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.person = person
        self.person_id: str | None = person.id if person else None
        self.setWindowTitle(self.tr("修改人员") if person else self.tr("新增人员"))
        self.setMinimumWidth(440)
        self.name = QLineEdit(person.name if person else name)
        self.unit = QLineEdit(person.unit if person else "")
        self.unit.setPlaceholderText(self.tr("如：中共长沙县委组织部"))
        self.post = QLineEdit(person.post if person else "")
        self.post.setPlaceholderText(self.tr("如：组织科科员"))
        self.phone = QLineEdit(person.phone if person else "")
        form = QFormLayout()
        form.addRow(self.tr("姓名 *"), self.name)
        form.addRow(self.tr("单位"), self.unit)
        form.addRow(self.tr("职务"), self.post)
        form.addRow(self.tr("联系电话"), self.phone)
        self.error = error_label()
        self.buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        if person and person.owner_office != runner.actor.office_code:
            for edit in (self.name, self.unit, self.post, self.phone):
                edit.setReadOnly(True)
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).hide()
            self.error.setText(self.tr("该人员由单位 {owner} 登记，只有该单位可以修改。").format(owner=person.owner_office))
            self.error.show()

    def fields(self) -> dict[str, str]:
        return {"name": self.name.text(), "unit": self.unit.text(), "post": self.post.text(),
                "phone": self.phone.text()}

    def accept(self) -> None:
        if self.person is None:
            outcome = self.runner.run(self, _add_person, self.fields(), kinds={PEOPLE})
        else:
            outcome = self.runner.run(self, _update_person, self.person.id, self.fields(), kinds={PEOPLE})
        if not outcome.ok:
            self.error.setText(outcome.message)
            self.error.show()
            return
        self.person_id = outcome.value
        super().accept()


def _add_person(session: Session, actor: Actor, fields: dict[str, str]) -> str:
    return people.add_person(session, actor, **fields).id


def _update_person(session: Session, actor: Actor, person_id: str, fields: dict[str, str]) -> str:
    return people.update_person(session, actor, person_id, **fields).id


class AssignDialog(QDialog):
    """Make a person (picked from the register, or entered here) a site's `role` from a date."""

    def __init__(self, runner: ActionRunner, *, site_id: str, role: str, site_name: str = "",
                 current: AssignmentRow | None = None, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.site_id = site_id
        self.role = role
        self.assignment_id: str | None = None
        label = ROLE_LABELS[role]
        self.setWindowTitle(self.tr("更换{role}").format(role=label) + (f" — {site_name}" if site_name else ""))
        self.setMinimumWidth(500)
        self.person = QComboBox()
        self.person.setEditable(True)
        self.person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        typed, completer = self.person.lineEdit(), self.person.completer()
        assert typed is not None and completer is not None  # an editable combo has both
        typed.setPlaceholderText(self.tr("输入姓名查找，或从列表中选择"))
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self._fill_people(None)
        new_person = QPushButton(self.tr("新增人员…"))
        new_person.clicked.connect(self.new_person)
        row = QHBoxLayout()
        row.addWidget(self.person, 1)
        row.addWidget(new_person)
        self.start = date_edit(today or date.today())
        self.start.setMaximumWidth(140)
        now = QLabel(self.tr("{who}，自 {since}").format(who=current.person_name, since=current.start_date.isoformat())
                     if current else self.tr("未明确"))
        form = QFormLayout()
        form.addRow(self.tr("示范点"), QLabel(site_name))
        form.addRow(self.tr("职责"), QLabel(label))
        form.addRow(self.tr("现任"), now)
        form.addRow(self.tr("新任人员 *"), row)
        form.addRow(self.tr("起始日期 *"), self.start)
        hint = QLabel(self.tr("保存后，现任人员的任职在起始日期结束，历史记录保留。") if current else "")
        hint.setWordWrap(True)
        self.error = error_label()
        self.buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _fill_people(self, select_id: str | None) -> None:
        self.people: list[PersonRow] = self.runner.read(people.list_people)
        self.person.clear()
        for person in self.people:
            self.person.addItem(person_label(person), person.id)
        self.person.setCurrentIndex(self.person.findData(select_id) if select_id else -1)

    def choose(self, person_id: str) -> None:
        self.person.setCurrentIndex(self.person.findData(person_id))

    def new_person(self) -> None:
        typed = self.person.currentText() if self.person.currentIndex() < 0 else ""
        editor = PersonEditor(self.runner, name=typed, parent=self)
        if exec_once(editor) and editor.person_id:
            self._fill_people(editor.person_id)

    def selected_person(self) -> str | None:
        """The chosen person's id; a typed name matching exactly one label counts as chosen."""
        index = self.person.currentIndex()
        text = self.person.currentText().strip()
        if index >= 0 and self.person.itemText(index) == text:
            return self.person.itemData(index)
        matches = [p.id for p in self.people if text and text in (p.name, person_label(p))]
        return matches[0] if len(matches) == 1 else None

    def accept(self) -> None:
        person_id = self.selected_person()
        if person_id is None:
            text = self.person.currentText().strip()
            message = (self.tr("名册中没有“{name}”，请先点“新增人员…”登记。").format(name=text) if text
                       else self.tr("请选择新任人员。"))
            self.runner.warn(self, message)
            self.error.setText(message)
            self.error.show()
            return
        outcome = self.runner.run(self, _assign, self.site_id, person_id, self.role, to_date(self.start.date()),
                                  kinds={PEOPLE})
        if not outcome.ok:
            self.error.setText(outcome.message)
            self.error.show()
            return
        self.assignment_id = outcome.value
        super().accept()


def _assign(session: Session, actor: Actor, site_id: str, person_id: str, role: str, start: date) -> str:
    return people.assign(session, actor, site_id=site_id, person_id=person_id, role=role, start_date=start).id


class EndDialog(QDialog):
    """End an assignment on a date, without naming a successor."""

    def __init__(self, runner: ActionRunner, *, assignment: AssignmentRow, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.assignment = assignment
        self.setWindowTitle(self.tr("卸任"))
        self.end = date_edit(today or date.today())
        self.end.setMaximumWidth(140)
        form = QFormLayout()
        form.addRow(self.tr("人员"), QLabel(f"{assignment.person_name}（{assignment.role_label}，"
                                          f"自 {assignment.start_date.isoformat()}）"))
        form.addRow(self.tr("结束日期 *"), self.end)
        self.error = error_label()
        self.buttons = ok_cancel(self, "卸任")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        outcome = self.runner.run(self, _end, self.assignment.id, to_date(self.end.date()), kinds={PEOPLE})
        if not outcome.ok:
            self.error.setText(outcome.message)
            self.error.show()
            return
        super().accept()


def _end(session: Session, actor: Actor, assignment_id: str, end: date) -> None:
    people.end_assignment(session, actor, assignment_id=assignment_id, end_date=end)


# ---------------------------------------------------------------- the register dialog


def _titled(title: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 4, 0, 0)
    label = QLabel(title)
    layout.addWidget(label)
    layout.addWidget(widget, 1)
    box.title = label  # type: ignore[attr-defined]
    return box


class PeopleDialog(QDialog):
    """The people register and the liaison officers' sites (see the module docstring)."""

    def __init__(self, runner: ActionRunner, *, select_site: SelectSite | None = None, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.select_site = select_site
        self.today = today or date.today()
        self.setWindowTitle(self.tr("人员与联络员"))
        self.resize(980, 640)
        self.people_model = PeopleModel(self)
        self.person_sites = LiaisonSitesModel(self)
        self.summary_model = LiaisonSummaryModel(self)
        self.officer_sites = LiaisonSitesModel(self)
        self._all_people: list[PersonRow] = []
        self._index = SearchIndex([])
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_register(), self.tr("人员名册"))
        self.tabs.addTab(self._build_liaison(), self.tr("联络员走访情况"))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close)
        runner.changes.changed.connect(self._changed)
        self.reload()

    # Building ---------------------------------------------------------------------------
    def _build_register(self) -> QWidget:
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("查找姓名、单位、拼音首字母…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._filter())
        self.add_button = QPushButton(self.tr("新增…"))
        self.add_button.clicked.connect(self.add_person)
        self.edit_button = QPushButton(self.tr("修改…"))
        self.edit_button.clicked.connect(self.edit_person)
        self.delete_button = QPushButton(self.tr("删除"))
        self.delete_button.clicked.connect(self.delete_person)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        for button in (self.add_button, self.edit_button, self.delete_button):
            row.addWidget(button)
        self.people_view = make_table(self.people_model)
        self.people_view.doubleClicked.connect(lambda _i: self.edit_person())
        self.people_view.selectionModel().selectionChanged.connect(lambda *_: self._person_changed())
        self.person_sites_view = make_table(self.person_sites)
        self.person_sites_view.doubleClicked.connect(lambda i: self._go_to(self.person_sites, i.row()))
        self.person_sites_box = _titled(self.tr("现任职的示范点"), self.person_sites_view)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.people_view)
        splitter.addWidget(self.person_sites_box)
        splitter.setSizes([330, 200])
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(splitter, 1)
        return page

    def _build_liaison(self) -> QWidget:
        self.interval_note = QLabel()
        self.summary_view = make_table(self.summary_model)
        self.summary_view.selectionModel().selectionChanged.connect(lambda *_: self._officer_changed())
        self.officer_sites_view = make_table(self.officer_sites)
        self.officer_sites_view.doubleClicked.connect(lambda i: self._go_to(self.officer_sites, i.row()))
        self.officer_sites_box = _titled("", self.officer_sites_view)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.summary_view)
        splitter.addWidget(self.officer_sites_box)
        splitter.setSizes([260, 270])
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.interval_note)
        layout.addWidget(splitter, 1)
        return page

    # Loading ----------------------------------------------------------------------------
    def reload(self) -> None:
        keep_person = selected_row(self.people_view)
        keep_officer = selected_row(self.summary_view)
        self._all_people = self.runner.read(people.list_people)
        self._index = SearchIndex([search_key(p.name, p.unit, p.post) for p in self._all_people])
        self._filter(keep_person.id if keep_person else None)
        summary, interval = self.runner.read(_summary, self.today)
        self.summary_model.set_rows(summary)
        overdue = sum(1 for r in summary if r.overdue)
        self.interval_note.setText(self.tr(
            "现任联络员 {n} 名，其中 {late} 名有逾期未走访的示范点（走访间隔 {days} 天，可在“逾期未走访与整改逾期”中设置）。"
            "双击示范点可在名册中选中它。").format(n=len(summary), late=overdue, days=interval))
        select_first(self.summary_view, (lambda r: r.person_id == keep_officer.person_id) if keep_officer else None)
        self._officer_changed()

    def _filter(self, keep_id: str | None = None) -> None:
        query = self.search.text()
        positions = self._index.filter(query) if query.strip() else range(len(self._all_people))
        self.people_model.set_rows([self._all_people[i] for i in positions])
        select_first(self.people_view, (lambda p: p.id == keep_id) if keep_id else None)
        self._person_changed()

    def _person_changed(self) -> None:
        person = selected_row(self.people_view)
        rows = self.runner.read(people.liaison_view, person_id=person.id, today=self.today) if person else []
        self.person_sites.set_rows(rows)
        title = (self.tr("{name} 现任职的示范点（{n} 个）").format(name=person.name, n=len(rows)) if person
                 else self.tr("现任职的示范点"))
        self.person_sites_box.title.setText(title)  # type: ignore[attr-defined]
        self.edit_button.setEnabled(person is not None)
        self.delete_button.setEnabled(person is not None and person.owner_office == self.runner.actor.office_code
                                      and not self.runner.read_only_reason)
        self.add_button.setEnabled(not self.runner.read_only_reason)

    def _officer_changed(self) -> None:
        officer = selected_row(self.summary_view)
        rows = self.runner.read(people.liaison_view, person_id=officer.person_id, today=self.today) if officer else []
        self.officer_sites.set_rows(rows)
        self.officer_sites_box.title.setText(  # type: ignore[attr-defined]
            self.tr("{name} 联系的示范点（逾期的排在前面）").format(name=officer.name) if officer else "")

    def _changed(self, kinds: set[str]) -> None:
        self.reload()

    def _go_to(self, model: LiaisonSitesModel, row: int) -> None:
        if self.select_site is None:
            return
        site = model.row_at(row)
        if not self.select_site(site.site_id):
            self.runner.warn(self, self.tr("“{name}”不在名册当前的筛选结果中，请先清除筛选。").format(name=site.site_name))

    # Commands ---------------------------------------------------------------------------
    def add_person(self) -> None:
        editor = PersonEditor(self.runner, name=self.search.text().strip(), parent=self)
        if exec_once(editor) and editor.person_id:
            self.search.clear()
            select_first(self.people_view, lambda p: p.id == editor.person_id)

    def edit_person(self) -> None:
        person = selected_row(self.people_view)
        if person is not None:
            exec_once(PersonEditor(self.runner, person=person, parent=self))

    def delete_person(self) -> None:
        person = selected_row(self.people_view)
        if person is None:
            return
        if self.runner.ask(self, self.tr("删除人员"), self.tr("确定从名册中删除“{name}”吗？").format(name=person.name)):
            self.runner.run(self, people.delete_person, person.id, kinds={PEOPLE})


def _summary(session: Session, today: date) -> tuple[list[Any], int]:
    from bqw_desktop.services import visits

    return people.liaison_summary(session, today=today), visits.visit_interval(session)
