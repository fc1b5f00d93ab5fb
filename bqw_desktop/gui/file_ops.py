"""Backup and restore from the File menu, and setting a refused file aside.

A backup copies the live database with SQLite's backup API behind a progress bar. A restore
verifies the chosen backup, backs up the current database, replaces it and reopens it; a
refused restore leaves everything as it was. The file dialogs are attributes so tests can
answer them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from bqw_desktop.db.backup import backup_to, restore
from bqw_desktop.db.engine import Database, open_database
from bqw_desktop.errors import UserError
from bqw_desktop.gui.context import MainWindowContext
from bqw_desktop.gui.tasks import run_with_progress

FILTER = "数据库备份 (*.sqlite3);;所有文件 (*)"


def tr(text: str) -> str:
    return QCoreApplication.translate("FileOps", text)


def ask_save_path(parent: QWidget | None, title: str, start: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(parent, title, start, tr(FILTER))
    return Path(chosen) if chosen else None


def ask_open_path(parent: QWidget | None, title: str, start: str) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(parent, title, start, tr(FILTER))
    return Path(chosen) if chosen else None


def inform(parent: QWidget | None, text: str) -> None:
    QMessageBox.information(parent, tr("完成"), text)


def set_aside(path: Path) -> Path:
    """Rename a refused or damaged database (with its WAL files) so nothing is lost; return the new name."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.refused-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        companion = Path(str(path) + suffix)
        if companion.exists():
            companion.replace(Path(str(aside) + suffix))
    return aside


def restore_into(path: Path, backup: Path, *, progress: Callable[..., None] | None = None) -> str:
    """Restore `backup` over `path`; a file SQLite cannot even read is set aside first.

    Returns a sentence telling the clerk where the previous database went.
    """
    try:
        safety = restore(path, backup)
    except sqlite3.DatabaseError:
        aside = set_aside(path)
        restore(path, backup)
        return tr("原数据库无法读取，已改名保存为：{path}").format(path=aside)
    return tr("恢复前的数据库已自动备份到：{path}").format(path=safety)


class FileOps:
    """The File menu's backup and restore for one window."""

    def __init__(self, ctx: MainWindowContext) -> None:
        self.ctx = ctx
        self.ask_save_path = ask_save_path
        self.ask_open_path = ask_open_path
        self.inform = inform

    def backup(self) -> Path | None:
        ctx = self.ctx
        folder = ctx.settings.last_folder("backup") or str(Path.home())
        name = f"{ctx.db.path.stem}-备份-{datetime.now():%Y%m%d-%H%M}.sqlite3"
        out = self.ask_save_path(ctx.window, tr("备份数据库"), str(Path(folder) / name))
        if out is None:
            return None
        try:
            run_with_progress(ctx.window, tr("正在备份数据库"), backup_to, ctx.db.path, out)
        except UserError as exc:
            ctx.runner.warn(ctx.window, exc.message)
            return None
        ctx.settings.set_last_folder("backup", out.parent)
        self.inform(ctx.window, tr("数据库已备份到：{path}").format(path=out))
        return out

    def restore(self) -> bool:
        ctx = self.ctx
        folder = ctx.settings.last_folder("backup") or str(Path.home())
        backup = self.ask_open_path(ctx.window, tr("从备份恢复"), folder)
        if backup is None:
            return False
        question = tr("将用备份“{name}”替换当前数据库的全部内容。当前数据库会先自动备份，"
                      "恢复错了也可以再恢复回来。确定恢复吗？").format(name=backup.name)
        if not ctx.runner.ask(ctx.window, tr("从备份恢复"), question):
            return False
        path = ctx.db.path
        ctx.db.close()
        try:
            where = run_with_progress(ctx.window, tr("正在恢复数据库"), _restore_task, path, backup)
        except UserError as exc:
            ctx.runner.warn(ctx.window, exc.message)
            self._reopen(path)
            return False
        self._reopen(path)
        ctx.settings.set_last_folder("backup", backup.parent)
        self.inform(ctx.window, tr("已从备份恢复。") + where)
        return True

    def _reopen(self, path: Path) -> None:
        try:
            db: Database = open_database(path)
        except UserError as exc:
            self.ctx.set_read_only(exc.message)
            self.ctx.runner.warn(self.ctx.window, exc.message)
            return
        self.ctx.set_database(db)


def _restore_task(path: Path, backup: Path, *, progress: Callable[..., None]) -> str:
    return restore_into(path, backup, progress=progress)
