"""Finding the header row of a sheet and which column holds which field.

Real sheets have a title or two above the header (often merged), a unit line, sometimes a
two-row header ("联系人" over "姓名 | 电话"), and headers written in many ways ("单位名称",
"党组织名称", "名称 *", "党员人数（人）"). `detect_columns` scores the first rows against a
`HeaderSchema`'s synonyms and returns a `ColumnMapping` that the user can look at, correct
(`with_field`) and store (`to_dict`/`from_dict`) to re-apply to the next sheet of that shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from openpyxl.utils import get_column_letter

from bqw_desktop.domain.vocab import ORG_TYPE_LABELS, OrgType
from bqw_desktop.errors import UserError
from bqw_desktop.excel.normalize import compact, to_halfwidth
from bqw_desktop.excel.reader import SheetData

SCAN_ROWS = 15


@dataclass(frozen=True)
class FieldSpec:
    """One field a sheet can carry: key, Chinese label, the header spellings people use."""

    key: str
    label: str
    synonyms: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class HeaderSchema:
    """The fields of one kind of sheet; `ignored` are headers known to carry nothing we keep
    (序号, 状态 …) — they still count as evidence of a header row. `anchor` is the field a
    header row must contain."""

    name: str
    fields: tuple[FieldSpec, ...]
    ignored: tuple[str, ...] = ()
    anchor: str = "name"
    # Any one of these groups must be mapped (e.g. a region by name or by code).
    required_groups: tuple[tuple[str, ...], ...] = ()

    def field(self, key: str) -> FieldSpec:
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def label(self, key: str) -> str:
        return self.field(key).label


SITE_SCHEMA = HeaderSchema(
    name="sites",
    fields=(
        FieldSpec("id", "ID", ("id", "系统id", "示范点id", "记录id", "uuid", "唯一标识", "系统编号")),
        FieldSpec("name", "名称", ("名称", "单位名称", "党组织名称", "示范点名称", "基层党组织名称",
                                  "组织名称", "党组织全称", "示范点", "单位", "党组织", "示范单位名称"),
                  required=True),
        FieldSpec("org_type", "党组织类型", ("党组织类型", "类型", "类别", "党组织类别", "组织类型",
                                          "单位类型", "单位类别", "所属领域", "领域", "示范点类型",
                                          "示范点类别", "党组织分类"), required=True),
        FieldSpec("org_kind", "事业单位类别", ("事业单位类别", "事业单位类型", "事业单位种类",
                                            "事业单位分类")),
        FieldSpec("region_code", "行政区划代码", ("行政区划代码", "区划代码", "地区代码",
                                              "县市区代码", "所属县市区代码", "区县代码")),
        FieldSpec("region", "所属县市区", ("所属县市区", "县市区", "所属地区", "地区", "所属县(市、区)",
                                        "县(市、区)", "县(市区)", "所属县(市区)", "所在县市区",
                                        "区县", "所属区县", "行政区划", "所属行政区", "所在地区",
                                        "县市", "市州", "所属市州", "地区名称")),
        FieldSpec("parent_org", "上级党组织", ("上级党组织", "上级党委", "所属党委", "上级党组织名称",
                                           "隶属党组织", "主管党组织", "上级党组织全称")),
        FieldSpec("secretary", "书记", ("书记", "党组织书记", "书记姓名", "支部书记", "党组织书记姓名",
                                       "党支部书记")),
        FieldSpec("member_count", "党员人数", ("党员人数", "党员数", "党员数量", "党员总数", "党员",
                                            "人数")),
        FieldSpec("contact", "联系人", ("联系人", "联系人姓名")),
        FieldSpec("phone", "联系电话", ("联系电话", "电话", "手机", "联系方式", "手机号码", "电话号码",
                                       "联系人电话", "手机号", "书记电话", "书记联系电话",
                                       "书记手机", "联系人手机")),
        FieldSpec("notes", "备注", ("备注", "说明", "备注说明")),
        FieldSpec("level", "申报级别", ("申报级别", "级别", "申报层级", "示范点级别", "推荐级别",
                                       "层级", "申报类别")),
        FieldSpec("applied_on", "申报日期", ("申报日期", "申报时间", "推荐日期", "推荐时间", "日期")),
    ),
    ignored=("序号", "编号", "排序", "状态", "当前状态", "审核状态", "进度", "完成率"),
    required_groups=(("region", "region_code"),),
)


def _org_count_fields() -> tuple[FieldSpec, ...]:
    short = {
        OrgType.TOWNSHIP: ("乡镇", "乡镇党委数"), OrgType.VILLAGE: ("村", "村党组织数", "行政村"),
        OrgType.SUBDISTRICT: ("街道", "街道党工委"), OrgType.COMMUNITY: ("社区", "社区党组织数"),
        OrgType.SOE: ("国有企业", "国企"), OrgType.ORGAN: ("机关",), OrgType.SCHOOL: ("学校",),
        OrgType.RESEARCH: ("科研单位", "科研院所"),
        OrgType.INSTITUTION: ("事业单位", "文化卫生体育等事业单位", "文化、卫生、体育等事业单位"),
        OrgType.PRIVATE: ("非公有制企业", "非公企业", "非公有制经济组织"),
        OrgType.SOCIAL: ("社会组织",),
    }
    return tuple(FieldSpec(str(t), ORG_TYPE_LABELS[t], (ORG_TYPE_LABELS[t], *short[t])) for t in OrgType)


ORG_COUNT_SCHEMA = HeaderSchema(
    name="org-counts",
    fields=(
        FieldSpec("region", "所属县市区", SITE_SCHEMA.field("region").synonyms + ("单位", "单位名称")),
        FieldSpec("region_code", "行政区划代码", SITE_SCHEMA.field("region_code").synonyms),
        *_org_count_fields(),
    ),
    ignored=("序号", "合计", "总计", "小计", "基层党组织总数"),
    anchor="region",
    required_groups=(("region", "region_code"),),
)


_BRACKETED_RE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_MARKS_RE = re.compile(r"[*＊※:：\"“”'‘’.。、\-—_#]")


def header_key(value: Any) -> str:
    """A header text reduced for matching: no spaces, marks or case; brackets kept."""
    if value is None or not isinstance(value, str):
        return ""
    return _MARKS_RE.sub("", to_halfwidth(compact(value), punctuation=True)).lower()


def _header_variants(value: Any) -> list[str]:
    """The header as written and without bracketed hints: "党员人数（人）" → "党员人数"."""
    key = header_key(value)
    if not key:
        return []
    bare = _BRACKETED_RE.sub("", to_halfwidth(compact(value), punctuation=True))
    bare = _MARKS_RE.sub("", bare).lower()
    return [key] if bare in ("", key) else [key, bare]


@dataclass(frozen=True)
class HeaderMatch:
    field: str | None  # None for a known column we ignore (序号)
    score: int  # 3 exact, 1 contained


def match_header(value: Any, schema: HeaderSchema) -> HeaderMatch | None:
    """The field a header cell names, or None if it names nothing we know."""
    variants = _header_variants(value)
    if not variants:
        return None
    for variant in variants:
        for spec in schema.fields:
            if variant in _synonym_keys(spec):
                return HeaderMatch(spec.key, 3)
        if variant in {header_key(w) for w in schema.ignored}:
            return HeaderMatch(None, 3)
    # Contained synonyms: the longest one wins ("所属县市区代码" → region_code, not region).
    best: tuple[int, str] | None = None
    for spec in schema.fields:
        for synonym in _synonym_keys(spec):
            if len(synonym) >= 2 and synonym in variants[-1] and (best is None or len(synonym) > best[0]):
                best = (len(synonym), spec.key)
    if best and len(variants[-1]) <= 16:  # long cells are titles or notes, not headers
        return HeaderMatch(best[1], 1)
    return None


_SYNONYM_CACHE: dict[int, frozenset[str]] = {}


def _synonym_keys(spec: FieldSpec) -> frozenset[str]:
    cached = _SYNONYM_CACHE.get(id(spec))
    if cached is None:
        cached = frozenset(header_key(s) for s in (spec.key, spec.label, *spec.synonyms))
        _SYNONYM_CACHE[id(spec)] = cached
    return cached


@dataclass(frozen=True)
class ColumnMapping:
    """Where the header is and which 0-based column holds each field.

    `header_row` is the 1-based row of the (last) header row; data starts on the next row.
    `headers[i]` is the text shown for column i (two-row headers joined with "/").
    `guessed` lists fields matched only by a partial header (shown for the user to confirm).
    """

    sheet_name: str
    header_row: int
    headers: tuple[str, ...]
    fields: dict[str, int]
    guessed: frozenset[str] = frozenset()
    header_rows: int = 1
    schema_name: str = SITE_SCHEMA.name

    @property
    def data_start_row(self) -> int:
        return self.header_row + 1

    def column_of(self, field_key: str) -> int | None:
        return self.fields.get(field_key)

    def header_of(self, field_key: str) -> str:
        column = self.fields.get(field_key)
        if column is None:
            return ""
        text = self.headers[column] if column < len(self.headers) else ""
        return text or get_column_letter(column + 1)

    @property
    def unmapped_columns(self) -> list[int]:
        used = set(self.fields.values())
        return [i for i, h in enumerate(self.headers) if h and i not in used]

    def missing(self, schema: HeaderSchema) -> list[str]:
        """Labels of required fields (or field groups) that no column holds."""
        labels = [s.label for s in schema.fields if s.required and s.key not in self.fields]
        for group in schema.required_groups:
            if not any(key in self.fields for key in group):
                labels.append("或".join(schema.label(k) for k in group))
        return labels

    def with_field(self, field_key: str, column: int | None) -> ColumnMapping:
        """A copy with `field_key` read from `column` (None: not read at all); a column
        holds one field, so any other field on that column is unmapped."""
        fields = {k: v for k, v in self.fields.items() if k != field_key and v != column}
        if column is not None:
            fields[field_key] = column
        return replace(self, fields=fields, guessed=self.guessed - {field_key})

    def with_header_row(self, sheet: SheetData, row: int, schema: HeaderSchema) -> ColumnMapping:
        """The mapping re-detected with the header on the given 1-based row."""
        return _mapping_for_row(sheet, row, schema)

    def describe(self, schema: HeaderSchema) -> list[dict[str, Any]]:
        """One entry per non-empty column: letter, header, field key/label, guessed flag."""
        by_column = {v: k for k, v in self.fields.items()}
        out = []
        for i, header in enumerate(self.headers):
            key = by_column.get(i)
            if not header and key is None:
                continue
            out.append({
                "column": get_column_letter(i + 1), "index": i, "header": header,
                "field": key, "label": schema.label(key) if key else "（不导入）",
                "guessed": key in self.guessed,
            })
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "sheet_name": self.sheet_name, "header_row": self.header_row,
            "header_rows": self.header_rows, "headers": list(self.headers),
            "fields": dict(self.fields), "guessed": sorted(self.guessed),
            "schema_name": self.schema_name,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnMapping:
        return cls(
            sheet_name=data["sheet_name"], header_row=int(data["header_row"]),
            headers=tuple(data["headers"]), fields={k: int(v) for k, v in data["fields"].items()},
            guessed=frozenset(data.get("guessed", ())), header_rows=int(data.get("header_rows", 1)),
            schema_name=data.get("schema_name", SITE_SCHEMA.name),
        )


def _score_row(values: Iterable[Any], schema: HeaderSchema) -> tuple[int, dict[str, tuple[int, int]]]:
    """(score, field → (column, match score)) for one candidate header row."""
    found: dict[str, tuple[int, int]] = {}
    score = 0
    for column, value in enumerate(values):
        match = match_header(value, schema)
        if match is None:
            continue
        score += match.score
        if match.field is None:
            continue
        previous = found.get(match.field)
        if previous is None or match.score > previous[1]:
            found[match.field] = (column, match.score)
    return score, found


def detect_columns(sheet: SheetData, schema: HeaderSchema = SITE_SCHEMA, *,
                   scan_rows: int = SCAN_ROWS) -> ColumnMapping:
    """The header row among the first `scan_rows` rows and the column of each field.

    UserError if no row there looks like a header holding the schema's anchor field.
    """
    best: tuple[int, int] | None = None  # (score, row)
    for row in range(1, min(scan_rows, len(sheet.rows)) + 1):
        score, found = _score_row(sheet.rows[row - 1], schema)
        if schema.anchor in found and score >= 4 and (best is None or score > best[0]):
            best = (score, row)
    if best is None:
        raise UserError(
            f"文件 {sheet.file_name} 工作表 {sheet.name} 的前 {scan_rows} 行里找不到表头"
            f"（至少应有“{schema.label(schema.anchor)}”等列），请检查是否选错了工作表，或手工指定表头行。")
    return _mapping_for_row(sheet, best[1], schema)


def _mapping_for_row(sheet: SheetData, row: int, schema: HeaderSchema) -> ColumnMapping:
    values = sheet.rows[row - 1] if 1 <= row <= len(sheet.rows) else ()
    _, found = _score_row(values, schema)
    two_row = _two_row_header(sheet, row, schema, found)
    if two_row is not None:
        return two_row
    headers = tuple(_display(v) for v in values)
    return ColumnMapping(
        sheet_name=sheet.name, header_row=row, headers=headers,
        fields={k: c for k, (c, _) in found.items()},
        guessed=frozenset(k for k, (_, s) in found.items() if s < 3), schema_name=schema.name,
    )


def _two_row_header(sheet: SheetData, row: int, schema: HeaderSchema,
                    found: dict[str, tuple[int, int]]) -> ColumnMapping | None:
    """A header split over two rows: group cells above ("联系人", merged over two columns)
    and their parts below ("姓名", "电话"). Used when the row below names at least two things
    and holds no numbers (so it is not data)."""
    if row >= len(sheet.rows):
        return None
    upper, lower = sheet.rows[row - 1], sheet.rows[row]
    texts = [v for v in lower if v is not None]
    if len(texts) < 2 or not all(isinstance(v, str) for v in texts):
        return None
    width = max(len(upper), len(lower))
    combined: list[str] = []
    group = ""
    for i in range(width):
        top = _display(upper[i] if i < len(upper) else None)
        bottom = _display(lower[i] if i < len(lower) else None)
        if top:
            group = top
        elif not bottom:
            group = ""
        combined.append(f"{group}/{bottom}" if bottom and group and group != bottom
                        else (bottom or top))
    # Data rows rarely hold exact header words; a second header row holds at least two.
    exact = sum(1 for v in lower if _display(v) in _PART_WORDS
                or ((m := match_header(v, schema)) is not None and m.score == 3))
    if exact < 2:
        return None
    fields: dict[str, tuple[int, int]] = {}
    for i, text in enumerate(combined):
        match = _match_combined(text, schema)
        if match and match.field and (match.field not in fields or match.score > fields[match.field][1]):
            fields[match.field] = (i, match.score)
    if len(fields) <= len(found):
        return None
    return ColumnMapping(
        sheet_name=sheet.name, header_row=row + 1, headers=tuple(combined),
        fields={k: c for k, (c, _) in fields.items()},
        guessed=frozenset(k for k, (_, s) in fields.items() if s < 3), header_rows=2,
        schema_name=schema.name,
    )


_PART_WORDS = frozenset({"姓名", "电话", "手机", "职务", "名称", "代码", "人数"})


def _match_combined(text: str, schema: HeaderSchema) -> HeaderMatch | None:
    """A joined two-row header: "联系人/电话" → phone, "书记/姓名" → secretary."""
    if "/" not in text:
        return match_header(text, schema)
    group, part = text.split("/", 1)
    for candidate in (group + part, part if part not in ("姓名", "名称") else group, group):
        match = match_header(candidate, schema)
        if match is not None:
            return match
    return None


def _display(value: Any) -> str:
    if value is None:
        return ""
    return compact(value) if isinstance(value, str) else str(value)


TOTAL_WORDS = ("合计", "总计", "小计", "共计", "累计")
# Notes and signature lines under a table: "注：…", "说明1.…", "填表人：张三  审核人：李四".
_FOOTER_RE = re.compile(r"^(?:(?:注|备注|说明|填表说明|填报说明)[:0-9一、.]"
                        r"|(?:填表人|填报人|审核人|制表人|制表|负责人|单位负责人|分管领导|联系人|填报日期)[:])")


def is_total_row(values: tuple[Any, ...]) -> bool:
    """A row whose first texts say 合计/总计/小计 (also written "合  计")."""
    texts = [compact(v) for v in values[:4] if isinstance(v, str) and compact(v)]
    return any(t.startswith(TOTAL_WORDS) or t in TOTAL_WORDS for t in texts)


def is_footer_row(values: tuple[Any, ...]) -> bool:
    """A note, signature or "填表人：" line under the table."""
    texts = [compact(v) for v in values if v is not None and compact(v)]
    if not texts:
        return False
    return len(texts) <= 4 and bool(_FOOTER_RE.match(to_halfwidth(texts[0], punctuation=True)))


def is_repeated_header(values: tuple[Any, ...], mapping: ColumnMapping) -> bool:
    """A copy of the header row inside the data (sheets pasted together, printed headers)."""
    same = sum(1 for i, h in enumerate(mapping.headers)
               if h and i < len(values) and isinstance(values[i], str) and compact(values[i]) == h)
    return same >= max(2, len([h for h in mapping.headers if h]) // 2)
