"""From the database to printed documents: each document's data, and whole print jobs.

The `*_data` functions read the database (through the other services where they exist,
Core selects otherwise) and fill the plain dataclasses of `printing.data`; the renderers
in `printing` never see the database. `make_document` is what the command line and the
window call: it resolves which records a request means (`--site` takes the site's latest
candidacy, award or visit as the document needs), renders, and writes one PDF or one PDF
per site. A request that cannot be met (a certificate for a site without an award) is a
UserError with a Chinese reason.

Certificates and plaque sheets are issued (numbered and signed, `services.certificates`)
in the same transaction as their rendering: a refused or cancelled print allocates nothing.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bqw_desktop.db.engine import Database
from bqw_desktop.db.models import (
    Assignment,
    AttachmentLink,
    Candidacy,
    Person,
    Rectification,
    Site,
    Tick,
    Transition,
    Visit,
)
from bqw_desktop.db.models import (
    Attachment as StoredFile,
)
from bqw_desktop.domain.calendar import chinese_date, chinese_numeral_month
from bqw_desktop.domain.divisions import Divisions
from bqw_desktop.domain.liaison import VISIT_KIND_LABELS, Role
from bqw_desktop.domain.lifecycle import PLAQUE_STATUSES, Status
from bqw_desktop.domain.vocab import LEVEL_LABELS, LEVEL_ORDER, Level, Tier
from bqw_desktop.errors import UserError
from bqw_desktop.printing import certificate as certificate_doc
from bqw_desktop.printing.certificate import CertificateOptions
from bqw_desktop.printing.common import Cancel, Progress
from bqw_desktop.printing.data import (
    Attachment,
    CandidacyHistory,
    ChecklistItem,
    DossierData,
    HistoryStep,
    LedgerEntry,
    ListColumn,
    ListData,
    NominationData,
    OpinionBox,
    RectificationItem,
    SiteParticulars,
    VisitData,
    award_wording,
    default_opinion_boxes,
)
from bqw_desktop.printing.dossier import render_dossier
from bqw_desktop.printing.fonts import FontSet
from bqw_desktop.printing.inspection import render_inspection
from bqw_desktop.printing.layout import PrintCancelled
from bqw_desktop.printing.lists import render_list
from bqw_desktop.printing.nomination import render_nomination
from bqw_desktop.services import (
    campaigns,
    candidacies,
    certificates,
    checklists,
    ledger,
    offices,
    records,
    visits,
)
from bqw_desktop.services.context import Actor
from bqw_desktop.services.units import divisions_of

__all__ = [
    "KINDS",
    "PER_SITE_KINDS",
    "PrintRequest",
    "PrintResult",
    "awarded_candidacies",
    "dossier_data",
    "latest_award",
    "latest_candidacy",
    "latest_visit",
    "list_data",
    "make_document",
    "nomination_data",
    "particulars",
    "visit_data",
]

KINDS: dict[str, str] = {
    "nomination": "推荐表",
    "certificate": "证书",
    "plaque": "牌匾制作单",
    "inspection": "督查记录表",
    "dossier": "一点一档",
    "list": "名单",
}
PER_SITE_KINDS = frozenset(KINDS) - {"list"}
LEDGER_SUMMARY = 160  # characters of an entry's text the dossier prints
IN_CHUNK = 500

_OPINION_TIERS = {  # which tier signs which opinion box (see printing.data.default_opinion_boxes)
    "县（市、区）委组织部": Tier.COUNTY,
    "市（州）委组织部": Tier.CITY,
    "省直机关、系统创先争优活动领导（指导）小组": Tier.SYSTEM,
    "省委创先争优活动领导小组办公室": Tier.PROVINCE,
}


# --- small readers ---------------------------------------------------------------------------


def _region_text(region_code: str, divisions: Divisions) -> str:
    """The site's region below the province: "长沙市长沙县" (the code itself if unknown)."""
    if region_code not in divisions:
        return region_code
    path = divisions.path(region_code)
    return "".join(d.name for d in (path[1:] if len(path) > 1 else path))


def particulars(session: Session, site_id: str, *, divisions: Divisions | None = None) -> SiteParticulars:
    """A site's particulars as forms print them."""
    site = records.get_live(session, Site, site_id, label="示范点")
    divisions = divisions or divisions_of(session)
    return SiteParticulars(
        name=site.name, org_type=site.org_type, region=_region_text(site.region_code, divisions),
        secretary=site.secretary, members=site.member_count, contact=site.contact, phone=site.phone,
        institution_kind=site.org_kind, parent_org=site.parent_org, address=site.address,
    )


