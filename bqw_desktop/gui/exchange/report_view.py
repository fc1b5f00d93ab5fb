"""An import report (or its preview) on screen: counts per record type, names on demand, issues.

`ReportView.set_report(report)` shows an `ImportReport`: a table with one line per record type
(新增/更新/无变化/冲突/拒收), the names of the records of the selected line, the refused
records, and the conflicts and probable duplicates found.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QStringListModel, Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHeaderView,
    QLabel,
    QListView,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from bqw_desktop.exchange.report import OUTCOME_LABELS, ImportReport
from bqw_desktop.exchange.rows import TYPE_LABELS
from bqw_desktop.gui.exchange.common import (
    ALERT_STYLE,
    INFO_STYLE,
    NOTE_STYLE,
    banner,
    plain_table,
    region_name,
    set_banner,
    tr,
)
from bqw_desktop.gui.exchange.models import OutcomeModel

NAMED_OUTCOMES = ("created", "updated", "conflict", "refused")


def names_text(report: ImportReport, record_type: str) -> str:
    """The names a report lists for one record type, outcome by outcome."""
    named = report.names.get(record_type, {})
    label = TYPE_LABELS.get(record_type, record_type)
    lines = []
    for outcome in NAMED_OUTCOMES:
        shown = named.get(outcome) or []
        if not shown:
            continue
        count = report.counts.get(record_type, {}).get(outcome, len(shown))
        more = tr("（共 {count} 条，只列出前 {shown} 条）").format(count=count, shown=len(shown)) \
            if count > len(shown) else ""
        lines.append(f"{OUTCOME_LABELS[outcome]}{label}{more}：")
        lines.extend(f"  {name}" for name in shown)
    return "\n".join(lines) or tr("{label}没有新增、更新、冲突或拒收的记录。").format(label=label)


def issues_text(report: ImportReport) -> str:
    """Conflicts, probable duplicates and notes as a few lines for people."""
    lines: list[str] = []
    if report.conflicts:
        lines.append(tr("冲突 {n} 处（两边版本号相同但内容不同，或申报出现分叉），需要人工处理：")
                     .format(n=len(report.conflicts)))
        lines.extend("  " + c.description for c in report.conflicts[:50])
        if len(report.conflicts) > 50:
            lines.append(tr("  …… 其余见“数据交换 → 冲突处理”。"))
    if report.duplicates:
        lines.append(tr("可能重复的示范点 {n} 个（与本单位自行录入的同名同区划），请在“冲突处理”中核对：")
                     .format(n=len(report.duplicates)))
        lines.extend(f"  {d.name}（{region_name(d.region_code)}）" for d in report.duplicates[:50])
    lines.extend(report.notes)
    return "\n".join(lines)


class ReportView(QWidget):
    """Shows one `ImportReport`; `report` is the one shown (or None)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: ImportReport | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.heading)

        self.model = OutcomeModel(self)
        self.table = plain_table(self.model, widths=(110, 56, 56, 56, 56, 56), stretch_last=False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumWidth(110 + 5 * 56 + 24)  # the type names never shrink to "…"
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.names = QPlainTextEdit()
        self.names.setReadOnly(True)
        self.names.setPlaceholderText(tr("选中左表一行，这里列出该类记录中新增、更新、冲突或拒收的名称。"))
        names_box = QGroupBox(tr("涉及的名称"))
        QVBoxLayout(names_box).addWidget(self.names)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(names_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([460, 300])
        layout.addWidget(split, 3)

        self.refused_box = QGroupBox(tr("拒收的记录：发送单位无权发送这些记录，整个交换包不会被导入"))
        self.refused_box.setStyleSheet("QGroupBox { color: #9b1c1c; font-weight: bold; }")
        self.refused_model = QStringListModel(self)
        self.refused_list = QListView()
        self.refused_list.setModel(self.refused_model)
        self.refused_list.setUniformItemSizes(True)  # a hostile package may list thousands
        QVBoxLayout(self.refused_box).addWidget(self.refused_list)
        layout.addWidget(self.refused_box, 1)

        self.issues = banner("", NOTE_STYLE)
        layout.addWidget(self.issues)
        self.backup = banner("", INFO_STYLE)
        layout.addWidget(self.backup)

    def set_report(self, report: ImportReport | None, *, heading: str = "") -> None:
        """Show `report`; `heading` replaces its first line when given."""
        self.report = report
        self.model.set_report(report)
        self.names.clear()
        if report is None:
            self.heading.setText(heading)
            self.refused_box.hide()
            self.issues.hide()
            self.backup.hide()
            return
        self.heading.setText(heading or report.describe().splitlines()[0])
        self.refused_model.setStringList(report.refused)
        self.refused_box.setVisible(bool(report.refused))
        set_banner(self.issues, issues_text(report), ALERT_STYLE if report.refused else NOTE_STYLE)
        set_banner(self.backup, tr("导入前已自动备份本机数据库：{path}").format(path=report.backup)
                   if report.backup else "", INFO_STYLE)
        if self.model.rowCount():
            self.table.selectRow(0)

    def show_names(self, record_type: str) -> str:
        """Show (and return) the names of one record type's records."""
        text = names_text(self.report, record_type) if self.report else ""
        self.names.setPlainText(text)
        return text

    def _selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.report is None:
            self.names.clear()
            return
        record_type, _counts = self.model.row_at(rows[0].row())
        if record_type:
            self.show_names(record_type)
        else:
            self.names.setPlainText("\n\n".join(names_text(self.report, t) for t in self.report.names))
