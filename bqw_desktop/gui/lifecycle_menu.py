"""The 申报审定 menu: bulk steps and their undo, the quota allocation, the campaign calendar.

`install(ctx)` is the `MENU_PLUGINS` entry. Bulk steps work on the register's sites as
shown (its filters applied) or as selected.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from bqw_desktop.gui.context import MainWindowContext

MENU = "申报审定"


def tr(text: str) -> str:
    return QCoreApplication.translate("LifecycleMenu", text)


class LifecycleActions:
    """The menu's commands for one window (dialogs are built on demand)."""

    def __init__(self, ctx: MainWindowContext) -> None:
        self.ctx = ctx
        self.last_dialog: Any = None

    def _selected(self) -> list[str]:
        accessor = getattr(self.ctx, "selected_site_ids", None)
        if callable(accessor):
            return list(accessor())
        return [self.ctx.current_site_id] if self.ctx.current_site_id else []

    def bulk_steps(self, *, show: bool = True) -> Any:
        from bqw_desktop.gui.dialogs.bulk_steps import BulkStepsDialog

        dialog = BulkStepsDialog(self.ctx.runner, shown_ids=self.ctx.shown_site_ids(),
                                 selected_ids=self._selected(), parent=self.ctx.window)
        self.last_dialog = dialog
        if show and dialog.exec() and dialog.result_count:
            self._status(tr("已批量办理 {n} 个申报。").format(n=dialog.result_count))
        return dialog

    def undo_batches(self, *, show: bool = True) -> Any:
        from bqw_desktop.gui.dialogs.bulk_steps import BatchUndoDialog

        dialog = BatchUndoDialog(self.ctx.runner, parent=self.ctx.window)
        self.last_dialog = dialog
        if show:
            dialog.exec()
        return dialog

    def quotas(self, *, show: bool = True) -> Any:
        from bqw_desktop.gui.dialogs.quota import QuotaDialog

        dialog = QuotaDialog(self.ctx.runner, self.ctx.office, parent=self.ctx.window)
        self.last_dialog = dialog
        if show:
            dialog.exec()
        return dialog

    def campaign(self, *, show: bool = True) -> Any:
        from bqw_desktop.gui.dialogs.campaign import CampaignDialog

        dialog = CampaignDialog(self.ctx.runner, self.ctx.office.code, parent=self.ctx.window)
        self.last_dialog = dialog
        if show:
            dialog.exec()
        return dialog

    def _status(self, text: str) -> None:
        bar = getattr(self.ctx.window, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 10000)


def install(ctx: MainWindowContext) -> LifecycleActions:
    """Add the 申报审定 menu to the window."""
    actions = LifecycleActions(ctx)
    ctx.lifecycle_actions = actions  # type: ignore[attr-defined]  # kept alive with the window
    ctx.add_action(MENU, tr("批量推荐/确定/授牌…"), actions.bulk_steps, writes=True,
                   tip=tr("对名册当前筛选（或选中）的示范点的申报批量办理同一事项，先检查再办理"))
    ctx.add_action(MENU, tr("撤销批量操作…"), actions.undo_batches, writes=True)
    ctx.menu(MENU).addSeparator()
    ctx.add_action(MENU, tr("名额分配…"), actions.quotas,
                   tip=tr("按基层党组织数分配示范点名额，显示计算过程"))
    ctx.add_action(MENU, tr("批次与日程…"), actions.campaign,
                   tip=tr("设置创建批次的日期：确定创建单位、创建期、考核授牌、复评间隔"))
    return actions
