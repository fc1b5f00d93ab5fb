"""Units added or renamed after the division table's vintage, and the province's `system` units.

The national division list ships as a resource (`domain.divisions`) and dates from about
2016; only what an office adds or renames is stored, one `Unit` record each, owned by the
office that made it:

- a **geographic unit added** later (a new district, a county turned city with a new code):
  a 6-digit code not yet in the tree, a city under the province or a county under a city (or
  directly under the province). The province adds cities and counties in its province, a
  city adds counties under itself; a county office adds nothing. The code's digits must
  agree with its parent's (`4301xx` under `430100`), so other offices place it correctly;
- a **rename**: a record with the code of a shipped division and its new name, made by an
  office above the unit (never by the unit itself);
- a **`system` unit** (省直机关工委、国资委系统…) that only the province adds, under its own
  node, with the next free code `{province}-S{NN}`; a code once given is never given again,
  even after the unit was deleted.

Only the owner changes a record: a unit another office added or renamed is changed by that
office only. A unit this office added may be deleted (tombstoned) while no site lies in it,
no unit lies below it and, for a system unit, no office with its code is known.

`divisions_of(session)` is the merged tree every other capability reads; `system_units`
the system units known here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bqw_desktop.db.models import Office, Quota, Site, Unit
from bqw_desktop.domain.divisions import Division, Divisions, load_divisions
from bqw_desktop.domain.vocab import Tier
from bqw_desktop.errors import NotFoundError, UserError
from bqw_desktop.services import offices, records
from bqw_desktop.services.context import Actor

NAME_LIMIT = 100  # Unit.name is String(100)
SYSTEM_LIMIT = 99  # two digits after "-S"
ADDABLE_TIERS = (Tier.CITY, Tier.COUNTY)

SHIPPED, ADDED, RENAMED = "shipped", "added", "renamed"
STATUS_LABELS = {SHIPPED: "全国区划表", ADDED: "新增", RENAMED: "已更名"}
UNIT_TIER_LABELS = {"province": "省级", "city": "市州", "county": "县市区", Tier.SYSTEM: "省直机关/系统"}


@dataclass(frozen=True, slots=True)
class UnitInfo:
    """One unit as this office sees it.

    `parent_code` is "" for a province; `tier` is province / city / county / system;
    `status` shipped / added / renamed; `shipped_name` the name in the shipped table ("" for
    an added unit); `owner_office` the office whose record added or renamed the unit ("" for
    a shipped unit as shipped). `may_*` say what this office may do with it.
    """

    code: str
    name: str
    parent_code: str
    tier: str
    status: str
    shipped_name: str
    owner_office: str
    owner_name: str
    may_rename: bool
    may_remove: bool
    may_add_below: bool

    @property
    def added(self) -> bool:
        return self.status == ADDED

    @property
    def renamed(self) -> bool:
        return self.status == RENAMED

    @property
    def status_text(self) -> str:
        """E.g. "新增" or "已更名（原名：宁乡县）"."""
        if self.renamed:
            return f"已更名（原名：{self.shipped_name}）"
        return STATUS_LABELS[self.status]

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "parent_code": self.parent_code, "tier": self.tier,
                "status": self.status, "shipped_name": self.shipped_name, "owner_office": self.owner_office,
                "owner_name": self.owner_name, "may_rename": self.may_rename, "may_remove": self.may_remove,
                "may_add_below": self.may_add_below}


# --- the merged tree ----------------------------------------------------------------------

_merged_cache: dict[tuple[Any, ...], Divisions] = {}


def divisions_of(session: Session) -> Divisions:
    """The shipped division tree with this database's added or renamed units (not systems).

    Where several live records name one code, this office's own wins, then the highest
    version. The tree is shared between calls while the records stay the same.
    """
    base = load_divisions()
    rows = session.execute(
        select(Unit.code, Unit.name, Unit.parent_code, Unit.tier, Unit.owner_office, Unit.version)
        .where(Unit.deleted.is_(False), Unit.tier != Tier.SYSTEM)
    ).all()
    if not rows:
        return base
    winners = _winners(rows, session.info.get("office"))
    key = tuple(sorted((r.code, r.name, r.parent_code or "", r.tier) for r in winners))
    merged = _merged_cache.get(key)
    if merged is None:
        merged = base.merged(Division(code, name, parent, tier) for code, name, parent, tier in key)
        _merged_cache.clear()  # one tree per database is all a window needs
        _merged_cache[key] = merged
    return merged


def _winners(rows: Iterable[Any], own: str | None) -> list[Any]:
    """One row per code: this office's own first, then the highest version, then the owner code."""
    best: dict[str, tuple[tuple[int, int, str], Any]] = {}
    for row in rows:
        rank = (1 if row.owner_office == own else 0, row.version, row.owner_office)
        if row.code not in best or rank > best[row.code][0]:
            best[row.code] = (rank, row)
    return [row for _, row in best.values()]