def _site_name(session: Session, site_id: str) -> str:
    return records.get_live(session, Site, site_id, label="示范点").name


def latest_candidacy(session: Session, site_id: str) -> str:
    """The site's most recent live candidacy; UserError if it never applied."""
    query = (select(Candidacy.id).where(Candidacy.site_id == site_id, Candidacy.deleted.is_(False))
             .order_by(Candidacy.applied_on.desc().nulls_last(), Candidacy.created_at.desc()).limit(1))
    found = session.scalar(query)
    if found is None:
        raise UserError(f"示范点“{_site_name(session, site_id)}”没有申报记录，无法打印推荐表。")
    return found


def _award_dates(session: Session, candidacy_ids: Sequence[str]) -> dict[str, date]:
    """The latest live award act's date of each candidacy that has one."""
    out: dict[str, date] = {}
    ids = list(candidacy_ids)
    for start in range(0, len(ids), IN_CHUNK):
        query = (select(Transition.candidacy_id, func.max(Transition.acted_on))
                 .where(Transition.candidacy_id.in_(ids[start:start + IN_CHUNK]),
                        Transition.to_status == Status.AWARDED, Transition.deleted.is_(False))
                 .group_by(Transition.candidacy_id))
        out.update({cid: when for cid, when in session.execute(query)})
    return out


def awarded_candidacies(session: Session, *, level: str | None = None, region: str | None = None,
                        site_ids: Iterable[str] | None = None) -> list[str]:
    """Candidacies holding a plaque now (已授牌, 复评合格), by region and site name."""
    query = (select(Candidacy.id, Site.region_code, Site.id)
             .join(Site, Site.id == Candidacy.site_id)
             .where(Candidacy.deleted.is_(False), Site.deleted.is_(False),
                    Candidacy.status.in_([str(s) for s in PLAQUE_STATUSES]))
             .order_by(Site.region_code, Site.name, Candidacy.level))
    if level:
        query = query.where(Candidacy.level == _level_key(level))
    wanted = set(site_ids) if site_ids is not None else None
    regions = _region_filter(session, region)
    return [cid for cid, region_code, sid in session.execute(query)
            if (wanted is None or sid in wanted) and (regions is None or region_code in regions)]


def latest_award(session: Session, site_id: str) -> str:
    """The site's most recently awarded candidacy still holding its plaque; UserError if none."""
    ids = awarded_candidacies(session, site_ids=[site_id])
    if not ids:
        raise UserError(f"示范点“{_site_name(session, site_id)}”没有有效的授牌，不能打印证书或牌匾制作单。")
    dates = _award_dates(session, ids)
    levels = {cid: lv for cid, lv in session.execute(select(Candidacy.id, Candidacy.level).where(Candidacy.id.in_(ids)))}
    return max(ids, key=lambda cid: (dates.get(cid, date.min), LEVEL_ORDER.get(levels[cid], 0)))


def latest_visit(session: Session, site_id: str) -> str:
    """The site's most recent live visit; UserError if it was never visited."""
    query = (select(Visit.id).where(Visit.site_id == site_id, Visit.deleted.is_(False))
             .order_by(Visit.visit_date.desc(), Visit.created_at.desc()).limit(1))
    found = session.scalar(query)
    if found is None:
        raise UserError(f"示范点“{_site_name(session, site_id)}”还没有走访督查记录，无法打印督查记录表。")
    return found


def _level_key(value: str) -> str:
    text = value.strip()
    for key, label in LEVEL_LABELS.items():
        if text in (key, label, label.rstrip("级")):
            return key
    raise UserError(f"级别“{value}”无效，应为 county（县级）、city（市级）或 province（省级）。")


def _region_filter(session: Session, region: str | None) -> set[str] | None:
    if not region:
        return None
    divisions = divisions_of(session)
    code = region.strip()
    if code not in divisions:
        raise UserError(f"行政区划代码“{region}”不存在，请使用 6 位区划代码，如 430121。")
    return set(divisions.subtree(code))


# --- nomination form -----------------------------------------------------------------------


