"""What sheet parsers return: plain rows that know where they came from, errors that name
the cell, and questions for texts that could mean several things.

Shared by the site list and the organization-count sheet parsers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from typing import Any

from openpyxl.utils import get_column_letter

from bqw_desktop.excel import normalize as nz
from bqw_desktop.excel.headers import (
    ColumnMapping,
    HeaderSchema,
    is_footer_row,
    is_repeated_header,
    is_total_row,
)
from bqw_desktop.excel.reader import SheetData

RegionResolver = Callable[[str], Sequence[str]]
"""Text (a 6-digit code or a name) → matching region codes: [] unknown, [c] sure, more: ask.
It may raise `normalize.CellProblem` with its own reason (a region outside the office's area)."""

@dataclass(frozen=True)
class RowRef:
    """Where a row came from: file name, sheet name, 1-based row number."""

    file: str
    sheet: str
    row: int

    def where(self) -> str:
        return f"文件 {self.file} 工作表 {self.sheet} 第 {self.row} 行"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "sheet": self.sheet, "row": self.row}


@dataclass(frozen=True)
class RowError:
    """One problem in one cell (or row): where, which column, what was there, why."""

    source: RowRef
    reason: str
    field: str | None = None
    header: str = ""
    column: str = ""  # the column letter, "" for a whole-row problem
    value: str = ""

    @property
    def message(self) -> str:
        """One Chinese sentence: 文件 X 工作表 Y 第 12 行 “党组织类型”列（C12）：reason。"""
        place = self.source.where()
        if self.header or self.column:
            label = self.header or self.column
            cell = f"（{self.column}{self.source.row}）" if self.column else ""
            place += f" “{label}”列{cell}"
        return f"{place}：{self.reason}。"

    def to_dict(self) -> dict[str, Any]:
        return {**self.source.to_dict(), "field": self.field, "header": self.header,
                "column": self.column, "value": self.value, "reason": self.reason,
                "message": self.message}


@dataclass
class Question:
    """A text that could mean several things; one answer applies to every row with it."""

    field: str
    header: str
    value: str
    candidates: list[tuple[str, str]]  # (answer key, Chinese label)
    rows: list[RowRef] = dc_field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        """The key under which the answer is passed back: (field, text as written)."""
        return (self.field, self.value)

    @property
    def message(self) -> str:
        options = "、".join(label for _, label in self.candidates)
        first = self.rows[0].where() if self.rows else ""
        more = f"等 {len(self.rows)} 行" if len(self.rows) > 1 else ""
        return f"{first}{more} “{self.header}”列的“{self.value}”可能是：{options}，请选择。"

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "header": self.header, "value": self.value,
                "candidates": [list(c) for c in self.candidates],
                "rows": [r.to_dict() for r in self.rows], "message": self.message}


@dataclass
class ParsedRow:
    """One data row's clean values, the cell each came from, and its problems."""

    source: RowRef
    values: dict[str, Any]
    cells: dict[str, str]  # field → cell reference such as "C12"
    errors: list[RowError] = dc_field(default_factory=list)
    pending: list[tuple[str, str]] = dc_field(default_factory=list)  # question keys unanswered

    @property
    def ok(self) -> bool:
        """Ready to import: no errors and no open questions."""
        return not self.errors and not self.pending

    def to_dict(self) -> dict[str, Any]:
        values = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.values.items()}
        return {**self.source.to_dict(), "values": values, "cells": dict(self.cells),
                "errors": [e.to_dict() for e in self.errors],
                "pending": [list(p) for p in self.pending], "ok": self.ok}


@dataclass
class ParseResult:
    """The rows of one or more sheets, their errors and the questions to ask."""

    rows: list[ParsedRow] = dc_field(default_factory=list)
    errors: list[RowError] = dc_field(default_factory=list)
    questions: list[Question] = dc_field(default_factory=list)
    mappings: list[ColumnMapping] = dc_field(default_factory=list)
    skipped_sheets: list[str] = dc_field(default_factory=list)  # reasons, in Chinese

    @property
    def ok_rows(self) -> list[ParsedRow]:
        return [r for r in self.rows if r.ok]

    @property
    def ready(self) -> bool:
        """True when every row can be imported (no errors, no open questions)."""
        return not self.errors and not self.questions

    def to_dict(self) -> dict[str, Any]:
        return {"rows": [r.to_dict() for r in self.rows],
                "errors": [e.to_dict() for e in self.errors],
                "questions": [q.to_dict() for q in self.questions],
                "mappings": [m.to_dict() for m in self.mappings],
                "skipped_sheets": list(self.skipped_sheets)}


Answers = Mapping[tuple[str, str], str]
"""(field, text as written) → chosen key: "village", "institution:health", "430104"."""


