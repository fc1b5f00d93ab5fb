"""Documents made from a county's demo database: what each prints, refusals, batches and cancelling."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bqw_desktop.db.engine import Database, open_database
from bqw_desktop.db.models import Candidacy, Certificate, Site, Visit
from bqw_desktop.errors import UserError
from bqw_desktop.printing.layout import PrintCancelled
from bqw_desktop.services import certificates, demo, printing, visits
from bqw_desktop.services.context import Actor
from bqw_desktop.services.demo import create_demo
from bqw_desktop.services.printing import PrintRequest, make_document

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def text_of(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """A county demo without its issued certificates, so each test numbers its own."""
    path = tmp_path_factory.mktemp("demo") / "county.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "STAGES", [stage for stage in demo.STAGES if stage != "records"])
        create_demo(path, scale="county")
    return path


@pytest.fixture
def db(demo_file: Path, tmp_path: Path) -> Database:
    """A private copy of the demo database (and its keys), so issuing numbers stays per test."""
    target = tmp_path / demo_file.name
    shutil.copyfile(demo_file, target)
    shutil.copytree(demo_file.with_name(demo_file.name + ".d"), target.with_name(target.name + ".d"))
    database = open_database(target)
    yield database
    database.close()


def actor_of(db: Database) -> Actor:
    return Actor.system_user(db.office_code)


def own_award(db: Database) -> tuple[str, str, str]:
    """(candidacy id, site id, site name) of a plaque this county awarded itself."""
    with db.sessions() as s:
        for cid in printing.awarded_candidacies(s, level="county"):
            award = certificates.award_of(s, cid)
            if award.office_code == db.office_code:
                cand = s.get(Candidacy, cid)
                return cid, cand.site_id, s.get(Site, cand.site_id).name
    raise AssertionError("the demo has no county award")


def test_nomination_form_prints_the_sites_particulars_and_the_recorded_opinions(db, tmp_path):
    cid, site_id, name = own_award(db)
    with db.sessions() as s:
        site = s.get(Site, site_id)
        secretary = site.secretary
    out = tmp_path / "推荐表.pdf"
    result = make_document(db, actor_of(db), PrintRequest("nomination", candidacy_id=cid), out)
    text = text_of(out)
    assert result.paths == (out,) and result.documents == 1
    assert "创先争优活动县级示范点创建单位推荐表" in text
    for part in (name, secretary, "长沙市长沙县", "长沙县委组织部", "同意确定为县级示范点创建单位"):
        assert part in text, part


def test_site_means_its_latest_award_for_a_certificate_and_the_number_is_kept_on_reprint(db, tmp_path):
    _cid, site_id, name = own_award(db)
    first = make_document(db, actor_of(db), PrintRequest("certificate", site_ids=(site_id,)), tmp_path / "a.pdf")
    again = make_document(db, actor_of(db), PrintRequest("plaque", site_ids=(site_id,)), tmp_path / "b.pdf")
    assert len(first.certificate_numbers) == 1
    assert first.certificate_numbers == again.certificate_numbers
    number = first.certificate_numbers[0]
    assert re.fullmatch(r"430121-\d{4}-0001", number)
    cert_text, plaque_text = text_of(tmp_path / "a.pdf"), text_of(tmp_path / "b.pdf")
    for part in ("证书", name, "创先争优活动县级示范点", "中共长沙县委创先争优活动领导小组", number):
        assert part in cert_text, part
    assert re.search("二〇[一二][〇一二三四五六七八九]年[一二三四五六七八九十]+月", cert_text)
    assert "牌匾制作单" in plaque_text and number in plaque_text
    with db.sessions() as s:
        payload = s.scalar(select(Certificate.payload).where(Certificate.number == number))
        assert certificates.verify_text(s, payload).status == "valid"


def test_a_certificate_for_a_site_without_a_plaque_is_refused_in_chinese_and_issues_nothing(db, tmp_path):
    with db.sessions() as s:
        plain = s.scalar(select(Site.id).where(Site.id.not_in(select(Candidacy.site_id))).limit(1))
    with pytest.raises(UserError, match="没有有效的授牌"):
        make_document(db, actor_of(db), PrintRequest("certificate", site_ids=(plain,)), tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
    with db.sessions() as s:
        assert s.scalar(select(Certificate.id)) is None


def test_an_award_made_by_the_province_is_refused_until_its_certificate_arrives(db, tmp_path):
    with db.sessions() as s:
        for cid in printing.awarded_candidacies(s, level="province"):
            if certificates.award_of(s, cid).office_code != db.office_code:
                break
        else:
            pytest.skip("the demo has no provincial award")
    with pytest.raises(UserError, match="授牌由湖南省委组织部作出"):
        make_document(db, actor_of(db), PrintRequest("certificate", candidacy_id=cid), tmp_path / "p.pdf")


def test_inspection_record_prints_the_visit_and_its_rectification_items(db, tmp_path):
    with db.sessions() as s:
        visit_id = s.scalar(select(Visit.id).where(Visit.problems != "").order_by(Visit.visit_date.desc()).limit(1))
        visit = s.get(Visit, visit_id)
        row = next(r for r in visits.visit_history(s, visit.site_id) if r.id == visit_id)
    out = tmp_path / "督查.pdf"
    make_document(db, actor_of(db), PrintRequest("inspection", visit_id=visit_id), out)
    text = text_of(out)
    assert "创先争优活动示范点督查记录表" in text
    assert re.sub(r"\s+", "", row.visitors) in text
    for item in row.rectifications:
        assert re.sub(r"\s+", "", item.description)[:20] in text


def test_dossier_holds_every_part_with_the_sites_records(db, tmp_path):
    _cid, site_id, name = own_award(db)
    out = tmp_path / "档案.pdf"
    make_document(db, actor_of(db), PrintRequest("dossier", site_ids=(site_id,)), out)
    text = text_of(out)
    for part in ("创先争优活动示范点档案", "一、基本情况", "二、创建目标完成情况", "三、创建历程", "四、督查记录",
                 "五、工作台账", "六、附件目录", name, "创先争优活动县级示范点", "长沙县委组织部"):
        assert part in text, part


def test_list_of_awarded_sites_has_one_row_per_plaque_and_its_totals(db, tmp_path):
    with db.sessions() as s:
        expected = printing.awarded_candidacies(s)
        data = printing.list_data(s, all_awarded=True)
    assert len(data.rows) == len(expected) > 0
    assert data.title == "创先争优活动示范点名单"
    assert all(row[5] in ("已授牌", "复评合格") and row[6] for row in data.rows)
    out = tmp_path / "名单.pdf"
    make_document(db, actor_of(db), PrintRequest("list", all_awarded=True), out)
    text = text_of(out)
    assert f"合计：{len(expected)}个" in text
    assert data.rows[0][0] in text and data.rows[-1][0] in text


def test_list_filters_by_level_status_and_region(db):
    with db.sessions() as s:
        creating = printing.list_data(s, level="县级", status="creating")
        assert creating.title == "创先争优活动县级示范点创建单位名单"
        assert creating.rows and all(r[4] == "县级" and r[5] == "创建中" for r in creating.rows)
        with pytest.raises(UserError, match="行政区划代码"):
            printing.list_data(s, region="999999")
        elsewhere = printing.list_data(s, region="430102")  # 芙蓉区: none of this county's sites
        assert elsewhere.rows == []


def test_batch_one_pdf_per_site_skips_sites_without_awards_and_reports_them(db, tmp_path):
    _cid, site_id, _name = own_award(db)
    with db.sessions() as s:
        plain = s.scalar(select(Site.id).where(Site.id.not_in(select(Candidacy.site_id))).limit(1))
    folder = tmp_path / "证书"
    result = make_document(db, actor_of(db), PrintRequest("certificate", site_ids=(site_id, plain), skip_missing=True),
                           folder, per_site=True)
    assert len(result.paths) == 1 and result.paths[0].parent == folder
    assert len(result.skipped) == 1 and "没有有效的授牌" in result.skipped[0]


def test_batch_of_nomination_forms_in_one_pdf_has_every_sites_form(db, tmp_path):
    with db.sessions() as s:
        rows = s.execute(select(Candidacy.site_id, Site.name).join(Site, Site.id == Candidacy.site_id)
                         .where(Candidacy.deleted.is_(False)).limit(3)).all()
    out = tmp_path / "推荐表合集.pdf"
    result = make_document(db, actor_of(db), PrintRequest("nomination", site_ids=tuple(r[0] for r in rows)), out)
    text = text_of(out)
    assert result.documents == 3 and len(PdfReader(str(out)).pages) >= 3
    for _sid, name in rows:
        assert name in text


def test_a_cancelled_batch_writes_no_file_and_allocates_no_number(db, tmp_path):
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return True

    out = tmp_path / "全部证书.pdf"
    with pytest.raises(PrintCancelled):
        make_document(db, actor_of(db), PrintRequest("certificate", all_awarded=True), out, cancel=cancel)
    assert calls and not out.exists()
    with db.sessions() as s:
        assert s.scalar(select(Certificate.id)) is None
    folder = tmp_path / "每点一份"
    with pytest.raises(PrintCancelled):
        make_document(db, actor_of(db), PrintRequest("dossier", site_ids=(own_award(db)[1],)), folder,
                      per_site=True, cancel=lambda: True)
    assert list(folder.iterdir()) == []


def test_all_awarded_certificates_in_one_pdf_one_page_each(db, tmp_path):
    out = tmp_path / "证书.pdf"
    progress = []
    result = make_document(db, actor_of(db), PrintRequest("certificate", all_awarded=True), out,
                           progress=lambda done, total: progress.append((done, total)))
    assert len(PdfReader(str(out)).pages) == result.documents == len(result.certificate_numbers)
    assert result.skipped  # awards by the city and the province wait for their certificates
    assert progress[-1] == (result.documents, result.documents)
    assert len(set(result.certificate_numbers)) == result.documents


def test_a_name_no_font_can_print_is_refused_before_printing_and_names_the_character(db, tmp_path):
    _cid, site_id, name = own_award(db)
    with db.begin() as s:
        s.get(Site, site_id).name = name + "𪚥"  # a rare character outside the bundled fonts
    out = tmp_path / "证书.pdf"
    with pytest.raises(UserError, match="U\\+2A6A5"):
        make_document(db, actor_of(db), PrintRequest("certificate", site_ids=(site_id,)), out)
    assert not out.exists()
    with db.sessions() as s:
        assert s.scalar(select(Certificate.id)) is None  # nothing issued for a print that did not happen


@pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
                    reason="zbarimg (zbar-tools) not installed")
def test_the_printed_qr_code_scans_to_the_signed_text_which_verifies(db, tmp_path):
    _cid, site_id, _name = own_award(db)
    pdf = tmp_path / "证书.pdf"
    make_document(db, actor_of(db), PrintRequest("certificate", site_ids=(site_id,)), pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(tmp_path / "page")], check=True)
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page-1.png")], check=False, capture_output=True,
                             text=True).stdout.strip()
    with db.sessions() as s:
        (cert,) = certificates.list_certificates(s)
        assert scanned == cert.payload
        assert certificates.verify_text(s, scanned).status == "valid"
        assert certificates.verify_text(s, scanned.replace("县级", "省级")).status == "altered"


def test_customary_fonts_found_on_the_pc_can_be_chosen_for_printing(tmp_path):
    from bqw_desktop.printing.fonts import BODY_FILE, FontSet, customary_fonts, fonts_dir

    folder = tmp_path / "Fonts"
    (folder / "sub").mkdir(parents=True)
    shutil.copyfile(fonts_dir() / BODY_FILE, folder / "sub" / "SIMFANG.TTF")  # stands in for 仿宋
    (folder / "notes.txt").write_text("not a font")
    found = customary_fonts([folder])
    assert [(f.label, f.path.name) for f in found] == [("仿宋", "SIMFANG.TTF")]
    fontset = FontSet.with_system_fonts(body_path=found[0].path)
    assert fontset.body != FontSet.with_system_fonts().body and fontset.fallbacks
