"""Demonstration databases: realistic records of every kind the program handles.

`create_demo` makes a new office database and runs the stages in STAGES, each a module of
this package with `run(ctx: DemoContext) -> None` that adds its kind of records in bulk
(SQLAlchemy Core through `services.bulk`), sharing what earlier stages made via `ctx`.
Each capability adds its stage, so the demo always shows everything the program can do.
The demo campaign is dated around `today`, so due and overdue lists mean something.
"""

from __future__ import annotations

import importlib
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from bqw_desktop.db.engine import Database
from bqw_desktop.domain.divisions import load_divisions, validate_region_code
from bqw_desktop.errors import UserError
from bqw_desktop.paths import DataFolder
from bqw_desktop.services import audit
from bqw_desktop.services.context import Actor
from bqw_desktop.services.offices import OfficeInfo, get_meta, init_office, set_meta, this_office

# Stage modules in the order they run; a later stage may use what an earlier one left in ctx.
STAGES: list[str] = ["sites", "lifecycle", "liaison", "records"]

SCALES = ("county", "city", "province")
DEFAULT_REGION = {"county": "430121", "city": "430100", "province": "430000"}
SCALE_LABELS = {"county": "县市区", "city": "市州", "province": "省"}
DEMO_USER = "演示"
DEMO_META_KEY = "demo"


@dataclass
class DemoContext:
    """What the stages share while writing one demo database (all in one transaction)."""

    conn: Connection
    office: OfficeInfo
    actor: Actor
    scale: str
    rng: random.Random
    today: date
    progress: Callable[[str, int, int], None] | None = None
    # The database file: its data folder holds the office's private key and the attachments.
    path: Path | None = None
    counts: dict[str, int] = field(default_factory=dict)
    # Filled by the stages: e.g. "sites" → list of (id, owner_office, region_code, org_type, org_kind, name).
    shared: dict[str, Any] = field(default_factory=dict)

    def report(self, label: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(label, done, total)


def stage_modules() -> list[Any]:
    return [importlib.import_module(f"bqw_desktop.services.demo.{name}") for name in STAGES]


@dataclass(frozen=True)
class DemoReport:
    """What `create_demo` made: record counts by table and how long it took."""

    path: Path
    office_code: str
    counts: dict[str, int]
    seconds: float
    stage_seconds: dict[str, float] = field(default_factory=dict)


def check_scale_region(scale: str, region: str | None) -> str:
    """The demo office's code: `region`, checked against the scale's tier, or the default."""
    if scale not in SCALES:
        raise UserError(f"演示规模“{scale}”无效，应为 county（县市区）、city（市州）或 province（省）。")
    if region is None or not str(region).strip():
        return DEFAULT_REGION[scale]
    code = validate_region_code(region)
    division = load_divisions().get(code)
    if division is None or division.level != scale:
        name = division.name if division else code
        raise UserError(f"行政区划“{name}”（{code}）不是{SCALE_LABELS[scale]}级区划，"
                        f"与演示规模 {scale} 不符，请核对 --region 与 --scale。")
    return code


def is_demo(session: Session) -> bool:
    """True for a database made by `create_demo` (the window shows a “演示数据” banner)."""
    return get_meta(session, DEMO_META_KEY) == "1"


def create_demo(path: Path, *, scale: str = "county", region: str | None = None, seed: int = 2011,
                today: date | None = None,
                progress: Callable[[str, int, int], None] | None = None) -> DemoReport:
    """Write a new demonstration database for the office of `region` at `path`.

    `scale` is the office's tier (county, city or province); `region` defaults to one in
    Hunan (DEFAULT_REGION). The same seed gives the same names. All records are written in
    one transaction with one audit entry per stage; `progress(label, done, total)` is called
    after each stage. A refusal (UserError) or any failure leaves no file behind; an
    existing file is never touched.
    """
    started = time.perf_counter()
    code = check_scale_region(scale, region)
    path = Path(path)
    folder = DataFolder(path)
    if path.exists():
        raise UserError(f"数据库文件“{path}”已存在，不会覆盖；请另选文件名，或先移走原文件。")
    if folder.root.exists() and any(folder.root.iterdir()):
        raise UserError(f"数据文件夹“{folder.root}”已存在且不为空，不会覆盖；请先移走它。")
    modules = stage_modules()
    try:
        db = init_office(path, tier=scale, code=code, name=None, user=DEMO_USER)
        try:
            ctx, stage_seconds = _fill(db, modules, scale=scale, seed=seed,
                                       today=today or date.today(), progress=progress)
        finally:
            db.close()
    except BaseException:
        _remove(path, folder)
        raise
    return DemoReport(path, code, dict(ctx.counts), time.perf_counter() - started, stage_seconds)


def _fill(db: Database, modules: list[Any], *, scale: str, seed: int, today: date,
          progress: Callable[[str, int, int], None] | None) -> tuple[DemoContext, dict[str, float]]:
    """Run the stages in one transaction; the audit goes through a session on the same connection."""
    actor = Actor(user=DEMO_USER, office_code=db.office_code)
    stage_seconds: dict[str, float] = {}
    # The session joins the connection's transaction: the audit commits or rolls back with the records.
    with db.engine.begin() as conn, Session(bind=conn) as session:
        set_meta(session, actor, DEMO_META_KEY, "1")
        ctx = DemoContext(conn=conn, office=this_office(session), actor=actor, scale=scale,
                          rng=random.Random(seed), today=today, progress=progress, path=db.path)
        for done, module in enumerate(modules, 1):
            name = module.__name__.rsplit(".", 1)[-1]
            before = dict(ctx.counts)
            started = time.perf_counter()
            module.run(ctx)
            added = {k: v - before.get(k, 0) for k, v in ctx.counts.items() if v != before.get(k, 0)}
            audit.record(session, actor, "demo", record_type=name,
                         summary={"stage": name, "counts": added, "scale": scale, "seed": seed,
                                  "today": today.isoformat()})
            stage_seconds[name] = time.perf_counter() - started
            ctx.report(getattr(module, "LABEL", name), done, len(modules))
    return ctx, stage_seconds


def _remove(path: Path, folder: DataFolder) -> None:
    """Delete a half-made demo: the file, its SQLite companions and its data folder."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(folder.root, ignore_errors=True)
