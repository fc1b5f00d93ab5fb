"""The goal catalogue: what a demonstration site of each organization type must achieve.

The catalogue is data (`resources/catalogue/goals.json`), taken from part 一、创建目标 of
the provincial notice of 2011-04-28. Each numbered goal (1)…(4) of each organization type
is split at its top-level `，；。` into separate items, in the notice's own words. After the
notice's items come the general aims the notice names without spelling out ("五个好" for
the organization, "五带头" for its members), marked `from_notice=False` with their source.

Item ids (`village.2.3` = type, goal, position in the first version) are what the
database stores for a tick. An id means the same requirement in every catalogue version
that contains it: a new version that rewords an item gives it a new number, and one that
drops an item leaves a gap instead of renumbering the rest. `CatalogueItem.index` is the
item's position in the current version.

Rule for ticks when a site changes organization type (or institution kind), or when a new
catalogue version is adopted (`remap_ticks`):
  * a tick whose item id is in the site's new checklist is kept and counts as before;
  * every other tick is *orphaned*: it stays in the database untouched, is left out of the
    site's progress, and is shown apart as "原类型/旧版目录的评定". Orphaned ticks are never
    deleted, so changing the type back brings them back.

Institution kinds: for 文化、卫生、体育等事业单位 the clauses "文化系统要突出…",
"医疗卫生单位要突出…" and "体育单位要突出…" apply to one kind each (`item.kinds`); every
other item applies to every kind. With `kind=None` nothing is filtered out (the whole goal
as printed in the notice); with `kind="other"` none of the three clauses applies.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bqw_desktop.domain.vocab import ORG_TYPE_LABELS, InstitutionKind, OrgType
from bqw_desktop.errors import UserError
from bqw_desktop.resources import resource_path

GENERAL = "general"
"""The `org_type` of the general items, which apply to every organization type."""

GOAL_NUMBERS = (1, 2, 3, 4)
_GOAL_LABELS = {1: "目标一", 2: "目标二", 3: "目标三", 4: "目标四"}
_KINDS = frozenset(str(k) for k in InstitutionKind)


@dataclass(frozen=True, slots=True)
class CatalogueItem:
    """One requirement of the checklist.

    `goal` is the notice's goal number 1–4, or None for a general item; `index` counts from
    1 within its goal (or general section). `kinds` is empty when the item applies to every
    institution kind. `source` says where the wording comes from.
    """

    id: str
    org_type: str
    goal: int | None
    index: int
    text: str
    kinds: tuple[str, ...] = ()
    from_notice: bool = True
    source: str = ""
    group: str = ""  # the heading the item is listed under: "目标一" … or "五个好"

    def applies_to(self, kind: str | None) -> bool:
        """Whether the item belongs to the checklist of an institution of this kind."""
        return not self.kinds or kind is None or kind in self.kinds


@dataclass(frozen=True, slots=True)
class Goal:
    """A group of items shown under one heading: a numbered goal, or a general section.

    `number` is 1–4 for the notice's goals and None for a general section ("五个好", "五带头").
    """

    number: int | None
    label: str
    items: tuple[CatalogueItem, ...]
    key: str = ""  # general sections: "wugehao" / "wudaitou"
    note: str = ""  # general sections: whom it concerns and where the notice names it


@dataclass(frozen=True, slots=True)
class OrgTypeGoals:
    """The notice's goals for one organization type, with its heading and theme."""

    org_type: str
    heading: str
    theme: str
    goals: tuple[Goal, ...]


