"""The register's table model, tested without a view through `data(index, role)`."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from bqw_desktop.domain.search_keys import search_key
from bqw_desktop.gui.models.site_table import (
    COL_LEVEL,
    COL_MEMBERS,
    COL_NAME,
    COL_OWNER,
    COL_PROGRESS,
    COL_REGION,
    COL_STATUS,
    COL_TYPE,
    HEADERS,
    ID_ROLE,
    NONE,
    Filters,
    SiteTableModel,
)
from bqw_desktop.services.offices import OfficeInfo
from bqw_desktop.services.sites import SiteRow

PROVINCE = OfficeInfo("430000", "湖南省委组织部", "province", None, "")
DISPLAY = Qt.ItemDataRole.DisplayRole


def row(n: int, name: str, org_type: str = "village", region: str = "430121", *, kind=None, members=None,
        level=None, status=None, met=0, total=0, owner="430121") -> SiteRow:
    return SiteRow(f"id{n}", name, org_type, kind, region, "", members, "", owner, level, status, met, total,
                   search_key(name, "", ""))


ROWS = [
    row(1, "星沙街道党工委", "subdistrict", members=56, level="province", status="approved", met=30, total=40),
    row(2, "果园镇浔龙河村党总支", members=35, level="city", status="applied"),
    row(3, "岳麓区桃花岭社区党委", "community", "430104", owner="430104"),
    row(4, "醴陵市人民医院党委", "institution", "430281", kind="health", members=210, owner="430281"),
]


@pytest.fixture
def model(qapp):
    m = SiteTableModel(PROVINCE)
    m.set_rows(ROWS)
    return m


def texts(model, column):
    return [model.index(r, column).data(DISPLAY) for r in range(model.rowCount())]


def test_columns_a_clerk_reads(model):
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == list(HEADERS)
    first = {c: model.index(0, c).data(DISPLAY) for c in range(model.columnCount())}
    assert first[COL_NAME] == "星沙街道党工委"
    assert first[COL_TYPE] == "街道党组织"
    assert first[COL_REGION] == "长沙市·长沙县"  # below the province's own level
    assert first[COL_MEMBERS] == "56"
    assert first[COL_LEVEL] == "省级"
    assert first[COL_STATUS] == "已确定为创建单位"
    assert first[COL_PROGRESS] == "30/40"
    assert first[COL_OWNER] == "长沙县委组织部"
    assert model.index(3, COL_TYPE).data(DISPLAY) == "事业单位党组织（卫生）"
    assert model.index(3, COL_TYPE).data(Qt.ItemDataRole.ToolTipRole) == "文化、卫生、体育等事业单位党组织（卫生）"
    assert model.index(2, COL_STATUS).data(DISPLAY) == "未申报"
    assert model.index(2, COL_PROGRESS).data(DISPLAY) == "—"
    assert model.index(0, COL_NAME).data(ID_ROLE) == "id1"


def test_pinyin_initials_find_the_site(model):
    model.set_query("xsjd")
    assert texts(model, COL_NAME) == ["星沙街道党工委"]
    model.set_query("XSJD")  # typed with caps lock on
    assert model.rowCount() == 1
    model.set_query("")
    assert model.rowCount() == 4


def test_each_typed_character_narrows(model):
    counts = []
    for n in range(1, 6):
        model.set_query("dangw"[:n])
        counts.append(model.rowCount())
    assert counts == sorted(counts, reverse=True)
    assert counts[-1] == 2  # only the two 党委 names: 党工委 and 党总支 drop out at the "w"


def test_region_filter_takes_the_whole_subtree(model):
    model.set_filters(Filters(region="430100"))
    assert sorted(texts(model, COL_NAME)) == sorted(["星沙街道党工委", "果园镇浔龙河村党总支", "岳麓区桃花岭社区党委"])
    model.set_filters(Filters(region="430200"))
    assert texts(model, COL_NAME) == ["醴陵市人民医院党委"]


def test_type_level_and_status_filters(model):
    model.set_filters(Filters(org_type="village"))
    assert texts(model, COL_NAME) == ["果园镇浔龙河村党总支"]
    model.set_filters(Filters(level=NONE))
    assert sorted(texts(model, COL_NAME)) == sorted(["岳麓区桃花岭社区党委", "醴陵市人民医院党委"])
    model.set_filters(Filters(status="applied"))
    assert texts(model, COL_NAME) == ["果园镇浔龙河村党总支"]
    model.set_filters(Filters(query="xsjd", level="city"))
    assert model.rowCount() == 0


def test_sort_by_pinyin_and_numbers(model):
    model.sort(COL_NAME, Qt.SortOrder.AscendingOrder)
    # guo < li < xing < yue: by pinyin, not by character code
    assert texts(model, COL_NAME) == ["果园镇浔龙河村党总支", "醴陵市人民医院党委", "星沙街道党工委", "岳麓区桃花岭社区党委"]
    model.sort(COL_MEMBERS, Qt.SortOrder.DescendingOrder)
    assert texts(model, COL_MEMBERS) == ["210", "56", "35", ""]


def test_sort_holds_after_a_filter_and_a_reload(model):
    model.sort(COL_MEMBERS, Qt.SortOrder.AscendingOrder)
    model.set_filters(Filters(region="430100"))
    assert texts(model, COL_MEMBERS) == ["", "35", "56"]
    model.set_rows([*ROWS, row(5, "星沙镇党委", "township", members=40)])
    assert texts(model, COL_MEMBERS) == ["", "35", "40", "56"]
    assert model.total() == 5


def test_row_of_finds_only_visible_sites(model):
    model.set_query("xsjd")
    assert model.row_of("id1") == 0
    assert model.row_of("id2") is None
