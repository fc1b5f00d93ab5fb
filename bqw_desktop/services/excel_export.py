"""Exports to Excel: the register, the summary table, quotas, visits, checklists, candidacies.

Each function reads through the services (or plain selects of columns), builds plain rows and
hands them to `excel.writer`, so every export prints on A4 with title, unit and date lines
and keeps text as text (no formula ever). The register (`export_register`) writes exactly
the columns the importer reads back (`SITE_REGISTER_COLUMNS`, with the ID column), so an
exported register imported again changes nothing.

Long exports take `progress(done, total)`; run them off the window's thread.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bqw_desktop.db.models import Candidacy, Site, Tick, Visit
from bqw_desktop.domain.catalogue import load_catalogue
from bqw_desktop.domain.divisions import Divisions
from bqw_desktop.domain.lifecycle import Status
from bqw_desktop.domain.ratings import RATED, Rating
from bqw_desktop.domain.vocab import (
    INSTITUTION_KIND_LABELS,
    LEVEL_LABELS,
    LEVEL_ORDER,
    ORG_TYPE_LABELS,
    Level,
    OrgType,
    Tier,
    org_type_label,
)
from bqw_desktop.errors import UserError
from bqw_desktop.excel.sites_sheet import SITE_REGISTER_COLUMNS
from bqw_desktop.excel.writer import Column, Output, TableSheet, write_register, write_summary, write_tables
from bqw_desktop.services import offices, quotas
from bqw_desktop.services import sites as site_service

Progress = Callable[[int, int], None]
PROGRAMME = "百千万示范带动工程"
KINDS = ("register", "summary", "quota", "visits", "checklists", "candidacies")
KIND_LABELS = {"register": "示范点花名册", "summary": "示范点情况汇总表", "quota": "示范点名额分配及使用情况",
               "visits": "走访检查记录", "checklists": "创建目标完成情况", "candidacies": "示范点申报名单"}
CONFLICT = "conflict"


@dataclass(frozen=True)
class Heading:
    """Title and unit line of one export."""

    title: str
    unit_line: str


def _heading(session: Session, kind: str) -> Heading:
    office = offices.this_office(session)
    return Heading(f"{PROGRAMME}{KIND_LABELS[kind]}", f"填报单位：{office.name}")


def _status_label(status: str | None) -> str:
    if not status:
        return ""
    from bqw_desktop.services.candidacies import status_label

    return status_label(status)


class RegionNames:
    """A region's name as this office writes it: the path below the office (长沙市长沙县 for a
    province, 长沙县 for a city or the county itself)."""

    def __init__(self, session: Session) -> None:
        self.office = offices.this_office(session)
        self.divisions: Divisions = quotas.divisions_of(session)
        self._cache: dict[str, str] = {}
        root = self.office.parent_code if self.office.tier == Tier.SYSTEM else self.office.code
        self._above = {d.code for d in self.divisions.path(root)} if root and root in self.divisions else set()

    def __call__(self, code: str) -> str:
        name = self._cache.get(code)
        if name is None:
            if code in self.divisions:
                path = self.divisions.path(code)
                below = [d.name for d in path if d.code not in self._above]
                name = "".join(below) or path[-1].name
            else:
                name = code
            self._cache[code] = name
        return name


def template_regions(session: Session) -> list[tuple[str, str]]:
    """(code, name) of every region a site of this office may be in, named as the register
    writes them (unique, so a template's drop-down reads back to one code)."""
    names = RegionNames(session)
    scope = offices.scope_codes(names.office, names.divisions)
    return [(code, names(code)) for code in sorted(scope)]


# --- the register ------------------------------------------------------------------------------

_REGISTER_FIELDS = ("id", "name", "org_type", "org_kind", "region_code", "parent_org", "secretary",
                    "member_count", "contact", "phone", "notes")
_ENDED = site_service.ENDED


def register_rows(session: Session, *, site_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The register as rows of `SITE_REGISTER_COLUMNS`: every live site (by region and name),
    or the sites of `site_ids` in that order (the register as filtered and sorted on screen),
    each with the bid it stands by (level, date, status)."""
    bids = _best_bids(session)
    names = RegionNames(session)
    columns = [getattr(Site, k) for k in _REGISTER_FIELDS]
    query = select(*columns).where(Site.deleted.is_(False)).order_by(Site.region_code, Site.name)
    org_labels = {k: v for k, v in ORG_TYPE_LABELS.items()}
    kind_labels = INSTITUTION_KIND_LABELS
    out: dict[str, dict[str, Any]] = {}
    for r in session.execute(query):
        level, applied_on, status = bids.get(r.id, (None, None, None))
        out[r.id] = {
            "id": r.id, "name": r.name, "org_type": org_labels.get(r.org_type, r.org_type),
            "org_kind": kind_labels.get(r.org_kind) if r.org_kind else None,
            "region": names(r.region_code), "region_code": r.region_code,
            "parent_org": r.parent_org or None, "secretary": r.secretary or None,
            "member_count": r.member_count, "contact": r.contact or None, "phone": r.phone or None,
            "level": LEVEL_LABELS.get(level) if level else None, "applied_on": applied_on,
            "status": _status_label(status) or None, "notes": r.notes or None,
        }
    if site_ids is None:
        return list(out.values())
    return [out[i] for i in site_ids if i in out]


def _best_bids(session: Session) -> dict[str, tuple[str, date | None, str]]:
    """Per site, the candidacy it stands by (as the register shows): live ones first, then the
    highest level."""
    best: dict[str, tuple[tuple[int, int], str, date | None, str]] = {}
    query = select(Candidacy.site_id, Candidacy.level, Candidacy.applied_on, Candidacy.status).where(
        Candidacy.deleted.is_(False))
    for site_id, level, applied_on, status in session.execute(query):
        rank = (0 if status in _ENDED else 1, LEVEL_ORDER.get(level, 0))
        if site_id not in best or rank > best[site_id][0]:
            best[site_id] = (rank, level, applied_on, status)
    return {sid: (level, applied_on, status) for sid, (_, level, applied_on, status) in best.items()}


def export_register(session: Session, out: Output, *, site_ids: Sequence[str] | None = None,
                    progress: Progress | None = None, made_on: date | None = None) -> int:
    """The site register (花名册), all sites or those of `site_ids`; returns the rows written."""
    heading = _heading(session, "register")
    rows = register_rows(session, site_ids=site_ids)
    total = len(rows)
    report = (lambda done: progress(done, total)) if progress else None
    return write_register(rows, SITE_REGISTER_COLUMNS, out, title=heading.title, unit_line=heading.unit_line,
                          made_on=made_on, progress=report)


# --- the summary table ------------------------------------------------------------------------

STATUS_ORDER: tuple[str, ...] = (*(s.value for s in Status), CONFLICT)


@dataclass(frozen=True)
class SummaryShape:
    """What a summary table counted: its row regions, columns and the sites counted."""

    regions: list[tuple[str, str]]
    levels: list[tuple[str, str]]
    statuses: list[tuple[str, str]]
    org_types: list[tuple[str, str]]
    sites: int
    counted: int


def summary_counts(session: Session) -> tuple[Counter[tuple[str, str, str, str]], list[tuple[str, str]], int]:
    """(region, org type, level, status) → sites, each site counted once by the bid it stands
    by (`services.sites.list_sites`), its region rolled up to the office's next tier (a
    province's cities, a city's counties; a county counts as one); with the regions in order
    and the number of live sites."""
    office = offices.this_office(session)
    divisions = quotas.divisions_of(session)
    regions = summary_regions(office, divisions)
    bucket = _bucketer(office, divisions, {code for code, _ in regions})
    counts: Counter[tuple[str, str, str, str]] = Counter()
    rows = site_service.list_sites(session)
    for row in rows:
        if row.level and row.status:
            counts[(bucket(row.region_code), row.org_type, row.level, row.status)] += 1
    return counts, regions, len(rows)


def summary_regions(office: offices.OfficeInfo, divisions: Divisions) -> list[tuple[str, str]]:
    """The row regions of this office's summary: a province's cities (and 省直 for sites at
    the province itself), a city's counties (and 市直); a county or system office: itself."""
    own_division = divisions.get(office.code)
    if office.tier in (Tier.COUNTY, Tier.SYSTEM) or own_division is None:
        return [(office.code, own_division.name if own_division else office.name)]
    own = "省直" if office.tier == Tier.PROVINCE else "市直"
    return [(d.code, d.name) for d in divisions.children(office.code)] + [(office.code, own)]


def _bucketer(office: offices.OfficeInfo, divisions: Divisions, codes: set[str]) -> Callable[[str], str]:
    cache: dict[str, str] = {}

    def bucket(region: str) -> str:
        found = cache.get(region)
        if found is None:
            found = office.code
            if region in divisions:
                for d in divisions.path(region):
                    if d.code in codes and d.code != office.code:
                        found = d.code
            cache[region] = found
        return found

    return bucket


STAGES: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("applied", "已申报", frozenset({Status.APPLIED, Status.RETURNED})),
    ("recommended", "已推荐", frozenset({Status.RECOMMENDED})),
    ("creating", "确定创建", frozenset({Status.APPROVED, Status.CREATING})),
    ("awarded", "达标授牌", frozenset({Status.PASSED, Status.AWARDED, Status.RETAINED})),
    ("ended", "未入选或退出", frozenset({Status.NOT_SELECTED, Status.FAILED, Status.ELIMINATED, Status.WITHDRAWN})),
    (CONFLICT, "存在冲突", frozenset({CONFLICT})),
)
"""The summary's default columns: the stages a superior asks about, each gathering statuses
(已申报 includes 退回修改; 确定创建 includes 创建中; 达标授牌 includes 考核达标 and 复评合格)."""


