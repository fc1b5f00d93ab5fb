"""Candidacies as stored: steps by the right offices, chains across offices, forks, guards, bulk."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from bqw_desktop.db.models import (
    AuditEntry,
    Campaign,
    Candidacy,
    OrgCount,
    Quota,
    Site,
    Tick,
    Transition,
    Unit,
    Verdict,
)
from bqw_desktop.errors import NotFoundError, OwnershipError, TransitionError, UserError
from bqw_desktop.services import campaigns, candidacies, records, sites
from bqw_desktop.services.bulk import insert_rows, owned_rows
from bqw_desktop.services.context import Actor
from bqw_desktop.services.offices import init_office

AFTER_CREATION = date(2012, 6, 15)  # the notice's creation period ended on 2012-05-31
IN_CREATION = date(2012, 3, 1)
COUNTY, CITY, PROVINCE = "430121", "430100", "430000"
SHIPPED = (Campaign, Unit, OrgCount, Quota, Site, Candidacy, Transition, Tick, Verdict)


# --- helpers ------------------------------------------------------------------------------


def actor(code: str) -> Actor:
    return Actor(user=f"clerk-{code}", office_code=code)


@pytest.fixture
def province_db(tmp_path: Path):
    db = init_office(tmp_path / "province.sqlite3", tier="province", code=PROVINCE, user="tester")
    yield db
    db.close()


def ship(src, dst) -> None:
    """Bring every record of `src` that `dst` lacks (or holds an older version of), as a package would."""
    for model in SHIPPED:
        table = model.__table__
        local = set(getattr(model, "__local__", ()))
        with src.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(table))]
        with dst.engine.begin() as conn:
            have = dict(conn.execute(select(table.c.id, table.c.version)).all())
            new = [r for r in rows if r["id"] not in have]
            if new:
                conn.execute(insert(table), new)
            for r in rows:
                if r["id"] in have and r["version"] > have[r["id"]]:
                    conn.execute(update(table).where(table.c.id == r["id"])
                                 .values({k: v for k, v in r.items() if k not in local}))
    with dst.begin() as s:
        candidacies.refresh_statuses(s)


def add_site(db, code: str, name: str = "白沙村党总支", org_type: str = "village") -> str:
    with db.begin() as s:
        return sites.add_site(s, actor(code), name=name, org_type=org_type).id


def setup_campaign(db, code: str) -> str:
    with db.begin() as s:
        return campaigns.ensure_default_campaign(s, actor(code)).id


def create(db, code: str, site_id: str, level: str, **kw) -> str:
    with db.begin() as s:
        return candidacies.create_candidacy(s, actor(code), site_id=site_id, level=level, **kw).id


def step(db, code: str, cid: str, to: str, *, reason: str | None = None, today: date = IN_CREATION, **kw):
    with db.begin() as s:
        return candidacies.advance(s, actor(code), candidacy_id=cid, to_status=to, reason=reason, today=today, **kw)


def status(db, cid: str) -> str:
    with db.begin() as s:
        return s.get(Candidacy, cid).status


def county_level(db, *, name: str = "白沙村党总支") -> str:
    """A county-level candidacy registered by the county, in the notice's campaign."""
    setup_campaign(db, COUNTY)
    return create(db, COUNTY, add_site(db, COUNTY, name), "county")


def allot(db, *, level: str, unit: str, seats: int, owner: str) -> None:
    """A quota row received from the allotting office."""
    with db.begin() as s:
        cid = campaigns.current_campaign(s).id
    with db.engine.begin() as conn:
        insert_rows(conn, Quota, owned_rows(Quota, [{"campaign_id": cid, "level": level, "unit_code": unit,
                                                     "seats": seats}], owner=owner, user="外单位"))


# --- creating -----------------------------------------------------------------------------


