"""Print jobs off the GUI thread: a progress bar with a working cancel button.

`run_job(parent, title, fn)` calls `fn(progress=…, cancel=…)` in a worker thread, where
`progress(done, total)` moves the bar and `cancel()` turns true once the user pressed 取消;
the renderers check it between pages and raise `PrintCancelled`. Returns fn's result, or
re-raises its exception on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class JobThread(QThread):
    """Runs one print job; `progressed(done, total)` is emitted from the worker."""

    progressed = Signal(int, int)

    def __init__(self, fn: Callable[..., Any]) -> None:
        super().__init__()
        self.fn = fn
        self.result: Any = None
        self.error: BaseException | None = None
        self.cancelled = threading.Event()

    def run(self) -> None:
        try:
            self.result = self.fn(progress=lambda done, total: self.progressed.emit(int(done), int(total)),
                                  cancel=self.cancelled.is_set)
        except BaseException as exc:  # noqa: BLE001 - handed back to the GUI thread, raised there
            self.error = exc


def run_job(parent: QWidget | None, title: str, fn: Callable[..., Any], *,
            on_started: Callable[[JobThread, QProgressDialog], None] | None = None) -> Any:
    """Run `fn` behind a modal progress dialog whose 取消 stops it; return or raise its outcome.

    `on_started` (for tests) is called once the worker runs, with the thread and the dialog.
    """
    dialog = QProgressDialog(title, QProgressDialog.tr("取消"), 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(400)
    dialog.setMinimumWidth(380)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    worker = JobThread(fn)

    def show(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)

    def cancel() -> None:
        worker.cancelled.set()
        dialog.setLabelText(QProgressDialog.tr("正在取消…"))

    worker.progressed.connect(show)
    dialog.canceled.connect(cancel)
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    worker.start()
    if on_started is not None:
        on_started(worker, dialog)
    if not worker.isFinished():
        loop.exec()
    worker.wait()
    dialog.close()
    dialog.deleteLater()
    if worker.error is not None:
        raise worker.error
    return worker.result
