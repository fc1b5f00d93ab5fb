"""Importing the sheets offices keep: site lists (with applications) and organization counts.

Two steps, so nothing is written before a person has seen what will happen:

- `preview_sites_import(session, actor, path, …) -> ImportPreview` reads and validates every
  row (`excel.sites_sheet`) and matches it against the register: a row carrying the ID
  column of our own export is that site; a row without one matches a live site by
  normalised name and region (exactly one → that site; several, or the same name only in
  another region → a question; none → a new site). Each row is new / updated (with the
  changed fields) / unchanged / error (naming file, sheet, row and cell) / question.
- `apply_sites_import(session, actor, preview, …) -> ImportResult` writes it in the caller's
  transaction: refused while errors or questions remain (unless `allow_partial`), a backup
  first, new sites in bulk (Core), changed sites through `services.sites.update_site`,
  applications as candidacies with status `applied` only (decisions go through the lifecycle
  rules), and one audit entry for the batch with its counts. Re-importing the same sheet
  finds every row unchanged and writes nothing.

Organization-count sheets (`preview_org_counts_import` / `apply_org_counts_import`) follow
the same two steps and are stored through `services.quotas.set_org_count`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bqw_desktop.db.models import Candidacy, Site
from bqw_desktop.domain import lifecycle
from bqw_desktop.domain.divisions import Divisions
from bqw_desktop.domain.vocab import LEVEL_LABELS, ORG_TYPE_LABELS, Tier
from bqw_desktop.errors import UserError
from bqw_desktop.excel import normalize as nz
from bqw_desktop.excel.headers import ORG_COUNT_SCHEMA, SITE_SCHEMA, ColumnMapping, detect_columns
from bqw_desktop.excel.org_counts_sheet import parse_org_count_file
from bqw_desktop.excel.reader import read_table_file
from bqw_desktop.excel.rows import Answers, ParsedRow, ParseResult, Question, RegionResolver, RowError, RowRef
from bqw_desktop.excel.sites_sheet import COMPARED_FIELDS, changed_fields, parse_site_file
from bqw_desktop.services import audit, bulk, campaigns, offices, quotas
from bqw_desktop.services import sites as site_service
from bqw_desktop.services.context import Actor

NEW, UPDATED, UNCHANGED, ERROR, QUESTION = "new", "updated", "unchanged", "error", "question"
STATUS_LABELS = {NEW: "新增", UPDATED: "修改", UNCHANGED: "无变化", ERROR: "有错误", QUESTION: "待确认"}
STATUS_ORDER = (ERROR, QUESTION, NEW, UPDATED, UNCHANGED)
SITES_KIND, ORG_COUNTS_KIND = "sites", "org-counts"
MATCH = "match"
"""Question field of a doubtful match; the answer is a site id or `NEW_SITE`."""
NEW_SITE = "new"
OTHER_OFFICE = "该示范点属于其他单位，不能通过表格修改"
FIELD_LABELS = {**site_service.FIELD_LABELS, "region_code": "所属县市区", "level": "申报级别",
                "organizations": "基层党组织数"}
Progress = Callable[[int, int], None]


# --- plain results ----------------------------------------------------------------------------

@dataclass
class ImportRow:
    """One data row of the sheet and what importing it would do."""

    source: RowRef
    status: str
    name: str
    values: dict[str, Any] = field(default_factory=dict)
    site_id: str | None = None  # the matched site (updated / unchanged)
    version: int | None = None  # its version when previewed: a later change refuses the import
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field → (stored, imported)
    apply_level: str | None = None  # an application to register (status applied)
    errors: list[RowError] = field(default_factory=list)
    pending: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def description(self) -> str:
        """What the preview shows for the row: its errors, question, changes or note."""
        if self.errors:
            return "；".join(_error_text(e) for e in self.errors)
        if self.pending:
            return "待确认：" + "、".join(f"“{value}”" for _, value in self.pending)
        parts = [f"{FIELD_LABELS.get(k, k)}：{_shown(old)} → {_shown(new)}" for k, (old, new) in self.changes.items()]
        if self.apply_level:
            parts.append(f"登记{LEVEL_LABELS[self.apply_level]}申报（已申报）")
        if self.note:
            parts.append(self.note)
        return "；".join(parts)

    def to_dict(self) -> dict[str, Any]:
        values = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.values.items()}
        return {**self.source.to_dict(), "status": self.status, "status_label": self.status_label,
                "name": self.name, "site_id": self.site_id, "values": values,
                "changes": {k: [_json(o), _json(n)] for k, (o, n) in self.changes.items()},
                "apply_level": self.apply_level, "errors": [e.to_dict() for e in self.errors],
                "pending": [list(p) for p in self.pending], "description": self.description}


@dataclass
class ImportPreview:
    """What importing a file would do, row by row; nothing has been written."""

    kind: str
    path: Path
    office_code: str
    rows: list[ImportRow]
    questions: list[Question]
    mappings: list[ColumnMapping]
    skipped_sheets: list[str]
    answers: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        return self.path.name

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUS_ORDER, 0)
        for row in self.rows:
            out[row.status] += 1
        return out

    @property
    def applications(self) -> int:
        return sum(1 for r in self.rows if r.apply_level and r.status in (NEW, UPDATED))

    @property
    def errors(self) -> list[RowError]:
        return [e for r in self.rows for e in r.errors]

    @property
    def ready(self) -> bool:
        """True when every row can be imported: no errors, no open questions."""
        return not any(r.status in (ERROR, QUESTION) for r in self.rows)

    @property
    def writes(self) -> int:
        """Rows that would change something."""
        return sum(1 for r in self.rows if r.status in (NEW, UPDATED))

    def summary(self) -> str:
        """E.g. "共 120 行：新增 3，修改 2，无变化 110，有错误 4，待确认 1（登记申报 3 个）"."""
        counts = self.counts()
        parts = [f"{STATUS_LABELS[s]} {counts[s]}" for s in (NEW, UPDATED, UNCHANGED, ERROR, QUESTION)]
        extra = f"（登记申报 {self.applications} 个）" if self.applications else ""
        return f"共 {len(self.rows)} 行：" + "，".join(parts) + extra

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "file": self.file_name, "counts": self.counts(),
                "applications": self.applications, "ready": self.ready, "summary": self.summary(),
                "rows": [r.to_dict() for r in self.rows],
                "questions": [q.to_dict() for q in self.questions],
                "mappings": [m.to_dict() for m in self.mappings],
                "skipped_sheets": list(self.skipped_sheets)}


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    created: int
    updated: int
    unchanged: int
    skipped: int
    applications: int
    backup: Path | None = None

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated or self.applications)

    def summary(self) -> str:
        text = f"新增 {self.created} 个，修改 {self.updated} 个，无变化 {self.unchanged} 个"
        if self.applications:
            text += f"，登记申报 {self.applications} 个"
        if self.skipped:
            text += f"，未导入（有错误或待确认）{self.skipped} 行"
        return text + "。"

    def to_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "skipped": self.skipped, "applications": self.applications,
                "backup": str(self.backup) if self.backup else None, "summary": self.summary()}


def _shown(value: Any) -> str:
    if value in (None, ""):
        return "（空）"
    if isinstance(value, date):
        return value.isoformat()
    return str(ORG_TYPE_LABELS.get(value, value)) if isinstance(value, str) else str(value)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _error_text(error: RowError) -> str:
    cell = f"{error.column}{error.source.row}" if error.column else ""
    where = f"{error.header}（{cell}）" if error.header and cell else (error.header or cell)
    return f"{where}：{error.reason}" if where else error.reason


# --- regions ----------------------------------------------------------------------------------

_CODE_RE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class RegionLookup:
    """How a sheet's region cells are read for this office."""

    resolve: RegionResolver
    label: Callable[[str], str]
    default_region: str | None


