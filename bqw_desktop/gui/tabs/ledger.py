"""The 创建台账 tab: the selected site's ledger by the notice's six kinds, with files.

Left, the kinds (each with its count, funding with its total) and their entries, newest
first; right, the files of the selected entry (添加 / 打开). 新增 starts an entry of the
selected kind. Deleting asks first; the entry's files stay in the store while any other
record still refers to them. Writes go through the window's `ActionRunner` and announce
"ledger".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from bqw_desktop.domain.liaison import LedgerKind
from bqw_desktop.errors import NotFoundError
from bqw_desktop.gui.changes import LEDGER, SITES, touches
from bqw_desktop.gui.context import MainWindowContext
from bqw_desktop.gui.dialogs.visit_editor import exec_once
from bqw_desktop.gui.models.ledger_models import COL_TITLE, DEFAULT_WIDTHS, LedgerTreeModel, money
from bqw_desktop.gui.tabs.visits import AttachmentPanel, attachment_store, site_name
from bqw_desktop.services import ledger
from bqw_desktop.services.context import Actor
from bqw_desktop.services.ledger import LedgerRow


class LedgerTab(QWidget):
    """The selected site's creation ledger."""

    def __init__(self, ctx: MainWindowContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.office_code = ctx.office.code
        self.site_id: str | None = None
        self.site_name = ""
        self.model = LedgerTreeModel(self)
        self._build()
        ctx.changes.changed.connect(self._changed)
        ctx.read_only_changed.connect(lambda _on: self._update_buttons())
        self._update_buttons()

    def _build(self) -> None:
        self.add_button = QPushButton(self.tr("新增…"))
        self.add_button.clicked.connect(lambda: self.add_entry())
        self.edit_button = QPushButton(self.tr("修改…"))
        self.edit_button.clicked.connect(self.edit_entry)
        self.delete_button = QPushButton(self.tr("删除"))
        self.delete_button.clicked.connect(self.delete_entry)
        self.summary = QLabel()
        top = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            top.addWidget(button)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)

        self.view = QTreeView()
        self.view.setObjectName("ledgerTree")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setUniformRowHeights(True)
        self.view.setWordWrap(False)
        self.view.setStyleSheet("QTreeView::item { padding: 3px 0px; }")
        self.view.setIndentation(14)
        header = self.view.header()
        header.setStretchLastSection(False)
        for column, width in enumerate(DEFAULT_WIDTHS):
            header.resizeSection(column, width)
        # The title takes the spare width, so amounts and file counts stay in view on small screens.
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(self._double_clicked)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._entry_changed())
        self.model.modelReset.connect(self._after_reset)

        self.files = AttachmentPanel(self.ctx, record_type=ledger.RECORD_TYPE, attach=_attach_to_entry,
                                     kinds={LEDGER}, add_text="添加附件…")
        self.files_title = QLabel()
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.files_title)
        side_layout.addWidget(self.files, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

    # Showing ----------------------------------------------------------------------------
    def show_site(self, site_id: str | None) -> None:
        self.site_id = site_id
        self._reload(keep_entry=None, keep_kind=None)

    def _reload(self, *, keep_entry: str | None, keep_kind: str | None) -> None:
        groups = []
        self.site_name = ""
        if self.site_id:
            try:
                self.site_name = self.ctx.runner.read(site_name, self.site_id)
                groups = self.ctx.runner.read(ledger.ledger_of, self.site_id)
            except NotFoundError:
                self.site_id = None
        self.model.set_groups(groups)
        self._summarise()
        index = self.model.index_of_entry(keep_entry) if keep_entry else QModelIndex()
        if not index.isValid() and keep_kind:
            index = self.model.index_of_kind(keep_kind)
        if index.isValid():
            self.select_index(index)
        self._entry_changed()

    def _after_reset(self) -> None:
        """Every kind open, its title across the row, so the ledger reads like the paper one."""
        root = QModelIndex()
        for row in range(self.model.rowCount()):
            self.view.setFirstColumnSpanned(row, root, True)
        self.view.expandAll()

    def _summarise(self) -> None:
        if not self.site_id:
            self.summary.setText(self.tr("（请在上方名册中选择一个示范点）"))
            return
        entries = self.model.entries()
        missing = [g.label for g in self.model.groups if not g.entries]
        funding = next((g.total_yuan for g in self.model.groups if g.kind == LedgerKind.FUNDING), None)
        text = self.tr("共 {n} 条").format(n=len(entries))
        if funding:
            text += self.tr("，经费支持合计 {total}").format(total=money(funding))
        if missing:
            text += self.tr("；尚无：{kinds}").format(kinds="、".join(missing))
        self.summary.setText(text + self.tr("。"))

    def select_index(self, index: QModelIndex) -> None:
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)

    def select_entry(self, entry_id: str) -> bool:
        index = self.model.index_of_entry(entry_id)
        if index.isValid():
            self.select_index(index)
        return index.isValid()

    def current_entry(self) -> LedgerRow | None:
        return self.model.entry_at(self.view.currentIndex()) if self._has_selection() else None

    def current_kind(self) -> str | None:
        return self.model.kind_at(self.view.currentIndex()) if self._has_selection() else None

    def _has_selection(self) -> bool:
        return bool(self.view.selectionModel().selectedRows())

    def _entry_changed(self) -> None:
        entry = self.current_entry()
        self.files.set_record(entry.id if entry else None, writable=self._owns(entry))
        if entry is None:
            self.files_title.setText(self.tr("选中一条台账后，可在此添加、打开其附件。"))
        else:
            self.files_title.setText(self.tr("“{title}”的附件：").format(
                title=entry.title or entry.subkind_label or entry.kind_label))
        self.files_title.setWordWrap(True)
        self._update_buttons()

    def _owns(self, entry: LedgerRow | None) -> bool:
        return entry is not None and entry.owner_office == self.office_code

    def _update_buttons(self) -> None:
        writable = not self.ctx.read_only
        entry = self.current_entry()
        self.add_button.setEnabled(writable and self.site_id is not None)
        self.edit_button.setEnabled(entry is not None)
        self.edit_button.setText(self.tr("修改…") if entry is None or self._owns(entry) else self.tr("查看…"))
        self.delete_button.setEnabled(writable and self._owns(entry))

    def _changed(self, kinds: set[str]) -> None:
        if touches(kinds, LEDGER, SITES) and self.site_id:
            entry = self.current_entry()
            self._reload(keep_entry=entry.id if entry else None, keep_kind=self.current_kind())

    # Commands ---------------------------------------------------------------------------
    def _double_clicked(self, index: QModelIndex) -> None:
        if self.model.entry_at(index) is not None:
            self.edit_entry()
        else:
            self.add_entry(self.model.kind_at(index))

    def add_entry(self, kind: str | None = None) -> None:
        """Start an entry of `kind` (default: the selected kind, else 实施方案与工作措施)."""
        from bqw_desktop.gui.dialogs.ledger_entry import LedgerEntryDialog

        if not self.site_id or self.ctx.read_only:
            return
        dialog = LedgerEntryDialog(self.ctx.runner, attachment_store(self.ctx), site_id=self.site_id,
                                   site_name=self.site_name, kind=kind or self.current_kind() or LedgerKind.PLAN,
                                   parent=self)
        if exec_once(dialog) and dialog.entry_id:
            self.select_entry(dialog.entry_id)

    def edit_entry(self) -> None:
        from bqw_desktop.gui.dialogs.ledger_entry import LedgerEntryDialog

        entry = self.current_entry()
        if entry is None or not self.site_id:
            return
        exec_once(LedgerEntryDialog(self.ctx.runner, attachment_store(self.ctx), site_id=self.site_id,
                                    site_name=self.site_name, entry=entry, parent=self))

    def delete_entry(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        what = entry.title or entry.subkind_label or entry.kind_label
        question = self.tr("确定删除{kind}“{what}”（{date}）吗？").format(
            kind=entry.kind_label, what=what, date=entry.entry_date.isoformat())
        if entry.attachments:
            question += self.tr("其 {n} 个附件的链接一并删除（文件仍被其他记录引用时保留）。").format(n=entry.attachments)
        question += self.tr("删除记录会保留，可在审计日志中查到。")
        if self.ctx.runner.ask(self, self.tr("删除台账条目"), question):
            self.ctx.runner.run(self, ledger.delete_entry, entry.id, kinds={LEDGER})


def _attach_to_entry(session: Session, actor: Actor, store: Path, record_id: str, source: Path) -> Any:
    return ledger.attach_file(session, actor, store, entry_id=record_id, source=source)
