"""Decisions signed by the office that made them (approvals, awards, revocations, quotas).

A decision record is any JSON-ready dict. `sign_record` adds a `signature` block naming the
deciding office and its key; an office that relays the record cannot alter or forge it,
because `verify_record` checks it against the deciding office's own key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bqw_desktop.exchange import keys
from bqw_desktop.exchange.canonical import canonical_json
from bqw_desktop.exchange.errors import PackageRefused
from bqw_desktop.exchange.trust import TrustStore

__all__ = ["SIGNATURE_FIELD", "record_payload", "sign_record", "verify_record"]

SIGNATURE_FIELD = "signature"


def record_payload(record: Mapping[str, Any], office_code: str) -> bytes:
    """The bytes signed: the record without its signature block, bound to the office code."""
    body = {k: v for k, v in record.items() if k != SIGNATURE_FIELD}
    return canonical_json({"kind": "decision", "office": office_code, "record": body})


def sign_record(record: Mapping[str, Any], office_code: str, priv: Ed25519PrivateKey) -> dict[str, Any]:
    """A copy of `record` with a `signature` block {office, key, sig} (any old one replaced)."""
    pub = keys.private_public_bytes(priv)
    sig = keys.sign(priv, record_payload(record, office_code))
    signed = {k: v for k, v in record.items() if k != SIGNATURE_FIELD}
    signed[SIGNATURE_FIELD] = {
        "office": office_code,
        "key": keys.compact_fingerprint(pub),
        "sig": keys.b64encode(sig),
    }
    return signed


def verify_record(
    record: Mapping[str, Any],
    trust: TrustStore,
    *,
    office: str | None = None,
    label: str | None = None,
) -> str:
    """Check a decision's signature; return the signing office's code.

    `office`, if given, is the office that must have signed (e.g. the province for a
    provincial award). Retired keys still verify: the decision was valid when it was made.
    Raises PackageRefused naming the record (`label`, or its type/id) when the signature is
    missing, the office or key is unknown, or the record was altered.
    """
    what = label or _describe(record)
    block = record.get(SIGNATURE_FIELD)
    if not isinstance(block, Mapping):
        raise PackageRefused(f"{what}缺少签发机关的签名，不能接受。")
    signer, key_id = block.get("office"), block.get("key")
    sig = keys.b64decode(block.get("sig"), length=keys.SIGNATURE_BYTES)
    if not isinstance(signer, str) or not isinstance(key_id, str) or sig is None:
        raise PackageRefused(f"{what}的签名格式无效。")
    if office is not None and signer != office:
        raise PackageRefused(f"{what}应由机关 {office} 签发，却带有机关 {_short(signer)} 的签名。")
    known = trust.keys_for(signer)
    if not known:
        raise PackageRefused(f"{what}由未登记的机关 {_short(signer)} 签发，无法核验。")
    key = next((k for k in known if k.compact_fingerprint == key_id), None)
    if key is None:
        raise PackageRefused(f"{what}的签名密钥（指纹 {_short(key_id)}）不是机关 {signer} 已知的密钥。")
    if not keys.verify(key.public_key, record_payload(record, signer), sig):
        raise PackageRefused(f"{what}的签名核验失败：内容被改动过或签名是伪造的。")
    return signer


def _describe(record: Mapping[str, Any]) -> str:
    kind = record.get("type") or record.get("kind") or "决定"
    rid = record.get("id") or record.get("uid")
    return f"记录（{_short(kind)} {_short(rid)}）" if rid is not None else f"记录（{_short(kind)}）"


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"
