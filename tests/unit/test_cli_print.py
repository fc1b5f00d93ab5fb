"""`bqw-desktop print …` and `bqw-desktop certificate …` as a clerk runs them."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from bqw_desktop.cli import main
from bqw_desktop.domain.vocab import Level
from bqw_desktop.services import campaigns, candidacies, certificates, sites, visits
from bqw_desktop.services.context import Actor
from bqw_desktop.services.visits import RectificationInput

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

COUNTY = "430121"
CLERK = Actor(user="clerk", office_code=COUNTY)


def text_of(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


@pytest.fixture
def register(county_db):
    """Two sites: 黄花村党总支 with a county plaque (2012-06-28) and a visit, 开慧村党支部 only applied."""
    with county_db.begin() as s:
        campaigns.ensure_default_campaign(s, CLERK)
        awarded = sites.add_site(s, CLERK, name="黄花村党总支", org_type="village", secretary="刘堃")
        plain = sites.add_site(s, CLERK, name="开慧村党支部", org_type="village")
        cid = candidacies.create_candidacy(s, CLERK, site_id=awarded.id, level=Level.COUNTY,
                                           achievements="建成村级党群服务中心。").id
        candidacies.create_candidacy(s, CLERK, site_id=plain.id, level=Level.COUNTY)
        visit = visits.record_visit(s, CLERK, site_id=awarded.id, visit_date=date(2012, 3, 16), kind="inspection",
                                    visitors="李玥、张犇", observations="台账齐全。", problems="公开栏未更新。",
                                    rectifications=[RectificationInput("党务公开栏每月更新", date(2012, 4, 30), "王喆")],
                                    today=date(2012, 3, 20))
    for to, today in (("approved", date(2012, 3, 1)), ("creating", date(2012, 3, 1)),
                      ("passed", date(2012, 6, 28)), ("awarded", date(2012, 6, 28))):
        with county_db.begin() as s:
            candidacies.advance(s, CLERK, candidacy_id=cid, to_status=to, today=today)
    return {"db": str(county_db.path), "awarded": awarded.id, "plain": plain.id, "candidacy": cid,
            "visit": visit.id}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_print_certificate_for_a_site_writes_the_pdf_and_names_its_number(register, tmp_path, capsys):
    out = tmp_path / "证书.pdf"
    code, stdout, _ = run(capsys, "print", "certificate", "--db", register["db"], "--site", register["awarded"],
                          "--out", str(out))
    assert code == 0 and "430121-2012-0001" in stdout
    text = text_of(out)
    for part in ("长沙县黄花村党总支", "创先争优活动县级示范点", "中共长沙县委创先争优活动领导小组", "二〇一二年六月",
                 "430121-2012-0001"):
        assert part in text, part
    assert PdfReader(str(out)).pages[0].mediabox.width > PdfReader(str(out)).pages[0].mediabox.height  # landscape


def test_a_certificate_for_a_site_without_an_award_is_refused_with_a_chinese_reason(register, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    code, _, stderr = run(capsys, "print", "certificate", "--db", register["db"], "--site", register["plain"],
                          "--out", str(out))
    assert code == 1 and "开慧村党支部" in stderr and "没有有效的授牌" in stderr
    assert "Traceback" not in stderr and not out.exists()


def test_every_kind_prints_from_the_command_line(register, tmp_path, capsys):
    cases = {
        "nomination": (["--site", register["awarded"]], ["创先争优活动县级示范点创建单位推荐表", "建成村级党群服务中心"]),
        "plaque": (["--candidacy", register["candidacy"]], ["牌匾制作单", "430121-2012-0001"]),
        "inspection": (["--site", register["awarded"]], ["督查记录表", "李玥、张犇", "党务公开栏每月更新"]),
        "dossier": (["--site", register["awarded"]], ["一点一档", "刘堃", "黄花村党总支"]),
        "list": (["--all-awarded", "--level", "county"], ["创先争优活动县级示范点名单", "黄花村党总支"]),
    }
    for kind, (args, expected) in cases.items():
        out = tmp_path / f"{kind}.pdf"
        code, _, stderr = run(capsys, "print", kind, "--db", register["db"], *args, "--out", str(out))
        assert code == 0, (kind, stderr)
        text = text_of(out)
        for part in expected:
            assert part in text, (kind, part)
    assert "开慧村党支部" not in text_of(tmp_path / "list.pdf")


def test_per_site_output_and_printer_offset(register, tmp_path, capsys):
    folder = tmp_path / "证书"
    code, _, stderr = run(capsys, "print", "certificate", "--db", register["db"], "--site", register["awarded"],
                          "--site", register["plain"], "--per-site", "--offset", "2,-1.5", "--out", str(folder))
    assert code == 0
    assert [p.name for p in folder.iterdir()] == ["长沙县黄花村党总支-证书.pdf"]
    assert "未打印" in stderr and "开慧村党支部" in stderr
    code, _, stderr = run(capsys, "print", "certificate", "--db", register["db"], "--site", register["awarded"],
                          "--offset", "99,0", "--out", str(tmp_path / "y.pdf"))
    assert code == 1 and "过大" in stderr


def test_certificate_verify_accepts_the_genuine_text_and_refuses_an_altered_one(register, tmp_path, capsys,
                                                                               monkeypatch):
    run(capsys, "print", "certificate", "--db", register["db"], "--site", register["awarded"],
        "--out", str(tmp_path / "c.pdf"))
    code, stdout, _ = run(capsys, "certificate", "list", "--db", register["db"], "--json")
    assert code == 0 and "430121-2012-0001" in stdout
    from bqw_desktop.db.engine import open_database

    db = open_database(Path(register["db"]))
    with db.sessions() as s:
        payload = certificates.list_certificates(s)[0].payload
    db.close()
    code, stdout, _ = run(capsys, "certificate", "verify", "--db", register["db"], payload)
    assert code == 0
    for part in ("证书真实有效", "长沙县黄花村党总支", "县级示范点", "二〇一二年六月"):
        assert part in stdout, part
    code, _, stderr = run(capsys, "certificate", "verify", "--db", register["db"],
                          payload.replace("授牌 2012-06-28", "授牌 2012-06-29"))
    assert code == 2 and "授牌日期被改动" in stderr
    monkeypatch.setattr("sys.stdin", io.StringIO(payload))
    code, stdout, _ = run(capsys, "certificate", "verify", "--db", register["db"], "-")
    assert code == 0
    code, stdout, _ = run(capsys, "certificate", "revoke", "--db", register["db"], "--number", "430121-2012-0001",
                          "--reason", "牌匾损毁，换发")
    assert code == 0
    code, _, stderr = run(capsys, "certificate", "verify", "--db", register["db"], payload)
    assert code == 3 and "已作废" in stderr


def test_print_without_a_target_says_what_is_missing(register, tmp_path, capsys):
    code, _, stderr = run(capsys, "print", "dossier", "--db", register["db"], "--out", str(tmp_path / "d.pdf"))
    assert code == 1 and "--site" in stderr
