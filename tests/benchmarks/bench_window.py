"""Window benchmark: process start → register painted, and search per keystroke.

Run: QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_window.py [--db PATH] [--repeat R]

Without --db a province-scale demo database (about 15,000 sites) is made in a temporary
folder first (that takes a while and is not timed). Each figure is printed beside a floor
measured in the same run:
- start-up: a fresh process that opens the database and shows the main window, timed from
  just before the process is spawned to the register's first paint; floor = a fresh process
  showing a bare QTableView over a 15,000 × 8 QAbstractTableModel of plain tuples.
- search: each prefix of a query typed into the search box, timed from setting the text to
  the register repainted (filter + model reset + paint); floor = a bare scan of the same
  keys (`[i for i, k in enumerate(keys) if q in k]`).
Times are medians. Compare ratios, not absolute times across runs.

The package's bytecode is compiled first, as an installed copy has it (pip and the bundles
compile it); otherwise, with PYTHONDONTWRITEBYTECODE set, every start would compile ~150
modules from source (~0.3 s).
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FIRST_PAINT = """
import time, sys
from PySide6.QtCore import QEvent, QObject, QTimer

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not getattr(self, "done", False):
            self.done = True
            QTimer.singleShot(0, lambda: (print(f"PAINT {time.time():.6f} ROWS {ROWS()}", flush=True),
                                          QApplication.instance().quit()))
        return False
"""

WINDOW_CHILD = FIRST_PAINT + """
from pathlib import Path
from PySide6.QtWidgets import QApplication
from bqw_desktop.gui.application import make_app, open_window, Startup
from bqw_desktop.gui.settings import Settings
app = make_app([])
settings = Settings.at(Path(sys.argv[2]))
db = Startup(settings).open(Path(sys.argv[1]))
window = open_window(db, settings=settings)
ROWS = window.model.rowCount
watcher = FirstPaint()
window.table.viewport().installEventFilter(watcher)
app.exec()
"""

FLOOR_CHILD = FIRST_PAINT + """
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QTableView
DISPLAY = Qt.ItemDataRole.DisplayRole
class Model(QAbstractTableModel):
    def __init__(self, rows):
        super().__init__()
        self.rows = rows
    def rowCount(self, parent=QModelIndex()):
        return len(self.rows)
    def columnCount(self, parent=QModelIndex()):
        return 8
    def data(self, index, role=DISPLAY):
        return self.rows[index.row()][index.column()] if role == DISPLAY else None
app = QApplication([])
rows = [tuple(f"单元格{r}-{c}" for c in range(8)) for r in range(15000)]
view = QTableView()
model = Model(rows)
view.setModel(model)
ROWS = model.rowCount
view.resize(1280, 800)
watcher = FirstPaint()
view.viewport().installEventFilter(watcher)
view.show()
app.exec()
"""


def spawn(script: str, *args: str) -> tuple[float, str]:
    """Seconds from spawning a fresh interpreter to its first paint, and the row count it showed."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.time()
    # A database the window refuses waits on a dialog offscreen; the timeout ends that wait.
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env,
                         check=True, timeout=120).stdout
    line = next(x for x in out.splitlines() if x.startswith("PAINT"))
    _, stamp, _, rows = line.split()
    return float(stamp) - started, rows


def startup(db: Path, repeat: int, tmp: Path) -> None:
    compileall.compile_dir(ROOT / "bqw_desktop", quiet=1)
    window = [spawn(WINDOW_CHILD, str(db), str(tmp / f"s{n}.ini")) for n in range(repeat)]
    floor = [spawn(FLOOR_CHILD) for _ in range(repeat)]
    w = statistics.median(t for t, _ in window)
    f = statistics.median(t for t, _ in floor)
    print(f"start → register painted ({window[0][1]} rows): {w * 1000:7.0f} ms   "
          f"floor (bare 15,000-row table, {floor[0][1]} rows): {f * 1000:5.0f} ms   ratio {w / f:4.2f}")


def search(db: Path, queries: list[str], tmp: Path) -> None:
    from bqw_desktop.db.engine import open_database
    from bqw_desktop.gui.application import make_app, open_window
    from bqw_desktop.gui.settings import Settings

    app = make_app([])
    window = open_window(open_database(db), settings=Settings.at(tmp / "search.ini"), check=False)
    window.resize(1280, 800)
    app.processEvents()
    keys = [r.search_key for r in window.model._rows]
    box, viewport = window.filter_bar.search, window.table.viewport()
    for query in queries:
        typed, scans, shown = [], [], []
        for n in range(1, len(query) + 1):
            prefix = query[:n]
            t = time.perf_counter()
            box.setText(prefix)
            viewport.repaint()
            typed.append(time.perf_counter() - t)
            shown.append(window.model.rowCount())
            t = time.perf_counter()
            [i for i, k in enumerate(keys) if prefix.lower() in k]
            scans.append(time.perf_counter() - t)
        box.clear()
        app.processEvents()
        print(f"search “{query}” ({len(keys)} sites, shown per key {shown}): "
              f"median {statistics.median(typed) * 1000:5.1f} ms, worst {max(typed) * 1000:5.1f} ms per keystroke   "
              f"floor (bare key scan): {statistics.median(scans) * 1000:4.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing database (default: a new province-scale demo)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bqw-bench-"))
    db = args.db
    if db is not None and not db.is_file():
        parser.error(f"--db {db}: not a database file")
    if db is None:
        from bqw_desktop.services.demo import create_demo

        db = tmp / "province.sqlite3"
        print("making a province-scale demo database …", flush=True)
        create_demo(db, scale="province")
    startup(db, args.repeat, tmp)
    search(db, ["xsjd", "长沙县", "dangwei", "cs xc"], tmp)


if __name__ == "__main__":
    main()
