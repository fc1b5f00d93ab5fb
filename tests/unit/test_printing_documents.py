"""Each printed document: its text, fonts, pages, long text over pages, batches and lists."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from bqw_desktop.domain.vocab import Level, Tier
from bqw_desktop.errors import UserError
from bqw_desktop.printing.certificate import (
    CertificateOptions,
    render_certificates,
    render_plaque_sheets,
)
from bqw_desktop.printing.data import ListColumn, ListData, default_opinion_boxes
from bqw_desktop.printing.dossier import SECTIONS, render_dossier
from bqw_desktop.printing.inspection import render_inspection
from bqw_desktop.printing.layout import MM, PrintCancelled
from bqw_desktop.printing.lists import list_pages, render_list
from bqw_desktop.printing.nomination import render_nomination
from bqw_desktop.printing.samples import (
    sample_award,
    sample_dossier,
    sample_list,
    sample_nomination,
    sample_visit,
)

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils not installed",
)


def text_of(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-raw"]  # content order: each cell and box reads whole
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    """Text without spaces, so spaced titles and table gaps compare plainly."""
    return re.sub(r"\s+", "", text)


def pages(pdf: Path) -> int:
    return len(PdfReader(str(pdf)).pages)


def assert_all_fonts_embedded(pdf: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:]]
    assert rows, "no fonts"
    for row in rows:
        assert row[-5] == "yes", row  # the "emb" column
    return [row[0] for row in rows]


# --- Nomination -------------------------------------------------------------------------


def test_nomination_form_has_title_particulars_opinion_boxes_and_embedded_fonts(tmp_path: Path):
    data = sample_nomination(level=Level.PROVINCE, route=Tier.COUNTY)
    pdf = tmp_path / "推荐表.pdf"
    render_nomination(data, pdf)
    text = flat(text_of(pdf))
    assert "创先争优活动省级示范点创建单位推荐表" in text
    for value in (
        "中共浏阳市集里街道神仙坳社区委员会",
        "社区党组织",
        "长沙市浏阳市集里街道",
        "刘堃",
        "86名",
        "王喆",
        "0731-83612345",
    ):
        assert value in text, value
    for label in (
        "单位名称",
        "组织类型",
        "所在地区",
        "党组织书记",
        "党员人数",
        "联系人",
        "联系电话",
        "主要事迹",
        "创建措施",
        "可另附页",
        "备注",
    ):
        assert label in text, label
    for office in (
        "所在党组织",
        "县（市、区）委组织部",
        "市（州）委组织部",
        "省委创先争优活动领导小组办公室",
    ):
        assert office in text, office
    assert text.count("（盖章）") == 1 + 4  # the nominating office above the table, then each box
    assert text.count("年月日") >= 4
    names = assert_all_fonts_embedded(pdf)
    assert any("UMing" in n for n in names) and any("WenKai" in n for n in names)
    assert pages(pdf) == 2


def test_county_and_system_routes_ask_for_their_own_signatures(tmp_path: Path):
    county = default_opinion_boxes(Level.COUNTY, Tier.COUNTY)
    assert [b.office for b in county] == ["所在党组织", "县（市、区）委组织部"]
    pdf = tmp_path / "system.pdf"
    render_nomination(sample_nomination(level=Level.PROVINCE, route=Tier.SYSTEM), pdf)
    text = flat(text_of(pdf))
    assert "省直机关、系统创先争优活动领导（指导）小组" in text
    assert "县（市、区）委组织部" not in text
    assert text.count("（盖章）") == 1 + 3


def test_long_achievements_flow_onto_further_pages_without_losing_text(tmp_path: Path):
    data = sample_nomination(paragraphs=24)
    closing = "这是主要事迹的最后一句，它必须出现在续页上。"
    data = replace(data, achievements=data.achievements + "\n" + closing)
    assert len(data.achievements) > 2000
    pdf = tmp_path / "long.pdf"
    render_nomination(data, pdf)
    n = pages(pdf)
    assert n >= 3
    first, second = flat(text_of(pdf, 1)), flat(text_of(pdf, 2))
    assert "近年来，神仙坳社区党委坚持" in first
    assert "主要事迹（续）" in second
    assert closing in flat(text_of(pdf))
    assert closing not in first
    # every paragraph of the achievements is printed somewhere, whole
    whole = flat(text_of(pdf))
    for para in data.achievements.splitlines():
        assert flat(para) in whole
    assert "— 1 —".replace(" ", "") in first and f"—{n}—" in flat(text_of(pdf, n))


# --- Certificates and plaque sheets -------------------------------------------------------


def test_certificate_carries_wording_site_body_date_and_number(tmp_path: Path):
    pdf = tmp_path / "证书.pdf"
    render_certificates([sample_award(7)], pdf)
    text = flat(text_of(pdf))
    for part in (
        "证书",
        "中共浏阳市集里街道神仙坳社区委员会",
        "“创先争优活动省级示范点”",
        "中共湖南省委创先争优活动领导小组",
        "二〇一二年六月",
        "证书编号：",
        "HN43-2012-0007",
        "特发此证",
    ):
        assert part in text, part
    assert_all_fonts_embedded(pdf)
    box = PdfReader(str(pdf)).pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape


@pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None, reason="zbarimg not installed"
)
def test_certificate_qr_code_scans_to_the_signed_record(tmp_path: Path):
    award = sample_award(3)
    pdf = tmp_path / "qr.pdf"
    render_certificates([award], pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    out = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=False
    ).stdout
    assert out.strip() == award.qr_text


def test_a_batch_of_certificates_gives_one_page_each_in_order(tmp_path: Path):
    awards = [sample_award(i, name=f"中共浏阳市第{i}村支部委员会") for i in range(1, 41)]
    seen: list[tuple[int, int]] = []
    pdf = tmp_path / "batch.pdf"
    render_certificates(awards, pdf, progress=lambda done, total: seen.append((done, total)))
    assert pages(pdf) == 40
    page_37 = flat(text_of(pdf, 37))
    assert "HN43-2012-0037" in page_37 and "中共浏阳市第37村支部委员会" in page_37
    assert seen[-1] == (40, 40)


def test_printer_offset_moves_everything_by_the_given_millimetres(tmp_path: Path):
    def number_position(options: CertificateOptions | None) -> tuple[float, float]:
        pdf = tmp_path / "offset.pdf"
        render_certificates([sample_award(1)], pdf, options=options)
        html = subprocess.run(
            ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>[^<]*HN43-2012-0001', html)
        assert m, "certificate number not found"
        return float(m.group(1)), float(m.group(2))

    x0, y0 = number_position(None)
    x1, y1 = number_position(CertificateOptions(offset_mm=(5.0, -3.0), border=False))
    assert x1 - x0 == pytest.approx(5 * MM, abs=0.5)
    assert y1 - y0 == pytest.approx(3 * MM, abs=0.5)  # pdftotext measures y downwards


def test_plaque_sheet_gives_the_maker_the_wording(tmp_path: Path):
    pdf = tmp_path / "牌匾.pdf"
    render_plaque_sheets([sample_award(2, level=Level.CITY)], pdf)
    text = flat(text_of(pdf))
    for part in (
        "牌匾制作单",
        "创先争优活动市级示范点",
        "中共湖南省委创先争优活动领导小组",
        "二〇一二年六月",
        "HN43-2012-0002",
        "受牌单位",
    ):
        assert part in text, part
    assert_all_fonts_embedded(pdf)


# --- Inspection and dossier ---------------------------------------------------------------


def test_inspection_sheet_lists_rectifications_and_signature_lines(tmp_path: Path):
    visit = sample_visit()
    pdf = tmp_path / "督查.pdf"
    render_inspection(visit, pdf)
    text = flat(text_of(pdf))
    assert "创先争优活动示范点督查记录表" in text
    assert "2011年11月16日" in text and "陈垚" in text
    for item in visit.rectifications:
        assert flat(item.problem) in text and flat(item.measure) in text
    assert "被督查单位负责人（签字）" in text and "联络员（签字）" in text and "（盖章）" in text
    assert pages(pdf) == 1
    assert_all_fonts_embedded(pdf)


def test_many_rectification_items_repeat_the_item_heading_on_the_next_page(tmp_path: Path):
    visit = sample_visit()
    items = tuple(
        replace(visit.rectifications[0], problem=f"第{i}项问题：党员志愿服务记录不规范。")
        for i in range(1, 26)
    )
    pdf = tmp_path / "many.pdf"
    render_inspection(replace(visit, rectifications=items), pdf)
    assert pages(pdf) >= 2
    last = flat(text_of(pdf, pages(pdf)))
    assert "存在问题" in last and "整改措施" in last
    assert "第25项问题" in flat(text_of(pdf))


def test_dossier_holds_every_part_of_the_site_record(tmp_path: Path):
    data = sample_dossier()
    pdf = tmp_path / "一点一档.pdf"
    render_dossier(data, pdf)
    text = flat(text_of(pdf))
    positions = [text.index(flat(s)) for s in SECTIONS]
    assert positions == sorted(positions)
    assert "创先争优活动示范点档案" in flat(text_of(pdf, 1))
    assert "基本达标" in text and "再就业率待复核" in text
    assert "长沙市委组织部审定为市级示范点创建单位" in text
    assert "党务公开栏内容更新不及时。（已整改）" in text
    assert "老旧小区改造第一期完工" in text
    for a in data.attachments:
        assert a.name in text
    assert "1.5MB" in text
    assert pages(pdf) >= 3
    assert_all_fonts_embedded(pdf)


# --- Lists ------------------------------------------------------------------------------


def test_short_list_has_title_totals_office_and_page_numbers(tmp_path: Path):
    data = sample_list(60)
    pdf = tmp_path / "名单.pdf"
    render_list(data, pdf)
    n = pages(pdf)
    assert n == list_pages(data)
    first = flat(text_of(pdf, 1))
    assert "创先争优活动省级示范点创建单位名单" in first and "（长沙市浏阳市" in first
    assert f"第1页共{n}页" in first
    last = flat(text_of(pdf, n))
    assert "合计：创建单位60个" in last and "中共浏阳市委组织部" in last and "2011年6月2日" in last
    assert_all_fonts_embedded(pdf)


def test_fifteen_thousand_rows_repeat_the_header_and_number_every_page(tmp_path: Path):
    data = sample_list(15_000)
    pdf = tmp_path / "big.pdf"
    render_list(data, pdf)
    n = pages(pdf)
    assert n == list_pages(data)
    assert n > 300
    late = flat(text_of(pdf, n - 3))
    assert "序号单位名称" in late and "党员数" in late
    assert f"第{n - 3}页共{n}页" in late
    every = flat(text_of(pdf))
    assert every.count("序号单位名称") == n - (0 if "序号" in flat(text_of(pdf, n)) else 1)
    assert "15000中共浏阳市" in every and "合计：创建单位15000个" in every


def test_cancelling_a_list_leaves_no_file(tmp_path: Path):
    pdf = tmp_path / "cancelled.pdf"
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    with pytest.raises(PrintCancelled):
        render_list(sample_list(500), pdf, cancel=cancel)
    assert not pdf.exists()


def test_list_cells_with_long_text_wrap_inside_their_column(tmp_path: Path):
    long_name = "中共湖南省长沙市浏阳市集里街道神仙坳社区第一网格党支部委员会联合党支部"
    data = ListData(
        title="名单",
        columns=(ListColumn("单位名称", 2), ListColumn("书记", 1, "center")),
        rows=[(long_name, "刘堃")],
        produced_on=date(2012, 1, 1),
    )
    pdf = tmp_path / "wrap.pdf"
    render_list(data, pdf)
    assert long_name in flat(text_of(pdf).replace("刘堃", ""))


def test_unprintable_list_row_is_refused_before_printing(tmp_path: Path):
    data = sample_list(3)
    bad = replace(data, rows=[*data.rows, ("中共某村\U000f0002支部", "某镇", "村党组织", "王", "3")])
    with pytest.raises(UserError, match="U\\+F0002"):
        render_list(bad, tmp_path / "x.pdf")
