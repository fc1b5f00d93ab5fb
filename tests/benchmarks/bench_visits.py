"""How fast the overdue lists open at province scale, beside a floor measured in the same run.

Usage: python tests/benchmarks/bench_visits.py [--db EXISTING_PROVINCE_DEMO] [--runs N]

Without --db it writes a province-scale demo (about 15,000 sites and 100,000 visits) into a
temporary folder first. The floor is the bare grouped query through sqlite3 on the same file:
`SELECT site_id, max(visit_date) FROM visits GROUP BY site_id`. The target for the window is
under 1 s for each overdue list.
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

from bqw_desktop.db.engine import open_database
from bqw_desktop.db.models import Person, Site, Visit
from bqw_desktop.services import ledger, people, visits
from bqw_desktop.services.demo import create_demo

TODAY = date(2012, 6, 1)


def timed(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    """Median seconds over `runs` calls (after one warm-up), and the last result."""
    result = fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="an existing province-scale demo database")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.db) if args.db else Path(tmp) / "province.sqlite3"
        if not args.db:
            started = time.perf_counter()
            report = create_demo(path, scale="province", today=TODAY)
            print(f"province demo written in {time.perf_counter() - started:.1f} s "
                  f"(liaison stage {report.stage_seconds.get('liaison', 0):.1f} s): "
                  + ", ".join(f"{k} {v}" for k, v in report.counts.items()))
        return measure(path, args.runs)


def measure(path: Path, runs: int) -> int:
    raw = sqlite3.connect(path)

    def floor() -> list:
        return raw.execute("SELECT site_id, max(visit_date) FROM visits GROUP BY site_id").fetchall()

    floor_s, _ = timed(floor, runs)
    raw.close()
    db = open_database(path)
    with db.begin() as s:
        n_sites = s.scalar(select(func.count()).select_from(Site))
        n_visits = s.scalar(select(func.count()).select_from(Visit))
        person_id = s.scalar(select(Person.id).limit(1))
        site_id = s.scalar(select(Site.id).limit(1))
        assert person_id is not None and site_id is not None, "the database has no people or sites"
        print(f"{n_sites} sites, {n_visits} visits; {runs} runs, median")
        print(f"{'floor: sqlite3 max(visit_date) GROUP BY site_id':<52}{floor_s * 1000:8.1f} ms")
        cases: list[tuple[str, Callable[[], object]]] = [
            ("overdue_visits", lambda: visits.overdue_visits(s, today=TODAY)),
            ("overdue_rectifications", lambda: visits.overdue_rectifications(s, today=TODAY)),
            ("due_rows (both lists for a due panel)", lambda: visits.due_rows(s, TODAY)),
            ("due_by_site (every site)", lambda: visits.due_by_site(s, today=TODAY)),
            ("liaison_summary (every officer)", lambda: people.liaison_summary(s, today=TODAY)),
            ("liaison_view (one officer)", lambda: people.liaison_view(s, person_id=person_id, today=TODAY)),
            ("visit_history (one site)", lambda: visits.visit_history(s, site_id, today=TODAY)),
            ("ledger_of (one site)", lambda: ledger.ledger_of(s, site_id)),
        ]
        for label, fn in cases:
            seconds, result = timed(fn, runs)
            size = len(result) if hasattr(result, "__len__") else ""
            print(f"{label:<52}{seconds * 1000:8.1f} ms  ×{seconds / floor_s:5.1f} floor  ({size} rows)")
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
