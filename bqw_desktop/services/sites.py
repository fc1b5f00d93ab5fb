"""The site register: add, change, delete and list grassroots organizations."""

from __future__ import annotations

import unicodedata
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from bqw_desktop.db.models import Candidacy, Site
from bqw_desktop.domain.divisions import Divisions, load_divisions
from bqw_desktop.domain.search_keys import search_key
from bqw_desktop.domain.vocab import (
    INSTITUTION_KIND_LABELS,
    LEVEL_ORDER,
    ORG_TYPE_LABELS,
    OrgType,
    org_type_label,
)
from bqw_desktop.errors import UserError
from bqw_desktop.services import checklists, offices, records, units
from bqw_desktop.services.context import Actor

EDITABLE = ("name", "org_type", "org_kind", "region_code", "parent_org", "secretary",
            "member_count", "contact", "phone", "address", "notes")
TEXT_LIMITS = {"name": 200, "parent_org": 200, "secretary": 50, "contact": 50, "phone": 50,
               "address": 200, "notes": 5000}
FIELD_LABELS = {"name": "名称", "org_type": "党组织类型", "org_kind": "事业单位类别",
                "region_code": "所属行政区划", "parent_org": "上级党组织", "secretary": "书记",
                "member_count": "党员人数", "contact": "联系人", "phone": "联系电话",
                "address": "地址", "notes": "备注"}
# Candidacies that no longer bid for anything; a site shows them only when it has no other.
ENDED = frozenset({"withdrawn", "not_selected", "eliminated"})


class SiteRow(NamedTuple):
    """One line of the register, as plain data (a tuple: 15,000 of them build fast)."""

    id: str
    name: str
    org_type: str
    org_kind: str | None
    region_code: str
    secretary: str
    member_count: int | None
    phone: str
    owner_office: str
    level: str | None
    status: str | None
    ticks_met: int
    ticks_total: int
    search_key: str

    @property
    def org_type_label(self) -> str:
        return org_type_label(self.org_type, self.org_kind)

    def as_json(self) -> dict[str, Any]:
        data = self._asdict()
        del data["search_key"]
        return data


def clean_text(value: Any) -> str:
    """Full-width letters and digits to half-width, spaces trimmed: as people mean them."""
    text = "" if value is None else str(value)
    return unicodedata.normalize("NFKC", text).strip()


def validate(fields: dict[str, Any], *, scope: set[str] | None = None,
             divisions: Divisions | None = None) -> dict[str, Any]:
    """Cleaned fields, or a UserError naming the first bad field in Chinese.

    Region codes are checked against `divisions` (default: the shipped table); a code in
    `scope` is known too, so a scope worked out from the merged tree admits added units.
    """
    out = dict(fields)
    for key in ("name", "parent_org", "secretary", "contact", "phone", "address", "notes"):
        if key in out:
            out[key] = clean_text(out[key]) if key != "notes" else ("" if out[key] is None else str(out[key]).strip())
            if len(out[key]) > TEXT_LIMITS[key]:
                raise UserError(f"“{FIELD_LABELS[key]}”过长（最多 {TEXT_LIMITS[key]} 字）。")
    if "name" in out and not out["name"]:
        raise UserError("“名称”不能为空。")
    if "org_type" in out:
        out["org_type"] = _org_type_key(out["org_type"])
        if out["org_type"] != OrgType.INSTITUTION:
            out["org_kind"] = None
    if out.get("org_kind") and out["org_kind"] not in INSTITUTION_KIND_LABELS:
        raise UserError(f"事业单位类别“{out['org_kind']}”无效，应为文化、卫生、体育或其他。")
    if "member_count" in out:
        out["member_count"] = _member_count(out["member_count"])
    if "region_code" in out:
        code = clean_text(out["region_code"])
        if code not in (divisions or load_divisions()) and (scope is None or code not in scope):
            raise UserError(f"“所属行政区划”代码“{code}”不在行政区划表中。")
        if scope is not None and code not in scope:
            raise UserError(f"“所属行政区划”{code} 不在本单位管辖范围内。")
        out["region_code"] = code
    return out


def _org_type_key(value: Any) -> str:
    text = clean_text(value)
    if text in ORG_TYPE_LABELS:
        return text
    for key, label in ORG_TYPE_LABELS.items():
        if text in (label, label.removesuffix("党组织").removesuffix("党委")):
            return key
    names = "、".join(ORG_TYPE_LABELS.values())
    raise UserError(f"党组织类型“{text}”无效，应为以下之一：{names}。")


