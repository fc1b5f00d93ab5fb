"""Importing packages: entitlement, scope refusals, idempotence, tombstones, conflicts, duplicates."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bqw_desktop.db.models import Candidacy, Quota, Site, Visit
from bqw_desktop.exchange import PackageContent, PackageRefused, sign_record, write_package
from bqw_desktop.exchange.outbox import next_sequence
from bqw_desktop.exchange.trust_db import own_identity, own_private_key
from bqw_desktop.services import attachments, campaigns, candidacies, exchange, records, sites, visits
from bqw_desktop.services.demo.packages import copy_offices, create_offices, send


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("offices")
    for o in create_offices(folder).values():
        o.db.close()
    return folder


@pytest.fixture
def world(template, tmp_path):
    offices = copy_offices(template, tmp_path / "w")
    yield offices
    for o in offices.values():
        o.db.close()


def dump(db) -> dict[str, list[tuple]]:
    """Every row of every table, to compare a database with itself before."""
    conn = sqlite3.connect(db.path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def add_site(office, name: str = "星沙街道党工委", **fields: Any) -> str:
    with office.db.begin() as s:
        return sites.add_site(s, office.actor, name=name, org_type=fields.pop("org_type", "subdistrict"), **fields).id


def held(office, model, record_id: str):
    with office.db.begin() as s:
        return s.get(model, record_id)


def craft(office, to_code: str, folder: Path, records_by_type: dict[str, list[dict]], *, sign_as=None) -> Path:
    """A genuine package from `office` with exactly these records (decisions signed by `sign_as`)."""
    with office.db.begin() as s:
        identity = own_identity(s)
        sequence = next_sequence(s, sender=office.code, recipient=to_code)
    key = own_private_key(office.db.path, identity)
    lines = {}
    for record_type, recs in records_by_type.items():
        lines[record_type] = [sign_record({"record": r}, sign_as or office.code, key) if sign_as else {"record": r}
                              for r in recs]
    content = PackageContent(sender=identity, recipient_code=to_code, sequence=sequence, schema_version="",
                             catalogue_version="", records=lines)
    return write_package(content, key, folder / f"crafted-{office.code}-{sequence}.bqw")


def exported(office, model, record_id: str) -> dict:
    with office.db.begin() as s:
        return records.exported(s.get(model, record_id))


def rehash(record: dict) -> dict:
    from bqw_desktop.domain.canonical import content_hash

    content = {k: v for k, v in record.items() if k not in ("version", "content_hash")}
    return record | {"content_hash": content_hash(content)}


# -- what travels where ----------------------------------------------------------------------


def test_county_records_reach_the_city_and_then_the_province(world, tmp_path):
    county = world["430121"]
    site_id = add_site(county)
    with county.db.begin() as s:
        visits.record_visit(s, county.actor, site_id=site_id, visit_date=date(2024, 5, 1), kind="guidance",
                            visitors="李华")
    report = send(world, "430121", "430100", tmp_path)
    assert report.counts["sites"]["created"] == 1 and report.counts["visits"]["created"] == 1
    assert report.names["sites"]["created"] == ["星沙街道党工委"]
    send(world, "430100", "430000", tmp_path)
    site = held(world["430000"], Site, site_id)
    assert site.owner_office == "430121" and site.name == "星沙街道党工委"
    assert site.search_key  # local cache rebuilt on arrival


def test_a_county_does_not_receive_its_sibling_sites(world, tmp_path):
    a = add_site(world["430121"])
    b = add_site(world["430111"], name="雨花亭街道党工委")
    send(world, "430121", "430100", tmp_path)
    send(world, "430111", "430100", tmp_path)
    send(world, "430100", "430121", tmp_path)
    assert held(world["430121"], Site, b) is None
    assert held(world["430100"], Site, a) is not None and held(world["430100"], Site, b) is not None


def test_upper_decisions_flow_down_only_to_the_units_concerned(world, tmp_path):
    province, city = world["430000"], world["430100"]
    with province.db.begin() as s:
        campaign = campaigns.ensure_default_campaign(s, province.actor)
        for_city = records.create(s, province.actor, Quota, campaign_id=campaign.id, level="province",
                                  unit_code="430100", seats=3).id
    send(world, "430000", "430100", tmp_path)
    with city.db.begin() as s:
        for_county = records.create(s, city.actor, Quota, campaign_id=campaign.id, level="city",
                                    unit_code="430121", seats=2).id
    send(world, "430100", "430121", tmp_path)
    send(world, "430100", "430111", tmp_path)
    assert held(city, Quota, for_city).seats == 3
    assert held(world["430121"], Quota, for_county).seats == 2
    assert held(world["430121"], Quota, for_city) is None  # the city's own allotment is not the county's
    assert held(world["430111"], Quota, for_county) is None
    # The campaign reaches every office below the province that set it up.
    from bqw_desktop.db.models import Campaign

    assert held(world["430111"], Campaign, campaign.id) is not None


def test_packages_are_cumulative_so_a_lost_one_loses_nothing(world, tmp_path):
    county, city = world["430121"], world["430100"]
    first = add_site(county, name="第一个")
    exchange.export_package(county.db, county.actor, to_code="430100", out=tmp_path)  # lost on the way
    second = add_site(county, name="第二个")
    report = send(world, "430121", "430100", tmp_path)
    assert report.status == "jump" and report.skipped == 1
    assert held(city, Site, first) is not None and held(city, Site, second) is not None


# -- idempotence, staleness, tombstones -------------------------------------------------------


def test_same_package_again_is_a_no_op(world, tmp_path):
    county, city = world["430121"], world["430100"]
    add_site(county)
    result = exchange.export_package(county.db, county.actor, to_code="430100", out=tmp_path)
    exchange.import_package(city.db, city.actor, result.path)
    before = dump(city.db)
    again = exchange.import_package(city.db, city.actor, result.path)
    assert again.status == "duplicate" and not again.changed
    assert dump(city.db) == before


def test_next_package_without_changes_changes_nothing(world, tmp_path):
    county = world["430121"]
    add_site(county)
    send(world, "430121", "430100", tmp_path)
    report = send(world, "430121", "430100", tmp_path)
    assert report.counts["sites"] == {"created": 0, "updated": 0, "unchanged": 1, "conflict": 0, "refused": 0}


def test_stale_package_is_refused(world, tmp_path):
    county, city = world["430121"], world["430100"]
    old = exchange.export_package(county.db, county.actor, to_code="430100", out=tmp_path)
    send(world, "430121", "430100", tmp_path)
    with pytest.raises(PackageRefused, match="过期"):
        exchange.import_package(city.db, city.actor, old.path)


def test_higher_version_replaces_and_tombstones_travel(world, tmp_path):
    county, city = world["430121"], world["430100"]
    site_id = add_site(county)
    send(world, "430121", "430100", tmp_path)
    with county.db.begin() as s:
        sites.update_site(s, county.actor, site_id, secretary="王芳")
    assert send(world, "430121", "430100", tmp_path).counts["sites"]["updated"] == 1
    assert held(city, Site, site_id).secretary == "王芳"
    with county.db.begin() as s:
        sites.delete_site(s, county.actor, site_id)
    send(world, "430121", "430100", tmp_path)
    assert held(city, Site, site_id).deleted


def test_an_older_copy_never_brings_a_deleted_record_back(world, tmp_path):
    county, city = world["430121"], world["430100"]
    site_id = add_site(county)
    old_copy = exported(county, Site, site_id)
    with county.db.begin() as s:
        sites.delete_site(s, county.actor, site_id)
    send(world, "430121", "430100", tmp_path)
    package = craft(county, "430100", tmp_path, {"sites": [old_copy]})
    report = exchange.import_package(city.db, city.actor, package)
    assert report.counts["sites"]["unchanged"] == 1
    assert held(city, Site, site_id).deleted


# -- scope ------------------------------------------------------------------------------------


def test_a_county_cannot_send_another_countys_records(world, tmp_path):
    county, city = world["430121"], world["430100"]
    site_id = add_site(county, name="冒名示范点")
    forged = rehash(exported(county, Site, site_id) | {"owner_office": "430111", "id": "f" * 8 + site_id[8:]})
    package = craft(county, "430100", tmp_path, {"sites": [forged]})
    before = dump(city.db)
    with pytest.raises(PackageRefused, match="无权发送.*冒名示范点"):
        exchange.import_package(city.db, city.actor, package)
    assert dump(city.db) == before


def test_a_city_cannot_send_a_county_the_sites_of_another(world, tmp_path):
    other = add_site(world["430111"], name="雨花亭街道党工委")
    send(world, "430111", "430100", tmp_path)
    package = craft(world["430100"], "430121", tmp_path, {"sites": [exported(world["430100"], Site, other)]})
    with pytest.raises(PackageRefused, match="雨花亭街道党工委.*不属于本机关的范围"):
        exchange.import_package(world["430121"].db, world["430121"].actor, package)


def test_preview_names_refused_records_and_writes_nothing(world, tmp_path):
    other = add_site(world["430111"], name="雨花亭街道党工委")
    send(world, "430111", "430100", tmp_path)
    package = craft(world["430100"], "430121", tmp_path, {"sites": [exported(world["430100"], Site, other)]})
    before = dump(world["430121"].db)
    report = exchange.preview_import(world["430121"].db, world["430121"].actor, package)
    assert not report.accepted and report.counts["sites"]["refused"] == 1
    assert "雨花亭街道党工委" in report.refused[0]
    assert dump(world["430121"].db) == before


def test_a_relay_cannot_pass_its_own_decision_off_as_the_provinces(world, tmp_path):
    province, city = world["430000"], world["430100"]
    with province.db.begin() as s:
        campaign = campaigns.ensure_default_campaign(s, province.actor)
    send(world, "430000", "430100", tmp_path)
    with city.db.begin() as s:
        quota = records.create(s, city.actor, Quota, campaign_id=campaign.id, level="city", unit_code="430121",
                               seats=9)
        fake = rehash(records.exported(quota) | {"owner_office": "430000"})
    package = craft(city, "430121", tmp_path, {"quotas": [fake]}, sign_as="430100")
    with pytest.raises(PackageRefused, match="签名机关不是其所属单位"):
        exchange.import_package(world["430121"].db, world["430121"].actor, package)


def test_a_relayed_decision_altered_on_the_way_is_refused(world, tmp_path):
    province, city = world["430000"], world["430100"]
    with province.db.begin() as s:
        campaign = campaigns.ensure_default_campaign(s, province.actor)
    send(world, "430000", "430100", tmp_path)
    send(world, "430100", "430121", tmp_path)
    with city.db.begin() as s:
        from bqw_desktop.db.models import Campaign, RecordSignature

        real = records.exported(s.get(Campaign, campaign.id))
        block = s.get(RecordSignature, ("campaigns", campaign.id)).signature
    import json

    altered = rehash(real | {"name": "篡改的批次"})
    line = {"record": altered, "signature": json.loads(block)}
    with city.db.begin() as s:
        identity = own_identity(s)
        sequence = next_sequence(s, sender="430100", recipient="430121")
    key = own_private_key(city.db.path, identity)
    content = PackageContent(sender=identity, recipient_code="430121", sequence=sequence, schema_version="",
                             catalogue_version="", records={"campaigns": [line]})
    package = write_package(content, key, tmp_path / "altered.bqw")
    with pytest.raises(PackageRefused, match="签名核验失败"):
        exchange.import_package(world["430121"].db, world["430121"].actor, package)


# -- conflicts --------------------------------------------------------------------------------


def test_same_version_with_other_content_is_a_conflict_kept_for_a_person(world, tmp_path):
    county, city = world["430121"], world["430100"]
    site_id = add_site(county)
    send(world, "430121", "430100", tmp_path)
    diverged = rehash(exported(county, Site, site_id) | {"secretary": "另一个人"})
    package = craft(county, "430100", tmp_path, {"sites": [diverged]})
    report = exchange.import_package(city.db, city.actor, package)
    assert report.counts["sites"]["conflict"] == 1
    assert held(city, Site, site_id).secretary == ""  # nothing decided by itself
    with city.db.begin() as s:
        [conflict] = exchange.list_conflicts(s)
    assert conflict.kind == "version" and conflict.site_name == "星沙街道党工委"
    assert conflict.local["secretary"] == "" and conflict.incoming["secretary"] == "另一个人"
    # The same conflicting copy again does not open a second conflict.
    exchange.import_package(city.db, city.actor, craft(county, "430100", tmp_path, {"sites": [diverged]}))
    with city.db.begin() as s:
        assert len(exchange.list_conflicts(s)) == 1
        exchange.resolve_conflict(s, city.actor, conflict.id, "incoming")
    with city.db.begin() as s:
        assert exchange.list_conflicts(s) == []
    site = held(city, Site, site_id)
    assert site.secretary == "另一个人" and site.content_hash == diverged["content_hash"]


def test_a_fork_in_a_chain_of_acts_is_a_conflict(world, tmp_path):
    county, city = world["430121"], world["430100"]
    site_id = add_site(county)
    with county.db.begin() as s:
        cand = candidacies.create_candidacy(s, county.actor, site_id=site_id, level="city").id
        candidacies.advance(s, county.actor, candidacy_id=cand, to_status="recommended")
    send(world, "430121", "430100", tmp_path)
    with city.db.begin() as s:
        candidacies.advance(s, city.actor, candidacy_id=cand, to_status="returned", reason="材料不全")
    with county.db.begin() as s:
        candidacies.advance(s, county.actor, candidacy_id=cand, to_status="withdrawn")
    report = send(world, "430121", "430100", tmp_path)
    assert [c.kind for c in report.conflicts] == ["fork"]
    assert held(city, Candidacy, cand).status == "conflict"
    down = send(world, "430100", "430121", tmp_path)
    assert [c.kind for c in down.conflicts] == ["fork"]
    with county.db.begin() as s:
        [conflict] = exchange.list_conflicts(s)
        assert "分叉" in conflict.description
        exchange.resolve_conflict(s, county.actor, conflict.id, "acknowledge")


# -- probable duplicates ----------------------------------------------------------------------


def test_arriving_site_matching_a_hand_entered_one_is_flagged_not_doubled(world, tmp_path):
    county, city = world["430121"], world["430100"]
    mine = add_site(city, name="星沙街道 党工委", region_code="430121")
    with city.db.begin() as s:
        visit = visits.record_visit(s, city.actor, site_id=mine, visit_date=date(2024, 5, 1), kind="guidance",
                                    visitors="市委组织部").id
    theirs = add_site(county, name="星沙街道党工委")
    report = send(world, "430121", "430100", tmp_path)
    assert [(d.local_site_id, d.incoming_site_id) for d in report.duplicates] == [(mine, theirs)]
    with city.db.begin() as s:
        [dup] = exchange.list_duplicates(s)
        exchange.resolve_duplicate(s, city.actor, dup.id, "merge")
    with city.db.begin() as s:
        live = s.scalars(select(Site.id).where(Site.deleted.is_(False))).all()
        assert live == [theirs]
        assert s.get(Visit, visit).site_id == theirs
        assert exchange.list_duplicates(s) == []


# -- attachments and history ------------------------------------------------------------------


def test_attachments_travel_once_and_acknowledged_ones_are_left_out(world, tmp_path):
    from bqw_desktop.paths import DataFolder

    county, city = world["430121"], world["430100"]
    site_id = add_site(county)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8" + bytes(range(256)) * 40)
    with county.db.begin() as s:
        link = attachments.attach(s, county.actor, DataFolder(county.db.path).attachments, record_type="sites",
                                  record_id=site_id, source=photo)
        sha = link.sha256
    first = exchange.export_package(county.db, county.actor, to_code="430100", out=tmp_path)
    assert first.attachment_count == 1
    exchange.import_package(city.db, city.actor, first.path)
    assert attachments.stored_path(DataFolder(city.db.path).attachments, sha).read_bytes() == photo.read_bytes()
    send(world, "430100", "430121", tmp_path)  # carries the city's acknowledgement
    again = exchange.export_package(county.db, county.actor, to_code="430100", out=tmp_path)
    assert again.attachment_count == 0 and again.counts["attachment_links"] == 1


def test_history_lists_sent_and_received_and_reports_reopen(world, tmp_path):
    county, city = world["430121"], world["430100"]
    add_site(county)
    report = send(world, "430121", "430100", tmp_path)
    with county.db.begin() as s:
        [sent] = exchange.package_history(s)
    assert (sent.direction, sent.recipient_code, sent.sequence, sent.record_count) == ("sent", "430100", 1, 1)
    with city.db.begin() as s:
        [received] = exchange.package_history(s)
        assert received.direction == "received" and received.report_id == report.report_id
        reopened = exchange.get_report(s, report.report_id)
        out = exchange.export_report(s, report.report_id, tmp_path / "report.json")
    assert reopened.counts == report.counts and reopened.describe() == report.describe()
    assert "星沙街道党工委" in out.read_text(encoding="utf-8")


def test_verify_writes_nothing(world, tmp_path):
    county, city = world["430121"], world["430100"]
    add_site(county)
    result = exchange.export_package(county.db, county.actor, to_code="430100", out=tmp_path)
    before = dump(city.db)
    summary = exchange.verify_file(city.db, result.path)
    assert summary.summary.record_counts["sites"] == 1 and "示范点 1 条" in summary.describe()
    assert dump(city.db) == before


def test_a_system_office_sends_its_sites_straight_to_the_province(tmp_path):
    from bqw_desktop.services.demo.packages import DemoOffice, register_neighbours
    from bqw_desktop.services.offices import init_office

    offices = {
        "430000": DemoOffice("430000", "province", init_office(tmp_path / "p.sqlite3", tier="province", code="430000")),
        "430000-S01": DemoOffice("430000-S01", "system", init_office(tmp_path / "s.sqlite3", tier="system",
                                                                     code="430000-S01", name="省直机关工委")),
    }
    register_neighbours(offices, tmp_path)
    site = add_site(offices["430000-S01"], name="省财政厅机关党委", org_type="organ")
    report = send(offices, "430000-S01", "430000", tmp_path)
    assert report.counts["sites"]["created"] == 1
    assert held(offices["430000"], Site, site).owner_office == "430000-S01"
    for o in offices.values():
        o.db.close()


def test_the_demo_produces_packages_between_demo_offices(tmp_path):
    from bqw_desktop.db.engine import open_database
    from bqw_desktop.services.demo.packages import demo_packages

    paths = demo_packages(tmp_path)
    assert [p.name for p in paths][:3] == ["430121_to_430100_0001.bqw", "430111_to_430100_0001.bqw",
                                           "430100_to_430000_0001.bqw"]
    province = open_database(tmp_path / "offices" / "430000.sqlite3")
    with province.begin() as s:
        names = sorted(s.scalars(select(Site.name)))
    province.close()
    assert names == ["星沙街道党工委", "雨花亭街道党工委"]


def test_a_record_whose_values_do_not_fit_or_whose_hash_lies_is_refused(world, tmp_path):
    county, city = world["430121"], world["430100"]
    site_id = add_site(county)
    record = exported(county, Site, site_id)
    bad_value = rehash(record | {"member_count": "很多"})
    with pytest.raises(PackageRefused, match="字段值无效"):
        exchange.import_package(city.db, city.actor, craft(county, "430100", tmp_path, {"sites": [bad_value]}))
    lying = record | {"secretary": "改过的"}  # content changed, hash kept
    with pytest.raises(PackageRefused, match="内容与其校验值不符"):
        exchange.import_package(city.db, city.actor, craft(county, "430100", tmp_path, {"sites": [lying]}))
    assert held(city, Site, site_id) is None