@dataclass
class RowContext:
    """What every row of one sheet is parsed with; `questions` collects across rows."""

    sheet: SheetData
    mapping: ColumnMapping
    schema: HeaderSchema
    resolve_region: RegionResolver
    region_label: Callable[[str], str] | None
    answers: Answers
    default_region: str | None
    questions: dict[tuple[str, str], Question]


def skip_row(values: tuple[Any, ...], mapping: ColumnMapping) -> bool:
    """True for rows that are not data: empty, totals, a repeated header, notes under the table."""
    if not any(not nz.is_blank(v) for v in values):
        return True
    return is_total_row(values) or is_repeated_header(values, mapping) or is_footer_row(values)


def cell_value(values: tuple[Any, ...], column: int | None) -> Any:
    """The value in a 0-based column of a row tuple; None beyond its end or for no column."""
    if column is None or column >= len(values):
        return None
    return values[column]


class RowBuilder:
    """Collects one row's values and problems."""

    def __init__(self, ctx: RowContext, number: int, values: tuple[Any, ...]) -> None:
        self.ctx = ctx
        self.ref = RowRef(ctx.sheet.file_name, ctx.sheet.name, number)
        self.raw = values
        self.row = ParsedRow(self.ref, {}, {})

    def has(self, key: str) -> bool:
        return key in self.ctx.mapping.fields

    def cell(self, key: str) -> Any:
        return cell_value(self.raw, self.ctx.mapping.column_of(key))

    def put(self, key: str, value: Any) -> None:
        self.row.values[key] = value
        column = self.ctx.mapping.column_of(key)
        if column is not None:
            self.row.cells[key] = f"{get_column_letter(column + 1)}{self.ref.row}"

    def error(self, key: str | None, reason: str) -> None:
        column = self.ctx.mapping.column_of(key) if key else None
        self.row.errors.append(RowError(
            source=self.ref, reason=reason, field=key,
            header=(self.ctx.mapping.header_of(key) or self.ctx.schema.label(key)) if key else "",
            column=get_column_letter(column + 1) if column is not None else "",
            value=nz.clean_text(self.cell(key)) if key else ""))

    def ask(self, key: str, text: str, candidates: list[tuple[str, str]]) -> None:
        qkey = (key, text)
        question = self.ctx.questions.get(qkey)
        if question is None:
            header = self.ctx.mapping.header_of(key) or self.ctx.schema.label(key)
            question = Question(key, header, text, candidates)
            self.ctx.questions[qkey] = question
        question.rows.append(self.ref)
        self.row.pending.append(qkey)

    def parse(self, key: str, parser: Callable[[Any], Any]) -> None:
        """Store parser(cell) under key if the column is mapped; record its problem if any."""
        if not self.has(key):
            return
        try:
            self.put(key, parser(self.cell(key)))
        except nz.CellProblem as problem:
            self.error(key, problem.reason)


def parse_region(b: RowBuilder) -> None:
    code_text = nz.region_text(b.cell("region_code")) if b.has("region_code") else ""
    name_text = nz.clean_text(b.cell("region")) if b.has("region") else ""
    key = "region_code" if code_text else "region"
    text = code_text or name_text
    if not text:
        if b.ctx.default_region:
            b.row.values["region_code"] = b.ctx.default_region
            return
        b.error("region" if b.has("region") else "region_code", "所属县市区为空")
        return
    answer = b.ctx.answers.get((key, text))
    try:
        codes = [answer] if answer else list(dict.fromkeys(b.ctx.resolve_region(text)))
    except nz.CellProblem as problem:  # known, but not a region this office may use
        b.error(key, problem.reason)
        return
    if not codes:
        what = "行政区划代码" if key == "region_code" else "县市区"
        b.error(key, f"找不到{what}“{text}”")
        return
    if len(codes) > 1:
        label = b.ctx.region_label
        b.ask(key, text, [(c, f"{label(c)}（{c}）" if label else c) for c in codes])
        return
    code = codes[0]
    if code_text and name_text:
        try:
            by_name = set(b.ctx.resolve_region(name_text))
        except nz.CellProblem:
            by_name = set()
        if by_name and code not in by_name:
            b.error("region", f"县市区“{name_text}”与行政区划代码“{code_text}”不一致")
            return
    b.row.values["region_code"] = code
    b.row.cells["region_code"] = cell_ref(b, key)


def cell_ref(b: RowBuilder, key: str) -> str:
    column = b.ctx.mapping.column_of(key)
    return f"{get_column_letter(column + 1)}{b.ref.row}" if column is not None else ""


def merge_question(questions: list[Question], new: Question) -> None:
    for question in questions:
        if question.key == new.key:
            question.rows.extend(new.rows)
            return
    questions.append(new)


# --- comparing with what is stored -------------------------------------------------------------
