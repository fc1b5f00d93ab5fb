"""The demo's known offices, plaque certificates and ledger attachments: what a user checks
in the keys list, the certificate verify dialog, the print dialog and the ledger tab."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import subprocess
import sys
import zlib
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bqw_desktop.db.engine import open_database
from bqw_desktop.db.models import (
    Attachment,
    AttachmentLink,
    Candidacy,
    Certificate,
    LedgerEntry,
    Office,
    OfficeKey,
    Transition,
)
from bqw_desktop.domain.lifecycle import PLAQUE_STATUSES, Status
from bqw_desktop.exchange import keys
from bqw_desktop.exchange.trust_db import known_offices, own_identity, own_private_key
from bqw_desktop.paths import DataFolder
from bqw_desktop.services import attachments, candidacies, certificates, checks, ledger
from bqw_desktop.services.context import Actor
from bqw_desktop.services.demo import create_demo
from bqw_desktop.services.demo.records import record_owners

TODAY = date(2025, 6, 15)
NUMBER = re.compile(r"^(?P<office>\d{6}(?:-S\d{2})?)-(?P<year>\d{4})-(?P<serial>\d{4})$")


@pytest.fixture(scope="module")
def county_demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("records") / "county.sqlite3"
    create_demo(path, scale="county", today=TODAY)
    return path


@pytest.fixture(scope="module")
def city_demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("records") / "city.sqlite3"
    create_demo(path, scale="city", today=TODAY)
    return path


@pytest.fixture(params=["county", "city"])
def demo(request, county_demo, city_demo) -> Path:
    return county_demo if request.param == "county" else city_demo


def session_of(path: Path):
    db = open_database(path)
    return db, db.sessions()


# --- known offices --------------------------------------------------------------------------


def test_county_demo_knows_its_city_directly_and_the_province_through_it(county_demo):
    db, s = session_of(county_demo)
    with s:
        known = {o.code: o for o in known_offices(s)}
        assert known["430121"].trust == "self"
        assert (known["430100"].name, known["430100"].tier, known["430100"].trust) == ("长沙市委组织部", "city", "direct")
        province = known["430000"]
        assert (province.name, province.tier, province.parent_code) == ("湖南省委组织部", "province", None)
        assert (province.trust, province.voucher_code) == ("vouched", "430100")
        # Screens name the offices that decided a step instead of showing their codes.
        assert candidacies.office_name(s, "430100") == "长沙市委组织部"
    db.close()


def test_city_demo_knows_its_counties_and_province_directly_others_vouched(city_demo):
    db, s = session_of(city_demo)
    with s:
        known = {o.code: o for o in known_offices(s)}
        assert known["430121"].trust == "direct" and known["430121"].name == "长沙县委组织部"
        assert known["430121"].parent_code == "430100"
        assert known["430000"].trust == "direct"
        assert known["430200"].trust == "vouched" and known["430200"].voucher_code == "430000"
    db.close()


def test_every_office_owning_a_record_is_known_with_one_current_key(demo):
    db, s = session_of(demo)
    with s:
        owners = record_owners(s.connection())
        offices = {o.code: o for o in s.scalars(select(Office))}
        assert owners <= set(offices)
        for code, office in offices.items():
            if office.is_self:
                continue
            [key] = s.scalars(select(OfficeKey).where(OfficeKey.office_code == code)).all()
            assert key.public_key == office.public_key and not key.retired
            assert office.fingerprint == keys.fingerprint(office.public_key)
            assert key.source == office.trust
            if office.trust == "vouched":  # a vouch counts only from a directly registered office
                assert offices[key.voucher_code].trust == "direct"
        assert len({o.public_key for o in offices.values()}) == len(offices)
    db.close()


# --- certificates ---------------------------------------------------------------------------


def plaque_candidacies(s) -> list[Candidacy]:
    return list(s.scalars(select(Candidacy).where(Candidacy.status.in_([str(x) for x in PLAQUE_STATUSES]))))


def test_every_plaque_has_one_current_certificate_that_verifies(demo):
    db, s = session_of(demo)
    with s:
        plaques = plaque_candidacies(s)
        assert plaques
        live = defaultdict(list)
        for cert in s.scalars(select(Certificate).where(Certificate.revoked.is_(False))):
            live[cert.candidacy_id].append(cert)
        assert set(live) == {c.id for c in plaques}
        for cand in plaques:
            [cert] = live[cand.id]
            award = certificates.award_of(s, cand.id)
            assert (cert.transition_id, cert.owner_office, cert.award_date) == (
                award.transition_id, award.office_code, award.acted_on)
            assert cert.site_name == award.site_name and cert.level == cand.level
            result = certificates.verify_text(s, cert.payload)
            assert result.status == "valid", (cert.number, result.message)
    db.close()


def test_revoked_certificates_say_so_and_name_the_replacement(demo):
    db, s = session_of(demo)
    with s:
        revoked = list(s.scalars(select(Certificate).where(Certificate.revoked.is_(True))))
        assert revoked
        for cert in revoked:
            assert cert.revoked_reason and cert.version == 2
            result = certificates.verify_text(s, cert.payload)
            assert result.status == "revoked" and result.exit_code == 3
            assert cert.revoked_reason in result.message
            cand = s.get(Candidacy, cert.candidacy_id)
            if cand.status in PLAQUE_STATUSES:  # replaced: the new number is named
                [newer] = s.scalars(select(Certificate.number).where(
                    Certificate.transition_id == cert.transition_id, Certificate.revoked.is_(False))).all()
                assert f"已换发新证书（编号 {newer}）" in result.message
            else:
                assert cand.status == Status.ELIMINATED
        # An altered name fails whoever issued it.
        cert = s.scalars(select(Certificate).where(Certificate.revoked.is_(False))).first()
        forged = cert.payload.replace(cert.site_name, cert.site_name + "（伪）")
        assert certificates.verify_text(s, forged).status == "altered"
    db.close()


def test_numbers_are_unique_and_count_from_0001_per_office_and_year(demo):
    db, s = session_of(demo)
    with s:
        rows = s.execute(select(Certificate.number, Certificate.owner_office, Certificate.award_date,
                                Certificate.revoked)).all()
        serials = defaultdict(list)
        for number, owner, award_date, _ in rows:
            found = NUMBER.match(number)
            assert found and found["office"] == owner and int(found["year"]) == award_date.year
            serials[(owner, award_date.year)].append(int(found["serial"]))
        assert len({r.number for r in rows}) == len(rows)
        for used in serials.values():
            assert sorted(used) == list(range(1, len(used) + 1))
        # Awards of upper offices carry their numbers too, not only this office's.
        assert len({owner for owner, _ in serials}) >= 2
    db.close()


def test_printing_uses_the_demo_numbers_without_issuing_new_ones(county_demo):
    db, s = session_of(county_demo)
    with s:
        plaques = plaque_candidacies(s)
        count = len(s.scalars(select(Certificate.id)).all())
        data = certificates.award_data(s, Actor(user="演示", office_code="430121"),
                                       candidacy_ids=[c.id for c in plaques], db_path=county_demo)
        live = set(s.scalars(select(Certificate.number).where(Certificate.revoked.is_(False))))
        assert {d.certificate_no for d in data} == live
        assert len(s.scalars(select(Certificate.id)).all()) == count
        s.rollback()
    db.close()


def test_own_awards_are_signed_with_the_office_key_exactly_as_issuing_signs_them(county_demo):
    db, s = session_of(county_demo)
    with s:
        private = own_private_key(county_demo, own_identity(s))
        own = list(s.scalars(select(Certificate).where(Certificate.owner_office == "430121")))
        assert own
        for cert in own:  # Ed25519 signatures are deterministic: the same key gives the same text
            assert cert.payload == certificates.sign_payload(
                private, number=cert.number, site_name=cert.site_name, level=cert.level,
                award_date=cert.award_date, issuer="430121")
    db.close()
    db.close()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bqw_desktop", *args], capture_output=True, text=True, check=False)


def test_verify_command_exits_0_for_a_current_award_and_3_for_a_revoked_one(county_demo):
    db, s = session_of(county_demo)
    with s:
        current = s.scalar(select(Certificate.payload).where(Certificate.revoked.is_(False),
                                                             Certificate.owner_office == "430100"))
        revoked = s.scalar(select(Certificate.payload).where(Certificate.revoked.is_(True)))
    db.close()
    ok = run_cli("certificate", "verify", "--db", str(county_demo), current)
    assert ok.returncode == 0, ok.stderr
    assert "证书真实有效" in ok.stdout + ok.stderr
    gone = run_cli("certificate", "verify", "--db", str(county_demo), revoked)
    assert gone.returncode == 3, gone.stderr
    assert "已作废" in gone.stdout + gone.stderr


# --- attachments ----------------------------------------------------------------------------


def test_some_ledger_entries_have_stored_files_the_ledger_lists_and_opens(demo, tmp_path):
    db, s = session_of(demo)
    store = DataFolder(demo).attachments
    with s:
        entries = len(s.scalars(select(LedgerEntry.id)).all())
        links = list(s.scalars(select(AttachmentLink)))
        attached = Counter(link.record_id for link in links)
        assert 0.02 * entries <= len(attached) <= min(400, 0.08 * entries)
        assert set(attached.values()) <= {1, 2}
        assert all(link.record_type == ledger.RECORD_TYPE for link in links)
        stored = {a.sha256: a for a in s.scalars(select(Attachment))}
        assert {link.sha256 for link in links} == set(stored)
        assert len(stored) < len(links)  # the same file linked twice is stored once
        for sha, row in stored.items():
            content = attachments.stored_path(store, sha).read_bytes()
            assert hashlib.sha256(content).hexdigest() == sha and len(content) == row.size
        # The ledger tab's rows count the files; each opens as a copy under its own name.
        entry_id, _ = attached.most_common(1)[0]
        site_id = s.get(LedgerEntry, entry_id).site_id
        [row] = [r for r in ledger.entries_of(s, site_id) if r.id == entry_id]
        assert row.attachments == attached[entry_id]
        for link in ledger.entry_attachments(s, entry_id):
            copy = attachments.export_copy(store, link, tmp_path)
            assert copy.name == link.filename
            assert hashlib.sha256(copy.read_bytes()).hexdigest() == link.sha256
        owners = {link.owner_office: s.get(LedgerEntry, link.record_id).owner_office for link in links}
        assert all(mine == theirs for mine, theirs in owners.items())
    db.close()


def png_size(content: bytes) -> tuple[int, int]:
    assert content.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", content[16:24])
    return width, height


def test_minutes_are_readable_pdfs_and_photos_real_pngs(county_demo):
    db, s = session_of(county_demo)
    store = DataFolder(county_demo).attachments
    with s:
        by_media = defaultdict(list)
        for a in s.scalars(select(Attachment)):
            by_media[a.media_type].append(attachments.stored_path(store, a.sha256).read_bytes())
        names = set(s.scalars(select(AttachmentLink.filename)))
    db.close()
    assert set(by_media) == {"application/pdf", "image/png"}
    texts = ["".join(page.extract_text() for page in PdfReader(io.BytesIO(c)).pages) for c in by_media["application/pdf"]]
    assert any("会议记录" in t and "会议内容" in t for t in texts)
    assert any(name.endswith("会议记录.pdf") for name in names)
    for content in by_media["image/png"]:
        width, height = png_size(content)
        assert (width, height) == (240, 160)
        idat = content[content.index(b"IDAT") + 4:content.index(b"IEND") - 8]
        assert len(zlib.decompress(idat)) == height * (1 + 3 * width)


# --- soundness and determinism --------------------------------------------------------------


def test_demo_still_passes_the_integrity_check(demo):
    assert checks.run_all(demo) == []


def fingerprint_of(path: Path) -> dict:
    db, s = session_of(path)
    with s:
        out = {
            "certificates": sorted(s.execute(select(Certificate.number, Certificate.site_name, Certificate.level,
                                                    Certificate.award_date, Certificate.revoked)).all()),
            "offices": sorted(s.execute(select(Office.code, Office.name, Office.tier, Office.trust)).all()),
            "links": sorted(s.execute(select(AttachmentLink.record_id, AttachmentLink.filename,
                                             AttachmentLink.sha256)).all()),
            "transitions": len(s.scalars(select(Transition.id)).all()),
        }
    db.close()
    return out


def test_same_seed_and_day_give_the_same_offices_numbers_and_files(tmp_path, county_demo):
    again = tmp_path / "again.sqlite3"
    report = create_demo(again, scale="county", today=TODAY)
    first = fingerprint_of(county_demo)
    assert fingerprint_of(again) == first
    assert report.counts["certificates"] == len(first["certificates"])
    assert report.counts["attachment_links"] == len(first["links"])
