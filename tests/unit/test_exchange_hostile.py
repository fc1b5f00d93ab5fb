"""Hostile and damaged packages: each is refused with a message naming what is wrong, and
nothing is written outside the private staging folder (which is left empty)."""

from __future__ import annotations

import hashlib
import struct
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest

from bqw_desktop.exchange import (
    Limits,
    MemoryTrustStore,
    OfficeIdentity,
    PackageContent,
    PackageRefused,
    canonical_json,
    generate_keypair,
    public_key_bytes,
    verify_package,
    write_package,
)
from bqw_desktop.exchange.keys import b64encode, sign

SENDER_KEY = generate_keypair()
SENDER = OfficeIdentity(
    "430121", "长沙县委组织部", "county", "430100", public_key_bytes(SENDER_KEY.public_key())
)
SITES = b'{"uid":"s1","name":"\xe9\xbb\x84\xe8\x8a\xb1\xe9\x95\x87"}\n{"uid":"s2","name":"x"}\n'


def entry(path: str, data: bytes) -> dict[str, Any]:
    e: dict[str, Any] = {"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if path.startswith("records/"):
        e["records"] = data.count(b"\n")
    return e


def manifest_for(members: list[tuple[str, bytes]], **overrides: Any) -> dict[str, Any]:
    m: dict[str, Any] = {
        "format": "bqw-exchange",
        "format_version": 1,
        "schema_version": "0003",
        "catalogue_version": "2011-04-28",
        "sender": SENDER.to_dict(),
        "recipient": {"code": "430100", "name": "长沙市委组织部"},
        "sequence": 3,
        "created_at": "2011-06-01T10:00:00+08:00",
        "members": [entry(p, d) for p, d in members],
        "acknowledgements": {"last_sequence": 0, "attachments": []},
        "vouches": [],
        "rotations": [],
    }
    m.update(overrides)
    return m


def build(
    path: Path,
    members: list[tuple[str, bytes]] | None = None,
    *,
    manifest: dict[str, Any] | None = None,
    zip_members: list[tuple[str | zipfile.ZipInfo, bytes]] | None = None,
    key=SENDER_KEY,
) -> Path:
    """A zip with `zip_members` (default: `members`) and a signed manifest of `members`."""
    members = [("records/sites.jsonl", SITES)] if members is None else members
    manifest_bytes = canonical_json(manifest if manifest is not None else manifest_for(members))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names we plant
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in zip_members if zip_members is not None else members:
                zf.writestr(name, data)
            zf.writestr("manifest.json", manifest_bytes)
            zf.writestr("manifest.sig", b64encode(sign(key, manifest_bytes)))
    return path


def files_under(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file() or p.is_symlink()
    }


@pytest.fixture
def world(tmp_path: Path):
    """Trust of the receiving city, a staging folder, and a check that nothing leaked."""
    trust = MemoryTrustStore()
    trust.register(SENDER)
    staging = tmp_path / "staging"
    staging.mkdir()
    watched = tmp_path.parent  # wide enough to catch '../' escapes from the staging folder
    before = {k: v for k, v in files_under(watched).items() if not k.startswith(f"{tmp_path.name}/staging")}

    def refused(path: Path, words: str, *, last: int = 0, **kw: Any) -> PackageRefused:
        before_pkg = {
            k: v for k, v in files_under(watched).items() if not k.startswith(f"{tmp_path.name}/staging")
        }
        with pytest.raises(PackageRefused, match=words) as info:
            verify_package(
                path,
                trust=trust,
                self_code="430100",
                last_sequence_from_sender=last,
                staging_dir=staging,
                **kw,
            )
        after = {
            k: v for k, v in files_under(watched).items() if not k.startswith(f"{tmp_path.name}/staging")
        }
        assert after == before_pkg, "something was written outside the staging folder"
        assert list(staging.iterdir()) == [], "the staging folder was not cleaned up"
        return info.value

    yield refused, tmp_path
    after = {k: v for k, v in files_under(watched).items() if not k.startswith(f"{tmp_path.name}/staging")}
    assert set(after) - set(before) <= {k for k in after if k.startswith(tmp_path.name + "/")}


def test_a_well_formed_crafted_package_is_accepted(world, tmp_path):
    """The builder itself makes acceptable packages, so each refusal below is for its flaw."""
    trust = MemoryTrustStore()
    trust.register(SENDER)
    (tmp_path / "st").mkdir()
    with verify_package(
        build(tmp_path / "ok.bqw"),
        trust=trust,
        self_code="430100",
        last_sequence_from_sender=2,
        staging_dir=tmp_path / "st",
    ) as pkg:
        assert [r["uid"] for r in pkg.records("sites")] == ["s1", "s2"]


# -- member names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("../evil.jsonl", r"“\.\./evil.jsonl”含有“\.\.”"),
        ("records/../../evil", "含有“..”"),
        ("/etc/cron.d/evil", "“/etc/cron.d/evil”是绝对路径"),
        ("C:\\Windows\\evil.dll", "带有盘符"),
        ("C:/evil.txt", "带有盘符"),
        ("records\\sites.jsonl", "反斜杠"),
        ("records/evil\x07.jsonl", "控制字符"),
        ("readme.txt", "“readme.txt”不是交换包应有的成员"),
        ("records/Sites.JSONL", "不是交换包应有的成员"),
    ],
)
def test_unsafe_member_names_are_refused(world, name, words):
    refused, tmp = world
    members = [("records/sites.jsonl", SITES)]
    info = zipfile.ZipInfo(name)
    path = build(tmp / "p.bqw", members, zip_members=[*members, (info, b"owned")])
    refused(path, words)