def _opinions(session: Session, cand: Candidacy) -> tuple[OpinionBox, ...]:
    """The boxes the route needs, pre-filled with what each office recorded on this bid."""
    try:
        boxes = default_opinion_boxes(cand.level, Tier(cand.registrant_tier))
    except ValueError:
        boxes = default_opinion_boxes(cand.level)
    said: dict[str, str] = {}
    for row in candidacies.history(session, cand.id):
        if row.place != "chain":
            continue
        if row.to_status == Status.RECOMMENDED:
            said[row.actor_tier] = "同意推荐。" + (row.reason or "")
        elif row.to_status == Status.APPROVED:
            said[row.actor_tier] = f"同意确定为{LEVEL_LABELS.get(cand.level, '')}示范点创建单位。" + (row.reason or "")
    return tuple(OpinionBox(b.office, said.get(_OPINION_TIERS.get(b.office, ""), b.text)) for b in boxes)


def nomination_data(session: Session, *, candidacy_id: str) -> NominationData:
    """The nomination form (推荐表) of a candidacy."""
    cand = records.get_live(session, Candidacy, candidacy_id, label="申报")
    return NominationData(
        level=cand.level,
        particulars=particulars(session, cand.site_id),
        achievements=cand.achievements,
        measures=cand.measures,
        opinions=_opinions(session, cand),
        nominating_office=candidacies.office_name(session, cand.owner_office),
    )


# --- inspection record ----------------------------------------------------------------------


def _liaisons_on(session: Session, site_id: str, day: date) -> str:
    """Names of the site's liaison officers assigned on `day`."""
    a = Assignment
    query = (select(Person.name).select_from(a).join(Person, Person.id == a.person_id)
             .where(a.site_id == site_id, a.role == Role.LIAISON, a.deleted.is_(False), a.start_date <= day,
                    (a.end_date.is_(None)) | (a.end_date >= day))
             .order_by(Person.name))
    return "、".join(dict.fromkeys(session.scalars(query)))


def _visit_data(session: Session, row: visits.VisitRow, site: Site, region: str) -> VisitData:
    findings = row.observations.strip()
    if row.problems.strip():
        findings += ("\n" if findings else "") + "发现的问题：" + row.problems.strip()
    items = tuple(
        RectificationItem(
            problem=r.description,
            measure=f"责任人：{r.responsible}" if r.responsible else "",
            deadline=r.due_date,
            status=r.status_label + (f"（{r.closings[-1].closed_on:%Y-%m-%d}）" if r.closings else ""),
        )
        for r in row.rectifications
    )
    return VisitData(site_name=site.name, visit_date=row.visit_date, inspectors=row.visitors,
                     liaison_officer=_liaisons_on(session, site.id, row.visit_date), region=region,
                     form=VISIT_KIND_LABELS.get(row.kind, row.kind), findings=findings, rectifications=items)


def visit_data(session: Session, *, visit_id: str, today: date | None = None) -> VisitData:
    """The inspection record sheet (督查记录表) of a visit."""
    visit = records.get_live(session, Visit, visit_id, label="走访记录")
    site = records.get_live(session, Site, visit.site_id, label="示范点")
    row = next(r for r in visits.visit_history(session, site.id, today=today) if r.id == visit_id)
    return _visit_data(session, row, site, _region_text(site.region_code, divisions_of(session)))


# --- dossier --------------------------------------------------------------------------------


def _checklist(session: Session, site_id: str) -> tuple[ChecklistItem, ...]:
    view = checklists.checklist_view(session, site_id)
    out: list[ChecklistItem] = []
    for goal in view.goals:
        for i, item in enumerate(goal.items):
            text = f"【{goal.label}】{item.text}" if i == 0 and goal.label else item.text
            notes = [item.tick.note] if item.tick and item.tick.note else []
            notes += [v.text for v in item.verdicts]
            verdict = item.rating_label if item.tick and item.rating != "none" else ""
            out.append(ChecklistItem(str(len(out) + 1), text, verdict, "；".join(notes)))
    return tuple(out)


