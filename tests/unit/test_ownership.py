"""The ownership rule: only the owner changes a record; deletions are tombstones; every write is audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bqw_desktop.db.models import AuditEntry, Site
from bqw_desktop.errors import OwnershipError, UserError
from bqw_desktop.services import audit, records, sites
from bqw_desktop.services.context import Actor


def add_village(db, actor, name="白沙村党总支"):
    with db.begin() as s:
        return sites.add_site(s, actor, name=name, org_type="village").id


def test_owner_edits_bump_version_and_hash(county_db, county_actor):
    site_id = add_village(county_db, county_actor)
    with county_db.begin() as s:
        before = s.get(Site, site_id)
        old_hash = before.content_hash
        sites.update_site(s, county_actor, site_id, secretary="李玥")
    with county_db.begin() as s:
        site = s.get(Site, site_id)
        assert site.version == 2
        assert site.content_hash != old_hash
        assert site.content_hash == records.hash_of(site)


def test_edit_to_same_values_changes_nothing(county_db, county_actor):
    site_id = add_village(county_db, county_actor)
    with county_db.begin() as s:
        sites.update_site(s, county_actor, site_id, name="白沙村党总支")
    with county_db.begin() as s:
        assert s.get(Site, site_id).version == 1


def test_service_refuses_non_owner(county_db, county_actor):
    site_id = add_village(county_db, county_actor)
    stranger = Actor(user="city clerk", office_code="430100")
    with pytest.raises(OwnershipError, match="430121"), county_db.begin() as s:
        sites.update_site(s, stranger, site_id, secretary="王五")
    with county_db.begin() as s:
        assert s.get(Site, site_id).secretary == ""


def test_flush_guard_refuses_a_change_that_skips_the_service(county_db, county_actor):
    """A record owned by another office, changed directly, is refused at flush."""
    with county_db.begin() as s:
        s.info["merging"] = True  # as a package merge would bring it in
        foreign = Site(id="11111111-1111-1111-1111-111111111111", owner_office="430100",
                       name="市直机关党委", org_type="organ", region_code="430100")
        s.add(foreign)
    with pytest.raises(OwnershipError), county_db.begin() as s:
        s.get(Site, foreign.id).name = "改名"
    with county_db.begin() as s:
        assert s.get(Site, foreign.id).name == "市直机关党委"


def test_delete_is_a_tombstone(county_db, county_actor):
    site_id = add_village(county_db, county_actor)
    with county_db.begin() as s:
        sites.delete_site(s, county_actor, site_id, reason="重复登记")
    with county_db.begin() as s:
        row = s.get(Site, site_id)
        assert row.deleted and row.version == 2
        assert [r.id for r in sites.list_sites(s)] == []
        with pytest.raises(UserError, match="已被删除"):
            sites.get_site(s, site_id)


def test_rows_cannot_be_removed_outright(county_db, county_actor):
    site_id = add_village(county_db, county_actor)
    with pytest.raises(OwnershipError), county_db.begin() as s:
        s.delete(s.get(Site, site_id))


def test_every_write_is_audited_with_before_and_after(county_db, county_actor):
    site_id = add_village(county_db, county_actor)
    with county_db.begin() as s:
        sites.update_site(s, county_actor, site_id, secretary="张三")
        sites.delete_site(s, county_actor, site_id)
    with county_db.begin() as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.record_id == site_id).order_by(AuditEntry.seq)))
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert all(e.actor == "tester" and e.office == "430121" for e in entries)
    change = json.loads(entries[1].summary)
    assert change == {"before": {"secretary": ""}, "after": {"secretary": "张三"}}


def test_audit_chain_detects_tampering(county_db, county_actor):
    add_village(county_db, county_actor, "甲村")
    add_village(county_db, county_actor, "乙村")
    with county_db.begin() as s:
        assert audit.verify_chain(s) == []
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        entry.summary = "{}"
    with county_db.begin() as s:
        assert any("被改动" in p for p in audit.verify_chain(s))


def test_failed_write_leaves_nothing(county_db, county_actor):
    with pytest.raises(UserError), county_db.begin() as s:
        sites.add_site(s, county_actor, name="好村", org_type="village")
        sites.add_site(s, county_actor, name="", org_type="village")
    with county_db.begin() as s:
        assert sites.list_sites(s) == []
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "create")) is None


def test_local_caches_of_another_offices_record_may_be_refreshed(county_db):
    """A derived cache (search key, progress) is this machine's, whoever owns the record."""
    with county_db.begin() as s:
        s.info["merging"] = True
        s.add(Site(id="22222222-2222-2222-2222-222222222222", owner_office="430100",
                   name="市直机关党委", org_type="organ", region_code="430100"))
    with county_db.begin() as s:
        s.get(Site, "22222222-2222-2222-2222-222222222222").ticks_met = 3
    with county_db.begin() as s:
        assert s.get(Site, "22222222-2222-2222-2222-222222222222").ticks_met == 3
