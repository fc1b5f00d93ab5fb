"""Finding a region by the name people write in a sheet."""

from __future__ import annotations

import pytest

from bqw_desktop.domain.divisions import Division, find_by_name, load_divisions, short_name


def codes(text: str, within: str | None = None) -> list[str]:
    return [d.code for d in find_by_name(text, within)]


@pytest.mark.parametrize(("text", "expected"), [
    ("长沙县", ["430121"]), (" 长 沙 县 ", ["430121"]), ("湖南省长沙市长沙县", ["430121"]),
    ("长沙市长沙县", ["430121"]), ("湖南长沙县", ["430121"]), ("湖南省长沙县", ["430121"]),
    ("浏阳", ["430181"]), ("湘西", ["433100"]), ("城步", ["430529"]), ("湖南", ["430000"]),
])
def test_full_short_and_path_names(text, expected):
    assert codes(text) == expected


def test_a_short_name_shared_by_two_units_returns_both():
    assert codes("长沙") == ["430100", "430121"]  # 长沙市 and 长沙县: the caller asks


def test_a_full_name_wins_over_a_short_form():
    assert codes("长沙市") == ["430100"]


def test_within_keeps_one_subtree():
    assert len(codes("新华区")) > 1
    assert codes("新华区", "130100") == ["130105"]
    assert codes("芙蓉区", "430100") == ["430102"] and codes("芙蓉区", "430300") == []


def test_nothing_for_unknown_or_empty_text():
    assert codes("火星区") == [] and codes("") == [] and codes("430121") == []


def test_short_names_keep_at_least_two_characters():
    assert short_name("城区") == "" and short_name("长沙县") == "长沙"
    assert short_name("湘西土家族苗族自治州") == "湘西" and short_name("城步苗族自治县") == "城步"


def test_added_units_are_found_in_a_merged_table():
    table = load_divisions().merged([Division("430199", "湘江新区", "430100", "county")])
    assert [d.code for d in table.find_by_name("湘江新区", "430100")] == ["430199"]
    assert [d.code for d in find_by_name("湘江", divisions=table)] == ["430199"]