def _histories(session: Session, site_id: str) -> tuple[CandidacyHistory, ...]:
    out = []
    for row in candidacies.list_candidacies(session, site_id=site_id):
        cand = session.get(Candidacy, row.id)
        round_label = ""
        if row.campaign_id:
            try:
                round_label = campaigns.get_campaign(session, row.campaign_id).name
            except UserError:
                round_label = ""
        steps = []
        for h in candidacies.history(session, row.id):
            when = h.acted_on or (h.recorded_at.date() if h.recorded_at else None) or (
                cand.created_at.date() if cand is not None else date.today())
            text = f"{h.office_name}登记申报" if h.transition_id is None else f"{h.office_name}：{h.status_label}"
            if h.reason:
                text += f"（{h.reason}）"
            if h.place != "chain":
                text += "〔已撤回〕" if h.place == "reversed" else "〔存在冲突〕"
            steps.append(HistoryStep(when, text))
        out.append(CandidacyHistory(row.level, round_label, row.status_label, tuple(steps)))
    return tuple(out)


def _ledger(session: Session, site_id: str) -> tuple[LedgerEntry, ...]:
    out = []
    for e in sorted(ledger.entries_of(session, site_id), key=lambda e: e.entry_date):
        summary = " ".join(e.body.split())
        if len(summary) > LEDGER_SUMMARY:
            summary = summary[:LEDGER_SUMMARY] + "…"
        if e.amount_yuan is not None:
            summary = f"金额 {e.amount_yuan} 元。" + summary
        out.append(LedgerEntry(e.entry_date, f"〔{e.kind_label}〕{e.title}", summary))
    return tuple(out)


def _file_kind(media_type: str, name: str) -> str:
    if media_type.startswith("image/"):
        return "图片"
    if media_type == "application/pdf" or name.lower().endswith(".pdf"):
        return "PDF"
    if media_type.startswith("video/"):
        return "视频"
    return "文档"


def _attachments(session: Session, site_id: str) -> tuple[Attachment, ...]:
    """Files linked to the site or to any of its records (read with a Core select)."""
    owners = [site_id]
    for model in (Candidacy, Tick, Visit, Rectification):
        owners += session.scalars(select(model.id).where(model.site_id == site_id, model.deleted.is_(False)))
    owners += [e.id for e in ledger.entries_of(session, site_id)]
    out = []
    for start in range(0, len(owners), IN_CHUNK):
        query = (select(AttachmentLink.filename, AttachmentLink.created_at, StoredFile.size, StoredFile.media_type)
                 .outerjoin(StoredFile, StoredFile.sha256 == AttachmentLink.sha256)
                 .where(AttachmentLink.record_id.in_(owners[start:start + IN_CHUNK]),
                        AttachmentLink.deleted.is_(False))
                 .order_by(AttachmentLink.created_at, AttachmentLink.filename))
        for name, added, size, media in session.execute(query):
            out.append(Attachment(name, _file_kind(media or "", name), size, added.date() if added else None))
    return tuple(out)


def _level_status(session: Session, site_id: str) -> str:
    """E.g. "创先争优活动省级示范点（二〇一二年六月授牌）", or the current bid and its status."""
    awarded = awarded_candidacies(session, site_ids=[site_id])
    if awarded:
        best = latest_award(session, site_id)
        level = session.get(Candidacy, best).level
        when = _award_dates(session, [best]).get(best)
        return award_wording(level) + (f"（{chinese_numeral_month(when)}授牌）" if when else "")
    rows = candidacies.list_candidacies(session, site_id=site_id)
    if not rows:
        return "尚未申报"
    row = max(rows, key=lambda r: (r.status not in ("withdrawn", "not_selected", "eliminated", "failed"),
                                   LEVEL_ORDER.get(r.level, 0)))
    return f"{row.level_label}示范点申报（{row.status_label}）"


def dossier_data(session: Session, *, site_id: str, today: date | None = None) -> DossierData:
    """Everything of one site (一点一档)."""
    today = today or date.today()
    site = records.get_live(session, Site, site_id, label="示范点")
    divisions = divisions_of(session)
    region = _region_text(site.region_code, divisions)
    visit_rows = visits.visit_history(session, site_id, today=today)
    return DossierData(
        particulars=particulars(session, site_id, divisions=divisions),
        level_status=_level_status(session, site_id),
        produced_by=offices.this_office(session).name,
        produced_on=today,
        checklist=_checklist(session, site_id),
        candidacies=_histories(session, site_id),
        visits=tuple(_visit_data(session, r, site, region) for r in reversed(visit_rows)),
        ledger=_ledger(session, site_id),
        attachments=_attachments(session, site_id),
    )


# --- lists ----------------------------------------------------------------------------------


