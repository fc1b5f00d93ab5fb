"""The selected site's detail area: one tab per entry of `site_tabs.SITE_TABS`.

Only the visible tab is refreshed when the selection changes; a hidden tab catches up when
it is shown, so a tab that loads hundreds of rows costs nothing until someone looks at it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from bqw_desktop.gui import site_tabs
from bqw_desktop.gui.context import MainWindowContext, resolve


class SiteDetail(QTabWidget):
    """Hosts the plug-in tabs and keeps them on the selected site."""

    def __init__(self, ctx: MainWindowContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("siteDetail")
        self.site_id: str | None = None
        self._shown: dict[int, str | None] = {}
        for title, factory in site_tabs.SITE_TABS:
            widget = resolve(factory)(ctx)
            self.addTab(widget, self.tr(title))
        self.currentChanged.connect(lambda _index: self._refresh_current())
        ctx.site_selected.connect(self.show_site)

    def show_site(self, site_id: str | None) -> None:
        self.site_id = site_id
        self._shown.clear()
        self._refresh_current()

    def refresh(self) -> None:
        """Reload the visible tab (e.g. after a restore)."""
        self._shown.clear()
        self._refresh_current()

    def _refresh_current(self) -> None:
        index = self.currentIndex()
        if index < 0 or (index in self._shown and self._shown[index] == self.site_id):
            return
        self._shown[index] = self.site_id
        self.widget(index).show_site(self.site_id)  # type: ignore[attr-defined]
