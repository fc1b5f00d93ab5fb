"""Excel against a real database, beside the library's own floor measured in the same run.

    python tests/benchmarks/bench_excel_db.py [--rounds 3] [--sites 15000]

1. Register export of a province-sized database (`services.excel_export.export_register`:
   select, best bids, region names, write) against openpyxl's bare write-only append of the
   very same cell values (target: within 1.3×).
2. Import of a 2,000-row sheet with preview (`services.excel_import.preview_sites_import`:
   read, detect, parse, validate, match against the register) and then applying it (backup,
   Core inserts, applications), against openpyxl's read-only iteration (target: preview
   under 3 s).
3. The summary table of the same database.
The database is the province demo (`services.demo.create_demo(scale="province")`) when it
has about the asked number of sites, else that many sites added with Core. Medians of
interleaved rounds; the machines are noisy, so read the ratios.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bqw_desktop.db.engine import Database, open_database
from bqw_desktop.db.models import Site
from bqw_desktop.excel.sites_sheet import SITE_REGISTER_COLUMNS
from bqw_desktop.services import bulk, excel_export, excel_import, sites
from bqw_desktop.services.context import Actor


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def province_db(tmp: Path, wanted: int) -> tuple[Database, str]:
    from bqw_desktop.services.demo import create_demo

    path = tmp / "province.sqlite3"
    started = time.perf_counter()
    report = create_demo(path, scale="province")
    db = open_database(path)
    count = report.counts.get("sites", 0)
    how = f"province demo ({count} sites, {time.perf_counter() - started:.0f} s to make)"
    if count < wanted:
        _add_sites(db, wanted - count)
        how += f" + {wanted - count} sites added with Core"
    return db, how


def _add_sites(db: Database, n: int) -> None:
    rng = random.Random(5)
    counties = ["430102", "430121", "430181", "430202", "430321", "430424", "430521", "430621"]
    rows = [{"name": f"补充第{i}号村党支部", "org_type": "village", "region_code": rng.choice(counties),
             "search_key": sites.key_for(f"补充第{i}号村党支部", "430121")} for i in range(n)]
    with db.begin() as s:
        bulk.insert_rows(s.connection(), Site, bulk.owned_rows(Site, rows, owner=db.office_code, user="bench"))


def bench_register(db: Database, tmp: Path, rounds: int) -> None:
    with db.sessions() as s:
        rows = excel_export.register_rows(s)
    keys = [c.key for c in SITE_REGISTER_COLUMNS]
    plain = [[r[k] for k in keys] for r in rows]

    def floor() -> None:
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet()
        for values in plain:
            ws.append(values)
        wb.save(tmp / "floor.xlsx")

    def ours() -> None:
        with db.sessions() as s:
            excel_export.export_register(s, tmp / "register.xlsx")

    floors, our = [], []
    for _ in range(rounds):
        floors.append(timed(floor))
        our.append(timed(ours))
    f, o = statistics.median(floors), statistics.median(our)
    print(f"register export {len(rows):,} sites × {len(keys)} columns from the database: "
          f"openpyxl write-only floor {f:.2f} s, export_register {o:.2f} s, ratio {o / f:.2f}× (target ≤ 1.3×)")


def make_sheet(db: Database, path: Path, n: int) -> None:
    """Half rows of sites already registered (as an office's own list names them, no ID),
    half new ones with applications, in the county's shape: a title, a header, totals."""
    with db.sessions() as s:
        existing = [r for r in excel_export.register_rows(s) if r["region_code"] == "430121"][: n // 2]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["长沙县示范点名单"])
    ws.append(["序号", "单位名称", "党组织类型", "事业单位类别", "书记", "党员人数（人）", "联系电话", "申报级别"])
    for i, r in enumerate(existing):
        ws.append([i + 1, r["name"], r["org_type"], r["org_kind"], r["secretary"], r["member_count"],
                   r["phone"], None])
    rng = random.Random(9)
    for i in range(n - len(existing)):
        ws.append([len(existing) + i + 1, f"某镇新建第{i}号村党支部", "村党支部", None, "张三",
                   rng.randint(3, 200), f"139{rng.randint(0, 10**8):08d}", rng.choice(["县级", None])])
    ws.append(["合计"])
    wb.save(path)


def import_round(tmp: Path, r: int) -> tuple[float, float, float, float, str, bool]:
    """One round on a fresh county demo: floor, preview, apply, re-preview."""
    from bqw_desktop.services.demo import create_demo

    path = tmp / f"county{r}.sqlite3"
    create_demo(path, scale="county")
    db = open_database(path)
    actor = Actor("bench", db.office_code)
    sheet = tmp / f"import{r}.xlsx"
    make_sheet(db, sheet, 2_000)

    def floor() -> None:
        wb = openpyxl.load_workbook(sheet, read_only=True, data_only=True)
        for ws in wb.worksheets:
            for _ in ws.iter_rows(values_only=True):
                pass
        wb.close()

    def preview() -> excel_import.ImportPreview:
        with db.sessions() as s:
            return excel_import.preview_sites_import(s, actor, sheet)

    f = timed(floor)
    start = time.perf_counter()
    checked = preview()
    p = time.perf_counter() - start
    start = time.perf_counter()
    with db.begin() as s:
        result = excel_import.apply_sites_import(s, actor, checked, allow_partial=True, db_path=db.path)
    a = time.perf_counter() - start
    start = time.perf_counter()
    again = preview()
    q = time.perf_counter() - start
    db.close()
    return f, p, a, q, result.summary(), again.counts()["unchanged"] == len(again.rows)


def bench_import(tmp: Path, rounds: int) -> None:
    """On a county demo (the office that keeps such a list), 2,000 rows against its register."""
    results = [import_round(tmp, r) for r in range(rounds)]
    f, p, a, q = (statistics.median(x[i] for x in results) for i in range(4))
    print(f"import 2,000 rows (county demo register): openpyxl read-only floor {f:.2f} s, "
          f"preview {p:.2f} s (target < 3 s), apply {a:.2f} s (backup + {results[-1][4]}), "
          f"re-preview {q:.2f} s (all unchanged: {results[-1][5]})")


def bench_summary(db: Database, tmp: Path, rounds: int) -> None:
    times = []
    for _ in range(rounds):
        with db.sessions() as s:
            times.append(timed(lambda s=s: excel_export.export_summary(s, tmp / "summary.xlsx")))
    print(f"summary table of the province: {statistics.median(times):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sites", type=int, default=15_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        db, how = province_db(tmp, args.sites)
        print(f"database: {how}")
        bench_register(db, tmp, args.rounds)
        bench_summary(db, tmp, args.rounds)
        db.close()
        bench_import(tmp, args.rounds)


if __name__ == "__main__":
    main()
