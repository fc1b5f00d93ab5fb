"""The 联系人 tab and the 人员与联络员 dialog: assign, replace, see the history and the overdue sites."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from bqw_desktop.domain.liaison import Role
from bqw_desktop.gui.dialogs.people import AssignDialog, PeopleDialog, PersonEditor
from bqw_desktop.gui.dialogs.visit_editor import to_qdate
from bqw_desktop.services import people

SITE = "黄花镇党委"


def open_tab(window, title: str):
    detail = window.detail
    index = next(i for i in range(detail.count()) if detail.tabText(i) == title)
    detail.setCurrentIndex(index)
    return detail.widget(index)


def run_modal(action, fill) -> None:
    QTimer.singleShot(0, lambda: fill(QApplication.activeModalWidget()))
    action()


def add_people(db, actor) -> dict[str, str]:
    ids = {}
    with db.begin() as s:
        for name, post in (("张卫东", "组织科科员"), ("刘芳", "组织科副科长")):
            ids[name] = people.add_person(s, actor, name=name, unit="中共长沙县委组织部", post=post,
                                          phone="0731-84011234").id
    return ids


def test_assign_a_liaison_officer_then_replace_and_see_the_history(window, county_db, county_actor):
    person_ids = add_people(county_db, county_actor)
    site_id = window.site_ids[SITE]
    assert window.select_site(site_id)
    tab = open_tab(window, "联系人")
    assert "未明确" in tab.holders[Role.LIAISON].text()
    assert not tab.end_buttons[Role.LIAISON].isEnabled()
    first_day = date.today() - timedelta(days=200)
    second_day = date.today() - timedelta(days=100)

    def assign(name: str, start: date):
        def fill(dialog: AssignDialog) -> None:
            assert dialog.role == Role.LIAISON
            dialog.choose(person_ids[name])
            dialog.start.setDate(to_qdate(start))
            dialog.accept()
        return fill

    run_modal(lambda: tab.change_buttons[Role.LIAISON].click(), assign("张卫东", first_day))
    assert "张卫东" in tab.holders[Role.LIAISON].text() and first_day.isoformat() in tab.holders[Role.LIAISON].text()

    run_modal(lambda: tab.change_buttons[Role.LIAISON].click(), assign("刘芳", second_day))

    assert "刘芳" in tab.holders[Role.LIAISON].text()
    shown = [(r.person_name, r.start_date, r.end_date) for r in tab.model.rows]
    assert shown == [("刘芳", second_day, None), ("张卫东", first_day, second_day)]
    assert tab.model.index(0, 5).data() == "至今"
    assert tab.model.index(1, 5).data() == second_day.isoformat()
    assert tab.history_title.text() == "任职情况：现任 1 人，历任 1 人"
    with county_db.sessions() as s:
        stored = [(r.person_name, r.end_date) for r in people.assignments_of(s, site_id)]
    assert stored == [("刘芳", None), ("张卫东", second_day)]


def test_a_name_not_in_the_register_is_entered_from_the_assign_dialog(window, qtbot, answers, county_db):
    site_id = window.site_ids[SITE]
    dialog = AssignDialog(window.ctx.runner, site_id=site_id, role=Role.LEADER, site_name=SITE)
    qtbot.addWidget(dialog)
    dialog.person.lineEdit().insert("王海涛")  # as typed through an input method
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "名册中没有“王海涛”" in answers.warnings[-1]

    def enter(editor: PersonEditor) -> None:
        assert editor.name.text() == "王海涛"
        editor.unit.insert("黄花镇党委")
        editor.post.insert("党委书记")
        editor.accept()

    run_modal(dialog.new_person, enter)
    assert dialog.person.currentText() == "王海涛（黄花镇党委·党委书记）"
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    with county_db.sessions() as s:
        [held] = people.assignments_of(s, site_id)
    assert (held.person_name, held.role, held.start_date) == ("王海涛", "leader", date.today())


def test_people_dialog_shows_each_liaison_officers_overdue_sites(window, qtbot, answers, county_db, county_actor):
    person_ids = add_people(county_db, county_actor)
    site_id = window.site_ids[SITE]
    with county_db.begin() as s:
        people.assign(s, county_actor, site_id=site_id, person_id=person_ids["刘芳"], role=Role.LIAISON,
                      start_date=date.today() - timedelta(days=120))
    window.ctx.set_current_site(None)
    dialog = PeopleDialog(window.ctx.runner, select_site=window.ctx.select_site)
    qtbot.addWidget(dialog)

    # The register, searchable by pinyin initials, with each person's current sites.
    assert {p.name for p in dialog.people_model.rows} == {"张卫东", "刘芳"}
    dialog.search.setText("lf")
    assert [p.name for p in dialog.people_model.rows] == ["刘芳"]
    assert dialog.people_model.index(0, 4).data() == "1"
    assert [r.site_name for r in dialog.person_sites.rows] == [SITE]

    # The liaison officers: never visited since taken on 120 days ago, with a 90-day interval.
    [officer] = dialog.summary_model.rows
    assert (officer.name, officer.sites, officer.overdue) == ("刘芳", 1, 1)
    assert dialog.officer_sites.index(0, 5).data() == "逾期 30 天"
    assert dialog.officer_sites.index(0, 3).data() == "从未走访"
    dialog.officer_sites_view.doubleClicked.emit(dialog.officer_sites.index(0, 0))
    assert window.ctx.current_site_id == site_id

    # Someone still assigned cannot be deleted; the refusal says why.
    dialog.delete_person()
    assert "仍在 1 个示范点任职" in answers.warnings[-1]
    assert {p.name for p in dialog._all_people} == {"张卫东", "刘芳"}


def test_edit_a_person_from_the_register(window, qtbot, county_db, county_actor):
    person_ids = add_people(county_db, county_actor)
    dialog = PeopleDialog(window.ctx.runner)
    qtbot.addWidget(dialog)
    row = dialog.people_model.row_of(lambda p: p.name == "张卫东")
    dialog.people_view.selectRow(row)

    def change(editor: PersonEditor) -> None:
        editor.phone.clear()
        editor.phone.insert("13900001111")
        editor.accept()

    run_modal(dialog.edit_person, change)
    with county_db.sessions() as s:
        person = next(p for p in people.list_people(s) if p.id == person_ids["张卫东"])
    assert person.phone == "13900001111"
    # The dialog reloaded and kept the person selected.
    assert dialog.people_model.row_at(dialog.people_view.currentIndex().row()).phone == "13900001111"
