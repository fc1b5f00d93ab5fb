"""Excel speed beside the library's own floor, measured in the same run.

    python tests/benchmarks/bench_excel.py [--rounds 3]

1. Export of the 15,000-site register (15 columns) with `write_register`, against openpyxl's
   bare write-only append of exactly the same cell values (target: within 1.3×).
2. Import of a 2,000-row sheet with preview (read + header detection + parse + validate),
   against openpyxl's bare read-only iteration of the same file (target: under 3 s).
Medians of several rounds; the machines are noisy, so read the ratios.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bqw_desktop.domain.vocab import INSTITUTION_KIND_LABELS, ORG_TYPE_LABELS
from bqw_desktop.excel.sites_sheet import (
    SITE_REGISTER_COLUMNS,
    parse_site_file,
    site_register_row,
)
from bqw_desktop.excel.writer import write_register

REGIONS = [(f"43{c:02d}{k:02d}", f"第{c}市第{k}县") for c in range(1, 15) for k in range(1, 10)]
REGION_CODES = {code: [code] for code, _ in REGIONS} | {name: [code] for code, name in REGIONS}
STATUS = ["已申报", "已推荐", "已确定", ""]


def make_sites(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    types = list(ORG_TYPE_LABELS)
    sites = []
    for i in range(n):
        org_type = rng.choice(types)
        code, _ = rng.choice(REGIONS)
        sites.append({
            "id": str(uuid.UUID(int=rng.getrandbits(128))), "name": f"第{i}号基层党组织党支部",
            "org_type": org_type,
            "org_kind": rng.choice(list(INSTITUTION_KIND_LABELS)) if org_type == "institution" else None,
            "region_code": code, "parent_org": f"第{i % 300}镇党委", "secretary": "张三丰",
            "member_count": rng.randint(3, 300), "contact": "李四", "phone": f"138{rng.randint(0, 10**8):08d}",
            "level": rng.choice(["county", "city", "province", None]),
            "applied_on": date(2011, 1, 1) + timedelta(days=rng.randint(0, 4000)),
            "notes": "备注" if i % 7 == 0 else None,
        })
    return sites


def median_time(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_export(tmp: Path, rounds: int) -> None:
    names = dict(REGIONS)
    rows = [site_register_row(s, region_name=names[s["region_code"]], status_label=STATUS[i % 4])
            for i, s in enumerate(make_sites(15_000))]
    keys = [c.key for c in SITE_REGISTER_COLUMNS]
    plain = [[r[k] for k in keys] for r in rows]  # the very same cell values

    def floor() -> None:
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet()
        for values in plain:
            ws.append(values)
        wb.save(tmp / "floor.xlsx")

    def ours() -> None:
        write_register(rows, SITE_REGISTER_COLUMNS, tmp / "register.xlsx", title="示范点花名册",
                       unit_line="填报单位：省委组织部")

    floor_times, our_times = [], []
    for _ in range(rounds):  # interleaved so both see the same machine load
        floor_times.append(median_time(floor, 1))
        our_times.append(median_time(ours, 1))
    f, o = statistics.median(floor_times), statistics.median(our_times)
    print(f"register export 15,000 × 15: openpyxl write-only floor {f:.2f} s, "
          f"write_register {o:.2f} s, ratio {o / f:.2f}× (target ≤ 1.3×)")


def make_import_sheet(path: Path, n: int) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024年全市创先争优活动示范点申报汇总表"])
    ws.merge_cells("A1:L1")
    ws.append(["填报单位：某市委组织部", None, None, None, None, None, None, None, None, "制表日期：2024年5月1日"])
    ws.append(["序号", "单位名称", "类别", "所属县市区", "上级党组织", "书记", "党员人数（人）", "联系人",
               "联系电话", "申报级别", "申报日期", "备注"])
    date_forms = [lambda d: d.strftime("%Y.%m.%d"), lambda d: f"{d.year}年{d.month}月{d.day}日",
                  lambda d: d, lambda d: d.strftime("%Y-%m-%d")]
    type_words = ["村党支部", "村党总支", "社区党委", "镇党委", "街道党工委", "国有企业", "机关", "中学",
                  "科研院所", "卫生院", "非公企业", "协会"]
    rng = random.Random(3)
    for i in range(n):
        _, region = rng.choice(REGIONS)
        day = date(2011, 1, 1) + timedelta(days=rng.randint(0, 4000))
        level = rng.choice(["县级", "市级", None])
        ws.append([i + 1, f" 第{i}号党支部 ", rng.choice(type_words), region, "某镇党委", "张 三",
                   f"{rng.randint(3, 300)}人", "李四", 13800000000 + i, level,
                   rng.choice(date_forms)(day) if level else None, None])
        if i % 250 == 249:
            ws.append([])
    ws.append(["合计", None, None, None, None, None, 99999])
    wb.save(path)


def bench_import(tmp: Path, rounds: int) -> None:
    path = tmp / "import2000.xlsx"
    make_import_sheet(path, 2_000)

    def floor() -> None:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for ws in wb.worksheets:
            for _ in ws.iter_rows(values_only=True):
                pass
        wb.close()

    result = None

    def ours() -> None:
        nonlocal result
        result = parse_site_file(path, resolve_region=lambda t: REGION_CODES.get(t, []))

    f, o = [], []
    for _ in range(rounds):
        f.append(median_time(floor, 1))
        o.append(median_time(ours, 1))
    assert result is not None and len(result.rows) == 2_000, len(result.rows) if result else None
    print(f"import 2,000 rows with preview: openpyxl read-only floor {statistics.median(f):.2f} s, "
          f"read+detect+parse+validate {statistics.median(o):.2f} s (target < 3 s); "
          f"{len(result.ok_rows)} ready, {len(result.errors)} errors, {len(result.questions)} questions")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_export(Path(tmp), args.rounds)
        bench_import(Path(tmp), args.rounds)


if __name__ == "__main__":
    main()