def test_symlink_member_is_refused(world):
    refused, tmp = world
    link = zipfile.ZipInfo("attachments/" + "0" * 64)
    link.external_attr = 0o120777 << 16
    path = build(tmp / "p.bqw", zip_members=[("records/sites.jsonl", SITES), (link, b"/etc/passwd")])
    refused(path, "是符号链接")


def test_directory_entry_is_refused(world):
    refused, tmp = world
    path = build(tmp / "p.bqw", zip_members=[("records/sites.jsonl", SITES), ("records/", b"")])
    refused(path, "文件夹条目")


def test_duplicate_member_names_are_refused(world):
    refused, tmp = world
    path = build(
        tmp / "p.bqw", zip_members=[("records/sites.jsonl", SITES), ("records/sites.jsonl", b"{}\n")]
    )
    refused(path, "成员“records/sites.jsonl”出现了两次")


def test_member_listed_twice_in_the_manifest_is_refused(world):
    refused, tmp = world
    m = manifest_for([("records/sites.jsonl", SITES)] * 2)
    refused(build(tmp / "p.bqw", manifest=m), "把成员 records/sites.jsonl 列了两次")


def test_encrypted_member_is_refused(world):
    refused, tmp = world
    path = build(tmp / "p.bqw")
    data = bytearray(path.read_bytes())
    # Set the 'encrypted' flag in the central directory entry of the first member.
    cd = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, cd + 8, struct.unpack_from("<H", data, cd + 8)[0] | 1)
    path.write_bytes(bytes(data))
    refused(path, "被加密")


def test_unusual_compression_is_refused(world):
    refused, tmp = world
    info = zipfile.ZipInfo("records/sites.jsonl")
    info.compress_type = zipfile.ZIP_BZIP2
    path = build(tmp / "p.bqw", zip_members=[(info, SITES)])
    refused(path, "压缩方式")


def test_too_many_members_is_refused(world):
    refused, tmp = world
    members = [(f"records/t{i}.jsonl", b"{}\n") for i in range(10)]
    refused(build(tmp / "p.bqw", members), "含有 12 个成员，超过允许的 5 个", limits=Limits(max_members=5))


# -- manifest and signature ----------------------------------------------------------------


def test_missing_manifest_is_refused(world):
    refused, tmp = world
    path = tmp / "p.bqw"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("records/sites.jsonl", SITES)
    refused(path, "缺少 manifest.json")


def test_missing_signature_is_refused(world):
    refused, tmp = world
    path = tmp / "p.bqw"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("records/sites.jsonl", SITES)
        zf.writestr("manifest.json", canonical_json(manifest_for([("records/sites.jsonl", SITES)])))
    refused(path, "缺少 manifest.sig")


def test_manifest_changed_after_signing_is_refused(world):
    refused, tmp = world
    path = build(tmp / "p.bqw")
    good_sig = zipfile.ZipFile(path).read("manifest.sig")
    m = manifest_for([("records/sites.jsonl", SITES)], sequence=99)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("records/sites.jsonl", SITES)
        zf.writestr("manifest.json", canonical_json(m))
        zf.writestr("manifest.sig", good_sig)
    refused(path, "签名无效")


def test_manifest_signed_by_another_key_is_refused(world):
    refused, tmp = world
    refused(build(tmp / "p.bqw", key=generate_keypair()), "签名无效")


