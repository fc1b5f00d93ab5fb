"""Bulk writes: fast ids, fast content hashes and completed rows, exactly as the general paths.

The content hash of every record is checked against `content_hash` here, because stored
hashes and signatures depend on the canonical bytes: a faster path must never change them.
"""

from __future__ import annotations

import math
import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bqw_desktop.db.base import new_ids
from bqw_desktop.db.models import Assignment, Candidacy, LedgerEntry, Site, Tick, Transition, Visit
from bqw_desktop.domain.canonical import ROW_KINDS, canonical_json, content_hash, row_hasher
from bqw_desktop.services.bulk import BATCH, owned_rows
from bqw_desktop.services.records import content_columns

NOW = datetime(2025, 6, 15, 9, 30)

# --- ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 2, 17, BATCH])
def test_new_ids_are_distinct_random_version_4_uuids_as_text(count):
    ids = new_ids(count)
    assert len(ids) == count == len(set(ids))
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text  # lower-case, dashed, 36 characters
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def test_new_ids_differ_between_calls():
    assert not set(new_ids(1000)) & set(new_ids(1000))


def test_new_ids_keep_the_random_bits_random():
    """Only the 6 fixed bits are fixed: every other bit position takes both values."""
    values = [uuid.UUID(text).int for text in new_ids(2000)]
    fixed = (0xF000 << 64) | (0xC000 << 48)
    for bit in range(128):
        if fixed >> bit & 1:
            continue
        ones = sum(v >> bit & 1 for v in values)
        assert 800 < ones < 1200, bit


# --- canonical bytes of flat rows -------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)))  # any str
TRICKY_TEXT = st.one_of(TEXT, st.sampled_from(
    ['"', "\\", '\\"', "\x00", "\x1f", "\x7f", "\u2028", "%s", "%(x)s", "{}", "{x}", "中文，示范点",
     "😀𠀀", "a\nb\tc\r", "", " ", "null", "true"]))
DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
DATETIMES = st.datetimes(timezones=st.one_of(st.none(), st.just(UTC),
                                             st.just(timezone(timedelta(hours=8)))))
FINITE = st.one_of(st.floats(allow_nan=False, allow_infinity=False),
                   st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, 1e16, 0.1, 123456789.0]))
SCALARS = st.one_of(
    TRICKY_TEXT, st.integers(), st.integers(min_value=-(2**70), max_value=2**70), st.booleans(),
    st.none(), FINITE, DATES, DATETIMES, st.binary(max_size=8),
)
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3),
                   st.dictionaries(TRICKY_TEXT, SCALARS, max_size=3))
KEYS = st.one_of(TRICKY_TEXT, st.sampled_from(["id", "owner_office", "deleted", "note_date", "K0", "P0",
                                                "END", "row", "v", "x0"]))
ROWS = st.dictionaries(KEYS, VALUES, max_size=12)
KINDS = st.sampled_from([*ROW_KINDS, "unknown"])


@settings(max_examples=600, deadline=None)
@given(row=ROWS, data=st.data())
def test_row_hasher_gives_the_bytes_of_content_hash_for_any_flat_row(row, data):
    """Whatever kind each column is said to hold (right or wrong), the hash is content_hash's."""
    kinds = {key: data.draw(KINDS) for key in row}
    extra = {"not hashed": data.draw(SCALARS)} if "not hashed" not in row else {}
    assert row_hasher(kinds)(row | extra) == content_hash(row)


@settings(max_examples=300, deadline=None)
@given(row=st.dictionaries(KEYS, SCALARS, max_size=12))
def test_row_hasher_with_the_right_kinds_matches_content_hash(row):
    def kind(value):
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int):
            return "int"
        if isinstance(value, str):
            return "str"
        if type(value) is date:
            return "date"
        return "any"

    assert row_hasher({k: kind(v) for k, v in row.items()})(row) == content_hash(row)


def test_row_hasher_known_bytes():
    row = {"b": 'say "hi"\\\n', "a": date(2025, 6, 15), "c": None, "d": True, "e": -0.0, "f": 2**64,
           "g": "湘😀", "h": datetime(2025, 6, 15, 8, 1, 2, 999), "i": b"\x00\xff"}
    expected = ('{"a":"2025-06-15","b":"say \\"hi\\"\\\\\\n","c":null,"d":true,"e":-0.0,'
                '"f":18446744073709551616,"g":"湘😀","h":"2025-06-15T08:01:02","i":"00ff"}').encode()
    assert canonical_json(row) == expected
    kinds = {"a": "date", "b": "str", "c": "str", "d": "bool", "e": "any", "f": "int", "g": "str", "h": "any",
             "i": "str"}
    assert row_hasher(kinds)(row) == content_hash(row)
    assert row_hasher({})({"x": 1}) == content_hash({})


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("kind", ROW_KINDS)
def test_row_hasher_refuses_nan_and_infinity_like_content_hash(bad, kind):
    with pytest.raises(ValueError):
        content_hash({"x": bad})
    with pytest.raises(ValueError):
        row_hasher({"x": kind})({"x": bad})


