"""Backups with SQLite's backup API, and restore after verifying the backup.

Automatic backups (before an upgrade, an import, a restore) go to the data folder's
`backups/` and only the last few of each kind are kept; backups on demand go where the user
says and are never pruned.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bqw_desktop.db.engine import APPLICATION_ID, inspect_file, quick_check
from bqw_desktop.errors import DatabaseRefused, UserError
from bqw_desktop.paths import DataFolder

KEEP_AUTOMATIC = 5


def backup_to(db_path: Path, out: Path, *, progress: Callable[[int, int], None] | None = None) -> Path:
    """Copy the live database to `out` (a consistent snapshot even while it is in use)."""
    if out.exists():
        raise UserError(f"备份文件“{out}”已存在，不会覆盖。")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(db_path)
    dst = sqlite3.connect(partial)
    try:
        def report(_status: int, remaining: int, total: int) -> None:
            if progress:
                progress(total - remaining, total)

        src.backup(dst, pages=256, progress=report)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    partial.replace(out)
    return out


def backup_before(db_path: Path, reason: str, backup_dir: Path | None = None) -> Path:
    """An automatic backup before a risky operation; older ones of that kind are pruned."""
    folder = backup_dir or DataFolder(db_path).backups
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    out = backup_to(db_path, folder / f"{db_path.stem}-{reason}-{stamp}.sqlite3")
    kind = sorted(folder.glob(f"{db_path.stem}-{reason}-*.sqlite3"))
    for old in kind[:-KEEP_AUTOMATIC]:
        old.unlink(missing_ok=True)
    return out


def verify_backup(path: Path) -> None:
    """Refuse a file that is not a whole backup of ours."""
    inspect_file(path)
    problems = quick_check(path)
    if problems:
        raise DatabaseRefused(f"备份文件“{path.name}”已损坏（{problems[0]}），不能用于恢复。")


def restore(db_path: Path, backup: Path) -> Path:
    """Replace the database's content with the backup's; returns the safety backup taken first.

    The backup is verified before anything changes; the current database is backed up
    first so a wrong restore can itself be undone.
    """
    verify_backup(backup)
    safety = backup_before(db_path, "before-restore") if db_path.exists() else backup
    src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(db_path)
    try:
        src.backup(dst)
        (app_id,) = dst.execute("PRAGMA application_id").fetchone()
        if app_id != APPLICATION_ID:  # pragma: no cover - verify_backup already checked
            raise DatabaseRefused("恢复后的数据库标识不符。")
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()
    return safety