def export_summary(session: Session, out: Output, *, by_org_type: bool = True,
                   levels: Sequence[str] | None = None, statuses: Sequence[str] | None = None,
                   all_org_types: bool = True, made_on: date | None = None,
                   title: str | None = None) -> SummaryShape:
    """The 汇总表 superiors ask for: counts by region × organization type × level × status
    with subtotals and totals, title, unit and date lines. Columns default to the levels that
    occur and the stages of `STAGES` that occur (so the table fits an A4 page); `statuses`
    asks for single statuses instead. `all_org_types` lists all eleven types even where the
    count is nought, so the table keeps its shape from one report to the next."""
    counts, regions, site_count = summary_counts(session)
    if statuses:
        _check_keys(statuses, STATUS_ORDER, "状态")
        columns = [(k, _status_label(k)) for k in statuses]
    else:
        stage_of = {status: key for key, _, members in STAGES for status in members}
        grouped: Counter[tuple[str, str, str, str]] = Counter()
        for (region, org_type, level, status), n in counts.items():
            grouped[(region, org_type, level, stage_of.get(status, status))] += n
        counts = grouped
        present = {k[3] for k in counts}
        columns = [(key, label) for key, label, _ in STAGES if key in present or key == "applied"]
    present_levels = {k[2] for k in counts}
    level_keys = list(levels) if levels else [lv.value for lv in Level if lv in present_levels] or [Level.COUNTY.value]
    _check_keys(level_keys, LEVEL_LABELS, "级别")
    types = [t.value for t in OrgType if all_org_types or any(k[1] == t for k in counts)]
    office = offices.this_office(session)
    single = len(regions) == 1
    heading = _heading(session, "summary")
    shape = SummaryShape(
        regions=[] if single else regions,
        levels=[(k, LEVEL_LABELS[k]) for k in level_keys],
        statuses=columns,
        org_types=[(t, ORG_TYPE_LABELS[t]) for t in types],
        sites=site_count, counted=sum(counts.values()))
    region_header = "市州" if office.tier == Tier.PROVINCE else ("县市区" if office.tier == Tier.CITY else "单位")
    # One region (a county): its rows are the total block, named after it.
    write_summary(counts, out, title=title or heading.title,
                  unit_line=f"{heading.unit_line}    单位：个（登记示范点 {site_count} 个，按各示范点当前申报统计）",
                  regions=shape.regions, org_types=shape.org_types, levels=shape.levels,
                  statuses=shape.statuses, made_on=made_on, by_org_type=by_org_type,
                  region_header=region_header, total_label=regions[0][1] if single else "合计")
    return shape


