"""Visits, the interval rule, overdue lists and closing rectification items."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bqw_desktop.db.models import AuditEntry, Rectification, RectificationClosing, Site, Visit
from bqw_desktop.errors import OwnershipError, UserError
from bqw_desktop.services import people, records, sites, visits
from bqw_desktop.services.context import Actor
from bqw_desktop.services.visits import RectificationInput

TODAY = date(2012, 3, 1)
CITY = Actor(user="city-clerk", office_code="430100")


@pytest.fixture
def site_id(county_db, county_actor):
    with county_db.begin() as s:
        return sites.add_site(s, county_actor, name="甲村党支部", org_type="village").id


def _visit(db, actor, site_id, when, items=(), kind="督查"):
    with db.begin() as s:
        return visits.record_visit(s, actor, site_id=site_id, visit_date=when, kind=kind,
                                   visitors="李联络员", observations="阵地整洁", problems="台账不全",
                                   rectifications=list(items), today=TODAY).id


def test_visit_with_rectifications_is_one_unit_of_work(county_db, county_actor, site_id):
    item = RectificationInput("补齐三会一课记录", TODAY + timedelta(days=30), "村支书")
    visit_id = _visit(county_db, county_actor, site_id, TODAY - timedelta(days=2), [item])
    with county_db.begin() as s:
        history = visits.visit_history(s, site_id, today=TODAY)
    assert [v.id for v in history] == [visit_id]
    assert history[0].kind == "inspection" and history[0].kind_label == "督查"
    [rect] = history[0].rectifications
    assert (rect.description, rect.responsible, rect.status) == ("补齐三会一课记录", "村支书", "open")


def test_a_bad_rectification_leaves_no_visit_behind(county_db, county_actor, site_id):
    bad = RectificationInput("", TODAY)
    with pytest.raises(UserError, match="第 2 条整改事项"):
        _visit(county_db, county_actor, site_id, TODAY, [RectificationInput("好", TODAY), bad])
    with county_db.begin() as s:
        assert s.scalar(select(Visit.id)) is None
        assert s.scalar(select(Rectification.id)) is None


def test_visit_in_the_future_is_refused(county_db, county_actor, site_id):
    with pytest.raises(UserError, match="晚于今天"):
        _visit(county_db, county_actor, site_id, TODAY + timedelta(days=1))


def test_unknown_kind_and_missing_visitors_are_refused(county_db, county_actor, site_id):
    with pytest.raises(UserError, match="走访类型"):
        _visit(county_db, county_actor, site_id, TODAY, kind="喝茶")
    with county_db.begin() as s, pytest.raises(UserError, match="走访人员"):
        visits.record_visit(s, county_actor, site_id=site_id, visit_date=TODAY, kind="guidance",
                            visitors="  ", today=TODAY)


def test_due_date_before_the_visit_is_refused(county_db, county_actor, site_id):
    with pytest.raises(UserError, match="整改期限"):
        _visit(county_db, county_actor, site_id, TODAY, [RectificationInput("x", TODAY - timedelta(days=1))])


def test_interval_boundary(county_db, county_actor, site_id):
    """Due `interval` days after the last visit; overdue only the day after."""
    _visit(county_db, county_actor, site_id, TODAY - timedelta(days=90))
    with county_db.begin() as s:
        assert visits.overdue_visits(s, today=TODAY) == []
        [row] = visits.overdue_visits(s, today=TODAY + timedelta(days=1))
    assert row.last_visit == TODAY - timedelta(days=90)
    assert row.next_due == TODAY and row.days_overdue == 1


def test_interval_policy_is_configurable(county_db, county_actor, site_id):
    _visit(county_db, county_actor, site_id, TODAY - timedelta(days=40))
    with county_db.begin() as s:
        assert visits.visit_interval(s) == 90
        assert visits.overdue_visits(s, today=TODAY) == []
        visits.set_visit_interval(s, county_actor, 30)
    with county_db.begin() as s:
        assert visits.visit_interval(s) == 30
        assert [r.site_id for r in visits.overdue_visits(s, today=TODAY)] == [site_id]
        with pytest.raises(UserError, match="走访间隔"):
            visits.set_visit_interval(s, county_actor, "0")


def test_never_visited_site(county_db, county_actor, site_id):
    """Unassigned and unvisited: overdue at once. Assigned: due an interval after assignment."""
    with county_db.begin() as s:
        [row] = visits.overdue_visits(s, today=TODAY)
        assert (row.last_visit, row.next_due, row.days_overdue) == (None, None, None)
        person = people.add_person(s, county_actor, name="王五", unit="星沙街道")
        people.assign(s, county_actor, site_id=site_id, person_id=person.id, role="联络员",
                      start_date=TODAY - timedelta(days=10))
    with county_db.begin() as s:
        assert visits.overdue_visits(s, today=TODAY) == []
        [row] = visits.overdue_visits(s, today=TODAY + timedelta(days=81))
        assert row.last_visit is None and row.next_due == TODAY + timedelta(days=80)
        assert row.liaison == "王五"


def test_deleted_visit_and_deleted_site_do_not_count(county_db, county_actor, site_id):
    visit_id = _visit(county_db, county_actor, site_id, TODAY)
    with county_db.begin() as s:
        assert visits.overdue_visits(s, today=TODAY) == []
        visits.delete_visit(s, county_actor, visit_id)
    with county_db.begin() as s:
        assert [r.site_id for r in visits.overdue_visits(s, today=TODAY)] == [site_id]
        sites.delete_site(s, county_actor, site_id)
    with county_db.begin() as s:
        assert visits.overdue_visits(s, today=TODAY) == []


def test_overdue_rectifications_and_closing(county_db, county_actor, site_id):
    due = TODAY - timedelta(days=5)
    _visit(county_db, county_actor, site_id, TODAY - timedelta(days=20),
           [RectificationInput("整改甲", due), RectificationInput("整改乙", TODAY + timedelta(days=5))])
    with county_db.begin() as s:
        [late] = visits.overdue_rectifications(s, today=TODAY)
        assert late.description == "整改甲" and late.status == "overdue" and late.days_overdue == 5
        assert late.status_label == "已逾期"
        with pytest.raises(UserError, match="佐证"):
            visits.close_rectification(s, county_actor, rectification_id=late.id, closed_on=TODAY,
                                       evidence=" ", today=TODAY)
        with pytest.raises(UserError, match="晚于今天"):
            visits.close_rectification(s, county_actor, rectification_id=late.id,
                                       closed_on=TODAY + timedelta(days=1), evidence="已补齐", today=TODAY)
        with pytest.raises(UserError, match="早于"):
            visits.close_rectification(s, county_actor, rectification_id=late.id,
                                       closed_on=TODAY - timedelta(days=30), evidence="已补齐", today=TODAY)
        closing = visits.close_rectification(s, county_actor, rectification_id=late.id, closed_on=TODAY,
                                             evidence="已补齐记录", today=TODAY)
        closing_id = closing.id
    with county_db.begin() as s:
        assert visits.overdue_rectifications(s, today=TODAY) == []
        by_status = {r.description: r.status for r in visits.list_rectifications(s, today=TODAY)}
        assert by_status == {"整改甲": "closed", "整改乙": "open"}
        with pytest.raises(UserError, match="无需重复销号"):
            visits.close_rectification(s, county_actor, rectification_id=late.id, closed_on=TODAY,
                                       evidence="再次", today=TODAY)
        visits.reopen_rectification(s, county_actor, closing_id=closing_id)
    with county_db.begin() as s:
        assert [r.description for r in visits.overdue_rectifications(s, today=TODAY)] == ["整改甲"]
        assert s.scalar(select(AuditEntry.seq).where(AuditEntry.record_id == closing_id,
                                                    AuditEntry.action == "delete")) is not None


def _merge_county_records(city_db):
    """The county's site, visit and item as they arrive at the city in a package."""
    ids = {"site": "11111111-1111-1111-1111-111111111111", "visit": "22222222-2222-2222-2222-222222222222",
           "rect": "33333333-3333-3333-3333-333333333333"}
    with city_db.begin() as s:
        s.info["merging"] = True
        s.add(Site(id=ids["site"], owner_office="430121", name="甲村党支部", org_type="village",
                   region_code="430121"))
        s.add(Visit(id=ids["visit"], owner_office="430121", site_id=ids["site"], visit_date=date(2012, 1, 5),
                    kind="inspection", visitors="县联络员"))
        s.add(Rectification(id=ids["rect"], owner_office="430121", visit_id=ids["visit"], site_id=ids["site"],
                            description="活动阵地未挂牌", due_date=date(2012, 2, 1), responsible="村支书"))
        s.flush()
        for obj in s.identity_map.values():
            obj.content_hash = records.hash_of(obj)
    return ids


