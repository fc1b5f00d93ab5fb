"""Integrity checks: the file, the audit chain, record hashes and derived caches."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bqw_desktop.db.engine import inspect_file, open_database, quick_check
from bqw_desktop.db.models import OWNED_MODELS
from bqw_desktop.services import audit, records


def run_all(path: Path) -> list[str]:
    """Every problem found, in Chinese; empty when the database is sound.

    A file that cannot be opened at all raises DatabaseRefused instead.
    """
    inspect_file(path)
    problems = [f"SQLite 完整性检查：{p}" for p in quick_check(path)]
    if problems:
        return problems
    db = open_database(path)
    with db.begin() as s:
        problems += audit.verify_chain(s)
        for name, model in OWNED_MODELS.items():
            for obj in s.scalars(select(model)):
                if records.hash_of(obj) != obj.content_hash:
                    problems.append(f"表 {name} 中记录 {obj.id} 的内容与校验值不符。")
    db.close()
    return problems