def _check_keys(keys: Iterable[str], known: Iterable[str], what: str) -> None:
    unknown = [k for k in keys if k not in set(known)]
    if unknown:
        raise UserError(f"汇总表的{what}“{'、'.join(unknown)}”无效。")


# --- quotas ------------------------------------------------------------------------------------

QUOTA_COLUMNS = (
    Column("level", "级别", 8), Column("unit", "单位", 24), Column("code", "代码", 12),
    Column("organizations", "基层党组织数", 12, "int"), Column("allotted", "分配名额", 10, "int"),
    Column("used", "已使用", 10, "int"), Column("left", "剩余", 10, "int"), Column("note", "说明", 24),
)


def quota_rows(session: Session) -> list[dict[str, Any]]:
    """Places allotted and used per unit and level (current campaign), with organization counts."""
    org_counts = quotas.org_counts(session)
    out = []
    for level in Level:
        for line in quotas.lines(session, level=level):
            left = None if line.allotted is None else line.allotted - line.used
            note = "未分配名额" if line.allotted is None else ("已超出" if left is not None and left < 0 else "")
            out.append({"level": LEVEL_LABELS[level], "unit": line.unit_name, "code": line.unit_code,
                        "organizations": org_counts.get(line.unit_code), "allotted": line.allotted,
                        "used": line.used, "left": left, "note": note})
    return out