def test_create_records_the_registrant_and_the_current_campaign(county_db):
    campaign_id = setup_campaign(county_db, COUNTY)
    site_id = add_site(county_db, COUNTY)
    cid = create(county_db, COUNTY, site_id, "city", achievements="  带领群众发展油茶产业  ")
    with county_db.begin() as s:
        cand = s.get(Candidacy, cid)
        assert (cand.owner_office, cand.registrant_tier, cand.level) == (COUNTY, "county", "city")
        assert cand.campaign_id == campaign_id
        assert cand.status == "applied"
        assert cand.achievements == "带领群众发展油茶产业"
        assert cand.content_hash == records.hash_of(cand)


def test_a_city_cannot_register_a_county_level_candidacy(city_db):
    site_id = add_site(city_db, CITY, "市直机关党委", "organ")
    with pytest.raises(TransitionError, match="市州委组织部不能登记县级示范点申报"):
        create(city_db, CITY, site_id, "county")
    with city_db.begin() as s:
        assert s.scalars(select(Candidacy)).all() == []


def test_a_site_has_one_open_bid_per_level_but_may_bid_again_after_it_ended(county_db):
    site_id = add_site(county_db, COUNTY)
    first = create(county_db, COUNTY, site_id, "county")
    with pytest.raises(UserError, match="已有县级申报（已申报），不能重复登记"):
        create(county_db, COUNTY, site_id, "county")
    create(county_db, COUNTY, site_id, "city")  # another level is another bid
    step(county_db, COUNTY, first, "withdrawn")
    create(county_db, COUNTY, site_id, "county")


def test_a_site_outside_the_office_region_is_refused(county_db):
    with county_db.begin() as s:
        s.info["merging"] = True  # a neighbouring county's site, arrived in a package
        s.add(Site(id="s-elsewhere", owner_office="430102", name="芙蓉区某社区党委", org_type="community",
                   region_code="430102"))
    with pytest.raises(UserError, match="不属本单位管辖"):
        create(county_db, COUNTY, "s-elsewhere", "county")


def test_achievements_longer_than_the_limit_are_refused_and_long_ones_warned(county_db):
    site_id = add_site(county_db, COUNTY)
    with pytest.raises(UserError, match="超过3000字上限"):
        create(county_db, COUNTY, site_id, "county", achievements="事" * 3001)
    cid = create(county_db, COUNTY, site_id, "county", achievements="事" * 2500)
    with county_db.begin() as s:
        assert "2500字" in candidacies.candidacy_view(s, cid).achievements_note


def test_application_texts_can_change_only_while_applied_or_returned(county_db):
    cid = county_level(county_db)
    with county_db.begin() as s:
        candidacies.update_candidacy(s, actor(COUNTY), candidacy_id=cid, measures="一是……二是……")
    step(county_db, COUNTY, cid, "approved")
    with pytest.raises(UserError, match="只有“已申报”或“退回修改”时才能修改"), county_db.begin() as s:
        candidacies.update_candidacy(s, actor(COUNTY), candidacy_id=cid, measures="改")
    with county_db.begin() as s:
        assert s.get(Candidacy, cid).measures == "一是……二是……"


# --- the county-level lifecycle in one office ---------------------------------------------


def test_county_level_lifecycle_from_application_to_retained(county_db):
    cid = county_level(county_db)
    step(county_db, COUNTY, cid, "approved")
    step(county_db, COUNTY, cid, "creating")
    step(county_db, COUNTY, cid, "passed", today=AFTER_CREATION)
    step(county_db, COUNTY, cid, "awarded", today=AFTER_CREATION)
    step(county_db, COUNTY, cid, "retained", today=date(2014, 6, 20))
    assert status(county_db, cid) == "retained"
    with county_db.begin() as s:
        rows = candidacies.history(s, cid)
        chain = s.scalars(select(Transition).where(Transition.candidacy_id == cid)).all()
    assert [r.to_status for r in rows] == ["applied", "approved", "creating", "passed", "awarded", "retained"]
    assert all(r.place == "chain" and r.office_code == COUNTY for r in rows)
    assert rows[-1].acted_on == date(2014, 6, 20) and rows[-1].user == f"clerk-{COUNTY}"
    # each step names the one before it
    by_id = {t.id: t for t in chain}
    assert [by_id[r.transition_id].follows_id for r in rows[1:]] == [None] + [r.transition_id for r in rows[1:-1]]