def site_regions(session: Session) -> RegionLookup:
    """Regions a site of this office may be in: by 6-digit code or by name (长沙县, 长沙,
    湖南省长沙市长沙县) within the office's area; a region outside it is an error on the
    cell, several candidates a question. A county's (or system's) own list needs no region
    column: its rows default to the office's region."""
    office = offices.this_office(session)
    divisions = quotas.divisions_of(session)
    scope = offices.scope_codes(office, divisions)
    root = office.parent_code if office.tier == Tier.SYSTEM else office.code
    default = {Tier.COUNTY: office.code, Tier.SYSTEM: office.parent_code}.get(Tier(office.tier))
    return RegionLookup(_resolver(divisions, scope, root), _labeller(divisions), default)


def _resolver(divisions: Divisions, scope: set[str], root: str | None) -> RegionResolver:
    within = root if root in divisions else None

    def resolve(text: str) -> list[str]:
        text = nz.to_halfwidth(text.strip())
        if _CODE_RE.match(text):
            if text in scope:
                return [text]
            if text in divisions:
                raise nz.CellProblem(f"行政区划“{divisions.full_name(text)}”（{text}）不在本单位管辖范围内")
            return []
        found = [d.code for d in divisions.find_by_name(text, within) if d.code in scope]
        if found:
            return found
        if divisions.find_by_name(text):
            raise nz.CellProblem(f"“{text}”不在本单位管辖范围内")
        return []

    return resolve


