"""The import preview in the window: an awkward sheet, its errors, a corrected column, import."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from PySide6.QtCore import Qt

from bqw_desktop.gui import menus
from bqw_desktop.gui.excel import ExcelActions, visible_site_ids
from bqw_desktop.gui.excel.import_dialog import ImportDialog
from bqw_desktop.gui.excel.preview_model import COL_STATUS, STATUS_ROLE
from bqw_desktop.services import excel_import as ei
from bqw_desktop.services import sites


def awkward_sheet(path: Path) -> Path:
    """Title rows, a header Excel people wrote their own way, one bad row; the phone column
    is headed "备用" so it is not recognised until someone says what it holds."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "县直单位"
    ws.append(["长沙县2024年示范点创建单位名单"])
    ws.append(["填报单位：长沙县委组织部"])
    ws.append(["序号", "单位名称", "类别", "支部书记", "党员数", "备用"])
    ws.append([1, "黄花镇党委", "乡镇党委", "刘志强", 120, "13800000001"])  # already registered: 刘志强/120
    ws.append([2, "县第一中学党总支", "中学", "吴敏", "48", "0731-84012345"])
    ws.append([3, "泉塘街道党工委", "街道", "何平", "五十", None])
    ws.append([4, "县住建局机关党委", "机关", "孙磊", 33, "13900000003"])
    wb.save(path)
    return path


def open_dialog(window, qtbot, path) -> ImportDialog:
    dialog = ImportDialog(window.ctx.runner, parent=window, background=False)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.open_file(path)
    return dialog


def statuses(dialog) -> list[str]:
    model = dialog.model
    return [model.index(r, COL_STATUS).data(STATUS_ROLE) for r in range(model.rowCount())]


def test_menu_is_installed(window):
    assert "bqw_desktop.gui.excel:install" in menus.MENU_PLUGINS
    titles = [a.text() for a in window.menuBar().actions()]
    assert "表格" in titles


def test_preview_counts_errors_mapping_fix_then_import(window, qtbot, tmp_path, answers):
    dialog = open_dialog(window, qtbot, awkward_sheet(tmp_path / "名单.xlsx"))
    preview = dialog.preview
    assert preview.counts() == {ei.ERROR: 1, ei.QUESTION: 0, ei.NEW: 2, ei.UPDATED: 0, ei.UNCHANGED: 1}
    assert "有错误 1" in dialog.counts_label.text()
    assert statuses(dialog)[0] == ei.ERROR  # errors are listed first
    assert "党员数（E6）" in dialog.detail_of(0) and "五十" in dialog.detail_of(0)
    assert not dialog.import_button.isEnabled() and dialog.report_button.isEnabled()
    assert dialog.mapping_box.isVisibleTo(dialog) and dialog.header_spin.value() == 3

    # Say what the "备用" column (F) holds: the phone numbers are now read.
    row = next(r for r in range(dialog.mapping_table.rowCount()) if dialog.mapping_table.item(r, 0).text() == "F")
    combo = dialog.mapping_table.cellWidget(row, 2)
    combo.setCurrentIndex(combo.findData("phone"))
    assert dialog.mappings["县直单位"].column_of("phone") == 5
    qtbot.waitUntil(lambda: dialog.preview.counts()[ei.UPDATED] == 1)
    updated = next(r for r in dialog.preview.rows if r.name == "黄花镇党委")
    assert updated.status == ei.UPDATED and "13800000001" in updated.description

    # The error report can be saved; then import only the good rows.
    report = tmp_path / "错误报告.xlsx"
    dialog.ask_save_path = lambda *_a: report
    assert dialog.save_error_report() == report and report.exists()
    qtbot.mouseClick(dialog.partial_check, Qt.MouseButton.LeftButton)
    assert dialog.import_button.isEnabled()
    before = window.model.total()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.outcome is not None and (dialog.outcome.created, dialog.outcome.updated) == (2, 1)
    assert window.model.total() == before + 2  # the register reloaded
    names = {window.model.row_at(r).name for r in range(window.model.rowCount())}
    assert {"县第一中学党总支", "县住建局机关党委"} <= names and "泉塘街道党工委" not in names
    assert not answers.warnings


def test_questions_are_answered_inline(window, qtbot, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["名称", "党组织类型"])
    wb.active.append(["星沙 街道党工委", "街道党工委"])  # two sites of this name exist below
    path = tmp_path / "q.xlsx"
    wb.save(path)
    window.ctx.runner.run(window, sites.add_site, name="中共星沙街道党工委", org_type="subdistrict", kinds={"sites"})
    dialog = open_dialog(window, qtbot, path)
    assert statuses(dialog) == [ei.QUESTION] and dialog.questions_box.isVisibleTo(dialog)
    assert not dialog.import_button.isEnabled()
    combo = dialog._question_combos[0]
    combo.setCurrentIndex(1)  # the first existing site
    qtbot.waitUntil(lambda: statuses(dialog) == [ei.UNCHANGED])
    assert not dialog.import_button.isEnabled()  # nothing to write


def test_hostile_file_is_refused_in_one_sentence(window, qtbot, tmp_path, answers):
    bad = tmp_path / "名单.xlsx"
    bad.write_bytes(b"%PDF-1.4 not a sheet")
    dialog = open_dialog(window, qtbot, bad)
    assert dialog.preview is None and not dialog.import_button.isEnabled()
    assert "名单.xlsx" in answers.warnings[-1]


def test_register_export_follows_the_filter(window, tmp_path):
    actions: ExcelActions = window.ctx.excel_actions
    informed = []
    actions.inform = lambda _p, text: informed.append(text)
    window.model.set_query("街道")
    shown = visible_site_ids(window.ctx)
    assert shown is not None and len(shown) == window.model.rowCount() < window.model.total()
    out = tmp_path / "花名册.xlsx"
    actions.ask_save_path = lambda *_a: out
    assert actions.export("register", background=False) == out
    names = [r[1] for r in openpyxl.load_workbook(out).active.iter_rows(min_row=4, values_only=True)]
    assert sorted(names) == sorted(window.model.row_at(r).name for r in range(window.model.rowCount()))
    assert "按当前筛选" in informed[-1]
