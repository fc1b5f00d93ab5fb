"""The `candidacy` and `quota` commands: JSON a script can read, refusals that change nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bqw_desktop.cli import main
from bqw_desktop.domain.divisions import load_divisions


@pytest.fixture
def cli(capsys):
    """Run a command in-process: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture
def county(tmp_path: Path, cli) -> str:
    db = str(tmp_path / "county.sqlite3")
    assert cli("init", "--db", db, "--tier", "county", "--region", "430121")[0] == 0
    assert cli("candidacy", "campaign", "--db", db, "--ensure")[0] == 0
    return db


def add_site(cli, db: str, name: str = "白沙村党总支") -> str:
    code, out, err = cli("sites", "add", "--db", db, "--name", name, "--org-type", "village", "--json")
    assert code == 0, err
    return json.loads(out)["id"]


def listed(cli, db: str) -> list[dict]:
    code, out, _ = cli("candidacy", "list", "--db", db, "--json")
    assert code == 0
    return json.loads(out)


def test_create_list_and_advance(cli, county):
    site_id = add_site(cli, county)
    code, out, err = cli("candidacy", "create", "--db", county, "--site", site_id, "--level", "county", "--json")
    assert code == 0, err
    cid = json.loads(out)["id"]
    [row] = listed(cli, county)
    assert {k: row[k] for k in ("id", "site_id", "level", "status")} == {
        "id": cid, "site_id": site_id, "level": "county", "status": "applied"}
    code, out, err = cli("candidacy", "advance", "--db", county, "--id", cid, "--to", "approved", "--json")
    assert code == 0, err
    assert json.loads(out)["status"] == "approved"
    code, out, _ = cli("candidacy", "history", "--db", county, "--id", cid, "--json")
    assert [r["to_status"] for r in json.loads(out)] == ["applied", "approved"]
    assert listed(cli, county)[0]["status"] == "approved"


def test_a_refused_step_exits_non_zero_with_the_reason_and_changes_nothing(cli, county):
    site_id = add_site(cli, county)
    cid = cli("candidacy", "create", "--db", county, "--site", site_id, "--level", "county")[1].split()[0]
    code, _, err = cli("candidacy", "advance", "--db", county, "--id", cid, "--to", "returned")
    assert code == 1 and "退回修改须填写理由" in err
    code, _, err = cli("candidacy", "advance", "--db", county, "--id", cid, "--to", "awarded")
    assert code == 1 and "尚未考核达标，不能授牌" in err
    for to in ("approved", "creating"):
        assert cli("candidacy", "advance", "--db", county, "--id", cid, "--to", to, "--date", "2011-06-01")[0] == 0
    code, _, err = cli("candidacy", "advance", "--db", county, "--id", cid, "--to", "passed", "--date", "2012-05-31")
    assert code == 1 and "创建期结束前不能认定考核达标" in err
    assert listed(cli, county)[0]["status"] == "creating"


def test_city_refused_for_county_level_and_a_missing_site(cli, tmp_path):
    db = str(tmp_path / "city.sqlite3")
    cli("init", "--db", db, "--tier", "city", "--region", "430100")
    code, _, err = cli("candidacy", "create", "--db", db, "--site", "nope", "--level", "county")
    assert code == 1 and "不能登记县级示范点申报" in err
    code, _, err = cli("candidacy", "create", "--db", db, "--site", "nope", "--level", "city")
    assert code == 1 and "找不到示范点" in err
    assert listed(cli, db) == []