def system_units(session: Session) -> dict[str, str]:
    """`system` offices known here (units added by the province, trusted offices): code → name."""
    out: dict[str, str] = {}
    for code, name in session.execute(select(Office.code, Office.name).where(Office.tier == Tier.SYSTEM)):
        out[code] = name
    query = select(Unit.code, Unit.name).where(Unit.deleted.is_(False), Unit.tier == Tier.SYSTEM)
    for code, name in session.execute(query):
        out[code] = name
    return dict(sorted(out.items()))


# --- what this office sees and may do -----------------------------------------------------


class _View:
    """This office, the merged tree, the system units and the live unit records, read once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.office = offices.this_office(session)
        self.shipped = load_divisions()
        self.divisions = divisions_of(session)
        self.systems = system_units(session)
        self.rows: dict[str, list[Unit]] = {}
        for row in session.scalars(select(Unit).where(Unit.deleted.is_(False)).order_by(Unit.code)):
            self.rows.setdefault(row.code, []).append(row)
        self._office_names = dict(session.execute(select(Office.code, Office.name)).all())

    @property
    def root(self) -> str | None:
        """The top of this office's area; None for a system office (it manages no units)."""
        return None if self.office.tier == Tier.SYSTEM else self.office.code

    # Facts about a code ---------------------------------------------------------------
    def known(self, code: str) -> bool:
        return code in self.divisions or code in self.systems

    def name(self, code: str) -> str:
        division = self.divisions.get(code)
        if division is not None:
            return division.name
        return self.systems.get(code, code)

    def tier(self, code: str) -> str:
        division = self.divisions.get(code)
        return division.level if division is not None else Tier.SYSTEM

    def parent(self, code: str) -> str:
        division = self.divisions.get(code)
        if division is not None:
            return division.parent_code
        match = offices.SYSTEM_CODE.match(code)
        return match.group(1) if match else ""

    def children(self, code: str) -> list[str]:
        """Units directly below `code`: divisions in code order, then system units."""
        kids = [d.code for d in self.divisions.children(code)] if code in self.divisions else []
        return kids + [c for c in self.systems if self.parent(c) == code]

    def own_rows(self, code: str) -> list[Unit]:
        return [r for r in self.rows.get(code, ()) if r.owner_office == self.office.code]

    def foreign_row(self, code: str) -> Unit | None:
        """A live record of this code made by another office (it alone may change it)."""
        return next((r for r in self.rows.get(code, ()) if r.owner_office != self.office.code), None)

    def status(self, code: str) -> tuple[str, str, str]:
        """(status, shipped name, owner office) of a unit."""
        shipped = self.shipped.get(code)
        row = self._shown_row(code)
        if shipped is not None:
            if row is not None and row.name != shipped.name:
                return RENAMED, shipped.name, row.owner_office
            return SHIPPED, shipped.name, ""
        if row is not None:
            return ADDED, "", row.owner_office
        return ADDED, "", ""  # a system office known by its key, never added here

    def _shown_row(self, code: str) -> Unit | None:
        rows = self.rows.get(code, ())
        if not rows:
            return None
        own = [r for r in rows if r.owner_office == self.office.code]
        return own[0] if own else max(rows, key=lambda r: (r.version, r.owner_office))

    def office_name(self, code: str) -> str:
        if not code:
            return ""
        if code in self._office_names:
            return self._office_names[code]
        division = self.shipped.get(code) or self.divisions.get(code)
        return offices.default_office_name("", division.name) if division else code

    def describe(self, code: str) -> str:
        """E.g. "“长沙县”（430121）"."""
        return f"“{self.name(code)}”（{code}）"

    # Areas and permissions -------------------------------------------------------------
    def within_area(self, code: str) -> bool:
        """`code` is this office's own unit or lies below it."""
        root = self.root
        if root is None or not self.known(code):
            return False
        if code in self.divisions:
            return root in {d.code for d in self.divisions.path(code)}
        return self.parent(code) == root  # a system unit hangs under its province

    def may_add_below(self, code: str) -> bool:
        return (self.office.tier in (Tier.PROVINCE, Tier.CITY) and self.within_area(code)
                and self.tier(code) in ("province", "city"))

    def may_rename(self, code: str) -> bool:
        return self.within_area(code) and code != self.root and self.foreign_row(code) is None

    def may_remove(self, code: str) -> bool:
        return code not in self.shipped and bool(self.own_rows(code))

    def info(self, code: str) -> UnitInfo:
        status, shipped_name, owner = self.status(code)
        return UnitInfo(code=code, name=self.name(code), parent_code=self.parent(code), tier=self.tier(code),
                        status=status, shipped_name=shipped_name, owner_office=owner,
                        owner_name=self.office_name(owner), may_rename=self.may_rename(code),
                        may_remove=self.may_remove(code), may_add_below=self.may_add_below(code))

    def area(self) -> list[str]:
        """The codes of this office's area, parents before children (a system office: itself)."""
        root = self.root
        if root is None:
            return [self.office.code] if self.known(self.office.code) else []
        if not self.known(root):
            return []
        out: list[str] = []
        stack = [root]
        while stack:
            code = stack.pop()
            out.append(code)
            stack.extend(reversed(self.children(code)))
        return out


