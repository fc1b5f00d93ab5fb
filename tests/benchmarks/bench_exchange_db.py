"""Time the database side of tier exchange at city scale, beside floors from the same run.

A city database holds the records of its counties: 1,100 sites with 40 checklist ticks each
(44,000), 7,000 visits with 1,400 rectification items, 5,500 ledger entries. The city
exports its package to the province, which verifies and imports it, then imports it again
(a no-op) and imports the next package with nothing changed (every record unchanged).

Floors measured in the same run:
- read floor: SQLAlchemy Core select of every exported row (what export must read);
- package floors: `write_package` / `verify_package` of the same records already as dicts
  (what the package layer costs with no database on either side);
- insert floor: Core `executemany` of the same rows into an empty copy of the schema.

Run: python tests/benchmarks/bench_exchange_db.py [--repeat N]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bqw_desktop.db.engine import create_schema
from bqw_desktop.db.models import OWNED_MODELS, LedgerEntry, Rectification, Site, Tick, Visit
from bqw_desktop.domain.catalogue import load_catalogue
from bqw_desktop.exchange import PackageContent, verify_package, write_package
from bqw_desktop.exchange.rows import RECORD_TYPES, columns_of
from bqw_desktop.exchange.trust_db import DbTrustStore, own_identity, own_private_key
from bqw_desktop.services import exchange
from bqw_desktop.services.bulk import insert_rows, owned_rows
from bqw_desktop.services.demo.packages import copy_offices, create_offices

SITES, TICKS_PER_SITE, VISITS, RECTIFICATIONS, LEDGER = 1_100, 40, 7_000, 1_400, 5_500
COUNTIES = ("430102", "430103", "430104", "430105", "430111", "430112", "430121", "430181", "430182")


def fill_city(db) -> int:
    """Insert the counties' records into the city database in bulk; returns how many."""
    rng = random.Random(11)
    catalogue = load_catalogue()
    items = [i.id for i in catalogue.items_for("village", None)]
    items = (items * (TICKS_PER_SITE // max(len(items), 1) + 1))[:TICKS_PER_SITE]
    start = date(2024, 3, 1)
    total = 0
    with db.engine.begin() as conn:
        site_ids: list[tuple[str, str]] = []
        for n in range(SITES):
            county = COUNTIES[n % len(COUNTIES)]
            rows = list(owned_rows(Site, [{
                "name": f"第{n}村党总支部委员会", "org_type": "village", "region_code": county,
                "secretary": "张" + rng.choice("伟芳娜敏静丽强磊军洋"), "member_count": rng.randint(20, 120),
                "phone": f"138{rng.randrange(10**8):08d}", "address": f"第{n % 37 + 1}组",
                "search_key": f"di{n}cun"}], owner=county, user="bench"))
            total += insert_rows(conn, Site, rows)
            site_ids.append((rows[0]["id"], county))
        ticks = []
        for sid, county in site_ids:
            seen = set()
            for item in items:
                if item in seen:
                    continue
                seen.add(item)
                ticks.extend(owned_rows(Tick, [{"site_id": sid, "item_id": item, "catalogue_version": catalogue.version,
                                                "rating": rng.choice(["met", "basic", "unmet", "none"]),
                                                "note": "已按要求落实，台账齐全。"}], owner=county, user="bench"))
        total += insert_rows(conn, Tick, ticks)
        visits, rects = [], []
        for n in range(VISITS):
            sid, county = site_ids[n % SITES]
            row = next(owned_rows(Visit, [{"site_id": sid, "visit_date": start + timedelta(days=n % 300),
                                           "kind": "guidance", "visitors": "县委组织部 李华、王芳",
                                           "observations": "组织生活规范，阵地建设到位。" * 3,
                                           "problems": "个别台账不全"}], owner=county, user="bench"))
            visits.append(row)
            if n < RECTIFICATIONS:
                rects.extend(owned_rows(Rectification, [{"visit_id": row["id"], "site_id": sid,
                                                         "description": "补齐会议记录",
                                                         "due_date": start + timedelta(days=30)}],
                                        owner=county, user="bench"))
        total += insert_rows(conn, Visit, visits) + insert_rows(conn, Rectification, rects)
        ledger = []
        for n in range(LEDGER):
            sid, county = site_ids[n % SITES]
            ledger.extend(owned_rows(LedgerEntry, [{"site_id": sid, "kind": "meeting",
                                                    "entry_date": start + timedelta(days=n % 300),
                                                    "title": f"第{n}次支部委员会", "body": "学习传达会议精神。" * 4,
                                                    "participants": "全体党员"}], owner=county, user="bench"))
        total += insert_rows(conn, LedgerEntry, ledger)
    return total


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bqw-bench-exchange-"))
    try:
        run(work, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path, repeat: int) -> None:
    template = work / "template"
    offices = create_offices(template, (("province", "430000"), ("city", "430100")))
    count = fill_city(offices["430100"].db)
    for o in offices.values():
        o.db.close()
    print(f"城市规模：{count} 条记录（{SITES} 个示范点，{SITES * TICKS_PER_SITE} 条自评，{VISITS} 次走访，"
          f"{RECTIFICATIONS} 项整改，{LEDGER} 条台账）")

    # floors
    world = copy_offices(template, work / "floor", (("province", "430000"), ("city", "430100")))
    city, province = world["430100"], world["430000"]

    def read_floor():
        n = 0
        with city.db.begin() as s:
            for record_type in RECORD_TYPES:
                table = OWNED_MODELS[record_type].__table__
                n += len(s.execute(select(table)).all())
        return n

    t_read, _ = timed(read_floor, repeat)
    with city.db.begin() as s:
        lines = {t: [{"record": columns_of(t).exported(r)} for r in s.execute(select(OWNED_MODELS[t].__table__)).mappings()]
                 for t in RECORD_TYPES}
        identity = own_identity(s)
    key = own_private_key(city.db.path, identity)
    content = PackageContent(sender=identity, recipient_code="430000", sequence=1, schema_version="",
                             catalogue_version="", records=lines)
    t_write_floor, floor_pkg = timed(lambda: write_package(content, key, work / "floor.bqw"), repeat)

    def verify_floor():
        with province.db.begin() as s, verify_package(
                floor_pkg, trust=DbTrustStore(s), self_code="430000", last_sequence_from_sender=0,
                staging_dir=work / "staging"):
            pass

    t_verify_floor, _ = timed(verify_floor, repeat)
    empty = create_schema(work / "empty.sqlite3")

    def insert_floor():
        with empty.engine.connect() as conn:
            trans = conn.begin()
            for t, recs in lines.items():
                cols = columns_of(t)
                rows = []
                for line in recs:
                    r = dict(line["record"])
                    for k in cols.date_keys:
                        if r[k] is not None:
                            r[k] = date.fromisoformat(r[k])
                    rows.append(r)
                if rows:
                    conn.execute(insert(cols.model.__table__), rows)
            trans.rollback()

    t_insert_floor, _ = timed(insert_floor, repeat)
    empty.close()
    for o in world.values():
        o.db.close()

    # ours
    t_export, t_verify, t_import, t_again, t_unchanged = [], [], [], [], []
    for n in range(repeat):
        world = copy_offices(template, work / f"run{n}", (("province", "430000"), ("city", "430100")))
        city, province = world["430100"], world["430000"]
        t0 = time.perf_counter()
        result = exchange.export_package(city.db, city.actor, to_code="430000", out=work / f"run{n}")
        t_export.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        exchange.verify_file(province.db, result.path)
        t_verify.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        report = exchange.import_package(province.db, province.actor, result.path)
        t_import.append(time.perf_counter() - t0)
        assert report.total("created") == count, report.total("created")
        t0 = time.perf_counter()
        exchange.import_package(province.db, province.actor, result.path)
        t_again.append(time.perf_counter() - t0)
        second = exchange.export_package(city.db, city.actor, to_code="430000", out=work / f"run{n}")
        t0 = time.perf_counter()
        report = exchange.import_package(province.db, province.actor, second.path)
        t_unchanged.append(time.perf_counter() - t0)
        assert report.total("unchanged") == count
        size = result.path.stat().st_size
        for o in world.values():
            o.db.close()
    med = statistics.median
    print(f"{'步骤':<30}{'本系统':>10}{'下限':>10}{'比值':>8}{'目标':>8}")
    rows = [
        ("export (city → province)", med(t_export), t_read + t_write_floor, 2.0),
        ("verify (province)", med(t_verify), t_verify_floor, 1.0),
        ("import (province, new)", med(t_import), t_verify_floor + t_insert_floor, 3.0),
        ("re-import same package (no-op)", med(t_again), t_verify_floor, 1.0),
        ("import next, all unchanged", med(t_unchanged), t_verify_floor, None),
    ]
    for label, ours, floor, goal in rows:
        print(f"{label:<32}{ours:>8.2f} s{floor:>8.2f} s{ours / floor:>8.1f}{'' if goal is None else f'{goal:>6.1f} s'}")
    print(f"package size: {size / 1e6:.1f} MB; floors: read {t_read:.2f} s, write_package {t_write_floor:.2f} s, "
          f"verify_package {t_verify_floor:.2f} s, insert {t_insert_floor:.2f} s")


if __name__ == "__main__":
    main()
