"""First run and opening: the office is picked from lists; a refused file never ends in a traceback."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from bqw_desktop.db.engine import Database
from bqw_desktop.gui.application import OTHER, QUIT, Startup
from bqw_desktop.gui.dialogs.first_run import FirstRunDialog
from bqw_desktop.services.offices import init_office, this_office


def office_of(db: Database):
    with db.sessions() as s:
        return this_office(s)


def test_county_office_picked_from_the_lists(qtbot, tmp_path, answers):
    path = tmp_path / "bqw.sqlite3"
    dialog = FirstRunDialog(path, user="tester")
    dialog.warn = answers.warn
    qtbot.addWidget(dialog)
    assert dialog.tier_buttons["county"].isChecked()
    assert dialog.province.currentText() == "湖南省" and dialog.city.currentText() == "长沙市"
    dialog.county.setCurrentIndex(dialog.county.findText("浏阳市"))
    assert dialog.name.text() == "浏阳市委组织部"
    assert "430181" in dialog.summary.text() and "湖南省长沙市浏阳市" in dialog.summary.text()

    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == dialog.DialogCode.Accepted and answers.warnings == []
    office = office_of(dialog.database)
    assert (office.code, office.tier, office.name, office.parent_code) == ("430181", "county", "浏阳市委组织部", "430100")
    dialog.database.close()


def test_city_tier_hides_the_county_list_and_keeps_a_typed_name(qtbot, tmp_path):
    dialog = FirstRunDialog(tmp_path / "bqw.sqlite3")
    qtbot.addWidget(dialog)
    dialog.tier_buttons["city"].setChecked(True)
    dialog.show()
    assert not dialog.county.isVisible() and dialog.city.isVisible()
    dialog.city.setCurrentIndex(dialog.city.findText("株洲市"))
    assert dialog.selected_code() == "430200" and dialog.name.text() == "株洲市委组织部"
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Zhuzhou")
    dialog.city.setCurrentIndex(dialog.city.findText("湘潭市"))
    assert dialog.name.text() == "Zhuzhou"  # what the clerk typed is not overwritten


def test_system_office_needs_a_name_and_gets_a_code_under_the_province(qtbot, tmp_path, answers):
    path = tmp_path / "bqw.sqlite3"
    dialog = FirstRunDialog(path)
    dialog.warn = answers.warn
    qtbot.addWidget(dialog)
    dialog.tier_buttons["system"].setChecked(True)
    assert dialog.system_code.text() == "430000-S01" and dialog.name.text() == ""

    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "单位名称" in answers.warnings[-1] and "单位名称" in dialog.error.text()
    assert not path.exists()

    dialog.name.insert("省直机关工委")
    dialog.accept()
    office = office_of(dialog.database)
    assert (office.code, office.tier, office.parent_code) == ("430000-S01", "system", "430000")
    dialog.database.close()


def test_a_bad_system_code_is_refused_and_nothing_created(qtbot, tmp_path, answers):
    path = tmp_path / "bqw.sqlite3"
    dialog = FirstRunDialog(path)
    dialog.warn = answers.warn
    qtbot.addWidget(dialog)
    dialog.tier_buttons["system"].setChecked(True)
    dialog.system_code.setText("430000-X1")
    dialog.name.insert("省国资委党委")
    dialog.accept()
    assert "430000-X1" in answers.warnings[-1]
    assert not path.exists()


def test_startup_runs_first_run_for_a_missing_file(tmp_path, settings):
    startup = Startup(settings)
    seen = []

    def first_run(path: Path):
        seen.append(path)
        return init_office(path, tier="county", code="430121", user="tester")

    startup.first_run = first_run
    db = startup.open(tmp_path / "new.sqlite3")
    assert seen == [tmp_path / "new.sqlite3"] and db.office_code == "430121"
    assert settings.database_path() == tmp_path / "new.sqlite3"
    db.close()


def test_a_foreign_file_is_refused_with_its_reason_and_left_alone(tmp_path, settings):
    path = tmp_path / "bqw.sqlite3"
    path.write_bytes(b"PK\x03\x04 not a database at all" * 10)
    before = path.read_bytes()
    startup = Startup(settings)
    shown = []
    startup.refused = lambda _parent, message, p: shown.append((message, p)) or QUIT

    assert startup.open(path) is None
    assert len(shown) == 1 and "不是本系统的数据库" in shown[0][0] and shown[0][1] == path
    assert path.read_bytes() == before


def test_a_damaged_file_is_refused_then_another_file_chosen(tmp_path, settings, county_db):
    damaged = tmp_path / "damaged.sqlite3"
    good = county_db.path.read_bytes()
    damaged.write_bytes(good[: len(good) - 1000])  # cut short: the page count no longer fits
    startup = Startup(settings)
    shown = []
    startup.refused = lambda _parent, message, _p: shown.append(message) or OTHER
    startup.choose_database = lambda *_a: county_db.path

    db = startup.open(damaged)
    assert "已损坏" in shown[0]
    assert db.office_code == "430121"
    db.close()