def list_units(session: Session) -> list[UnitInfo]:
    """This office's own unit and every unit in its area, parents before their children.

    The province's list includes its system units (under the province, after its cities).
    """
    view = _View(session)
    return [view.info(code) for code in view.area()]


def get_unit(session: Session, code: str) -> UnitInfo:
    """One unit of the merged tree or the system units, as `list_units` shows it."""
    view = _View(session)
    code = _code_text(code)
    if not view.known(code):
        raise NotFoundError(f"找不到单位代码“{code}”，请核对代码。")
    return view.info(code)


# --- validation ---------------------------------------------------------------------------


def _code_text(code: object) -> str:
    return unicodedata.normalize("NFKC", str(code or "")).strip().upper()


def _name_key(name: str) -> str:
    """A name as compared with its siblings: NFKC, no spaces."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def clean_name(name: object) -> str:
    """A unit's name with surrounding spaces removed, or a UserError when empty or too long."""
    text = str(name or "").strip()
    if not text:
        raise UserError("单位名称不能为空。")
    if len(text) > NAME_LIMIT:
        raise UserError(f"单位名称过长（最多{NAME_LIMIT}字，现为{len(text)}字）。")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise UserError("单位名称中含有换行或制表等控制字符，请删去。")
    return text


def _check_siblings(view: _View, *, parent: str, name: str, except_code: str | None = None) -> None:
    key = _name_key(name)
    for code in view.children(parent):
        if code != except_code and _name_key(view.name(code)) == key:
            raise UserError(f"{view.describe(parent)}下已有同名单位“{view.name(code)}”（{code}），请换一个名称。")


def _acting_view(session: Session, actor: Actor) -> _View:
    view = _View(session)
    if actor.office_code != view.office.code:
        raise UserError(f"操作单位（{actor.office_code}）不是本数据库的单位（{view.office.code}），不能修改单位表。")
    return view


# --- adding -------------------------------------------------------------------------------


