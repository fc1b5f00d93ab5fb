"""China's administrative divisions (行政区划): provinces, prefecture-level and county-level units.

The shipped table is `resources/divisions/divisions.csv` (see the README beside it for its
source and vintage). Codes are 6-digit strings. Municipalities (北京、天津、上海、重庆) have
no city-level row: their districts and counties hang directly under the province-level row,
and counties administered directly by a province (仙桃市、石河子市…) do too.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from bqw_desktop.errors import UserError

DivisionLevel = Literal["province", "city", "county"]

LEVEL_LABELS: dict[str, str] = {"province": "省级", "city": "地级", "county": "县级"}

_CODE_RE = re.compile(r"[0-9]{6}")
_COLUMNS = ("code", "name", "parent_code", "level")


@dataclass(frozen=True, slots=True)
class Division:
    """One administrative unit. `parent_code` is "" for a province-level unit."""

    code: str
    name: str
    parent_code: str
    level: DivisionLevel


class Divisions:
    """An immutable tree of divisions, looked up by 6-digit code.

    Children are kept in code order. Methods taking a code raise `KeyError` for an unknown
    code, except `get`, which returns None; validate user input with `validate_region_code`.
    """

    def __init__(self, divisions: Iterable[Division]) -> None:
        self._by_code: dict[str, Division] = {}
        for division in divisions:
            self._by_code[division.code] = division
        children: dict[str, list[str]] = {}
        for code in sorted(self._by_code):
            parent = self._by_code[code].parent_code
            if parent:
                children.setdefault(parent, []).append(code)
        self._children = {code: tuple(kids) for code, kids in children.items()}

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[Division]:
        """All divisions in code order."""
        return (self._by_code[code] for code in sorted(self._by_code))

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Division | None:
        """The division with this code, or None."""
        return self._by_code.get(code)

    def children(self, code: str) -> list[Division]:
        """The units directly under `code`, in code order (empty for a county-level unit)."""
        self._require(code)
        return [self._by_code[kid] for kid in self._children.get(code, ())]

    def provinces(self) -> list[Division]:
        """The province-level units, in code order."""
        return [d for d in self if not d.parent_code]

    def path(self, code: str) -> list[Division]:
        """The chain from the province down to `code` itself, e.g. 湖南省 → 长沙市 → 长沙县."""
        chain = [self._require(code)]
        while chain[-1].parent_code:
            chain.append(self._require(chain[-1].parent_code))
        chain.reverse()
        return chain

    def full_name(self, code: str) -> str:
        """The names along `path(code)` run together, e.g. "湖南省长沙市长沙县"."""
        return "".join(d.name for d in self.path(code))

    def subtree(self, code: str) -> list[str]:
        """`code` and the codes of every unit below it, parents before their children."""
        self._require(code)
        out: list[str] = []
        stack = [code]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(reversed(self._children.get(current, ())))
        return out

    def merged(self, extra: Iterable[Division]) -> Divisions:
        """A new tree with `extra` added; an extra unit with a known code replaces (renames) it.

        For units an office adds or renames after the shipped table's vintage.
        """
        return Divisions([*self._by_code.values(), *extra])

    def _require(self, code: str) -> Division:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"unknown division code {code!r}") from None


def read_divisions(path: Path) -> Divisions:
    """Read a divisions CSV (columns code, name, parent_code, level; UTF-8, header row)."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != _COLUMNS:
            raise ValueError(f"{path}: expected columns {_COLUMNS}, got {reader.fieldnames}")
        return Divisions(
            Division(r["code"], r["name"], r["parent_code"], r["level"])  # type: ignore[arg-type]
            for r in reader
        )


@lru_cache(maxsize=1)
def _default_divisions() -> Divisions:
    # Imported here so that merely importing the domain package touches no files.
    from bqw_desktop.resources import resource_path

    return read_divisions(resource_path("divisions", "divisions.csv"))


def load_divisions(path: Path | None = None) -> Divisions:
    """The shipped national table (read once, then cached), or the table at `path` (not cached)."""
    if path is None:
        return _default_divisions()
    return read_divisions(path)


def validate_region_code(code: str, *, divisions: Divisions | None = None) -> str:
    """Return `code` as a known 6-digit division code, or raise `UserError`.

    Full-width digits and surrounding spaces are accepted and normalised. `divisions`
    defaults to the shipped national table.
    """
    text = unicodedata.normalize("NFKC", str(code)).strip()
    if not _CODE_RE.fullmatch(text):
        raise UserError(f"行政区划代码“{code}”不是6位数字，请填写如 430121 这样的6位代码。")
    table = divisions if divisions is not None else load_divisions()
    if text not in table:
        raise UserError(f"行政区划代码“{text}”不在全国行政区划表中，请核对代码。")
    return text
