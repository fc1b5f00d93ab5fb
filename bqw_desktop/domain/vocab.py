"""The campaign's fixed vocabulary: short English keys, Chinese labels.

Keys are stored in the database and carried in packages; labels are what people read.
"""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    """What kind of office an installation is."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    SYSTEM = "system"  # 省直机关工委、国资委系统、教育工委…: nominates straight to the province


TIER_LABELS: dict[str, str] = {
    Tier.PROVINCE: "省委组织部",
    Tier.CITY: "市州委组织部",
    Tier.COUNTY: "县市区委组织部",
    Tier.SYSTEM: "省直机关/系统",
}


class Level(StrEnum):
    """The level of a demonstration site (示范点)."""

    COUNTY = "county"
    CITY = "city"
    PROVINCE = "province"


LEVEL_LABELS: dict[str, str] = {
    Level.COUNTY: "县级",
    Level.CITY: "市级",
    Level.PROVINCE: "省级",
}

LEVEL_ORDER: dict[str, int] = {Level.COUNTY: 1, Level.CITY: 2, Level.PROVINCE: 3}


class OrgType(StrEnum):
    """The notice's eleven kinds of grassroots party organization."""

    TOWNSHIP = "township"
    VILLAGE = "village"
    SUBDISTRICT = "subdistrict"
    COMMUNITY = "community"
    SOE = "soe"
    ORGAN = "organ"
    SCHOOL = "school"
    RESEARCH = "research"
    INSTITUTION = "institution"  # 文化、卫生、体育等事业单位, see InstitutionKind
    PRIVATE = "private"
    SOCIAL = "social"


ORG_TYPE_LABELS: dict[str, str] = {
    OrgType.TOWNSHIP: "乡镇党委",
    OrgType.VILLAGE: "村党组织",
    OrgType.SUBDISTRICT: "街道党组织",
    OrgType.COMMUNITY: "社区党组织",
    OrgType.SOE: "国有企业党组织",
    OrgType.ORGAN: "机关党组织",
    OrgType.SCHOOL: "学校党组织",
    OrgType.RESEARCH: "科研单位党组织",
    OrgType.INSTITUTION: "文化、卫生、体育等事业单位党组织",
    OrgType.PRIVATE: "非公有制经济组织党组织",
    OrgType.SOCIAL: "社会组织党组织",
}


class InstitutionKind(StrEnum):
    """The notice sets different emphases for culture, health and sport institutions."""

    CULTURE = "culture"
    HEALTH = "health"
    SPORT = "sport"
    OTHER = "other"


INSTITUTION_KIND_LABELS: dict[str, str] = {
    InstitutionKind.CULTURE: "文化",
    InstitutionKind.HEALTH: "卫生",
    InstitutionKind.SPORT: "体育",
    InstitutionKind.OTHER: "其他事业单位",
}


def org_type_label(org_type: str, kind: str | None = None) -> str:
    """The Chinese name of an organization type, with the institution kind where it has one."""
    label = ORG_TYPE_LABELS.get(org_type, org_type)
    if org_type == OrgType.INSTITUTION and kind in INSTITUTION_KIND_LABELS:
        return f"{label}（{INSTITUTION_KIND_LABELS[kind]}）"
    return label
