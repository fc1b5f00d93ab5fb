"""Canonical JSON: the one byte form used for content hashes and signatures.

Keys sorted, UTF-8, no spaces, non-ASCII kept as is, NaN/Infinity refused; dates become ISO
text, exactly as records travel. Changing this invalidates every stored hash and signature.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"not JSON-able: {type(value).__name__}")


# One encoder for every call: json.dumps with options builds a new one each time.
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_plain
)


def canonical_json(obj: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: equal content gives equal bytes on every machine."""
    return _ENCODER.encode(obj).encode("utf-8")


def content_hash(obj: Any) -> str:
    return hashlib.sha256(canonical_json(obj)).hexdigest()
