"""The command line: keys show/export/trust/rotate, exchange export/verify/import/conflicts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bqw_desktop", *args], capture_output=True, text=True,
                          input=stdin, check=False)


def fingerprint_of(card: Path) -> str:
    return json.loads(card.read_text(encoding="utf-8"))["fingerprint"]


@pytest.fixture
def pair(tmp_path):
    """A city and one of its counties with each other's identity cards registered."""
    city, county = tmp_path / "city.sqlite3", tmp_path / "county.sqlite3"
    assert run("init", "--db", str(city), "--tier", "city", "--region", "430100").returncode == 0
    assert run("init", "--db", str(county), "--tier", "county", "--region", "430121").returncode == 0
    for me, other, name in ((city, county, "county"), (county, city, "city")):
        card = tmp_path / f"{name}.card.json"
        assert run("keys", "export", "--db", str(other), "--out", str(card)).returncode == 0
        trusted = run("keys", "trust", "--db", str(me), str(card), "--fingerprint", fingerprint_of(card))
        assert trusted.returncode == 0, trusted.stderr
    return city, county


def test_keys_show_prints_the_fingerprint(pair):
    city, _ = pair
    shown = run("keys", "show", "--db", str(city))
    assert shown.returncode == 0 and "密钥指纹" in shown.stdout and "长沙县委组织部" in shown.stdout
    listed = json.loads(run("keys", "show", "--db", str(city), "--json").stdout)
    assert [o["code"] for o in listed] == ["430100", "430121"]
    assert listed[1]["trust"] == "direct"


def test_keys_trust_asks_for_the_fingerprint_and_refuses_a_wrong_one(tmp_path):
    city, county = tmp_path / "city.sqlite3", tmp_path / "county.sqlite3"
    run("init", "--db", str(city), "--tier", "city", "--region", "430100")
    run("init", "--db", str(county), "--tier", "county", "--region", "430121")
    card = tmp_path / "county.card.json"
    run("keys", "export", "--db", str(county), "--out", str(card))
    wrong = run("keys", "trust", "--db", str(city), str(card), stdin="0000 0000 0000 0000 0000\n")
    assert wrong.returncode == 1 and "指纹" in wrong.stderr and "Traceback" not in wrong.stderr
    right = run("keys", "trust", "--db", str(city), str(card), stdin=fingerprint_of(card) + "\n")
    assert right.returncode == 0 and "已登记" in right.stdout


def test_export_verify_import_and_again(pair, tmp_path):
    city, county = pair
    assert run("sites", "add", "--db", str(county), "--name", "星沙街道党工委", "--org-type", "subdistrict").returncode == 0
    package = tmp_path / "up.bqw"
    exported = run("exchange", "export", "--db", str(county), "--to", "430100", "--out", str(package))
    assert exported.returncode == 0, exported.stderr
    verified = run("exchange", "verify", "--db", str(city), str(package), "--json")
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["record_counts"]["sites"] == 1
    preview = run("exchange", "import", "--db", str(city), str(package), "--dry-run", "--json")
    assert preview.returncode == 0 and json.loads(preview.stdout)["counts"]["sites"]["created"] == 1
    assert json.loads(run("sites", "list", "--db", str(city), "--json").stdout) == []
    imported = run("exchange", "import", "--db", str(city), str(package), "--json")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["counts"]["sites"]["created"] == 1
    assert [s["name"] for s in json.loads(run("sites", "list", "--db", str(city), "--json").stdout)] == ["星沙街道党工委"]
    again = run("exchange", "import", "--db", str(city), str(package))
    assert again.returncode == 0 and "已经导入过" in again.stdout
    history = json.loads(run("exchange", "history", "--db", str(city), "--json").stdout)
    assert [(h["direction"], h["sequence"]) for h in history] == [("received", 1)]
    assert "没有待处理的冲突" in run("exchange", "conflicts", "--db", str(city)).stdout


def test_bad_package_exits_non_zero_with_the_reason(pair, tmp_path):
    city, county = pair
    package = tmp_path / "up.bqw"
    run("exchange", "export", "--db", str(county), "--to", "430100", "--out", str(package))
    data = bytearray(package.read_bytes())
    package.write_bytes(bytes(data[: len(data) // 2]))
    for command in (("verify",), ("import",)):
        result = run("exchange", *command, "--db", str(city), str(package))
        assert result.returncode == 1 and "不完整或已损坏" in result.stderr and "Traceback" not in result.stderr


def test_export_to_an_office_that_is_not_a_neighbour_is_refused(pair, tmp_path):
    _, county = pair
    result = run("exchange", "export", "--db", str(county), "--to", "430000", "--out", str(tmp_path / "x.bqw"))
    assert result.returncode == 1 and "直接上级或下级" in result.stderr


def test_rotate_changes_the_fingerprint(pair):
    city, _ = pair
    before = json.loads(run("keys", "show", "--db", str(city), "--json").stdout)[0]["fingerprint"]
    rotated = run("keys", "rotate", "--db", str(city))
    assert rotated.returncode == 0
    after = json.loads(run("keys", "show", "--db", str(city), "--json").stdout)[0]["fingerprint"]
    assert after != before and after in rotated.stdout
