"""The report of a package import (or its preview): what happened to each kind of record.

Plain data, stored as JSON with the import, reopened and exported from the package history.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bqw_desktop.exchange.rows import RECORD_TYPES, TYPE_LABELS

__all__ = ["OUTCOMES", "OUTCOME_LABELS", "ConflictRow", "DuplicateRow", "ImportReport"]

OUTCOMES = ("created", "updated", "unchanged", "conflict", "refused")
OUTCOME_LABELS = {"created": "新增", "updated": "更新", "unchanged": "无变化", "conflict": "冲突",
                  "refused": "拒收"}
MAX_NAMES = 30


@dataclass(frozen=True)
class ConflictRow:
    """One conflict as a person sees it."""

    id: int
    kind: str  # version / fork
    record_type: str
    record_id: str
    owner_office: str
    sender_code: str
    site_name: str
    status: str  # open / resolved
    resolution: str
    local: dict[str, Any]
    incoming: dict[str, Any]
    detected_at: str

    @property
    def description(self) -> str:
        what = TYPE_LABELS.get(self.record_type, self.record_type)
        where = f"“{self.site_name}”的" if self.site_name else ""
        if self.kind == "fork":
            return (f"{where}申报出现分叉：同一步之后有两个不同的后续步骤，需由作出步骤的单位撤回其一"
                    f"（申报 {self.record_id[:8]}）。")
        return (f"{where}{what}（编号 {self.record_id[:8]}，所属单位 {self.owner_office}）本机与来件版本号相同"
                f"但内容不同，请核对后选择保留哪一份。")

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"description": self.description}


@dataclass(frozen=True)
class DuplicateRow:
    """A site that arrived and matches one this office entered itself (same name and region)."""

    id: int
    local_site_id: str
    incoming_site_id: str
    name: str
    region_code: str
    status: str  # open / merged / kept

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ImportReport:
    """Counts per record type and outcome, the sites named, conflicts and duplicates found."""

    file_name: str
    sender_code: str
    sender_name: str
    sequence: int
    status: str  # new / jump / duplicate
    skipped: int = 0
    dry_run: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    names: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    conflicts: list[ConflictRow] = field(default_factory=list)
    duplicates: list[DuplicateRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    backup: str | None = None
    report_id: int | None = None
    at: str = ""

    def add(self, record_type: str, outcome: str, name: str | None = None) -> None:
        per_type = self.counts.setdefault(record_type, dict.fromkeys(OUTCOMES, 0))
        per_type[outcome] += 1
        if name and outcome != "unchanged":
            shown = self.names.setdefault(record_type, {}).setdefault(outcome, [])
            if len(shown) < MAX_NAMES and name not in shown:
                shown.append(name)

    def total(self, outcome: str) -> int:
        return sum(c.get(outcome, 0) for c in self.counts.values())

    @property
    def accepted(self) -> bool:
        """False when records were refused: the import writes nothing then."""
        return not self.refused

    @property
    def changed(self) -> bool:
        return bool(self.total("created") or self.total("updated"))

    def describe(self) -> str:
        """A few Chinese lines for the window or the terminal."""
        head = "导入预览" if self.dry_run else "导入结果"
        lines = [f"{head}：{self.sender_name}（{self.sender_code}）第 {self.sequence} 号交换包（{self.file_name}）。"]
        if self.status == "duplicate":
            lines.append("此包已经导入过，本次未作任何改动。")
            return "\n".join(lines)
        if self.status == "jump":
            lines.append(f"中间跳过了 {self.skipped} 个包；交换包是累积的，跳过的内容都包含在此包中。")
        for record_type in sorted(self.counts, key=_type_order):
            c = self.counts[record_type]
            parts = "，".join(f"{OUTCOME_LABELS[o]} {c[o]}" for o in OUTCOMES if c.get(o))
            line = f"  {TYPE_LABELS.get(record_type, record_type)}：{parts}"
            named = self.names.get(record_type, {})
            for outcome in ("created", "updated", "conflict", "refused"):
                if named.get(outcome):
                    line += f"；{OUTCOME_LABELS[outcome]}：{'、'.join(named[outcome][:5])}"
                    if len(named[outcome]) > 5:
                        line += " 等"
            lines.append(line)
        if self.refused:
            lines.append("以下记录发送机关无权发送，整个包被拒收：" + "；".join(self.refused[:5])
                         + (f" 等 {len(self.refused)} 条" if len(self.refused) > 5 else ""))
        if self.conflicts:
            lines.append(f"发现 {len(self.conflicts)} 处冲突，需人工处理：")
            lines.extend("  " + c.description for c in self.conflicts[:10])
        if self.duplicates:
            lines.append(f"发现 {len(self.duplicates)} 个可能重复的示范点（与本单位自行录入的同名同区划），请核对合并：")
            lines.extend(f"  {d.name}（{d.region_code}）" for d in self.duplicates[:10])
        lines.extend(self.notes)
        if self.backup:
            lines.append(f"导入前已自动备份：{self.backup}")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["conflicts"] = [c.as_json() for c in self.conflicts]
        data["accepted"] = self.accepted
        data["text"] = self.describe()
        return data

    def to_json_text(self) -> str:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=2, default=str)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportReport:
        data = dict(data)
        data.pop("accepted", None)
        data.pop("text", None)
        conflicts = [ConflictRow(**{k: v for k, v in c.items() if k != "description"})
                     for c in data.pop("conflicts", [])]
        duplicates = [DuplicateRow(**d) for d in data.pop("duplicates", [])]
        return cls(**data, conflicts=conflicts, duplicates=duplicates)

    def export(self, path: Path) -> Path:
        """Write the report as JSON (for the file) and return the path."""
        path.write_text(self.to_json_text() + "\n", encoding="utf-8")
        return path


def _type_order(record_type: str) -> int:
    return RECORD_TYPES.index(record_type) if record_type in RECORD_TYPES else len(RECORD_TYPES)