@pytest.mark.parametrize("to", ["returned", "not_selected"])
def test_a_decision_that_needs_a_reason_is_refused_without_one(county_db, to):
    cid = county_level(county_db)
    with pytest.raises(TransitionError, match="须填写理由"):
        step(county_db, COUNTY, cid, to, reason="  ")
    assert status(county_db, cid) == "applied"
    step(county_db, COUNTY, cid, to, reason="材料不全")
    with county_db.begin() as s:
        assert candidacies.history(s, cid)[-1].reason == "材料不全"


def test_failed_and_eliminated_need_reasons(county_db):
    cid = county_level(county_db)
    for to in ("approved", "creating"):
        step(county_db, COUNTY, cid, to)
    with pytest.raises(TransitionError, match="须填写理由"):
        step(county_db, COUNTY, cid, "failed", today=AFTER_CREATION)
    step(county_db, COUNTY, cid, "failed", reason="多项未达标", today=AFTER_CREATION)
    other = county_level(county_db, name="黄花村党支部")
    for to in ("approved", "creating", "passed", "awarded"):
        step(county_db, COUNTY, other, to, today=AFTER_CREATION)
    with pytest.raises(TransitionError, match="须填写理由"):
        step(county_db, COUNTY, other, "eliminated", today=AFTER_CREATION)
    step(county_db, COUNTY, other, "eliminated", reason="复评不合格", today=AFTER_CREATION)
    assert (status(county_db, cid), status(county_db, other)) == ("failed", "eliminated")


def test_no_assessment_before_the_creation_period_ends(county_db):
    cid = county_level(county_db)
    step(county_db, COUNTY, cid, "approved")
    step(county_db, COUNTY, cid, "creating")
    with pytest.raises(TransitionError, match="创建期至2012年5月31日结束"):
        step(county_db, COUNTY, cid, "passed", today=date(2012, 5, 31))
    step(county_db, COUNTY, cid, "passed", today=date(2012, 6, 1))


def test_a_later_round_moves_the_assessment_date(county_db):
    cid = county_level(county_db)
    with county_db.begin() as s:
        current = campaigns.current_campaign(s)
        campaigns.update_campaign(s, actor(COUNTY), campaign_id=current.id, creation_end=date(2012, 8, 31),
                                  assess_by=date(2012, 9, 30))
    step(county_db, COUNTY, cid, "approved")
    step(county_db, COUNTY, cid, "creating")
    with pytest.raises(TransitionError, match="2012年8月31日"):
        step(county_db, COUNTY, cid, "passed", today=AFTER_CREATION)


def test_without_a_campaign_assessment_is_refused_with_a_reason(county_db):
    cid = create(county_db, COUNTY, add_site(county_db, COUNTY), "county")
    step(county_db, COUNTY, cid, "approved")
    step(county_db, COUNTY, cid, "creating")
    with pytest.raises(TransitionError, match="尚未设定创建期结束日期"):
        step(county_db, COUNTY, cid, "passed", today=AFTER_CREATION)


def test_no_plaque_without_a_passed_assessment(county_db):
    cid = county_level(county_db)
    step(county_db, COUNTY, cid, "approved")
    step(county_db, COUNTY, cid, "creating")
    with pytest.raises(TransitionError, match="尚未考核达标，不能授牌"):
        step(county_db, COUNTY, cid, "awarded", today=AFTER_CREATION)
    assert status(county_db, cid) == "creating"


def test_withdrawal_is_the_registrants_and_ends_the_bid(county_db):
    cid = county_level(county_db)
    step(county_db, COUNTY, cid, "withdrawn")
    with pytest.raises(TransitionError, match="流程已结束"):
        step(county_db, COUNTY, cid, "approved")


