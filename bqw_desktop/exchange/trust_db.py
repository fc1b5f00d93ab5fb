"""The keys this office trusts, kept in the database (`offices` + `office_keys`).

`DbTrustStore` is the `TrustStore` the verifier reads. It is loaded once per unit of work;
changes (a neighbour registered, keys a package brought, a rotation) are applied to it in
memory with `MemoryTrustStore`'s rules and written back for the offices they touch, in the
caller's transaction.

This office's own private key lives in the data folder; a rotation writes the new key beside
the old one first (`*.new`), commits the rotation, then renames it into place, so a crash
between the two leaves a state `own_private_key` finishes on its next call.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bqw_desktop.db.base import utc_now
from bqw_desktop.db.models import KeyRotationRecord, Office, OfficeKey
from bqw_desktop.errors import UserError
from bqw_desktop.exchange import keys
from bqw_desktop.exchange.identity import KeyRotation, OfficeIdentity, Vouch
from bqw_desktop.exchange.trust import KeySource, MemoryTrustStore, TrustedKey, TrustUpdate, current_key
from bqw_desktop.paths import DataFolder

__all__ = [
    "DbTrustStore",
    "KnownOffice",
    "known_offices",
    "own_identity",
    "own_private_key",
    "pending_key_path",
    "rotations",
    "vouches_for",
]


def pending_key_path(db_path: Path) -> Path:
    """Where a rotation's new private key waits until the rotation is committed."""
    private = DataFolder(db_path).private_key
    return private.with_name(private.name + ".new")


class DbTrustStore(MemoryTrustStore):
    """Every key known here, loaded from the database; `save` writes changed offices back."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self._session = session
        self._offices: dict[str, Office] = {o.code: o for o in session.scalars(select(Office))}
        rows: dict[str, list[OfficeKey]] = {}
        for row in session.scalars(select(OfficeKey).order_by(OfficeKey.retired, OfficeKey.id.desc())):
            rows.setdefault(row.office_code, []).append(row)
        for code, office in self._offices.items():
            found = rows.get(code)
            if found:
                self._keys[code] = [self._trusted(office, r) for r in found]
            elif office.public_key and office.trust in ("self", "direct", "vouched"):
                source: KeySource = "vouched" if office.trust == "vouched" else "direct"
                self._keys[code] = [TrustedKey(_identity(office, office.public_key), source)]
        self._dirty: set[str] = set()

    def _trusted(self, office: Office, row: OfficeKey) -> TrustedKey:
        source: KeySource = "vouched" if row.source == "vouched" else "direct"
        return TrustedKey(_identity(office, row.public_key), source, row.voucher_code, row.rotation, row.retired)

    def _set(self, office_code: str, keys_: list[TrustedKey]) -> None:
        super()._set(office_code, keys_)
        self._dirty.add(office_code)

    def apply_updates(self, updates: Iterable[TrustUpdate]) -> None:
        """Persist what a verified package brought: vouched keys and rotations, in order."""
        for update in updates:
            if isinstance(update, KeyRotation):
                self.apply_rotation(update)
                self._keep_rotation(update)
            elif self.add_vouched(update):
                self._note_identity(update.identity, trust="vouched")
        self.save()

    def register_direct(self, identity: OfficeIdentity) -> None:
        """Register a neighbour's identity card (the fingerprint was compared by phone)."""
        self.register(identity)
        self._note_identity(identity, trust="direct")
        self.save()

    def rotate_own(self, rotation: KeyRotation) -> None:
        """Record this office's own rotation (the caller then moves the new key into place)."""
        self.apply_rotation(rotation)
        self._keep_rotation(rotation)
        self.save()

    def _keep_rotation(self, rotation: KeyRotation) -> None:
        exists = self._session.scalar(select(KeyRotationRecord.id).where(
            KeyRotationRecord.office_code == rotation.office_code,
            KeyRotationRecord.sequence == rotation.sequence))
        if exists is None:
            self._session.add(KeyRotationRecord(office_code=rotation.office_code, sequence=rotation.sequence,
                                                body=json.dumps(rotation.to_dict(), sort_keys=True)))

    def _note_identity(self, identity: OfficeIdentity, *, trust: str) -> None:
        office = self._offices.get(identity.code)
        if office is None:
            office = Office(code=identity.code, name=identity.name, tier=identity.tier,
                            parent_code=identity.parent_code, public_key=identity.public_key,
                            fingerprint=identity.fingerprint, is_self=False, trust=trust,
                            registered_at=utc_now())
            self._session.add(office)
            self._offices[identity.code] = office
        elif not office.is_self:
            office.name, office.tier, office.parent_code = identity.name, identity.tier, identity.parent_code
            if office.trust != "direct" or trust == "direct":
                office.trust = trust

    def save(self) -> None:
        """Write the keys of every office changed since loading."""
        for code in sorted(self._dirty):
            known = self._keys[code]
            self._session.execute(delete(OfficeKey).where(OfficeKey.office_code == code))
            office = self._offices.get(code)
            for k in known:
                source = "self" if office is not None and office.is_self else k.source
                self._session.add(OfficeKey(office_code=code, public_key=k.public_key, source=source,
                                            voucher_code=k.voucher_code, rotation=k.rotation, retired=k.retired,
                                            registered_at=utc_now()))
            now = next((k for k in known if not k.retired), None)
            if office is not None and now is not None:
                office.public_key = now.public_key
                office.fingerprint = keys.fingerprint(now.public_key)
        self._session.flush()
        self._dirty.clear()

    def office(self, code: str) -> Office | None:
        return self._offices.get(code)

    def identity(self, code: str) -> OfficeIdentity | None:
        """The office's identity with its current key, or None if no key is known."""
        office = self._offices.get(code)
        key = current_key(self, code)
        if office is None or key is None:
            return None
        return _identity(office, key.public_key)


