"""Opening, creating and checking the database file.

A file is inspected before SQLite ever opens it for writing: its header, our
`application_id` and its schema revision. A foreign, damaged or newer file is refused with
a Chinese message and left exactly as it was. An older one is backed up, then upgraded.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from bqw_desktop.db import guard
from bqw_desktop.db.base import Base
from bqw_desktop.db.models import Meta
from bqw_desktop.errors import DatabaseRefused

APPLICATION_ID = 0x42515744  # "BQWD"
SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100


@dataclass(frozen=True)
class FileFacts:
    """What the header and schema of a database file say."""

    application_id: int
    page_size: int
    revision: str | None


def _set_pragmas(dbapi_conn, _record) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _set_pragmas)
    return engine


def read_header(path: Path) -> FileFacts:
    """Check the file's SQLite header and our application id; never writes."""
    name = path.name
    if not path.is_file():
        raise DatabaseRefused(f"找不到数据库文件“{path}”。")
    size = path.stat().st_size
    with path.open("rb") as f:
        header = f.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE or not header.startswith(SQLITE_MAGIC):
        raise DatabaseRefused(f"文件“{name}”不是本系统的数据库（不是SQLite数据库文件），已拒绝打开，文件未被改动。")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    (app_id,) = struct.unpack(">I", header[68:72])
    if app_id != APPLICATION_ID:
        raise DatabaseRefused(f"文件“{name}”是其他软件的数据库，不是本系统的数据库，已拒绝打开，文件未被改动。")
    change_counter, page_count = struct.unpack(">II", header[24:32])
    (valid_for,) = struct.unpack(">I", header[92:96])
    counted = page_count if valid_for == change_counter else 0
    if page_size < 512 or size % page_size or counted * page_size > size:
        raise DatabaseRefused(f"数据库文件“{name}”已损坏（文件长度与页结构不符），已拒绝打开，文件未被改动。请从备份恢复。")
    return FileFacts(application_id=app_id, page_size=page_size, revision=None)


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection that cannot change the file."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield conn
    finally:
        conn.close()


def inspect_file(path: Path) -> FileFacts:
    """Header, application id and schema revision, read without touching the file."""
    facts = read_header(path)
    try:
        with read_only(path) as conn:
            rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as exc:
        raise DatabaseRefused(f"数据库文件“{path.name}”已损坏或结构不完整（{exc}），已拒绝打开，文件未被改动。请从备份恢复。") from exc
    if len(rows) != 1:
        raise DatabaseRefused(f"数据库文件“{path.name}”缺少版本信息，已拒绝打开，文件未被改动。")
    return FileFacts(facts.application_id, facts.page_size, rows[0][0])


def quick_check(path: Path) -> list[str]:
    """SQLite's `quick_check` over the whole file (slow on big files: run it in the background)."""
    try:
        with read_only(path) as conn:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


class Database:
    """An open database: its engine, a session factory and the office it belongs to."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        with self.sessions() as s:
            self.office_code = s.scalar(select(Meta.value).where(Meta.key == "office_code")) or ""
        self.sessions.configure(info={"office": self.office_code})
        guard.install(self.sessions)

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """One unit of work: committed if the block ends normally, rolled back otherwise."""
        with self.sessions.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def create_schema(path: Path) -> Database:
    """Create a new, empty database at `path` (which must not exist), stamped at the head revision."""
    from bqw_desktop.db import migrate

    if path.exists():
        raise DatabaseRefused(f"文件“{path}”已存在，不会覆盖。")
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
        Base.metadata.create_all(conn)
        migrate.stamp_head(conn)
    return Database(path, engine)


def open_database(path: Path, *, backup_dir: Path | None = None) -> Database:
    """Open an existing database, upgrading an older schema after a backup.

    Refuses (DatabaseRefused) a missing, foreign, damaged or newer file without touching it.
    """
    from bqw_desktop.db import migrate

    facts = inspect_file(path)
    state = migrate.revision_state(facts.revision)
    if state == "unknown":
        raise DatabaseRefused(f"数据库文件“{path.name}”来自更新版本的软件（结构版本 {facts.revision}），请先升级本软件。文件未被改动。")
    engine = make_engine(path)
    if state == "old":
        from bqw_desktop.db.backup import backup_before

        backup_before(path, "upgrade", backup_dir)
        with engine.begin() as conn:
            migrate.upgrade(conn)
    return Database(path, engine)
