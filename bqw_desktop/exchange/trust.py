"""Which office keys this office trusts: registered directly, vouched for, or retired.

`TrustStore` is the read side every check uses; the database backs it with the `offices`
table, `MemoryTrustStore` backs it in memory (tests, and as an overlay of what a package
would add, so nothing is written before the package is accepted).

Rules
- A directly registered key (identity card, fingerprint compared by phone) always wins over a
  vouched one; a neighbour cannot replace it.
- A vouched key counts only when the voucher is directly registered here.
- A rotation retires the old key. Packages signed with a retired key are refused; decisions
  signed with it before the rotation still verify (they were valid when made).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from bqw_desktop.exchange import keys
from bqw_desktop.exchange.identity import KeyRotation, OfficeIdentity, Vouch

__all__ = [
    "KeySource",
    "MemoryTrustStore",
    "TrustStore",
    "TrustUpdate",
    "TrustedKey",
    "current_key",
    "find_key",
]

KeySource = Literal["direct", "vouched"]
TrustUpdate = Vouch | KeyRotation


@dataclass(frozen=True)
class TrustedKey:
    """One key known for an office. At most one key per office is not retired."""

    identity: OfficeIdentity
    source: KeySource
    voucher_code: str | None = None
    rotation: int = 0  # how many rotations led to this key (0 = the original, or unknown)
    retired: bool = False

    @property
    def public_key(self) -> bytes:
        return self.identity.public_key

    @property
    def compact_fingerprint(self) -> str:
        return keys.compact_fingerprint(self.identity.public_key)


class TrustStore(Protocol):
    """Read access to the keys this office knows."""

    def keys_for(self, office_code: str) -> Sequence[TrustedKey]:
        """Every key known for the office, current and retired (empty if unknown)."""
        ...


def current_key(trust: TrustStore, office_code: str) -> TrustedKey | None:
    """The office's key in force, or None if the office is unknown."""
    for k in trust.keys_for(office_code):
        if not k.retired:
            return k
    return None


def find_key(trust: TrustStore, office_code: str, public_key: bytes) -> TrustedKey | None:
    """The known key of the office with these raw bytes (current or retired), or None."""
    for k in trust.keys_for(office_code):
        if k.public_key == public_key:
            return k
    return None


class MemoryTrustStore:
    """A `TrustStore` in memory, optionally layered over another store (`base`).

    As an overlay it records changes without touching `base`: verification uses this to see
    the keys a package brings before deciding whether to accept it.
    """

    def __init__(self, base: TrustStore | None = None) -> None:
        self._base = base
        self._keys: dict[str, list[TrustedKey]] = {}

    def keys_for(self, office_code: str) -> Sequence[TrustedKey]:
        if office_code in self._keys:
            return tuple(self._keys[office_code])
        if self._base is not None:
            return tuple(self._base.keys_for(office_code))
        return ()

    def register(self, identity: OfficeIdentity) -> None:
        """Register a key directly (identity card + fingerprint check); it replaces any other."""
        self._set(identity.code, _with_current(self.keys_for(identity.code), TrustedKey(identity, "direct")))

    def add_vouched(self, vouch: Vouch) -> bool:
        """Record a vouched key; False (and no change) if the rules above leave it out.

        The caller has checked the vouch's signature against a directly registered voucher.
        """
        known = self.keys_for(vouch.identity.code)
        now = next((k for k in known if not k.retired), None)
        if now is not None and (now.source == "direct" or now.public_key == vouch.identity.public_key):
            return False
        if any(k.public_key == vouch.identity.public_key for k in known):
            return False  # a retired key cannot come back through a vouch
        rotation = now.rotation if now is not None else 0
        key = TrustedKey(vouch.identity, "vouched", vouch.voucher_code, rotation)
        self._set(vouch.identity.code, _with_current(known, key))
        return True

    def apply_rotation(self, rotation: KeyRotation) -> None:
        """Retire the current key in favour of `rotation.new_key` (the caller has checked it)."""
        known = self.keys_for(rotation.office_code)
        now = next((k for k in known if not k.retired), None)
        if now is None or now.public_key != rotation.old_key:
            raise ValueError("rotation does not start from the current key")
        new = replace(now, identity=now.identity.with_key(rotation.new_key), rotation=rotation.sequence)
        self._set(rotation.office_code, _with_current(known, new))

    def apply(self, updates: Iterable[TrustUpdate]) -> None:
        """Apply what an accepted package brought (`VerifiedPackage.trust_updates`), in order."""
        for update in updates:
            if isinstance(update, KeyRotation):
                self.apply_rotation(update)
            else:
                self.add_vouched(update)

    def _set(self, office_code: str, keys_: list[TrustedKey]) -> None:
        self._keys[office_code] = keys_


def _with_current(known: Sequence[TrustedKey], new: TrustedKey) -> list[TrustedKey]:
    """`known` with every key retired, minus any copy of `new`'s key, then `new` first."""
    rest = [k if k.retired else replace(k, retired=True) for k in known if k.public_key != new.public_key]
    return [new, *rest]