def test_quota_override_on_the_command_line(cli, county):
    ids = []
    for name in ("一村党支部", "二村党支部"):
        site_id = add_site(cli, county, name)
        ids.append(cli("candidacy", "create", "--db", county, "--site", site_id, "--level", "county")[1].split()[0])
    # the county's own county-level places: entered here as if allotted by its city
    from bqw_desktop.db.engine import open_database
    from bqw_desktop.db.models import Quota
    from bqw_desktop.services import campaigns
    from bqw_desktop.services.bulk import insert_rows, owned_rows

    db = open_database(Path(county))
    with db.begin() as s:
        campaign_id = campaigns.current_campaign(s).id
    with db.engine.begin() as conn:
        insert_rows(conn, Quota, owned_rows(Quota, [{"campaign_id": campaign_id, "level": "county",
                                                     "unit_code": "430121", "seats": 1}], owner="430100", user="市"))
    db.close()
    assert cli("candidacy", "advance", "--db", county, "--id", ids[0], "--to", "approved")[0] == 0
    code, _, err = cli("candidacy", "advance", "--db", county, "--id", ids[1], "--to", "approved")
    assert code == 1 and "超额确定" in err
    code, out, _ = cli("candidacy", "advance", "--db", county, "--id", ids[1], "--to", "approved",
                       "--override-quota", "--reason", "经研究同意", "--json")
    assert code == 0 and json.loads(out)["quota_override"] is True
    assert json.loads(out)["quota"] == {"unit_code": "430121", "used": 2, "allotted": 1}


def test_bulk_shows_the_plan_first_and_records_only_with_yes(cli, county):
    ids = []
    for name in ("一村党支部", "二村党支部"):
        site_id = add_site(cli, county, name)
        ids.append(cli("candidacy", "create", "--db", county, "--site", site_id, "--level", "county")[1].split()[0])
    args = ["candidacy", "bulk", "--db", county, "--id", ids[0], "--id", ids[1], "--to", "approved", "--json"]
    code, out, _ = cli(*args)
    assert code == 0 and sorted(json.loads(out)["ok"]) == sorted(ids) and json.loads(out)["batch_id"] is None
    assert {r["status"] for r in listed(cli, county)} == {"applied"}
    code, out, _ = cli(*args, "--yes")
    batch = json.loads(out)["batch_id"]
    assert {r["status"] for r in listed(cli, county)} == {"approved"}
    assert cli("candidacy", "reverse-batch", "--db", county, "--batch", batch)[0] == 0
    assert {r["status"] for r in listed(cli, county)} == {"applied"}


def test_quota_allocate_json_per_unit(cli, tmp_path):
    db = str(tmp_path / "province.sqlite3")
    cli("init", "--db", db, "--tier", "province", "--region", "430000")
    cities = [d.code for d in load_divisions().children("430000")]
    for i, code in enumerate(cities):
        assert cli("quota", "orgs", "set", "--db", db, "--unit", code, "--count", str(1000 + i))[0] == 0
    code, out, err = cli("quota", "allocate", "--db", db, "--level", "city", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["total"] == 1000 and data["assigned"] == 1000 and data["saved"] is False
    first = data["units"][0]
    assert set(first) >= {"unit_code", "organizations", "exact_share", "seats"}
    assert [u["unit_code"] for u in data["units"]] == cities
    code, out, _ = cli("quota", "allocate", "--db", db, "--level", "city", "--save", "--adjust", "430100", "90",
                       "省会城市基础较好")
    assert code == 0 and "已保存" in out
    code, out, _ = cli("quota", "usage", "--db", db, "--level", "city", "--json")
    assert {u["unit_code"]: u["allotted"] for u in json.loads(out)}["430100"] == 90


def test_quota_refusals_exit_non_zero(cli, county):
    code, _, err = cli("quota", "allocate", "--db", county, "--level", "county")
    assert code == 1 and "没有下级单位可分配名额" in err
    code, _, err = cli("quota", "orgs", "set", "--db", county, "--unit", "430102", "--count", "10")
    assert code == 1 and "不是本单位或本单位分配名额的下级单位" in err
    code, _, err = cli("quota", "orgs", "set", "--db", county, "--unit", "430121", "--count", "很多")
    assert code == 1 and "应为不小于0的整数" in err


def test_a_refusal_from_the_installed_command_has_no_traceback(tmp_path):
    db = str(tmp_path / "county.sqlite3")
    subprocess.run([sys.executable, "-m", "bqw_desktop", "init", "--db", db, "--tier", "county", "--region",
                    "430121"], capture_output=True, check=True)
    result = subprocess.run([sys.executable, "-m", "bqw_desktop", "candidacy", "advance", "--db", db, "--id", "x",
                             "--to", "approved"], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "找不到申报" in result.stderr and "Traceback" not in result.stderr
