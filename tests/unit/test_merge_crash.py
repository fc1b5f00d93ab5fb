"""A killed import leaves the database exactly as it was before (or, once committed, whole)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from bqw_desktop.db.models import OWNED_MODELS
from bqw_desktop.services import checklists, exchange, sites, visits
from bqw_desktop.services.demo.packages import create_offices

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")

IMPORTER = """
import os, signal, sys
from pathlib import Path
from bqw_desktop.db.engine import open_database
from bqw_desktop.services import exchange
from bqw_desktop.services.context import Actor

db = open_database(Path(sys.argv[1]))
kill_at = int(sys.argv[3])
calls = 0

def progress(label, done, total):
    global calls
    calls += 1
    if calls == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)

exchange.import_package(db, Actor("tester", "430100"), Path(sys.argv[2]), progress)
print(calls)
"""


def dump(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def records_of(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(conn.execute(f'SELECT id, version, content_hash, deleted FROM "{t}"').fetchall())
                for t in OWNED_MODELS}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """A city database and a county package with sites, ticks, visits and rectifications."""
    folder = tmp_path_factory.mktemp("crash")
    offices = create_offices(folder / "offices", (("city", "430100"), ("county", "430121")))
    county = offices["430121"]
    with county.db.begin() as s:
        for n in range(30):
            site = sites.add_site(s, county.actor, name=f"第{n}村党支部", org_type="village")
            visits.record_visit(s, county.actor, site_id=site.id, visit_date=date(2024, 5, 1), kind="guidance",
                                visitors="李华", rectifications=[visits.RectificationInput("台账不全", date(2024, 6, 1))])
            for item in ("village.1.1", "village.1.2"):
                checklists.set_tick(s, county.actor, site_id=site.id, item_id=item, rating="met")
    package = exchange.export_package(county.db, county.actor, to_code="430100", out=folder).path
    for o in offices.values():
        o.db.close()
    return folder / "offices", package


def fresh_city(scene, target: Path) -> Path:
    source, _ = scene
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(source / "430100.sqlite3", target / "430100.sqlite3")
    shutil.copytree(source / "430100.sqlite3.d", target / "430100.sqlite3.d")
    return target / "430100.sqlite3"


def run_import(db: Path, package: Path, kill_at: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", IMPORTER, str(db), str(package), str(kill_at)],
                          capture_output=True, text=True, timeout=120, check=False)


def test_kill_at_every_step_leaves_the_database_as_before_or_whole(scene, tmp_path):
    _, package = scene
    reference_db = fresh_city(scene, tmp_path / "reference")
    done = run_import(reference_db, package, 0)
    assert done.returncode == 0, done.stderr
    points = int(done.stdout.strip())
    assert points >= 20
    imported = records_of(reference_db)
    assert len(imported["sites"]) == 30
    last_uncommitted = points - 2  # the last two reports come after the commit
    for kill_at in range(1, points + 1):
        db = fresh_city(scene, tmp_path / "run")
        before = dump(db)
        result = run_import(db, package, kill_at)
        assert result.returncode == -signal.SIGKILL, result.stderr
        if kill_at <= last_uncommitted:
            assert dump(db) == before, f"killed at step {kill_at}"
        else:
            assert records_of(db) == imported, f"killed at step {kill_at}"
        if kill_at % 5 == 0 or kill_at == points:
            # Whatever happened, importing again finishes the job.
            again = run_import(db, package, 0)
            assert again.returncode == 0, again.stderr
            assert records_of(db) == imported


def test_kill_at_random_moments_leaves_before_or_after(scene, tmp_path):
    _, package = scene
    reference_db = fresh_city(scene, tmp_path / "reference")
    started = time.monotonic()
    assert run_import(reference_db, package, 0).returncode == 0
    duration = time.monotonic() - started
    imported = records_of(reference_db)
    rng = random.Random(20240501)
    for _ in range(6):
        db = fresh_city(scene, tmp_path / "run")
        before = dump(db)
        proc = subprocess.Popen([sys.executable, "-c", IMPORTER, str(db), str(package), "0"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.0) * duration)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = dump(db)
        assert after == before or records_of(db) == imported
