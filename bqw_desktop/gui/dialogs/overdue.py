"""逾期未走访 / 整改逾期: the two overdue lists, and the visit-interval policy.

Sites not visited within the interval (`visits.overdue_visits`, never-visited sites with
nobody assigned first) and rectification items past their due date without a closing
(`visits.overdue_rectifications`). Double-clicking a row selects the site in the register
window. The interval (7–366 days) is this office's policy (`visits.set_visit_interval`);
changing it reloads both lists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from bqw_desktop.domain.liaison import MAX_VISIT_INTERVAL_DAYS, MIN_VISIT_INTERVAL_DAYS
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.changes import PEOPLE, SITES, VISITS, touches
from bqw_desktop.gui.models.site_table import region_label
from bqw_desktop.gui.models.visit_models import OverdueRectificationModel, OverdueVisitModel, RowsModel
from bqw_desktop.gui.tabs.visits import make_table
from bqw_desktop.services import offices, units, visits
from bqw_desktop.services.visits import OverdueSiteRow, RectificationRow

SelectSite = Callable[[str], bool]


def _lists(session: Session, today: date) -> tuple[list[OverdueSiteRow], list[RectificationRow], int]:
    return (visits.overdue_visits(session, today=today), visits.overdue_rectifications(session, today=today),
            visits.visit_interval(session))


class OverdueDialog(QDialog):
    """Both overdue lists in tabs, with the interval setting below."""

    def __init__(self, runner: ActionRunner, *, select_site: SelectSite | None = None, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.select_site = select_site
        self.today = today or date.today()
        self.setWindowTitle(self.tr("逾期未走访与整改逾期"))
        self.resize(1000, 600)
        office = runner.read(offices.this_office)
        divisions = runner.read(units.divisions_of)
        self.visits_model = OverdueVisitModel(lambda code: region_label(code, office, divisions), self)
        self.items_model = OverdueRectificationModel(self)
        self.visits_view = make_table(self.visits_model)
        self.visits_view.doubleClicked.connect(lambda i: self._go_to(self.visits_model, i.row()))
        self.items_view = make_table(self.items_model)
        self.items_view.doubleClicked.connect(lambda i: self._go_to(self.items_model, i.row()))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.visits_view, "")
        self.tabs.addTab(self.items_view, "")

        self.interval = QSpinBox()
        self.interval.setRange(MIN_VISIT_INTERVAL_DAYS, MAX_VISIT_INTERVAL_DAYS)
        self.interval.setSuffix(self.tr(" 天"))
        self.save_interval = QPushButton(self.tr("保存间隔"))
        self.save_interval.clicked.connect(self.apply_interval)
        policy = QHBoxLayout()
        policy.addWidget(QLabel(self.tr("每个示范点至少每")))
        policy.addWidget(self.interval)
        policy.addWidget(QLabel(self.tr("走访一次（如每季度一次填 90）")))
        policy.addWidget(self.save_interval)
        policy.addStretch(1)
        self.hint = QLabel(self.tr("双击一行，可在名册中选中该示范点。从未走访且未明确联系人的示范点视为立即逾期。"))
        self.hint.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.hint)
        layout.addLayout(policy)
        layout.addWidget(close)
        runner.changes.changed.connect(self._changed)
        self.reload()

    def reload(self) -> None:
        late_sites, late_items, interval = self.runner.read(_lists, self.today)
        self.visits_model.set_rows(late_sites)
        self.items_model.set_rows(late_items)
        self.interval.setValue(interval)
        self.tabs.setTabText(0, self.tr("逾期未走访（{n}）").format(n=len(late_sites)))
        self.tabs.setTabText(1, self.tr("整改逾期（{n}）").format(n=len(late_items)))
        self.save_interval.setEnabled(not self.runner.read_only_reason)

    def apply_interval(self) -> bool:
        outcome = self.runner.run(self, visits.set_visit_interval, self.interval.value(), kinds={VISITS})
        return outcome.ok

    def _changed(self, kinds: set[str]) -> None:
        if touches(kinds, VISITS, SITES, PEOPLE):
            self.reload()

    def _go_to(self, model: RowsModel, row: int) -> None:
        if self.select_site is None:
            return
        item = model.row_at(row)
        if not self.select_site(item.site_id):
            self.runner.warn(self, self.tr("“{name}”不在名册当前的筛选结果中，请先清除筛选。").format(name=item.site_name))