def _labeller(divisions: Divisions) -> Callable[[str], str]:
    def label(code: str) -> str:
        return divisions.full_name(code) if code in divisions else code
    return label


# --- the register as stored -------------------------------------------------------------------

@dataclass
class _Stored:
    id: str
    owner_office: str
    version: int
    values: dict[str, Any]


class _Register:
    """Live sites by id, by (name key, region) and by name key; tombstoned ids; applications."""

    def __init__(self, session: Session) -> None:
        columns = [getattr(Site, k) for k in COMPARED_FIELDS]
        query = select(Site.id, Site.owner_office, Site.version, Site.deleted, *columns)
        self.by_id: dict[str, _Stored] = {}
        self.deleted: set[str] = set()
        self.by_key: dict[tuple[str, str], list[_Stored]] = {}
        self.by_name: dict[str, list[_Stored]] = {}
        for row in session.execute(query):
            if row.deleted:
                self.deleted.add(row.id)
                continue
            values = {k: getattr(row, k) for k in COMPARED_FIELDS}
            stored = _Stored(row.id, row.owner_office, row.version, values)
            self.by_id[row.id] = stored
            key = nz.name_key(row.name)
            self.by_key.setdefault((key, row.region_code), []).append(stored)
            self.by_name.setdefault(key, []).append(stored)
        query = select(Candidacy.site_id, Candidacy.level).where(Candidacy.deleted.is_(False))
        self.applications: set[tuple[str, str]] = {(sid, level) for sid, level in session.execute(query)}


def _comparable(values: Mapping[str, Any]) -> dict[str, Any]:
    """Stored values as the sheet parser would read them, so equal meanings compare equal."""
    out = dict(values)
    for key in ("name", "parent_org", "secretary", "contact"):
        out[key] = nz.clean_text(out.get(key)) or None
    try:
        out["phone"] = nz.parse_phone(out.get("phone"))
    except nz.CellProblem:
        pass
    out["notes"] = (out.get("notes") or "").strip() or None
    return out


# --- preview ----------------------------------------------------------------------------------

def detect_kind(path: str | Path) -> str:
    """"sites" or "org-counts": the kind of table the file holds. A sheet whose header names
    several organization types and no "党组织类型" column is an organization-count table."""
    for sheet in read_table_file(path):
        if sheet.hidden or not sheet.rows:
            continue
        try:
            counts = detect_columns(sheet, ORG_COUNT_SCHEMA)
        except UserError:
            counts = None
        type_columns = sum(1 for key in counts.fields if key not in ("region", "region_code")) if counts else 0
        try:
            site = detect_columns(sheet, SITE_SCHEMA)
        except UserError:
            site = None
        if type_columns >= 2 and (site is None or "org_type" not in site.fields):
            return ORG_COUNTS_KIND
        if site is not None:
            return SITES_KIND
    raise UserError(f"文件 {Path(path).name} 中没有找到示范点名单或基层党组织数量表"
                    "（表头应有“名称”“党组织类型”或“县市区”等列）。")