def export_quota(session: Session, out: Output, *, made_on: date | None = None) -> int:
    """The quota table: per level and unit, organizations, places allotted, used and left."""
    heading = _heading(session, "quota")
    rows = quota_rows(session)
    counts = [{"unit": quotas.unit_name(session, code), "code": code, "organizations": n}
              for code, n in sorted(quotas.org_counts(session).items())]
    sheets = [TableSheet("名额", heading.title, QUOTA_COLUMNS, rows, heading.unit_line),
              TableSheet("基层党组织数", f"{PROGRAMME}各单位基层党组织数", QUOTA_COLUMNS[1:4], counts,
                         heading.unit_line)]
    write_tables(sheets, out, made_on=made_on)
    return len(rows)


# --- visits ------------------------------------------------------------------------------------

VISIT_COLUMNS = (
    Column("visit_date", "日期", 12, "date"), Column("site", "示范点", 30), Column("region", "所属县市区", 14),
    Column("kind", "类型", 10), Column("visitors", "走访人员", 20), Column("observations", "看到的情况", 40),
    Column("problems", "发现的问题", 40), Column("items", "整改事项", 9, "int"),
    Column("open", "未整改", 9, "int"),
)
RECTIFICATION_COLUMNS = (
    Column("site", "示范点", 30), Column("visit_date", "走访日期", 12, "date"),
    Column("description", "整改事项", 40), Column("due_date", "整改期限", 12, "date"),
    Column("responsible", "责任人", 12), Column("status", "状态", 10), Column("overdue", "逾期天数", 9, "int"),
    Column("closed_on", "整改完成日期", 12, "date"),
)


