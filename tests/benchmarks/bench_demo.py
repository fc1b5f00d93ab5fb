"""Demo benchmark: `demo --scale province` against a raw Core insert of the same rows.

Run: python tests/benchmarks/bench_demo.py [--scale province] [--repeat R] [--keep DIR]

The floor is measured in the same run: every row the demo wrote is read back (whatever
tables the stages filled), then inserted into a fresh database with the same schema through
`conn.execute(insert(table), rows)`, in one transaction, with WAL and synchronous=FULL
(the program's own engine pragmas). Only the insert transaction is timed; creating the
empty schema is not. The demo is timed from `create_demo` call to return (office set-up,
key pair, schema, every stage, commit), with modules already imported.
Target: demo ≤ 1.5 × floor. Times are medians of the repeats; compare ratios, not absolute
times across runs. Per-stage times are printed beside each table's share of the floor.
A full province run takes about a minute per repeat once every stage is in.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import Table, func, insert, select

from bqw_desktop.db.base import Base
from bqw_desktop.db.engine import make_engine
from bqw_desktop.services.demo import STAGES, create_demo, stage_modules

TARGET = 1.5


def read_back(path: Path) -> list[tuple[Table, list[dict[str, Any]]]]:
    """Every non-empty table of the database, parents first, as lists of row dicts."""
    engine = make_engine(path)
    out = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if conn.scalar(select(func.count()).select_from(table)):
                out.append((table, [dict(r) for r in conn.execute(select(table)).mappings()]))
    engine.dispose()
    return out


def stage_shares(tables: list[tuple[Table, list[dict[str, Any]]]]) -> dict[str, dict[str, int]]:
    """Rows each demo stage wrote, by table, from the stages' audit entries."""
    out: dict[str, dict[str, int]] = {}
    for table, rows in tables:
        if table.name == "audit_log":
            for row in rows:
                if row.get("action") == "demo":
                    out[row["record_type"]] = json.loads(row["summary"]).get("counts", {})
    return out


def floor_insert(path: Path, tables: list[tuple[Table, list[dict[str, Any]]]],
                 per_table: dict[str, list[float]]) -> float:
    """Seconds to insert `tables` into a fresh database at `path` in one transaction.

    Each table's own insert time (commit excluded) is appended to `per_table`.
    """
    engine = make_engine(path)
    Base.metadata.create_all(engine)
    started = time.perf_counter()
    with engine.begin() as conn:
        for table, rows in tables:
            table_started = time.perf_counter()
            conn.execute(insert(table), rows)
            per_table.setdefault(table.name, []).append(time.perf_counter() - table_started)
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="province", choices=["county", "city", "province"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="folder to keep the last demo database in")
    args = parser.parse_args()
    stage_modules()  # import every stage (pypinyin…) before timing

    demo_times: list[float] = []
    floor_times: list[float] = []
    stage_times: dict[str, list[float]] = {name: [] for name in STAGES}
    table_floors: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        create_demo(folder / "warm-up.sqlite3", scale="county")  # first-use imports (alembic, keys)
        for n in range(args.repeat):
            path = folder / f"demo{n}.sqlite3"
            report = create_demo(path, scale=args.scale)
            demo_times.append(report.seconds)
            for name, seconds in report.stage_seconds.items():
                stage_times.setdefault(name, []).append(seconds)
            tables = read_back(path)
            floor_times.append(floor_insert(folder / f"floor{n}.sqlite3", tables, table_floors))
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / path.name).write_bytes(path.read_bytes())

    rows = sum(len(r) for _, r in tables)
    demo, floor = statistics.median(demo_times), statistics.median(floor_times)
    print(f"demo --scale {args.scale}: {rows:,} rows in {len(tables)} tables "
          f"({', '.join(f'{t.name} {len(r):,}' for t, r in tables)})")
    print(f"  demo (create_demo, end to end):   {demo * 1000:8.0f} ms")
    print(f"  floor (raw Core insert, 1 txn):   {floor * 1000:8.0f} ms")
    verdict = "ok" if demo <= TARGET * floor else "over target"
    print(f"  ratio {demo / floor:.2f}x (target ≤ {TARGET}x: {verdict})")
    stage_total = sum(statistics.median(v) for v in stage_times.values() if v)
    print(f"  set-up (office, key pair, schema, commit): {(demo - stage_total) * 1000:6.0f} ms")
    print("  per stage (median), beside the floor of the rows it wrote (each table's floor shared by rows):")
    sizes = {t.name: len(r) for t, r in tables}
    shares = stage_shares(tables)
    for name, times in stage_times.items():
        if times:
            stage = statistics.median(times)
            own_floor = sum(statistics.median(table_floors[t]) * n / sizes[t]
                            for t, n in shares.get(name, {}).items() if sizes.get(t))
            print(f"    {name:<24} {stage * 1000:8.0f} ms   floor {own_floor * 1000:7.0f} ms   "
                  f"over it {(stage - own_floor) * 1000:6.0f} ms")
    floor_tables = sum(statistics.median(v) for v in table_floors.values())
    print(f"  floor outside the tables' inserts (commit): {(floor - floor_tables) * 1000:6.0f} ms")
    print("  floor per table (median; compare a stage with the tables it fills):")
    for table, rows in tables:
        print(f"    {table.name:<24} {statistics.median(table_floors[table.name]) * 1000:8.0f} ms"
              f"  {len(rows):>9,} rows")


if __name__ == "__main__":
    main()
