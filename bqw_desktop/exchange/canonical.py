"""Canonical JSON: the one byte form used for every signature and content hash.

Keys sorted, UTF-8, no spaces, non-ASCII kept as is, NaN/Infinity refused. Two programs that
agree on the data agree on these bytes, so a signature or hash made on one office's machine
checks on another's. Keep this function simple and stable: changing it invalidates every
stored signature and content hash.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["canonical_json", "content_hash"]


def canonical_json(obj: Any) -> bytes:
    """The canonical UTF-8 bytes of a JSON-ready value (dicts, lists, str, int, float, bool, None)."""
    return json.dumps(
        obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def content_hash(obj: Any) -> str:
    """SHA-256 (lowercase hex) of `canonical_json(obj)`."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()
