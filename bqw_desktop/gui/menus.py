"""Plug-in point: extra menus and actions (print, exchange, Excel…).

Each entry is an installer `install(ctx: MainWindowContext) -> None`, or "module:function".
It runs once after the window's own menus exist and adds actions through
`ctx.add_action(menu, text, slot, *, shortcut=None, needs_site=False, writes=False,
toolbar=False, tip="")`. `menu` is "file", "edit", "view", "help" or the title of a new
top-level menu ("打印", "数据交换" …), created before 帮助. For example

    def install(ctx):
        ctx.add_action("打印", ctx.tr("打印推荐表…"), lambda: print_form(ctx), needs_site=True)

and here:  "bqw_desktop.gui.printing_menu:install",
"""

from __future__ import annotations

from collections.abc import Callable

MENU_PLUGINS: list[Callable[..., None] | str] = [
    "bqw_desktop.gui.printing:install",
    "bqw_desktop.gui.excel:install",
    "bqw_desktop.gui.exchange:install",
    "bqw_desktop.gui.liaison_menu:install",
    "bqw_desktop.gui.lifecycle_menu:install",
    "bqw_desktop.gui.units_menu:install",
]
