"""Records as they travel: which types, in which order, their anchors and their JSON form.

A package line is `{"record": {...}}`, plus `"signature"` for decisions (`SIGNED_TYPES`):
the deciding office's signature over the record (content, version and content hash), so an
office that relays it cannot alter or forge it. The record is exactly what
`services.records.exported` gives: content columns (not bookkeeping, not local caches),
`version` and `content_hash`, dates as ISO text.

`AnchorIndex` answers "which offices are entitled to this record" (see `scope`) from the
database, optionally overlaid with a package's records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, select
from sqlalchemy.orm import Session

from bqw_desktop.db.base import OwnedRecord
from bqw_desktop.db.models import OWNED_MODELS
from bqw_desktop.exchange.scope import OfficeTree
from bqw_desktop.services.records import content_columns

__all__ = [
    "RECORD_TYPES",
    "SIGNED_TYPES",
    "TYPE_LABELS",
    "AnchorIndex",
    "Columns",
    "columns_of",
    "to_db_value",
]

# Types in the order they are written (references are checked at commit, so this is for
# people reading reports as much as for the database).
RECORD_TYPES: tuple[str, ...] = (
    "units", "org_counts", "campaigns", "quotas", "sites", "people", "candidacies", "transitions",
    "ticks", "verdicts", "assignments", "visits", "rectifications", "rectification_closings",
    "ledger_entries", "certificates", "attachment_links",
)

# Decisions: each carries the signature of the office that made it.
SIGNED_TYPES: frozenset[str] = frozenset(
    {"campaigns", "quotas", "transitions", "verdicts", "rectification_closings", "certificates"}
)

TYPE_LABELS: dict[str, str] = {
    "units": "单位", "org_counts": "党组织数", "campaigns": "批次", "quotas": "名额",
    "sites": "示范点", "people": "人员", "candidacies": "申报", "transitions": "审批步骤",
    "ticks": "自评", "verdicts": "评定", "assignments": "联系分工", "visits": "督导走访",
    "rectifications": "整改事项", "rectification_closings": "整改销号", "ledger_entries": "创建台账",
    "certificates": "证书", "attachment_links": "附件",
}

# How a record reaches a site: the column naming the site, candidacy or rectification.
SITE_COLUMN = {t: "site_id" for t in ("candidacies", "ticks", "assignments", "visits", "rectifications",
                                      "ledger_entries")}
CANDIDACY_COLUMN = {"transitions": "candidacy_id", "verdicts": "candidacy_id", "certificates": "candidacy_id"}
RECTIFICATION_COLUMN = {"rectification_closings": "rectification_id"}
UNIT_COLUMN = {"quotas": "unit_code", "org_counts": "unit_code", "units": "code"}


class Columns:
    """A record type's travelling columns and how to turn JSON values into column values."""

    def __init__(self, record_type: str) -> None:
        self.record_type = record_type
        self.model: type[OwnedRecord] = OWNED_MODELS[record_type]
        self.content: tuple[str, ...] = tuple(content_columns(self.model))
        self.travelling: frozenset[str] = frozenset(self.content) | {"version", "content_hash"}
        table = self.model.__table__  # type: ignore[attr-defined]
        self.kinds: dict[str, str] = {}
        self.nullable: dict[str, bool] = {}
        for key in self.content:
            column = table.c[key]
            self.nullable[key] = bool(column.nullable)
            ctype = column.type
            if isinstance(ctype, DateTime):
                self.kinds[key] = "datetime"
            elif isinstance(ctype, Date):
                self.kinds[key] = "date"
            elif isinstance(ctype, Boolean):
                self.kinds[key] = "bool"
            elif isinstance(ctype, Integer):
                self.kinds[key] = "int"
            else:
                self.kinds[key] = "str"
        self.date_keys = tuple(k for k, v in self.kinds.items() if v in ("date", "datetime"))
        plain = {"str": str, "int": int, "bool": bool}
        self._plain = tuple((k, plain[v]) for k, v in self.kinds.items() if v in plain)
        self._dates = tuple((k, date.fromisoformat if v == "date" else datetime.fromisoformat)
                            for k, v in self.kinds.items() if v in ("date", "datetime"))

    def to_db(self, record: Mapping[Any, Any]) -> dict[str, Any]:
        """A travelling record with its values as the columns store them.

        ValueError naming the field when a value does not fit its column.
        """
        out = dict(record)
        for key, wanted in self._plain:
            value = out[key]
            if value is not None and type(value) is not wanted:
                raise ValueError(f"{key} 的值类型不对")
        for key, parse in self._dates:
            value = out[key]
            if value is not None:
                if type(value) is not str:
                    raise ValueError(f"{key} 应为日期")
                out[key] = parse(value)
        return out

    def exported(self, row: Mapping[Any, Any]) -> dict[str, Any]:
        """A database row (content columns, version, content_hash) as it travels."""
        out = {key: row[key] for key in self.content}
        for key in self.date_keys:
            value = out[key]
            if isinstance(value, (date, datetime)):
                out[key] = value.isoformat()
        out["version"] = row["version"]
        out["content_hash"] = row["content_hash"]
        return out


