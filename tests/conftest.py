"""Shared fixtures: every test gets its own fresh database in tmp_path."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest

from bqw_desktop.db.engine import Database
from bqw_desktop.services.context import Actor
from bqw_desktop.services.offices import init_office


@pytest.fixture
def county_db(tmp_path: Path) -> Database:
    """A fresh database of 长沙县委组织部 (430121)."""
    db = init_office(tmp_path / "county.sqlite3", tier="county", code="430121", user="tester")
    yield db
    db.close()


@pytest.fixture
def county_actor() -> Actor:
    return Actor(user="tester", office_code="430121")


@pytest.fixture
def city_db(tmp_path: Path) -> Database:
    db = init_office(tmp_path / "city.sqlite3", tier="city", code="430100", user="tester")
    yield db
    db.close()
