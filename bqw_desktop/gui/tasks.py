"""Slow work off the GUI thread: a modal progress dialog, or a fire-and-forget check.

`run_with_progress(parent, title, fn, *args, **kwargs)` calls `fn(*args, progress=report,
**kwargs)` in a worker thread, where `report(done, total)` or `report(label, done, total)`
moves the bar, and returns fn's result once it is done (re-raising its exception here, on
the GUI thread). `start_quick_check(path, on_done)` runs SQLite's quick_check in the
thread pool and calls `on_done(problems)` on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThread, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class _Worker(QThread):
    progressed = Signal(str, int, int)

    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.result: Any = None
        self.error: BaseException | None = None

    def report(self, *values: Any) -> None:
        label, done, total = values if len(values) == 3 else ("", *values)
        self.progressed.emit(str(label), int(done), int(total))

    def run(self) -> None:
        try:
            self.result = self.fn(*self.args, progress=self.report, **self.kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed back to the GUI thread, raised there
            self.error = exc


def run_with_progress(parent: QWidget | None, title: str, fn: Callable[..., Any], *args: Any,
                      **kwargs: Any) -> Any:
    """Run `fn` in a worker thread behind a modal progress dialog; return or raise its outcome."""
    dialog = QProgressDialog(title, "", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setCancelButton(None)  # the work is one transaction: it finishes or rolls back
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(300)
    dialog.setMinimumWidth(380)
    worker = _Worker(fn, args, kwargs)

    def show(label: str, done: int, total: int) -> None:
        if label:
            dialog.setLabelText(f"{title}：{label}")
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)

    worker.progressed.connect(show)
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    worker.start()
    if not worker.isFinished():
        loop.exec()
    worker.wait()
    dialog.close()
    dialog.deleteLater()
    if worker.error is not None:
        raise worker.error
    return worker.result


class _CheckSignals(QObject):
    done = Signal(list)


class _QuickCheck(QRunnable):
    def __init__(self, path: Path, signals: _CheckSignals) -> None:
        super().__init__()
        self.path, self.signals = path, signals

    def run(self) -> None:
        from bqw_desktop.db.engine import quick_check

        try:
            problems = quick_check(self.path)
        except OSError as exc:
            problems = [str(exc)]
        try:
            self.signals.done.emit(problems)
        except RuntimeError:  # the window closed before the check finished: nobody to tell
            pass


def start_quick_check(path: Path, on_done: Callable[[list[str]], None], *,
                      owner: QObject | None = None) -> QObject:
    """Check the file in the background; `on_done(problems)` runs on the GUI thread.

    Returns the signal holder; keep it alive (pass `owner` to parent it) until it reports.
    """
    signals = _CheckSignals(owner)
    signals.done.connect(on_done, Qt.ConnectionType.QueuedConnection)
    QThreadPool.globalInstance().start(_QuickCheck(path, signals))
    return signals
