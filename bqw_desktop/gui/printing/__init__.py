"""Printing in the window: the 打印 menu, preview (QtPdf), batches, verification, settings.

Installed through `gui.menus.MENU_PLUGINS` as "bqw_desktop.gui.printing:install". The menu
is built at once; what it does (reportlab, QtPdf: a quarter of a second to import) loads
when a command is first chosen.
"""

from __future__ import annotations

from typing import Any

MENU = "打印"


class LazyPrintActions:
    """Stands for `menu.PrintActions`, made on first use."""

    def __init__(self, ctx: Any) -> None:
        self._ctx = ctx
        self._actions: Any = None

    def _real(self) -> Any:
        if self._actions is None:
            from bqw_desktop.gui.printing.menu import PrintActions

            self._actions = PrintActions(self._ctx)
        return self._actions

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._real(), name, value)


def install(ctx: Any) -> LazyPrintActions:
    """Add the 打印 menu to the window."""
    actions = LazyPrintActions(ctx)
    ctx._print_actions = actions  # keep it (and its temporary folder) alive with the window
    add = ctx.add_action
    add(MENU, ctx.tr("推荐表…"), lambda: actions.site_document("nomination"), needs_site=True,
        tip=ctx.tr("打印所选示范点最近一次申报的推荐表"))
    add(MENU, ctx.tr("证书…"), lambda: actions.site_document("certificate"), needs_site=True,
        tip=ctx.tr("打印所选示范点最近一次授牌的证书（首次打印时编号并签名）"))
    add(MENU, ctx.tr("牌匾制作单…"), lambda: actions.site_document("plaque"), needs_site=True)
    add(MENU, ctx.tr("督查记录表…"), lambda: actions.inspection(), needs_site=True)
    add(MENU, ctx.tr("一点一档…"), lambda: actions.site_document("dossier"), needs_site=True)
    add(MENU, ctx.tr("名单…"), lambda: actions.register_list())
    ctx.menu(MENU).addSeparator()
    add(MENU, ctx.tr("批量打印…"), lambda: actions.batch())
    add(MENU, ctx.tr("验证证书…"), lambda: actions.verify())
    ctx.menu(MENU).addSeparator()
    add(MENU, ctx.tr("打印设置…"), lambda: actions.print_settings())
    return actions