def preview_sites_import(session: Session, actor: Actor, path: str | Path, *,
                         mappings: Mapping[str, ColumnMapping] | None = None,
                         answers: Answers | None = None) -> ImportPreview:
    """Read, validate and match every row of a site list; writes nothing (see module notes).

    `mappings` (sheet name → corrected column mapping) and `answers` ((field, text) → key,
    from a previous preview's questions) are the person's corrections. UserError for a file
    that cannot be read (hostile, damaged, no site list in it).
    """
    path = Path(path)
    office = offices.this_office(session)
    _check_actor(office, actor)
    regions = site_regions(session)
    answers = dict(answers or {})
    parsed = parse_site_file(path, resolve_region=regions.resolve, region_label=regions.label,
                             mappings=mappings, answers=answers, default_region=regions.default_region)
    matcher = _Matcher(session, office, parsed, regions.label, answers)
    rows = [matcher.row(p) for p in parsed.rows]
    questions = list(parsed.questions) + list(matcher.questions.values())
    return ImportPreview(SITES_KIND, path, office.code, rows, questions, list(parsed.mappings),
                         list(parsed.skipped_sheets), answers)


def _check_actor(office: offices.OfficeInfo, actor: Actor) -> None:
    if actor.office_code != office.code:
        raise UserError(f"当前操作单位（{actor.office_code}）不是本数据库的单位（{office.code}），不能导入。")


