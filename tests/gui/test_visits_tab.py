"""The 督查指导 tab driven as a clerk would: record a visit, close and reopen items, overdue lists."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from bqw_desktop.domain.liaison import RectificationStatus
from bqw_desktop.gui.dialogs.overdue import OverdueDialog
from bqw_desktop.gui.dialogs.visit_editor import ClosingDialog, VisitEditor, to_qdate
from bqw_desktop.gui.models.visit_models import VisitTableModel
from bqw_desktop.gui.tabs.visits import attachment_store
from bqw_desktop.services import attachments, visits
from bqw_desktop.services.context import Actor
from bqw_desktop.services.visits import RectificationInput

SITE = "果园镇浔龙河村党总支"


def open_tab(window, title: str):
    detail = window.detail
    index = next(i for i in range(detail.count()) if detail.tabText(i) == title)
    detail.setCurrentIndex(index)
    return detail.widget(index)


def select(window, name: str) -> str:
    site_id = window.site_ids[name]
    assert window.select_site(site_id)
    return site_id


def run_modal(action, fill) -> None:
    """Trigger `action`, which opens a modal dialog, and let `fill(dialog)` answer it."""
    QTimer.singleShot(0, lambda: fill(QApplication.activeModalWidget()))
    action()


def history(db, site_id):
    with db.sessions() as s:
        return visits.visit_history(s, site_id)


def fill_visit(editor: VisitEditor, *, when: date) -> None:
    editor.visit_date.setDate(to_qdate(when))
    editor.kind.setCurrentIndex(editor.kind.findData("inspection"))
    editor.visitors.insert("李明")  # as typed through an input method
    editor.problems.setPlainText("“三会一课”记录不全；党务公开栏未更新。")
    for row in range(editor.items.rowCount()):  # the editor opens with one blank row
        editor.remove_item_row(0)
    first = editor.add_item_row()
    editor.items.cellWidget(first, 0).insert("补齐“三会一课”会议记录")
    editor.items.cellWidget(first, 2).insert("支部书记")
    second = editor.add_item_row()
    editor.items.cellWidget(second, 0).insert("按季度更新党务公开栏")


def test_record_a_visit_with_two_items_then_close_one(window, qtbot, county_db, tmp_path):
    site_id = select(window, SITE)
    tab = open_tab(window, "督查指导")
    assert tab.visits_model.rowCount() == 0 and "尚无走访记录" in tab.summary.text()
    when = date.today() - timedelta(days=10)

    def fill(editor: VisitEditor) -> None:
        fill_visit(editor, when=when)
        editor.accept()

    run_modal(tab.record_button.click, fill)

    [visit] = history(county_db, site_id)
    assert (visit.visit_date, visit.kind, visit.visitors) == (when, "inspection", "李明")
    assert sorted((r.description, r.due_date, r.responsible) for r in visit.rectifications) == sorted(
        [("补齐“三会一课”会议记录", when + timedelta(days=30), "支部书记"),
         ("按季度更新党务公开栏", when + timedelta(days=30), "")])
    # The tab shows the new visit selected, with its two open items.
    assert tab.visits_model.rowCount() == 1
    assert tab.current_visit().id == visit.id
    assert tab.visits_model.index(0, VisitTableModel.COL_ITEMS).data() == "2 项，2 项整改中"
    assert tab.details.tabText(0) == "整改事项（2）"
    assert tab.items_model.rowCount() == 2

    # Close the item about the meeting records, with a photo as evidence.
    row = tab.items_model.row_of(lambda r: r.description.startswith("补齐"))
    tab.items_view.selectRow(row)
    item = tab.current_item()
    assert tab.close_button.isEnabled() and not tab.reopen_button.isEnabled()
    photo = tmp_path / "整改后.jpg"
    photo.write_bytes(b"\xff\xd8\xff photo after rectification")

    def close(dialog: ClosingDialog) -> None:
        dialog.evidence.setPlainText("会议记录已补齐，经联络员现场复核。")
        dialog.set_file(photo)
        dialog.accept()

    run_modal(tab.close_button.click, close)

    items = {r.description: r for r in history(county_db, site_id)[0].rectifications}
    closed = items["补齐“三会一课”会议记录"]
    assert closed.status == RectificationStatus.CLOSED
    assert closed.closings[0].closed_on == date.today()
    assert closed.closings[0].owner_office == "430121"
    assert items["按季度更新党务公开栏"].status == RectificationStatus.OPEN
    with county_db.sessions() as s:
        [link] = attachments.links_of(s, "rectification_closings", closed.closings[0].id)
        stored = attachments.open_path(attachment_store(window.ctx), link)
    assert stored.read_bytes() == photo.read_bytes()
    # The tab kept the item selected and now offers to reopen it, not to close it again.
    assert tab.current_item().id == item.id
    assert tab.current_item().status == RectificationStatus.CLOSED
    assert not tab.close_button.isEnabled() and tab.reopen_button.isEnabled()
    assert "已销号" in tab.items_model.index(tab.items_view.currentIndex().row(), 3).data()
    assert tab.visits_model.index(0, VisitTableModel.COL_ITEMS).data() == "2 项，1 项整改中"

    # The evidence file opens through the viewer hook, as a copy.
    opened: list = []
    tab.files.open_url = opened.append
    tab.evidence_button.click()
    assert len(opened) == 1
    copy = Path(opened[0].toLocalFile())
    assert copy.name == "整改后.jpg" and copy.read_bytes() == photo.read_bytes() and copy != stored


def test_reopen_own_closing(window, answers, county_db, county_actor):
    site_id = select(window, SITE)
    with county_db.begin() as s:
        visits.record_visit(s, county_actor, site_id=site_id, visit_date=date.today(), kind="guidance",
                            visitors="李明", rectifications=[RectificationInput("完善台账", date.today())])
    item_id = history(county_db, site_id)[0].rectifications[0].id
    with county_db.begin() as s:
        visits.close_rectification(s, county_actor, rectification_id=item_id, closed_on=date.today(),
                                   evidence="已完善")
    tab = open_tab(window, "督查指导")
    assert tab.current_item().status == RectificationStatus.CLOSED
    tab.reopen_button.click()
    assert "撤销" in answers.questions[-1]
    assert history(county_db, site_id)[0].rectifications[0].status == RectificationStatus.OPEN
    assert tab.current_item().status == RectificationStatus.OPEN and tab.close_button.isEnabled()


def test_future_visit_is_refused_with_the_services_message(window, qtbot, answers, county_db):
    site_id = select(window, SITE)
    editor = VisitEditor(window.ctx.runner, site_id=site_id)
    qtbot.addWidget(editor)
    fill_visit(editor, when=date.today() + timedelta(days=3))
    editor.accept()
    assert editor.result() != editor.DialogCode.Accepted
    assert "晚于今天" in answers.warnings[-1] and "晚于今天" in editor.error.text()
    assert history(county_db, site_id) == []


def test_blank_item_rows_are_dropped_and_numbering_matches_the_table(window, qtbot, answers, county_db):
    site_id = select(window, SITE)
    editor = VisitEditor(window.ctx.runner, site_id=site_id)
    qtbot.addWidget(editor)
    editor.visitors.insert("李明")  # as typed through an input method
    editor.add_item_row()  # second blank row
    row = editor.add_item_row()
    editor.items.cellWidget(row, 2).insert("支部书记")  # a responsible person but no description
    editor.accept()
    assert editor.items.rowCount() == 1  # the blank rows went, the half-filled one stays
    assert answers.warnings[-1].startswith("第 1 条整改事项")
    assert history(county_db, site_id) == []


def test_another_offices_visit_is_read_only_but_its_item_can_be_closed(window, qtbot, county_db):
    site_id = select(window, SITE)
    city = Actor(user="市督查组", office_code="430100")
    with county_db.begin() as s:
        s.info["merging"] = True  # as if it arrived in the city's package
        visits.record_visit(s, city, site_id=site_id, visit_date=date.today() - timedelta(days=40),
                            kind="inspection", visitors="市委组织部督查组",
                            rectifications=[RectificationInput("规范党员活动室", date.today() - timedelta(days=5))])
    tab = open_tab(window, "督查指导")
    assert not tab.delete_button.isEnabled() and tab.edit_button.text() == "查看…"
    assert not tab.files.add_button.isEnabled()
    item = tab.current_item()
    assert item.status == RectificationStatus.OVERDUE
    assert "逾期" in tab.summary.text()

    viewer = VisitEditor(window.ctx.runner, site_id=site_id, visit=tab.current_visit())
    qtbot.addWidget(viewer)
    assert not viewer.notice.isHidden() and "430100" in viewer.notice.text()
    assert not viewer.visitors.isEnabled()

    dialog = ClosingDialog(window.ctx.runner, attachment_store(window.ctx), item=item)
    qtbot.addWidget(dialog)
    dialog.evidence.setPlainText("县委组织部复查，已整改到位。")
    dialog.accept()
    closed = history(county_db, site_id)[0].rectifications[0]
    assert closed.status == RectificationStatus.CLOSED
    assert closed.owner_office == "430100" and closed.closings[0].owner_office == "430121"


def test_visit_photos_are_attached_and_opened_as_copies(window, county_db, county_actor, tmp_path):
    site_id = select(window, SITE)
    with county_db.begin() as s:
        visits.record_visit(s, county_actor, site_id=site_id, visit_date=date.today(), kind="survey",
                            visitors="李明")
    tab = open_tab(window, "督查指导")
    photos = []
    for name in ("活动室.jpg", "公开栏.jpg"):
        path = tmp_path / name
        path.write_bytes(name.encode())
        photos.append(path)
    assert tab.files.add_files(photos)
    assert tab.details.tabText(2) == "照片与附件（2）"
    opened: list = []
    tab.files.open_url = opened.append
    tab.files.view.selectRow(1)
    tab.files.open_button.click()
    copy = Path(opened[0].toLocalFile())
    assert copy.name == "公开栏.jpg" and copy.read_bytes() == "公开栏.jpg".encode()


def test_overdue_lists_and_double_click_selects_the_site(window, qtbot, county_db, county_actor):
    site_id = window.site_ids[SITE]
    with county_db.begin() as s:
        visits.record_visit(s, county_actor, site_id=site_id, visit_date=date.today() - timedelta(days=60),
                            kind="guidance", visitors="李明",
                            rectifications=[RectificationInput("完善台账", date.today() - timedelta(days=30))])
    window.ctx.set_current_site(None)
    dialog = OverdueDialog(window.ctx.runner, select_site=window.ctx.select_site)
    qtbot.addWidget(dialog)
    # Never-visited sites with nobody assigned are overdue at once; the visited one is not yet.
    listed = {r.site_id for r in dialog.visits_model.rows}
    assert site_id not in listed and len(listed) == len(window.site_ids) - 1
    assert dialog.tabs.tabText(1) == "整改逾期（1）"
    assert dialog.items_model.index(0, 3).data() == "30"
    dialog.items_view.doubleClicked.emit(dialog.items_model.index(0, 0))
    assert window.ctx.current_site_id == site_id

    # A shorter interval makes the visited site overdue too, and is kept as this office's policy.
    dialog.interval.setValue(30)
    assert dialog.apply_interval()
    assert site_id in {r.site_id for r in dialog.visits_model.rows}
    with county_db.sessions() as s:
        assert visits.visit_interval(s) == 30


def test_liaison_menu_opens_one_overdue_window(window):
    actions = window.ctx.liaison_actions
    first = actions.overdue()
    assert actions.overdue() is first and first.isVisible()
    first.close()
