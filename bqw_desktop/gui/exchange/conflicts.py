"""冲突处理: conflicts from imports, both sides side by side, and probable duplicate sites.

A version conflict (the same record, the same version, different content) is settled by
keeping this office's copy or taking the package's; a fork in a candidacy's steps is only
acknowledged here (the office that made one of the steps reverses it). A probable duplicate
site is merged into the arriving one or both are kept. Every choice is asked once more and
runs through the runner (one transaction, refusals shown in Chinese); everything reloads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from bqw_desktop.db.models import Site
from bqw_desktop.domain.lifecycle import STATUS_LABELS
from bqw_desktop.domain.vocab import INSTITUTION_KIND_LABELS, LEVEL_LABELS, ORG_TYPE_LABELS
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.exchange.common import (
    INFO_STYLE,
    NOTE_STYLE,
    banner,
    office_label,
    plain_table,
    region_name,
    tr,
)
from bqw_desktop.gui.exchange.history import office_names
from bqw_desktop.gui.exchange.models import CompareModel, ConflictModel, DuplicateModel
from bqw_desktop.services import exchange, records
from bqw_desktop.services.exchange import ConflictRow, DuplicateRow
from bqw_desktop.services.sites import FIELD_LABELS as SITE_FIELDS

CHANGED_ALL = {"*"}
HIDDEN = frozenset({"content_hash", "created_at", "updated_at", "search_key"})
FIELD_LABELS: dict[str, str] = {
    **SITE_FIELDS,
    "id": "编号", "owner_office": "所属单位", "version": "版本号", "deleted": "已删除", "updated_by": "修改人",
    "site_id": "示范点", "candidacy_id": "申报", "rectification_id": "整改事项", "level": "级别", "status": "状态",
    "to_status": "步骤", "follows_id": "接在哪一步之后", "owner": "作出步骤的单位", "reason": "理由",
    "unit_code": "单位", "campaign_id": "批次", "visit_date": "走访日期", "visitors": "走访人员",
    "observations": "发现情况", "kind": "类别", "title": "标题", "year": "年度", "count": "数量",
}
VALUE_LABELS: dict[str, dict[str, str]] = {
    "org_type": ORG_TYPE_LABELS, "org_kind": INSTITUTION_KIND_LABELS, "level": LEVEL_LABELS,
    "status": STATUS_LABELS, "to_status": STATUS_LABELS,
}
OFFICE_FIELDS = frozenset({"owner_office", "owner", "unit_code"})
REFERENCE_FIELDS = frozenset({"id", "site_id", "candidacy_id", "rectification_id", "follows_id", "campaign_id"})


class Formatter:
    """Record values as people read them: labels for keys, office and region names."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def label(self, key: str) -> str:
        return FIELD_LABELS.get(key, key)

    def value(self, key: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return tr("是") if value else tr("否")
        if key in VALUE_LABELS:
            return VALUE_LABELS[key].get(str(value), str(value))
        if key in OFFICE_FIELDS:
            return office_label(str(value), self.names)
        if key == "region_code":
            name = region_name(str(value))
            return f"{name}（{value}）" if name != value else str(value)
        if key in REFERENCE_FIELDS:
            return str(value)[:8]
        return str(value)


    def compare(self, sides: Sequence[dict[str, Any]]) -> list[tuple[str, list[str], bool]]:
        """Rows `(label, value per side, differs)` over the keys of all sides: the differing
        ones first, then the rest, known fields before others."""
        keys: list[str] = []
        for side in sides:
            keys.extend(k for k in side if k not in keys and k not in HIDDEN)
        order = list(FIELD_LABELS)
        keys.sort(key=lambda k: (order.index(k) if k in order else len(order), k))
        rows = []
        for key in keys:
            values = [self.value(key, side.get(key)) for side in sides]
            rows.append((self.label(key), values, len(set(values)) > 1))
        return [r for r in rows if r[2]] + [r for r in rows if not r[2]]


def compare_table(model: CompareModel) -> QTableView:
    """A side-by-side table whose value columns share the width equally."""
    view = plain_table(model, widths=(150,))
    view.setWordWrap(True)
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    model.modelReset.connect(lambda: _stretch_values(view))
    return view


def _stretch_values(view: QTableView) -> None:
    header = view.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    for column in range(1, view.model().columnCount()):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)