class _Matcher:
    """Turns parsed rows into preview rows against the stored register."""

    def __init__(self, session: Session, office: offices.OfficeInfo, parsed: ParseResult,
                 label: Callable[[str], str], answers: Mapping[tuple[str, str], str]) -> None:
        self.office = office
        self.register = _Register(session)
        self.scope = offices.scope_codes(office, quotas.divisions_of(session))
        self.label = label
        self.answers = answers
        self.mappings = {m.sheet_name: m for m in parsed.mappings}
        self.questions: dict[tuple[str, str], Question] = {}
        self.office_names = _office_names(session)

    def row(self, parsed: ParsedRow) -> ImportRow:
        values = parsed.values
        row = ImportRow(parsed.source, ERROR, values.get("name") or "", dict(values),
                        errors=list(parsed.errors), pending=list(parsed.pending))
        if row.errors:
            return row
        if row.pending:
            row.status = QUESTION
            return row
        stored = self._match(parsed, row)
        if row.errors or row.pending:
            row.status = ERROR if row.errors else QUESTION
            return row
        if stored is None:
            self._as_new(parsed, row)
        else:
            self._as_existing(parsed, row, stored)
        if not row.errors:
            self._application(parsed, row, stored)
        if row.errors:
            row.status = ERROR
        return row

    # matching --------------------------------------------------------------------------
    def _match(self, parsed: ParsedRow, row: ImportRow) -> _Stored | None:
        values = parsed.values
        site_id = values.get("id")
        if site_id:
            stored = self.register.by_id.get(site_id)
            if stored is None:
                why = ("该 ID 的示范点已被删除" if site_id in self.register.deleted
                       else "本数据库中没有该 ID 的示范点")
                self._error(parsed, row, "id", f"{why}；如要作为新示范点登记，请清空 ID 列")
            return stored
        key, region = values.get("name_key", ""), values.get("region_code", "")
        same = self.register.by_key.get((key, region), [])
        if len(same) == 1:
            return same[0]
        elsewhere = [] if same else [s for s in self.register.by_name.get(key, [])]
        candidates = same or elsewhere
        if not candidates:
            return None
        text = f"{values.get('name', '')}（{self.label(region)}）"
        answer = self.answers.get((MATCH, text))
        by_id = {s.id: s for s in candidates}
        if answer == NEW_SITE and not same:
            return None
        if answer in by_id:
            return by_id[answer]
        options = [(s.id, self._site_label(s)) for s in candidates]
        if not same:  # the same name only in another region: perhaps a different organization
            options.append((NEW_SITE, "不是同一个，作为新示范点登记"))
        self._ask(row, text, options)
        return None

    def _site_label(self, stored: _Stored) -> str:
        v = stored.values
        owner = self.office_names.get(stored.owner_office, stored.owner_office)
        secretary = f"，书记 {v['secretary']}" if v.get("secretary") else ""
        return f"已有：{v['name']}（{self.label(v['region_code'])}{secretary}，{owner}登记）"

    def _ask(self, row: ImportRow, text: str, options: list[tuple[str, str]]) -> None:
        key = (MATCH, text)
        question = self.questions.get(key)
        if question is None:
            question = Question(MATCH, "名称", text, options)
            self.questions[key] = question
        question.rows.append(row.source)
        row.pending.append(key)

    # new and existing sites ----------------------------------------------------------------
    def _as_new(self, parsed: ParsedRow, row: ImportRow) -> None:
        fields = {k: parsed.values[k] for k in COMPARED_FIELDS if k in parsed.values}
        clean = self._validate(parsed, row, fields)
        if clean is not None:
            row.values.update(clean)
            row.status = NEW

    def _validate(self, parsed: ParsedRow, row: ImportRow, fields: dict[str, Any]) -> dict[str, Any] | None:
        """The register's own validation (`services.sites.validate`), its refusal put on the
        cell of the field it names."""
        try:
            return site_service.validate(fields, scope=self.scope)
        except UserError as exc:
            key = next((k for k in fields if _refuses(k, fields[k], self.scope)), next(iter(fields), "name"))
            self._error(parsed, row, key, exc.message.rstrip("。"))
            return None

    def _as_existing(self, parsed: ParsedRow, row: ImportRow, stored: _Stored) -> None:
        row.site_id, row.version = stored.id, stored.version
        changes = changed_fields(parsed.values, _comparable(stored.values))
        if changes and stored.owner_office != self.office.code:
            owner = self.office_names.get(stored.owner_office, stored.owner_office)
            self._error(parsed, row, next(iter(changes)), f"{OTHER_OFFICE}（由{owner}登记）")
            return
        if changes and self._validate(parsed, row, {k: new for k, (_, new) in changes.items()}) is None:
            return
        row.changes = changes
        row.status = UPDATED if changes else UNCHANGED

    def _application(self, parsed: ParsedRow, row: ImportRow, stored: _Stored | None) -> None:
        level = parsed.values.get("level")
        if not level:
            return
        if stored is not None and (stored.id, level) in self.register.applications:
            return  # already applied (whatever became of it): the sheet never changes a bid
        try:
            lifecycle.route_for(level=level, registrant_tier=self.office.tier)
        except UserError as exc:
            self._error(parsed, row, "level", exc.message.rstrip("。"))
            return
        region = parsed.values.get("region_code") or (stored.values["region_code"] if stored else "")
        if self.office.tier == Tier.SYSTEM and stored is not None and stored.owner_office != self.office.code:
            self._error(parsed, row, "level", "省直机关/系统只能为本单位登记的示范点申报")
            return
        if region not in self.scope:
            self._error(parsed, row, "level", "示范点不在本单位管辖范围内，不能为其登记申报")
            return
        row.apply_level = level
        if row.status == UNCHANGED:
            row.status = UPDATED

    def _error(self, parsed: ParsedRow, row: ImportRow, key: str, reason: str) -> None:
        mapping = self.mappings.get(parsed.source.sheet)
        cell = parsed.cells.get(key, "")
        column = cell.rstrip("0123456789")
        header = (mapping.header_of(key) if mapping else "") or (
            SITE_SCHEMA.label(key) if key in {f.key for f in SITE_SCHEMA.fields} else "")
        value = parsed.values.get(key)
        row.errors.append(RowError(parsed.source, reason, field=key, header=header, column=column,
                                   value="" if value is None else str(value)))


def _refuses(key: str, value: Any, scope: set[str]) -> bool:
    try:
        site_service.validate({key: value}, scope=scope)
    except UserError:
        return True
    return False


