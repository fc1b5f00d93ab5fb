"""Office keys, fingerprints, identity cards, signed decisions and the trust rules."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat

import pytest

from bqw_desktop.errors import UserError
from bqw_desktop.exchange import (
    MemoryTrustStore,
    OfficeIdentity,
    PackageRefused,
    canonical_json,
    content_hash,
    current_key,
    export_identity_card,
    fingerprint,
    generate_keypair,
    load_private_key,
    make_rotation,
    make_vouch,
    public_key_bytes,
    read_identity_card,
    save_private_key,
    sign,
    sign_record,
    verify,
    verify_record,
)


def office(code: str, name: str, tier: str, parent: str | None, key) -> OfficeIdentity:
    return OfficeIdentity(code, name, tier, parent, public_key_bytes(key.public_key()))


@pytest.fixture
def province_key():
    return generate_keypair()


@pytest.fixture
def city_key():
    return generate_keypair()


@pytest.fixture
def province(province_key) -> OfficeIdentity:
    return office("430000", "湖南省委组织部", "province", None, province_key)


@pytest.fixture
def city(city_key) -> OfficeIdentity:
    return office("430100", "长沙市委组织部", "city", "430000", city_key)


# -- canonical JSON ------------------------------------------------------------------------


def test_canonical_json_is_sorted_compact_utf8():
    assert canonical_json({"b": 1, "a": ["中", None, True]}) == '{"a":["中",null,true],"b":1}'.encode()


def test_content_hash_is_sha256_of_canonical_bytes_whatever_the_key_order():
    expected = hashlib.sha256('{"a":"示范点","b":2}'.encode()).hexdigest()
    assert content_hash({"b": 2, "a": "示范点"}) == expected
    assert content_hash({"a": "示范点", "b": 2}) == expected


def test_canonical_json_refuses_nan():
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


# -- keys ----------------------------------------------------------------------------------


def test_fingerprint_is_five_groups_of_four_digits_and_stable(city):
    fp = fingerprint(city.public_key)
    assert re.fullmatch(r"\d{4}( \d{4}){4}", fp)
    assert fp == fingerprint(city.public_key) == city.fingerprint


def test_fingerprints_of_different_keys_differ():
    fps = {fingerprint(public_key_bytes(generate_keypair().public_key())) for _ in range(50)}
    assert len(fps) == 50


def test_private_key_saved_with_owner_only_mode_and_loads_back(tmp_path, city_key):
    path = tmp_path / "office.key"
    save_private_key(path, city_key)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_private_key(path)
    assert public_key_bytes(loaded.public_key()) == public_key_bytes(city_key.public_key())
    assert [p.name for p in tmp_path.iterdir()] == ["office.key"]  # no temp file left


def test_saving_again_replaces_the_key(tmp_path, city_key):
    path = tmp_path / "office.key"
    save_private_key(path, city_key)
    other = generate_keypair()
    save_private_key(path, other)
    assert public_key_bytes(load_private_key(path).public_key()) == public_key_bytes(other.public_key())


def test_damaged_or_missing_key_file_is_a_user_error(tmp_path):
    bad = tmp_path / "office.key"
    bad.write_bytes(b"-----BEGIN PRIVATE KEY-----\nnot a key\n")
    with pytest.raises(UserError, match="密钥文件"):
        load_private_key(bad)
    with pytest.raises(UserError, match="无法读取"):
        load_private_key(tmp_path / "missing.key")


def test_sign_and_verify(city_key, city):
    sig = sign(city_key, b"data")
    assert verify(city.public_key, b"data", sig)
    assert not verify(city.public_key, b"datA", sig)
    assert not verify(public_key_bytes(generate_keypair().public_key()), b"data", sig)
    assert not verify(city.public_key, b"data", sig[:-1])
    assert not verify(b"short", b"data", sig)


# -- identity cards ------------------------------------------------------------------------


def test_identity_card_round_trip(tmp_path, city, city_key):
    path = export_identity_card(city, city_key, tmp_path / "430100.json")
    assert read_identity_card(path) == city
    assert city.fingerprint in path.read_text(encoding="utf-8")


def test_identity_card_with_changed_name_is_refused(tmp_path, city, city_key):
    path = export_identity_card(city, city_key, tmp_path / "card.json")
    card = json.loads(path.read_text(encoding="utf-8"))
    card["identity"]["name"] = "假冒的组织部"
    path.write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PackageRefused, match="签名无效"):
        read_identity_card(path)


def test_identity_card_with_swapped_key_is_refused(tmp_path, city, city_key):
    path = export_identity_card(city, city_key, tmp_path / "card.json")
    card = json.loads(path.read_text(encoding="utf-8"))
    other = office("430100", city.name, "city", "430000", generate_keypair())
    card["identity"]["public_key"] = other.to_dict()["public_key"]
    path.write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PackageRefused, match="签名无效"):
        read_identity_card(path)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xff\xfe garbage", "不是有效的 JSON"),
        (b"[1, 2]", "不是本系统的机关身份卡"),
        (b'{"kind": "bqw-identity-card", "format": 9}', "升级"),
        (b'{"kind": "bqw-identity-card", "format": 1, "identity": {"code": "../x"}}', "机关代码"),
        (b" " * 70_000, "过大"),
    ],
)
def test_hostile_identity_cards_are_refused(tmp_path, content, words):
    path = tmp_path / "card.json"
    path.write_bytes(content)
    with pytest.raises(PackageRefused, match=words):
        read_identity_card(path)


def test_identity_card_with_unknown_tier_is_refused(tmp_path, city, city_key):
    path = export_identity_card(city, city_key, tmp_path / "card.json")
    card = json.loads(path.read_text(encoding="utf-8"))
    card["identity"]["tier"] = "emperor"
    path.write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(PackageRefused, match="层级"):
        read_identity_card(path)


# -- signed decisions ----------------------------------------------------------------------

AWARD = {"type": "award", "id": "a-1", "site": "430121-00001", "level": "province", "year": 2011}


def test_signed_decision_verifies_and_names_its_office(province, province_key):
    trust = MemoryTrustStore()
    trust.register(province)
    signed = sign_record(AWARD, "430000", province_key)
    assert signed["signature"]["office"] == "430000"
    assert verify_record(signed, trust, office="430000") == "430000"
    assert AWARD.get("signature") is None  # the original is untouched


def test_altered_decision_is_refused(province, province_key):
    trust = MemoryTrustStore()
    trust.register(province)
    signed = sign_record(AWARD, "430000", province_key)
    signed["level"] = "city"
    with pytest.raises(PackageRefused, match="award a-1.*签名核验失败"):
        verify_record(signed, trust)


def test_decision_forged_with_another_key_is_refused(province, city, city_key):
    trust = MemoryTrustStore()
    trust.register(province)
    trust.register(city)
    forged = sign_record(AWARD, "430000", city_key)  # the city pretends to be the province
    with pytest.raises(PackageRefused, match="不是机关 430000 已知的密钥"):
        verify_record(forged, trust)


def test_decision_by_the_wrong_office_is_refused(city, city_key):
    trust = MemoryTrustStore()
    trust.register(city)
    signed = sign_record(AWARD, "430100", city_key)
    with pytest.raises(PackageRefused, match="应由机关 430000 签发"):
        verify_record(signed, trust, office="430000")


def test_unsigned_decision_and_unknown_office_are_refused(province_key):
    trust = MemoryTrustStore()
    with pytest.raises(PackageRefused, match="缺少签发机关的签名"):
        verify_record(AWARD, trust)
    with pytest.raises(PackageRefused, match="未登记的机关 430000"):
        verify_record(sign_record(AWARD, "430000", province_key), trust)


def test_decision_signed_before_a_rotation_still_verifies(province, province_key):
    trust = MemoryTrustStore()
    trust.register(province)
    signed = sign_record(AWARD, "430000", province_key)
    new_key = generate_keypair()
    trust.apply_rotation(
        make_rotation(office_code="430000", sequence=1, old_key=province_key, new_key=new_key)
    )
    assert current_key(trust, "430000").public_key == public_key_bytes(new_key.public_key())
    assert verify_record(signed, trust) == "430000"


# -- trust rules ---------------------------------------------------------------------------


def test_rotation_needs_both_signatures(province_key):
    rot = make_rotation(office_code="430000", sequence=1, old_key=province_key, new_key=generate_keypair())
    assert rot.is_valid()
    other = make_rotation(
        office_code="430000", sequence=1, old_key=generate_keypair(), new_key=generate_keypair()
    )
    forged = type(rot)(rot.office_code, 1, rot.old_key, rot.new_key, other.old_signature, rot.new_signature)
    assert not forged.is_valid()
    bumped = type(rot)(rot.office_code, 2, rot.old_key, rot.new_key, rot.old_signature, rot.new_signature)
    assert not bumped.is_valid()  # the number is signed too


def test_direct_registration_wins_over_a_vouch(province, city, city_key):
    trust = MemoryTrustStore()
    trust.register(province)
    impostor = OfficeIdentity(
        "430000", "湖南省委组织部", "province", None, public_key_bytes(generate_keypair().public_key())
    )
    assert not trust.add_vouched(make_vouch(impostor, voucher_code="430100", voucher_key=city_key))
    assert current_key(trust, "430000").public_key == province.public_key


def test_vouch_cannot_bring_back_a_retired_key(province, province_key, city_key):
    trust = MemoryTrustStore()
    assert trust.add_vouched(make_vouch(province, voucher_code="430100", voucher_key=city_key))
    new_key = generate_keypair()
    trust.apply_rotation(
        make_rotation(office_code="430000", sequence=1, old_key=province_key, new_key=new_key)
    )
    assert not trust.add_vouched(make_vouch(province, voucher_code="430100", voucher_key=city_key))
    assert current_key(trust, "430000").public_key == public_key_bytes(new_key.public_key())
    assert current_key(trust, "430000").source == "vouched"
