"""Fonts for printing: registration with reportlab, font sets, per-character fallback.

Two TrueType fonts ship under `resources/fonts/` (reportlab embeds TrueType outlines only):
LXGW WenKai (Kai style, body text) and AR PL UMing CN (Song/Ming style, titles). An office
may prefer the customary faces on its PC (仿宋_GB2312, 宋体, 方正小标宋 …); a `FontSet` built
with `FontSet.with_system_fonts` puts those first and keeps the bundled fonts behind them as
fallbacks, because GB2312 fonts lack characters common in names (堃, 喆, 玥, 犇, 垚).

Text is drawn in runs: each character goes to the first font of the chain that has a glyph
for it (`FontChain.runs`). A character that no font has is never printed as a blank or a box:
`ensure_printable` refuses the document first, naming the characters.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from bqw_desktop.errors import UserError

__all__ = [
    "BODY_FONT",
    "CUSTOMARY_FONTS",
    "TITLE_FONT",
    "FontChain",
    "FontSet",
    "SystemFont",
    "customary_fonts",
    "default_fontset",
    "ensure_printable",
    "font_folders",
    "fonts_dir",
    "missing_characters",
    "register_font",
]

BODY_FILE = "LXGWWenKai-Regular.ttf"
TITLE_FILE = "uming.ttc"
TITLE_SUBFONT = 0  # AR PL UMing CN, the simplified-Chinese face of the collection
BODY_FONT = "BQW-WenKai"
TITLE_FONT = "BQW-UMing"

# Characters that need no glyph: line breaks and other layout controls are never drawn.
_NO_GLYPH_NEEDED = frozenset("\n\r\t\f\v\u200b\ufeff")

_lock = threading.Lock()
_registered: dict[tuple[str, int], str] = {}


def fonts_dir() -> Path:
    """The folder of the bundled fonts, inside a frozen bundle or beside the package."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources" / "fonts"
    return Path(__file__).resolve().parents[2] / "resources" / "fonts"


def register_font(path: str | Path, *, subfont_index: int = 0, name: str | None = None) -> str:
    """Register a TrueType font (.ttf, or one face of a .ttc) with reportlab, once.

    Returns the reportlab font name. Calling again with the same file and face returns the
    same name without parsing the file again. Raises UserError when the file is missing or
    holds no TrueType outlines (e.g. a CFF-based .otf, which PDF embedding here refuses).
    """
    resolved = Path(path).expanduser().resolve()
    key = (str(resolved), subfont_index)
    with _lock:
        if key in _registered:
            return _registered[key]
        if not resolved.is_file():
            raise UserError(f"字体文件“{resolved}”不存在，请在设置中重新选择打印字体。")
        font_name = name or f"F{len(_registered) + 1}-{resolved.stem}-{subfont_index}"
        try:
            font = TTFont(font_name, str(resolved), subfontIndex=subfont_index)
        except (TTFError, OSError, ValueError, IndexError) as exc:
            raise UserError(
                f"字体文件“{resolved.name}”不是可嵌入的 TrueType 字体（{exc}），请改选 .ttf 或 .ttc 字体。"
            ) from exc
        pdfmetrics.registerFont(font)
        _registered[key] = font_name
        return font_name


def _register_bundled() -> tuple[str, str]:
    folder = fonts_dir()
    body = register_font(folder / BODY_FILE, name=BODY_FONT)
    title = register_font(folder / TITLE_FILE, subfont_index=TITLE_SUBFONT, name=TITLE_FONT)
    return title, body


