"""Demonstration databases: realistic, owned by the right offices, sound, and reproducible."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bqw_desktop.db.engine import open_database
from bqw_desktop.db.models import AuditEntry, Site
from bqw_desktop.domain.divisions import load_divisions
from bqw_desktop.domain.search_keys import SearchIndex
from bqw_desktop.domain.vocab import OrgType
from bqw_desktop.errors import UserError
from bqw_desktop.paths import DataFolder
from bqw_desktop.services import checks, sites
from bqw_desktop.services.demo import STAGES, create_demo, is_demo
from bqw_desktop.services.demo.names import RARE_CHARACTERS

TODAY = date(2025, 6, 15)


def site_rows(path: Path) -> list[Site]:
    db = open_database(path)
    with db.begin() as s:
        rows = list(s.scalars(select(Site).order_by(Site.region_code, Site.name)))
    db.close()
    return rows


@pytest.fixture(scope="module")
def county_demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "county.sqlite3"
    create_demo(path, scale="county", today=TODAY)
    return path


def test_county_demo_is_sound_and_owned_by_the_county(county_demo):
    rows = site_rows(county_demo)
    assert 120 <= len(rows) <= 300
    assert {r.region_code for r in rows} == {"430121"}
    assert {r.owner_office for r in rows} == {"430121"}
    assert checks.run_all(county_demo) == []  # audit chain and every content hash


def test_county_demo_covers_every_kind_of_organization(county_demo):
    rows = site_rows(county_demo)
    assert {r.org_type for r in rows} == set(OrgType)
    kinds = {r.org_kind for r in rows if r.org_type == OrgType.INSTITUTION}
    assert {"health", "culture"} <= kinds
    assert all(r.org_kind is None for r in rows if r.org_type != OrgType.INSTITUTION)


def test_county_demo_records_look_real(county_demo):
    rows = site_rows(county_demo)
    names = [r.name for r in rows]
    assert len(set(names)) == len(names)
    assert "长沙县第一中学党委" in names and "长沙县人民医院党委" in names
    assert all(r.name.endswith(("党委", "党总支", "党支部", "党工委")) for r in rows)
    assert all(r.secretary and r.contact and r.parent_org.startswith("中共") for r in rows)
    assert all(r.member_count and r.member_count > 0 for r in rows)
    assert all(r.phone.startswith("0731-") or (len(r.phone) == 11 and r.phone[0] == "1") for r in rows)
    villages = [r for r in rows if r.org_type == OrgType.VILLAGE]
    assert all("村" in r.name and r.parent_org.startswith("中共长沙县") for r in villages)
    # Some people carry rare characters, so printing meets its font fallback.
    people = "".join(r.secretary + r.contact for r in rows)
    assert set(people) & set(RARE_CHARACTERS)


def test_county_demo_is_marked_and_audited_per_stage(county_demo):
    db = open_database(county_demo)
    with db.begin() as s:
        assert is_demo(s)
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "demo")))
        site_count = len(sites.list_sites(s))
    db.close()
    assert [e.record_type for e in entries] == STAGES
    sites_entry = next(e for e in entries if e.record_type == "sites")
    assert f'"sites": {site_count}' in sites_entry.summary


def test_search_keys_find_sites_by_pinyin_initials(county_demo):
    db = open_database(county_demo)
    with db.begin() as s:
        rows = sites.list_sites(s)
    db.close()
    assert all(r.search_key for r in rows)
    index = SearchIndex([r.search_key for r in rows])
    found = {rows[i].name for i in index.filter("csxdyzx")}  # 长沙县第一中学
    assert "长沙县第一中学党委" in found
    assert len(index.filter("changsha")) == len(rows)  # the region is in every key
    # The stored key is the one the register computes when a site is added or edited.
    sample = rows[len(rows) // 2]
    assert sample.search_key == sites.key_for(sample.name, sample.region_code, sample.secretary)


def test_same_seed_same_names_other_seed_other_names(tmp_path, county_demo):
    again = tmp_path / "again.sqlite3"
    create_demo(again, scale="county", today=TODAY)
    first = [(r.name, r.secretary, r.phone) for r in site_rows(county_demo)]
    assert [(r.name, r.secretary, r.phone) for r in site_rows(again)] == first
    other = tmp_path / "other.sqlite3"
    create_demo(other, scale="county", seed=7, today=TODAY)
    assert [(r.name, r.secretary, r.phone) for r in site_rows(other)] != first


def county_level(rows: list[Site]) -> list[Site]:
    """The sites registered by geographic offices (other stages add provincial systems' sites)."""
    divisions = load_divisions()
    return [r for r in rows if r.owner_office in divisions]


def test_city_demo_spans_the_city_with_county_owners(tmp_path):
    path = tmp_path / "city.sqlite3"
    report = create_demo(path, scale="city", region="430100", today=TODAY)
    rows = site_rows(path)
    in_counties = county_level(rows)
    counties = {d.code for d in load_divisions().children("430100")}
    assert report.office_code == "430100"
    assert report.counts["sites"] == len(rows)
    assert 900 <= len(in_counties) <= 1300
    assert {r.region_code for r in in_counties} == counties
    assert all(r.owner_office == r.region_code for r in in_counties)
    per_region = Counter((r.region_code, r.name) for r in rows)
    assert max(per_region.values()) == 1  # names unique within each county


@pytest.mark.parametrize(("scale", "region", "words"), [
    ("town", None, "演示规模"),
    ("county", "430100", "不是县市区级区划"),
    ("city", "430121", "不是市州级区划"),
    ("province", "999999", "不在全国行政区划表中"),
    ("county", "43012", "不是6位数字"),
])
def test_bad_scale_or_region_refused_and_nothing_left(tmp_path, scale, region, words):
    path = tmp_path / "bad.sqlite3"
    with pytest.raises(UserError, match=words):
        create_demo(path, scale=scale, region=region)
    assert not path.exists() and not DataFolder(path).root.exists()


def test_existing_file_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "mine.sqlite3"
    path.write_bytes(b"my own work")
    with pytest.raises(UserError, match="已存在"):
        create_demo(path)
    assert path.read_bytes() == b"my own work"


def test_failure_part_way_leaves_no_half_made_file(tmp_path, monkeypatch):
    from bqw_desktop.services.demo import sites as sites_stage

    real_run = sites_stage.run

    def failing(ctx):
        real_run(ctx)  # rows written inside the transaction, then a failure
        raise RuntimeError("disk full")

    monkeypatch.setattr(sites_stage, "run", failing)
    path = tmp_path / "half.sqlite3"
    with pytest.raises(RuntimeError):
        create_demo(path)
    assert list(tmp_path.iterdir()) == []


def test_province_register_has_about_fifteen_thousand_sites(tmp_path, monkeypatch):
    from bqw_desktop.services import demo

    # The register alone: later stages (visits, ledgers…) make a full province run take minutes.
    monkeypatch.setattr(demo, "STAGES", ["sites"])
    path = tmp_path / "province.sqlite3"
    create_demo(path, scale="province", today=TODAY)
    in_counties = county_level(site_rows(path))
    assert 14_000 <= len(in_counties) <= 16_000
    divisions = load_divisions()
    hunan_counties = {c for c in divisions.subtree("430000") if divisions.get(c).level == "county"}
    assert {r.owner_office for r in in_counties} == hunan_counties
    assert all(r.owner_office == r.region_code for r in in_counties)
    assert len({r.region_code[:4] for r in in_counties}) == 14  # every city of Hunan


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bqw_desktop", *args], capture_output=True, text=True, check=False)


def test_command_writes_a_demo_and_refuses_an_existing_file(tmp_path):
    db = str(tmp_path / "demo.sqlite3")
    done = run_cli("demo", "--db", db, "--today", "2025-06-15")
    assert done.returncode == 0, done.stderr
    assert "示范点" in done.stderr  # one progress line per stage
    assert "430121" in done.stdout and "sites" in done.stdout
    again = run_cli("demo", "--db", db)
    assert again.returncode == 1
    assert "已存在" in again.stderr and "Traceback" not in again.stderr


def test_command_refuses_a_bad_date_in_chinese(tmp_path):
    db = tmp_path / "demo.sqlite3"
    result = run_cli("demo", "--db", str(db), "--today", "2025-13-40")
    assert result.returncode == 1 and "日期" in result.stderr and "Traceback" not in result.stderr
    assert not db.exists()
