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
from itertools import combinations, product
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

    def find_by_name(self, text: str, within: str | None = None) -> list[Division]:
        """Units a written name may mean, in code order; see the module-level `find_by_name`."""
        key = _name_text(text)
        if not key:
            return []
        index = self.__dict__.get("_name_index")
        if index is None:
            index = self.__dict__["_name_index"] = _build_name_index(self)
        exact, short = index
        codes: list[str] = exact.get(key) or short.get(key) or []
        if within is not None:
            self._require(within)
            codes = [c for c in codes if self._in_subtree(c, within)]
        return [self._by_code[c] for c in sorted(set(codes))]

    def _in_subtree(self, code: str, root: str) -> bool:
        current: str | None = code
        while current:
            if current == root:
                return True
            current = self._by_code[current].parent_code if current in self._by_code else None
        return False

    def _require(self, code: str) -> Division:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"unknown division code {code!r}") from None


_SPACES_RE = re.compile(r"\s+")
_AUTONOMOUS_RE = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,5}族)*自治[区州县旗]$")
_SUFFIXES = ("特别行政区", "地区", "林区", "特区", "新区", "矿区", "省", "市", "县", "区", "旗", "州", "盟")


def _name_text(text: str) -> str:
    """A written name as compared: NFKC, no spaces."""
    return _SPACES_RE.sub("", unicodedata.normalize("NFKC", str(text or "")))


def short_name(name: str) -> str:
    """A unit's name without its suffix, as people write it: 长沙县 → 长沙, 湘西土家族苗族自治州
    → 湘西; "" when too little would remain (城区, 郊区)."""
    match = _AUTONOMOUS_RE.match(name)
    if match:
        return match.group(1)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return ""


def _forms(name: str) -> tuple[str, ...]:
    short = short_name(name)
    return (name, short) if short else (name,)


def _build_name_index(divisions: Divisions) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Written forms → codes: `exact` holds full names and paths of full names (湖南省长沙市长沙县,
    长沙市长沙县), `short` any other path over some of the ancestors, each in full or without
    its suffix (长沙, 湖南长沙县, 湖南省长沙县, 长沙长沙县)."""
    exact: dict[str, list[str]] = {}
    short: dict[str, list[str]] = {}
    for division in divisions:
        path = divisions.path(division.code)
        ancestors, last = path[:-1], path[-1]
        for start in range(len(path)):
            exact.setdefault("".join(d.name for d in path[start:]), []).append(division.code)
        forms: set[str] = set()
        for size in range(len(ancestors) + 1):
            for chosen in combinations(ancestors, size):
                for parts in product(*(_forms(d.name) for d in chosen), _forms(last.name)):
                    forms.add("".join(parts))
        for form in forms:
            if division.code not in exact.get(form, ()):
                short.setdefault(form, []).append(division.code)
    return exact, short


def find_by_name(text: str, within: str | None = None, *, divisions: Divisions | None = None) -> list[Division]:
    """The units a name as people write it may mean, in code order: the full name (长沙县),
    the name without its suffix (长沙 → 长沙市 and 长沙县), or a path (湖南省长沙市长沙县,
    长沙市长沙县, 湖南长沙县). A full name or path wins over short forms. `within` keeps only
    units in that unit's subtree. Several results mean the text is ambiguous: ask, never pick.
    """
    table = divisions if divisions is not None else load_divisions()
    return table.find_by_name(text, within)


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
