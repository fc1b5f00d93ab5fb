"""The people register, assignments with history, and the per-liaison view."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bqw_desktop.errors import OwnershipError, UserError
from bqw_desktop.services import people, sites, visits
from bqw_desktop.services.context import Actor

TODAY = date(2012, 3, 1)


@pytest.fixture
def two_sites(county_db, county_actor):
    with county_db.begin() as s:
        return (sites.add_site(s, county_actor, name="甲村党支部", org_type="village").id,
                sites.add_site(s, county_actor, name="乙社区党委", org_type="community").id)


def test_person_register(county_db, county_actor):
    with county_db.begin() as s:
        people.add_person(s, county_actor, name=" 张三 ", unit="星沙街道", post="组织委员", phone="１３８００")
        with pytest.raises(UserError, match="已在名册中"):
            people.add_person(s, county_actor, name="张三", unit="星沙街道")
        with pytest.raises(UserError, match="姓名"):
            people.add_person(s, county_actor, name="")
        [row] = people.list_people(s)
    assert (row.name, row.unit, row.post, row.phone, row.current_sites) == ("张三", "星沙街道", "组织委员", "13800", 0)


def test_reassignment_keeps_history(county_db, county_actor, two_sites):
    site, _ = two_sites
    with county_db.begin() as s:
        a = people.add_person(s, county_actor, name="张三").id
        b = people.add_person(s, county_actor, name="李四").id
        leader = people.add_person(s, county_actor, name="王书记", post="镇党委书记").id
        people.assign(s, county_actor, site_id=site, person_id=a, role="liaison", start_date=date(2011, 6, 1))
        people.assign(s, county_actor, site_id=site, person_id=leader, role="主要领导", start_date=date(2011, 6, 1))
        with pytest.raises(UserError, match="已是"):
            people.assign(s, county_actor, site_id=site, person_id=a, role="联络员", start_date=date(2011, 7, 1))
        with pytest.raises(UserError, match="早于现任"):
            people.assign(s, county_actor, site_id=site, person_id=b, role="联络员", start_date=date(2011, 5, 1))
        people.assign(s, county_actor, site_id=site, person_id=b, role="联络员", start_date=date(2012, 1, 1))
    with county_db.begin() as s:
        rows = people.assignments_of(s, site)
    assert [(r.person_name, r.role_label, r.current) for r in rows] == [
        ("王书记", "主要领导", True), ("李四", "联络员", True), ("张三", "联络员", False)]
    assert rows[2].end_date == date(2012, 1, 1)


def test_unknown_role_is_refused(county_db, county_actor, two_sites):
    with county_db.begin() as s:
        a = people.add_person(s, county_actor, name="张三").id
        with pytest.raises(UserError, match="职责"):
            people.assign(s, county_actor, site_id=two_sites[0], person_id=a, role="boss", start_date=TODAY)


def test_another_offices_assignment_is_left_alone(city_db):
    """The city's liaison for a county site is the city's own; the county's stays current."""
    from bqw_desktop.db.models import Assignment, Person, Site

    with city_db.begin() as s:
        s.info["merging"] = True
        s.add(Site(id="s1", owner_office="430121", name="甲村", org_type="village", region_code="430121"))
        s.add(Person(id="p1", owner_office="430121", name="县联络员"))
        s.add(Assignment(id="a1", owner_office="430121", site_id="s1", person_id="p1", role="liaison",
                         start_date=date(2011, 6, 1)))
    city = Actor(user="c", office_code="430100")
    with city_db.begin() as s:
        p = people.add_person(s, city, name="市联络员").id
        people.assign(s, city, site_id="s1", person_id=p, role="liaison", start_date=date(2012, 1, 1))
        with pytest.raises(OwnershipError):
            people.end_assignment(s, city, assignment_id="a1", end_date=TODAY)
    with city_db.begin() as s:
        assert sorted(r.person_name for r in people.assignments_of(s, "s1") if r.current) == ["县联络员", "市联络员"]


def test_person_with_current_sites_cannot_be_deleted(county_db, county_actor, two_sites):
    with county_db.begin() as s:
        a = people.add_person(s, county_actor, name="张三").id
        held = people.assign(s, county_actor, site_id=two_sites[0], person_id=a, role="联络员", start_date=TODAY)
        with pytest.raises(UserError, match="仍在 1 个示范点任职"):
            people.delete_person(s, county_actor, a)
        people.end_assignment(s, county_actor, assignment_id=held.id, end_date=TODAY)
        people.delete_person(s, county_actor, a)
        assert people.list_people(s) == []


def test_liaison_view_and_summary(county_db, county_actor, two_sites):
    visited, never = two_sites
    with county_db.begin() as s:
        a = people.add_person(s, county_actor, name="张三", unit="县委组织部").id
        for site in two_sites:
            people.assign(s, county_actor, site_id=site, person_id=a, role="联络员", start_date=date(2011, 6, 1))
        visits.record_visit(s, county_actor, site_id=visited, visit_date=TODAY - timedelta(days=10),
                            kind="指导", visitors="张三", today=TODAY)
    with county_db.begin() as s:
        rows = people.liaison_view(s, person_id=a, today=TODAY)
        summary = people.liaison_summary(s, today=TODAY)
    assert [(r.site_id, r.overdue) for r in rows] == [(never, True), (visited, False)]
    assert rows[0].last_visit is None and rows[0].next_due == date(2011, 6, 1) + timedelta(days=90)
    assert rows[1].last_visit == TODAY - timedelta(days=10) and rows[1].next_due == TODAY + timedelta(days=80)
    assert [(r.name, r.sites, r.overdue, r.last_visit) for r in summary] == [
        ("张三", 2, 1, TODAY - timedelta(days=10))]
