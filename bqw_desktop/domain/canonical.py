"""Canonical JSON: the one byte form used for content hashes and signatures.

Keys sorted, UTF-8, no spaces, non-ASCII kept as is, NaN/Infinity refused; dates become ISO
text, exactly as records travel. Changing this invalidates every stored hash and signature.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any


def _plain(value: Any) -> Any:
    if type(value) is date:  # the common case (record dates), before the isinstance chain
        return value.isoformat()
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


# --- the same bytes, faster, for the rows of bulk writes ---------------------------------
#
# A bulk write hashes hundreds of thousands of rows of one table (850,000 for a province's
# demo). `content_hash` spends most of its time in `JSONEncoder.encode`, which builds a new
# C encoder on every call and encodes and sorts the keys of every dict. `row_hasher` knows
# the keys and what each column holds in advance and writes the same text directly.

ROW_KINDS = ("str", "int", "bool", "date", "any")


def row_hasher(kinds: Mapping[str, str]) -> Callable[[Mapping[str, Any]], str]:
    """A function giving `content_hash({key: row[key] for key in kinds})` for a row, faster.

    `kinds` maps each key to what its column holds: "str", "int", "bool", "date" or "any"
    (a table's Python column types); extra keys in a row are ignored. A value that is not
    of its column's kind is still hashed exactly as `content_hash` would (None and other
    types through the general encoder), so `kinds` decides speed, never the result; values
    `content_hash` refuses (NaN, unknown types) are refused the same way.

    The text hashed is `canonical_json`'s byte for byte: keys sorted and encoded by the same
    function, str values by the same C function (`encode_basestring`), whole int values by
    int's repr, True/False/None as true/false/null, plain dates as quoted ISO text (`_plain`);
    anything else goes through a C encoder with `_ENCODER`'s options, one value at a time.
    tests/unit/test_bulk_speedups.py checks the equality over generated rows.
    """
    keys = sorted(kinds)
    if not all(isinstance(key, str) for key in keys):
        raise TypeError("row_hasher: keys must be text")

    def general(row: Mapping[str, Any]) -> str:
        return content_hash({key: row[key] for key in keys})

    body, parts, names, values = [], [], [], []
    for i, key in enumerate(keys):
        body += [f"v = row[K{i}]", f"x{i} = {_ENCODE_VALUE.get(kinds[key], _ENCODE_VALUE['any'])}"]
        parts.append(f"{{P{i}}}{{x{i}}}")
        names += [f"K{i}", f"P{i}"]
        values += [key, ("{" if i == 0 else ",") + encode_basestring(key) + ":"]
    text = f"f\"{''.join(parts)}{{END}}\""
    # The generated code names only its own variables: keys and their JSON come in as values.
    source = "\n".join([
        f"def make(E, one, sha, date, general, {', '.join(names + ['END'])}):",
        "  def hash_row(row):",
        "    try:",
        *(f"      {line}" for line in body or ["pass"]),
        "    except TypeError:  # E refuses what is not str: the general path decides",
        "      return general(row)",
        f"    return sha({text}.encode('utf-8')).hexdigest()",
        "  return hash_row",
    ])
    namespace: dict[str, Any] = {}
    exec(compile(source, "<row_hasher>", "exec"), namespace)  # noqa: S102 - built just above
    end = "}" if keys else "{}"
    return namespace["make"](encode_basestring, _one_value, hashlib.sha256, date, general, *values, end)


# Per kind: the JSON text of `v`, as `canonical_json` writes it; `one` handles the rest.
_ENCODE_VALUE = {
    "str": 'E(v) if v is not None else "null"',  # E refuses non-str: the caller falls back
    "int": """f'{v}' if type(v) is int else "null" if v is None else one(v)""",  # bool, IntEnum: one
    "bool": '"true" if v is True else "false" if v is False else "null" if v is None else one(v)',
    "date": """'"' + v.isoformat() + '"' if type(v) is date else "null" if v is None else one(v)""",
    "any": "one(v)",
}

# One C encoder with `_ENCODER`'s options (markers=None: no guard against self-containing
# lists, which a record's content cannot hold; it would end in RecursionError).
_ONE = (c_make_encoder(None, _plain, encode_basestring, None, ":", ",", True, False, False)
        if c_make_encoder is not None else None)


def _one_value(value: Any) -> str:
    """The canonical JSON text of one value."""
    if _ONE is None:  # a Python without the C accelerator
        return _ENCODER.encode(value)
    return "".join(_ONE([value], 0))[1:-1]
