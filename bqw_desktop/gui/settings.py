"""The window's remembered choices: a typed wrapper over QSettings.

Only user choices and window state live here (geometry, column widths, last folders, the
database last opened); records live in the database. Tests pass a `QSettings` on an INI
file in a temporary folder, so nothing touches the user's own settings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "bqw-desktop"
APPLICATION = "bqw-desktop"


class Settings:
    """Typed access to the remembered choices; every getter has a sane default."""

    def __init__(self, store: QSettings) -> None:
        self.store = store

    @classmethod
    def default(cls) -> Settings:
        """The user's own settings (registry on Windows, a file elsewhere)."""
        return cls(QSettings(ORGANIZATION, APPLICATION))

    @classmethod
    def at(cls, path: Path) -> Settings:
        """Settings kept in one INI file, e.g. for tests or a portable installation."""
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    # Window state ---------------------------------------------------------------------
    def window_geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    def set_window_geometry(self, value: QByteArray) -> None:
        self.store.setValue("window/geometry", value)

    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def set_window_state(self, value: QByteArray) -> None:
        self.store.setValue("window/state", value)

    def header_state(self, table: str) -> QByteArray | None:
        """A table header's saved state: column widths, order and sort column."""
        return self._bytes(f"tables/{table}/header")

    def set_header_state(self, table: str, value: QByteArray) -> None:
        self.store.setValue(f"tables/{table}/header", value)

    def splitter_state(self, name: str) -> QByteArray | None:
        return self._bytes(f"splitters/{name}")

    def set_splitter_state(self, name: str, value: QByteArray) -> None:
        self.store.setValue(f"splitters/{name}", value)

    # Files ------------------------------------------------------------------------------
    def last_folder(self, kind: str) -> str:
        """The folder last used for `kind` ("backup", "restore", "export"…), or ""."""
        return str(self.store.value(f"folders/{kind}", "") or "")

    def set_last_folder(self, kind: str, folder: str | Path) -> None:
        self.store.setValue(f"folders/{kind}", str(folder))

    def database_path(self) -> Path | None:
        """The database the user last chose, if any (the default location otherwise)."""
        value = str(self.store.value("database/path", "") or "")
        return Path(value) if value else None

    def set_database_path(self, path: Path | None) -> None:
        self.store.setValue("database/path", str(path) if path else "")

    def sync(self) -> None:
        self.store.sync()

    def _bytes(self, key: str) -> QByteArray | None:
        value = self.store.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        return None
