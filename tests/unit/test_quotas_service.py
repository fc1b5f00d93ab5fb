"""Quotas as stored: organization counts, allocation proposals, saving, adjusting, places used."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bqw_desktop.db.models import OrgCount, Quota, Unit
from bqw_desktop.domain.divisions import load_divisions
from bqw_desktop.errors import NotFoundError, UserError
from bqw_desktop.services import campaigns, candidacies, quotas, records, sites
from bqw_desktop.services.bulk import insert_rows, owned_rows
from bqw_desktop.services.context import Actor
from bqw_desktop.services.offices import init_office

PROVINCE, CITY, COUNTY = "430000", "430100", "430121"
HUNAN_CITIES = [d.code for d in load_divisions().children(PROVINCE)]
CHANGSHA_COUNTIES = [d.code for d in load_divisions().children(CITY)]


def actor(code: str) -> Actor:
    return Actor(user=f"clerk-{code}", office_code=code)


@pytest.fixture
def province_db(tmp_path: Path):
    db = init_office(tmp_path / "province.sqlite3", tier="province", code=PROVINCE, user="tester")
    with db.begin() as s:
        campaigns.ensure_default_campaign(s, actor(PROVINCE))
    yield db
    db.close()


def counts(db, code: str, values: dict[str, int]) -> None:
    with db.begin() as s:
        quotas.set_org_counts(s, actor(code), values)


def propose(db, level: str, **kw) -> quotas.AllocationPlan:
    with db.begin() as s:
        return quotas.propose_allocation(s, level=level, **kw)


def test_province_shares_city_places_by_largest_remainder_and_shows_the_arithmetic(province_db):
    values = {code: 1000 + 7 * i for i, code in enumerate(HUNAN_CITIES)}
    counts(province_db, PROVINCE, values)
    plan = propose(province_db, "city")
    assert plan.allocation.total == 1000 and plan.allocation.assigned == 1000
    rows = {r["unit_code"]: r for r in plan.as_json()}
    total_orgs = sum(values.values())
    for code, orgs in values.items():
        exact = 1000 * orgs / total_orgs
        assert rows[code]["organizations"] == orgs
        assert rows[code]["exact_share"] == f"{exact:.4f}"
        assert rows[code]["seats"] in (int(exact), int(exact) + 1)
        assert rows[code]["floor"] == int(exact)
    assert rows[CITY]["name"] == "长沙市"


def test_ties_go_to_more_organizations_then_the_smaller_code_and_zero_gets_nothing(province_db):
    # Two places for units of 1 and 3 organizations: shares 0.5 and 1.5, equal remainders.
    first, second, *rest = HUNAN_CITIES
    counts(province_db, PROVINCE, {first: 1, second: 3, **{c: 0 for c in rest}})
    seats = propose(province_db, "city", total=2).allocation.seats_by_code
    assert (seats[first], seats[second]) == (0, 2)
    assert all(seats[c] == 0 for c in rest)  # no organizations, no places
    # Fewer places than units, all equal: the smallest codes win.
    counts(province_db, PROVINCE, {c: 500 for c in HUNAN_CITIES})
    seats = propose(province_db, "city", total=3).allocation.seats_by_code
    assert [c for c in HUNAN_CITIES if seats[c]] == sorted(HUNAN_CITIES)[:3]


def test_provincial_places_go_to_cities_and_system_offices(province_db):
    with province_db.begin() as s:
        records.create(s, actor(PROVINCE), Unit, code="430000-S01", name="省直机关工委", parent_code=PROVINCE,
                       tier="system")
    counts(province_db, PROVINCE, {**{c: 1000 for c in HUNAN_CITIES}, "430000-S01": 6000})
    plan = propose(province_db, "province")
    seats = plan.allocation.seats_by_code
    assert sum(seats.values()) == 100 and seats["430000-S01"] == 30
    assert "430000-S01" not in propose(province_db, "county").allocation.seats_by_code  # systems set their own


def test_units_without_a_count_are_named_and_counted_as_zero(province_db):
    counts(province_db, PROVINCE, {CITY: 100})
    plan = propose(province_db, "city")
    assert plan.allocation.seats_by_code[CITY] == 1000
    assert set(plan.missing_counts) == set(HUNAN_CITIES) - {CITY}


def test_with_no_counts_at_all_the_proposal_is_refused(province_db):
    with pytest.raises(UserError, match="尚未录入各下级单位的基层党组织数"):
        propose(province_db, "city")


def test_saving_stores_rows_of_the_allotting_office_with_adjustment_reasons(province_db):
    counts(province_db, PROVINCE, {c: 1000 for c in HUNAN_CITIES})
    plan = propose(province_db, "city")
    before = plan.allocation.seats_by_code[CITY]
    plan = quotas.adjusted(plan, unit_code=CITY, seats=before + 5, reason="省会城市基础较好")
    with province_db.begin() as s:
        assert quotas.save_allocation(s, actor(PROVINCE), plan=plan) == len(HUNAN_CITIES)
        again = quotas.propose_allocation(s, level="city")
        assert quotas.save_allocation(s, actor(PROVINCE), plan=quotas.adjusted(
            again, unit_code=CITY, seats=before + 5, reason="省会城市基础较好")) == 0
    with province_db.begin() as s:
        rows = {q.unit_code: q for q in s.scalars(select(Quota))}
    assert {q.owner_office for q in rows.values()} == {PROVINCE}
    assert rows[CITY].seats == before + 5
    assert rows[CITY].reason == f"原{before}个，调为{before + 5}个：省会城市基础较好"
    assert rows[CITY].exact_share == plan.allocation.share(CITY).exact_text
    assert again.saved[CITY] == before + 5


def test_adjusting_a_saved_quota_needs_a_reason_and_keeps_the_history(province_db):
    counts(province_db, PROVINCE, {c: 1000 for c in HUNAN_CITIES})
    with province_db.begin() as s:
        quotas.save_allocation(s, actor(PROVINCE), plan=quotas.propose_allocation(s, level="city"))
    with pytest.raises(UserError, match="必须填写调整原因"), province_db.begin() as s:
        quotas.adjust_quota(s, actor(PROVINCE), level="city", unit_code=CITY, seats=80, reason=" ")
    with province_db.begin() as s:
        original = s.scalar(select(Quota.seats).where(Quota.unit_code == CITY))
        quotas.adjust_quota(s, actor(PROVINCE), level="city", unit_code=CITY, seats=80, reason="第一次")
        row = quotas.adjust_quota(s, actor(PROVINCE), level="city", unit_code=CITY, seats=81, reason="第二次")
        assert row.reason == f"原{original}个，调为80个：第一次；原80个，调为81个：第二次"
        assert row.version == 3
    with pytest.raises(NotFoundError, match="尚未给单位“430000-S09”分配"), province_db.begin() as s:
        quotas.adjust_quota(s, actor(PROVINCE), level="city", unit_code="430000-S09", seats=1, reason="x")


def test_a_city_passes_its_county_level_share_on_to_its_counties(city_db):
    with city_db.begin() as s:
        campaign_id = campaigns.ensure_default_campaign(s, actor(CITY)).id
    with pytest.raises(UserError, match="尚未收到上级分配给本单位的县级示范点名额"):
        propose(city_db, "county")
    with city_db.engine.begin() as conn:  # the province's allocation, arrived in a package
        insert_rows(conn, Quota, owned_rows(Quota, [{"campaign_id": campaign_id, "level": "county",
                                                     "unit_code": CITY, "seats": 608}], owner=PROVINCE, user="省"))
    counts(city_db, CITY, {c: 900 + i for i, c in enumerate(CHANGSHA_COUNTIES)})
    plan = propose(city_db, "county")
    assert plan.allocation.total == 608 and plan.allocation.assigned == 608
    assert set(plan.allocation.seats_by_code) == set(CHANGSHA_COUNTIES)
    assert propose(city_db, "county", total=10).allocation.assigned == 10
    with pytest.raises(UserError, match="市级示范点名额由省委组织部分配"):
        propose(city_db, "city")


def test_a_county_has_nothing_to_allocate(county_db):
    with pytest.raises(UserError, match="没有下级单位可分配名额"):
        propose(county_db, "county")


def test_org_counts_only_for_the_office_and_the_units_it_allots_to(city_db):
    with city_db.begin() as s:
        quotas.set_org_count(s, actor(CITY), unit_code=COUNTY, organizations=1200)
        quotas.set_org_count(s, actor(CITY), unit_code=COUNTY, organizations="1250", as_of=date(2010, 12, 31))
        quotas.set_org_count(s, actor(CITY), unit_code=CITY, organizations=9000)
    with pytest.raises(UserError, match="不是本单位或本单位分配名额的下级单位"), city_db.begin() as s:
        quotas.set_org_count(s, actor(CITY), unit_code="430211", organizations=10)
    with pytest.raises(UserError, match="应为不小于0的整数"), city_db.begin() as s:
        quotas.set_org_count(s, actor(CITY), unit_code=COUNTY, organizations=-3)
    with city_db.begin() as s:
        row = s.scalar(select(OrgCount).where(OrgCount.unit_code == COUNTY))
        assert (row.organizations, row.version, row.owner_office) == (1250, 2, CITY)
        assert quotas.org_counts(s) == {COUNTY: 1250, CITY: 9000}


def test_own_count_wins_over_one_received_from_another_office(city_db):
    with city_db.engine.begin() as conn:
        insert_rows(conn, OrgCount, owned_rows(OrgCount, [{"unit_code": CITY, "organizations": 8000}],
                                               owner=PROVINCE, user="省"))
    with city_db.begin() as s:
        assert quotas.org_counts(s)[CITY] == 8000
        quotas.set_org_count(s, actor(CITY), unit_code=CITY, organizations=8123)
        assert quotas.org_counts(s)[CITY] == 8123


def test_quota_unit_follows_the_level_and_the_registrant():
    unit = quotas.quota_unit
    assert unit(level="province", region_code=COUNTY, registrant_code=COUNTY, registrant_tier="county") == CITY
    assert unit(level="city", region_code=COUNTY, registrant_code=COUNTY, registrant_tier="county") == CITY
    assert unit(level="county", region_code=COUNTY, registrant_code=COUNTY, registrant_tier="county") == COUNTY
    assert unit(level="province", region_code="430102", registrant_code="430000-S01",
                registrant_tier="system") == "430000-S01"
    assert unit(level="county", region_code="430102", registrant_code="430000-S01", registrant_tier="system") is None


def test_usage_counts_approved_bids_not_withdrawn_ones_and_rolls_up_to_the_city(province_db):
    with province_db.begin() as s:
        cid = campaigns.current_campaign(s).id
    with province_db.engine.begin() as conn:
        insert_rows(conn, Quota, owned_rows(Quota, [{"campaign_id": cid, "level": "province", "unit_code": CITY,
                                                     "seats": 4}], owner=PROVINCE, user="省"))
    ids = []
    for name in ("一村党支部", "二村党支部", "三村党支部"):
        with province_db.begin() as s:
            site = sites.add_site(s, actor(PROVINCE), name=name, org_type="village", region_code=COUNTY)
            ids.append(candidacies.create_candidacy(s, actor(PROVINCE), site_id=site.id, level="province").id)
    for cid_, to in ((ids[0], "approved"), (ids[1], "approved"), (ids[1], "withdrawn")):
        with province_db.begin() as s:
            candidacies.advance(s, actor(PROVINCE), candidacy_id=cid_, to_status=to, today=date(2011, 5, 20))
    with province_db.begin() as s:
        usage = quotas.usage(s, level="province")
        line = candidacies.quota_line(s, ids[2])
    assert usage[CITY] == (1, 4) and usage[CITY].remaining == 3
    assert line.text == "长沙市 省级名额 1/4"
