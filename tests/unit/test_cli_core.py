"""The command line: init, sites, check, backup, restore, and refusals without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bqw_desktop.domain.catalogue import load_catalogue


def run(*args: str, env_db: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bqw_desktop", *args], capture_output=True, text=True,
                          check=False)


def test_init_add_list_check(tmp_path):
    db = str(tmp_path / "c.sqlite3")
    assert run("init", "--db", db, "--tier", "county", "--region", "430121").returncode == 0
    added = run("sites", "add", "--db", db, "--name", "星沙街道党工委", "--org-type", "subdistrict", "--json")
    assert added.returncode == 0, added.stderr
    site_id = json.loads(added.stdout)["id"]
    listed = json.loads(run("sites", "list", "--db", db, "--json").stdout)
    checklist_size = len(load_catalogue().items_for("subdistrict"))
    assert listed == [{
        "id": site_id, "name": "星沙街道党工委", "org_type": "subdistrict", "org_kind": None,
        "region_code": "430121", "secretary": "", "member_count": None, "phone": "",
        "owner_office": "430121", "level": None, "status": None, "ticks_met": 0, "ticks_total": checklist_size,
    }]
    assert run("check", "--db", db).returncode == 0


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("bqw-desktop ")


def test_init_refuses_to_overwrite(tmp_path):
    db = str(tmp_path / "c.sqlite3")
    run("init", "--db", db, "--tier", "county", "--region", "430121")
    again = run("init", "--db", db, "--tier", "county", "--region", "430121")
    assert again.returncode != 0
    assert "已存在" in again.stderr and "Traceback" not in again.stderr


def test_init_refuses_a_code_of_the_wrong_tier(tmp_path):
    result = run("init", "--db", str(tmp_path / "x.sqlite3"), "--tier", "city", "--region", "430121")
    assert result.returncode != 0 and "层级" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.sqlite3").exists()


def test_system_office_needs_a_name(tmp_path):
    result = run("init", "--db", str(tmp_path / "s.sqlite3"), "--tier", "system", "--region", "430000-S01")
    assert result.returncode != 0 and "名称" in result.stderr
    ok = run("init", "--db", str(tmp_path / "s.sqlite3"), "--tier", "system", "--region", "430000-S01",
             "--name", "省国资委党委")
    assert ok.returncode == 0, ok.stderr


def test_bad_input_is_one_chinese_line(tmp_path):
    db = str(tmp_path / "c.sqlite3")
    run("init", "--db", db, "--tier", "county", "--region", "430121")
    for args, words in [
        (("--name", "某村", "--org-type", "合作社"), "党组织类型"),
        (("--name", "某村", "--org-type", "village", "--members", "很多"), "党员人数"),
        (("--name", "某村", "--org-type", "village", "--region", "110101"), "管辖范围"),
        (("--name", "  ", "--org-type", "village"), "名称"),
    ]:
        result = run("sites", "add", "--db", db, *args)
        assert result.returncode != 0
        assert words in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(run("sites", "list", "--db", db, "--json").stdout) == []


def test_foreign_file_refused(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    result = run("sites", "list", "--db", str(junk))
    assert result.returncode != 0 and "不是SQLite" in result.stderr


def test_backup_and_restore_commands(tmp_path):
    db = str(tmp_path / "c.sqlite3")
    run("init", "--db", db, "--tier", "county", "--region", "430121")
    run("sites", "add", "--db", db, "--name", "甲村", "--org-type", "village")
    assert run("backup", "--db", db, "--out", str(tmp_path / "b.sqlite3")).returncode == 0
    run("sites", "add", "--db", db, "--name", "乙村", "--org-type", "village")
    assert run("restore", "--db", db, str(tmp_path / "b.sqlite3")).returncode == 0
    names = [s["name"] for s in json.loads(run("sites", "list", "--db", db, "--json").stdout)]
    assert names == ["甲村"]


def test_db_from_environment(tmp_path, monkeypatch):
    db = tmp_path / "env.sqlite3"
    env = {**__import__("os").environ, "BQW_DB": str(db)}
    result = subprocess.run([sys.executable, "-m", "bqw_desktop", "init", "--tier", "county", "--region", "430121"],
                            capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert db.exists()