def test_an_unknown_status_is_refused_in_chinese(county_db):
    cid = county_level(county_db)
    with pytest.raises(TransitionError, match="状态“done”无效"):
        step(county_db, COUNTY, cid, "done")
    step(county_db, COUNTY, cid, "已确定为创建单位")  # the label works too
    assert status(county_db, cid) == "approved"


def test_an_actor_of_another_office_cannot_act_in_this_database(county_db):
    cid = county_level(county_db)
    with pytest.raises(UserError, match="与本数据库的单位（430121）不符"):
        step(county_db, "430102", cid, "approved")


# --- the quota guard ----------------------------------------------------------------------


def test_approval_beyond_the_quota_needs_an_explicit_recorded_override(county_db):
    first = county_level(county_db, name="一村党支部")
    second = create(county_db, COUNTY, add_site(county_db, COUNTY, "二村党支部"), "county")
    allot(county_db, level="county", unit=COUNTY, seats=1, owner=CITY)
    step(county_db, COUNTY, first, "approved")
    with pytest.raises(TransitionError, match="名额共1个、已确定1个"):
        step(county_db, COUNTY, second, "approved")
    with pytest.raises(TransitionError, match="超出名额确定为创建单位须说明理由"):
        step(county_db, COUNTY, second, "approved", override_quota=True)
    result = step(county_db, COUNTY, second, "approved", override_quota=True, reason="经部务会研究同意")
    assert result.quota_override
    with county_db.begin() as s:
        last = candidacies.history(s, second)[-1]
        assert last.quota_override and last.reason == "经部务会研究同意"
        assert candidacies.quota_line(s, second).text == "长沙县 县级名额 2/1"


def test_withdrawn_and_eliminated_candidacies_give_their_place_back(county_db):
    first = county_level(county_db, name="一村党支部")
    second = create(county_db, COUNTY, add_site(county_db, COUNTY, "二村党支部"), "county")
    allot(county_db, level="county", unit=COUNTY, seats=1, owner=CITY)
    step(county_db, COUNTY, first, "approved")
    step(county_db, COUNTY, first, "withdrawn")
    step(county_db, COUNTY, second, "approved")  # the place is free again
    with county_db.begin() as s:
        line = candidacies.quota_line(s, second)
        assert (line.used, line.allotted) == (1, 1)


def test_an_override_not_needed_is_not_recorded_as_one(county_db):
    cid = county_level(county_db)
    allot(county_db, level="county", unit=COUNTY, seats=5, owner=CITY)
    assert not step(county_db, COUNTY, cid, "approved", override_quota=True, reason="x").quota_override


# --- offices along the route --------------------------------------------------------------


def test_city_level_candidacy_travels_county_to_city_and_back(county_db, city_db):
    setup_campaign(county_db, COUNTY)
    cid = create(county_db, COUNTY, add_site(county_db, COUNTY), "city")
    with pytest.raises(TransitionError, match="县市区委组织部应先推荐"):
        step(county_db, COUNTY, cid, "approved")  # the county is not the decider
    step(county_db, COUNTY, cid, "recommended")
    ship(county_db, city_db)
    assert status(city_db, cid) == "recommended"
    with city_db.begin() as s:
        view = candidacies.candidacy_view(s, cid)
        assert view.waiting == "待市州审定"
        assert {"approved", "not_selected", "returned"} <= set(view.allowed_next)
    step(city_db, CITY, cid, "approved")
    step(city_db, CITY, cid, "creating")
    ship(city_db, county_db)
    assert status(county_db, cid) == "creating"
    with county_db.begin() as s:
        rows = candidacies.history(s, cid)
        view = candidacies.candidacy_view(s, cid)
    assert [(r.to_status, r.office_code) for r in rows] == [
        ("applied", COUNTY), ("recommended", COUNTY), ("approved", CITY), ("creating", CITY)]
    assert rows[2].office_name == "长沙市委组织部"
    assert view.allowed_next == ("withdrawn",)  # the county may only withdraw now
    with pytest.raises(TransitionError, match="应由市州委组织部办理"):
        step(county_db, COUNTY, cid, "passed", today=AFTER_CREATION)


