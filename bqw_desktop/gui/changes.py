"""After a write, say what changed, so each view reloads only what it shows.

Kinds are short strings; capabilities add their own. A view connects to `changed` and
checks whether the set touches what it displays.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

SITES = "sites"
TICKS = "ticks"
CANDIDACIES = "candidacies"
VISITS = "visits"
LEDGER = "ledger"
PEOPLE = "people"
OFFICE = "office"
UNITS = "units"  # units added or renamed: region names and the division tree
# Everything: after a restore or an import the whole database may differ.
ALL = frozenset({SITES, TICKS, CANDIDACIES, VISITS, LEDGER, PEOPLE, OFFICE, UNITS, "*"})


class Changes(QObject):
    """The change bus of one window: `changed(kinds)` after every successful write."""

    changed = Signal(set)

    def emit(self, kinds: Iterable[str]) -> None:
        kinds = set(kinds)
        if kinds:
            self.changed.emit(kinds)

    def emit_all(self) -> None:
        self.changed.emit(set(ALL))


def touches(kinds: set[str], *wanted: str) -> bool:
    """True when a change of `kinds` concerns a view showing `wanted` (or everything changed)."""
    return "*" in kinds or any(w in kinds for w in wanted)
