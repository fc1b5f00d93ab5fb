"""Time writing and verifying a city-scale exchange package beside library floors.

City scale: 1,100 sites with 40 checklist ticks each (44,000), 7,000 visits and 2,200 ledger
entries as realistic dicts. Floors, measured in the same run on the same records:
- write floor: plain `zipfile` write of the same JSON Lines with SHA-256 per member;
- read floor: plain `zipfile` read of every member with SHA-256;
- read + parse floor: the same plus `json.loads` of every line.

Run: python tests/benchmarks/bench_exchange.py [--repeat N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from bqw_desktop.domain.vocab import OrgType
from bqw_desktop.exchange import (
    MemoryTrustStore,
    OfficeIdentity,
    PackageContent,
    generate_keypair,
    public_key_bytes,
    verify_package,
    write_package,
)

SITES, TICKS_PER_SITE, VISITS, LEDGER = 1_100, 40, 7_000, 2_200


def city_records(seed: int = 7) -> dict[str, list[dict[str, Any]]]:
    """Realistic-looking records of one city (Chinese text, ids, dates, content hashes)."""
    rng = random.Random(seed)
    org_types = [str(t) for t in OrgType]
    towns = ["黄花镇", "星沙街道", "榔梨街道", "春华镇", "路口镇", "金井镇", "高桥镇", "北山镇"]
    sites, ticks, visits, ledger = [], [], [], []
    for i in range(SITES):
        uid = f"430121-{i:05d}-{rng.getrandbits(48):012x}"
        town = rng.choice(towns)
        sites.append(
            {
                "uid": uid,
                "office": "430121",
                "name": f"{town}第{i % 37 + 1}村党总支部委员会",
                "org_type": rng.choice(org_types),
                "institution_kind": None,
                "level": rng.choice(["county", "city", "province"]),
                "status": "approved",
                "division": "430121",
                "address": f"湖南省长沙市长沙县{town}{i % 37 + 1}组",
                "secretary": "张" + rng.choice("伟芳娜敏静丽强磊军洋"),
                "phone": f"138{rng.randrange(10**8):08d}",
                "members": rng.randrange(20, 300),
                "created_at": "2011-05-12T09:30:00+08:00",
                "updated_at": "2011-09-01T16:04:11+08:00",
                "version": rng.randrange(1, 9),
                "content_hash": hashlib.sha256(uid.encode()).hexdigest(),
            }
        )
        for g in range(TICKS_PER_SITE):
            ticks.append(
                {
                    "uid": f"{uid}-g{g:02d}",
                    "site": uid,
                    "goal": f"{rng.choice(org_types)}.{g % 6 + 1}",
                    "status": rng.choice(["done", "partial", "todo"]),
                    "note": "已按要求落实" if g % 3 else "",
                    "by": "430121",
                    "at": f"2011-08-0{g % 9 + 1}T10:00:00+08:00",
                    "version": 1 + g % 3,
                    "content_hash": f"{rng.getrandbits(256):064x}",
                }
            )
    for v in range(VISITS):
        site = sites[rng.randrange(SITES)]["uid"]
        visits.append(
            {
                "uid": f"v-{v:06d}",
                "site": site,
                "date": f"2011-{rng.randrange(5, 13):02d}-{rng.randrange(1, 29):02d}",
                "visitors": ["李明", "王芳"][: rng.randrange(1, 3)],
                "kind": rng.choice(["督查", "调研", "回访"]),
                "findings": "班子团结，制度健全，党员作用发挥较好；" * rng.randrange(1, 4),
                "follow_up": "继续抓好“三亮三创三评”活动" if v % 2 else "",
                "attachments": [],
                "office": "430121",
                "version": 1,
                "content_hash": f"{rng.getrandbits(256):064x}",
            }
        )
    for n in range(LEDGER):
        ledger.append(
            {
                "uid": f"l-{n:06d}",
                "site": sites[n % SITES]["uid"],
                "year": 2011,
                "month": n % 12 + 1,
                "title": "主题党日活动记录",
                "content": "组织党员学习党章，开展志愿服务。" * 2,
                "office": "430121",
            }
        )
    return {"sites": sites, "ticks": ticks, "visits": visits, "ledger": ledger}


def floor_write(records: dict[str, list[dict[str, Any]]], path: Path) -> None:
    """Plain zipfile write of the same JSON Lines, SHA-256 per member."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for rtype, rows in records.items():
            data = ("\n".join(dumps(r) for r in rows) + "\n").encode("utf-8")
            hashlib.sha256(data).hexdigest()
            zf.writestr(f"records/{rtype}.jsonl", data)


def floor_read(path: Path) -> None:
    """Plain zipfile read of every member, hashing it."""
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            h = hashlib.sha256()
            with zf.open(info) as f:
                while chunk := f.read(1 << 20):
                    h.update(chunk)


def floor_read_parse(path: Path) -> None:
    """Plain read + hash, plus `json.loads` of every line (the work verification cannot skip)."""
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            hashlib.sha256(data).hexdigest()
            for line in data.splitlines():
                json.loads(line)


def timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    records = city_records()
    key = generate_keypair()
    county = OfficeIdentity(
        "430121", "长沙县委组织部", "county", "430100", public_key_bytes(key.public_key())
    )
    trust = MemoryTrustStore()
    trust.register(county)
    content = PackageContent(
        sender=county,
        recipient_code="430100",
        recipient_name="长沙市委组织部",
        sequence=1,
        schema_version="0001",
        catalogue_version="2011-04-28",
        records=records,
    )
    rows: dict[str, list[float]] = {
        "write": [],
        "write floor": [],
        "verify": [],
        "read floor": [],
        "read+parse floor": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        staging = d / "staging"
        staging.mkdir()
        out = d / "pkg"
        out.mkdir()
        path = out / "430121_to_430100_0001.bqw"

        def verify() -> None:
            v = verify_package(
                path, trust=trust, self_code="430100", last_sequence_from_sender=0, staging_dir=staging
            )
            v.close()

        for _ in range(args.repeat):
            rows["write floor"].append(timed(lambda: floor_write(records, d / "floor.zip")))
            rows["read floor"].append(timed(lambda: floor_read(d / "floor.zip")))
            rows["read+parse floor"].append(timed(lambda: floor_read_parse(d / "floor.zip")))
            rows["write"].append(timed(lambda: write_package(content, key, out)))
            rows["verify"].append(timed(verify))
        raw = sum(info.file_size for info in zipfile.ZipFile(path).infolist())
        print(
            f"city package: {sum(len(v) for v in records.values()):,} records, "
            f"{raw / 1e6:.1f} MB raw, {path.stat().st_size / 1e6:.1f} MB zipped"
        )
    med = {k: statistics.median(v) for k, v in rows.items()}
    print(
        f"write   {med['write']:.3f} s   floor {med['write floor']:.3f} s   ratio {med['write'] / med['write floor']:.2f}   (target < 2 s)"
    )
    print(
        f"verify  {med['verify']:.3f} s   floor {med['read floor']:.3f} s   ratio {med['verify'] / med['read floor']:.2f}   (target < 1 s)"
    )
    print(
        f"        read+parse floor {med['read+parse floor']:.3f} s   ratio {med['verify'] / med['read+parse floor']:.2f}"
    )


if __name__ == "__main__":
    main()
