"""Plug-in point: dock panels beside the register (due list, quota usage…).

Each entry is `(object_name, title, factory, area)`: `object_name` is a stable ASCII name
(the window's remembered layout refers to it), `factory(ctx) -> QWidget` or
"module:Name", `area` one of "right", "left", "bottom". The window wraps the widget in a
QDockWidget and lists it in 查看. A dock follows the selection through
`ctx.site_selected` and reloads through `ctx.changes.changed`. For example

    ("dueList", "待办事项", "bqw_desktop.gui.docks_due:DueListDock", "right"),
"""

from __future__ import annotations

from collections.abc import Callable

DOCK_PLUGINS: list[tuple[str, str, Callable[..., object] | str, str]] = [
    ("dueList", "待办事项", "bqw_desktop.gui.docks_due:DueListDock", "right"),
]