def export_visits(session: Session, out: Output, *, site_ids: Sequence[str] | None = None,
                  today: date | None = None, made_on: date | None = None,
                  progress: Progress | None = None) -> int:
    """The visit log (newest first) and the rectification items with their state."""
    from bqw_desktop.domain.liaison import VISIT_KIND_LABELS
    from bqw_desktop.services import visits

    today = today or date.today()
    names = RegionNames(session)
    wanted = set(site_ids) if site_ids is not None else None
    items = visits.list_rectifications(session, today=today)
    per_visit: Counter[str] = Counter()
    open_per_visit: Counter[str] = Counter()
    for item in items:
        per_visit[item.visit_id] += 1
        open_per_visit[item.visit_id] += not item.closings
    query = (select(Visit.id, Visit.site_id, Visit.visit_date, Visit.kind, Visit.visitors, Visit.observations,
                    Visit.problems, Site.name, Site.region_code)
             .join(Site, Site.id == Visit.site_id).where(Visit.deleted.is_(False))
             .order_by(Visit.visit_date.desc(), Site.name))
    rows = [{"visit_date": r.visit_date, "site": r.name, "region": names(r.region_code),
             "kind": VISIT_KIND_LABELS.get(r.kind, r.kind), "visitors": r.visitors,
             "observations": r.observations, "problems": r.problems, "items": per_visit.get(r.id, 0),
             "open": open_per_visit.get(r.id, 0)}
            for r in session.execute(query) if wanted is None or r.site_id in wanted]
    rect_rows = [{"site": i.site_name, "visit_date": i.visit_date, "description": i.description,
                  "due_date": i.due_date, "responsible": i.responsible, "status": i.status_label,
                  "overdue": i.days_overdue or None,
                  "closed_on": max((c.closed_on for c in i.closings), default=None)}
                 for i in items if wanted is None or i.site_id in wanted]
    heading = _heading(session, "visits")
    total = len(rows) + len(rect_rows)
    report = (lambda done: progress(done, total)) if progress else None
    write_tables([TableSheet("走访记录", heading.title, VISIT_COLUMNS, rows, heading.unit_line),
                  TableSheet("整改事项", f"{PROGRAMME}整改事项清单", RECTIFICATION_COLUMNS, rect_rows,
                             heading.unit_line)], out, made_on=made_on, progress=report)
    return len(rows)


# --- checklists --------------------------------------------------------------------------------

GOAL_HEADERS = ("目标一", "目标二", "目标三", "目标四", "五个好/五带头")


