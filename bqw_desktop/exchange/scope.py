"""Who is entitled to which records, and what an office may send to a neighbour.

Offices form a tree: county → city → province, and a provincial `system` office →
province (a county of a municipality, or one administered directly by its province, hangs
under the province). `OfficeTree.chain(code)` is an office and the offices above it.

Every record has *anchors*: the offices whose chain is entitled to it (docs/EXCHANGE.md).
Its owner is always an anchor; a record about a site also has the site's owner; a quota or
an organization count has the office of its unit. An office R is entitled to a record when R
lies on the chain of one of its anchors, i.e. an anchor is R or an office below R. A
campaign is entitled to every office above or below its owner.

What travels between two neighbours (`may_send`):
- up (to the parent): records owned by the sender or by offices below it, that the parent
  is entitled to — the sender's own records and those it relays from below;
- down (to a child): records the child is entitled to that were not made by the child or
  below it — decisions and acts of upper tiers (and of siblings) about the child's sites.
The recipient checks the same rule on arrival (`check_received`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from functools import lru_cache

from bqw_desktop.domain.divisions import Divisions, load_divisions

__all__ = ["SYSTEM_CODE_RE", "Direction", "OfficeTree", "office_tree"]

SYSTEM_CODE_RE = re.compile(r"^(\d{6})-S\d{2}$")
_DIVISION_RE = re.compile(r"^\d{6}$")


class Direction(StrEnum):
    """Where the recipient stands relative to the sender."""

    UP = "up"  # the recipient is the sender's parent
    DOWN = "down"  # the recipient is a child of the sender


class OfficeTree:
    """The tree of offices, from the division table; codes it does not know still work.

    An unknown 6-digit code is placed by its digits (`4301xx` under `430100` under
    `430000`); a system code `430000-S01` hangs under its province.
    """

    def __init__(self, divisions: Divisions | None = None) -> None:
        self._divisions = divisions or load_divisions()
        self._chains: dict[str, tuple[str, ...]] = {}

    def chain(self, code: str) -> tuple[str, ...]:
        """`code` and every office above it, nearest first."""
        found = self._chains.get(code)
        if found is None:
            found = self._chains[code] = self._build_chain(code)
        return found

    def _build_chain(self, code: str) -> tuple[str, ...]:
        system = SYSTEM_CODE_RE.match(code)
        if system:
            return (code, *self.chain(system.group(1)))
        if code in self._divisions:
            return tuple(d.code for d in reversed(self._divisions.path(code)))
        if _DIVISION_RE.match(code):
            province, city = code[:2] + "0000", code[:4] + "00"
            return tuple(dict.fromkeys((code, city, province)))
        return (code,)

    def parent(self, code: str) -> str | None:
        """The office directly above `code` (None for a province)."""
        chain = self.chain(code)
        return chain[1] if len(chain) > 1 else None

    def within(self, code: str, root: str) -> bool:
        """True when `code` is `root` or an office below it."""
        return root in self.chain(code)

    def office_of(self, unit_code: str | None) -> str | None:
        """The office a unit belongs to: the unit itself for a division or system code."""
        if not unit_code:
            return None
        if SYSTEM_CODE_RE.match(unit_code) or _DIVISION_RE.match(unit_code):
            return unit_code
        return None

    def direction(self, sender: str, recipient: str) -> Direction | None:
        """UP or DOWN for direct neighbours; None for any other pair."""
        if self.parent(sender) == recipient:
            return Direction.UP
        if self.parent(recipient) == sender:
            return Direction.DOWN
        return None

    def entitled(self, office: str, anchors: Iterable[str | None]) -> bool:
        """Whether `office` is entitled to a record with these anchors."""
        return any(a is not None and office in self.chain(a) for a in anchors)

    def entitled_to_campaign(self, office: str, owner: str) -> bool:
        """Campaigns reach every office above and below the office that set them up."""
        return office in self.chain(owner) or owner in self.chain(office)

    def may_send(self, *, direction: Direction, sender: str, recipient: str, owner: str) -> bool:
        """The owner rule of a package between neighbours (the entitlement is checked apart)."""
        if direction is Direction.UP:
            return self.within(owner, sender)
        return not self.within(owner, recipient)


@lru_cache(maxsize=1)
def office_tree() -> OfficeTree:
    """The tree over the shipped division table (cached)."""
    return OfficeTree()