def _identity(office: Office, public_key: bytes) -> OfficeIdentity:
    return OfficeIdentity(office.code, office.name, office.tier, office.parent_code, public_key)


@dataclass(frozen=True)
class KnownOffice:
    """An office known here, as a plain row for lists."""

    code: str
    name: str
    tier: str
    parent_code: str | None
    fingerprint: str
    trust: str  # self / direct / vouched / none
    voucher_code: str | None
    rotation: int
    retired_keys: int

    def as_json(self) -> dict[str, object]:
        return self.__dict__.copy()


def known_offices(session: Session) -> list[KnownOffice]:
    """This office first, then the offices whose keys are known, by code."""
    store = DbTrustStore(session)
    out = []
    for office in sorted(store._offices.values(), key=lambda o: (not o.is_self, o.code)):
        known = store.keys_for(office.code)
        now = next((k for k in known if not k.retired), None)
        out.append(KnownOffice(
            code=office.code, name=office.name, tier=office.tier, parent_code=office.parent_code,
            fingerprint=keys.fingerprint(now.public_key) if now else office.fingerprint,
            trust=office.trust, voucher_code=now.voucher_code if now else None,
            rotation=now.rotation if now else 0, retired_keys=sum(1 for k in known if k.retired),
        ))
    return out


def rotations(session: Session) -> list[KeyRotation]:
    """Every rotation known here (own and relayed), to pass on in packages."""
    out = []
    for row in session.scalars(select(KeyRotationRecord).order_by(KeyRotationRecord.office_code,
                                                                  KeyRotationRecord.sequence)):
        out.append(KeyRotation.from_dict(json.loads(row.body), where="本机密钥更换记录"))
    return out


def own_identity(session: Session) -> OfficeIdentity:
    office = session.scalar(select(Office).where(Office.is_self.is_(True)))
    if office is None or not office.public_key:
        raise UserError("数据库尚未设置本单位信息或密钥，请先完成初始设置（bqw-desktop init）。")
    return _identity(office, office.public_key)


def own_private_key(db_path: Path, identity: OfficeIdentity) -> Ed25519PrivateKey:
    """This office's private key, matching its current public key.

    Finishes a rotation interrupted after its commit (the new key still waiting beside the
    old one). A key that matches nothing known is a refusal, never silently used.
    """
    folder = DataFolder(db_path)
    pending = pending_key_path(db_path)
    if pending.exists():
        new = keys.load_private_key(pending)
        if keys.private_public_bytes(new) == identity.public_key:
            os.replace(pending, folder.private_key)
            keys.fsync_dir(folder.keys)
        else:
            pending.unlink(missing_ok=True)  # a rotation that never committed
    if not folder.private_key.exists():
        raise UserError(f"找不到本单位的私钥文件 {folder.private_key}，无法签名。请从备份恢复数据文件夹。")
    private = keys.load_private_key(folder.private_key)
    if keys.private_public_bytes(private) != identity.public_key:
        raise UserError(
            f"私钥文件 {folder.private_key} 与数据库中本单位登记的公钥不符，无法签名。请从备份恢复数据文件夹。"
        )
    return private


def vouches_for(store: DbTrustStore, *, self_code: str, recipient: str,
                private_key: Ed25519PrivateKey) -> list[Vouch]:
    """This office's countersignatures of every other office it knows, for `recipient`."""
    from bqw_desktop.exchange.identity import make_vouch

    out = []
    for code in sorted(store._offices):
        if code in (self_code, recipient):
            continue
        identity = store.identity(code)
        if identity is not None:
            out.append(make_vouch(identity, voucher_code=self_code, voucher_key=private_key))
    return out