@dataclass(frozen=True)
class Catalogue:
    """One version of the goal catalogue. Build it with `load_catalogue`."""

    version: str
    source: str
    org_types: Mapping[str, OrgTypeGoals]
    general: tuple[Goal, ...]
    _by_id: Mapping[str, CatalogueItem] = field(repr=False, compare=False)

    def items_for(self, org_type: str, kind: str | None = None) -> list[CatalogueItem]:
        """A site's checklist: the notice's items for its type and kind, then the general ones."""
        return [item for goal in self.goals_for(org_type, kind) for item in goal.items]

    def goals_for(self, org_type: str, kind: str | None = None) -> list[Goal]:
        """The checklist grouped for display: goals 1–4 of the type, then the general sections.

        `kind` matters only for institutions (see the module notes); unknown keys are refused.
        """
        entry = self._org_type(org_type)
        if kind is not None and kind not in _KINDS:
            raise UserError(f"事业单位类别“{kind}”不在目标清单可识别的类别之中。")
        goals = [
            Goal(goal.number, goal.label, tuple(i for i in goal.items if i.applies_to(kind)))
            for goal in entry.goals
        ]
        return goals + list(self.general)

    def theme_for(self, org_type: str) -> str:
        """The notice's theme sentence for a type: 紧紧围绕“…”创先争优."""
        return self._org_type(org_type).theme

    def heading_for(self, org_type: str) -> str:
        """The notice's heading for a type, e.g. 村党组织示范点创建目标."""
        return self._org_type(org_type).heading

    def item(self, item_id: str) -> CatalogueItem:
        """The item with this id; `KeyError` if this version has none (see `__contains__`)."""
        return self._by_id[item_id]

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._by_id

    def all_items(self) -> list[CatalogueItem]:
        """Every item of every type, in catalogue order, general items last."""
        return list(self._by_id.values())

    def _org_type(self, org_type: str) -> OrgTypeGoals:
        try:
            return self.org_types[org_type]
        except KeyError:
            raise UserError(
                f"组织类型“{org_type}”不在目标清单（版本 {self.version}）之中。"
            ) from None


def remap_ticks(
    old_item_ids: Iterable[str],
    new_catalogue: Catalogue,
    org_type: str,
    kind: str | None = None,
) -> tuple[set[str], set[str]]:
    """Split a site's ticked item ids into (kept, orphaned) for its new checklist.

    Kept ids are in `new_catalogue.items_for(org_type, kind)`; orphaned ids are all the
    others. Nothing is dropped: the caller keeps orphaned ticks and shows them apart.
    """
    old = set(old_item_ids)
    checklist = {item.id for item in new_catalogue.items_for(org_type, kind)}
    return old & checklist, old - checklist