def _office_names(session: Session) -> dict[str, str]:
    from bqw_desktop.db.models import Office

    return {code: name for code, name in session.execute(select(Office.code, Office.name))}


# --- apply ------------------------------------------------------------------------------------

def apply_sites_import(session: Session, actor: Actor, preview: ImportPreview, *,
                       allow_partial: bool = False, db_path: str | Path | None = None,
                       progress: Progress | None = None) -> ImportResult:
    """Write a previewed site import in the caller's transaction (see the module notes).

    Refused (UserError, nothing written) while rows with errors or open questions remain,
    unless `allow_partial` (those rows are then left out). `db_path`: the database file,
    backed up before anything is written. A site changed since the preview refuses the import.
    """
    if preview.kind != SITES_KIND:
        raise UserError("这不是示范点名单的检查结果，不能按示范点导入。")
    office = offices.this_office(session)
    _check_actor(office, actor)
    if preview.office_code != office.code:
        raise UserError("检查结果来自另一个单位的数据库，请重新检查表格。")
    _refuse_blocked(preview, allow_partial)
    counts = preview.counts()
    skipped = counts[ERROR] + counts[QUESTION]
    new_rows = [r for r in preview.rows if r.status == NEW]
    changed = [r for r in preview.rows if r.status == UPDATED]
    if not new_rows and not changed:
        return ImportResult(0, 0, counts[UNCHANGED], skipped, 0)
    _check_versions(session, changed)
    backup = _backup(db_path)
    total = len(new_rows) + len(changed)
    new_ids = _insert_sites(session, actor, new_rows)
    if progress:
        progress(len(new_rows), total)
    updated = applications = 0
    for done, row in enumerate(changed, len(new_rows) + 1):
        assert row.site_id is not None
        if row.changes:
            site_service.update_site(session, actor, row.site_id, **{k: new for k, (_, new) in row.changes.items()})
            updated += 1
        if row.apply_level:
            _apply_existing(session, actor, row)
            applications += 1
        if progress and done % 50 == 0:
            progress(done, total)
    applications += _insert_applications(session, actor, office, new_rows, new_ids)
    result = ImportResult(len(new_rows), updated, counts[UNCHANGED], skipped, applications, backup)
    audit.record(session, actor, "import_sheet", record_type="sites",
                 summary={"file": preview.file_name, "created": result.created, "updated": result.updated,
                          "unchanged": result.unchanged, "skipped": skipped, "applications": applications})
    if progress:
        progress(total, total)
    return result


def _refuse_blocked(preview: ImportPreview, allow_partial: bool) -> None:
    counts = preview.counts()
    if (counts[ERROR] or counts[QUESTION]) and not allow_partial:
        parts = [f"{counts[ERROR]} 行有错误" if counts[ERROR] else "",
                 f"{counts[QUESTION]} 行待确认" if counts[QUESTION] else ""]
        raise UserError(f"文件 {preview.file_name} 中还有 {'、'.join(p for p in parts if p)}，未导入任何内容；"
                        "请修改表格或回答待确认的问题后重新检查，或选择“仅导入无误的行”。")