def add_system_unit(session: Session, actor: Actor, *, name: str) -> UnitInfo:
    """Add a provincial agency or system (省直机关/系统) under the province, with the next free code.

    Only a province office may; codes run {province}-S01 … S99 and are never given twice.
    """
    view = _acting_view(session, actor)
    if view.office.tier != Tier.PROVINCE:
        raise UserError("只有省委组织部可以新增省直机关/系统单位。")
    province = view.office.code
    name = clean_name(name)
    _check_siblings(view, parent=province, name=name)
    code = next_system_code(session, province)
    records.create(session, actor, Unit, code=code, name=name, parent_code=province, tier=Tier.SYSTEM)
    return _View(session).info(code)


def next_system_code(session: Session, province: str) -> str:
    """The next `{province}-S{NN}` never used here: units (deleted ones too) and known offices."""
    used = 0
    pattern = f"{province}-S%"
    codes = [*session.scalars(select(Unit.code).where(Unit.code.like(pattern))),
             *session.scalars(select(Office.code).where(Office.code.like(pattern)))]
    for code in codes:
        match = offices.SYSTEM_CODE.match(code)
        if match and match.group(1) == province:
            used = max(used, int(match.group(2)))
    if used >= SYSTEM_LIMIT:
        raise UserError(f"省直机关/系统单位代码已用到 {province}-S{SYSTEM_LIMIT}，不能再新增。")
    return f"{province}-S{used + 1:02d}"


def add_unit(session: Session, actor: Actor, *, code: str, name: str, parent_code: str, tier: str) -> UnitInfo:
    """Add a city or county made after the division table's vintage, under a unit of this office's area.

    The province adds cities and counties in its province, a city counties under itself.
    """
    view = _acting_view(session, actor)
    if view.office.tier not in (Tier.PROVINCE, Tier.CITY):
        raise UserError("只有省委组织部和市州委组织部可以新增下级行政区划单位。")
    code, parent = _code_text(code), _code_text(parent_code)
    if tier not in ADDABLE_TIERS:
        raise UserError(f"新增单位的层级“{tier}”无效，应为 city（市州）或 county（县市区）。")
    if not (len(code) == 6 and code.isdigit()):
        raise UserError(f"单位代码“{code}”不是6位数字，请填写如 430182 这样的行政区划代码。")
    if view.known(code):
        raise UserError(f"单位代码 {code} 已是{view.describe(code)}的代码，不能重复新增；如需改名请使用更名。")
    if parent not in view.divisions:
        raise UserError(f"上级单位代码“{parent}”不在行政区划表中，请核对。")
    if not view.may_add_below(parent):
        raise UserError(f"上级单位{view.describe(parent)}不在本单位管辖范围内或不能再设下级单位，不能在其下新增单位。")
    _check_structure(view, code=code, tier=tier, parent=parent)
    name = clean_name(name)
    _check_siblings(view, parent=parent, name=name)
    records.create(session, actor, Unit, code=code, name=name, parent_code=parent, tier=tier)
    return _View(session).info(code)


def _check_structure(view: _View, *, code: str, tier: str, parent: str) -> None:
    """A city sits under a province, a county under a city or a province; the digits agree."""
    parent_tier = view.tier(parent)
    if tier == Tier.CITY and parent_tier != "province":
        raise UserError(f"市州级单位的上级应为省级单位，{view.describe(parent)}不是省级单位。")
    if tier == Tier.CITY and not (code[:2] == parent[:2] and code[2:4] != "00" and code[4:] == "00"):
        raise UserError(f"市州级单位代码 {code} 与上级{view.describe(parent)}不相符：应以 {parent[:2]} 开头、以 00 结尾。")
    if tier == Tier.COUNTY:
        prefix = parent[:4] if parent_tier == "city" else parent[:2]
        if not (code.startswith(prefix) and code[4:] != "00"):
            raise UserError(f"县市区级单位代码 {code} 与上级{view.describe(parent)}不相符：应以 {prefix} 开头、不以 00 结尾。")


# --- renaming and removing ----------------------------------------------------------------


