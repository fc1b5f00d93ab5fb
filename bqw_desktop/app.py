"""Composition root of the window: paths → database → main window."""

from __future__ import annotations


def run_window(*, db: str | None = None, demo: bool = False) -> int:
    from bqw_desktop.gui.application import run

    return run(db=db, demo=demo)
