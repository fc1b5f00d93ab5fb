"""The 联系人 tab: who leads, is responsible for and liaises with the selected site.

Above, this office's current 主要领导 / 负责同志 / 联络员, each with 更换… (pick from the
register or enter a new person, from a date: `people.assign`, which ends the predecessor
on that date) and 卸任…; below, every assignment of the site, current ones first, then
the history (other offices' assignments included, named by their office).
"""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from bqw_desktop.domain.liaison import ROLE_LABELS, Role
from bqw_desktop.errors import NotFoundError
from bqw_desktop.gui.changes import PEOPLE, SITES, touches
from bqw_desktop.gui.context import MainWindowContext
from bqw_desktop.gui.dialogs.visit_editor import exec_once
from bqw_desktop.gui.models.visit_models import AssignmentModel, day
from bqw_desktop.gui.tabs.visits import make_table, site_name
from bqw_desktop.services import people
from bqw_desktop.services.people import AssignmentRow

ROLES = (Role.LEADER, Role.RESPONSIBLE, Role.LIAISON)


class PeopleTab(QWidget):
    """The selected site's leader, responsible comrade and liaison officer, with history."""

    def __init__(self, ctx: MainWindowContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.office_code = ctx.office.code
        self.site_id: str | None = None
        self.site_name = ""
        self.rows: list[AssignmentRow] = []
        self.model = AssignmentModel(self.office_code, self)
        self._build()
        ctx.changes.changed.connect(self._changed)
        ctx.read_only_changed.connect(lambda _on: self._update_buttons())

    def _build(self) -> None:
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        self.holders: dict[str, QLabel] = {}
        self.change_buttons: dict[str, QPushButton] = {}
        self.end_buttons: dict[str, QPushButton] = {}
        for n, role in enumerate(ROLES):
            holder = QLabel()
            change = QPushButton(self.tr("更换…"))
            change.clicked.connect(lambda _c=False, r=role: self.change(r))
            end = QPushButton(self.tr("卸任…"))
            end.clicked.connect(lambda _c=False, r=role: self.end(r))
            grid.addWidget(QLabel(self.tr(ROLE_LABELS[role]) + "："), n, 0)
            grid.addWidget(holder, n, 1)
            grid.addWidget(change, n, 2)
            grid.addWidget(end, n, 3)
            self.holders[role], self.change_buttons[role], self.end_buttons[role] = holder, change, end
        grid.setColumnStretch(4, 1)
        self.people_button = QPushButton(self.tr("人员名册…"))
        self.people_button.clicked.connect(self.open_register)
        self.view = make_table(self.model)
        self.view.setObjectName("assignmentTable")
        self.history_title = QLabel(self.tr("任职情况（含历任）"))
        history = QHBoxLayout()
        history.addWidget(self.history_title, 1)
        history.addWidget(self.people_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(grid)
        layout.addLayout(history)
        layout.addWidget(self.view, 1)

    # Showing ----------------------------------------------------------------------------
    def show_site(self, site_id: str | None) -> None:
        self.site_id = site_id
        self.rows = []
        self.site_name = ""
        if site_id:
            try:
                self.site_name = self.ctx.runner.read(site_name, site_id)
                self.rows = self.ctx.runner.read(people.assignments_of, site_id)
            except NotFoundError:
                self.site_id = None
        self.model.set_rows(self.rows)
        for role in ROLES:
            self.holders[role].setText(self._holder_text(role))
        ended = sum(1 for r in self.rows if not r.current)
        self.history_title.setText(self.tr("任职情况：现任 {now} 人，历任 {past} 人").format(
            now=len(self.rows) - ended, past=ended) if self.site_id else "")
        self._update_buttons()

    def current(self, role: str) -> AssignmentRow | None:
        """This office's current holder of `role` for the site."""
        return next((r for r in self.rows if r.current and r.role == role and r.owner_office == self.office_code),
                    None)

    def _holder_text(self, role: str) -> str:
        if not self.site_id:
            return ""
        held = self.current(role)
        if held is None:
            return self.tr("<span style='color:#b00020'>未明确</span>")
        where = "　".join(x for x in (held.unit, held.post) if x)
        phone = f"　{held.phone}" if held.phone else ""
        return self.tr("<b>{name}</b>　{where}{phone}　（自 {since}）").format(
            name=held.person_name, where=where, phone=phone, since=day(held.start_date))

    def _update_buttons(self) -> None:
        writable = self.site_id is not None and not self.ctx.read_only
        for role in ROLES:
            self.change_buttons[role].setEnabled(writable)
            self.end_buttons[role].setEnabled(writable and self.current(role) is not None)

    def _changed(self, kinds: set[str]) -> None:
        if touches(kinds, PEOPLE, SITES) and self.site_id:
            self.show_site(self.site_id)

    # Commands ---------------------------------------------------------------------------
    def change(self, role: str) -> None:
        from bqw_desktop.gui.dialogs.people import AssignDialog

        if self.site_id:
            exec_once(AssignDialog(self.ctx.runner, site_id=self.site_id, role=role, site_name=self.site_name,
                                   current=self.current(role), parent=self))

    def end(self, role: str) -> None:
        from bqw_desktop.gui.dialogs.people import EndDialog

        held = self.current(role)
        if held is not None:
            exec_once(EndDialog(self.ctx.runner, assignment=held, parent=self))

    def open_register(self) -> None:
        from bqw_desktop.gui.dialogs.people import PeopleDialog

        exec_once(PeopleDialog(self.ctx.runner, select_site=getattr(self.ctx, "select_site", None), parent=self))