def _member_count(value: Any) -> int | None:
    if value is None or clean_text(value) == "":
        return None
    text = clean_text(value)
    if not text.isdigit():
        raise UserError(f"“党员人数”应为不小于0的整数，现为“{text}”。")
    count = int(text)
    if count > 1_000_000:
        raise UserError(f"“党员人数”{count} 不合常理，请核对。")
    return count


def key_for(name: str, region_code: str, secretary: str = "", *, divisions: Divisions | None = None) -> str:
    """The register's search key: name, region and secretary with their pinyin.

    `divisions` gives the region's name (default: the shipped table).
    """
    region = (divisions or load_divisions()).get(region_code)
    return search_key(name, region.name if region else "", secretary)


def add_site(session: Session, actor: Actor, **fields: Any) -> Site:
    """Register a site owned by the actor's office; the region defaults to the office's own."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise UserError(f"未知字段：{', '.join(sorted(unknown))}。")
    office = offices.this_office(session)
    fields.setdefault("region_code", office.code if office.tier != "system" else office.parent_code)
    fields.setdefault("org_kind", None)
    missing = [FIELD_LABELS[k] for k in ("name", "org_type") if not fields.get(k)]
    if missing:
        raise UserError(f"请填写{'、'.join(missing)}。")
    divisions = units.divisions_of(session)
    clean = validate(fields, scope=offices.scope_codes(office, divisions), divisions=divisions)
    clean["search_key"] = key_for(clean["name"], clean["region_code"], clean.get("secretary", ""),
                                  divisions=divisions)
    site = records.create(session, actor, Site, **clean)
    checklists.recount_progress(session, site.id)
    return site


def update_site(session: Session, actor: Actor, site_id: str, **changes: Any) -> Site:
    site = records.get_live(session, Site, site_id, label="示范点")
    records.ensure_owner(site, actor)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise UserError(f"未知字段：{', '.join(sorted(unknown))}。")
    office = offices.this_office(session)
    divisions = units.divisions_of(session)
    clean = validate(changes, scope=offices.scope_codes(office, divisions), divisions=divisions)
    if clean.get("org_type") and clean["org_type"] != OrgType.INSTITUTION:
        clean["org_kind"] = None
    records.update(session, actor, site, **clean)
    site.search_key = key_for(site.name, site.region_code, site.secretary, divisions=divisions)
    if {"org_type", "org_kind"} & clean.keys():
        checklists.recount_progress(session, site.id)  # ticks outside the new checklist are kept apart
    return site


def delete_site(session: Session, actor: Actor, site_id: str, *, reason: str = "") -> None:
    site = records.get_live(session, Site, site_id, label="示范点")
    records.tombstone(session, actor, site, reason=reason)


def get_site(session: Session, site_id: str) -> Site:
    return records.get_live(session, Site, site_id, label="示范点")


def list_sites(session: Session) -> list[SiteRow]:
    """Every live site with its highest live bid (level and status), as plain rows."""
    bids = _best_bids(session)
    columns = (Site.id, Site.name, Site.org_type, Site.org_kind, Site.region_code, Site.secretary,
               Site.member_count, Site.phone, Site.owner_office, Site.ticks_met, Site.ticks_total,
               Site.search_key)
    query = select(*columns).where(Site.deleted.is_(False)).order_by(Site.region_code, Site.name)
    none = (None, None)
    rows = session.connection().execute(query)  # plain rows: the ORM's row handling costs ~40% more here
    return [
        SiteRow(i, name, org_type, kind, region, secretary, members, phone, owner,
                *bids.get(i, none), met, total, key)
        for i, name, org_type, kind, region, secretary, members, phone, owner, met, total, key
        in rows
    ]


def _best_bids(session: Session) -> dict[str, tuple[str, str]]:
    """Per site, the candidacy it stands by: live ones first, then the highest level."""
    best: dict[str, tuple[tuple[int, int], str, str]] = {}
    query = select(Candidacy.site_id, Candidacy.level, Candidacy.status).where(Candidacy.deleted.is_(False))
    for site_id, level, status in session.connection().execute(query):
        rank = (0 if status in ENDED else 1, LEVEL_ORDER.get(level, 0))
        if site_id not in best or rank > best[site_id][0]:
            best[site_id] = (rank, level, status)
    return {site_id: (level, status) for site_id, (_, level, status) in best.items()}
