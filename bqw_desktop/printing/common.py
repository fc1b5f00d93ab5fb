"""What every document does: check the text can print, open a canvas, deliver the file."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from bqw_desktop.errors import UserError
from bqw_desktop.printing.fonts import FontChain, FontSet, default_fontset, ensure_printable
from bqw_desktop.printing.layout import MM, PageWriter, PrintCancelled, draw_text

__all__ = ["Cancel", "Output", "PrintCancelled", "Progress", "deliver", "folio", "form_title", "new_canvas", "prepare"]

# Compressed streams are written as binary, not also ASCII85-encoded: without reportlab's
# optional C accelerator the ASCII85 step runs in pure Python and took ~1.2 s of a 1.7 s
# batch of 1,000 certificates, and it makes files a quarter larger. PDF readers need neither.
rl_config.useA85 = 0

Output = Path | str | BinaryIO
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


def prepare(fonts: FontSet | None, texts: Iterable[str]) -> FontSet:
    """The font set to use, after refusing any text it cannot print (UserError)."""
    fontset = fonts or default_fontset()
    ensure_printable(texts, fontset)
    return fontset


def new_canvas(
    pagesize: tuple[float, float], fontset: FontSet, *, title: str, subject: str = ""
) -> tuple[Canvas, io.BytesIO]:
    """A canvas writing into memory, so a cancelled run leaves no half-written file.

    Its initial font is the body face, so the PDF names no font it does not embed.
    """
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=pagesize, pageCompression=1, initialFontName=fontset.body)
    canvas.setTitle(title)
    canvas.setSubject(subject or title)
    canvas.setCreator("百千万示范带动工程管理系统")
    return canvas, buffer


def deliver(canvas: Canvas, buffer: io.BytesIO, out: Output) -> None:
    """Save the PDF and write it to `out` (a path, replaced atomically, or a binary stream)."""
    canvas.save()
    data = buffer.getvalue()
    if isinstance(out, (str, Path)):
        target = Path(out)
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(prefix=".print-", suffix=".pdf", dir=target.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except OSError as exc:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)
            raise UserError(
                f"无法写入文件“{target}”：{exc.strerror or exc}；请检查文件是否被其他程序打开或目录是否可写。"
            ) from exc
    else:
        out.write(data)


def folio(writer: PageWriter, chain: FontChain) -> None:
    """The page number of official documents, "— N —", centred 7 mm below the text block."""
    y = writer.geometry.text_bottom - 12 * MM
    draw_text(
        writer.canvas, writer.left + writer.width / 2, y, f"— {writer.page} —", chain, 14, align="center"
    )


def form_title(writer: PageWriter, text: str, chain: FontChain, size: float) -> None:
    """A form's title, centred on the first line of the text block; `writer.y` ends on its baseline."""
    writer.space()
    writer.y -= size
    draw_text(writer.canvas, writer.left + writer.width / 2, writer.y, text, chain, size, align="center")
