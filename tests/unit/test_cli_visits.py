"""`bqw-desktop visits …` for batch checks, and the demo's liaison records behind it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

from sqlalchemy import func, select

from bqw_desktop.db.engine import open_database
from bqw_desktop.db.models import LedgerEntry, RectificationClosing
from bqw_desktop.services import checks, ledger, people, visits
from bqw_desktop.services.demo import create_demo


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bqw_desktop", *args], capture_output=True, text=True, check=False)


def test_record_list_close_and_overdue(tmp_path):
    db = str(tmp_path / "c.sqlite3")
    assert run("init", "--db", db, "--tier", "county", "--region", "430121").returncode == 0
    site = json.loads(run("sites", "add", "--db", db, "--name", "甲村党支部", "--org-type", "village",
                          "--json").stdout)["id"]
    added = run("visits", "add", "--db", db, "--site", site, "--date", "2012-01-10", "--kind", "督查",
                "--visitors", "李四", "--problems", "台账不全", "--rectify", "补齐台账|2012-02-10|村支书",
                "--today", "2012-03-01", "--json")
    assert added.returncode == 0, added.stderr
    overdue = json.loads(run("visits", "overdue", "--db", db, "--today", "2012-06-01", "--json").stdout)
    assert overdue["interval_days"] == 90
    assert [(s["site_id"], s["last_visit"], s["days_overdue"]) for s in overdue["sites"]] == [(site, "2012-01-10", 53)]
    [item] = overdue["rectifications"]
    assert (item["description"], item["status"], item["days_overdue"]) == ("补齐台账", "overdue", 112)

    closed = run("visits", "close", "--db", db, "--rectification", item["id"], "--date", "2012-02-08",
                 "--evidence", "已补齐", "--today", "2012-06-01")
    assert closed.returncode == 0, closed.stderr
    listed = json.loads(run("visits", "list", "--db", db, "--site", site, "--json").stdout)
    assert listed[0]["rectifications"][0]["status"] == "closed"

    assert "150 天" in run("visits", "policy", "--db", db, "--days", "150").stdout
    overdue = json.loads(run("visits", "overdue", "--db", db, "--today", "2012-06-01", "--json").stdout)
    assert overdue == {"today": "2012-06-01", "interval_days": 150, "sites": [], "rectifications": []}
    assert run("check", "--db", db).returncode == 0


def test_refusals_are_one_chinese_line(tmp_path):
    db = str(tmp_path / "c.sqlite3")
    run("init", "--db", db, "--tier", "county", "--region", "430121")
    site = json.loads(run("sites", "add", "--db", db, "--name", "甲村", "--org-type", "village", "--json").stdout)["id"]
    future = run("visits", "add", "--db", db, "--site", site, "--date", "2099-01-01", "--kind", "指导",
                 "--visitors", "李四")
    assert future.returncode == 1
    assert future.stderr.strip().startswith("bqw-desktop: 走访日期 2099-01-01 晚于今天")
    assert "Traceback" not in future.stderr
    bad = run("visits", "overdue", "--db", db, "--today", "2012-13-01")
    assert bad.returncode == 1 and "格式不对" in bad.stderr and "Traceback" not in bad.stderr


def test_demo_has_every_kind_of_liaison_record(tmp_path):
    today = date(2012, 6, 1)
    path = tmp_path / "demo.sqlite3"
    report = create_demo(path, scale="county", today=today)
    assert report.counts["visits"] > 5 * report.counts["sites"]
    db = open_database(path)
    with db.begin() as s:
        late_sites = visits.overdue_visits(s, today=today)
        assert any(r.last_visit is None for r in late_sites)  # a few never visited
        assert 0 < len(late_sites) < report.counts["sites"] / 3
        assert visits.overdue_rectifications(s, today=today)
        owners = set(s.scalars(select(RectificationClosing.owner_office)))
        assert owners == {"430121", "430100"}  # some items closed by the city office
        kinds = set(s.scalars(select(LedgerEntry.kind)))
        assert kinds == {"plan", "meeting", "funding", "honour", "publicity", "experience"}
        summary = people.liaison_summary(s, today=today)
        assert summary and sum(r.sites for r in summary) == report.counts["sites"]
        reassigned = s.scalar(select(func.count()).select_from(people.Assignment).where(
            people.Assignment.end_date.is_not(None)))
        assert reassigned > 0
        assert sum(ledger.funding_totals(s).values()) > 0
    db.close()
    assert checks.run_all(path) == []
    overdue = run("visits", "overdue", "--db", str(path), "--today", today.isoformat(), "--json")
    assert overdue.returncode == 0 and len(json.loads(overdue.stdout)["sites"]) == len(late_sites)
