"""Plug-in point: the tabs of the selected site's detail area.

Each entry is `(title, factory)`. The factory is called once with the window's
`MainWindowContext` and returns a QWidget that has a method `show_site(site_id: str | None)`;
the window calls it when the tab is visible and the selection changed (hidden tabs are
refreshed when shown). A factory may be given as "package.module:Name" so that nothing is
imported before the window is built. To add a tab, append one entry, e.g.

    ("创建目标", "bqw_desktop.gui.tabs.checklist:ChecklistTab"),

A tab reloads itself after writes by connecting to `ctx.changes.changed`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class SiteTab(Protocol):
    """What the window expects of a tab widget."""

    def show_site(self, site_id: str | None) -> None: ...


SITE_TABS: list[tuple[str, Callable[..., object] | str]] = [
    ("基本情况", "bqw_desktop.gui.tabs.particulars:ParticularsTab"),
    ("创建目标", "bqw_desktop.gui.tabs.checklist:ChecklistTab"),
    ("申报与创建", "bqw_desktop.gui.tabs.candidacies:CandidaciesTab"),
    ("督查指导", "bqw_desktop.gui.tabs.visits:VisitsTab"),
    ("创建台账", "bqw_desktop.gui.tabs.ledger:LedgerTab"),
    ("联系人", "bqw_desktop.gui.tabs.people:PeopleTab"),
]
