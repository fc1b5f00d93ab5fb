"""The 创建目标 tab, driven as a clerk would: rate items, add evidence, see verdicts and kept ticks."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt

from bqw_desktop.gui.models.checklist_model import (
    COL_FILES,
    COL_RATING,
    COL_TEXT,
    COL_VERDICT,
    ITEM_ID_ROLE,
    ORPHAN_HEADING,
    PROGRESS_ROLE,
)
from bqw_desktop.gui.models.site_table import COL_PROGRESS
from bqw_desktop.services import candidacies, checklists, sites


def open_tab(window, title: str):
    for index in range(window.detail.count()):
        if window.detail.tabText(index) == title:
            window.detail.setCurrentIndex(index)
            return window.detail.widget(index)
    raise AssertionError(f"no tab {title}")


def select_item(tab, goal_row: int, item_row: int) -> str:
    index = tab.model.index(item_row, COL_TEXT, tab.model.index(goal_row, 0))
    tab.tree.setCurrentIndex(index)
    return index.data(ITEM_ID_ROLE)


def register_progress(window, name: str) -> str:
    row = window.model.row_of(window.site_ids[name])
    return window.model.index(row, COL_PROGRESS).data()


def test_headings_are_the_notices_goals_and_the_general_aims(window):
    window.select_site(window.site_ids["黄花镇党委"])
    tab = open_tab(window, "创建目标")
    headings = [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())]
    assert headings[:4] == ["目标一", "目标二", "目标三", "目标四"]
    assert headings[4].startswith("五个好") and headings[5].startswith("五带头")
    assert "乡镇党委" in tab.title.text()
    assert tab.model.index(0, COL_RATING).data(PROGRESS_ROLE) == 0


def test_rating_an_item_saves_it_and_updates_the_register_progress(window, county_db):
    window.select_site(window.site_ids["黄花镇党委"])
    tab = open_tab(window, "创建目标")
    total = tab.view.progress.total
    assert register_progress(window, "黄花镇党委") == f"0/{total}"

    item_id = select_item(tab, 0, 0)
    tab.rating.setCurrentIndex(tab.rating.findData("met"))
    tab.note_date.setDate(QDate(2025, 9, 3))
    tab.note.setPlainText("已制定三年发展规划，经党委会通过")
    tab.save_button.click()

    assert register_progress(window, "黄花镇党委") == f"1/{total}"
    assert tab.overall.value() == 1 and tab.overall_text.text() == f"已评 1/{total}"
    index = tab.model.index(0, COL_RATING, tab.model.index(0, 0))
    assert index.data() == "达标"
    assert tab.model.index(0, COL_RATING).data() == f"1/{len(tab.view.goals[0].items)} 达标"
    assert tab.current is not None and tab.current.id == item_id  # the selection stays on the item
    with county_db.sessions() as s:
        item = checklists.checklist_view(s, window.site_ids["黄花镇党委"]).goals[0].items[0]
        assert (item.rating, item.tick.note, item.tick.note_date) == ("met", "已制定三年发展规划，经党委会通过",
                                                                      date(2025, 9, 3))

    # a second item rated "基本达标" counts as rated, not met
    select_item(tab, 1, 0)
    tab.rating.setCurrentIndex(tab.rating.findData("basic"))
    tab.save_button.click()
    assert register_progress(window, "黄花镇党委") == f"1/{total}"
    assert tab.overall_text.text() == f"已评 2/{total}"


def test_a_note_over_the_limit_is_refused_and_nothing_saved(window, answers, county_db):
    window.select_site(window.site_ids["黄花镇党委"])
    tab = open_tab(window, "创建目标")
    select_item(tab, 0, 0)
    tab.rating.setCurrentIndex(tab.rating.findData("met"))
    tab.note.setPlainText("字" * (checklists.NOTE_LIMIT + 1))
    assert not tab.save_tick()
    assert "超过2000字上限" in answers.warnings[-1]
    assert register_progress(window, "黄花镇党委").startswith("0/")
    with county_db.sessions() as s:
        assert checklists.checklist_view(s, window.site_ids["黄花镇党委"]).progress.rated == 0


def test_evidence_is_copied_into_the_store_and_opened_from_a_copy(window, tmp_path):
    window.select_site(window.site_ids["开慧镇开慧村党支部"])
    tab = open_tab(window, "创建目标")
    select_item(tab, 0, 1)
    photo = tmp_path / "村规民约公示照片.jpg"
    photo.write_bytes(b"\xff\xd8 picture bytes")
    tab.choose_files = lambda _parent: [photo]
    opened = []
    tab.open_url = opened.append

    assert tab.add_files() == 1
    assert tab.model.index(1, COL_FILES, tab.model.index(0, 0)).data() == "1"
    assert tab.files.count() == 1 and tab.files.item(0).text() == "村规民约公示照片.jpg"
    path = tab.open_file()
    assert opened == [path] and path.name == "村规民约公示照片.jpg"
    assert path.read_bytes() == b"\xff\xd8 picture bytes"
    assert path.parent != photo.parent


def test_verdict_beside_the_self_assessment_only_once_creation_started(window, county_db, county_actor):
    site_id = window.site_ids["果园镇浔龙河村党总支"]
    with county_db.begin() as s:
        cand = candidacies.create_candidacy(s, county_actor, site_id=site_id, level="county")
    window.select_site(site_id)
    tab = open_tab(window, "创建目标")
    select_item(tab, 0, 0)
    tab.rating.setCurrentIndex(tab.rating.findData("met"))
    tab.save_button.click()
    assert not tab.verdict_button.isEnabled()  # applied: no assessment yet

    with county_db.begin() as s:
        candidacies.advance(s, county_actor, candidacy_id=cand.id, to_status="approved")
        candidacies.advance(s, county_actor, candidacy_id=cand.id, to_status="creating")
    tab.show_site(site_id)
    select_item(tab, 0, 0)
    assert tab.verdict_button.isEnabled()
    tab.verdict.setCurrentIndex(tab.verdict.findData("basic"))
    tab.verdict_note.setText("台账资料不够完整")
    assert tab.save_verdict()

    row = tab.model.index(0, 0, tab.model.index(0, 0))
    assert row.siblingAtColumn(COL_RATING).data() == "达标"  # the self-assessment is untouched
    assert row.siblingAtColumn(COL_VERDICT).data() == "县级：基本达标"
    assert "长沙县委组织部" in row.siblingAtColumn(COL_VERDICT).data(Qt.ItemDataRole.ToolTipRole)


def test_ticks_of_a_former_type_are_kept_apart_with_an_explanation(window, county_db, county_actor):
    site_id = window.site_ids["开慧镇开慧村党支部"]
    window.select_site(site_id)
    tab = open_tab(window, "创建目标")
    select_item(tab, 0, 0)
    tab.rating.setCurrentIndex(tab.rating.findData("met"))
    tab.save_button.click()
    assert register_progress(window, "开慧镇开慧村党支部").startswith("1/")

    with county_db.begin() as s:
        sites.update_site(s, county_actor, site_id, org_type="community")
        checklists.recount_progress(s, site_id)
    window.reload_sites()
    tab.show_site(site_id)

    last = tab.model.rowCount() - 1
    assert tab.model.index(last, 0).data() == ORPHAN_HEADING
    kept = tab.model.index(0, 0, tab.model.index(last, 0))
    assert "原类型：村党组织" in kept.data() and kept.siblingAtColumn(COL_RATING).data() == "达标"
    assert tab.orphan_label.isVisible() and "不计入当前进度" in tab.orphan_label.text()
    assert tab.view.progress.rated == 0
    assert register_progress(window, "开慧镇开慧村党支部").startswith("0/")