def rename_unit(session: Session, actor: Actor, *, code: str, name: str) -> UnitInfo:
    """Give a unit of this office's area (not the office itself) a new name.

    A shipped division gets a record of its own owned by this office; a record this office
    owns is updated (its version rises by one). A unit another office added or renamed is
    refused: only that office changes it.
    """
    view = _acting_view(session, actor)
    code = _code_text(code)
    if not view.known(code):
        raise NotFoundError(f"找不到单位代码“{code}”，请核对代码。")
    if code == view.root:
        raise UserError(f"{view.describe(code)}是本单位自身，其名称只能由上级单位修改。")
    if not view.within_area(code):
        raise UserError(f"{view.describe(code)}不在本单位管辖范围内，不能更名。")
    foreign = view.foreign_row(code)
    if foreign is not None:
        owner = view.office_name(foreign.owner_office)
        raise UserError(f"{view.describe(code)}由{owner}（{foreign.owner_office}）新增或更名，只能由{owner}修改。")
    name = clean_name(name)
    if name == view.name(code):
        raise UserError(f"{view.describe(code)}的新名称与现名称相同，未作修改。")
    _check_siblings(view, parent=view.parent(code), name=name, except_code=code)
    own = view.own_rows(code)
    if own:
        records.update(session, actor, own[0], name=name)
    else:
        records.create(session, actor, Unit, code=code, name=name, parent_code=view.parent(code) or None,
                       tier=view.tier(code))
    return _View(session).info(code)


def remove_unit(session: Session, actor: Actor, *, code: str) -> None:
    """Delete (tombstone) a unit this office added, while nothing depends on it.

    Refused while a live site lies in it, a unit lies below it, a quota names it, or (a
    system unit) an office with its code is known here.
    """
    view = _acting_view(session, actor)
    code = _code_text(code)
    if not view.known(code):
        raise NotFoundError(f"找不到单位代码“{code}”，请核对代码。")
    shipped = view.shipped.get(code)
    if shipped is not None:
        raise UserError(f"{view.describe(code)}是全国行政区划表中的单位，不能删除；如需恢复原名“{shipped.name}”，请使用更名。")
    own = view.own_rows(code)
    if not own:
        foreign = view.foreign_row(code)
        owner = view.office_name(foreign.owner_office) if foreign else view.office_name(code)
        raise UserError(f"{view.describe(code)}不是本单位新增的，只能由{owner}删除。")
    _check_unused(session, view, code)
    for row in own:
        records.tombstone(session, actor, row, reason=f"删除单位 {code} {row.name}")


def _check_unused(session: Session, view: _View, code: str) -> None:
    kids = view.children(code)
    if kids:
        raise UserError(f"{view.describe(code)}下还有{len(kids)}个下级单位，请先删除下级单位。")
    sites = _count(session, select(func.count()).select_from(Site).where(
        Site.region_code == code, Site.deleted.is_(False)))
    if sites:
        raise UserError(f"还有{sites}个示范点以{view.describe(code)}为所属行政区划，不能删除；请先把这些示范点改到其他区划。")
    quota_rows = _count(session, select(func.count()).select_from(Quota).where(
        Quota.unit_code == code, Quota.deleted.is_(False)))
    if quota_rows:
        raise UserError(f"{view.describe(code)}已有{quota_rows}条名额分配记录，不能删除；请先调整名额分配。")
    if view.tier(code) == Tier.SYSTEM:
        office = session.scalar(select(Office.name).where(Office.code == code))
        if office is not None:
            raise UserError(f"本系统已登记代码为 {code} 的单位“{office}”，该省直机关/系统单位不能删除。")


def _count(session: Session, query: Any) -> int:
    return int(session.scalar(query) or 0)


def changed_units(session: Session) -> list[UnitInfo]:
    """The units of this office's area that were added or renamed (what differs from the table)."""
    return [u for u in list_units(session) if u.status != SHIPPED]


__all__ = [
    "ADDED", "RENAMED", "SHIPPED", "STATUS_LABELS", "UNIT_TIER_LABELS", "UnitInfo", "add_system_unit",
    "add_unit", "changed_units", "clean_name", "divisions_of", "get_unit", "list_units", "next_system_code",
    "remove_unit", "rename_unit", "system_units",
]
