"""The 数据交换 menu: packages to and from neighbour offices on a USB stick.

`install(ctx)` is the `MENU_PLUGINS` entry. It adds 导出数据包…, 导入数据包…, 数据包记录,
导入报告…, 冲突处理… and 本单位密钥…, each opening its window over `services.exchange`.
`ExchangeActions` keeps the last window it opened (`last_dialog`) and opens them unshown
with `show=False`, so tests drive them directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog

from bqw_desktop.gui.context import MainWindowContext

# The windows (and the exchange services with their cryptography) load when first opened,
# not at start-up.
if TYPE_CHECKING:
    from bqw_desktop.gui.exchange.conflicts import ConflictsDialog
    from bqw_desktop.gui.exchange.export_wizard import ExportWizard
    from bqw_desktop.gui.exchange.history import PackageHistoryDialog, ReportsDialog
    from bqw_desktop.gui.exchange.import_wizard import ImportWizard
    from bqw_desktop.gui.exchange.keys import KeysDialog

__all__ = ["MENU", "ExchangeActions", "install"]

MENU = "数据交换"


def tr(text: str) -> str:
    return QCoreApplication.translate("Exchange", text)


class ExchangeActions:
    """The menu's commands for one window."""

    def __init__(self, ctx: MainWindowContext) -> None:
        self.ctx = ctx
        self.background = True  # long work in a worker thread; tests may run it inline
        self.last_dialog: QDialog | None = None

    def _open(self, dialog: QDialog, show: bool) -> Any:
        self.last_dialog = dialog
        if show:
            dialog.exec()
        return dialog

    def export_package(self, *, show: bool = True) -> ExportWizard:
        from bqw_desktop.gui.exchange.export_wizard import ExportWizard

        wizard = ExportWizard(self.ctx.runner, settings=self.ctx.settings, parent=self.ctx.window,
                              background=self.background)
        return self._open(wizard, show)

    def import_package(self, path: Path | None = None, *, show: bool = True) -> ImportWizard:
        from bqw_desktop.gui.exchange.import_wizard import ImportWizard

        wizard = ImportWizard(self.ctx.runner, path=path, settings=self.ctx.settings,
                              open_conflicts=self.conflicts, parent=self.ctx.window, background=self.background)
        if show and path is None:
            wizard.choose_file()
        return self._open(wizard, show)

    def history(self, *, show: bool = True) -> PackageHistoryDialog:
        from bqw_desktop.gui.exchange.history import PackageHistoryDialog

        dialog = PackageHistoryDialog(self.ctx.runner, open_report=lambda rid: self.reports(report_id=rid),
                                      parent=self.ctx.window)
        return self._open(dialog, show)

    def reports(self, *, report_id: int | None = None, show: bool = True) -> ReportsDialog:
        from bqw_desktop.gui.exchange.history import ReportsDialog

        dialog = ReportsDialog(self.ctx.runner, report_id=report_id, settings=self.ctx.settings,
                               parent=self.ctx.window)
        return self._open(dialog, show)

    def conflicts(self, *, show: bool = True) -> ConflictsDialog:
        from bqw_desktop.gui.exchange.conflicts import ConflictsDialog

        return self._open(ConflictsDialog(self.ctx.runner, parent=self.ctx.window), show)

    def keys(self, *, show: bool = True) -> KeysDialog:
        from bqw_desktop.gui.exchange.keys import KeysDialog

        return self._open(KeysDialog(self.ctx.runner, settings=self.ctx.settings, parent=self.ctx.window), show)


def install(ctx: MainWindowContext) -> ExchangeActions:
    """Add the 数据交换 menu to the window."""
    actions = ExchangeActions(ctx)
    ctx.exchange_actions = actions  # type: ignore[attr-defined]  # kept alive with the window
    ctx.add_action(MENU, tr("导出数据包…"), actions.export_package, writes=True,
                   tip=tr("为直接上级或下级单位导出交换包，保存到U盘"))
    ctx.add_action(MENU, tr("导入数据包…"), actions.import_package, writes=True,
                   tip=tr("导入相邻单位发来的交换包：先核验、预览，确认后再导入"))
    ctx.menu(MENU).addSeparator()
    ctx.add_action(MENU, tr("数据包记录"), actions.history, tip=tr("发出和收到的全部交换包"))
    ctx.add_action(MENU, tr("导入报告…"), actions.reports, tip=tr("查看或导出以前的导入报告"))
    ctx.add_action(MENU, tr("冲突处理…"), actions.conflicts,
                   tip=tr("处理导入时发现的冲突和可能重复的示范点"))
    ctx.menu(MENU).addSeparator()
    ctx.add_action(MENU, tr("本单位密钥…"), actions.keys,
                   tip=tr("本单位密钥指纹、身份卡的导出与登记、更换密钥"))
    return actions
