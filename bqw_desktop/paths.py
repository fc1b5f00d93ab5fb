"""Where the database and its companion files live."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "bqw-desktop"
DB_FILENAME = "bqw.sqlite3"


def default_db_path() -> Path:
    """`BQW_DB` if set, else the database in the user's data folder."""
    override = os.environ.get("BQW_DB")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / DB_FILENAME


@dataclass(frozen=True)
class DataFolder:
    """The folder of files that belong to one database: keys, attachments, backups.

    It sits beside the database file (`bqw.sqlite3` → `bqw.sqlite3.d/`), so a copied pair
    stays whole and two databases in one folder never share keys.
    """

    db_path: Path

    @property
    def root(self) -> Path:
        return self.db_path.with_name(self.db_path.name + ".d")

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def staging(self) -> Path:
        return self.root / "staging"

    @property
    def private_key(self) -> Path:
        return self.keys / "office_ed25519.pem"
