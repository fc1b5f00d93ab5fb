"""Demo stage: the site register over the office's subtree.

Each county-level division gets a plausible mix of grassroots party organizations: township
committees and their villages, subdistricts and their communities, schools, hospitals,
culture centres, state and private enterprises, social organizations and government organs,
with secretaries, member counts, telephones and parent organizations. Every site is owned by
its county's office, as if it had come up in that county's packages; in a county demo that
is the office itself. Names are unique within a county.

Leaves in `ctx.shared["sites"]` a list of plain tuples
(id, owner_office, region_code, org_type, org_kind, name), in insertion order.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bqw_desktop.db.models import Site
from bqw_desktop.domain.divisions import Division, load_divisions
from bqw_desktop.domain.search_keys import search_key
from bqw_desktop.domain.vocab import InstitutionKind, OrgType
from bqw_desktop.services.bulk import insert_rows, owned_rows
from bqw_desktop.services.demo import names

LABEL = "示范点"

# Share of each organization type among a county's sites: (rural county, urban district).
_MIX: dict[str, tuple[float, float]] = {
    OrgType.TOWNSHIP: (0.07, 0.02),
    OrgType.VILLAGE: (0.40, 0.08),
    OrgType.SUBDISTRICT: (0.02, 0.06),
    OrgType.COMMUNITY: (0.10, 0.33),
    OrgType.SCHOOL: (0.08, 0.10),
    OrgType.INSTITUTION: (0.09, 0.10),
    OrgType.SOE: (0.04, 0.07),
    OrgType.PRIVATE: (0.09, 0.13),
    OrgType.SOCIAL: (0.03, 0.05),
    OrgType.ORGAN: (0.07, 0.05),
    OrgType.RESEARCH: (0.01, 0.01),
}
# Party members by organization type: (fewest, most).
_MEMBERS: dict[str, tuple[int, int]] = {
    OrgType.TOWNSHIP: (45, 180), OrgType.VILLAGE: (22, 110), OrgType.SUBDISTRICT: (40, 160),
    OrgType.COMMUNITY: (18, 150), OrgType.SCHOOL: (12, 120), OrgType.INSTITUTION: (9, 260),
    OrgType.SOE: (15, 320), OrgType.PRIVATE: (3, 60), OrgType.SOCIAL: (3, 25),
    OrgType.ORGAN: (8, 85), OrgType.RESEARCH: (5, 45),
}
_INSTITUTION_KINDS: tuple[str, ...] = (InstitutionKind.HEALTH, InstitutionKind.CULTURE,
                                       InstitutionKind.SPORT, InstitutionKind.OTHER)
_INSTITUTION_WEIGHTS = (45, 30, 10, 15)

# Fixed units most counties have; {c} is the county's name. Drawn without replacement.
_TEMPLATES: dict[str, tuple[str, ...]] = {
    OrgType.SCHOOL: ("{c}第一中学党委", "{c}第二中学党委", "{c}第三中学党总支", "{c}实验中学党总支",
                     "{c}实验小学党支部", "{c}职业中等专业学校党委", "{c}第一完全小学党支部",
                     "{c}特殊教育学校党支部", "{c}机关幼儿园党支部", "{c}进修学校党支部"),
    InstitutionKind.HEALTH: ("{c}人民医院党委", "{c}中医医院党委", "{c}妇幼保健院党总支",
                             "{c}疾病预防控制中心党支部", "{c}第二人民医院党总支",
                             "{c}精神病医院党支部", "{c}卫生监督所党支部"),
    InstitutionKind.CULTURE: ("{c}文化馆党支部", "{c}图书馆党支部", "{c}融媒体中心党支部",
                              "{c}博物馆党支部", "{c}花鼓戏剧团党支部", "{c}文物管理所党支部"),
    InstitutionKind.SPORT: ("{c}体育中心党支部", "{c}业余体育学校党支部", "{c}全民健身服务中心党支部"),
    InstitutionKind.OTHER: ("{c}农业技术推广中心党支部", "{c}不动产登记中心党支部",
                            "{c}公共资源交易中心党支部", "{c}水利水电勘测设计院党支部",
                            "{c}政务服务中心党支部"),
    OrgType.SOE: ("{c}城市建设投资集团有限公司党委", "{c}交通建设投资有限公司党支部",
                  "{c}国有资产经营有限公司党支部", "{c}自来水有限公司党支部",
                  "{c}公共交通有限公司党支部", "国网湖南省电力有限公司{c}供电分公司党委",
                  "{c}农村商业银行党委", "{c}粮食购销有限公司党支部", "{c}文化旅游投资有限公司党支部",
                  "{c}烟草专卖局（分公司）党支部", "{c}园林绿化有限公司党支部"),
    OrgType.SOCIAL: ("{c}个体劳动者协会党支部", "{c}律师协会党支部", "{c}社会工作者协会党支部",
                     "{c}义工联合会党支部", "{c}物流行业协会党支部", "{c}民办教育协会党支部",
                     "{c}餐饮行业协会党支部", "{c}志愿者协会党支部"),
    OrgType.ORGAN: ("中共{c}委组织部机关党支部", "{c}财政局机关党支部", "{c}发展和改革局机关党支部",
                    "{c}人民法院机关党委", "{c}人民检察院机关党支部", "{c}公安局机关党委",
                    "{c}农业农村局机关党支部", "{c}自然资源局机关党支部",
                    "{c}人力资源和社会保障局机关党支部", "{c}住房和城乡建设局机关党支部",
                    "{c}市场监督管理局机关党支部", "国家税务总局{c}税务局机关党委", "{c}民政局机关党支部",
                    "{c}审计局机关党支部", "{c}统计局机关党支部", "{c}水利局机关党支部",
                    "{c}交通运输局机关党支部", "{c}应急管理局机关党支部"),
    OrgType.RESEARCH: ("{c}农业科学研究所党支部", "{c}林业科学研究所党支部", "{c}蔬菜研究所党支部",
                       "{c}畜牧水产研究所党支部", "{c}茶叶研究所党支部"),
}
_PARENTS: dict[str, str] = {
    OrgType.TOWNSHIP: "中共{c}委员会", OrgType.SUBDISTRICT: "中共{c}委员会",
    OrgType.SCHOOL: "中共{c}教育局委员会", InstitutionKind.HEALTH: "中共{c}卫生健康局委员会",
    InstitutionKind.CULTURE: "中共{c}文化旅游广电体育局党组", InstitutionKind.SPORT: "中共{c}文化旅游广电体育局党组",
    InstitutionKind.OTHER: "中共{c}直属机关工作委员会", OrgType.SOE: "中共{c}委企业工作委员会",
    OrgType.PRIVATE: "中共{c}非公有制经济组织和社会组织工作委员会",
    OrgType.SOCIAL: "中共{c}非公有制经济组织和社会组织工作委员会",
    OrgType.ORGAN: "中共{c}直属机关工作委员会", OrgType.RESEARCH: "中共{c}直属机关工作委员会",
}
_BRANCHES = ("党支部", "党总支", "党委")
_BRANCH_WEIGHTS = (55, 35, 10)


def sites_per_county(scale: str, rng: random.Random) -> int:
    """How many sites a county gets: a fuller register for a county demo."""
    return rng.randint(170, 230) if scale == "county" else rng.randint(110, 136)


def counties_of(code: str) -> list[Division]:
    """The county-level divisions in the subtree of `code` (itself, if it is one)."""
    divisions = load_divisions()
    return [d for c in divisions.subtree(code) if (d := divisions.get(c)) and d.level == "county"]


def run(ctx: Any) -> None:
    """Insert the sites of every county under the office, one owner per county."""
    total = 0
    shared: list[tuple[str, str, str, str, str | None, str]] = []
    for county in counties_of(ctx.office.code):
        rows = county_sites(county, sites_per_county(ctx.scale, ctx.rng), ctx.rng)
        full = list(owned_rows(Site, rows, owner=county.code, user=ctx.actor.user))
        total += insert_rows(ctx.conn, Site, full)
        shared.extend((r["id"], r["owner_office"], r["region_code"], r["org_type"], r["org_kind"], r["name"])
                      for r in full)
    ctx.shared["sites"] = shared
    ctx.counts["sites"] = total


@dataclass
class _County:
    """What one county's generator needs to keep names unique and consistent."""

    division: Division
    rng: random.Random
    urban: bool
    taken: set[str] = field(default_factory=set)
    towns: list[str] = field(default_factory=list)  # "黄花镇", "白沙乡"
    streets: list[str] = field(default_factory=list)  # "星沙街道"
    templates: dict[str, list[str]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.division.name


def county_sites(county: Division, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """`count` site rows (content and search key, no owned columns) for one county."""
    c = _County(county, rng, urban=county.name.endswith("区"))
    c.templates = {key: list(values) for key, values in _TEMPLATES.items()}
    types = _type_sequence(count, urban=c.urban)
    towns = max(types.count(OrgType.TOWNSHIP), rng.randint(2, 5) if c.urban else rng.randint(9, 16))
    streets = max(types.count(OrgType.SUBDISTRICT), rng.randint(6, 12) if c.urban else rng.randint(2, 4))
    c.towns = _unique(c, lambda: names.town_name(rng) + ("镇" if rng.random() < 0.8 else "乡"), towns)
    c.streets = _unique(c, lambda: names.town_name(rng) + "街道", streets)
    rows = []
    seen: dict[str, int] = {}
    for org_type in types:
        kind = _institution_kind(rng) if org_type == OrgType.INSTITUTION else None
        index = seen[org_type] = seen.get(org_type, -1) + 1  # the n-th site of its type
        rows.append(_site_row(c, org_type, kind, index=index))
    return rows


def _type_sequence(count: int, *, urban: bool) -> list[str]:
    """Organization types for `count` sites (≥ 40), grouped, in the county's mix."""
    column = 1 if urban else 0
    counts = {t: max(1, round(shares[column] * count)) for t, shares in _MIX.items()}
    rest = OrgType.COMMUNITY if urban else OrgType.VILLAGE
    counts[rest] += count - sum(counts.values())  # villages (communities) take the rounding
    return [t for t in _MIX for _ in range(counts[t])]


def _institution_kind(rng: random.Random) -> str:
    return rng.choices(_INSTITUTION_KINDS, weights=_INSTITUTION_WEIGHTS)[0]


def _unique(c: _County, make: Callable[[], str], count: int) -> list[str]:
    out: list[str] = []
    for _ in range(count):
        out.append(_fresh(c, make))
    return out


def _fresh(c: _County, make: Callable[[], str]) -> str:
    """A name not yet used in this county (tries hard, then numbers it)."""
    for _ in range(60):
        name = make()
        if name not in c.taken:
            c.taken.add(name)
            return name
    base = make()
    n = 2
    while f"{base}{n}" in c.taken:
        n += 1
    c.taken.add(f"{base}{n}")
    return f"{base}{n}"


def _branch(rng: random.Random) -> str:
    return rng.choices(_BRANCHES, weights=_BRANCH_WEIGHTS)[0]


def _site_row(c: _County, org_type: str, kind: str | None, *, index: int) -> dict[str, Any]:
    rng = c.rng
    name, parent, address = _name_parent_address(c, org_type, kind, index=index)
    secretary = names.person_name(rng)
    low, high = _MEMBERS[org_type]
    members = rng.randint(low, high)
    return {
        "name": name, "org_type": str(org_type), "org_kind": str(kind) if kind else None,
        "region_code": c.division.code, "parent_org": parent, "secretary": secretary,
        "member_count": members, "contact": names.person_name(rng),
        "phone": names.phone(rng, region_code=c.division.code), "address": address, "notes": "",
        "search_key": search_key(name, c.name, secretary),
        "ticks_rated": 0, "ticks_met": 0, "ticks_total": 0,
    }


def _name_parent_address(c: _County, org_type: str, kind: str | None, *, index: int) -> tuple[str, str, str]:
    rng, county = c.rng, c.name
    if org_type == OrgType.TOWNSHIP:
        town = c.towns[index % len(c.towns)]
        name = _fresh(c, lambda: f"{county}{town}党委")
        return name, f"中共{county}委员会", f"{county}{town}人民政府"
    if org_type == OrgType.VILLAGE:
        town = rng.choice(c.towns)
        place = ""

        def village() -> str:
            nonlocal place
            place = names.place_name(rng)
            return f"{town}{place}村{rng.choice(('党总支', '党总支', '党支部', '党委'))}"

        name = _fresh(c, village)
        return name, f"中共{county}{town}委员会", f"{county}{town}{place}村村民委员会"
    if org_type == OrgType.SUBDISTRICT:
        street = c.streets[index % len(c.streets)]
        name = _fresh(c, lambda: f"{county}{street}党工委")
        return name, f"中共{county}委员会", f"{county}{street}办事处"
    if org_type == OrgType.COMMUNITY:
        # Towns have communities too, around their seats.
        area = rng.choice(c.streets) if rng.random() < (0.85 if c.urban else 0.6) else rng.choice(c.towns)
        place = ""

        def community() -> str:
            nonlocal place
            place = names.place_name(rng)
            return f"{area}{place}社区{rng.choice(('党委', '党总支', '党支部'))}"

        name = _fresh(c, community)
        unit = "工作委员会" if area.endswith("街道") else "委员会"
        return name, f"中共{county}{area}{unit}", f"{county}{area}{place}社区服务中心"
    if org_type == OrgType.PRIVATE:
        prefix = "湖南" if rng.random() < 0.5 else county
        name = _fresh(c, lambda: names.company_name(rng, prefix=prefix) + _branch(rng))
        return name, _PARENTS[org_type].format(c=county), _street_address(c)
    key = kind or org_type
    name = _fresh(c, lambda: _from_template(c, key))
    return name, _PARENTS[key].format(c=county), _street_address(c)


def _from_template(c: _County, key: str) -> str:
    """The next unused fixed unit of this kind, then place-named ones (镇卫生院, 小学…)."""
    rng, county = c.rng, c.name
    pool = c.templates.get(key, [])
    while pool:
        name = pool.pop(rng.randrange(len(pool))).format(c=county)
        if name not in c.taken:
            return name
    area = rng.choice(c.towns + c.streets)
    street = area.endswith("街道")
    town = rng.choice(c.towns)
    fallback: dict[str, Callable[[], str]] = {
        OrgType.SCHOOL: lambda: rng.choice((f"{county}{town}中学党支部", f"{county}{town}中心小学党支部",
                                            f"{county}{names.place_name(rng)}小学党支部")),
        InstitutionKind.HEALTH: lambda: (f"{county}{area}社区卫生服务中心党支部" if street
                                         else f"{county}{area}卫生院党支部"),
        InstitutionKind.CULTURE: lambda: f"{county}{area}综合文化站党支部",
        InstitutionKind.SPORT: lambda: f"{county}{area}全民健身中心党支部",
        InstitutionKind.OTHER: lambda: (f"{county}{area}便民服务中心党支部" if street
                                        else f"{county}{area}农业综合服务中心党支部"),
        OrgType.SOE: lambda: f"{county}{names.place_name(rng)}投资开发有限公司党支部",
        OrgType.SOCIAL: lambda: f"{county}{names.place_name(rng)}商会党支部",
        OrgType.ORGAN: lambda: (f"{county}{area}办事处机关党支部" if street
                                else f"{county}{area}人民政府机关党支部"),
        OrgType.RESEARCH: lambda: f"{county}{names.place_name(rng)}农业试验站党支部",
    }
    return fallback[key]()


def _street_address(c: _County) -> str:
    rng = c.rng
    road = names.place_name(rng) + rng.choice(("路", "路", "大道", "街"))
    return f"{c.name}{road}{rng.randint(1, 399)}号"
