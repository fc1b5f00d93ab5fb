"""Search keys: one lowercase string per record that a typed query is matched against.

A key holds, for each text given (site name, unit, region…): the text itself, its full
pinyin without tones or separators, and its pinyin initials, so `星沙街道`, `xingsha` and
`xsjd` all find 星沙街道. Parts are joined by `SEPARATOR` (U+001F), which a query can never
contain (Python counts it as whitespace, and queries are split on whitespace), so a match
never runs across two parts.

Readings follow pypinyin, phrase by phrase (长沙 → changsha, 重庆 → chongqing). For a
character pypinyin reads alone, its other readings may start with another letter (长 alone
is read zhang, but 长X村 is usually changX); when they do, the key carries one more
initials string with every such character taken at its first alternative reading, so `cx`
and `zx` both find it. A text with two such characters gets only the two uniform variants,
not every mix; the cost is measured in tests/benchmarks/bench_search.py.

Keys are stored in the database at write time; `SEARCH_KEY_VERSION` changes whenever the
key format does, so stored keys can be rebuilt.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

SEPARATOR = "\x1f"
SEARCH_KEY_VERSION = 1


@lru_cache(maxsize=1)
def _pinyin():  # type: ignore[no-untyped-def]
    """pypinyin, loaded on first key build: searching stored keys never needs it (0.3 s import)."""
    from pypinyin import Style
    from pypinyin.constants import RE_HANS
    from pypinyin.core import Pinyin

    return Pinyin(), Style, RE_HANS


def normalise(text: str) -> str:
    """Full-width letters, digits and punctuation to half-width (NFKC), then lower case."""
    return unicodedata.normalize("NFKC", text).lower()


@lru_cache(maxsize=65536)
def _segment_readings(segment: str) -> tuple[tuple[str, ...], ...]:
    """Readings of one segment, a tuple per syllable with pypinyin's default reading first.

    Cached because names reuse few segments (single characters and common words like
    社区, 党委): converting each segment once is what makes bulk key building fast.
    """
    converter, style, hans = _pinyin()
    if not hans.match(segment):
        return ((segment,),)  # letters, digits, punctuation: kept as typed
    readings = converter.pinyin(segment, style=style.NORMAL, heteronym=True)
    return tuple(tuple(r.lower() for r in syllable) for syllable in readings if syllable)


@lru_cache(maxsize=16384)
def _text_parts(text: str) -> tuple[str, ...]:
    """The key parts for one normalised text: text, full pinyin, initials[, alt initials]."""
    syllables = [s for seg in _pinyin()[0].seg(text) for s in _segment_readings(seg)]
    full = "".join(s[0] for s in syllables)
    initials = "".join(s[0][:1] for s in syllables)
    alternative = "".join(_alternative_initial(s) for s in syllables)
    parts = [text, full, initials]
    if alternative != initials:
        parts.append(alternative)
    return tuple(dict.fromkeys(p for p in parts if p))  # drop empties and repeats, keep order


def _alternative_initial(readings: tuple[str, ...]) -> str:
    """The initial of the first reading that starts differently from the default one."""
    default = readings[0][:1]
    for reading in readings[1:]:
        if reading[:1] != default:
            return reading[:1]
    return default


def search_key(*texts: str) -> str:
    """One search key for a record described by `texts` (empty texts are skipped)."""
    parts: list[str] = []
    for text in texts:
        if text:
            parts.extend(_text_parts(normalise(text).replace(SEPARATOR, " ")))
    return SEPARATOR.join(parts)


def build_keys(names: Iterable[str]) -> list[str]:
    """`search_key(name)` for each name, in order: the bulk path for imports."""
    return [search_key(name) for name in names]


def query_terms(query: str) -> list[str]:
    """The normalised whitespace-separated terms of a query (empty list for a blank one)."""
    return normalise(query).split()


def matches(key: str, query: str) -> bool:
    """True when every term of `query` occurs in `key`; a blank query matches everything."""
    return all(term in key for term in query_terms(query))


class SearchIndex:
    """Keys parallel to row ids, filtered by a plain scan.

    Typing a query character by character narrows it; when every term of the previous
    query lies inside a term of the new one, only the previous matches are scanned.
    """

    def __init__(self, keys: Sequence[str], ids: Sequence[int] | None = None) -> None:
        if ids is not None and len(ids) != len(keys):
            raise ValueError("keys and ids must have the same length")
        self.keys: list[str] = list(keys)
        self.ids: list[int] = list(ids) if ids is not None else list(range(len(self.keys)))
        self._last_terms: list[str] = []
        self._last_positions: list[int] = list(range(len(self.keys)))

    def __len__(self) -> int:
        return len(self.keys)

    def filter(self, query: str) -> list[int]:
        """Positions (0-based, ascending) of the keys matching every term of `query`."""
        terms = query_terms(query)
        if self._narrows(terms):
            positions = self._last_positions
        else:
            positions = list(range(len(self.keys)))
        keys = self.keys
        for n, term in enumerate(terms):
            if n == 0 and len(positions) == len(keys):
                positions = [i for i, key in enumerate(keys) if term in key]
            else:
                positions = [i for i in positions if term in keys[i]]
        self._last_terms, self._last_positions = terms, positions
        return positions

    def filter_ids(self, query: str) -> list[int]:
        """The row ids of the keys matching `query`, in index order."""
        ids = self.ids
        return [ids[i] for i in self.filter(query)]

    def _narrows(self, terms: list[str]) -> bool:
        return bool(self._last_terms) and all(any(old in new for new in terms) for old in self._last_terms)
