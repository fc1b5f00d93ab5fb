"""Alembic, driven from code: one linear history under db/migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

MIGRATIONS = Path(__file__).with_name("migrations")


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def script() -> ScriptDirectory:
    return ScriptDirectory.from_config(config())


def head() -> str:
    heads = script().get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have one head, found {heads}")
    return heads[0]


def revision_state(revision: str | None) -> Literal["current", "old", "unknown"]:
    """Whether a file's revision is ours and current, ours and older, or unknown (newer)."""
    if revision == head():
        return "current"
    known = {rev.revision for rev in script().walk_revisions()}
    return "old" if revision in known else "unknown"


def stamp_head(connection: Connection) -> None:
    command.stamp(config(connection), "head")


def upgrade(connection: Connection) -> None:
    command.upgrade(config(connection), "head")
