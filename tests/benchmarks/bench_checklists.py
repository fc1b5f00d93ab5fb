"""Checklist and candidacy benchmark on a province-scale demo database.

Run: python tests/benchmarks/bench_checklists.py [--db PROVINCE.sqlite3] [--repeat R]

Without --db a province demo is written to a temporary folder first (about a minute), and
the "lifecycle" demo stage is timed beside its floor. Each figure is printed beside a floor
measured in the same run:
- demo stage: floor = sqlite3 `executemany` of the same rows (read back as plain tuples) into
  empty tables of a fresh file, one transaction, WAL + synchronous=FULL;
- checklist of one site: floor = sqlite3 select of that site's ticks;
- register progress: floor = sqlite3 select of (id, rated, met, total) of every site; the
  alternative we avoid (aggregating ticks on every open) is printed for comparison;
- candidacy list and due list: floor = sqlite3 select of the same columns;
- one tick saved (with the site's recount): floor = one sqlite3 UPDATE of the tick row.
Times are medians of the repeats. Compare ratios, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import func, select

from bqw_desktop.db.engine import create_schema, open_database
from bqw_desktop.db.models import Candidacy, Site, Tick, Transition, Verdict
from bqw_desktop.services import candidacies, checklists, due
from bqw_desktop.services.context import Actor

TODAY = date(2025, 6, 15)
STAGE_TABLES = (Candidacy, Transition, Tick, Verdict)


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def line(label: str, ours: float, floor: float, unit: str = "ms") -> None:
    scale = 1000 if unit == "ms" else 1
    print(f"  {label:<44}{ours * scale:>9.1f} {unit}   floor {floor * scale:>8.1f} {unit}"
          f"   ratio {ours / floor if floor else float('inf'):5.1f}x")


def make_demo(folder: Path) -> tuple[Path, float]:
    from bqw_desktop.services.demo import create_demo

    path = folder / "province.sqlite3"
    report = create_demo(path, scale="province", today=TODAY)
    print(f"province demo written in {report.seconds:.1f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(report.counts.items())))
    return path, report.stage_seconds["lifecycle"]


def insert_floor(path: Path, folder: Path) -> tuple[float, int]:
    """sqlite3 executemany of the stage's rows into empty tables: the bulk-insert floor."""
    target = folder / "floor.sqlite3"
    create_schema(target).close()
    source = sqlite3.connect(path)
    data = {}
    for model in STAGE_TABLES:
        name = model.__tablename__
        columns = [r[1] for r in source.execute(f"PRAGMA table_info({name})")]
        data[name] = (columns, source.execute(f"SELECT {', '.join(columns)} FROM {name}").fetchall())
    source.close()
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    start = time.perf_counter()
    with conn:
        for name, (columns, rows) in data.items():
            marks = ", ".join("?" * len(columns))
            conn.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})", rows)
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, sum(len(rows) for _, rows in data.values())


def busiest_site(db) -> str:
    with db.begin() as s:
        query = (select(Tick.site_id).join(Candidacy, Candidacy.site_id == Tick.site_id)
                 .join(Verdict, Verdict.candidacy_id == Candidacy.id).group_by(Tick.site_id)
                 .order_by(func.count().desc()).limit(1))
        return s.scalar(query) or s.scalar(select(Tick.site_id).limit(1))


def bench_reads(path: Path, repeat: int) -> None:
    db = open_database(path)
    raw = sqlite3.connect(path)
    site_id = busiest_site(db)
    with db.begin() as s:
        view = checklists.checklist_view(s, site_id)
        sites = len(checklists.register_progress(s))
        cands = len(candidacies.list_candidacies(s))
        dues = len(due.due_and_overdue(s, today=TODAY))
        ticks = s.scalar(select(func.count()).select_from(Tick))
    items = sum(len(g.items) for g in view.goals)
    print(f"\nreads (median of {repeat}); {sites:,} sites, {ticks:,} ticks, {cands:,} candidacies, {dues} due rows")

    def session_call(fn: Callable) -> Callable[[], object]:
        def run() -> object:
            with db.begin() as s:
                return fn(s)
        return run

    line(f"checklist of one site ({items} items + verdicts)", median_time(
        session_call(lambda s: checklists.checklist_view(s, site_id)), repeat),
        median_time(lambda: raw.execute("SELECT id, item_id, rating, note, note_date, recorded_by FROM ticks "
                                        "WHERE site_id = ? AND deleted = 0", (site_id,)).fetchall(), repeat))
    floor = median_time(lambda: raw.execute("SELECT id, ticks_rated, ticks_met, ticks_total FROM sites "
                                            "WHERE deleted = 0").fetchall(), repeat)
    line("register progress (cached columns)", median_time(session_call(checklists.register_progress), repeat),
         floor)
    line("  alternative: aggregate ticks on open", median_time(lambda: raw.execute(
        "SELECT site_id, rating, count(*) FROM ticks WHERE deleted = 0 GROUP BY site_id, rating").fetchall(),
        max(1, repeat // 2)), floor)
    line("candidacy list (with whose turn)", median_time(session_call(candidacies.list_candidacies), repeat),
         median_time(lambda: raw.execute(
             "SELECT c.id, c.site_id, s.name, s.region_code, c.level, c.status, c.owner_office, c.registrant_tier,"
             " c.campaign_id, c.applied_on FROM candidacies c JOIN sites s ON s.id = c.site_id"
             " WHERE c.deleted = 0 ORDER BY s.region_code, s.name").fetchall(), repeat))
    line("due and overdue panel", median_time(session_call(lambda s: due.due_and_overdue(s, today=TODAY)), repeat),
         median_time(lambda: raw.execute(
             "SELECT t.candidacy_id, max(t.acted_on) FROM transitions t JOIN candidacies c ON c.id = t.candidacy_id"
             " WHERE t.deleted = 0 AND c.status IN ('awarded', 'retained') AND t.to_status IN ('awarded', 'retained')"
             " GROUP BY t.candidacy_id").fetchall(), repeat))

    with db.begin() as s:
        owner, item = s.execute(select(Site.owner_office, Tick.item_id).join(Tick, Tick.site_id == Site.id)
                                .where(Site.id == site_id).limit(1)).one()
    clerk = Actor("bench", owner)

    def save_tick() -> None:
        session = db.sessions()
        session.info["office"] = owner  # act as the site's own office; rolled back below
        try:
            checklists.set_tick(session, clerk, site_id=site_id, item_id=item, rating="basic")
            session.flush()
        finally:
            session.rollback()
            session.close()

    def raw_update() -> None:
        raw.execute("UPDATE ticks SET rating = 'basic', version = version + 1 WHERE site_id = ? AND item_id = ?",
                    (site_id, item))
        raw.rollback()

    line("save one tick + recount the site", median_time(save_tick, repeat), median_time(raw_update, repeat))
    raw.close()
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing province demo (else one is written)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.db:
            path = args.db
        else:
            path, stage = make_demo(folder)
            floor, rows = insert_floor(path, folder)
            print(f"\ndemo stage \"lifecycle\" ({rows:,} rows of candidacies, transitions, ticks, verdicts"
                  " plus campaigns, counts, quotas)")
            line("stage (plan + hashes + Core inserts)", stage, floor, unit="s")
        bench_reads(path, args.repeat)


if __name__ == "__main__":
    main()
