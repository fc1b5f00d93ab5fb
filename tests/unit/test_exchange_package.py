"""Writing and verifying packages: round trip, sequence numbers, senders, rotation, relays."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bqw_desktop.errors import UserError
from bqw_desktop.exchange import (
    Acknowledgements,
    MemoryTrustStore,
    OfficeIdentity,
    PackageContent,
    PackageRefused,
    SequenceStatus,
    current_key,
    generate_keypair,
    make_rotation,
    make_vouch,
    public_key_bytes,
    sign_record,
    verify_package,
    write_package,
)


class Office:
    """An office with its key and the keys it trusts."""

    def __init__(self, code: str, name: str, tier: str, parent: str | None) -> None:
        self.key = generate_keypair()
        self.identity = OfficeIdentity(code, name, tier, parent, public_key_bytes(self.key.public_key()))
        self.trust = MemoryTrustStore()
        self.trust.register(self.identity)

    @property
    def code(self) -> str:
        return self.identity.code

    def registers(self, other: Office) -> None:
        self.trust.register(other.identity)

    def rotate(self, sequence: int = 1):
        new = generate_keypair()
        rot = make_rotation(office_code=self.code, sequence=sequence, old_key=self.key, new_key=new)
        self.key = new
        self.identity = self.identity.with_key(rot.new_key)
        return rot


@pytest.fixture
def province() -> Office:
    return Office("430000", "湖南省委组织部", "province", None)


@pytest.fixture
def city() -> Office:
    return Office("430100", "长沙市委组织部", "city", "430000")


@pytest.fixture
def county() -> Office:
    return Office("430121", "长沙县委组织部", "county", "430100")


@pytest.fixture
def neighbours(province, city, county):
    """Identity cards exchanged between direct neighbours only."""
    province.registers(city)
    city.registers(province)
    city.registers(county)
    county.registers(city)


SITES = [
    {"uid": f"430121-{i:05d}", "name": f"黄花镇第{i}村党总支部", "org_type": "village", "members": i}
    for i in range(1, 31)
]
TICKS = [
    {"uid": f"t{i}", "site": f"430121-{i % 30 + 1:05d}", "goal": "village.1", "status": "done"}
    for i in range(200)
]


def content(sender: Office, recipient: Office, sequence: int = 1, **kw) -> PackageContent:
    base: dict[str, Any] = {
        "sender": sender.identity,
        "recipient_code": recipient.code,
        "recipient_name": recipient.identity.name,
        "sequence": sequence,
        "schema_version": "0003",
        "catalogue_version": "2011-04-28",
        "records": {"sites": SITES, "ticks": iter(TICKS)},
    }
    return PackageContent(**(base | kw))


def receive(office: Office, path: Path, staging: Path, *, last: int = 0, **kw):
    staging.mkdir(exist_ok=True)
    return verify_package(
        path,
        trust=office.trust,
        self_code=office.code,
        last_sequence_from_sender=last,
        staging_dir=staging,
        **kw,
    )


# -- round trip ----------------------------------------------------------------------------


def test_round_trip_carries_every_record_and_a_summary(tmp_path, neighbours, county, city):
    path = write_package(content(county, city, 7), county.key, tmp_path)
    assert path.name == "430121_to_430100_0007.bqw"
    with receive(city, path, tmp_path / "staging", last=6) as pkg:
        assert list(pkg.records("sites")) == SITES
        assert list(pkg.records("ticks")) == TICKS
        assert list(pkg.records("visits")) == []
        assert sum(1 for _ in pkg.iter_records()) == len(SITES) + len(TICKS)
        s = pkg.summary
        assert (s.status, s.sequence, s.record_counts) == (SequenceStatus.NEW, 7, {"sites": 30, "ticks": 200})
        assert (s.sender_name, s.recipient_name) == ("长沙县委组织部", "长沙市委组织部")
        assert pkg.manifest.schema_version == "0003" and pkg.manifest.catalogue_version == "2011-04-28"
        assert "长沙县委组织部" in s.describe() and "第 7 号" in s.describe()
        staging = pkg.staging
        assert staging.parent == tmp_path / "staging"
    assert not staging.exists()  # closing removes the private staging folder


def test_manifest_names_every_member_with_size_and_sha256(tmp_path, neighbours, county, city):
    path = write_package(content(county, city), county.key, tmp_path)
    with receive(city, path, tmp_path / "staging") as pkg, zipfile.ZipFile(path) as zf:
        for entry in pkg.manifest.members:
            data = zf.read(entry.path)
            assert (len(data), hashlib.sha256(data).hexdigest()) == (entry.size, entry.sha256)


def test_export_leaves_only_the_finished_file(tmp_path, neighbours, county, city):
    write_package(content(county, city, 1), county.key, tmp_path)
    write_package(content(county, city, 1), county.key, tmp_path)  # re-export replaces
    assert [p.name for p in tmp_path.iterdir()] == ["430121_to_430100_0001.bqw"]


def test_failed_export_leaves_no_file(tmp_path, neighbours, county, city):
    def broken():
        yield {"uid": "ok"}
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_package(content(county, city, records={"sites": broken()}), county.key, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_export_refuses_a_key_that_is_not_the_senders(tmp_path, county, city):
    with pytest.raises(ValueError):
        write_package(content(county, city), city.key, tmp_path)


def write_attachment(tmp_path: Path, data: bytes) -> tuple[str, Path]:
    digest = hashlib.sha256(data).hexdigest()
    path = tmp_path / f"att-{digest[:8]}"
    path.write_bytes(data)
    return digest, path


def test_attachments_travel_by_hash_and_acknowledged_ones_are_left_out(tmp_path, neighbours, county, city):
    photo = write_attachment(tmp_path, bytes(range(256)) * 4000)
    minutes = write_attachment(tmp_path, "会议记录：全体党员参加。".encode() * 100)
    out = tmp_path / "out"
    out.mkdir()
    both = dict([photo, minutes])
    path = write_package(content(county, city, 1, attachments=both), county.key, out)
    with receive(city, path, tmp_path / "staging") as pkg:
        assert sorted(pkg.attachments) == sorted(both)
        for digest, staged in pkg.attachments.items():
            assert staged.read_bytes() == both[digest].read_bytes()
    path = write_package(
        content(county, city, 2, attachments=both, recipient_has={photo[0]}), county.key, out
    )
    with receive(city, path, tmp_path / "staging", last=1) as pkg:
        assert list(pkg.attachments) == [minutes[0]]
        assert pkg.summary.attachment_count == 1


def test_attachment_whose_file_changed_is_a_user_error(tmp_path, county, city):
    digest, path = write_attachment(tmp_path, b"original")
    path.write_bytes(b"changed!")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UserError, match="校验值不符"):
        write_package(content(county, city, attachments={digest: path}), county.key, out)
    assert list(out.iterdir()) == []


def test_acknowledgements_reach_the_recipient(tmp_path, neighbours, county, city):
    ack = Acknowledgements(last_sequence=4, attachments=frozenset({"ab" * 32}))
    path = write_package(content(county, city, acknowledgements=ack), county.key, tmp_path)
    with receive(city, path, tmp_path / "staging") as pkg:
        assert pkg.manifest.acknowledgements == ack


# -- sequence numbers ----------------------------------------------------------------------


def test_same_sequence_again_is_already_imported(tmp_path, neighbours, county, city):
    path = write_package(content(county, city, 5), county.key, tmp_path)
    with receive(city, path, tmp_path / "staging", last=5) as pkg:
        assert pkg.is_duplicate
        assert "已经导入过" in pkg.summary.describe()


def test_lower_sequence_is_stale_and_refused(tmp_path, neighbours, county, city):
    path = write_package(content(county, city, 4), county.key, tmp_path)
    with pytest.raises(PackageRefused, match="序号 4 早于已导入的第 5 号.*不会丢失"):
        receive(city, path, tmp_path / "staging", last=5)


def test_a_jump_is_allowed_and_shown(tmp_path, neighbours, county, city):
    path = write_package(content(county, city, 9), county.key, tmp_path)
    with receive(city, path, tmp_path / "staging", last=5) as pkg:
        assert (pkg.summary.status, pkg.summary.skipped) == (SequenceStatus.JUMP, 3)
        assert "跳过了 3 个包" in pkg.summary.describe()


def test_first_package_from_a_sender(tmp_path, neighbours, county, city):
    path = write_package(content(county, city, 1), county.key, tmp_path)
    with receive(city, path, tmp_path / "staging", last=None) as pkg:
        assert pkg.summary.status is SequenceStatus.NEW


# -- sender and recipient ------------------------------------------------------------------


def test_unknown_sender_is_refused(tmp_path, county, city):
    path = write_package(content(county, city), county.key, tmp_path)
    with pytest.raises(PackageRefused, match="发送机关 长沙县委组织部（430121）未在本机登记"):
        receive(city, path, tmp_path / "staging")


def test_package_for_another_office_is_refused(tmp_path, neighbours, county, city, province):
    path = write_package(content(county, city), county.key, tmp_path)
    with pytest.raises(PackageRefused, match="发给 长沙市委组织部（430100）.*不是发给本机关（430000）"):
        receive(province, path, tmp_path / "staging")


def test_impostor_with_its_own_key_is_refused(tmp_path, neighbours, county, city):
    impostor = Office("430121", "长沙县委组织部", "county", "430100")
    path = write_package(content(impostor, city), impostor.key, tmp_path)
    with pytest.raises(PackageRefused, match="签名密钥.*与本机为 长沙县委组织部（430121）登记的密钥.*不符"):
        receive(city, path, tmp_path / "staging")


# -- key rotation --------------------------------------------------------------------------


def test_rotation_travels_in_the_package_and_retires_the_old_key(tmp_path, neighbours, county, city):
    old_key = county.key
    rot = county.rotate()
    out = tmp_path / "out"
    out.mkdir()
    path = write_package(content(county, city, 1, rotations=[rot]), county.key, out)
    with receive(city, path, tmp_path / "staging") as pkg:
        assert pkg.trust_updates == (rot,)
        city.trust.apply(pkg.trust_updates)
    assert current_key(city.trust, "430121").public_key == county.identity.public_key

    old_identity = county.identity.with_key(rot.old_key)
    stale_signer = replace(content(county, city, 2), sender=old_identity)
    path = write_package(stale_signer, old_key, out)
    with pytest.raises(PackageRefused, match="已停用的旧密钥"):
        receive(city, path, tmp_path / "staging", last=1)


def test_new_key_without_its_rotation_record_is_refused(tmp_path, neighbours, county, city):
    county.rotate()
    path = write_package(content(county, city), county.key, tmp_path)
    with pytest.raises(PackageRefused, match="不符"):
        receive(city, path, tmp_path / "staging")


def test_second_different_rotation_of_the_same_old_key_is_refused(tmp_path, neighbours, county, city):
    first_key = county.key
    rot = county.rotate()
    city.trust.apply_rotation(rot)
    thief = generate_keypair()
    stolen = make_rotation(office_code="430121", sequence=1, old_key=first_key, new_key=thief)
    forged = replace(
        content(county, city, rotations=[stolen]), sender=county.identity.with_key(stolen.new_key)
    )
    path = write_package(forged, thief, tmp_path)
    with pytest.raises(PackageRefused, match="旧密钥可能已泄露"):
        receive(city, path, tmp_path / "staging")


def test_trust_changes_wait_for_the_caller(tmp_path, neighbours, county, city):
    """Keys a package brings change nothing until the caller applies them after acceptance."""
    before = current_key(city.trust, "430121")
    rot = county.rotate()
    path = write_package(content(county, city, 1, rotations=[rot]), county.key, tmp_path)
    with pytest.raises(PackageRefused, match="过期"):
        receive(city, path, tmp_path / "staging", last=3)
    with receive(city, path, tmp_path / "staging", last=0):
        pass
    assert current_key(city.trust, "430121") == before


# -- relayed keys and decisions ------------------------------------------------------------

AWARD = {"type": "award", "id": "a-1", "site": "430121-00001", "level": "province", "year": 2011}


def relay_down(tmp_path: Path, province: Office, city: Office, county: Office, decisions: list[dict], **kw):
    """The city passes the province's decisions down, vouching for the province's key."""
    vouch = make_vouch(province.identity, voucher_code=city.code, voucher_key=city.key)
    c = content(city, county, records={"decisions": decisions}, vouches=[vouch], **kw)
    return write_package(c, city.key, tmp_path)


def test_province_decision_relayed_by_the_city_verifies_at_the_county(
    tmp_path, neighbours, province, city, county
):
    decision = sign_record(AWARD, province.code, province.key)
    path = relay_down(tmp_path, province, city, county, [decision])
    with receive(county, path, tmp_path / "staging", signed_record_types={"decisions"}) as pkg:
        [got] = pkg.records("decisions")
        assert pkg.verify_record(got, office="430000") == "430000"
        [vouch] = pkg.trust_updates
        assert vouch.identity == province.identity and vouch.voucher_code == "430100"
    assert current_key(county.trust, "430000") is None  # not registered until the caller applies
    county.trust.apply(pkg.trust_updates)
    assert current_key(county.trust, "430000").source == "vouched"


def test_relayed_decision_altered_by_the_city_is_refused(tmp_path, neighbours, province, city, county):
    decision = sign_record(AWARD, province.code, province.key)
    decision["level"] = "city"
    path = relay_down(tmp_path, province, city, county, [decision])
    with pytest.raises(PackageRefused, match="decisions.jsonl 第 1 行的记录的签名核验失败"):
        receive(county, path, tmp_path / "staging", signed_record_types={"decisions"})
    assert list((tmp_path / "staging").iterdir()) == []


def test_decision_forged_by_the_city_in_the_provinces_name_is_refused(
    tmp_path, neighbours, province, city, county
):
    forged = sign_record(AWARD, province.code, city.key)
    path = relay_down(tmp_path, province, city, county, [forged])
    with pytest.raises(PackageRefused, match="不是机关 430000 已知的密钥"):
        receive(county, path, tmp_path / "staging", signed_record_types={"decisions"})


def test_vouch_by_an_office_not_registered_here_is_refused(tmp_path, neighbours, province, city, county):
    stranger = Office("430200", "株洲市委组织部", "city", "430000")
    vouch = make_vouch(province.identity, voucher_code=stranger.code, voucher_key=stranger.key)
    path = write_package(content(city, county, vouches=[vouch]), city.key, tmp_path)
    with pytest.raises(PackageRefused, match="担保的机关 430200 未在本机直接登记"):
        receive(county, path, tmp_path / "staging")


def test_vouch_with_a_bad_signature_is_refused(tmp_path, neighbours, province, city, county):
    vouch = make_vouch(province.identity, voucher_code=city.code, voucher_key=city.key)
    fake = replace(vouch, identity=province.identity.with_key(county.identity.public_key))
    path = write_package(content(city, county, vouches=[fake]), city.key, tmp_path)
    with pytest.raises(PackageRefused, match="担保签名无效"):
        receive(county, path, tmp_path / "staging")


def test_county_record_relayed_up_verifies_at_the_province(tmp_path, neighbours, province, city, county):
    report = sign_record({"type": "nomination", "id": "n-7", "site": "430121-00001"}, county.code, county.key)
    vouch = make_vouch(county.identity, voucher_code=city.code, voucher_key=city.key)
    path = write_package(
        content(city, province, records={"nominations": [report]}, vouches=[vouch]), city.key, tmp_path
    )
    with receive(province, path, tmp_path / "staging", signed_record_types={"nominations"}) as pkg:
        [got] = pkg.records("nominations")
        assert pkg.verify_record(got, office="430121") == "430121"


def test_province_rotation_relayed_by_the_city_reaches_the_county(
    tmp_path, neighbours, province, city, county
):
    county.trust.add_vouched(make_vouch(province.identity, voucher_code=city.code, voucher_key=city.key))
    rot = province.rotate()
    decision = sign_record(AWARD, province.code, province.key)
    path = write_package(
        content(city, county, records={"decisions": [decision]}, rotations=[rot]), city.key, tmp_path
    )
    with receive(county, path, tmp_path / "staging", signed_record_types={"decisions"}) as pkg:
        assert pkg.trust_updates == (rot,)


def test_highly_compressible_attachment_is_not_mistaken_for_a_bomb(tmp_path, neighbours, county, city):
    blank_scan = write_attachment(tmp_path, bytes(8 << 20))  # an all-white bitmap compresses ~1000:1
    out = tmp_path / "out"
    out.mkdir()
    path = write_package(content(county, city, attachments=dict([blank_scan])), county.key, out)
    with receive(city, path, tmp_path / "staging") as pkg:
        assert pkg.attachments[blank_scan[0]].stat().st_size == 8 << 20


def test_export_to_a_missing_folder_is_a_user_error(tmp_path, county, city):
    with pytest.raises(UserError, match="写出交换包 x.bqw 失败"):
        write_package(content(county, city), county.key, tmp_path / "no-stick" / "x.bqw")


def test_summary_uses_chinese_labels_when_given(tmp_path, neighbours, county, city):
    path = write_package(content(county, city), county.key, tmp_path)
    with receive(city, path, tmp_path / "staging") as pkg:
        text = pkg.summary.describe({"sites": "示范点", "ticks": "创建目标"})
    assert "示范点 30 条" in text and "创建目标 200 条" in text
