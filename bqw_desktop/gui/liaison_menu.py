"""The 督查 menu: record a visit or a ledger entry for the selected site, the people
register with the liaison officers' sites, and the overdue lists with the visit interval.

Installed through `gui.menus.MENU_PLUGINS` as "bqw_desktop.gui.liaison_menu:install".
The register and overdue windows stay open beside the main window (one of each), so a
double-clicked site can be looked at in its tabs while the list stays in view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog

MENU = "督查"


class LiaisonActions:
    """What the 督查 menu does, for one window context."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.windows: dict[str, QDialog] = {}

    def _select_site(self) -> Callable[[str], bool] | None:
        return getattr(self.ctx, "select_site", None)

    def _site_name(self) -> str:
        from bqw_desktop.gui.tabs.visits import site_name

        return self.ctx.runner.read(site_name, self.ctx.current_site_id)

    def record_visit(self) -> None:
        from bqw_desktop.gui.dialogs.visit_editor import VisitEditor, exec_once

        if self.ctx.current_site_id:
            exec_once(VisitEditor(self.ctx.runner, site_id=self.ctx.current_site_id, site_name=self._site_name(),
                                  parent=self.ctx.window))

    def add_ledger_entry(self) -> None:
        from bqw_desktop.gui.dialogs.ledger_entry import LedgerEntryDialog
        from bqw_desktop.gui.dialogs.visit_editor import exec_once
        from bqw_desktop.gui.tabs.visits import attachment_store

        if self.ctx.current_site_id:
            exec_once(LedgerEntryDialog(self.ctx.runner, attachment_store(self.ctx), site_id=self.ctx.current_site_id,
                                        site_name=self._site_name(), parent=self.ctx.window))

    def people(self) -> QDialog:
        from bqw_desktop.gui.dialogs.people import PeopleDialog

        return self._show("people", lambda: PeopleDialog(self.ctx.runner, select_site=self._select_site(),
                                                         parent=self.ctx.window))

    def overdue(self) -> QDialog:
        from bqw_desktop.gui.dialogs.overdue import OverdueDialog

        return self._show("overdue", lambda: OverdueDialog(self.ctx.runner, select_site=self._select_site(),
                                                           parent=self.ctx.window))

    def _show(self, key: str, make: Callable[[], QDialog]) -> QDialog:
        """Show the one window of its kind, made on first use and brought forward after."""
        dialog = self.windows.get(key)
        if dialog is None:
            dialog = make()
            self.windows[key] = dialog
        else:
            dialog.reload()  # type: ignore[attr-defined]
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog


def install(ctx: Any) -> LiaisonActions:
    """Add the 督查 menu to the window."""
    actions = LiaisonActions(ctx)
    tr = ctx.tr
    ctx.add_action(MENU, tr("记录走访…"), actions.record_visit, needs_site=True, writes=True)
    ctx.add_action(MENU, tr("新增台账条目…"), actions.add_ledger_entry, needs_site=True, writes=True)
    ctx.menu(MENU).addSeparator()
    ctx.add_action(MENU, tr("人员与联络员…"), actions.people)
    ctx.add_action(MENU, tr("逾期未走访与整改逾期…"), actions.overdue)
    ctx.liaison_actions = actions  # kept alive with the context; tests reach the windows through it
    return actions
