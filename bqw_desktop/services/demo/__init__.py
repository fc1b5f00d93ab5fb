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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from bqw_desktop.services.context import Actor
from bqw_desktop.services.offices import OfficeInfo

# Stage modules in the order they run; a later stage may use what an earlier one left in ctx.
STAGES: list[str] = ["sites"]

SCALES = ("county", "city", "province")
DEFAULT_REGION = {"county": "430121", "city": "430100", "province": "430000"}


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
    counts: dict[str, int] = field(default_factory=dict)
    # Filled by the stages: e.g. "sites" → list of (id, owner_office, region_code, org_type, org_kind).
    shared: dict[str, Any] = field(default_factory=dict)

    def report(self, label: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(label, done, total)


def stage_modules() -> list[Any]:
    return [importlib.import_module(f"bqw_desktop.services.demo.{name}") for name in STAGES]