class FontChain:
    """An ordered list of registered fonts; each character is set in the first that has it.

    Lookups are cached per character, so long lists cost one dictionary hit per character.
    """

    def __init__(self, names: Iterable[str]) -> None:
        unique: list[str] = []
        for name in names:
            if name not in unique:
                unique.append(name)
        if not unique:
            raise ValueError("a font chain needs at least one font")
        self.names: tuple[str, ...] = tuple(unique)
        self._fonts = [pdfmetrics.getFont(n) for n in self.names]
        self._cmaps = [f.face.charToGlyph for f in self._fonts]
        self._widths = [(f.face.charWidths, f.face.defaultWidth) for f in self._fonts]
        self._font_of: dict[str, int] = {}  # char -> index of the font used; -1 if none has it
        self._width_of: dict[str, float] = {}  # char -> advance in 1/1000 em

    @property
    def primary(self) -> str:
        """The first font of the chain; characters no font has stay in it (and are reported)."""
        return self.names[0]

    def font_index(self, char: str) -> int:
        """Index of the first font holding `char`, or -1 when none does."""
        found = self._font_of.get(char)
        if found is None:
            code = ord(char)
            found = -1
            for i, cmap in enumerate(self._cmaps):
                if code in cmap:
                    found = i
                    break
            if found == -1 and char in _NO_GLYPH_NEEDED:
                found = 0
            self._font_of[char] = found
        return found

    def has(self, char: str) -> bool:
        """Whether some font of the chain can print `char`."""
        return self.font_index(char) >= 0

    def missing(self, text: str) -> set[str]:
        """The characters of `text` that no font of the chain has."""
        return {ch for ch in set(text) if self.font_index(ch) < 0}

    def runs(self, text: str) -> list[tuple[str, str]]:
        """Split `text` into (font name, substring) runs, in order.

        Characters no font has are kept in the primary font; callers refuse such text
        before drawing (see `ensure_printable`).
        """
        if not text:
            return []
        out: list[tuple[str, str]] = []
        names = self.names
        start = 0
        current = max(self.font_index(text[0]), 0)
        for i in range(1, len(text)):
            idx = self.font_index(text[i])
            idx = max(idx, 0)
            if idx != current:
                out.append((names[current], text[start:i]))
                start, current = i, idx
        out.append((names[current], text[start:]))
        return out

    def char_width(self, char: str) -> float:
        """Advance width of `char` in 1/1000 em, in the font that will print it."""
        width = self._width_of.get(char)
        if width is None:
            idx = max(self.font_index(char), 0)
            widths, default = self._widths[idx]
            width = widths.get(ord(char), default)
            self._width_of[char] = width
        return width

    def width(self, text: str, size: float) -> float:
        """Width of `text` at `size` points."""
        cw = self._width_of
        total = 0.0
        for ch in text:
            w = cw.get(ch)
            total += w if w is not None else self.char_width(ch)
        return total * size / 1000.0


@dataclass(frozen=True)
class FontSet:
    """The faces a document uses: titles, body text, and fallbacks for missing characters.

    Field values are reportlab font names (see `register_font`). `title_chain` and
    `body_chain` add the fallbacks after the chosen face.
    """

    title: str
    body: str
    fallbacks: tuple[str, ...] = ()
    _chains: dict[str, FontChain] = field(default_factory=dict, compare=False, repr=False)

    @property
    def title_chain(self) -> FontChain:
        """Title face first, then the fallbacks."""
        return self._chain("title", (self.title, *self.fallbacks))

    @property
    def body_chain(self) -> FontChain:
        """Body face first, then the fallbacks."""
        return self._chain("body", (self.body, *self.fallbacks))

    def _chain(self, key: str, names: tuple[str, ...]) -> FontChain:
        chain = self._chains.get(key)
        if chain is None:
            chain = self._chains[key] = FontChain(names)
        return chain

    @property
    def font_names(self) -> tuple[str, ...]:
        """Every font the set may use, without repeats."""
        return tuple(dict.fromkeys((self.title, self.body, *self.fallbacks)))

    @classmethod
    def with_system_fonts(
        cls,
        *,
        title_path: str | Path | None = None,
        body_path: str | Path | None = None,
        title_index: int = 0,
        body_index: int = 0,
    ) -> FontSet:
        """A set whose title/body faces are fonts chosen in settings (paths to .ttf/.ttc).

        A face left as None stays the bundled one. The bundled fonts always follow as
        fallbacks. Raises UserError when a chosen file cannot be used.
        """
        bundled_title, bundled_body = _register_bundled()
        title = register_font(title_path, subfont_index=title_index) if title_path else bundled_title
        body = register_font(body_path, subfont_index=body_index) if body_path else bundled_body
        return cls(title=title, body=body, fallbacks=(bundled_body, bundled_title))


