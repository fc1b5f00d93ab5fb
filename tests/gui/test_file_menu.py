"""Backup and restore from the File menu; plug-in tabs, menus and docks; the demo banner."""

from __future__ import annotations

from bqw_desktop.db.engine import inspect_file
from bqw_desktop.gui import docks, menus, site_tabs
from bqw_desktop.services import sites


def test_backup_then_restore_brings_the_register_back(window, tmp_path, answers, county_actor):
    out = tmp_path / "backups" / "backup.sqlite3"
    window.file_ops.ask_save_path = lambda *_a: out
    informed = []
    window.file_ops.inform = lambda _p, text: informed.append(text)
    assert window.file_ops.backup() == out
    assert inspect_file(out).revision and "已备份到" in informed[-1]

    window.ctx.runner.run(window, sites.add_site, name="榔梨街道党工委", org_type="subdistrict", kinds={"sites"})
    assert window.model.total() == 8

    window.file_ops.ask_open_path = lambda *_a: out
    assert window.file_ops.restore()
    assert "替换当前数据库" in answers.questions[-1]
    assert window.model.total() == 7
    assert "已从备份恢复" in informed[-1]
    assert window.ctx.runner.run(window, sites.add_site, name="泉塘街道党工委", org_type="subdistrict").ok


def test_restore_from_a_foreign_file_is_refused_and_changes_nothing(window, tmp_path, answers):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a backup" * 100)
    window.file_ops.ask_open_path = lambda *_a: junk
    assert not window.file_ops.restore()
    assert "不是本系统的数据库" in answers.warnings[-1]
    assert window.model.total() == 7
    assert window.ctx.runner.run(window, sites.add_site, name="泉塘街道党工委", org_type="subdistrict").ok


class EchoTab:
    """A plug-in tab recording which site it was asked to show."""

    def __new__(cls, ctx):
        from PySide6.QtWidgets import QLabel

        label = QLabel()
        label.shown = []
        label.show_site = lambda site_id: (label.shown.append(site_id), label.setText(str(site_id)))
        return label


def test_plugins_add_a_tab_a_menu_action_and_a_dock(qtbot, monkeypatch, county_db, county_actor, settings):
    from PySide6.QtWidgets import QDockWidget, QLabel

    from bqw_desktop.gui.main_window import MainWindow
    from tests.gui.conftest import add_register

    triggered = []

    def install(ctx):
        ctx.add_action("打印", "打印推荐表…", lambda: triggered.append(ctx.current_site_id), needs_site=True)

    monkeypatch.setattr(site_tabs, "SITE_TABS", [*site_tabs.SITE_TABS, ("回显", EchoTab)])
    monkeypatch.setattr(menus, "MENU_PLUGINS", [install])
    monkeypatch.setattr(docks, "DOCK_PLUGINS", [("echoDock", "回显", lambda ctx: QLabel("dock"), "right")])
    ids = add_register(county_db, county_actor)
    win = MainWindow(county_db, settings=settings, actor=county_actor)
    qtbot.addWidget(win)

    titles = [a.text() for a in win.menuBar().actions()]
    assert titles.index("打印") == titles.index("帮助(&H)") - 1
    print_action = win.ctx.menu("打印").actions()[0]
    assert not print_action.isEnabled()
    win.select_site(ids["黄花镇党委"])
    assert print_action.isEnabled()
    print_action.trigger()
    assert triggered == [ids["黄花镇党委"]]

    echo_index = [win.detail.tabText(i) for i in range(win.detail.count())].index("回显")
    echo = win.detail.widget(echo_index)
    assert echo.shown == []  # hidden tabs load nothing
    win.detail.setCurrentIndex(echo_index)
    assert echo.shown == [ids["黄花镇党委"]]
    assert win.findChild(QDockWidget, "echoDock") is not None


def test_demo_window_shows_the_banner(qtbot, tmp_path, settings):
    from bqw_desktop.gui.application import create_demo_database, open_window

    db = create_demo_database(folder=tmp_path)
    win = open_window(db, settings=settings, demo=True, check=False)
    qtbot.addWidget(win)
    assert win.banner.isVisible() and "演示数据" in win.banner.text()
    assert "演示数据" in win.windowTitle() and win.demo_label.text() == "演示数据"
    assert win.model.total() > 0
    db.close()