def test_unknown_sender_is_refused(world):
    refused, tmp = world
    stranger = OfficeIdentity(
        "430181", "浏阳市委组织部", "county", "430100", public_key_bytes(generate_keypair().public_key())
    )
    m = manifest_for([("records/sites.jsonl", SITES)], sender=stranger.to_dict())
    refused(build(tmp / "p.bqw", manifest=m), "发送机关 浏阳市委组织部（430181）未在本机登记")


def test_wrong_recipient_is_refused(world):
    refused, tmp = world
    m = manifest_for([("records/sites.jsonl", SITES)], recipient={"code": "430200", "name": "株洲市委组织部"})
    refused(build(tmp / "p.bqw", manifest=m), "是发给 株洲市委组织部（430200）的，不是发给本机关（430100）的")


def test_newer_format_version_asks_to_update(world):
    refused, tmp = world
    m = manifest_for([("records/sites.jsonl", SITES)], format_version=2)
    refused(build(tmp / "p.bqw", manifest=m), "格式版本为 2.*请先升级本软件")


@pytest.mark.parametrize(
    ("manifest", "words"),
    [
        (b"{not json", "清单不是有效的 JSON"),
        (b'{"format": "zip"}', "不是本系统的交换包"),
        (b'{"format": "bqw-exchange", "format_version": 1, "sender": {"code": "x"}}', "机关 x 的名称无效"),
    ],
)
def test_malformed_manifest_is_refused(world, manifest, words):
    refused, tmp = world
    path = tmp / "p.bqw"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", manifest)
        zf.writestr("manifest.sig", b64encode(sign(SENDER_KEY, manifest)))
    refused(path, words)


def test_stale_sequence_is_refused_but_same_is_not(world, tmp_path):
    refused, tmp = world
    path = build(tmp / "p.bqw")  # sequence 3
    refused(path, "序号 3 早于已导入的第 4 号", last=4)


# -- members against the manifest ----------------------------------------------------------


def test_missing_member_is_refused(world):
    refused, tmp = world
    listed = [("records/sites.jsonl", SITES), ("records/visits.jsonl", b"{}\n")]
    path = build(tmp / "p.bqw", listed, zip_members=listed[:1])
    refused(path, "缺少清单所列的成员 records/visits.jsonl")


def test_extra_member_is_refused(world):
    refused, tmp = world
    listed = [("records/sites.jsonl", SITES)]
    path = build(tmp / "p.bqw", listed, zip_members=[*listed, ("records/awards.jsonl", b"{}\n")])
    refused(path, "含有清单未列出的成员 records/awards.jsonl")


def test_member_larger_than_the_manifest_says_is_refused(world):
    refused, tmp = world
    listed = [("records/sites.jsonl", SITES)]
    path = build(tmp / "p.bqw", listed, zip_members=[("records/sites.jsonl", SITES + b'{"uid":"s3"}\n')])
    refused(path, rf"records/sites.jsonl 比清单所述大（清单 {len(SITES)} 字节")


def test_member_smaller_than_the_manifest_says_is_refused(world):
    refused, tmp = world
    listed = [("records/sites.jsonl", SITES)]
    path = build(tmp / "p.bqw", listed, zip_members=[("records/sites.jsonl", SITES[:-5])])
    refused(path, "大小与清单不符")


def test_member_whose_zip_header_understates_its_size_is_refused(world):
    """The zip headers lie to match the manifest; the data behind them is longer."""
    refused, tmp = world
    real = SITES + b'{"uid":"s3","name":"planted"}\n' * 1000
    listed = [("records/sites.jsonl", SITES)]
    path = build(tmp / "p.bqw", listed, zip_members=[("records/sites.jsonl", real)])
    data = bytearray(path.read_bytes())
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, len(SITES))
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, len(SITES))
    path.write_bytes(bytes(data))
    refused(path, "records/sites.jsonl 已损坏")


def test_member_with_changed_content_of_the_same_size_is_refused(world):
    refused, tmp = world
    listed = [("records/sites.jsonl", SITES)]
    changed = SITES.replace(b"s2", b"s9")
    path = build(tmp / "p.bqw", listed, zip_members=[("records/sites.jsonl", changed)])
    refused(path, "records/sites.jsonl 校验值与清单不符")


def test_attachment_named_other_than_its_hash_is_refused(world):
    refused, tmp = world
    m = manifest_for([("records/sites.jsonl", SITES)])
    m["members"].append(
        {"path": "attachments/" + "a" * 64, "size": 3, "sha256": hashlib.sha256(b"abc").hexdigest()}
    )
    path = build(
        tmp / "p.bqw",
        manifest=m,
        zip_members=[("records/sites.jsonl", SITES), ("attachments/" + "a" * 64, b"abc")],
    )
    refused(path, "名称与其校验值不一致")


