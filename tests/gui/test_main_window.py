"""The real main window, driven as a clerk would: create, edit, filter, search, delete."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from bqw_desktop.errors import NotFoundError
from bqw_desktop.gui.dialogs.site_editor import SiteEditor
from bqw_desktop.gui.models.site_table import COL_MEMBERS, COL_NAME, COL_SECRETARY, COL_TYPE
from bqw_desktop.services import sites


def names_shown(window) -> list[str]:
    model = window.model
    return [model.index(r, COL_NAME).data() for r in range(model.rowCount())]


def select(window, name: str) -> None:
    assert window.select_site(window.site_ids[name])
    assert window.ctx.current_site_id == window.site_ids[name]


def live_site(db, site_id):
    with db.sessions() as s:
        site = sites.get_site(s, site_id)
        return {"name": site.name, "secretary": site.secretary, "version": site.version,
                "member_count": site.member_count}


def test_register_shows_every_site_with_office_in_status_bar(window):
    assert sorted(names_shown(window)) == sorted(window.site_ids)
    assert window.count_label.text() == "显示 7 / 共 7 个示范点"
    assert "长沙县委组织部（430121）" in window.office_label.text()
    assert not window.banner.isVisible()


def test_new_site_through_the_file_menu(window, qtbot, county_db):
    def fill_editor() -> None:
        editor = QApplication.activeModalWidget()
        assert isinstance(editor, SiteEditor)
        editor.name.insert("泉塘街道党工委")  # as typed through an input method
        editor.org_type.setCurrentIndex(editor.org_type.findData("subdistrict"))
        editor.secretary.insert("孙立")  # as typed through an input method
        qtbot.keyClicks(editor.member_count, "42")
        qtbot.mouseClick(editor.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill_editor)
    window.new_action.trigger()

    assert "泉塘街道党工委" in names_shown(window)
    new_id = window.ctx.current_site_id
    assert live_site(county_db, new_id) == {"name": "泉塘街道党工委", "secretary": "孙立", "version": 1,
                                            "member_count": 42}
    assert window.detail.currentWidget().values["name"].text() == "泉塘街道党工委"
    assert window.detail.currentWidget().values["owner"].text() == "长沙县委组织部（430121）"


def test_edit_changes_the_row_and_the_version(window, qtbot, county_db):
    select(window, "黄花镇党委")
    editor = SiteEditor(window.ctx.runner, window.ctx.office, site_id=window.ctx.current_site_id)
    qtbot.addWidget(editor)
    assert editor.secretary.text() == "刘志强"
    editor.secretary.clear()
    editor.secretary.insert("吴海")  # as typed through an input method
    editor.accept()

    assert editor.result() == editor.DialogCode.Accepted
    row = window.model.row_of(window.site_ids["黄花镇党委"])
    assert window.model.index(row, COL_SECRETARY).data() == "吴海"
    assert live_site(county_db, window.site_ids["黄花镇党委"])["version"] == 2
    assert window.detail.currentWidget().values["secretary"].text() == "吴海"


def test_institution_kind_only_for_institutions(window, qtbot):
    editor = SiteEditor(window.ctx.runner, window.ctx.office)
    qtbot.addWidget(editor)
    editor.org_type.setCurrentIndex(editor.org_type.findData("village"))
    assert not editor.org_kind.isEnabled()
    editor.org_type.setCurrentIndex(editor.org_type.findData("institution"))
    assert editor.org_kind.isEnabled()


def test_bad_member_count_shows_message_keeps_dialog_and_saves_nothing(window, qtbot, answers, county_db):
    editor = SiteEditor(window.ctx.runner, window.ctx.office)
    qtbot.addWidget(editor)
    editor.name.insert("榔梨街道党工委")  # as typed through an input method
    editor.member_count.insert("三十")  # as typed through an input method
    editor.accept()

    assert editor.result() != editor.DialogCode.Accepted
    assert answers.warnings and "党员人数" in answers.warnings[-1]
    assert "党员人数" in editor.error.text()
    with county_db.sessions() as s:
        assert "榔梨街道党工委" not in {r.name for r in sites.list_sites(s)}
    assert "榔梨街道党工委" not in names_shown(window)


def test_empty_name_is_refused_in_chinese(window, qtbot, answers):
    editor = SiteEditor(window.ctx.runner, window.ctx.office)
    qtbot.addWidget(editor)
    editor.accept()
    assert len(answers.warnings) == 1 and "名称" in answers.warnings[0]
    assert window.model.total() == 7


def test_filter_by_org_type(window):
    bar = window.filter_bar
    bar.org_type.setCurrentIndex(bar.org_type.findData("village"))
    assert sorted(names_shown(window)) == ["开慧镇开慧村党支部", "果园镇浔龙河村党总支"]
    assert {window.model.index(r, COL_TYPE).data() for r in range(2)} == {"村党组织"}
    assert window.count_label.text() == "显示 2 / 共 7 个示范点"
    bar.clear()
    assert window.model.rowCount() == 7


def test_search_by_pinyin_initials(window, qtbot):
    qtbot.keyClicks(window.filter_bar.search, "xsjd")
    assert names_shown(window) == ["星沙街道党工委"]
    window.filter_bar.search.clear()
    qtbot.keyClicks(window.filter_bar.search, "kaihui")
    assert names_shown(window) == ["开慧镇开慧村党支部"]


def test_search_and_filter_combine(window, qtbot):
    bar = window.filter_bar
    bar.org_type.setCurrentIndex(bar.org_type.findData("subdistrict"))
    qtbot.keyClicks(bar.search, "jd")
    assert sorted(names_shown(window)) == ["星沙街道党工委", "湘龙街道党工委"]
    bar.status.setCurrentIndex(bar.status.findData("approved"))
    assert names_shown(window) == []


def test_delete_asks_then_tombstones(window, answers, county_db):
    select(window, "三一重工党委")
    site_id = window.ctx.current_site_id
    window.delete_action.trigger()

    assert "审计日志" in answers.questions[-1]
    assert "三一重工党委" not in names_shown(window)
    assert window.model.total() == 6
    assert window.ctx.current_site_id is None
    with county_db.sessions() as s, pytest.raises(NotFoundError):
        sites.get_site(s, site_id)


def test_delete_cancelled_keeps_the_site(window, answers):
    answers.reply = False
    select(window, "三一重工党委")
    window.delete_action.trigger()
    assert "三一重工党委" in names_shown(window)


def test_edit_and_delete_need_a_selection(window):
    window.ctx.set_current_site(None)
    assert not window.edit_action.isEnabled()
    assert not window.delete_action.isEnabled()
    select(window, "黄花镇党委")
    assert window.edit_action.isEnabled() and window.delete_action.isEnabled()


def test_read_only_after_a_failed_check_refuses_writes(window, answers):
    window.set_read_only("数据库检查发现损坏（page 3），已切换为只读，请从备份恢复。")
    assert window.banner.isVisible() and "只读" in window.banner.text()
    assert not window.new_action.isEnabled()
    select(window, "黄花镇党委")
    assert not window.delete_action.isEnabled()
    outcome = window.ctx.runner.run(window, sites.delete_site, window.site_ids["黄花镇党委"])
    assert not outcome.ok and "只读" in answers.warnings[-1]
    assert window.model.total() == 7


def test_sorting_by_members_clicking_the_header(window, qtbot):
    header = window.table.horizontalHeader()
    window.table.sortByColumn(COL_MEMBERS, Qt.SortOrder.DescendingOrder)
    members = [int(window.model.index(r, COL_MEMBERS).data()) for r in range(window.model.rowCount())]
    assert members == sorted(members, reverse=True)
    assert header.sortIndicatorSection() == COL_MEMBERS


def test_column_widths_and_layout_are_remembered(qtbot, county_db, county_actor, settings):
    from bqw_desktop.gui.main_window import MainWindow

    first = MainWindow(county_db, settings=settings, actor=county_actor)
    qtbot.addWidget(first)
    first.table.horizontalHeader().resizeSection(COL_NAME, 333)
    first.close()

    second = MainWindow(county_db, settings=settings, actor=county_actor)
    qtbot.addWidget(second)
    assert second.table.horizontalHeader().sectionSize(COL_NAME) == 333


def test_selection_survives_a_reload(window):
    select(window, "湘龙街道党工委")
    window.reload_sites()
    assert window.ctx.current_site_id == window.site_ids["湘龙街道党工委"]
    assert window.table.currentIndex().row() == window.model.row_of(window.site_ids["湘龙街道党工委"])