@pytest.mark.parametrize("kind", ROW_KINDS)
def test_row_hasher_refuses_what_content_hash_refuses(kind):
    with pytest.raises(TypeError):
        row_hasher({"x": kind})({"x": {1, 2}})


def test_row_hasher_needs_text_keys():
    with pytest.raises(TypeError):
        row_hasher({1: "int"})  # type: ignore[dict-item]


# --- owned rows ---------------------------------------------------------------------------


def expected_hash(model, row):
    return content_hash({key: row[key] for key in content_columns(model)})


def test_owned_rows_complete_every_column_and_hash_the_content():
    rows = [{"site_id": "s1", "item_id": f"village.{i}", "catalogue_version": "2011", "rating": "met",
             "note": "台账资料齐全" if i % 2 else "", "note_date": date(2024, 5, i + 1) if i % 2 else None}
            for i in range(5)]
    out = list(owned_rows(Tick, rows, owner="430121", user="张三", now=NOW))
    columns = {c.key for c in Tick.__table__.columns}
    for given_row, row in zip(rows, out):
        assert set(row) == columns
        assert row["owner_office"] == "430121" and row["version"] == 1 and row["deleted"] is False
        assert row["created_at"] == row["updated_at"] == NOW and row["updated_by"] == "张三"
        assert row["recorded_by"] == ""  # the column's default
        assert row["content_hash"] == expected_hash(Tick, row)
        assert {k: row[k] for k in given_row} == given_row
    assert len({r["id"] for r in out}) == 5
    assert all("id" not in r for r in rows)  # the rows passed in are left as they were


def test_owned_rows_keep_given_ids_and_owners_and_override_bookkeeping():
    rows = [{"id": "given-id", "owner_office": "430100", "rectification_id": "r", "closed_on": date(2025, 1, 2),
             "version": 7, "content_hash": "forged", "updated_by": "someone"}]
    from bqw_desktop.db.models import RectificationClosing

    [row] = owned_rows(RectificationClosing, rows, owner="430121", user="演示", now=NOW)
    assert row["id"] == "given-id" and row["owner_office"] == "430100"
    assert row["version"] == 1 and row["updated_by"] == "演示"
    assert row["content_hash"] == expected_hash(RectificationClosing, row)


def test_owned_rows_leave_local_columns_out_of_the_hash():
    base = {"name": "某村党支部", "org_type": "village", "region_code": "430121", "member_count": 30}
    [plain] = owned_rows(Site, [dict(base, id="x")], owner="430121", user="u", now=NOW)
    [cached] = owned_rows(Site, [dict(base, id="x", search_key="mcdzb", ticks_total=40)], owner="430121",
                          user="u", now=NOW)
    assert cached["search_key"] == "mcdzb" and cached["ticks_total"] == 40
    assert plain["content_hash"] == cached["content_hash"] == expected_hash(Site, cached)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(TRICKY_TEXT, min_size=1, max_size=6), day=DATES, amount=st.one_of(st.none(), st.integers()),
       flag=st.booleans())
def test_owned_rows_hash_like_records_for_every_table_the_demo_writes(texts, day, amount, flag):
    text = "".join(texts)
    cases = [
        (Visit, {"site_id": text, "visit_date": day, "kind": "guidance", "visitors": text, "problems": text}),
        (LedgerEntry, {"site_id": "s", "kind": "funding", "entry_date": day, "title": text, "amount_fen": amount}),
        (Transition, {"candidacy_id": "c", "follows_id": None, "to_status": "applied", "actor_tier": "county",
                      "reason": text, "quota_override": flag, "acted_on": day}),
        (Assignment, {"site_id": "s", "person_id": "p", "role": "liaison", "start_date": day, "end_date": None}),
        (Candidacy, {"site_id": "s", "level": "county", "registrant_tier": "county", "applied_on": day,
                     "achievements": text, "status": "applied"}),
        (Site, {"name": text, "org_type": "village", "region_code": "430121", "member_count": amount,
                "org_kind": None, "search_key": text}),
    ]
    for model, row in cases:
        [full] = owned_rows(model, [row], owner="430121", user="u", now=NOW)
        assert full["content_hash"] == expected_hash(model, full)


def test_owned_rows_ask_user_of_once_per_office_in_order():
    asked: list[str] = []

    def clerk(office: str) -> str:
        asked.append(office)
        return f"clerk of {office}"

    rows = [{"owner_office": o, "site_id": "s", "item_id": str(i), "catalogue_version": "1"}
            for i, o in enumerate(["B", "A", "B", None, "C", "A", "P"])]
    out = list(owned_rows(Tick, rows, owner="P", user="u", now=NOW, user_of=clerk))
    assert asked == ["B", "A", "P", "C"]
    assert [r["updated_by"] for r in out] == [f"clerk of {r['owner_office']}" for r in out]
    assert all(r["content_hash"] == expected_hash(Tick, r) for r in out)  # updated_by is not content


def test_owned_rows_make_new_ids_past_one_batch():
    rows = ({"site_id": "s", "item_id": str(i), "catalogue_version": "1"} for i in range(BATCH + 3))
    ids = [r["id"] for r in owned_rows(Tick, rows, owner="P", user="u", now=NOW)]
    assert len(set(ids)) == BATCH + 3