def _list_title(level: str | None, status: str | None, all_awarded: bool) -> str:
    lvl = LEVEL_LABELS.get(level or "", "")
    if all_awarded or status in PLAQUE_STATUSES:
        return f"创先争优活动{lvl}示范点名单"
    if status in (Status.APPROVED, Status.CREATING, Status.PASSED):
        return f"创先争优活动{lvl}示范点创建单位名单"
    if level or status:
        return f"创先争优活动{lvl}示范点申报名单"
    return "创先争优活动示范点登记名单"


def list_data(session: Session, *, level: str | None = None, status: str | None = None, region: str | None = None,
              all_awarded: bool = False, site_ids: Iterable[str] | None = None,
              today: date | None = None) -> ListData:
    """A register list (名单) of sites, or of candidacies when a level or status is asked for."""
    from bqw_desktop.services import sites as site_service

    today = today or date.today()
    divisions = divisions_of(session)
    office = offices.this_office(session)
    regions = _region_filter(session, region)
    wanted = set(site_ids) if site_ids is not None else None
    level_key = _level_key(level) if level else None
    status_key = str(candidacies.parse_status(status)) if status else None
    site_rows = {r.id: r for r in site_service.list_sites(session)
                 if (wanted is None or r.id in wanted) and (regions is None or r.region_code in regions)}
    region_names: dict[str, str] = {}

    def region_of(code: str) -> str:
        if code not in region_names:
            region_names[code] = _region_text(code, divisions)
        return region_names[code]

    if not (level_key or status_key or all_awarded):
        rows = [(r.name, region_of(r.region_code), r.org_type_label, r.secretary,
                 LEVEL_LABELS.get(r.level or "", ""), candidacies.status_label(r.status) if r.status else "未申报")
                for r in site_rows.values()]
        columns = (ListColumn("单位名称", 3.2), ListColumn("所在地区", 1.5), ListColumn("组织类型", 1.6, "center"),
                   ListColumn("书记", 0.8, "center"), ListColumn("级别", 0.6, "center"),
                   ListColumn("状态", 1.2, "center"))
        totals = f"合计：{len(rows)} 个"
    else:
        bids = [c for c in candidacies.list_candidacies(session, level=level_key, status=status_key)
                if c.site_id in site_rows and (not all_awarded or c.status in PLAQUE_STATUSES)]
        dates = _award_dates(session, [c.id for c in bids])
        rows = []
        for c in bids:
            site = site_rows[c.site_id]
            awarded_on = dates.get(c.id)
            rows.append((site.name, region_of(site.region_code), site.org_type_label, site.secretary,
                         c.level_label, c.status_label, chinese_date(awarded_on) if awarded_on else ""))
        columns = (ListColumn("单位名称", 3.2), ListColumn("所在地区", 1.5), ListColumn("组织类型", 1.6, "center"),
                   ListColumn("书记", 0.8, "center"), ListColumn("级别", 0.6, "center"),
                   ListColumn("状态", 1.1, "center"), ListColumn("授牌时间", 1.4, "center"))
        by_level = {lv: sum(1 for c in bids if c.level == lv) for lv in (Level.PROVINCE, Level.CITY, Level.COUNTY)}
        parts = [f"{LEVEL_LABELS[lv]} {n} 个" for lv, n in by_level.items() if n]
        totals = f"合计：{len(rows)} 个" + (f"（{'，'.join(parts)}）" if len(parts) > 1 else "")
    where = divisions.get(region.strip()).name if region and divisions.get(region.strip()) else \
        (divisions.get(office.code).name if divisions.get(office.code) else office.name)
    subtitle = f"（{where}　截至{chinese_date(today)}"
    if status_key and not all_awarded:
        subtitle += f"　状态：{candidacies.status_label(status_key)}"
    return ListData(title=_list_title(level_key, status_key, all_awarded), columns=columns, rows=rows,
                    subtitle=subtitle + "）", totals=totals, office=office.name, produced_on=today, landscape=True)


# --- print jobs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintRequest:
    """What to print: a document kind and the records it is for.

    Per-site kinds take `candidacy_id` / `visit_id` when given, else each of `site_ids`
    (its latest candidacy, award or visit as the kind needs); certificates and plaque
    sheets also take `all_awarded` with `level` and `region`. Lists take the filters, or
    `site_ids`. `skip_missing`: in a batch, leave out sites the document cannot be made for
    (they are reported) instead of refusing the whole job.
    """

    kind: str
    site_ids: tuple[str, ...] = ()
    candidacy_id: str | None = None
    visit_id: str | None = None
    all_awarded: bool = False
    level: str | None = None
    status: str | None = None
    region: str | None = None
    skip_missing: bool = False
    today: date | None = None