def site_sides(session: Session, site_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The travelling content of sites (deleted ones too), in the order asked; {} if unknown."""
    out = []
    for site_id in site_ids:
        site = session.get(Site, site_id)
        out.append(records.exported(site) if site is not None else {})
    return out


def fork_sides(conflict: ConflictRow) -> list[dict[str, Any]]:
    """The steps of a fork: `local` holds the first, `incoming` the others (a list)."""
    incoming: Any = conflict.incoming
    others = incoming if isinstance(incoming, list) else [incoming]
    return [conflict.local, *others]


class ConflictsTab(QWidget):
    """Open (or all) conflicts; the selected one compared side by side, with its choices."""

    def __init__(self, owner: ConflictsDialog) -> None:
        super().__init__()
        self.owner = owner
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("从交换包导入时发现的冲突。本机不会自行决定，请逐条核对后选择。")))
        self.model = ConflictModel(self)
        self.table = plain_table(self.model, widths=(80, 180, 150, 190, 190, 120))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.show_selected())
        self.description = banner("", NOTE_STYLE)
        self.compare_model = CompareModel(self)
        self.compare = compare_table(self.compare_model)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.description)
        lower_layout.addWidget(self.compare, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setSizes([180, 340])
        layout.addWidget(split, 1)
        buttons = QHBoxLayout()
        self.keep_local = QPushButton(tr("保留本机的"))
        self.keep_local.clicked.connect(lambda: self.resolve("local"))
        self.take_incoming = QPushButton(tr("采用交换包传来的"))
        self.take_incoming.clicked.connect(lambda: self.resolve("incoming"))
        self.acknowledge = QPushButton(tr("已知悉"))
        self.acknowledge.clicked.connect(lambda: self.resolve("acknowledge"))
        buttons.addStretch(1)
        for button in (self.keep_local, self.take_incoming, self.acknowledge):
            buttons.addWidget(button)
        layout.addLayout(buttons)

    def load(self, rows: list[ConflictRow], names: dict[str, str]) -> None:
        self.model.names = names
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        self.show_selected()

    def selected(self) -> ConflictRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_id(self, conflict_id: int) -> bool:
        for row, conflict in enumerate(self.model.rows()):
            if conflict.id == conflict_id:
                self.table.selectRow(row)
                return True
        return False

    def show_selected(self) -> None:
        conflict = self.selected()
        is_open = conflict is not None and conflict.status == "open"
        version = conflict is not None and conflict.kind == "version"
        self.keep_local.setVisible(conflict is None or version)
        self.take_incoming.setVisible(conflict is None or version)
        self.acknowledge.setVisible(conflict is not None and not version)
        for button in (self.keep_local, self.take_incoming, self.acknowledge):
            button.setEnabled(is_open)
        if conflict is None:
            self.description.setText(tr("没有待处理的冲突。"))
            self.compare_model.set_sides([], [])
            return
        fmt = self.owner.formatter
        if version:
            text = conflict.description + tr("黄色为两边不同的项目。")
            headers = [tr("本机现有的"), tr("交换包传来的：{office}").format(
                office=office_label(conflict.sender_code, fmt.names))]
            rows = fmt.compare([conflict.local, conflict.incoming])
        else:
            sides = fork_sides(conflict)
            text = conflict.description + tr("“已知悉”只表示您已看到，不改变任何数据；"
                                             "请与作出步骤的单位联系，由其撤回其中一个。")
            headers = [tr("后续步骤 {n}").format(n=i + 1) for i in range(len(sides))]
            rows = fmt.compare(sides)
        if conflict.status != "open":
            text += tr("（已处理：{how}）").format(how={"local": tr("保留本机的"), "incoming": tr("采用交换包传来的"),
                                                      "acknowledge": tr("已知悉")}.get(conflict.resolution, ""))
        self.description.setText(text)
        self.compare_model.set_sides(headers, rows)

    def resolve(self, choice: str) -> bool:
        conflict = self.selected()
        if conflict is None:
            return False
        questions = {
            "local": tr("保留本机现有的这一份，交换包传来的那一份不采用。确定吗？"),
            "incoming": tr("用交换包传来的内容替换本机现有的这一份。确定吗？"),
            "acknowledge": tr("标记为已知悉后，这条分叉不再列为待处理；申报状态仍显示“冲突”，"
                              "直到作出步骤的单位撤回其中一个。确定吗？"),
        }
        return self.owner.settle(questions[choice], exchange.resolve_conflict, conflict.id, choice)


class DuplicatesTab(QWidget):
    """Sites that arrived with the same name and region as one this office entered itself."""

    def __init__(self, owner: ConflictsDialog) -> None:
        super().__init__()
        self.owner = owner
        layout = QVBoxLayout(self)
        layout.addWidget(banner(tr(
            "下列示范点由交换包传来，与本单位自行录入的示范点同名、同区划，可能是同一个。"
            "“合并”：本单位录入的那条删除（保留删除记录），本单位关于它的走访、台账等记录转到传来的示范点上；"
            "“保留两个”：确属两个不同的示范点。"), INFO_STYLE))
        self.model = DuplicateModel(self, region_name=region_name)
        self.table = plain_table(self.model, widths=(240, 260))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update())
        self.compare_model = CompareModel(self)
        self.compare = compare_table(self.compare_model)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.compare)
        split.setSizes([160, 360])
        layout.addWidget(split, 1)
        buttons = QHBoxLayout()
        self.merge_button = QPushButton(tr("合并为一个"))
        self.merge_button.clicked.connect(lambda: self.resolve("merge"))
        self.keep_button = QPushButton(tr("保留两个"))
        self.keep_button.clicked.connect(lambda: self.resolve("keep"))
        buttons.addStretch(1)
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.keep_button)
        layout.addLayout(buttons)

    def load(self, rows: list[DuplicateRow]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        self._update()

    def selected(self) -> DuplicateRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update(self) -> None:
        row = self.selected()
        for button in (self.merge_button, self.keep_button):
            button.setEnabled(row is not None and row.status == "open")
        if row is None:
            self.compare_model.set_sides([], [])
            return
        local, incoming = self.owner.runner.read(site_sides, (row.local_site_id, row.incoming_site_id))
        fmt = self.owner.formatter
        headers = [tr("本单位录入的"), tr("交换包传来的：{office}").format(
            office=office_label(str(incoming.get("owner_office", "")), fmt.names))]
        self.compare_model.set_sides(headers, fmt.compare([local, incoming]))

    def resolve(self, choice: str) -> bool:
        row = self.selected()
        if row is None:
            return False
        if choice == "merge":
            question = tr("合并后，本单位自行录入的“{name}”将删除（保留删除记录），"
                          "本单位关于它的记录转到交换包传来的同名示范点上。确定合并吗？").format(name=row.name)
        else:
            question = tr("确认“{name}”是两个不同的示范点，两条都保留？").format(name=row.name)
        return self.owner.settle(question, exchange.resolve_duplicate, row.id, choice)


class ConflictsDialog(QDialog):
    """Conflicts and probable duplicates of this database, each settled by a person."""

    def __init__(self, runner: ActionRunner, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.formatter = Formatter({})
        self.setWindowTitle(tr("冲突处理"))
        self.resize(1080, 680)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.conflicts = ConflictsTab(self)
        self.duplicates = DuplicatesTab(self)
        self.tabs.addTab(self.conflicts, "")
        self.tabs.addTab(self.duplicates, "")
        layout.addWidget(self.tabs, 1)
        self.show_resolved = QCheckBox(tr("显示已处理的"))
        self.show_resolved.toggled.connect(lambda _on: self.reload())
        close = QPushButton(tr("关闭"))
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.show_resolved)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.reload()
        if not self.conflicts.model.rowCount() and self.duplicates.model.rowCount():
            self.tabs.setCurrentWidget(self.duplicates)

    def reload(self) -> None:
        include = self.show_resolved.isChecked()
        names, conflicts, duplicates = self.runner.read(lambda s: (
            office_names(s), exchange.list_conflicts(s, include_resolved=include),
            exchange.list_duplicates(s, include_resolved=include)))
        self.formatter.names = names
        self.conflicts.load(conflicts, names)
        self.duplicates.load(duplicates)
        open_conflicts = sum(1 for c in conflicts if c.status == "open")
        open_duplicates = sum(1 for d in duplicates if d.status == "open")
        self.tabs.setTabText(0, tr("冲突（待处理 {n}）").format(n=open_conflicts))
        self.tabs.setTabText(1, tr("疑似重复的示范点（待处理 {n}）").format(n=open_duplicates))

    def settle(self, question: str, fn: Callable[..., Any], *args: Any) -> bool:
        """Ask, then run `fn(session, actor, *args)`; reload everything after a success."""
        if not self.runner.ask(self, tr("冲突处理"), question):
            return False
        outcome = self.runner.run(self, fn, *args, kinds=CHANGED_ALL)
        self.reload()
        return outcome.ok
