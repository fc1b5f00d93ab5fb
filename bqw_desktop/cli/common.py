"""What every subcommand shares: the database option, opening it, printing results."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bqw_desktop.db.engine import Database, open_database
from bqw_desktop.paths import default_db_path
from bqw_desktop.services.context import Actor


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", dest="sub_db", metavar="PATH", help="数据库文件（默认：BQW_DB 或用户数据目录）")


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="以 JSON 输出")


def db_path(args: argparse.Namespace) -> Path:
    return Path(getattr(args, "sub_db", None) or getattr(args, "db", None) or default_db_path())


def open_db(args: argparse.Namespace) -> Database:
    return open_database(db_path(args))


def actor_for(db: Database) -> Actor:
    return Actor.system_user(db.office_code)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_table(headers: list[str], rows: list[list[Any]]) -> None:
    """A plain text table for people at a terminal."""
    text = [[("" if v is None else str(v)) for v in row] for row in rows]
    print("\t".join(headers))
    for row in text:
        print("\t".join(row))


@contextmanager
def opened_db(args: argparse.Namespace) -> Iterator[Database]:
    """The command's database, closed however the command ends."""
    db = open_db(args)
    try:
        yield db
    finally:
        db.close()