@dataclass(frozen=True)
class PrintResult:
    """What a job wrote: the files, how many documents, and the sites left out (with why)."""

    paths: tuple[Path, ...]
    documents: int
    skipped: tuple[str, ...] = ()
    certificate_numbers: tuple[str, ...] = field(default=())


@dataclass
class _Job:
    """Documents to render: (site name for file names, renderer taking out/progress/cancel)."""

    items: list[tuple[str, Callable[..., None]]]
    skipped: list[str]
    numbers: list[str] = field(default_factory=list)
    combined: Callable[..., None] | None = None  # renders every item into one PDF at once


def _targets(session: Session, request: PrintRequest, pick: Callable[[Session, str], str]) -> tuple[list[str], list[str]]:
    """One record id per site (or the one given); sites that have none are refused or skipped."""
    found, skipped = [], []
    for site_id in request.site_ids:
        try:
            found.append(pick(session, site_id))
        except UserError as exc:
            if not request.skip_missing:
                raise
            skipped.append(exc.message)
    return found, skipped


def _plan(session: Session, actor: Actor, request: PrintRequest, *, db_path: Path, fonts: FontSet | None,
          options: CertificateOptions | None) -> _Job:
    kind = request.kind
    if kind not in KINDS:
        raise UserError(f"不认识的文书种类“{kind}”，应为：{'、'.join(f'{k}（{v}）' for k, v in KINDS.items())}。")
    today = request.today or date.today()
    if request.all_awarded and kind in ("nomination", "inspection", "dossier"):
        ids = awarded_candidacies(session, level=request.level, region=request.region,
                                  site_ids=request.site_ids or None)
        site_ids = tuple(dict.fromkeys(session.get(Candidacy, cid).site_id for cid in ids))
        request = PrintRequest(kind, site_ids=site_ids, skip_missing=True, today=request.today)
    if kind == "list":
        data = list_data(session, level=request.level, status=request.status, region=request.region,
                         all_awarded=request.all_awarded, site_ids=request.site_ids or None, today=today)
        if not data.rows:
            raise UserError("按所给条件没有找到任何示范点，名单未生成。")
        return _Job([(data.title, lambda out, **kw: render_list(data, out, fonts=fonts, **kw))], [])
    if kind in ("certificate", "plaque"):
        return _plan_awards(session, actor, request, db_path=db_path, fonts=fonts, options=options)
    if kind == "nomination":
        ids, skipped = ([request.candidacy_id], []) if request.candidacy_id else \
            _targets(session, request, latest_candidacy)
        items = []
        for cid in ids:
            data = nomination_data(session, candidacy_id=cid)
            items.append((data.particulars.name, _bind(render_nomination, data, fonts)))
        return _Job(items, skipped)
    if kind == "inspection":
        ids, skipped = ([request.visit_id], []) if request.visit_id else _targets(session, request, latest_visit)
        items = []
        for vid in ids:
            data = visit_data(session, visit_id=vid, today=today)
            items.append((data.site_name, _bind(render_inspection, data, fonts)))
        return _Job(items, skipped)
    # dossier
    if not request.site_ids:
        raise UserError("打印一点一档须指定示范点（--site）。")
    items = []
    for site_id in request.site_ids:
        data = dossier_data(session, site_id=site_id, today=today)
        items.append((data.particulars.name, _bind(render_dossier, data, fonts)))
    return _Job(items, [])


def _bind(render: Callable[..., None], data: object, fonts: FontSet | None) -> Callable[..., None]:
    return lambda out, **kw: render(data, out, fonts=fonts, **kw)


def _bind_awards(render: Callable[..., None], awards: list, fonts: FontSet | None,
                 options: CertificateOptions | None) -> Callable[..., None]:
    return lambda out, **kw: render(awards, out, fonts=fonts, options=options, **kw)