def checklist_rows(session: Session, *, site_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Per site: met / items of each goal (目标一…四, then the general aims together), and the
    totals: items, rated, met and the share met. Ticks on items no longer in the site's
    checklist (another type, an older catalogue) are left out, as the register does."""
    catalogue = load_catalogue()
    names = RegionNames(session)
    goal_of: dict[tuple[str, str | None], dict[str, int]] = {}
    met: dict[str, set[str]] = {}
    rated: dict[str, set[str]] = {}
    query = select(Tick.site_id, Tick.item_id, Tick.rating).where(Tick.deleted.is_(False), Tick.rating.in_(RATED))
    for site_id, item_id, rating in session.execute(query):
        rated.setdefault(site_id, set()).add(item_id)
        if rating == Rating.MET:
            met.setdefault(site_id, set()).add(item_id)
    sites = select(Site.id, Site.name, Site.org_type, Site.org_kind, Site.region_code).where(
        Site.deleted.is_(False)).order_by(Site.region_code, Site.name)
    out: dict[str, dict[str, Any]] = {}
    for r in session.execute(sites):
        key = (r.org_type, r.org_kind)
        if key not in goal_of:
            goal_of[key] = _goal_columns(catalogue, r.org_type, r.org_kind)
        items = goal_of[key]
        row: dict[str, Any] = {"name": r.name, "org_type": org_type_label(r.org_type, r.org_kind),
                               "region": names(r.region_code)}
        totals = Counter(items.values())
        hits: Counter[int] = Counter(items[i] for i in met.get(r.id, ()) if i in items)
        for column, header in enumerate(GOAL_HEADERS):
            row[header] = f"{hits[column]}/{totals[column]}" if totals[column] else "—"
        row["total"] = len(items)
        row["rated"] = sum(1 for i in rated.get(r.id, ()) if i in items)
        row["met"] = sum(hits.values())
        row["share"] = f"{round(100 * row['met'] / row['total'])}%" if row["total"] else "—"
        out[r.id] = row
    if site_ids is None:
        return list(out.values())
    return [out[i] for i in site_ids if i in out]


def _goal_columns(catalogue: Any, org_type: str, org_kind: str | None) -> dict[str, int]:
    """item id → matrix column (0–3 the numbered goals, 4 the general aims)."""
    try:
        goals = catalogue.goals_for(org_type, org_kind)
    except UserError:
        return {}
    return {item.id: (goal.number - 1 if goal.number else 4) for goal in goals for item in goal.items}


CHECKLIST_COLUMNS = (
    Column("name", "示范点", 30), Column("org_type", "党组织类型", 22), Column("region", "所属县市区", 14),
    *(Column(h, h, 10) for h in GOAL_HEADERS),
    Column("total", "条目数", 8, "int"), Column("rated", "已评", 8, "int"), Column("met", "达标", 8, "int"),
    Column("share", "达标率", 8),
)


def export_checklists(session: Session, out: Output, *, site_ids: Sequence[str] | None = None,
                      made_on: date | None = None, progress: Progress | None = None) -> int:
    """The checklist progress matrix: one row per site, "met/items" per goal."""
    heading = _heading(session, "checklists")
    rows = checklist_rows(session, site_ids=site_ids)
    total = len(rows)
    report = (lambda done: progress(done, total)) if progress else None
    write_tables([TableSheet("目标完成情况", heading.title, CHECKLIST_COLUMNS, rows,
                             heading.unit_line + "    “目标一”等列为 达标条目数/条目数")],
                 out, made_on=made_on, progress=report)
    return total


# --- candidacies -------------------------------------------------------------------------------

CANDIDACY_COLUMNS = (
    Column("site", "示范点", 32), Column("region", "所属县市区", 14), Column("status", "状态", 14),
    Column("applied_on", "申报日期", 12, "date"), Column("registrant", "申报单位", 18),
    Column("waiting", "当前环节", 30),
)


def export_candidacies(session: Session, out: Output, *, level: str | None = None,
                       status: str | None = None, made_on: date | None = None) -> int:
    """Candidacy lists: one sheet per level, grouped by status in lifecycle order."""
    from bqw_desktop.services import candidacies

    names = RegionNames(session)
    heading = _heading(session, "candidacies")
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    rows = candidacies.list_candidacies(session, level=level, status=status)
    registrants: dict[str, str] = {}
    sheets = []
    total = 0
    for lv in Level:
        if level and lv != level:
            continue
        mine = sorted((r for r in rows if r.level == lv), key=lambda r: (rank.get(r.status, 99), r.region_code))
        if not mine and level is None:
            continue
        data = []
        for r in mine:
            if r.registrant not in registrants:
                registrants[r.registrant] = quotas.unit_name(session, r.registrant)
            data.append({"site": r.site_name, "region": names(r.region_code), "status": r.status_label,
                         "applied_on": r.applied_on, "registrant": registrants[r.registrant],
                         "waiting": r.waiting})
        total += len(data)
        sheets.append(TableSheet(LEVEL_LABELS[lv], f"{PROGRAMME}{LEVEL_LABELS[lv]}示范点申报名单",
                                 CANDIDACY_COLUMNS, data, heading.unit_line))
    if not sheets:
        sheets.append(TableSheet("申报名单", heading.title, CANDIDACY_COLUMNS, [], heading.unit_line))
    write_tables(sheets, out, made_on=made_on)
    return total


# --- one entry point ---------------------------------------------------------------------------

def export(session: Session, kind: str, out: Output, *, site_ids: Sequence[str] | None = None,
           progress: Progress | None = None, made_on: date | None = None) -> int:
    """Any export by kind ("register", "summary", "quota", "visits", "checklists",
    "candidacies"); returns the number of rows (sites counted, for the summary)."""
    if kind == "register":
        return export_register(session, out, site_ids=site_ids, progress=progress, made_on=made_on)
    if kind == "summary":
        return export_summary(session, out, made_on=made_on).sites
    if kind == "quota":
        return export_quota(session, out, made_on=made_on)
    if kind == "visits":
        return export_visits(session, out, site_ids=site_ids, progress=progress, made_on=made_on)
    if kind == "checklists":
        return export_checklists(session, out, site_ids=site_ids, progress=progress, made_on=made_on)
    if kind == "candidacies":
        return export_candidacies(session, out, made_on=made_on)
    raise UserError(f"导出类型“{kind}”无效，应为 {'、'.join(KINDS)} 之一。")