def test_province_level_goes_through_county_and_city_recommendations(county_db, city_db, province_db):
    setup_campaign(county_db, COUNTY)
    cid = create(county_db, COUNTY, add_site(county_db, COUNTY), "province")
    step(county_db, COUNTY, cid, "recommended")
    ship(county_db, province_db)
    with pytest.raises(TransitionError, match="须先由市州委组织部推荐"):
        step(province_db, PROVINCE, cid, "approved")
    ship(county_db, city_db)
    step(city_db, CITY, cid, "recommended")
    ship(city_db, province_db)
    step(province_db, PROVINCE, cid, "approved")
    assert status(province_db, cid) == "approved"


def test_a_city_cannot_decide_for_a_site_of_another_city(county_db, tmp_path):
    other_city = init_office(tmp_path / "zhuzhou.sqlite3", tier="city", code="430200", user="tester")
    try:
        setup_campaign(county_db, COUNTY)
        cid = create(county_db, COUNTY, add_site(county_db, COUNTY), "city")
        step(county_db, COUNTY, cid, "recommended")
        ship(county_db, other_city)
        with pytest.raises(TransitionError, match="不属本单位管辖"):
            step(other_city, "430200", cid, "approved")
        with other_city.begin() as s:
            assert candidacies.candidacy_view(s, cid).allowed_next == ()
        assert status(other_city, cid) == "recommended"
    finally:
        other_city.close()


def test_a_system_office_runs_its_own_sites_and_recommends_to_the_province(tmp_path, province_db):
    system = init_office(tmp_path / "system.sqlite3", tier="system", code="430000-S01", name="省直机关工委",
                         user="tester")
    try:
        setup_campaign(system, "430000-S01")
        site_id = add_site(system, "430000-S01", "省财政厅机关党委", "organ")
        own = create(system, "430000-S01", site_id, "city")  # an own-system site: decided by the system
        step(system, "430000-S01", own, "approved")
        provincial = create(system, "430000-S01", site_id, "province")
        step(system, "430000-S01", provincial, "recommended")
        with pytest.raises(TransitionError):
            step(system, "430000-S01", provincial, "approved")
        ship(system, province_db)
        step(province_db, PROVINCE, provincial, "approved")
        with pytest.raises(TransitionError, match="应由省直机关/系统办理"):
            step(province_db, PROVINCE, own, "creating")
        with province_db.begin() as s:
            assert candidacies.quota_line(s, provincial).unit_code == "430000-S01"
            assert candidacies.quota_line(s, own) is None  # the system sets its own numbers
    finally:
        system.close()


# --- forks and reversal -------------------------------------------------------------------


