"""行政区划与单位, driven from the main window: system units, renames, additions, who may act."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from bqw_desktop.gui.context import FILE
from bqw_desktop.gui.dialogs.site_editor import SiteEditor
from bqw_desktop.gui.dialogs.units import COL_NAME, COL_OWNER, COL_STATUS, NameForm, NewUnitForm
from bqw_desktop.gui.models.site_table import COL_NAME as SITE_NAME
from bqw_desktop.gui.models.site_table import COL_REGION
from bqw_desktop.services import sites
from bqw_desktop.services.context import Actor
from bqw_desktop.services.offices import init_office
from tests.gui.conftest import Answers

PROVINCE = Actor(user="tester", office_code="430000")
CITY = Actor(user="tester", office_code="430100")


def open_window(qtbot, db, actor, settings):
    from bqw_desktop.gui.main_window import MainWindow

    win = MainWindow(db, settings=settings, actor=actor)
    win.answers = Answers()
    win.ctx.runner.warn = win.answers.warn
    win.ctx.runner.ask = win.answers.ask
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def units_dialog(qtbot, window):
    dialog = window.ctx.units_actions.open(show=False)
    qtbot.addWidget(dialog)
    return dialog


def fill_modal(fill) -> None:
    """Answer the next modal form: `fill(form)` types into it and presses OK; a form still
    open afterwards (a failed check) is cancelled, so a test never hangs on it."""
    def answer() -> None:
        form = QApplication.activeModalWidget()
        try:
            fill(form)
        finally:
            if form is not None and form.isVisible():
                form.reject()

    QTimer.singleShot(0, answer)


def press_ok(qtbot, form) -> None:
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def row_texts(dialog, code: str) -> tuple[str, str, str]:
    item = dialog.items[code]
    return item.text(COL_NAME), item.text(COL_STATUS), item.text(COL_OWNER)


@pytest.fixture
def province_window(qtbot, tmp_path: Path, settings):
    db = init_office(tmp_path / "province.sqlite3", tier="province", code="430000", user="tester")
    yield open_window(qtbot, db, PROVINCE, settings)
    db.close()


@pytest.fixture
def city_window(qtbot, city_db, settings):
    with city_db.begin() as s:
        for name, region in (("玉潭街道党工委", "430124"), ("星沙街道党工委", "430121")):
            sites.add_site(s, CITY, name=name, org_type="subdistrict", region_code=region)
    return open_window(qtbot, city_db, CITY, settings)


def test_the_file_menu_opens_the_dialog_before_quit(province_window):
    texts = [a.text() for a in province_window.ctx.menu(FILE).actions()]
    assert "行政区划与单位…" in texts
    assert texts.index("行政区划与单位…") < texts.index("退出")


def test_province_adds_a_system_unit(qtbot, province_window):
    dialog = units_dialog(qtbot, province_window)
    assert dialog.windowTitle() == "行政区划与单位"
    assert dialog.select("430000") and dialog.add_system_button.isEnabled()
    assert dialog.add_button.isEnabled() and not dialog.rename_button.isEnabled()

    seen = {}

    def fill(form: NameForm) -> None:
        seen["title"] = form.windowTitle()
        form.name.insert("省直机关工委")  # as typed through an input method
        press_ok(qtbot, form)

    fill_modal(fill)
    qtbot.mouseClick(dialog.add_system_button, Qt.MouseButton.LeftButton)

    assert seen["title"] == "新增省直机关/系统单位"
    assert dialog.current_code() == "430000-S01"
    assert row_texts(dialog, "430000-S01") == ("省直机关工委", "新增", "湖南省委组织部")
    assert dialog.items["430000-S01"].parent() is dialog.items["430000"]
    assert dialog.rename_button.isEnabled() and dialog.remove_button.isEnabled()

    def fill_twice(form: NameForm) -> None:  # the same name again: refused, the form stays open
        form.name.insert("省直机关工委")
        form.accept()
        seen["error"] = form.error.text()
        seen["open"] = form.isVisible()
        form.reject()

    fill_modal(fill_twice)
    assert not dialog.add_system()
    assert "已有同名单位“省直机关工委”" in seen["error"] and seen["open"]
    assert "430000-S02" not in dialog.items


def test_city_renames_a_county_and_the_window_shows_it_at_once(qtbot, city_window):
    window = city_window
    site_id = next(r.id for r in window.model._rows if r.name == "玉潭街道党工委")

    def region_of_site() -> str:
        row = window.model.row_of(site_id)
        return window.model.index(row, COL_REGION).data()

    assert region_of_site() == "宁乡县"
    dialog = units_dialog(qtbot, window)
    assert dialog.select("430124") and dialog.rename_button.isEnabled()
    assert not dialog.add_system_button.isEnabled() and not dialog.remove_button.isEnabled()

    def fill(form: NameForm) -> None:
        assert form.name.text() == "宁乡县"
        form.name.clear()
        form.name.insert("宁乡市")
        press_ok(qtbot, form)

    fill_modal(fill)
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)

    assert row_texts(dialog, "430124") == ("宁乡市", "已更名（原名：宁乡县）", "长沙市委组织部")
    assert region_of_site() == "宁乡市"
    assert window.model.index(window.model.row_of(site_id), SITE_NAME).data() == "玉潭街道党工委"
    combo = window.filter_bar.region
    assert combo.itemText(combo.findData("430124")).strip("　") == "宁乡市"

    picked = {}

    def look(editor: SiteEditor) -> None:
        picked["label"] = editor.region.itemText(editor.region.findData("430124")).strip("　")
        editor.reject()

    fill_modal(look)
    window.new_action.trigger()
    assert picked["label"] == "宁乡市"


def test_city_adds_a_county_that_the_filter_and_editor_offer(qtbot, city_window):
    window = city_window
    dialog = units_dialog(qtbot, window)
    assert dialog.select("430100") and dialog.add_button.isEnabled()

    def fill(form: NewUnitForm) -> None:
        assert [form.tier.itemData(i) for i in range(form.tier.count())] == ["county"]
        qtbot.keyClicks(form.code, "430282")
        form.name.insert("宁乡市")
        form.accept()  # a code outside 长沙市: refused, the form stays open with the reason
        assert "应以 4301 开头" in form.error.text()
        form.code.clear()
        qtbot.keyClicks(form.code, "430182")
        form.name.clear()
        form.name.insert("大河西新区")
        press_ok(qtbot, form)

    fill_modal(fill)
    assert dialog.add_child()
    assert row_texts(dialog, "430182") == ("大河西新区", "新增", "长沙市委组织部")
    assert dialog.items["430182"].parent() is dialog.items["430100"]
    assert any("应以 4301 开头" in w for w in window.answers.warnings)

    combo = window.filter_bar.region
    assert combo.itemText(combo.findData("430182")).strip("　") == "大河西新区"
    combo.setCurrentIndex(combo.findData("430182"))
    assert window.model.rowCount() == 0  # no site lies there yet
    editor = SiteEditor(window.ctx.runner, window.ctx.office, divisions=window.divisions)
    qtbot.addWidget(editor)
    assert editor.region.findData("430182") >= 0

    window.answers.reply = True
    assert dialog.select("430182") and dialog.remove()
    assert "430182" not in dialog.items
    assert combo.findData("430182") == -1 and combo.currentIndex() == 0
    assert window.model.rowCount() == 2


def test_a_county_office_may_not_act(qtbot, window):
    dialog = units_dialog(qtbot, window)
    assert list(dialog.items) == ["430121"]
    assert dialog.select("430121")
    for button in (dialog.add_button, dialog.add_system_button, dialog.rename_button, dialog.remove_button):
        assert not button.isEnabled()
    assert "县市区委组织部不能新增或修改单位" in dialog.hint.text()


def test_search_shows_matches_with_the_units_above_them(qtbot, province_window):
    dialog = units_dialog(qtbot, province_window)
    dialog.search.setText("宁乡")
    shown = [code for code, item in dialog.items.items() if not item.isHidden()]
    assert shown == ["430000", "430100", "430124"]
    dialog.search.clear()
    assert all(not item.isHidden() for item in dialog.items.values())