def _check_versions(session: Session, rows: list[ImportRow]) -> None:
    ids = [r.site_id for r in rows if r.site_id]
    if not ids:
        return
    current: dict[str, tuple[int | None, bool]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        query = select(Site.id, Site.version, Site.deleted).where(Site.id.in_(chunk))
        current.update({sid: (version, deleted) for sid, version, deleted in session.execute(query)})
    for row in rows:
        version, deleted = current.get(row.site_id or "", (None, True))
        if deleted or version != row.version:
            raise UserError(f"示范点“{row.name}”在检查表格之后被修改或删除了，未导入任何内容；请重新检查表格后再导入。")


def _backup(db_path: str | Path | None) -> Path | None:
    if db_path is None:
        return None
    from bqw_desktop.db.backup import backup_before

    return backup_before(Path(db_path), "import")


def _insert_sites(session: Session, actor: Actor, rows: list[ImportRow]) -> list[str]:
    """New sites in one Core batch; returns their ids in row order."""
    if not rows:
        return []
    divisions = quotas.divisions_of(session)
    plain = []
    for row in rows:
        v = row.values
        secretary = v.get("secretary") or ""
        plain.append({
            "name": v["name"], "org_type": v["org_type"], "org_kind": v.get("org_kind"),
            "region_code": v["region_code"], "parent_org": v.get("parent_org") or "",
            "secretary": secretary, "member_count": v.get("member_count"),
            "contact": v.get("contact") or "", "phone": v.get("phone") or "", "address": "",
            "notes": v.get("notes") or "",
            "search_key": site_service.key_for(v["name"], v["region_code"], secretary, divisions=divisions),
        })
    full = list(bulk.owned_rows(Site, plain, owner=actor.office_code, user=actor.user))
    bulk.insert_rows(session.connection(), Site, full)
    return [r["id"] for r in full]


def _insert_applications(session: Session, actor: Actor, office: offices.OfficeInfo,
                         rows: list[ImportRow], ids: list[str]) -> int:
    """Applications of new sites in one Core batch, status applied. The checks
    `candidacies.create_candidacy` makes were made in the preview: the tier may register
    the level, the site is in the office's area, and a new site has no bid yet."""
    plain = []
    campaign = campaigns.current_campaign(session)
    for row, site_id in zip(rows, ids, strict=True):
        if row.apply_level:
            plain.append({"site_id": site_id, "campaign_id": campaign.id if campaign else None,
                          "level": row.apply_level, "registrant_tier": office.tier,
                          "applied_on": row.values.get("applied_on") or date.today(),
                          "achievements": "", "measures": "", "status": lifecycle.Status.APPLIED.value})
    if not plain:
        return 0
    full = bulk.owned_rows(Candidacy, plain, owner=actor.office_code, user=actor.user)
    return bulk.insert_rows(session.connection(), Candidacy, full)


def _apply_existing(session: Session, actor: Actor, row: ImportRow) -> None:
    from bqw_desktop.services import candidacies

    assert row.site_id is not None and row.apply_level is not None
    candidacies.create_candidacy(session, actor, site_id=row.site_id, level=row.apply_level,
                                 applied_on=row.values.get("applied_on"))


# --- organization counts ----------------------------------------------------------------------

def org_count_regions(session: Session) -> RegionLookup:
    """Units whose organization counts this office enters: itself and the units it allots to."""
    office = offices.this_office(session)
    divisions = quotas.divisions_of(session)
    units = dict(quotas.child_units(session, office, level=None))
    units.setdefault(office.code, office.name)
    allowed = set(units)
    by_name: dict[str, list[str]] = {}
    for code, name in units.items():
        by_name.setdefault(name, []).append(code)

    def resolve(text: str) -> list[str]:
        text = nz.to_halfwidth(text.strip())
        if text in allowed:
            return [text]
        if _CODE_RE.match(text):
            if text in divisions:
                raise nz.CellProblem(f"“{divisions.full_name(text)}”（{text}）不是本单位或本单位分配名额的下级单位")
            return []
        found = by_name.get(text) or [d.code for d in divisions.find_by_name(text) if d.code in allowed]
        if not found and divisions.find_by_name(text):
            raise nz.CellProblem(f"“{text}”不是本单位或本单位分配名额的下级单位")
        return found

    def label(code: str) -> str:
        return units.get(code) or (divisions.full_name(code) if code in divisions else code)

    return RegionLookup(resolve, label, None)


def preview_org_counts_import(session: Session, actor: Actor, path: str | Path, *,
                              answers: Answers | None = None) -> ImportPreview:
    """Each unit's number of organizations (the sum of its type columns) against what is
    entered: new / updated / unchanged / error / question."""
    path = Path(path)
    office = offices.this_office(session)
    _check_actor(office, actor)
    regions = org_count_regions(session)
    answers = dict(answers or {})
    parsed = parse_org_count_file(path, resolve_region=regions.resolve, region_label=regions.label,
                                  answers=answers)
    stored = quotas.org_counts(session)
    rows = []
    for p in parsed.rows:
        code = p.values.get("region_code")
        total = sum(p.values.get("counts", {}).values())
        row = ImportRow(p.source, ERROR, regions.label(code) if code else "",
                        {"region_code": code, "organizations": total, "counts": p.values.get("counts", {})},
                        errors=list(p.errors), pending=list(p.pending))
        if row.errors:
            pass
        elif p.values.get("blank"):
            row.status, row.note = UNCHANGED, "未填写数量，不导入"
        elif row.pending:
            row.status = QUESTION
        elif code not in stored:
            row.status, row.changes = NEW, {"organizations": (None, total)}
        elif stored[code] != total:
            row.status, row.changes = UPDATED, {"organizations": (stored[code], total)}
        else:
            row.status = UNCHANGED
        rows.append(row)
    return ImportPreview(ORG_COUNTS_KIND, path, office.code, rows, list(parsed.questions),
                         list(parsed.mappings), list(parsed.skipped_sheets), answers)


def apply_org_counts_import(session: Session, actor: Actor, preview: ImportPreview, *,
                            allow_partial: bool = False, db_path: str | Path | None = None,
                            progress: Progress | None = None) -> ImportResult:
    """Enter the previewed counts (`quotas.set_org_count`), one audit entry for the batch."""
    if preview.kind != ORG_COUNTS_KIND:
        raise UserError("这不是基层党组织数量表的检查结果，不能按数量表导入。")
    office = offices.this_office(session)
    _check_actor(office, actor)
    _refuse_blocked(preview, allow_partial)
    counts = preview.counts()
    todo = [r for r in preview.rows if r.status in (NEW, UPDATED)]
    skipped = counts[ERROR] + counts[QUESTION]
    if not todo:
        return ImportResult(0, 0, counts[UNCHANGED], skipped, 0)
    backup = _backup(db_path)
    for done, row in enumerate(todo, 1):
        quotas.set_org_count(session, actor, unit_code=row.values["region_code"],
                             organizations=row.values["organizations"])
        if progress:
            progress(done, len(todo))
    result = ImportResult(counts[NEW], counts[UPDATED], counts[UNCHANGED], skipped, 0, backup)
    audit.record(session, actor, "import_sheet", record_type="org_counts",
                 summary={"file": preview.file_name, "created": result.created, "updated": result.updated,
                          "unchanged": result.unchanged, "skipped": skipped})
    return result


# --- one entry point ----------------------------------------------------------------------------

def preview_import(session: Session, actor: Actor, path: str | Path, *, kind: str | None = None,
                   mappings: Mapping[str, ColumnMapping] | None = None,
                   answers: Answers | None = None) -> ImportPreview:
    """A site list or an organization-count sheet, by `kind` or by what the file holds."""
    kind = kind or detect_kind(path)
    if kind == ORG_COUNTS_KIND:
        return preview_org_counts_import(session, actor, path, answers=answers)
    return preview_sites_import(session, actor, path, mappings=mappings, answers=answers)


def apply_import(session: Session, actor: Actor, preview: ImportPreview, *, allow_partial: bool = False,
                 db_path: str | Path | None = None, progress: Progress | None = None) -> ImportResult:
    """`apply_sites_import` or `apply_org_counts_import`, by the preview's kind."""
    apply = apply_org_counts_import if preview.kind == ORG_COUNTS_KIND else apply_sites_import
    return apply(session, actor, preview, allow_partial=allow_partial, db_path=db_path, progress=progress)


def answers_from_json(data: Any) -> dict[tuple[str, str], str]:
    """Answers from JSON: a list of {"field", "value", "answer"} objects (as `--answers` takes)."""
    if not isinstance(data, list):
        raise UserError("答案文件应为列表，每项含 field、value、answer。")
    out: dict[tuple[str, str], str] = {}
    for item in data:
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("field", "value", "answer")):
            raise UserError("答案文件中每项都应含文本 field、value、answer。")
        out[(item["field"], item["value"])] = item["answer"]
    return out