@cache
def columns_of(record_type: str) -> Columns:
    return Columns(record_type)


def to_db_value(kind: str, value: Any) -> Any:
    """A JSON value as the column stores it; ValueError if it does not fit the column."""
    if value is None:
        return None
    if kind == "str":
        if not isinstance(value, str):
            raise ValueError("text expected")
        return value
    if kind == "int":
        if type(value) is not int:
            raise ValueError("integer expected")
        return value
    if kind == "bool":
        if type(value) is not bool:
            raise ValueError("true/false expected")
        return value
    if not isinstance(value, str):
        raise ValueError("date expected")  # noqa: TRY004 - callers catch ValueError for any unfit value
    return date.fromisoformat(value) if kind == "date" else datetime.fromisoformat(value)


class AnchorIndex:
    """Anchors of records, from the database plus any records added with `overlay`.

    Anchors of a record: its owner, the owner of the site it is about (through its site,
    candidacy or rectification), the office of its unit (quotas, counts, units), the anchors
    of the site assignments of a person, and the anchors of the record an attachment link
    points at. A campaign has no anchors: it reaches every office above and below its owner.
    """

    def __init__(self, session: Session, tree: OfficeTree) -> None:
        self.tree = tree
        self.site_owner: dict[Any, str] = dict(session.execute(select(_t("sites").c.id, _t("sites").c.owner_office)).all())
        self.site_name: dict[Any, str] = dict(session.execute(select(_t("sites").c.id, _t("sites").c.name)).all())
        self.candidacy: dict[Any, tuple[str, Any]] = _pairs(session, "candidacies", "site_id")
        self.rectification: dict[Any, tuple[str, Any]] = _pairs(session, "rectifications", "site_id")
        self.visit_site: dict[Any, Any] = {k: v for k, (_, v) in _pairs(session, "visits", "site_id").items()}
        self.person_anchors: dict[Any, set[str]] = {}
        a = _t("assignments").c
        for person_id, owner, site_id in session.execute(select(a.person_id, a.owner_office, a.site_id)):
            self._add_person(person_id, owner, site_id)
        self._session = session
        self._linked: dict[str, tuple[str | None, ...]] = {}

    # -- building -----------------------------------------------------------------------

    def _add_person(self, person_id: Any, owner: str, site_id: Any) -> None:
        self.person_anchors.setdefault(person_id, set()).update((owner, self.site_owner.get(site_id, "")))

    def overlay(self, record_type: str, records: Iterable[Mapping[Any, Any]]) -> None:
        """Add (or replace) what records arriving in a package say about anchors."""
        for r in records:
            rid = r["id"]
            if record_type == "sites":
                self.site_owner[rid] = r["owner_office"]
                self.site_name[rid] = r.get("name", "")
            elif record_type == "candidacies":
                self.candidacy[rid] = (r["owner_office"], r.get("site_id"))
            elif record_type == "rectifications":
                self.rectification[rid] = (r["owner_office"], r.get("site_id"))
            elif record_type == "visits":
                self.visit_site[rid] = r.get("site_id")
            elif record_type == "assignments":
                self._add_person(r.get("person_id"), r["owner_office"], r.get("site_id"))

    # -- questions ----------------------------------------------------------------------

    def site_of(self, record_type: str, row: Mapping[Any, Any]) -> str | None:
        """The id of the site a record is about, if any."""
        if record_type == "sites":
            return row["id"]
        if record_type in SITE_COLUMN:
            return row.get("site_id")
        if record_type in CANDIDACY_COLUMN:
            found = self.candidacy.get(row.get("candidacy_id"))
            return found[1] if found else None
        if record_type in RECTIFICATION_COLUMN:
            found = self.rectification.get(row.get("rectification_id"))
            return found[1] if found else None
        return None

    def anchors(self, record_type: str, row: Mapping[Any, Any]) -> tuple[str | None, ...]:
        """Offices whose chains are entitled to the record (see the class notes)."""
        owner = row["owner_office"]
        if record_type == "sites":
            return (owner,)
        if record_type in SITE_COLUMN:
            return owner, self.site_owner.get(row.get("site_id"))
        if record_type in CANDIDACY_COLUMN:
            cand = self.candidacy.get(row.get("candidacy_id"))
            return (owner, cand[0], self.site_owner.get(cand[1])) if cand else (owner,)
        if record_type in RECTIFICATION_COLUMN:
            rect = self.rectification.get(row.get("rectification_id"))
            return (owner, rect[0], self.site_owner.get(rect[1])) if rect else (owner,)
        if record_type in UNIT_COLUMN:
            return owner, self.tree.office_of(row.get(UNIT_COLUMN[record_type]))
        if record_type == "people":
            return (owner, *self.person_anchors.get(row["id"], ()))
        if record_type == "attachment_links":
            return (owner, *self.linked_anchors(row.get("record_type"), row.get("record_id")))
        return (owner,)

    def entitled(self, office: str, record_type: str, row: Mapping[Any, Any]) -> bool:
        if record_type == "campaigns":
            return self.tree.entitled_to_campaign(office, row["owner_office"])
        return self.tree.entitled(office, self.anchors(record_type, row))

    def linked_anchors(self, record_type: Any, record_id: Any) -> tuple[str | None, ...]:
        """Anchors of the record an attachment link points at (none if unknown here)."""
        if record_type not in OWNED_MODELS or record_type == "attachment_links" or not isinstance(record_id, str):
            return ()
        if record_type == "sites":
            owner = self.site_owner.get(record_id)
            return (owner,) if owner else ()
        if record_type == "candidacies" and record_id in self.candidacy:
            owner, site = self.candidacy[record_id]
            return owner, self.site_owner.get(site)
        if record_type == "rectifications" and record_id in self.rectification:
            owner, site = self.rectification[record_id]
            return owner, self.site_owner.get(site)
        key = f"{record_type}:{record_id}"
        if key not in self._linked:
            self._linked[key] = self._load_linked(record_type, record_id)
        return self._linked[key]

    def _load_linked(self, record_type: str, record_id: str) -> tuple[str | None, ...]:
        table = _t(record_type)
        row = self._session.execute(select(table).where(table.c.id == record_id)).mappings().first()
        if row is None:
            return ()
        if record_type == "campaigns":
            return (row["owner_office"],)
        return self.anchors(record_type, row)

    def label(self, record_type: str, row: Mapping[Any, Any]) -> str:
        """What a person recognises the record by: its site's name, or its own name."""
        site = self.site_of(record_type, row)
        if site is not None:
            return self.site_name.get(site) or f"示范点 {site[:8]}"
        for key in ("name", "title", "unit_code", "code"):
            value = row.get(key)
            if isinstance(value, str) and value:
                return value
        return f"{TYPE_LABELS.get(record_type, record_type)} {str(row.get('id', ''))[:8]}"


def _t(record_type: str):
    return OWNED_MODELS[record_type].__table__  # type: ignore[attr-defined]


def _pairs(session: Session, record_type: str, column: str) -> dict[Any, tuple[str, Any]]:
    t = _t(record_type)
    return {rid: (owner, other) for rid, owner, other in session.execute(select(t.c.id, t.c.owner_office, t.c[column]))}


def iter_rows(session: Session, record_type: str) -> Iterator[Mapping[Any, Any]]:
    """Every row of a type (live and tombstoned) as mappings, streamed."""
    table = _t(record_type)
    result = session.execute(select(table).execution_options(yield_per=2000))
    yield from result.mappings()
