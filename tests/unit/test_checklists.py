"""Goal checklists: ticks, progress kept up to date, orphaned ticks, verdicts beside ticks, evidence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bqw_desktop.db.models import Site, Tick, Verdict
from bqw_desktop.domain.catalogue import load_catalogue
from bqw_desktop.errors import OwnershipError, TransitionError, UserError
from bqw_desktop.services import campaigns, candidacies, checklists, sites
from bqw_desktop.services.context import Actor

COUNTY = "430121"
CLERK = Actor(user="李玥", office_code=COUNTY)
CAT = load_catalogue()
VILLAGE_ITEMS = [i.id for i in CAT.items_for("village")]
COMMUNITY_ITEMS = [i.id for i in CAT.items_for("community")]


def add(db, org_type: str = "village", name: str = "白沙村党总支", **kw) -> str:
    with db.begin() as s:
        return sites.add_site(s, CLERK, name=name, org_type=org_type, **kw).id


def tick(db, site_id: str, item_id: str, rating: str, **kw) -> Tick:
    with db.begin() as s:
        return checklists.set_tick(s, CLERK, site_id=site_id, item_id=item_id, rating=rating, **kw)


def cached(db, site_id: str) -> tuple[int, int, int]:
    with db.begin() as s:
        site = s.get(Site, site_id)
        return site.ticks_rated, site.ticks_met, site.ticks_total


def change_type(db, site_id: str, org_type: str) -> None:
    """What the register's edit does, with the recount this module asks it to make."""
    with db.begin() as s:
        sites.update_site(s, CLERK, site_id, org_type=org_type)
        checklists.recount_progress(s, site_id)


def test_a_tick_is_created_then_updated_as_one_record(county_db):
    site_id = add(county_db)
    first = tick(county_db, site_id, VILLAGE_ITEMS[0], "基本达标", note="已制定实施方案", note_date=date(2011, 6, 1))
    again = tick(county_db, site_id, VILLAGE_ITEMS[0], "met")
    with county_db.begin() as s:
        rows = s.scalars(select(Tick)).all()
    assert [r.id for r in rows] == [first.id] == [again.id]
    assert rows[0].rating == "met" and rows[0].version == 2
    assert rows[0].note == "已制定实施方案"  # a rating change keeps the note
    assert rows[0].recorded_by == "李玥" and rows[0].catalogue_version == CAT.version


def test_progress_is_kept_on_the_site_as_ticks_change(county_db):
    site_id = add(county_db)
    tick(county_db, site_id, VILLAGE_ITEMS[0], "met")
    tick(county_db, site_id, VILLAGE_ITEMS[1], "unmet")
    tick(county_db, site_id, VILLAGE_ITEMS[2], "none")
    assert cached(county_db, site_id) == (2, 1, len(VILLAGE_ITEMS))
    tick(county_db, site_id, VILLAGE_ITEMS[1], "met")
    assert cached(county_db, site_id) == (2, 2, len(VILLAGE_ITEMS))
    with county_db.begin() as s:
        row = next(r for r in sites.list_sites(s) if r.id == site_id)
        assert (row.ticks_met, row.ticks_total) == (2, len(VILLAGE_ITEMS))
        assert checklists.register_progress(s)[site_id].text == f"达标 2/{len(VILLAGE_ITEMS)}（已评 2）"


def test_view_groups_items_under_the_four_goals_then_the_general_aims(county_db):
    site_id = add(county_db)
    tick(county_db, site_id, "village.2.1", "met")
    tick(county_db, site_id, "general.wugehao.1", "basic")
    with county_db.begin() as s:
        view = checklists.checklist_view(s, site_id)
    assert [g.label for g in view.goals] == ["目标一", "目标二", "目标三", "目标四", "五个好", "五带头"]
    assert view.heading == "村党组织示范点创建目标"
    goal2 = view.goals[1]
    assert goal2.items[0].id == "village.2.1" and goal2.items[0].rating_label == "达标"
    assert goal2.progress.met == 1 and goal2.progress.total == len(goal2.items)
    assert view.goals[4].items[0].rating_label == "基本达标"
    assert not view.goals[4].items[0].from_notice
    assert (view.progress.rated, view.progress.met, view.progress.total) == (2, 1, len(VILLAGE_ITEMS))
    assert view.orphans == ()