def test_city_closes_a_countys_item_without_touching_it(city_db):
    ids = _merge_county_records(city_db)
    with city_db.begin() as s:
        [late] = visits.overdue_rectifications(s, today=TODAY)
        assert late.owner_office == "430121"
        closing = visits.close_rectification(s, CITY, rectification_id=ids["rect"], closed_on=TODAY,
                                             evidence="市委组织部督查确认已挂牌", today=TODAY)
        assert closing.owner_office == "430100"
    with city_db.begin() as s:
        rect = s.get(Rectification, ids["rect"])
        assert rect.version == 1 and rect.owner_office == "430121"
        [row] = visits.list_rectifications(s, today=TODAY)
        assert row.status == "closed" and row.closings[0].owner_office == "430100"
        with pytest.raises(OwnershipError):
            visits.update_rectification(s, CITY, ids["rect"], due_date=date(2012, 6, 1))
        with pytest.raises(OwnershipError):
            visits.delete_visit(s, CITY, ids["visit"])


def test_any_live_closing_closes_and_only_its_owner_reopens(city_db):
    """Two offices closed the same item (met in a merge): closed while either act stands."""
    ids = _merge_county_records(city_db)
    with city_db.begin() as s:
        s.info["merging"] = True
        county_close = RectificationClosing(id="44444444-4444-4444-4444-444444444444", owner_office="430121",
                                            rectification_id=ids["rect"], closed_on=date(2012, 2, 1),
                                            evidence="县里销号")
        s.add(county_close)
    with city_db.begin() as s:
        # While the county's closing stands, the city has nothing to close.
        with pytest.raises(UserError, match="无需重复销号"):
            visits.close_rectification(s, CITY, rectification_id=ids["rect"], closed_on=TODAY,
                                       evidence="市里销号", today=TODAY)
        with pytest.raises(OwnershipError):
            visits.reopen_rectification(s, CITY, closing_id=county_close.id)
        s.info["merging"] = True
        s.add(RectificationClosing(id="55555555-5555-5555-5555-555555555555", owner_office="430100",
                                   rectification_id=ids["rect"], closed_on=TODAY, evidence="市里销号"))
    with city_db.begin() as s:
        [row] = visits.list_rectifications(s, today=TODAY)
        assert row.status == "closed" and len(row.closings) == 2
        visits.reopen_rectification(s, CITY, closing_id="55555555-5555-5555-5555-555555555555")
    with city_db.begin() as s:
        [row] = visits.list_rectifications(s, today=TODAY)
        assert row.status == "closed" and [c.owner_office for c in row.closings] == ["430121"]


