"""Keys in the database: registering neighbours, vouched keys, rotation."""

from __future__ import annotations

from pathlib import Path

import pytest

from bqw_desktop.errors import UserError
from bqw_desktop.exchange import PackageRefused, read_identity_card
from bqw_desktop.exchange.trust_db import DbTrustStore, known_offices
from bqw_desktop.services import exchange, sites
from bqw_desktop.services.demo.packages import copy_offices, create_offices, send
from bqw_desktop.services.offices import init_office


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


def test_fingerprint_is_shown_and_matches_the_card(tmp_path):
    db = init_office(tmp_path / "c.sqlite3", tier="county", code="430121", user="t")
    card = exchange.export_identity(db, out=tmp_path)
    with db.begin() as s:
        me = known_offices(s)[0]
    assert me.trust == "self"
    assert read_identity_card(card).fingerprint == me.fingerprint
    assert len(me.fingerprint.replace(" ", "")) == 20
    db.close()


def test_neighbour_is_registered_after_the_fingerprint_matches(tmp_path):
    city = init_office(tmp_path / "city.sqlite3", tier="city", code="430100", user="t")
    county = init_office(tmp_path / "county.sqlite3", tier="county", code="430121", user="t")
    card = exchange.export_identity(county, out=tmp_path)
    fp = read_identity_card(card).fingerprint
    with city.begin() as s:
        office = exchange.trust_identity_card(s, exchange_actor("430100"), path=card, fingerprint=fp.replace(" ", ""))
    assert office.trust == "direct" and office.fingerprint == fp
    with city.begin() as s:
        assert DbTrustStore(s).identity("430121").public_key == read_identity_card(card).public_key
    city.close()
    county.close()


def exchange_actor(code: str):
    from bqw_desktop.services.context import Actor

    return Actor("tester", code)


def test_wrong_fingerprint_is_refused_in_chinese_and_nothing_registered(tmp_path):
    city = init_office(tmp_path / "city.sqlite3", tier="city", code="430100", user="t")
    county = init_office(tmp_path / "county.sqlite3", tier="county", code="430121", user="t")
    card = exchange.export_identity(county, out=tmp_path)
    with pytest.raises(UserError, match="指纹.*不一致"), city.begin() as s:
        exchange.trust_identity_card(s, exchange_actor("430100"), path=card, fingerprint="1234 5678 9012 3456 7890")
    with city.begin() as s:
        assert [o.code for o in known_offices(s)] == ["430100"]
    city.close()
    county.close()


def test_only_a_direct_neighbour_can_be_registered(tmp_path):
    province = init_office(tmp_path / "p.sqlite3", tier="province", code="430000", user="t")
    county = init_office(tmp_path / "c.sqlite3", tier="county", code="430121", user="t")
    card = exchange.export_identity(province, out=tmp_path)
    with pytest.raises(UserError, match="不是本单位的直接上级或下级"), county.begin() as s:
        exchange.trust_identity_card(s, exchange_actor("430121"), path=card,
                                     fingerprint=read_identity_card(card).fingerprint)
    province.close()
    county.close()


def test_province_registers_a_system_office(tmp_path):
    province = init_office(tmp_path / "p.sqlite3", tier="province", code="430000", user="t")
    system = init_office(tmp_path / "s.sqlite3", tier="system", code="430000-S01", name="省直机关工委", user="t")
    card = exchange.export_identity(system, out=tmp_path)
    with province.begin() as s:
        office = exchange.trust_identity_card(s, exchange_actor("430000"), path=card,
                                              fingerprint=read_identity_card(card).fingerprint)
    assert office.code == "430000-S01" and office.trust == "direct"
    province.close()
    system.close()


def test_keys_of_further_offices_arrive_vouched_by_the_neighbour(world, tmp_path):
    send(world, "430000", "430100", tmp_path)
    send(world, "430100", "430121", tmp_path)
    with world["430121"].db.begin() as s:
        by_code = {o.code: o for o in known_offices(s)}
    assert by_code["430000"].trust == "vouched" and by_code["430000"].voucher_code == "430100"
    with world["430000"].db.begin() as s:
        province_fp = known_offices(s)[0].fingerprint
    assert by_code["430000"].fingerprint == province_fp


def test_rotation_travels_and_the_retired_key_is_refused(world, tmp_path):
    county, city = world["430121"], world["430100"]
    old_package = exchange.export_package(county.db, county.actor, to_code="430100", out=tmp_path / "old.bqw")
    new_fp = exchange.rotate_key(county.db, county.actor)
    with county.db.begin() as s:
        assert known_offices(s)[0].fingerprint == new_fp and known_offices(s)[0].rotation == 1
    report = send(world, "430121", "430100", tmp_path)
    assert report.accepted
    with city.db.begin() as s:
        county_row = next(o for o in known_offices(s) if o.code == "430121")
    assert county_row.fingerprint == new_fp and county_row.retired_keys == 1
    # A package signed with the key retired by the rotation is refused from now on.
    with pytest.raises(PackageRefused, match="已停用的旧密钥"):
        exchange.import_package(city.db, city.actor, old_package.path)


def test_records_made_before_a_rotation_still_travel(world, tmp_path):
    county = world["430121"]
    with county.db.begin() as s:
        sites.add_site(s, county.actor, name="星沙街道党工委", org_type="subdistrict")
    exchange.rotate_key(county.db, county.actor)
    report = send(world, "430121", "430100", tmp_path)
    assert report.counts["sites"]["created"] == 1


def test_interrupted_rotation_is_finished_on_the_next_signature(world, tmp_path):
    """The new key waits beside the old one until the rotation commits; a crash after the
    commit leaves it there, and the next use moves it into place."""
    import os

    from bqw_desktop.exchange.trust_db import pending_key_path
    from bqw_desktop.paths import DataFolder

    county = world["430121"]
    real_replace = os.replace
    calls = []

    def crash_once(src, dst):
        if not calls and Path(dst) == DataFolder(county.db.path).private_key:
            calls.append(src)
            raise KeyboardInterrupt("power cut")
        return real_replace(src, dst)

    os.replace = crash_once
    try:
        with pytest.raises(KeyboardInterrupt):
            exchange.rotate_key(county.db, county.actor)
    finally:
        os.replace = real_replace
    assert pending_key_path(county.db.path).exists()
    result = exchange.export_package(county.db, county.actor, to_code="430100", out=tmp_path)
    assert not pending_key_path(county.db.path).exists()
    assert DataFolder(county.db.path).private_key.exists()
    assert exchange.import_package(world["430100"].db, world["430100"].actor, result.path).accepted
