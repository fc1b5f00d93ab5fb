"""冲突处理 in the window: a version conflict seen side by side and settled; a probable
duplicate site merged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bqw_desktop.db.models import Site, Visit
from bqw_desktop.domain.canonical import content_hash
from bqw_desktop.exchange import PackageContent, write_package
from bqw_desktop.exchange.outbox import next_sequence
from bqw_desktop.exchange.trust_db import own_identity, own_private_key
from bqw_desktop.gui.models.site_table import COL_NAME, COL_SECRETARY
from bqw_desktop.services import exchange, records, sites, visits
from bqw_desktop.services.demo.packages import copy_offices, create_offices, send

PAIR = (("city", "430100"), ("county", "430121"))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("offices")
    for office in create_offices(folder, PAIR).values():
        office.db.close()
    return folder


@pytest.fixture
def pair(template, tmp_path):
    made = copy_offices(template, tmp_path / "offices", PAIR)
    yield made
    for office in made.values():
        office.db.close()


def craft(office, to_code: str, folder: Path, record_type: str, records_: list[dict]) -> Path:
    """A genuine, signed package from `office` holding exactly these records."""
    with office.db.begin() as s:
        identity = own_identity(s)
        sequence = next_sequence(s, sender=office.code, recipient=to_code)
    key = own_private_key(office.db.path, identity)
    content = PackageContent(sender=identity, recipient_code=to_code, sequence=sequence, schema_version="",
                             catalogue_version="", records={record_type: [{"record": r} for r in records_]})
    return write_package(content, key, folder / f"crafted-{office.code}-{sequence}.bqw")


def version_conflict(pair, tmp_path) -> str:
    """The city holds the county's site; a copy with the same version but another secretary
    arrives (as after a restore at the county): a version conflict. Returns the site id."""
    county, city = pair["430121"], pair["430100"]
    with county.db.begin() as s:
        site_id = sites.add_site(s, county.actor, name="星沙街道党工委", org_type="subdistrict",
                                 secretary="王建国").id
    send(pair, "430121", "430100", tmp_path)
    with county.db.begin() as s:
        record = records.exported(s.get(Site, site_id))
    diverged = record | {"secretary": "李红梅"}
    content = {k: v for k, v in diverged.items() if k not in ("version", "content_hash")}
    diverged["content_hash"] = content_hash(content)
    report = exchange.import_package(city.db, city.actor, craft(county, "430100", tmp_path, "sites", [diverged]))
    assert report.counts["sites"]["conflict"] == 1
    return site_id


def open_window(office, qtbot, settings, answers):
    from bqw_desktop.gui.main_window import MainWindow

    win = MainWindow(office.db, settings=settings, actor=office.actor)
    win.ctx.runner.warn = answers.warn
    win.ctx.runner.ask = answers.ask
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def secretary_shown(window, name: str) -> str:
    model = window.model
    row = next(r for r in range(model.rowCount()) if model.index(r, COL_NAME).data() == name)
    return model.index(row, COL_SECRETARY).data()


def compared(dialog) -> dict[str, tuple[str, str, bool]]:
    model = dialog.conflicts.compare_model
    return {label: (values[0], values[1], differs) for label, values, differs in model.rows()}


def test_a_version_conflict_is_shown_side_by_side_and_settled_in_the_view(pair, qtbot, settings, answers,
                                                                         tmp_path):
    site_id = version_conflict(pair, tmp_path)
    city = pair["430100"]
    window = open_window(city, qtbot, settings, answers)
    assert secretary_shown(window, "星沙街道党工委") == "王建国"  # nothing decided by itself

    dialog = window.ctx.exchange_actions.conflicts(show=False)
    qtbot.addWidget(dialog)
    assert dialog.tabs.tabText(0) == "冲突（待处理 1）"
    tab = dialog.conflicts
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, 0).data() == "版本冲突" and tab.model.index(0, 1).data() == "星沙街道党工委"
    assert tab.model.index(0, 6).data() == "待处理"
    assert "星沙街道党工委" in tab.description.text()
    headers = [dialog.conflicts.compare_model.headerData(c, _horizontal()) for c in range(3)]
    assert headers[1] == "本机现有的" and headers[2].startswith("交换包传来的")
    rows = compared(dialog)
    assert rows["书记"] == ("王建国", "李红梅", True)
    assert rows["名称"] == ("星沙街道党工委", "星沙街道党工委", False)
    assert rows["党组织类型"][0] == "街道党组织"  # keys shown as people read them
    assert tab.keep_local.isVisibleTo(dialog) and tab.take_incoming.isVisibleTo(dialog)
    assert not tab.acknowledge.isVisibleTo(dialog)

    answers.reply = False
    assert not tab.resolve("incoming")
    assert secretary_shown(window, "星沙街道党工委") == "王建国"

    answers.reply = True
    assert tab.resolve("incoming")
    assert "替换" in answers.questions[-1]
    assert not answers.warnings
    assert tab.model.rowCount() == 0 and dialog.tabs.tabText(0) == "冲突（待处理 0）"
    assert secretary_shown(window, "星沙街道党工委") == "李红梅"  # the register reloaded
    with city.db.sessions() as s:
        assert s.get(Site, site_id).secretary == "李红梅"
        assert exchange.list_conflicts(s) == []

    # Settled conflicts stay visible on request, with how they were settled.
    dialog.show_resolved.setChecked(True)
    assert tab.model.index(0, 6).data() == "已采用来件"
    assert not tab.take_incoming.isEnabled() and not tab.keep_local.isEnabled()


def test_keeping_the_local_copy_changes_nothing_but_the_conflict(pair, qtbot, settings, answers, tmp_path):
    site_id = version_conflict(pair, tmp_path)
    city = pair["430100"]
    window = open_window(city, qtbot, settings, answers)
    dialog = window.ctx.exchange_actions.conflicts(show=False)
    qtbot.addWidget(dialog)
    assert dialog.conflicts.resolve("local")
    with city.db.sessions() as s:
        assert s.get(Site, site_id).secretary == "王建国"
        [settled] = exchange.list_conflicts(s, include_resolved=True)
        assert settled.resolution == "local"


def test_a_probable_duplicate_is_merged_in_the_view(pair, qtbot, settings, answers, tmp_path):
    county, city = pair["430121"], pair["430100"]
    with city.db.begin() as s:
        mine = sites.add_site(s, city.actor, name="星沙街道 党工委", org_type="subdistrict", region_code="430121").id
        visit = visits.record_visit(s, city.actor, site_id=mine, visit_date=date(2024, 5, 1), kind="guidance",
                                    visitors="市委组织部").id
    with county.db.begin() as s:
        theirs = sites.add_site(s, county.actor, name="星沙街道党工委", org_type="subdistrict").id
    send(pair, "430121", "430100", tmp_path)
    window = open_window(city, qtbot, settings, answers)
    assert window.model.rowCount() == 2

    dialog = window.ctx.exchange_actions.conflicts(show=False)
    qtbot.addWidget(dialog)
    assert dialog.tabs.currentWidget() is dialog.duplicates  # nothing else to do
    tab = dialog.duplicates
    assert tab.model.index(0, 0).data() == "星沙街道党工委"
    assert "长沙县" in tab.model.index(0, 1).data()
    assert tab.resolve("merge")
    assert "合并" in answers.questions[-1]
    assert tab.model.rowCount() == 0
    assert window.model.rowCount() == 1
    with city.db.sessions() as s:
        assert s.get(Visit, visit).site_id == theirs
        assert s.get(Site, mine).deleted


def _horizontal():
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def test_a_fork_shows_both_steps_and_can_only_be_acknowledged(pair, qtbot, settings, answers, tmp_path):
    from bqw_desktop.services import candidacies

    county, city = pair["430121"], pair["430100"]
    with county.db.begin() as s:
        site_id = sites.add_site(s, county.actor, name="星沙街道党工委", org_type="subdistrict").id
        cand = candidacies.create_candidacy(s, county.actor, site_id=site_id, level="city").id
        candidacies.advance(s, county.actor, candidacy_id=cand, to_status="recommended")
    send(pair, "430121", "430100", tmp_path)
    with city.db.begin() as s:
        candidacies.advance(s, city.actor, candidacy_id=cand, to_status="returned", reason="材料不全")
    with county.db.begin() as s:
        candidacies.advance(s, county.actor, candidacy_id=cand, to_status="withdrawn")
    send(pair, "430121", "430100", tmp_path)

    window = open_window(city, qtbot, settings, answers)
    dialog = window.ctx.exchange_actions.conflicts(show=False)
    qtbot.addWidget(dialog)
    tab = dialog.conflicts
    assert tab.model.index(0, 0).data() == "申报分叉"
    assert "分叉" in tab.description.text() and "撤回" in tab.description.text()
    steps = compared(dialog)["步骤"]
    assert {steps[0], steps[1]} == {"退回修改", "已撤回"} and steps[2]
    assert tab.acknowledge.isVisibleTo(dialog) and not tab.take_incoming.isVisibleTo(dialog)
    assert tab.resolve("acknowledge")
    with city.db.sessions() as s:
        assert exchange.list_conflicts(s) == []
