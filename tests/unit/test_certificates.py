"""Certificate numbers, the signed QR record, and verification of genuine, altered and revoked ones."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bqw_desktop.db.models import Certificate, Office
from bqw_desktop.domain.vocab import Level
from bqw_desktop.errors import OwnershipError, UserError
from bqw_desktop.exchange import keys
from bqw_desktop.services import campaigns, candidacies, certificates, sites
from bqw_desktop.services.certificates import parse_payload, sign_payload, verify_text
from bqw_desktop.services.context import Actor

COUNTY, CITY = "430121", "430100"
AFTER_CREATION = date(2012, 6, 28)
IN_CREATION = date(2012, 3, 1)


def actor(code: str) -> Actor:
    return Actor(user=f"clerk-{code}", office_code=code)


def awarded(db, name: str, *, on: date = AFTER_CREATION) -> str:
    """A county-level candidacy of a new site, taken by the county all the way to its plaque."""
    a = actor(COUNTY)
    with db.begin() as s:
        campaigns.ensure_default_campaign(s, a)
        site = sites.add_site(s, a, name=name, org_type="village")
        cid = candidacies.create_candidacy(s, a, site_id=site.id, level=Level.COUNTY).id
    for to, today in (("approved", IN_CREATION), ("creating", IN_CREATION), ("passed", on), ("awarded", on)):
        with db.begin() as s:
            candidacies.advance(s, a, candidacy_id=cid, to_status=to, today=today)
    return cid


def issue(db, cid: str) -> Certificate:
    with db.begin() as s:
        cert = certificates.issue(s, actor(COUNTY), candidacy_id=cid, db_path=db.path)
        s.expunge(cert)
        return cert


def verify(db, text: str) -> certificates.Verification:
    with db.sessions() as s:
        return verify_text(s, text)


def test_numbers_carry_the_office_code_and_year_and_a_reprint_keeps_its_number(county_db):
    first, second = awarded(county_db, "黄花村党总支"), awarded(county_db, "白沙村党支部")
    a, again, b = issue(county_db, first), issue(county_db, first), issue(county_db, second)
    assert (a.number, again.number, b.number) == ("430121-2012-0001", "430121-2012-0001", "430121-2012-0002")
    assert a.site_name == "长沙县黄花村党总支"  # led by the county, as the certificate prints it
    assert a.award_date == AFTER_CREATION and a.owner_office == COUNTY


def test_a_revoked_number_is_never_given_again_and_the_old_certificate_says_so(county_db):
    cid = awarded(county_db, "黄花村党总支")
    old = issue(county_db, cid)
    with county_db.begin() as s:
        certificates.revoke(s, actor(COUNTY), number=old.number, reason="单位更名，换发新证")
    new = issue(county_db, cid)
    assert new.number == "430121-2012-0002"
    result = verify(county_db, old.payload)
    assert (result.status, result.exit_code) == ("revoked", 3)
    assert "已作废" in result.message and new.number in result.message and "单位更名" in result.message
    assert verify(county_db, new.payload).status == "valid"


def test_the_payload_is_short_plain_text_and_a_genuine_one_verifies_naming_site_level_and_date(county_db):
    cert = issue(county_db, awarded(county_db, "黄花村党总支"))
    lines = cert.payload.splitlines()
    assert lines[:6] == ["创先争优活动示范点证书", "编号 430121-2012-0001", "单位 长沙县黄花村党总支", "级别 县级",
                         "授牌 2012-06-28", "签发 430121"]
    assert lines[6].startswith("签名 ") and len(cert.payload.encode()) < 300
    result = verify(county_db, cert.payload)
    assert (result.status, result.ok, result.exit_code) == ("valid", True, 0)
    for part in ("长沙县黄花村党总支", "县级示范点", "二〇一二年六月", "430121-2012-0001", "已授牌"):
        assert part in result.message, part


def test_pasted_text_with_other_line_breaks_and_spaces_still_verifies(county_db):
    cert = issue(county_db, awarded(county_db, "黄花村党总支"))
    assert verify(county_db, cert.payload.replace("\n", "\r\n")).status == "valid"
    assert verify(county_db, "  " + cert.payload.replace("\n", " ") + "\n").status == "valid"


@pytest.mark.parametrize(("old", "new", "field"), [
    ("级别 县级", "级别 省级", "级别"),
    ("单位 长沙县黄花村党总支", "单位 长沙县黄花村党委", "单位名称"),
    ("授牌 2012-06-28", "授牌 2011-06-28", "授牌日期"),
])
def test_an_altered_field_fails_and_is_named(county_db, old, new, field):
    cert = issue(county_db, awarded(county_db, "黄花村党总支"))
    result = verify(county_db, cert.payload.replace(old, new))
    assert (result.status, result.ok, result.exit_code) == ("altered", False, 2)
    assert field in result.message and "签名无效" in result.message


def test_a_forged_signature_and_garbage_are_refused(county_db):
    cid = awarded(county_db, "黄花村党总支")
    with county_db.sessions() as s:
        award = certificates.award_of(s, cid)
    forged = sign_payload(keys.generate_keypair(), number="430121-2012-0009", site_name=award.site_name,
                   level=Level.COUNTY, award_date=award.acted_on, issuer=COUNTY)
    result = verify(county_db, forged)
    assert result.status == "altered" and "签名无效" in result.message
    assert verify(county_db, "http://example.com/fake").status == "altered"
    cert = issue(county_db, cid)
    truncated = cert.payload[: cert.payload.index("签名") + 10]
    assert verify(county_db, truncated).status == "altered"


def test_an_office_cannot_award_above_its_tier_even_with_its_own_key(county_db):
    cid = awarded(county_db, "黄花村党总支")
    cert = issue(county_db, cid)
    from bqw_desktop.exchange.trust_db import own_identity, own_private_key

    with county_db.sessions() as s:
        private = own_private_key(county_db.path, own_identity(s))
    upgraded = sign_payload(private, number=cert.number, site_name=cert.site_name, level=Level.PROVINCE,
                     award_date=cert.award_date, issuer=COUNTY)
    result = verify(county_db, upgraded)
    assert result.status == "altered" and "无权授予省级示范点" in result.message


def test_an_award_later_eliminated_or_reversed_no_longer_verifies(county_db):
    cid = awarded(county_db, "黄花村党总支")
    cert = issue(county_db, cid)
    with county_db.begin() as s:
        candidacies.advance(s, actor(COUNTY), candidacy_id=cid, to_status="eliminated", reason="复评不合格",
                            today=date(2014, 6, 30))
    result = verify(county_db, cert.payload)
    assert result.status == "revoked" and "已淘汰" in result.message

    other = awarded(county_db, "白沙村党支部")
    cert2 = issue(county_db, other)
    with county_db.begin() as s:
        award = certificates.award_of(s, other)
        candidacies.reverse(s, actor(COUNTY), transition_id=award.transition_id, reason="误操作")
    result = verify(county_db, cert2.payload)
    assert result.status == "revoked" and "撤回" in result.message


def test_another_office_verifies_once_it_knows_the_issuers_key(county_db, city_db):
    cert = issue(county_db, awarded(county_db, "黄花村党总支"))
    result = verify(city_db, cert.payload)
    assert (result.status, result.exit_code) == ("unknown_issuer", 4) and "430121" in result.message
    with county_db.sessions() as s:
        county = s.scalar(select(Office).where(Office.code == COUNTY))
        public, fingerprint = county.public_key, county.fingerprint
    with city_db.begin() as s:
        s.add(Office(code=COUNTY, name="长沙县委组织部", tier="county", parent_code=CITY, public_key=public,
                     fingerprint=fingerprint, is_self=False, trust="direct"))
    result = verify(city_db, cert.payload)
    assert (result.status, result.ok) == ("unconfirmed", True)
    assert "签名有效" in result.message and "无法确认" in result.message
    assert verify(city_db, cert.payload.replace("级别 县级", "级别 市级")).status == "altered"


def test_no_certificate_without_a_plaque_nor_for_another_offices_award(county_db):
    a = actor(COUNTY)
    with county_db.begin() as s:
        campaigns.ensure_default_campaign(s, a)
        site = sites.add_site(s, a, name="开慧村党支部", org_type="village")
        cid = candidacies.create_candidacy(s, a, site_id=site.id, level=Level.COUNTY).id
    with pytest.raises(UserError, match="已申报.*不能打印证书"):
        issue(county_db, cid)
    awarded_cid = awarded(county_db, "黄花村党总支")
    with county_db.begin() as s, pytest.raises(UserError, match="授牌由长沙县委组织部作出"):
        certificates.issue(s, actor(CITY), candidacy_id=awarded_cid, db_path=county_db.path)
    with county_db.begin() as s:
        assert s.scalar(select(Certificate.id)) is None


def test_only_the_issuing_office_revokes_and_a_reason_is_required(county_db):
    cert = issue(county_db, awarded(county_db, "黄花村党总支"))
    with county_db.begin() as s, pytest.raises(UserError, match="原因"):
        certificates.revoke(s, actor(COUNTY), number=cert.number, reason=" ")
    with county_db.begin() as s, pytest.raises(OwnershipError):
        certificates.revoke(s, actor(CITY), number=cert.number, reason="越权")


def test_parse_payload_reads_the_fields_back(county_db):
    cert = issue(county_db, awarded(county_db, "黄花村党总支"))
    parsed = parse_payload(cert.payload)
    assert parsed is not None
    assert (parsed.number, parsed.level, parsed.issuer, parsed.award_date) == (
        cert.number, Level.COUNTY, COUNTY, AFTER_CREATION)
    assert parsed.text() == cert.payload
    assert parse_payload("创先争优活动示范点证书\n编号 1") is None


def test_the_certificate_table_travels_as_an_owned_record():
    from bqw_desktop.db.models import OWNED_MODELS

    assert OWNED_MODELS["certificates"] is Certificate
