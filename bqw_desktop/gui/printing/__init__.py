"""Printing in the window: the 打印 menu, preview (QtPdf), batches, verification, settings.

Installed through `gui.menus.MENU_PLUGINS` as "bqw_desktop.gui.printing:install".
"""

from __future__ import annotations

from typing import Any


def install(ctx: Any) -> Any:
    """Add the 打印 menu (imported here, so the window pays for it only when installing)."""
    from bqw_desktop.gui.printing.menu import install as install_menu

    return install_menu(ctx)
