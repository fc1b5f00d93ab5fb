"""Attachments are stored once by content hash and kept while anything refers to them."""

from __future__ import annotations

import pytest

from bqw_desktop.errors import UserError
from bqw_desktop.paths import DataFolder
from bqw_desktop.services import attachments, sites


@pytest.fixture
def site_id(county_db, county_actor):
    with county_db.begin() as s:
        return sites.add_site(s, county_actor, name="甲村", org_type="village").id


def test_same_file_is_stored_once(county_db, county_actor, site_id, tmp_path):
    store = DataFolder(county_db.path).attachments
    photo = tmp_path / "合影.jpg"
    photo.write_bytes(b"\xff\xd8photo" * 100)
    copy = tmp_path / "copy.jpg"
    copy.write_bytes(photo.read_bytes())
    with county_db.begin() as s:
        a = attachments.attach(s, county_actor, store, record_type="sites", record_id=site_id, source=photo)
        b = attachments.attach(s, county_actor, store, record_type="sites", record_id=site_id, source=copy)
        assert a.sha256 == b.sha256
        assert [link.filename for link in attachments.links_of(s, "sites", site_id)] == ["合影.jpg", "copy.jpg"]
        assert attachments.open_path(store, a).read_bytes() == photo.read_bytes()
    stored = [p for p in store.rglob("*") if p.is_file()]
    assert len(stored) == 1


def test_file_stays_until_nothing_refers_to_it(county_db, county_actor, site_id, tmp_path):
    store = DataFolder(county_db.path).attachments
    doc = tmp_path / "方案.docx"
    doc.write_bytes(b"plan")
    with county_db.begin() as s:
        first = attachments.attach(s, county_actor, store, record_type="sites", record_id=site_id, source=doc)
        second = attachments.attach(s, county_actor, store, record_type="ledger_entries", record_id="x", source=doc)
    with county_db.begin() as s:
        attachments.detach(s, county_actor, first.id)
        assert attachments.prune_unreferenced(s, store) == 0
        assert attachments.open_path(store, second).exists()
    with county_db.begin() as s:
        attachments.detach(s, county_actor, second.id)
        assert attachments.prune_unreferenced(s, store) == 1
    assert not any(p.is_file() for p in store.rglob("*"))


def test_oversized_and_unreadable_files_are_refused(county_db, tmp_path):
    store = DataFolder(county_db.path).attachments
    big = tmp_path / "big.bin"
    big.write_bytes(b"0" * 2048)
    with pytest.raises(UserError, match="超过上限"):
        attachments.store_file(store, big, max_bytes=1024)
    with pytest.raises(UserError, match="无法读取"):
        attachments.store_file(store, tmp_path / "missing.pdf")
    with pytest.raises(UserError, match="不是文件"):
        attachments.store_file(store, tmp_path)
