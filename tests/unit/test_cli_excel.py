"""`bqw-desktop excel …`: import with a dry run, templates, exports."""

from __future__ import annotations

import json
import subprocess
import sys

import openpyxl

from bqw_desktop.cli import main
from bqw_desktop.services import sites


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bqw_desktop", *args], capture_output=True, text=True, check=False)


def sheet(path, rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


ROWS = [["名称", "党组织类型", "书记", "申报级别"],
        ["黄花镇党委", "乡镇党委", "刘志强", None],
        ["浔龙河村党总支", "村党总支", "陈静", "县级"]]


def test_dry_run_then_import_then_nothing_left_to_do(county_db, tmp_path, capsys):
    db = str(county_db.path)
    path = sheet(tmp_path / "名单.xlsx", ROWS)
    assert main(["excel", "import", "--db", db, str(path), "--dry-run", "--json"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["preview"]["counts"]["new"] == 2 and dry["imported"] is False
    with county_db.sessions() as s:
        assert sites.list_sites(s) == []
    assert main(["excel", "import", "--db", db, str(path)]) == 0
    out = capsys.readouterr().out
    assert "新增 2 个" in out and "登记申报 1 个" in out and "备份" in out
    assert main(["excel", "import", "--db", db, str(path), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["preview"]["counts"]["unchanged"] == 2 and again["result"]["created"] == 0


def test_errors_refuse_the_import_with_one_line_and_a_report(county_db, tmp_path):
    path = sheet(tmp_path / "名单.xlsx", [*ROWS, ["", "村", "", ""], ["某村党支部", "火星组织", "", ""]])
    report = tmp_path / "错误.xlsx"
    done = run("excel", "import", "--db", str(county_db.path), str(path), "--errors-out", str(report))
    assert done.returncode == 1
    assert done.stderr.strip().startswith("bqw-desktop: 文件 名单.xlsx 中还有错误") and "Traceback" not in done.stderr
    assert "名称为空" in done.stdout and "火星组织" in done.stdout
    assert openpyxl.load_workbook(report).active.max_row == 5  # title, unit line, header, two problems
    partial = run("excel", "import", "--db", str(county_db.path), str(path), "--allow-partial")
    assert partial.returncode == 0 and "未导入（有错误或待确认）2 行" in partial.stdout


def test_questions_answered_from_a_file(city_db, tmp_path, capsys):
    path = sheet(tmp_path / "名单.xlsx", [["名称", "党组织类型", "县市区"], ["甲村党支部", "村", "长沙"]])
    db = str(city_db.path)
    assert main(["excel", "import", "--db", db, str(path), "--dry-run", "--json"]) == 1
    (question,) = json.loads(capsys.readouterr().out)["preview"]["questions"]
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps([{"field": question["field"], "value": question["value"], "answer": "430121"}]),
                       encoding="utf-8")
    assert main(["excel", "import", "--db", db, str(path), "--answers", str(answers)]) == 0
    with city_db.sessions() as s:
        assert [r.region_code for r in sites.list_sites(s)] == ["430121"]


def test_hostile_file_is_refused_without_traceback(county_db, tmp_path):
    bomb = tmp_path / "名单.xlsx"
    bomb.write_text("<html><body>not a sheet</body></html>", encoding="utf-8")
    done = run("excel", "import", "--db", str(county_db.path), str(bomb))
    assert done.returncode == 1 and "Traceback" not in done.stderr and "名单.xlsx" in done.stderr


def test_templates_and_exports(city_db, tmp_path, capsys):
    db = str(city_db.path)
    template = tmp_path / "模板.xlsx"
    assert main(["excel", "template", "sites", "--out", str(template), "--db", db]) == 0
    options = openpyxl.load_workbook(template)["选项"]
    assert "长沙县" in [c.value for c in options["D"]]
    assert main(["excel", "template", "org-counts", "--out", str(tmp_path / "数.xlsx")]) == 0
    for kind in ("register", "summary", "quota", "visits", "checklists", "candidacies"):
        out = tmp_path / f"{kind}.xlsx"
        assert main(["excel", "export", kind, "--db", db, "--out", str(out)]) == 0, kind
        assert out.exists()
    assert "已导出" in capsys.readouterr().out