def test_two_offices_acting_on_the_same_step_is_a_conflict_until_one_reverses(county_db, city_db):
    setup_campaign(county_db, COUNTY)
    cid = create(county_db, COUNTY, add_site(county_db, COUNTY), "city")
    step(county_db, COUNTY, cid, "recommended")
    ship(county_db, city_db)
    step(city_db, CITY, cid, "approved")  # meanwhile, in the county:
    withdrawal = step(county_db, COUNTY, cid, "withdrawn").transition_id
    ship(city_db, county_db)
    assert status(county_db, cid) == "conflict"
    with county_db.begin() as s:
        rows = candidacies.history(s, cid)
        view = candidacies.candidacy_view(s, cid)
        listed = {r.id: r for r in candidacies.list_candidacies(s)}[cid]
    assert sorted(r.to_status for r in rows if r.place == "fork") == ["approved", "withdrawn"]
    assert "存在冲突" in view.conflict and view.allowed_next == ()
    assert listed.status_label == "存在冲突" and listed.waiting == "存在冲突，待处理"
    with pytest.raises(TransitionError, match="存在冲突.*须先处理"):
        step(county_db, COUNTY, cid, "withdrawn")
    with pytest.raises(TransitionError, match="由其他单位办理，本单位不能撤销"), county_db.begin() as s:
        approval = next(r.transition_id for r in rows if r.to_status == "approved")
        candidacies.reverse(s, actor(COUNTY), transition_id=approval)
    with county_db.begin() as s:
        assert candidacies.reverse(s, actor(COUNTY), transition_id=withdrawal, reason="与市州确定冲突") == "approved"
    with county_db.begin() as s:
        rows = candidacies.history(s, cid)
        assert [r.to_status for r in rows if r.place == "chain"] == ["applied", "recommended", "approved"]
        assert [r.to_status for r in rows if r.place == "reversed"] == ["withdrawn"]


def test_a_step_followed_by_another_cannot_be_reversed(county_db):
    cid = county_level(county_db)
    approval = step(county_db, COUNTY, cid, "approved").transition_id
    creating = step(county_db, COUNTY, cid, "creating").transition_id
    with pytest.raises(TransitionError, match="须先撤销后续办理"), county_db.begin() as s:
        candidacies.reverse(s, actor(COUNTY), transition_id=approval)
    with county_db.begin() as s:
        assert candidacies.reverse(s, actor(COUNTY), transition_id=creating) == "approved"
        assert candidacies.reverse(s, actor(COUNTY), transition_id=approval) == "applied"
    with county_db.begin() as s:
        step_row = s.get(Transition, approval)
        assert step_row.deleted and step_row.version == 2


def test_a_step_following_a_reversed_one_is_a_conflict(county_db, city_db):
    setup_campaign(county_db, COUNTY)
    cid = create(county_db, COUNTY, add_site(county_db, COUNTY), "city")
    recommendation = step(county_db, COUNTY, cid, "recommended").transition_id
    ship(county_db, city_db)
    step(city_db, CITY, cid, "approved")
    with county_db.begin() as s:  # the county undoes its recommendation before the approval arrives
        candidacies.reverse(s, actor(COUNTY), transition_id=recommendation)
    ship(county_db, city_db)
    assert status(city_db, cid) == "conflict"
    with pytest.raises(TransitionError, match="已被撤销或尚未收到"):
        step(city_db, CITY, cid, "creating")


# --- bulk ---------------------------------------------------------------------------------


def test_bulk_plan_lists_who_passes_counts_the_quota_cumulatively_and_records_nothing(county_db):
    setup_campaign(county_db, COUNTY)
    ids = [create(county_db, COUNTY, add_site(county_db, COUNTY, f"{n}村党支部"), "county") for n in "一二三"]
    allot(county_db, level="county", unit=COUNTY, seats=2, owner=CITY)
    with county_db.begin() as s:
        plan = candidacies.plan_bulk(s, actor(COUNTY), candidacy_ids=ids + ["missing"], to_status="approved",
                                     today=IN_CREATION)
        assert s.scalar(select(Transition.id)) is None
    assert [i.site_name for i in plan.ok] == ["一村党支部", "二村党支部"]
    assert [r.site_name for r in plan.refused] == ["三村党支部", ""]
    assert "名额共2个、已确定2个" in plan.refused[0].reason
    assert plan.summary == "将对2个申报办理“已确定为创建单位”；另有2个不能办理。"


