"""文件 → 行政区划与单位…: add or rename units, add the province's `system` units.

Installed through `gui.menus.MENU_PLUGINS` as "bqw_desktop.gui.units_menu:install". The
action sits in the 文件 menu beside backup and restore (before 退出). After the dialog
changed something the change bus carries `UNITS`, and the register, its filter bar and the
site editor take the new tree.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMenu

from bqw_desktop.gui.changes import UNITS
from bqw_desktop.gui.context import FILE

__all__ = ["UNITS", "install"]


def tr(text: str) -> str:
    return QCoreApplication.translate("UnitsMenu", text)


class UnitsActions:
    """Opens the units dialog for one window (built on demand)."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.last_dialog: Any = None

    def open(self, *, show: bool = True) -> Any:
        from bqw_desktop.gui.dialogs.units import UnitsDialog

        dialog = UnitsDialog(self.ctx.runner, self.ctx.office, parent=self.ctx.window)
        self.last_dialog = dialog
        if show:
            dialog.exec()
        return dialog


def _before_quit(menu: QMenu, action: Any) -> None:
    """Move `action` up to the group before the menu's last separator (退出 stays last)."""
    separators = [a for a in menu.actions() if a.isSeparator()]
    if not separators:
        return
    menu.removeAction(action)
    last = separators[-1]
    menu.insertSeparator(last)
    menu.insertAction(last, action)


def install(ctx: Any) -> UnitsActions:
    """Add 行政区划与单位… to the 文件 menu."""
    actions = UnitsActions(ctx)
    ctx.units_actions = actions  # kept alive with the context; tests reach the dialog through it
    action = ctx.add_action(FILE, tr("行政区划与单位…"), actions.open,
                            tip=tr("新增或更名下级单位，新增省直机关/系统单位"))
    _before_quit(ctx.menu(FILE), action)
    return actions
