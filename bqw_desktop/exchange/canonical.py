"""Canonical JSON for signatures and hashes: the same bytes as every record's content hash."""

from __future__ import annotations

from bqw_desktop.domain.canonical import canonical_json, content_hash

__all__ = ["canonical_json", "content_hash"]
