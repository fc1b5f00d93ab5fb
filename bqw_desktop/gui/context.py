"""What a plug-in (site tab, menu action, dock) gets from the main window.

A `MainWindowContext` is made once per window and handed to every plug-in factory. It holds
the database (through the action runner, so a restore that reopens the file is seen by
all), the acting person, this office, the settings and the change bus, and lets plug-ins
add menu actions and follow the selected site. Plug-ins never reach into the window itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from bqw_desktop.db.engine import Database
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.changes import Changes
from bqw_desktop.gui.settings import Settings
from bqw_desktop.services.context import Actor
from bqw_desktop.services.offices import OfficeInfo

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

# Keys of the window's own menus; any other key makes a new top-level menu before 帮助.
FILE, EDIT, VIEW, HELP = "file", "edit", "view", "help"


def resolve(ref: Any) -> Any:
    """A plug-in reference: a callable as is, or "package.module:attribute" imported now."""
    if not isinstance(ref, str):
        return ref
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


class MainWindowContext(QObject):
    """The window's services for plug-ins.

    Signals: `site_selected(site_id or None)` whenever the register's selection changes;
    `read_only_changed(bool)`. Use `changes.changed(kinds)` to reload after writes.
    """

    site_selected = Signal(object)
    read_only_changed = Signal(bool)

    def __init__(self, *, window: QMainWindow, runner: ActionRunner, office: OfficeInfo,
                 settings: Settings, demo: bool = False) -> None:
        super().__init__(window)
        self.window = window
        self.runner = runner
        self.office = office
        self.settings = settings
        self.demo = demo
        self.current_site_id: str | None = None
        self._menus: dict[str, QMenu] = {}
        self._site_actions: list[QAction] = []
        self._write_actions: list[QAction] = []

    @property
    def db(self) -> Database:
        return self.runner.db

    @property
    def actor(self) -> Actor:
        return self.runner.actor

    @property
    def changes(self) -> Changes:
        return self.runner.changes

    @property
    def read_only(self) -> bool:
        return bool(self.runner.read_only_reason)

    # Menus ------------------------------------------------------------------------------
    def register_menu(self, key: str, menu: QMenu) -> None:
        self._menus[key] = menu

    def menu(self, key: str) -> QMenu:
        """The menu for `key` (file/edit/view/help), or a new top-level menu titled `key`."""
        if key not in self._menus:
            bar = self.window.menuBar()
            menu = QMenu(key, bar)
            help_menu = self._menus.get(HELP)
            bar.insertMenu(help_menu.menuAction(), menu) if help_menu else bar.addMenu(menu)
            self._menus[key] = menu
        return self._menus[key]

    def add_action(self, menu: str, text: str, slot: Callable[[], Any], *, shortcut: str | None = None,
                   needs_site: bool = False, writes: bool = False, toolbar: bool = False,
                   tip: str = "") -> QAction:
        """Add an action to a menu (and the toolbar); it is enabled only when it can work.

        `needs_site`: only while a site is selected; `writes`: never in read-only mode.
        """
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.menu(menu).addAction(action)
        if toolbar:
            bar = self.window.findChild(QObject, "mainToolBar")
            if bar is not None:
                bar.addAction(action)
        if needs_site:
            self._site_actions.append(action)
        if writes:
            self._write_actions.append(action)
        self.update_actions()
        return action

    def update_actions(self) -> None:
        """Enable each registered action by selection and read-only state."""
        for action in {*self._site_actions, *self._write_actions}:
            enabled = not (action in self._site_actions and self.current_site_id is None)
            enabled = enabled and not (action in self._write_actions and self.read_only)
            action.setEnabled(enabled)

    # Selection and mode ----------------------------------------------------------------
    def set_current_site(self, site_id: str | None) -> None:
        self.current_site_id = site_id
        self.update_actions()
        self.site_selected.emit(site_id)

    def select_site(self, site_id: str) -> bool:
        """Select a site in the register (lists use it on double-click); False when it is
        filtered out or unknown, or there is no register."""
        select = getattr(self.window, "select_site", None)
        return bool(select(site_id)) if callable(select) else False

    def selected_site_ids(self) -> list[str]:
        """Ids of the sites selected in the register (at least the current one, if any)."""
        table = getattr(self.window, "table", None)
        model = getattr(self.window, "model", None)
        if table is None or model is None or not hasattr(model, "site_id_at"):
            return [self.current_site_id] if self.current_site_id else []
        rows = sorted({index.row() for index in table.selectionModel().selectedRows()})
        ids = [model.site_id_at(row) for row in rows]
        return ids or ([self.current_site_id] if self.current_site_id else [])

    def shown_site_ids(self) -> list[str]:
        """Ids of the sites the register shows now (its filters applied), in display order.

        Batches (printing "当前筛选结果") use it; without a register, the selected site only.
        """
        model = getattr(self.window, "model", None)
        if model is None or not hasattr(model, "site_id_at"):
            return [self.current_site_id] if self.current_site_id else []
        return [model.site_id_at(row) for row in range(model.rowCount())]

    def set_read_only(self, reason: str) -> None:
        self.runner.read_only_reason = reason
        self.update_actions()
        self.read_only_changed.emit(bool(reason))

    def set_database(self, db: Database) -> None:
        """Point everything at a reopened database (after a restore) and reload all views."""
        self.runner.db = db
        self.changes.emit_all()
