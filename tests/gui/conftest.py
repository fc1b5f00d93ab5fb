"""Fixtures for driving the real window: settings in tmp_path, answered message boxes."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest

from bqw_desktop.db.engine import Database
from bqw_desktop.services import sites
from bqw_desktop.services.context import Actor

REGISTER = (
    ("星沙街道党工委", "subdistrict", None, "王建国", "56"),
    ("湘龙街道党工委", "subdistrict", None, "李红梅", "48"),
    ("黄花镇党委", "township", None, "刘志强", "120"),
    ("果园镇浔龙河村党总支", "village", None, "陈静", "35"),
    ("开慧镇开慧村党支部", "village", None, "杨光", "28"),
    ("县人民医院党委", "institution", "health", "周敏", "210"),
    ("三一重工党委", "private", None, "赵刚", "300"),
)


@pytest.fixture(scope="session")
def qapp_args() -> list[str]:
    return ["bqw-desktop-tests"]


@pytest.fixture
def settings(tmp_path: Path):
    """Settings in an INI file under tmp_path: the user's own settings are never touched."""
    from bqw_desktop.gui.settings import Settings

    return Settings.at(tmp_path / "settings.ini")


def add_register(db: Database, actor: Actor) -> dict[str, str]:
    """A small register of realistic sites; returns name → id."""
    ids = {}
    with db.begin() as s:
        for name, org_type, kind, secretary, members in REGISTER:
            site = sites.add_site(s, actor, name=name, org_type=org_type, org_kind=kind,
                                  secretary=secretary, member_count=members)
            ids[name] = site.id
    return ids


class Answers:
    """Records the warnings a window showed and answers its questions."""

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.questions: list[str] = []
        self.reply = True

    def warn(self, _parent, message: str) -> None:
        self.warnings.append(message)

    def ask(self, _parent, _title: str, text: str) -> bool:
        self.questions.append(text)
        return self.reply


@pytest.fixture
def answers() -> Answers:
    return Answers()


@pytest.fixture
def window(qtbot, county_db, county_actor, settings, answers):
    """The main window of 长沙县委组织部 over a small register."""
    from bqw_desktop.gui.main_window import MainWindow

    ids = add_register(county_db, county_actor)
    win = MainWindow(county_db, settings=settings, actor=county_actor)
    win.ctx.runner.warn = answers.warn
    win.ctx.runner.ask = answers.ask
    win.site_ids = ids
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win