def test_due_panel_lists_late_and_soon_due_visits_and_items(county_db, county_actor, site_id):
    from bqw_desktop.services import due

    _visit(county_db, county_actor, site_id, TODAY - timedelta(days=80),
           [RectificationInput("整改甲", TODAY - timedelta(days=1)), RectificationInput("整改乙", TODAY + timedelta(days=40))])
    with county_db.begin() as s:
        assert [(r.kind, r.subject, r.days) for r in visits.due_rows(s, TODAY, 0)] == [
            ("rectification", "甲村党支部", -1)]
        rows = [r for r in due.due_and_overdue(s, today=TODAY, window_days=30) if r.record_type != "campaigns"]
    assert [(r.kind, r.days, r.record_id == site_id) for r in rows] == [
        ("rectification", -1, False), ("visit", 10, True)]
    assert rows[1].detail.startswith("上次走访") and rows[0].detail == "整改甲"


def test_closing_evidence_photo_is_linked_to_the_act(county_db, county_actor, site_id, tmp_path):
    from bqw_desktop.paths import DataFolder
    from bqw_desktop.services import attachments

    _visit(county_db, county_actor, site_id, TODAY - timedelta(days=3), [RectificationInput("挂牌", TODAY)])
    photo = tmp_path / "整改后.jpg"
    photo.write_bytes(b"\xff\xd8after")
    store = DataFolder(county_db.path).attachments
    with county_db.begin() as s:
        [item] = visits.list_rectifications(s, today=TODAY)
        closing = visits.close_rectification(s, county_actor, rectification_id=item.id, closed_on=TODAY,
                                             evidence="已挂牌", today=TODAY)
        visits.attach_file(s, county_actor, store, record_type="rectification_closings", record_id=closing.id,
                           source=photo)
        [link] = attachments.links_of(s, "rectification_closings", closing.id)
        assert attachments.open_path(store, link).read_bytes() == photo.read_bytes()
        with pytest.raises(UserError, match="不能为"):
            visits.attach_file(s, county_actor, store, record_type="sites", record_id=site_id, source=photo)


def test_correcting_a_visit_keeps_its_rules(county_db, county_actor, site_id):
    visit_id = _visit(county_db, county_actor, site_id, TODAY - timedelta(days=100))
    with county_db.begin() as s:
        with pytest.raises(UserError, match="晚于今天"):
            visits.update_visit(s, county_actor, visit_id, visit_date=TODAY + timedelta(days=1), today=TODAY)
        visit = visits.update_visit(s, county_actor, visit_id, visit_date=TODAY - timedelta(days=5),
                                    kind="考核前检查", today=TODAY)
        assert (visit.version, visit.kind) == (2, "pre_assessment")
    with county_db.begin() as s:
        assert visits.overdue_visits(s, today=TODAY) == []