def test_institution_kind_narrows_the_checklist(county_db):
    site_id = add(county_db, "institution", "县人民医院党委", org_kind="health")
    with county_db.begin() as s:
        texts = [i.text for g in checklists.checklist_view(s, site_id).goals for i in g.items]
    assert any("医疗卫生单位" in t for t in texts)
    assert not any("体育单位要突出" in t for t in texts)


def test_only_the_sites_owner_ticks_and_only_items_of_its_checklist(county_db):
    site_id = add(county_db)
    with pytest.raises(OwnershipError, match="自评由该单位填写"), county_db.begin() as s:
        checklists.set_tick(s, Actor("市里", "430100"), site_id=site_id, item_id=VILLAGE_ITEMS[0], rating="met")
    with pytest.raises(UserError, match="不在示范点“白沙村党总支”（村党组织）当前的目标清单中"):
        tick(county_db, site_id, COMMUNITY_ITEMS[0], "met")
    with pytest.raises(UserError, match="评定结果“好”无效"):
        tick(county_db, site_id, VILLAGE_ITEMS[0], "好")
    with pytest.raises(UserError, match="超过2000字上限"):
        tick(county_db, site_id, VILLAGE_ITEMS[0], "met", note="字" * 2001)
    with county_db.begin() as s:
        assert s.scalars(select(Tick)).all() == []


def test_a_type_change_orphans_ticks_without_losing_them_and_changing_back_restores_them(county_db):
    site_id = add(county_db)
    shared = "general.wugehao.2"  # general aims belong to every type's checklist
    tick(county_db, site_id, VILLAGE_ITEMS[0], "met", note="村级产业")
    tick(county_db, site_id, shared, "met")
    change_type(county_db, site_id, "community")
    assert cached(county_db, site_id) == (1, 1, len(COMMUNITY_ITEMS))
    with county_db.begin() as s:
        view = checklists.checklist_view(s, site_id)
        assert s.scalar(select(Tick).where(Tick.item_id == VILLAGE_ITEMS[0])).deleted is False
    assert [(o.item_id, o.origin, o.tick.note) for o in view.orphans] == [(VILLAGE_ITEMS[0], "原类型：村党组织", "村级产业")]
    assert "不计入当前进度" in view.orphan_note and "记录不会删除" in view.orphan_note
    assert view.progress.met == 1
    change_type(county_db, site_id, "village")
    assert cached(county_db, site_id) == (2, 2, len(VILLAGE_ITEMS))
    with county_db.begin() as s:
        assert checklists.checklist_view(s, site_id).orphans == ()


def test_ticks_of_items_a_catalogue_no_longer_has_are_shown_apart(county_db):
    site_id = add(county_db)
    with county_db.begin() as s:  # a tick from an older catalogue version, as it was stored
        s.add(Tick(owner_office=COUNTY, site_id=site_id, item_id="village.1.99", catalogue_version="2010.1",
                   rating="met"))
    with county_db.begin() as s:
        view = checklists.checklist_view(s, site_id)
        checklists.recount_progress(s, site_id)
    assert [(o.item_id, o.origin) for o in view.orphans] == [("village.1.99", "旧版目标清单")]
    assert view.progress.met == 0 and cached(county_db, site_id)[1] == 0


def test_recount_all_repairs_the_cached_progress(county_db):
    a, b = add(county_db), add(county_db, name="黄花村党支部")
    tick(county_db, a, VILLAGE_ITEMS[0], "met")
    with county_db.begin() as s:
        s.get(Site, a).ticks_met = 9  # a cache gone stale (e.g. after a merge)
        s.get(Site, b).ticks_total = 0
    with county_db.begin() as s:
        assert checklists.recount_all(s) == 2
    assert cached(county_db, a) == (1, 1, len(VILLAGE_ITEMS))
    assert cached(county_db, b) == (0, 0, len(VILLAGE_ITEMS))


