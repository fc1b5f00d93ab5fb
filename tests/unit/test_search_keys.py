"""Search keys: Chinese text, full pinyin and pinyin initials all find a record."""

from __future__ import annotations

import pytest

from bqw_desktop.domain.search_keys import (
    SEPARATOR,
    SearchIndex,
    build_keys,
    matches,
    search_key,
)

NAMES = ["长沙县星沙街道", "浏阳市集里街道", "宁乡县花明楼镇", "星城社区", "长塘村"]


@pytest.fixture()
def index() -> SearchIndex:
    return SearchIndex(build_keys(NAMES), ids=[101, 102, 103, 104, 105])


def found(index: SearchIndex, query: str) -> list[str]:
    return [NAMES[i] for i in index.filter(query)]


def test_initials_find_site(index: SearchIndex) -> None:
    assert found(index, "xsjd") == ["长沙县星沙街道"]


def test_full_pinyin_finds_site(index: SearchIndex) -> None:
    assert found(index, "xingsha") == ["长沙县星沙街道"]
    assert found(index, "changshaxian") == ["长沙县星沙街道"]  # 长沙 read as a phrase


def test_chinese_substring_finds_site(index: SearchIndex) -> None:
    assert found(index, "星沙") == ["长沙县星沙街道"]
    assert found(index, "街道") == ["长沙县星沙街道", "浏阳市集里街道"]


def test_every_term_must_match(index: SearchIndex) -> None:
    assert found(index, "星 街道") == ["长沙县星沙街道"]
    assert found(index, "lys jd") == ["浏阳市集里街道"]
    assert found(index, "星 花明楼") == []


def test_full_width_and_upper_case_query(index: SearchIndex) -> None:
    assert found(index, "ＸＳＪＤ") == ["长沙县星沙街道"]
    assert found(index, "Xing　Sha") == ["长沙县星沙街道"]  # ideographic space separates terms


def test_full_width_text_in_key() -> None:
    key = search_key("Ａ区１号楼")
    assert matches(key, "a区1号")
    assert matches(key, "aq1hl")


def test_non_matching_query(index: SearchIndex) -> None:
    assert found(index, "zzzz") == []
    assert found(index, "北京") == []


def test_blank_query_matches_everything(index: SearchIndex) -> None:
    assert index.filter("") == [0, 1, 2, 3, 4]
    assert index.filter("   ") == [0, 1, 2, 3, 4]


def test_match_does_not_span_two_parts() -> None:
    key = search_key("星沙")
    # the text ends in 沙 and the full pinyin starts with x: "沙x" would only match across
    assert not matches(key, "沙x")
    assert SEPARATOR in key


def test_several_texts_in_one_key() -> None:
    key = search_key("星沙社区党委", "长沙县")
    assert matches(key, "xssq csx")
    assert not matches(search_key("星沙社区党委"), "csx")


def test_polyphone_alone_also_matches_other_reading(index: SearchIndex) -> None:
    # pypinyin reads 长 alone as zhang; village names mostly read it chang
    assert found(index, "ctc") == ["长塘村"]
    assert found(index, "ztc") == ["长塘村"]


def test_typing_char_by_char_gives_same_rows_as_a_fresh_search(index: SearchIndex) -> None:
    typed = ["x", "xs", "xsj", "xs", "x", "xc", "xc 社", "xc", "", "j", "jd", "jd c"]
    for query in typed:
        fresh = SearchIndex(build_keys(NAMES))
        assert index.filter(query) == fresh.filter(query), query
    assert found(index, "xsj") == ["长沙县星沙街道"]
    assert found(index, "xc 社") == ["星城社区"]


def test_filter_ids_returns_row_ids(index: SearchIndex) -> None:
    assert index.filter_ids("jd") == [101, 102]


def test_ids_must_parallel_keys() -> None:
    with pytest.raises(ValueError):
        SearchIndex(["a", "b"], ids=[1])