_default: FontSet | None = None


def default_fontset() -> FontSet:
    """The bundled fonts: UMing (Song style) for titles, WenKai (Kai) for body text."""
    global _default
    if _default is None:
        title, body = _register_bundled()
        _default = FontSet(title=title, body=body, fallbacks=(body, title))
    return _default


def missing_characters(text: str, fontset: FontSet) -> set[str]:
    """Characters of `text` that neither the body nor the title chain can print."""
    body = fontset.body_chain
    title = fontset.title_chain
    return {ch for ch in body.missing(text) if not title.has(ch)}


def ensure_printable(texts: Iterable[str], fontset: FontSet) -> None:
    """Refuse, before anything is drawn, text holding characters no font can print.

    Raises UserError naming the characters (with their code points, since they may not
    show on screen either).
    """
    chars: set[str] = set()
    for text in texts:
        chars.update(text)  # a batch repeats most characters: look each up once
    missing = missing_characters("".join(chars), fontset)
    if missing:
        listed = "、".join(f"“{ch}”(U+{ord(ch):04X})" for ch in sorted(missing))
        raise UserError(
            f"以下字符在所有打印字体中都没有字形，打印出来会是空白或方框：{listed}；"
            "请在设置中另选含这些字的字体，或核对录入内容后再打印。"
        )


# --- the customary faces on an office's PC ----------------------------------------------------

CUSTOMARY_FONTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("方正小标宋简体", ("fzxbsjw.ttf", "fzxbsk.ttf", "方正小标宋简体.ttf", "fzxiaobiaosong-b05s.ttf")),
    ("仿宋_GB2312", ("仿宋_gb2312.ttf", "fs_gb2312.ttf", "fangsong_gb2312.ttf")),
    ("仿宋", ("simfang.ttf",)),
    ("宋体", ("simsun.ttc",)),
    ("楷体_GB2312", ("楷体_gb2312.ttf", "kt_gb2312.ttf", "kaiti_gb2312.ttf")),
    ("楷体", ("simkai.ttf",)),
    ("黑体", ("simhei.ttf",)),
    ("方正仿宋简体", ("fzfsjw.ttf",)),
)
"""Faces official documents customarily use, with the file names they are installed under."""


@dataclass(frozen=True)
class SystemFont:
    """A font file found on this PC: its customary name, path and face index (for .ttc)."""

    label: str
    path: Path
    index: int = 0


def font_folders() -> list[Path]:
    """The folders this PC keeps fonts in (Windows, then Linux and macOS places)."""
    found: list[Path] = []
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if windir:
        found.append(Path(windir) / "Fonts")
    local = os.environ.get("LOCALAPPDATA")
    if local:
        found.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    home = Path.home()
    found += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local" / "share" / "fonts",
              home / ".fonts", Path("/Library/Fonts"), home / "Library" / "Fonts"]
    return [f for f in found if f.is_dir()]


def customary_fonts(folders: Iterable[Path] | None = None) -> list[SystemFont]:
    """The customary faces (`CUSTOMARY_FONTS`) installed in `folders`, in that order.

    Only TrueType files (.ttf, .ttc) are offered: reportlab embeds TrueType outlines only.
    """
    by_name: dict[str, Path] = {}
    for folder in folders if folders is not None else font_folders():
        for root, _dirs, files in os.walk(folder):
            for name in files:
                if name.lower().endswith((".ttf", ".ttc")):
                    by_name.setdefault(name.lower(), Path(root) / name)
    out = []
    for label, names in CUSTOMARY_FONTS:
        for name in names:
            if name in by_name:
                out.append(SystemFont(label, by_name[name]))
                break
    return out
