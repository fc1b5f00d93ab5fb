"""Starting the window: fonts, which database, first run, refusals, the background check.

`run(db=, demo=)` is what `bqw-desktop` (no subcommand) calls. The steps are split so tests
and the start-up benchmark can drive them: `make_app()` (QApplication + bundled fonts),
`Startup.open(path)` (first-run dialog, or open with a refusal dialog that never shows a
traceback), `open_window(...)` (the window plus the background quick_check).
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from bqw_desktop.db.engine import Database, open_database
from bqw_desktop.errors import DatabaseRefused, UserError
from bqw_desktop.gui.actions import message_box_warn
from bqw_desktop.gui.settings import APPLICATION, ORGANIZATION, Settings
from bqw_desktop.paths import default_db_path
from bqw_desktop.resources import resource_path

FONT_FILES = ("LXGWWenKai-Regular.ttf", "uming.ttc")
UI_FAMILY = "LXGW WenKai"
UI_POINT_SIZE = 10
DEMO_SCALE = "county"
CHECK_DELAY_MS = 500

OTHER, RESTORE, QUIT = "other", "restore", "quit"


def tr(text: str) -> str:
    return QCoreApplication.translate("Startup", text)


def load_fonts() -> list[str]:
    """Register the bundled fonts with Qt; returns the families now available from them."""
    families: list[str] = []
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families


def make_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication with our names and the bundled Chinese font as the UI font."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("百千万示范带动工程管理系统")
    families = load_fonts()
    if UI_FAMILY in families:
        font = QFont(UI_FAMILY, UI_POINT_SIZE)
        # Latin letters and digits from the bundled face too, so no system font is needed.
        font.setFamilies([UI_FAMILY, "AR PL UMing CN"])
        app.setFont(font)
    return app  # type: ignore[return-value]


def refusal_box(parent: QWidget | None, message: str, path: Path) -> str:
    """Tell the clerk why the file was refused; OTHER, RESTORE or QUIT."""
    box = QMessageBox(QMessageBox.Icon.Warning, tr("无法打开数据库"), message, parent=parent)
    box.setInformativeText(tr("文件：{path}\n可以选择另一个数据库文件，或从备份恢复。").format(path=path))
    other = box.addButton(tr("选择其他数据库文件…"), QMessageBox.ButtonRole.AcceptRole)
    restore = box.addButton(tr("从备份恢复…"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(tr("退出"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    return OTHER if clicked is other else RESTORE if clicked is restore else QUIT


class Startup:
    """Finds an openable database before the window exists.

    The dialogs are attributes (`first_run`, `refused`, `choose_database`, `choose_backup`,
    `warn`) so tests answer them without message boxes.
    """

    def __init__(self, settings: Settings, *, user: str | None = None) -> None:
        from bqw_desktop.gui import file_ops

        self.settings = settings
        self.user = user
        self.refused: Callable[[QWidget | None, str, Path], str] = refusal_box
        self.choose_database: Callable[[QWidget | None, str, str], Path | None] = file_ops.ask_open_path
        self.choose_backup: Callable[[QWidget | None, str, str], Path | None] = file_ops.ask_open_path
        self.warn: Callable[[QWidget | None, str], None] = message_box_warn
        self.first_run: Callable[[Path], Database | Path | None] = self._first_run_dialog

    def resolve_path(self, db: str | None) -> Path:
        """The argument, else BQW_DB, else the database last chosen, else the default location."""
        if db:
            return Path(db)
        remembered = self.settings.database_path()
        if not os.environ.get("BQW_DB") and remembered and remembered.exists():
            return remembered
        return default_db_path()

    def open(self, path: Path) -> Database | None:
        """An open database, set up or chosen by the clerk; None when the clerk quits."""
        while True:
            if not path.exists():
                result = self.first_run(path)
                if isinstance(result, Path):
                    path = result
                    continue
                return self._remember(result, path)
            try:
                return self._remember(open_database(path), path)
            except DatabaseRefused as exc:
                choice = self.refused(None, exc.message, path)
            next_path = self._after_refusal(choice, path)
            if next_path is None:
                return None
            path = next_path

    def _after_refusal(self, choice: str, path: Path) -> Path | None:
        if choice == OTHER:
            return self.choose_database(None, tr("选择数据库文件"), str(path.parent))
        if choice == RESTORE:
            backup = self.choose_backup(None, tr("选择备份文件"), str(path.parent))
            if backup is None:
                return path  # ask again
            from bqw_desktop.db.backup import restore, verify_backup
            from bqw_desktop.gui.file_ops import set_aside

            try:
                verify_backup(backup)
                aside = set_aside(path)
                restore(path, backup)
            except UserError as exc:
                self.warn(None, exc.message)
                return path
            self.warn(None, tr("已从备份恢复。无法打开的原文件已改名保存为：{path}").format(path=aside))
            return path
        return None

    def _remember(self, db: Database | None, path: Path) -> Database | None:
        if db is not None:
            self.settings.set_database_path(path)
        return db

    def _first_run_dialog(self, path: Path) -> Database | Path | None:
        from bqw_desktop.gui.dialogs.first_run import FirstRunDialog

        dialog = FirstRunDialog(path, user=self.user)
        if not dialog.exec():
            return None
        return dialog.existing_path or dialog.database


def create_demo_database(parent: QWidget | None = None, *, scale: str = DEMO_SCALE,
                         folder: Path | None = None, today: date | None = None) -> Database:
    """A fresh demo database in a temporary folder, made behind a progress bar."""
    from bqw_desktop.gui.tasks import run_with_progress
    from bqw_desktop.services.demo import create_demo

    folder = folder or Path(tempfile.mkdtemp(prefix="bqw-demo-"))
    path = folder / "demo.sqlite3"
    made = run_with_progress(parent, tr("正在生成演示数据"), create_demo, path, scale=scale, seed=2011,
                             today=today)
    return made if isinstance(made, Database) else open_database(path)


def open_window(db: Database, *, settings: Settings, demo: bool = False, check: bool = True) -> Any:
    """Show the main window on `db` and start the background quick_check."""
    from bqw_desktop.gui.main_window import MainWindow
    from bqw_desktop.gui.tasks import start_quick_check

    window = MainWindow(db, settings=settings, demo=demo)
    window.show()
    if check:
        def checked(problems: list[str]) -> None:
            if problems:
                reason = tr("数据库检查发现损坏（{problem}），已切换为只读，请从备份恢复。").format(
                    problem=problems[0])
                window.set_read_only(reason)
                QMessageBox.critical(window, tr("数据库已损坏"), reason)

        # Started once the window has painted: the check reads the whole file and would
        # otherwise compete with the first paint for the disk and the CPU.
        QTimer.singleShot(CHECK_DELAY_MS, lambda: setattr(
            window, "quick_check", start_quick_check(db.path, checked, owner=window)))
    return window


def show_unexpected(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """A bug: say so in Chinese (details folded away); the open transaction was rolled back."""
    if isinstance(value, UserError):
        QMessageBox.warning(QApplication.activeWindow(), tr("未保存"), value.message)
        return
    box = QMessageBox(QMessageBox.Icon.Critical, tr("程序出错"),
                      tr("程序遇到一个内部错误，刚才的操作没有保存。请把下面的详细信息发给技术人员。"),
                      parent=QApplication.activeWindow())
    box.setDetailedText("".join(traceback.format_exception(kind, value, tb)))
    box.exec()


def run(*, db: str | None, demo: bool) -> int:
    """The window's main loop; returns the process exit code."""
    app = make_app()
    sys.excepthook = show_unexpected
    settings = Settings.default()
    try:
        if demo:
            database = create_demo_database()
        else:
            database = Startup(settings).open(Startup(settings).resolve_path(db))
    except UserError as exc:
        QMessageBox.warning(None, tr("无法打开数据库"), exc.message)
        return 1
    if database is None:
        return 0
    window = open_window(database, settings=settings, demo=demo)
    code = app.exec()
    window.ctx.db.close()
    return code
