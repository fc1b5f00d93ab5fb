"""Opening files safely: foreign, random and damaged files are refused and left untouched."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from bqw_desktop.db import migrate
from bqw_desktop.db.backup import backup_before, backup_to, restore
from bqw_desktop.db.base import Base
from bqw_desktop.db.engine import open_database, quick_check
from bqw_desktop.db.models import Site
from bqw_desktop.errors import DatabaseRefused
from bqw_desktop.services import checks, sites


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_foreign_sqlite_file_is_refused_untouched(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = digest(other)
    with pytest.raises(DatabaseRefused, match="其他软件"):
        open_database(other)
    assert digest(other) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_random_file_is_refused_untouched(tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(bytes(range(256)) * 64)
    before = digest(junk)
    with pytest.raises(DatabaseRefused, match="不是SQLite"):
        open_database(junk)
    assert digest(junk) == before


def test_truncated_file_is_refused_untouched(county_db, county_actor, tmp_path):
    with county_db.begin() as s:
        for i in range(300):
            sites.add_site(s, county_actor, name=f"第{i}村党支部", org_type="village", notes="记" * 400)
    county_db.close()
    damaged = tmp_path / "damaged.sqlite3"
    data = county_db.path.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])
    before = digest(damaged)
    with pytest.raises(DatabaseRefused, match="损坏"):
        open_database(damaged)
    assert digest(damaged) == before


def test_corrupted_pages_fail_the_check(county_db, county_actor, tmp_path):
    with county_db.begin() as s:
        for i in range(300):
            sites.add_site(s, county_actor, name=f"第{i}村党支部", org_type="village", notes="记" * 400)
    county_db.close()
    with sqlite3.connect(county_db.path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(county_db.path.read_bytes())
    page = 4096
    for offset in range(page * 5, page * 40, page):
        data[offset : offset + 200] = b"\xff" * 200
    damaged = tmp_path / "pages.sqlite3"
    damaged.write_bytes(bytes(data))
    before = digest(damaged)
    assert quick_check(damaged)
    try:
        problems = checks.run_all(damaged)
    except DatabaseRefused:
        problems = ["refused"]
    assert problems
    assert digest(damaged) == before


def test_newer_schema_is_refused_untouched(county_db):
    county_db.close()
    with sqlite3.connect(county_db.path) as conn:
        conn.execute("UPDATE alembic_version SET version_num='9999'")
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = digest(county_db.path)
    with pytest.raises(DatabaseRefused, match="更新版本"):
        open_database(county_db.path)
    assert digest(county_db.path) == before


def test_kill_during_a_write_leaves_the_database_as_before(county_db, county_actor):
    with county_db.begin() as s:
        sites.add_site(s, county_actor, name="原有村", org_type="village")
    county_db.close()
    script = textwrap.dedent(f"""
        import sys
        from bqw_desktop.db.engine import open_database
        from bqw_desktop.services import sites
        from bqw_desktop.services.context import Actor
        db = open_database(__import__("pathlib").Path({str(county_db.path)!r}))
        actor = Actor("tester", "430121")
        with db.begin() as s:
            for i in range(100000):
                sites.add_site(s, actor, name=f"新村{{i}}", org_type="village")
                if i == 50:
                    print("writing", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    proc.kill()
    proc.wait()
    db = open_database(county_db.path)
    with db.begin() as s:
        assert [r.name for r in sites.list_sites(s)] == ["原有村"]
    db.close()
    assert quick_check(county_db.path) == []


def test_backup_and_restore(county_db, county_actor, tmp_path):
    with county_db.begin() as s:
        sites.add_site(s, county_actor, name="甲村", org_type="village")
    saved = backup_to(county_db.path, tmp_path / "saved.sqlite3")
    with county_db.begin() as s:
        sites.add_site(s, county_actor, name="乙村", org_type="village")
    county_db.close()
    safety = restore(county_db.path, saved)
    db = open_database(county_db.path)
    with db.begin() as s:
        assert [r.name for r in sites.list_sites(s)] == ["甲村"]
    db.close()
    kept = open_database(safety)
    with kept.begin() as s:
        assert sorted(r.name for r in sites.list_sites(s)) == ["乙村", "甲村"]
    kept.close()


def test_restore_refuses_a_damaged_backup(county_db, tmp_path):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    county_db.close()
    before = digest(county_db.path)
    with pytest.raises(DatabaseRefused):
        restore(county_db.path, bad)
    assert digest(county_db.path) == before


def test_automatic_backups_keep_the_last_few(county_db, tmp_path):
    for _ in range(8):
        backup_before(county_db.path, "import", tmp_path / "auto")
    assert len(list((tmp_path / "auto").iterdir())) == 5


def test_old_schema_is_backed_up_then_upgraded(county_db, tmp_path):
    """An older revision is upgraded on open, after a backup."""
    county_db.close()
    with sqlite3.connect(county_db.path) as conn:
        conn.execute("DELETE FROM alembic_version")
        conn.execute("INSERT INTO alembic_version VALUES ('0001')")
    if migrate.head() == "0001":
        pytest.skip("only one revision so far: nothing older to upgrade from")
    open_database(county_db.path, backup_dir=tmp_path / "b").close()
    assert list((tmp_path / "b").iterdir())


def test_single_linear_head():
    revisions = list(migrate.script().walk_revisions())
    assert migrate.script().get_heads() == [migrate.HEAD]
    assert sum(1 for r in revisions if r.down_revision is None) == 1


def test_migrations_at_head_equal_the_models(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    with engine.begin() as conn:
        migrate.upgrade(conn)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_content_hash_check_finds_an_edited_row(county_db, county_actor):
    with county_db.begin() as s:
        site_id = sites.add_site(s, county_actor, name="甲村", org_type="village").id
    with county_db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE sites SET name='被改村' WHERE id=?", (site_id,))
    problems = checks.run_all(county_db.path)
    assert any(site_id in p for p in problems)
    with county_db.begin() as s:
        assert s.scalar(select(Site.name)) == "被改村"
