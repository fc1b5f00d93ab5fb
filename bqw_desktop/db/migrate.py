"""Alembic, driven from code: one linear history under db/migrations.

`HEAD` names the newest revision so that opening a current file needs no Alembic import
(0.2 s of start-up); a test keeps it equal to the scripts' head.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import Connection

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0001"


def config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config())


def head() -> str:
    heads = script().get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have one head, found {heads}")
    return heads[0]


def revision_state(revision: str | None) -> Literal["current", "old", "unknown"]:
    """Whether a file's revision is ours and current, ours and older, or unknown (newer)."""
    if revision == HEAD:
        return "current"
    known = {rev.revision for rev in script().walk_revisions()}
    return "old" if revision in known else "unknown"


def stamp_head(connection: Connection) -> None:
    from alembic import command

    command.stamp(config(connection), "head")


def upgrade(connection: Connection) -> None:
    from alembic import command

    command.upgrade(config(connection), "head")
