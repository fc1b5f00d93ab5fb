"""Printing speed beside reportlab's own floor, measured in the same run.

    python tests/benchmarks/bench_printing.py [--runs 3] [--platypus]

1. 1,000 certificates (each with its own name, number and QR code holding a record in the
   format certificates carry, signature included) into one PDF, against the floor: 1,000
   landscape pages with one line of CJK text in the embedded font.
2. A 15,000-row list, against the floor of the same number of pages with one line each;
   `--platypus` also times reportlab's LongTable on the same rows (slow: 15–20 s).

Prints medians and the ratios; the targets are 2.5× the floor for certificates and under
5 s for the list.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from bqw_desktop.printing.certificate import render_certificates
from bqw_desktop.printing.fonts import default_fontset
from bqw_desktop.printing.lists import list_pages, render_list
from bqw_desktop.printing.samples import sample_award, sample_list


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def floor_pages(pages: int, pagesize: tuple[float, float]) -> None:
    """reportlab's bare cost: pages with one line of CJK text in the embedded font."""
    font = default_fontset().body
    canvas = Canvas(io.BytesIO(), pagesize=pagesize, initialFontName=font)
    for i in range(pages):
        canvas.setFont(font, 20)
        canvas.drawString(100, 300, f"中共浏阳市集里街道神仙坳社区委员会 {i}")
        canvas.showPage()
    canvas.save()


def platypus_list(data) -> None:
    from reportlab.platypus import LongTable, SimpleDocTemplate, TableStyle

    font = default_fontset().body
    rows = [["序号", *[c.title for c in data.columns]]] + [[str(i + 1), *r] for i, r in enumerate(data.rows)]
    table = LongTable(rows, repeatRows=1)
    table.setStyle(
        TableStyle([("FONT", (0, 0), (-1, -1), font, 10.5), ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))])
    )
    SimpleDocTemplate(io.BytesIO(), pagesize=A4).build([table])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--platypus", action="store_true")
    args = parser.parse_args()
    default_fontset()  # registration is a one-off; keep it out of both sides
    floor_pages(10, landscape(A4))

    awards = [sample_award(i, name=f"中共浏阳市集里街道第{i}社区委员会") for i in range(1, 1001)]
    floor = median_time(lambda: floor_pages(1000, landscape(A4)), args.runs)
    ours = median_time(lambda: render_certificates(awards, io.BytesIO()), args.runs)
    print(
        f"certificates ×1000: {ours:.3f} s   floor (1000 pages, one CJK line): {floor:.3f} s   ratio {ours / floor:.2f}×  (target ≤ 2.5×)"
    )

    data = sample_list(15_000)
    pages = list_pages(data)
    floor = median_time(lambda: floor_pages(pages, A4), args.runs)
    ours = median_time(lambda: render_list(data, io.BytesIO()), args.runs)
    print(
        f"list ×15000 rows, {pages} pages: {ours:.3f} s   floor ({pages} pages, one CJK line): {floor:.3f} s   ratio {ours / floor:.2f}×  (target < 5 s)"
    )
    if args.platypus:
        slow = median_time(lambda: platypus_list(data), 1)
        print(f"platypus LongTable, same rows: {slow:.3f} s   ({slow / ours:.1f}× ours)")


if __name__ == "__main__":
    main()
