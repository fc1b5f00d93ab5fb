"""One user event, one unit of work: run a service, show a refusal, announce the change.

`ActionRunner.run(parent, fn, *args, kinds=..., **kwargs)` opens `db.begin()`, calls
`fn(session, actor, *args, **kwargs)` and commits. A `UserError` rolls everything back and
is shown as a warning with its Chinese message; the change kinds are emitted only after a
commit. `warn` and `ask` are plain attributes so tests can capture them instead of
blocking on a message box.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from bqw_desktop.db.engine import Database
from bqw_desktop.errors import UserError
from bqw_desktop.gui.changes import Changes
from bqw_desktop.services.context import Actor

Warn = Callable[[QWidget | None, str], None]
Ask = Callable[[QWidget | None, str, str], bool]


def tr(text: str) -> str:
    return QCoreApplication.translate("ActionRunner", text)


def message_box_warn(parent: QWidget | None, message: str) -> None:
    QMessageBox.warning(parent, tr("未保存"), message)


def message_box_ask(parent: QWidget | None, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton(tr("确定"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is yes


@dataclass(frozen=True)
class Outcome:
    """What a run gave: `ok` with the service's return value, or the refusal's message."""

    ok: bool
    value: Any = None
    message: str = ""


class ActionRunner:
    """Runs service calls for one window: the database, the acting person, the change bus."""

    def __init__(self, db: Database, actor: Actor, changes: Changes) -> None:
        self.db = db
        self.actor = actor
        self.changes = changes
        self.read_only_reason = ""
        self.warn: Warn = message_box_warn
        self.ask: Ask = message_box_ask

    def run(self, parent: QWidget | None, fn: Callable[..., Any], *args: Any,
            kinds: Iterable[str] = (), **kwargs: Any) -> Outcome:
        """Call `fn(session, actor, *args, **kwargs)` in one transaction; never raises UserError."""
        if self.read_only_reason:
            return self._refuse(parent, self.read_only_reason)
        try:
            with self.db.begin() as session:
                value = fn(session, self.actor, *args, **kwargs)
        except UserError as exc:
            return self._refuse(parent, exc.message)
        self.changes.emit(kinds)
        return Outcome(True, value)

    def read(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call `fn(session, *args, **kwargs)` for reading; nothing is written."""
        with self.db.sessions() as session:
            return fn(session, *args, **kwargs)

    def _refuse(self, parent: QWidget | None, message: str) -> Outcome:
        self.warn(parent, message)
        return Outcome(False, message=message)