def default_catalogue_path() -> Path:
    """Where the shipped catalogue lives."""
    return resource_path("catalogue", "goals.json")


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read a catalogue file; without `path`, the shipped one (read once, then cached).

    A missing, unreadable or malformed file is refused with a `UserError` naming it.
    """
    if path is None:
        return _default_catalogue()
    return _read(Path(path))


@functools.lru_cache(maxsize=1)
def _default_catalogue() -> Catalogue:
    return _read(default_catalogue_path())


def _read(path: Path) -> Catalogue:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"找不到目标清单文件：{path}。") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"目标清单文件 {path} 无法读取：{exc}。") from None
    try:
        return catalogue_from_dict(data)
    except _FormatError as exc:
        raise UserError(f"目标清单文件 {path} 格式不对：{exc}。") from None


class _FormatError(Exception):
    """A structural fault in catalogue data; turned into a UserError naming the file."""


def catalogue_from_dict(data: Any) -> Catalogue:
    """Build a catalogue from its parsed JSON; `_FormatError` says what is wrong where."""
    version = _get(data, "catalogue_version", str, "文件")
    source = _get(_get(data, "source", dict, "文件"), "citation", str, "source")
    raw_types = _get(data, "org_types", dict, "文件")
    expected = [str(t) for t in OrgType]
    if sorted(raw_types) != sorted(expected):
        missing = [ORG_TYPE_LABELS[t] for t in expected if t not in raw_types]
        extra = [t for t in raw_types if t not in expected]
        missing_text = "、".join(missing) or "无"
        extra_text = "、".join(extra) or "无"
        raise _FormatError(f"组织类型不全或有多余（缺少：{missing_text}；多出：{extra_text}）")
    by_id: dict[str, CatalogueItem] = {}
    org_types = {t: _org_type_goals(t, raw_types[t], source, by_id) for t in expected}
    general = tuple(_general_section(raw, by_id) for raw in _get(data, "general", list, "文件"))
    return Catalogue(version, source, MappingProxyType(org_types), general, MappingProxyType(by_id))


def _org_type_goals(
    org_type: str, raw: Any, source: str, by_id: dict[str, CatalogueItem]
) -> OrgTypeGoals:
    where = f"组织类型 {org_type}"
    raw_goals = _get(raw, "goals", list, where)
    numbers = [_get(g, "number", int, where) for g in raw_goals]
    if numbers != list(GOAL_NUMBERS):
        raise _FormatError(f"{where} 的目标编号应为 1、2、3、4，实为 {numbers}")
    goals = []
    for number, raw_goal in zip(numbers, raw_goals, strict=True):
        items = tuple(
            _item(
                raw_item,
                org_type=org_type,
                goal=number,
                index=index,
                group=_GOAL_LABELS[number],
                default_source=source,
                by_id=by_id,
            )
            for index, raw_item in enumerate(_get(raw_goal, "items", list, where), 1)
        )
        if not items:
            raise _FormatError(f"{where} 的目标（{number}）没有条目")
        goals.append(Goal(number, _GOAL_LABELS[number], items))
    return OrgTypeGoals(
        org_type,
        _get(raw, "heading", str, where),
        _get(raw, "theme", str, where),
        tuple(goals),
    )


def _general_section(raw: Any, by_id: dict[str, CatalogueItem]) -> Goal:
    key = _get(raw, "key", str, "general")
    name = _get(raw, "name", str, f"general {key}")
    source = _get(raw, "source", str, f"general {key}")
    note = f"{raw.get('applies_to', '')}；通知原文：{raw.get('named_in_notice', '')}"
    items = tuple(
        _item(
            raw_item,
            org_type=GENERAL,
            goal=None,
            index=index,
            group=name,
            default_source=source,
            by_id=by_id,
            id_prefix=f"{GENERAL}.{key}",
        )
        for index, raw_item in enumerate(_get(raw, "items", list, f"general {key}"), 1)
    )
    return Goal(None, name, items, key=key, note=note)


def _item(
    raw: Any,
    *,
    org_type: str,
    goal: int | None,
    index: int,
    group: str,
    default_source: str,
    by_id: dict[str, CatalogueItem],
    id_prefix: str | None = None,
) -> CatalogueItem:
    prefix = id_prefix or f"{org_type}.{goal}"
    item_id = _get(raw, "id", str, f"{prefix} 的第 {index} 条")
    # The number after the prefix is the item's first position and never changes: a later
    # version that drops an item leaves a gap rather than renumbering the ones after it.
    number = item_id.removeprefix(f"{prefix}.")
    if number == item_id or not number.isdigit() or number.startswith("0"):
        raise _FormatError(f"条目编号 {item_id} 应为 {prefix}.<序号>")
    if item_id in by_id:
        raise _FormatError(f"条目编号 {item_id} 重复")
    kinds = tuple(raw.get("kinds", ()))
    if not set(kinds) <= _KINDS or (kinds and org_type != OrgType.INSTITUTION):
        raise _FormatError(f"条目 {item_id} 的 kinds {list(kinds)} 不对")
    text = _get(raw, "text", str, item_id).strip()
    if not text:
        raise _FormatError(f"条目 {item_id} 的文字为空")
    item = CatalogueItem(
        id=item_id,
        org_type=org_type,
        goal=goal,
        index=index,
        text=text,
        kinds=kinds,
        from_notice=_get(raw, "from_notice", bool, item_id),
        source=str(raw.get("source", default_source)),
        group=group,
    )
    by_id[item_id] = item
    return item


def _get(obj: Any, key: str, kind: type, where: str) -> Any:
    """`obj[key]`, checked to be of type `kind` (bool is not accepted as int)."""
    if not isinstance(obj, dict):
        raise _FormatError(f"{where} 应为对象")
    value = obj.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _FormatError(f"{where} 缺少字段“{key}”或类型不对")
    return value
