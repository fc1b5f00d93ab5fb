"""The goal catalogue holds every goal of the notice, word for word, and nothing else unmarked.

The notice itself is read from `resources/notice/` and split here, independently of the
catalogue file, with the rule the catalogue was built by: each numbered goal (1)…(4) is cut
at its top-level `，；。` (not inside “…” or parentheses).
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

import pytest

from bqw_desktop.domain.catalogue import (
    GENERAL,
    Catalogue,
    catalogue_from_dict,
    load_catalogue,
    remap_ticks,
)
from bqw_desktop.domain.vocab import ORG_TYPE_LABELS, InstitutionKind, OrgType
from bqw_desktop.errors import UserError
from bqw_desktop.resources import resource_path, resources_dir

NOTICE_PATH = resource_path("notice", "notice_2011-04-28.txt")
CATALOGUE_PATH = resource_path("catalogue", "goals.json")

# The issue counts 261 items by this split rule; the test also recomputes it from the notice.
ISSUE_TOTAL = 261

_SEPARATORS = set(",，;；。")
_OPENERS = {"“": "”", "(": ")", "（": "）"}
_WIDTH = str.maketrans("，；：（）！？“”", ',;:()!?""')


def norm(text: str) -> str:
    """Text with punctuation widths unified and spaces removed, for comparison."""
    return re.sub(r"\s+", "", text.translate(_WIDTH))


def drop_separators(text: str) -> str:
    """Normalised text without any `，；。`, wherever they stand."""
    return re.sub(r"[,;。]", "", norm(text))


def split_top_level(text: str) -> list[str]:
    """Cut `text` at `，；。` that stand outside quotes and parentheses."""
    parts: list[str] = []
    current: list[str] = []
    closers: list[str] = []
    for ch in text:
        if closers and ch == closers[-1]:
            closers.pop()
        elif ch in _OPENERS:
            closers.append(_OPENERS[ch])
        elif ch in _SEPARATORS and not closers:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    assert not closers, f"unbalanced quotes or parentheses in: {text}"
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def notice_goals() -> dict[str, dict[int, str]]:
    """{org type: {goal number: text of that goal in the notice}}, parsed from the notice."""
    label_to_type = {label: str(key) for key, label in ORG_TYPE_LABELS.items()}
    goals: dict[str, dict[int, str]] = {}
    for line in NOTICE_PATH.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^(.+?)示范点创建目标[:：](.*)$", line)
        if not heading:
            continue
        org_type = label_to_type[heading.group(1)]
        pieces = re.split(r"[(（]([1-9])[)）]", heading.group(2))
        goals[org_type] = {int(n): text for n, text in zip(pieces[1::2], pieces[2::2], strict=True)}
    return goals


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def goals_in_notice() -> dict[str, dict[int, str]]:
    return notice_goals()


@pytest.fixture(scope="module")
def raw() -> dict:
    return json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))


def notice_items(catalogue: Catalogue) -> list:
    return [item for item in catalogue.all_items() if item.from_notice]


def test_notice_has_a_paragraph_with_four_goals_for_every_type(goals_in_notice):
    assert sorted(goals_in_notice) == sorted(str(t) for t in OrgType)
    for org_type, goals in goals_in_notice.items():
        assert sorted(goals) == [1, 2, 3, 4], org_type


def test_every_notice_item_is_in_its_goal_word_for_word(catalogue, goals_in_notice):
    notice = norm(NOTICE_PATH.read_text(encoding="utf-8"))
    for item in notice_items(catalogue):
        assert norm(item.text) in norm(goals_in_notice[item.org_type][item.goal]), item.id
        assert norm(item.text) in notice, item.id


def test_every_type_has_goals_one_to_four_with_items(catalogue):
    for org_type in OrgType:
        notice_goals_ = [g for g in catalogue.goals_for(org_type) if g.number is not None]
        assert [g.number for g in notice_goals_] == [1, 2, 3, 4], org_type
        assert all(len(g.items) >= 1 for g in notice_goals_), org_type


def test_items_of_each_goal_rebuild_the_goal_so_nothing_is_left_out(catalogue, goals_in_notice):
    for org_type, goals in goals_in_notice.items():
        for number, text in goals.items():
            items = catalogue.org_types[org_type].goals[number - 1].items
            expected = split_top_level(text)
            assert [norm(i.text) for i in items] == [norm(p) for p in expected], (org_type, number)
            # Independently of the split: with every separator dropped, the items spell the goal.
            assert drop_separators("".join(i.text for i in items)) == drop_separators(text)


def test_item_count_matches_the_split_of_the_notice(catalogue, goals_in_notice):
    per_type = {
        org_type: sum(len(split_top_level(text)) for text in goals.values())
        for org_type, goals in goals_in_notice.items()
    }
    total = sum(per_type.values())
    print(f"\nnotice items: {total} in all; per type: {per_type}")
    in_catalogue = notice_items(catalogue)
    assert len(in_catalogue) == total
    assert total == ISSUE_TOTAL
    for org_type, count in per_type.items():
        assert sum(1 for i in in_catalogue if i.org_type == org_type) == count, org_type


def test_ids_are_unique_and_name_their_type_and_goal(raw):
    ids = [
        item["id"]
        for entry in raw["org_types"].values()
        for goal in entry["goals"]
        for item in goal["items"]
    ] + [item["id"] for section in raw["general"] for item in section["items"]]
    assert len(ids) == len(set(ids))
    for org_type, entry in raw["org_types"].items():
        for goal in entry["goals"]:
            prefix = f"{org_type}.{goal['number']}."
            numbers = [int(item["id"].removeprefix(prefix)) for item in goal["items"]]
            assert all(item["id"].startswith(prefix) for item in goal["items"])
            assert numbers == sorted(numbers), prefix  # listed in the notice's order


def test_item_texts_use_chinese_punctuation_and_no_stray_spaces(catalogue):
    for item in catalogue.all_items():
        assert not re.search(r"[\s,;:()]", item.text), item.id
        assert item.text[-1] not in "，；。", item.id


def test_institution_clauses_are_filtered_by_kind(catalogue):
    def texts(kind):
        return [i.text for i in catalogue.items_for(OrgType.INSTITUTION, kind)]

    culture, health, sport = "文化系统要突出", "医疗卫生单位要突出", "体育单位要突出"
    for kind, wanted in (("culture", culture), ("health", health), ("sport", sport)):
        got = texts(kind)
        assert sum(t.startswith(wanted) for t in got) == 1
        others = {culture, health, sport} - {wanted}
        assert not any(t.startswith(o) for t in got for o in others), kind
    assert not any(t.startswith((culture, health, sport)) for t in texts(InstitutionKind.OTHER))
    assert len(texts(None)) == len(texts("other")) + 3
    # Only those three clauses are kind-specific.
    specific = [i for i in catalogue.all_items() if i.kinds]
    assert sorted(i.kinds for i in specific) == [("culture",), ("health",), ("sport",)]


def test_kind_is_ignored_for_other_types_and_unknown_keys_are_refused(catalogue):
    assert catalogue.items_for("village", "health") == catalogue.items_for("village")
    with pytest.raises(UserError, match="组织类型"):
        catalogue.items_for("farm")
    with pytest.raises(UserError, match="事业单位类别"):
        catalogue.items_for("institution", "museum")


def test_general_sections_follow_every_checklist_and_name_their_source(catalogue, raw):
    notice = NOTICE_PATH.read_text(encoding="utf-8")
    assert [g.label for g in catalogue.general] == ["五个好", "五带头"]
    for section in raw["general"]:
        assert section["named_in_notice"] in notice  # the notice names the aim …
        assert "意见" in section["source"]  # … its wording comes from elsewhere
    for org_type in OrgType:
        items = catalogue.items_for(org_type)
        general = [i for i in items if i.org_type == GENERAL]
        assert len(general) == 10
        assert items[-10:] == general
        for item in general:
            assert not item.from_notice and "意见" in item.source and item.goal is None
    assert all(i.from_notice and i.source for i in notice_items(catalogue))


def test_item_lookup_by_id(catalogue):
    item = catalogue.item("village.2.2")
    assert (item.org_type, item.goal, item.index, item.text) == (
        "village",
        2,
        2,
        "“四议两公开”落实好",
    )
    assert "village.9.9" not in catalogue
    with pytest.raises(KeyError):
        catalogue.item("village.9.9")


def test_theme_and_heading_come_from_the_notice(catalogue):
    notice = norm(NOTICE_PATH.read_text(encoding="utf-8"))
    for org_type in OrgType:
        assert norm(catalogue.heading_for(org_type) + ":" + catalogue.theme_for(org_type)) in notice


def test_remap_keeps_shared_ids_and_orphans_the_rest(catalogue):
    old = {"village.1.1", "village.2.2", "general.wugehao.1", "general.wudaitou.5"}
    kept, orphaned = remap_ticks(old, catalogue, "community")
    assert kept == {"general.wugehao.1", "general.wudaitou.5"}
    assert orphaned == {"village.1.1", "village.2.2"}

    kept, orphaned = remap_ticks(
        {"institution.1.1", "institution.1.3"}, catalogue, "institution", "culture"
    )
    assert kept == {"institution.1.1"} and orphaned == {"institution.1.3"}

    assert remap_ticks(set(), catalogue, "village") == (set(), set())


def test_remap_to_a_new_version_orphans_dropped_items_and_loses_nothing(raw):
    data = copy.deepcopy(raw)
    data["catalogue_version"] = "2099.1"
    del data["org_types"]["village"]["goals"][0]["items"][2]  # village.1.3 withdrawn
    new = catalogue_from_dict(data)
    assert new.item("village.1.4").index == 3  # later items keep their ids
    old = {"village.1.3", "village.1.4", "ghost.1.1"}
    kept, orphaned = remap_ticks(old, new, "village")
    assert kept == {"village.1.4"} and orphaned == {"village.1.3", "ghost.1.1"}
    assert kept | orphaned == old and not kept & orphaned


def test_default_catalogue_is_loaded_once(catalogue):
    assert load_catalogue() is catalogue
    assert load_catalogue(CATALOGUE_PATH) is not catalogue


def test_bad_catalogue_files_are_refused_with_their_name(tmp_path: Path, raw):
    with pytest.raises(UserError, match="找不到"):
        load_catalogue(tmp_path / "missing.json")

    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(UserError, match="broken.json"):
        load_catalogue(broken)

    data = copy.deepcopy(raw)
    del data["org_types"]["school"]
    short = tmp_path / "short.json"
    short.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UserError, match="学校党组织"):
        load_catalogue(short)

    data = copy.deepcopy(raw)
    data["org_types"]["village"]["goals"][1]["items"][0]["id"] = "village.1.1"  # wrong goal
    misplaced = tmp_path / "misplaced.json"
    misplaced.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UserError, match="village.1.1"):
        load_catalogue(misplaced)

    data = copy.deepcopy(raw)
    data["org_types"]["village"]["goals"][1]["items"][1]["id"] = "village.2.1"
    twice = tmp_path / "twice.json"
    twice.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UserError, match="重复"):
        load_catalogue(twice)


def test_resources_are_found_in_a_frozen_bundle(monkeypatch, tmp_path: Path):
    assert (resources_dir() / "catalogue" / "goals.json").is_file()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert (
        resource_path("catalogue", "goals.json")
        == tmp_path / "resources" / "catalogue" / "goals.json"
    )
