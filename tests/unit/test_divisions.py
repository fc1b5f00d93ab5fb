"""The shipped national division table and lookups on it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bqw_desktop.domain.divisions import (
    Division,
    Divisions,
    load_divisions,
    validate_region_code,
)
from bqw_desktop.errors import UserError
from bqw_desktop.resources import resource_path

PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@pytest.fixture(scope="module")
def table() -> Divisions:
    return load_divisions()


def test_hunan_has_fourteen_prefecture_level_units(table: Divisions) -> None:
    kids = table.children("430000")
    assert len(kids) == 14
    assert all(d.level == "city" for d in kids)
    assert {"长沙市", "湘西土家族苗族自治州"} <= {d.name for d in kids}


def test_changsha_county_is_under_changsha_city(table: Divisions) -> None:
    county = table.get("430121")
    assert county == Division("430121", "长沙县", "430100", "county")
    assert [d.code for d in table.path("430121")] == ["430000", "430100", "430121"]


def test_full_name_runs_province_to_county(table: Divisions) -> None:
    assert table.full_name("430121") == "湖南省长沙市长沙县"
    assert table.full_name("430000") == "湖南省"


def test_no_placeholder_rows_in_shipped_file() -> None:
    with resource_path("divisions", "divisions.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows, "the shipped table is empty"
    assert not [r for r in rows if r["name"] in PLACEHOLDERS]
    assert all(len(r["code"]) == 6 and r["code"].isascii() and r["code"].isdigit() for r in rows)


def test_every_parent_exists_and_levels_nest(table: Divisions) -> None:
    for d in table:
        if d.level == "province":
            assert d.parent_code == ""
            continue
        parent = table.get(d.parent_code)
        assert parent is not None, d
        allowed = {"province"} if d.level == "city" else {"province", "city"}
        assert parent.level in allowed, d


def test_municipality_districts_hang_under_province_row(table: Divisions) -> None:
    assert table.full_name("110101") == "北京市东城区"
    assert table.get("110100") is None


def test_province_administered_county_hangs_under_province(table: Divisions) -> None:
    assert table.full_name("429004") == "湖北省仙桃市"


def test_provinces_are_all_province_level(table: Divisions) -> None:
    provinces = table.provinces()
    assert len(provinces) == 34
    assert "湖南省" in {d.name for d in provinces}


def test_subtree_contains_code_and_all_descendants(table: Divisions) -> None:
    codes = table.subtree("430100")
    assert codes[0] == "430100"
    assert "430121" in codes and "430181" in codes
    assert "430200" not in codes
    hunan = table.subtree("430000")
    assert set(codes) < set(hunan)
    assert all(table.full_name(c).startswith("湖南省") for c in hunan)


def test_unknown_code_raises_key_error(table: Divisions) -> None:
    assert table.get("999999") is None
    with pytest.raises(KeyError):
        table.full_name("999999")


def test_merged_adds_and_renames(table: Divisions) -> None:
    newer = table.merged(
        [
            Division("430124", "宁乡市", "430100", "county"),
            Division("430199", "新设区", "430100", "county"),
        ]
    )
    assert newer.full_name("430124") == "湖南省长沙市宁乡市"
    assert "430199" in newer.subtree("430100")
    assert table.get("430124").name == "宁乡县"  # the original is untouched


def test_load_from_other_path(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(
        "code,name,parent_code,level\n430000,湖南省,,province\n430100,长沙市,430000,city\n",
        encoding="utf-8",
    )
    assert load_divisions(path).full_name("430100") == "湖南省长沙市"


@pytest.mark.parametrize("raw", ["430121", "４３０１２１", " 430121 "])
def test_validate_accepts_and_normalises(raw: str) -> None:
    assert validate_region_code(raw) == "430121"


@pytest.mark.parametrize("raw", ["43012", "4301210", "43O121", "", "430121000000"])
def test_validate_rejects_malformed_in_chinese(raw: str) -> None:
    with pytest.raises(UserError, match="6位数字"):
        validate_region_code(raw)


def test_validate_rejects_unknown_code() -> None:
    with pytest.raises(UserError, match="不在全国行政区划表中"):
        validate_region_code("999999")
    with pytest.raises(UserError):
        validate_region_code("430101")  # a 市辖区 placeholder is not a unit