def test_evidence_files_are_stored_and_counted_against_the_tick(county_db, tmp_path: Path):
    site_id = add(county_db)
    minutes = tmp_path / "党员大会记录.pdf"
    minutes.write_bytes(b"%PDF-1.4 minutes")
    store = tmp_path / "attachments"
    with county_db.begin() as s:
        link = checklists.attach_evidence(s, CLERK, store, site_id=site_id, item_id=VILLAGE_ITEMS[3],
                                          source=minutes, caption="2011年6月党员大会")
    with county_db.begin() as s:
        item = checklists.checklist_view(s, site_id).goals[0].items[3]
        assert item.tick is not None and item.tick.attachments == 1 and item.rating == "none"
        assert [e.filename for e in checklists.evidence(s, item.tick.id)] == ["党员大会记录.pdf"]
    assert (store / link.sha256[:2] / link.sha256[2:4] / link.sha256).read_bytes() == b"%PDF-1.4 minutes"


# --- verdicts -----------------------------------------------------------------------------


def _assessed_candidacy(db, site_id: str, level: str = "county") -> str:
    with db.begin() as s:
        campaigns.ensure_default_campaign(s, CLERK)
        cid = candidacies.create_candidacy(s, CLERK, site_id=site_id, level=level).id
    if level == "county":
        for to in ("approved", "creating"):
            with db.begin() as s:
                candidacies.advance(s, CLERK, candidacy_id=cid, to_status=to, today=date(2011, 6, 1))
    return cid


def test_the_decider_records_verdicts_beside_the_tick_never_over_it(county_db):
    site_id = add(county_db)
    tick(county_db, site_id, VILLAGE_ITEMS[0], "met")
    cid = _assessed_candidacy(county_db, site_id)
    with county_db.begin() as s:
        checklists.set_verdict(s, CLERK, candidacy_id=cid, item_id=VILLAGE_ITEMS[0], rating="basic", note="产业规模偏小")
        checklists.set_verdict(s, CLERK, candidacy_id=cid, item_id=VILLAGE_ITEMS[0], rating="基本达标",
                               note="产业规模偏小，需扩大")
    with county_db.begin() as s:
        item = checklists.checklist_view(s, site_id).goals[0].items[0]
        verdicts = s.scalars(select(Verdict)).all()
    assert item.rating == "met"  # the self-assessment stands
    assert [(v.text, v.note) for v in item.verdicts] == [("长沙县委组织部（县级）：基本达标", "产业规模偏小，需扩大")]
    assert len(verdicts) == 1 and verdicts[0].version == 2


def test_verdicts_are_refused_to_another_tier_and_before_creation(county_db):
    site_id = add(county_db)
    city_bid = _assessed_candidacy(county_db, site_id, level="city")
    with pytest.raises(TransitionError, match="市级考核评定由市州委组织部填写"), county_db.begin() as s:
        checklists.set_verdict(s, CLERK, candidacy_id=city_bid, item_id=VILLAGE_ITEMS[0], rating="met")
    with county_db.begin() as s:
        early = candidacies.create_candidacy(s, CLERK, site_id=site_id, level="county").id
    with pytest.raises(TransitionError, match="启动创建后才能填写考核评定"), county_db.begin() as s:
        checklists.set_verdict(s, CLERK, candidacy_id=early, item_id=VILLAGE_ITEMS[0], rating="met")
    for to in ("approved", "creating"):
        with county_db.begin() as s:
            candidacies.advance(s, CLERK, candidacy_id=early, to_status=to, today=date(2011, 6, 1))
    with pytest.raises(UserError, match="考核评定应为达标、基本达标或未达标"), county_db.begin() as s:
        checklists.set_verdict(s, CLERK, candidacy_id=early, item_id=VILLAGE_ITEMS[0], rating="none")
    with county_db.begin() as s:
        assert s.scalars(select(Verdict)).all() == []
