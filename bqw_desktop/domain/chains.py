"""Chains of acts: how the current state of a shared thing is derived.

Several offices act on one candidacy (or rectification). Each act names the act it follows
(`follows_id`; the first follows nothing). The current state is the end of the single path
from the start. Two live acts following the same act are a fork: the chain stops there and a
person must decide; no clock is consulted. Tombstoned acts (reversed by their owner) are
left out before the chain is walked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Act:
    id: str
    follows_id: str | None
    payload: object = None


@dataclass(frozen=True)
class Chain:
    """The path from the start, where it forks (if it does), and acts that hang on nothing."""

    path: tuple[Act, ...]
    fork: tuple[Act, ...] = ()
    dangling: tuple[Act, ...] = field(default=())

    @property
    def last(self) -> Act | None:
        return self.path[-1] if self.path else None

    @property
    def forked(self) -> bool:
        return bool(self.fork)


def derive(acts: Iterable[Act]) -> Chain:
    """Walk from the start; stop at the end or at the first fork."""
    acts = list(acts)
    ids = {a.id for a in acts}
    followers: dict[str | None, list[Act]] = {}
    for act in acts:
        followers.setdefault(act.follows_id, []).append(act)
    path: list[Act] = []
    current: str | None = None
    seen: set[str] = set()
    while True:
        nexts = sorted(followers.get(current, []), key=lambda a: a.id)
        if len(nexts) > 1:
            fork = tuple(nexts)
            break
        if not nexts or nexts[0].id in seen:
            fork = ()
            break
        path.append(nexts[0])
        seen.add(nexts[0].id)
        current = nexts[0].id
    dangling = tuple(a for a in acts if a.follows_id is not None and a.follows_id not in ids)
    return Chain(tuple(path), fork, dangling)