def test_bulk_apply_writes_one_audit_entry_and_can_be_reversed_as_a_batch(county_db):
    setup_campaign(county_db, COUNTY)
    ids = [create(county_db, COUNTY, add_site(county_db, COUNTY, f"{n}村党支部"), "county") for n in "一二三"]
    with county_db.begin() as s:
        before = s.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
        plan = candidacies.plan_bulk(s, actor(COUNTY), candidacy_ids=ids, to_status="approved")
        result = candidacies.apply_bulk(s, actor(COUNTY), candidacy_ids=ids, to_status="approved",
                                        confirmed=[i.candidacy_id for i in plan.ok])
    with county_db.begin() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.seq > before)).all()
        assert [e.action for e in entries] == ["bulk_advance"]
        assert json.loads(entries[0].summary)["count"] == 3
        assert all(s.get(Candidacy, i).status == "approved" for i in ids)
        steps = [s.get(Transition, t) for t in result.transition_ids]
        assert all(t.content_hash == records.hash_of(t) for t in steps)
        assert [b.count for b in candidacies.batches(s, actor(COUNTY))] == [3]
    with county_db.begin() as s:
        assert candidacies.reverse_bulk(s, actor(COUNTY), batch_id=result.batch_id) == 3
    with county_db.begin() as s:
        assert all(s.get(Candidacy, i).status == "applied" for i in ids)
        assert candidacies.batches(s, actor(COUNTY))[0].reversed


def test_bulk_apply_refuses_when_the_plan_changed_since_it_was_confirmed(county_db):
    setup_campaign(county_db, COUNTY)
    ids = [create(county_db, COUNTY, add_site(county_db, COUNTY, f"{n}村党支部"), "county") for n in "一二"]
    with county_db.begin() as s:
        plan = candidacies.plan_bulk(s, actor(COUNTY), candidacy_ids=ids, to_status="approved")
    step(county_db, COUNTY, ids[0], "withdrawn")
    with pytest.raises(UserError, match="确认后情况已有变化"), county_db.begin() as s:
        candidacies.apply_bulk(s, actor(COUNTY), candidacy_ids=ids, to_status="approved",
                               confirmed=[i.candidacy_id for i in plan.ok])
    assert status(county_db, ids[1]) == "applied"


def test_a_batch_with_a_followed_step_is_not_reversed_at_all(county_db):
    setup_campaign(county_db, COUNTY)
    ids = [create(county_db, COUNTY, add_site(county_db, COUNTY, f"{n}村党支部"), "county") for n in "一二"]
    with county_db.begin() as s:
        batch = candidacies.apply_bulk(s, actor(COUNTY), candidacy_ids=ids, to_status="approved").batch_id
    step(county_db, COUNTY, ids[0], "creating")
    with (pytest.raises(TransitionError, match="1个申报之后已有后续办理（一村党支部）"),
          county_db.begin() as s):
        candidacies.reverse_bulk(s, actor(COUNTY), batch_id=batch)
    assert status(county_db, ids[1]) == "approved"


def test_another_office_cannot_reverse_a_batch(county_db, city_db):
    setup_campaign(county_db, COUNTY)
    ids = [create(county_db, COUNTY, add_site(county_db, COUNTY, f"{n}村党支部"), "city") for n in "一二"]
    with county_db.begin() as s:
        batch = candidacies.apply_bulk(s, actor(COUNTY), candidacy_ids=ids, to_status="recommended").batch_id
    with pytest.raises(TransitionError, match="由其他单位完成"), county_db.begin() as s:
        candidacies.reverse_bulk(s, actor(CITY), batch_id=batch)


# --- reading ------------------------------------------------------------------------------


def test_list_shows_whose_turn_it_is(county_db):
    setup_campaign(county_db, COUNTY)
    province_bid = create(county_db, COUNTY, add_site(county_db, COUNTY, "一村党支部"), "province")
    step(county_db, COUNTY, province_bid, "recommended")
    county_bid = create(county_db, COUNTY, add_site(county_db, COUNTY, "二村党支部"), "county")
    step(county_db, COUNTY, county_bid, "approved")
    with county_db.begin() as s:
        rows = {r.id: r for r in candidacies.list_candidacies(s)}
        only = candidacies.list_candidacies(s, level="county")
    assert rows[province_bid].waiting == "待市州推荐"
    assert rows[county_bid].waiting == "待县市区启动创建"
    assert rows[county_bid].as_json()["status_label"] == "已确定为创建单位"
    assert [r.id for r in only] == [county_bid]