def test_compression_bomb_is_refused_before_extraction(world):
    """200 MB of zeros, honestly listed and signed: the compression ratio gives it away."""
    refused, tmp = world
    size, chunk = 200 << 20, bytes(1 << 20)
    digest = hashlib.sha256()
    for _ in range(size // len(chunk)):
        digest.update(chunk)
    name = "attachments/" + digest.hexdigest()
    m = manifest_for([("records/sites.jsonl", SITES)])
    m["members"].append({"path": name, "size": size, "sha256": digest.hexdigest()})
    path = tmp / "bomb.bqw"
    manifest_bytes = canonical_json(m)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("records/sites.jsonl", SITES)
        with zf.open(name, "w") as dst:
            for _ in range(size // len(chunk)):
                dst.write(chunk)
        zf.writestr("manifest.json", manifest_bytes)
        zf.writestr("manifest.sig", b64encode(sign(SENDER_KEY, manifest_bytes)))
    assert path.stat().st_size < 1 << 20
    refused(path, "压缩比异常.*压缩炸弹")


def test_member_over_the_size_limit_is_refused(world):
    refused, tmp = world
    refused(build(tmp / "p.bqw"), "超过单个成员允许的", limits=Limits(max_member_bytes=10))


def test_package_larger_than_the_free_disk_is_refused(world):
    refused, tmp = world
    asked: list[Path] = []

    def tiny_disk(path: Path) -> int:
        asked.append(path)
        return 5 << 20

    refused(build(tmp / "p.bqw"), "磁盘空间不足.*只剩 5 MB", free_space_check=tiny_disk)
    assert asked == [tmp / "staging"]


def test_package_file_over_the_limit_is_refused(world):
    refused, tmp = world
    refused(build(tmp / "p.bqw"), "超过允许的", limits=Limits(max_package_bytes=100))


# -- damaged files -------------------------------------------------------------------------


@pytest.mark.parametrize("keep", [0.5, 0.99, 0.0])
def test_truncated_package_is_refused(world, keep):
    refused, tmp = world
    key = SENDER_KEY
    c = PackageContent(
        sender=SENDER,
        recipient_code="430100",
        sequence=3,
        schema_version="1",
        catalogue_version="1",
        records={"sites": [{"uid": f"s{i}"} for i in range(2000)]},
    )
    path = write_package(c, key, tmp)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    refused(path, "不完整或已损坏")


def test_corrupted_compressed_data_is_refused(world):
    refused, tmp = world
    big = b"".join(b'{"uid":"s%d","note":"%s"}\n' % (i, b"x" * (i % 50)) for i in range(3000))
    path = build(tmp / "p.bqw", [("records/sites.jsonl", big)])
    data = bytearray(path.read_bytes())
    start = data.find(b"PK\x03\x04") + 30 + len("records/sites.jsonl")
    for i in range(start + 100, start + 140):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    refused(path, "records/sites.jsonl 已损坏")


def test_not_a_zip_at_all_is_refused(world):
    refused, tmp = world
    path = tmp / "p.bqw"
    path.write_text("这不是交换包", encoding="utf-8")
    refused(path, "不完整或已损坏")


# -- malformed records ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'{"uid":"s1"}\n{"uid":"s2"\n{"uid":"s3"}\n', "records/sites.jsonl 第 2 行不是有效的 JSON"),
        (b'{"uid":"s1"}\n[1,2]\n', "第 2 行不是一条记录"),
        (b'{"uid":"s1"}\n\n', "第 2 行不是有效的 JSON"),
        (b'{"uid":"\xff\xfe"}\n', "第 1 行不是有效的 JSON"),
        (b'{"uid":NaN}\n', "第 1 行不是有效的 JSON"),
        (b'{"a":1},{"b":2}\n{"c":3}\n', "第 1 行不是有效的 JSON"),
        (b'{"a":' * 100_000 + b"\n", "第 1 行不是有效的 JSON"),
    ],
    ids=["unclosed", "array", "empty-line", "bad-utf8", "nan", "two-per-line", "deep-nesting"],
)
def test_malformed_json_lines_are_refused(world, data, words):
    refused, tmp = world
    refused(build(tmp / "p.bqw", [("records/sites.jsonl", data)]), words)


def test_record_count_differing_from_the_manifest_is_refused(world):
    refused, tmp = world
    m = manifest_for([("records/sites.jsonl", SITES)])
    m["members"][0]["records"] = 5
    path = build(tmp / "p.bqw", manifest=m, zip_members=[("records/sites.jsonl", SITES)])
    refused(path, "有 2 条记录，清单写的是 5 条")