def _plan_awards(session: Session, actor: Actor, request: PrintRequest, *, db_path: Path, fonts: FontSet | None,
                 options: CertificateOptions | None) -> _Job:
    if request.candidacy_id:
        ids, skipped = [request.candidacy_id], []
    elif request.all_awarded:
        ids, skipped = awarded_candidacies(session, level=request.level, region=request.region,
                                           site_ids=request.site_ids or None), []
    else:
        ids, skipped = _targets(session, request, latest_award)
    if not ids:
        raise UserError("没有找到有效的授牌，证书未生成。" if not skipped else f"所选示范点都没有有效的授牌：{skipped[0]}")
    lenient = request.skip_missing or request.all_awarded
    awards = certificates.award_data(session, actor, candidacy_ids=ids, db_path=db_path,
                                     on_refusal=skipped.append if lenient else None)
    if not awards:
        raise UserError(f"所选授牌都不能打印证书：{skipped[0]}")
    render_many = certificate_doc.render_certificates if request.kind == "certificate" else \
        certificate_doc.render_plaque_sheets
    items = [(a.site_full_name, _bind_awards(render_many, [a], fonts, options)) for a in awards]

    def combined(out, **kw) -> None:
        render_many(awards, out, fonts=fonts, options=options, **kw)

    return _Job(items, skipped, [a.certificate_no for a in awards], combined)


def _safe_name(text: str) -> str:
    cleaned = "".join("_" if ch in '\\/:*?"<>|\n\r\t' else ch for ch in text).strip(" .")
    return cleaned[:80] or "文书"


def _render_job(job: _Job, request: PrintRequest, out: Path, *, per_site: bool, progress: Progress | None,
                cancel: Cancel | None) -> list[Path]:
    total = len(job.items)
    if not per_site:
        if job.combined is not None or total == 1:
            render = job.combined or job.items[0][1]
            render(out, progress=progress, cancel=cancel)
            return [out]
        return [_render_merged(job, out, progress=progress, cancel=cancel)]
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: set[str] = set()
    try:
        for i, (name, render) in enumerate(job.items):
            if cancel is not None and cancel():
                raise PrintCancelled("打印已取消。")
            stem = f"{_safe_name(name)}-{KINDS[request.kind]}"
            file_name, n = f"{stem}.pdf", 1
            while file_name in used:
                n += 1
                file_name = f"{stem}-{n}.pdf"
            used.add(file_name)
            target = out / file_name
            render(target)
            written.append(target)
            if progress is not None:
                progress(i + 1, total)
    except BaseException:
        for path in written:  # a cancelled or failed batch leaves no partial set behind
            path.unlink(missing_ok=True)
        raise
    return written


def _render_merged(job: _Job, out: Path, *, progress: Progress | None, cancel: Cancel | None) -> Path:
    """Several documents in one PDF: each rendered in memory, then joined page by page."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    total = len(job.items)
    for i, (_name, render) in enumerate(job.items):
        if cancel is not None and cancel():
            raise PrintCancelled("打印已取消。")
        buffer = io.BytesIO()
        render(buffer)
        buffer.seek(0)
        writer.append(PdfReader(buffer))
        if progress is not None:
            progress(i + 1, total)
    tmp = out.with_name(f".{out.name}.part")
    try:
        with tmp.open("wb") as fh:
            writer.write(fh)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"无法写入文件“{out}”：{exc.strerror or exc}；请检查目录是否可写。") from exc
    return out


def make_document(db: Database, actor: Actor, request: PrintRequest, out: Path, *, per_site: bool = False,
                  fonts: FontSet | None = None, options: CertificateOptions | None = None,
                  progress: Progress | None = None, cancel: Cancel | None = None) -> PrintResult:
    """Print `request` to `out`: one PDF, or with `per_site` one PDF per document in folder `out`.

    One transaction: certificate numbers issued for the job are kept only if every file was
    written. Raises UserError (nothing written, nothing issued) when the request cannot be
    met, a character cannot be printed, or `cancel()` turns true (PrintCancelled).
    """
    if per_site and request.kind == "list":
        per_site = False
    with db.begin() as session:
        job = _plan(session, actor, request, db_path=db.path, fonts=fonts, options=options)
        if not job.items:
            raise UserError("没有可打印的文书：" + (job.skipped[0] if job.skipped else "未选择示范点。"))
        paths = _render_job(job, request, Path(out), per_site=per_site, progress=progress, cancel=cancel)
    return PrintResult(tuple(paths), len(job.items), tuple(job.skipped), tuple(job.numbers))