def test_deleting_is_only_for_a_candidacy_without_steps(county_db):
    cid = county_level(county_db)
    step(county_db, COUNTY, cid, "approved")
    with pytest.raises(UserError, match="已有办理记录，不能删除"), county_db.begin() as s:
        candidacies.delete_candidacy(s, actor(COUNTY), candidacy_id=cid)
    other = create(county_db, COUNTY, add_site(county_db, COUNTY, "二村党支部"), "county")
    with county_db.begin() as s:
        candidacies.delete_candidacy(s, actor(COUNTY), candidacy_id=other, reason="重复登记")
    with county_db.begin() as s:
        assert [r.id for r in candidacies.list_candidacies(s)] == [cid]
        with pytest.raises(NotFoundError):
            candidacies.history(s, other)


def test_photos_are_attached_by_the_registrant_only(county_db, tmp_path, city_db):
    cid = county_level(county_db)
    photo = tmp_path / "活动照片.jpg"
    photo.write_bytes(b"\xff\xd8 jpeg")
    store = tmp_path / "store"
    with county_db.begin() as s:
        candidacies.attach_photo(s, actor(COUNTY), store, candidacy_id=cid, source=photo, caption="主题党日")
    with county_db.begin() as s:
        assert [p.filename for p in candidacies.photos(s, cid)] == ["活动照片.jpg"]
        assert candidacies.candidacy_view(s, cid).photos == 1
    ship(county_db, city_db)
    with pytest.raises(OwnershipError), city_db.begin() as s:
        candidacies.attach_photo(s, actor(CITY), store, candidacy_id=cid, source=photo)


# --- the demo database --------------------------------------------------------------------


def test_the_demo_holds_valid_chains_in_every_status_at_every_level(tmp_path):
    from bqw_desktop.db.engine import open_database
    from bqw_desktop.domain import lifecycle
    from bqw_desktop.services import checklists, checks, quotas
    from bqw_desktop.services.demo import create_demo

    path = tmp_path / "demo.sqlite3"
    create_demo(path, scale="county", today=date(2025, 6, 15))
    db = open_database(path)
    try:
        with db.begin() as s:
            rows = candidacies.list_candidacies(s)
            seen = {(r.level, r.status) for r in rows}
            for level in ("county", "city", "province"):
                expected = {st.value for st in lifecycle.Status} - ({"recommended"} if level == "county" else set())
                assert {st for lv, st in seen if lv == level} == expected, level
            assert candidacies.refresh_statuses(s) == 0  # cached statuses match the chains
            assert checklists.recount_all(s) == 0  # cached progress matches the ticks
            creation_end = {c.id: c.creation_end for c in campaigns.list_campaigns(s)}
            divisions = quotas.divisions_of(s)
            for row in rows:
                cand = s.get(Candidacy, row.id)
                history = []
                for h in candidacies.history(s, row.id)[1:]:
                    assert h.place == "chain"
                    office = type("O", (), {"code": h.office_code, "tier": h.actor_tier})()
                    candidacies.check_jurisdiction(office, registrant_code=cand.owner_office,
                                                   region_code=row.region_code, site_name=row.site_name,
                                                   divisions=divisions)
                    assert lifecycle.refusal(
                        level=cand.level, registrant_tier=cand.registrant_tier, history=history,
                        to_status=h.to_status, actor_tier=h.actor_tier, actor_code=h.office_code,
                        registrant_code=cand.owner_office, today=h.acted_on,
                        creation_end=creation_end[cand.campaign_id], reason=h.reason, quota=None) is None
                    history.append(lifecycle.Step.from_keys(h.to_status, h.actor_tier, h.office_code))
        assert checks.run_all(path) == []
    finally:
        db.close()
