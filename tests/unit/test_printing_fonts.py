"""Fonts: bundled faces, per-character fallback, refusal of unprintable text, line breaking, QR."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from bqw_desktop.errors import UserError
from bqw_desktop.printing import fonts as pf
from bqw_desktop.printing.fonts import (
    FontChain,
    FontSet,
    default_fontset,
    ensure_printable,
    missing_characters,
)
from bqw_desktop.printing.layout import MM, NO_LINE_END, NO_LINE_START, draw_text, wrap
from bqw_desktop.printing.nomination import render_nomination
from bqw_desktop.printing.samples import sample_nomination

RARE = "堃喆玥犇垚"
needs_poppler = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")


def gb2312_characters() -> set[str]:
    chars = {chr(c) for c in range(0x20, 0x7F)}
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


@pytest.fixture(scope="module")
def gb2312_font(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in for 仿宋_GB2312: the bundled Kai face cut down to the GB2312 repertoire."""
    subset = pytest.importorskip("fontTools.subset")
    from fontTools.ttLib import TTFont

    font = TTFont(str(pf.fonts_dir() / pf.BODY_FILE))
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in gb2312_characters()])
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 3, 4, 6, 16):
            record.string = "FakeFangSongGB2312"
    path = tmp_path_factory.mktemp("fonts") / "fake_fangsong_gb2312.ttf"
    font.save(str(path))
    return path


def pdffonts(pdf: Path) -> list[tuple[str, str]]:
    """(font name, embedded yes/no) of every font a PDF names."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type… encoding emb sub uni id gen: "emb" is the 5th field from the end
        rows.append((parts[0], parts[-5]))
    return rows


def pdftext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_bundled_fonts_ship_with_their_licences():
    folder = pf.fonts_dir()
    assert (folder / pf.BODY_FILE).stat().st_size > 1_000_000
    assert (folder / pf.TITLE_FILE).stat().st_size > 1_000_000
    assert "SIL OPEN FONT LICENSE" in (folder / "OFL-LXGWWenKai.txt").read_text(encoding="utf-8")
    assert "ARPHIC PUBLIC LICENSE" in (folder / "ARPHICPL-UMing.txt").read_text(encoding="utf-8")
    total = sum(p.stat().st_size for p in folder.iterdir())
    assert total < 40 * 1024 * 1024


def test_registration_is_idempotent_and_both_bundled_faces_cover_rare_name_characters():
    fs = default_fontset()
    again = pf.register_font(pf.fonts_dir() / pf.BODY_FILE)
    assert again == fs.body
    assert default_fontset() is fs
    for chain in (FontChain([fs.body]), FontChain([fs.title])):
        assert chain.missing(RARE + "创先争优二〇一二年（）") == set()


def test_a_file_that_is_not_a_truetype_font_is_refused_in_chinese(tmp_path: Path):
    fake = tmp_path / "仿宋.otf"
    fake.write_bytes(b"OTTO" + b"\0" * 64)
    with pytest.raises(UserError, match="仿宋.otf"):
        pf.register_font(fake)
    with pytest.raises(UserError, match="不存在"):
        FontSet.with_system_fonts(body_path=tmp_path / "missing.ttf")


def test_runs_send_each_character_to_the_first_font_that_has_it(gb2312_font: Path):
    fs = FontSet.with_system_fonts(body_path=gb2312_font)
    chain = fs.body_chain
    assert chain.primary == fs.body != default_fontset().body
    assert chain.runs("书记刘堃同志，联系人王喆") == [
        (fs.body, "书记刘"),
        (default_fontset().body, "堃"),
        (fs.body, "同志，联系人王"),
        (default_fontset().body, "喆"),
    ]


def test_without_fallbacks_the_gb2312_font_misses_exactly_the_rare_characters(gb2312_font: Path):
    name = pf.register_font(gb2312_font)
    alone = FontSet(title=name, body=name)
    assert missing_characters("书记刘堃、王喆、李玥、张犇、陈垚", alone) == set(RARE)
    with pytest.raises(UserError) as info:
        ensure_printable(["书记刘堃"], alone)
    assert "“堃”(U+5803)" in str(info.value)
    with_fallback = FontSet.with_system_fonts(body_path=gb2312_font)
    assert missing_characters("书记刘堃、王喆、李玥、张犇、陈垚", with_fallback) == set()


@needs_poppler
def test_rare_characters_print_in_the_fallback_font_and_both_fonts_are_embedded(
    gb2312_font: Path, tmp_path: Path
):
    fs = FontSet.with_system_fonts(title_path=gb2312_font, body_path=gb2312_font)
    pdf = tmp_path / "推荐表.pdf"
    render_nomination(sample_nomination(), pdf, fonts=fs)
    used = pdffonts(pdf)
    names = [n for n, _ in used]
    assert any(n.endswith("+FakeFangSongGB2312") for n in names)
    assert any(n.endswith("+LXGWWenKai-Regular") for n in names)
    assert all(emb == "yes" for _, emb in used), used
    text = pdftext(pdf)
    for ch in RARE:
        assert ch in text
    assert "党组织书记" in text and "刘堃" in text


@needs_poppler
def test_text_made_only_of_rare_characters_uses_only_the_fallback(gb2312_font: Path, tmp_path: Path):
    fs = FontSet.with_system_fonts(body_path=gb2312_font)
    pdf = tmp_path / "rare.pdf"
    canvas = Canvas(str(pdf), initialFontName=fs.body)
    draw_text(canvas, 100, 700, RARE, fs.body_chain, 14)
    canvas.save()
    names = [n for n, _ in pdffonts(pdf)]
    assert names and all("LXGWWenKai" in n for n in names), names
    assert RARE in pdftext(pdf)


def test_a_character_no_font_has_stops_printing_before_anything_is_written(tmp_path: Path):
    data = sample_nomination()
    odd = "\U000f0001"  # a private-use character: no font has it
    bad = data.__class__(**{**data.__dict__, "remarks": f"备注里有{odd}字"})
    out = tmp_path / "out.pdf"
    with pytest.raises(UserError) as info:
        render_nomination(bad, out)
    assert "U+F0001" in str(info.value) and "没有字形" in str(info.value)
    assert not out.exists()


def test_wrapping_keeps_every_character_and_obeys_line_breaking_rules():
    chain = default_fontset().body_chain
    text = (
        "近年来，社区党委坚持以“创先争优”活动为载体（见附件），紧紧围绕目标：服务居民群众、构建文明和谐社区。"
        "帮助213名下岗失业人员实现再就业，群众满意率达到98.5%以上！联系电话0731-83612345。"
    ) * 3
    for width_mm in range(20, 150, 7):
        lines = wrap(text, width_mm * MM, chain, 12)
        assert "".join(lines) == text
        for i, line in enumerate(lines):
            assert chain.width(line, 12) <= width_mm * MM + 12, (width_mm, line)
            if i > 0:
                assert line[0] not in NO_LINE_START, (width_mm, line)
            if i < len(lines) - 1:
                assert line[-1] not in NO_LINE_END, (width_mm, line)


def test_wrapping_keeps_numbers_whole_and_honours_newlines():
    chain = default_fontset().body_chain
    lines = wrap("联系电话是0731-83612345\n第二段", 110 / MM * MM, chain, 12)
    assert lines == ["联系电话是", "0731-83612345", "第二段"]


def test_output_stream_receives_a_pdf():
    buffer = io.BytesIO()
    render_nomination(sample_nomination(), buffer)
    assert buffer.getvalue().startswith(b"%PDF")
