"""The 督查指导 tab: the selected site's visits, their rectification items and photos.

Left, the visits newest first with how their items stand; right, the selected visit's
items (整改销号 / 撤销销号), what was seen and found, and its attached files. Writes go
through the window's `ActionRunner` (one unit of work each) and announce "visits"; files
are opened with the system viewer from a copy in a temporary folder, never from the store.

`AttachmentPanel` (the files of one record, with 添加 and 打开) is shared with the ledger tab.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from bqw_desktop.db.models import Attachment, AttachmentLink
from bqw_desktop.domain.liaison import RectificationStatus
from bqw_desktop.errors import NotFoundError, UserError
from bqw_desktop.gui.changes import SITES, VISITS, touches
from bqw_desktop.gui.context import MainWindowContext
from bqw_desktop.gui.models.visit_models import (
    AttachmentModel,
    AttachmentRow,
    RectificationTableModel,
    RowsModel,
    VisitTableModel,
    day,
)
from bqw_desktop.paths import DataFolder
from bqw_desktop.services import attachments, records, sites, visits
from bqw_desktop.services.context import Actor
from bqw_desktop.services.visits import RectificationRow, VisitRow

IMAGE_FILTER = "图片和文档 (*.jpg *.jpeg *.png *.bmp *.gif *.pdf *.doc *.docx *.xls *.xlsx);;所有文件 (*)"

Attach = Callable[[Session, Actor, Path, str, Path], Any]


# ---------------------------------------------------------------- shared helpers


def make_table(model: RowsModel, *, sortable: bool = True) -> QTableView:
    """A read-only, row-selecting table over a `RowsModel`, columns at their default widths."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    for n, column in enumerate(model.COLUMNS):
        header.resizeSection(n, column.width)
    stretch = model.STRETCH if model.STRETCH is not None else len(model.COLUMNS) - 1
    header.setStretchLastSection(stretch == len(model.COLUMNS) - 1)
    if stretch != len(model.COLUMNS) - 1:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    # No sort column at first: rows keep the service's order (newest first, overdue first…)
    # until the clerk clicks a header.
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(sortable)
    return view


def selected_row(view: QTableView) -> Any:
    """The plain row behind the view's current selection, or None."""
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    if not rows:
        return None
    return view.model().row_at(rows[0].row())  # type: ignore[attr-defined]


def select_first(view: QTableView, predicate: Callable[[Any], bool] | None = None) -> None:
    """Select the first row (or the first matching `predicate`), if any."""
    model = view.model()
    position = 0 if predicate is None else model.row_of(predicate)  # type: ignore[attr-defined]
    if position is None or model.rowCount() == 0:
        view.clearSelection()
        return
    view.selectionModel().setCurrentIndex(
        model.index(position, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)


def attachment_store(ctx: MainWindowContext) -> Path:
    return DataFolder(ctx.db.path).attachments


def attachment_rows(session: Session, record_type: str, record_id: str) -> list[AttachmentRow]:
    """A record's live attachment links, oldest first, with their stored sizes."""
    out = []
    for link in attachments.links_of(session, record_type, record_id):
        stored = session.get(Attachment, link.sha256)
        out.append(AttachmentRow(link.id, link.filename, link.caption, stored.size if stored else 0,
                                 link.created_at, link.owner_office))
    return out


def _export(session: Session, store: Path, link_id: str, folder: Path) -> Path:
    link = records.get_live(session, AttachmentLink, link_id, label="附件")
    # One folder per link: two photos both called 照片.jpg must not overwrite each other.
    return attachments.export_copy(store, link, folder / link.id[:8])


def site_name(session: Session, site_id: str) -> str:
    return sites.get_site(session, site_id).name


class AttachmentPanel(QWidget):
    """The files linked to one record, with 添加… and 打开.

    `attach(session, actor, store, record_id, source)` links one file (the owning service's
    own rule applies); `open_url(QUrl)` shows a file — the system viewer, or a test's hook.
    """

    def __init__(self, ctx: MainWindowContext, *, record_type: str, attach: Attach, kinds: set[str],
                 add_text: str = "添加文件…", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record_type = record_type
        self.attach = attach
        self.kinds = kinds
        self.record_id: str | None = None
        self.writable = False
        self.open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl
        self._temp: tempfile.TemporaryDirectory[str] | None = None
        self.model = AttachmentModel(self)
        self.view = make_table(self.model)
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.add_button = QPushButton(self.tr(add_text))
        self.add_button.clicked.connect(self.choose_files)
        self.open_button = QPushButton(self.tr("打开"))
        self.open_button.clicked.connect(self.open_selected)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.view)
        self._update_buttons()

    def set_record(self, record_id: str | None, *, writable: bool) -> None:
        self.record_id = record_id
        self.writable = writable
        self.reload()

    def reload(self) -> None:
        rows = self.ctx.runner.read(attachment_rows, self.record_type, self.record_id) if self.record_id else []
        self.model.set_rows(rows)
        if rows:
            select_first(self.view)
        self._update_buttons()

    def count(self) -> int:
        return self.model.rowCount()

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(bool(self.record_id) and self.writable and not self.ctx.read_only)
        self.open_button.setEnabled(selected_row(self.view) is not None)

    def choose_files(self) -> None:
        folder = self.ctx.settings.last_folder("attachments")
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("选择要添加的文件"), folder, self.tr(IMAGE_FILTER))
        if names:
            self.ctx.settings.set_last_folder("attachments", Path(names[0]).parent)
            self.add_files([Path(n) for n in names])

    def add_files(self, paths: list[Path]) -> bool:
        """Link every file in one unit of work; all or none."""
        if not self.record_id or not paths:
            return False
        outcome = self.ctx.runner.run(self, _attach_all, self.attach, attachment_store(self.ctx),
                                      self.record_id, paths, kinds=self.kinds)
        if outcome.ok:
            self.reload()
        return outcome.ok

    def open_selected(self) -> None:
        row = selected_row(self.view)
        if row is not None:
            open_attachment(self, self.ctx, row.id, self.open_url)

    def temp_folder(self) -> Path:
        if self._temp is None:
            self._temp = tempfile.TemporaryDirectory(prefix="bqw-files-")
        return Path(self._temp.name)


def _attach_all(session: Session, actor: Actor, attach: Attach, store: Path, record_id: str,
                paths: list[Path]) -> int:
    for path in paths:
        attach(session, actor, store, record_id, path)
    return len(paths)


_TEMP: tempfile.TemporaryDirectory[str] | None = None


def open_attachment(parent: QWidget, ctx: MainWindowContext, link_id: str,
                    open_url: Callable[[QUrl], Any]) -> Path | None:
    """Copy a linked file to a temporary folder and show it; a missing file is a warning."""
    folder = parent.temp_folder() if isinstance(parent, AttachmentPanel) else _shared_temp()
    try:
        path = ctx.runner.read(_export, attachment_store(ctx), link_id, folder)
    except UserError as exc:
        ctx.runner.warn(parent, exc.message)
        return None
    except OSError as exc:
        ctx.runner.warn(parent, f"无法取出附件：{exc.strerror or exc}。")
        return None
    open_url(QUrl.fromLocalFile(str(path)))
    return path


def _shared_temp() -> Path:
    global _TEMP
    if _TEMP is None:
        _TEMP = tempfile.TemporaryDirectory(prefix="bqw-files-")
    return Path(_TEMP.name)


# ---------------------------------------------------------------- the tab


def visit_text(visit: VisitRow, office_code: str) -> str:
    """The visit's full record as simple HTML for the 走访情况 page."""
    from html import escape

    def para(text: str) -> str:
        return "<br>".join(escape(line) for line in text.strip().splitlines()) or "<span style='color:#757575'>无</span>"

    owner = "" if visit.owner_office == office_code else f"（单位 {escape(visit.owner_office)} 记录）"
    return (f"<p><b>{day(visit.visit_date)}　{escape(visit.kind_label)}</b>{owner}<br>"
            f"走访人员：{escape(visit.visitors)}</p>"
            f"<p><b>看到的情况</b><br>{para(visit.observations)}</p>"
            f"<p><b>发现的问题</b><br>{para(visit.problems)}</p>")


class VisitsTab(QWidget):
    """The selected site's visit history with rectification follow-up."""

    def __init__(self, ctx: MainWindowContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.office_code = ctx.office.code
        self.site_id: str | None = None
        self.site_name = ""
        self.visits_model = VisitTableModel(self.office_code, self)
        self.items_model = RectificationTableModel(self.office_code, self)
        self._build()
        ctx.changes.changed.connect(self._changed)
        ctx.read_only_changed.connect(lambda _on: self._update_buttons())
        self._update_buttons()

    # Building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.record_button = QPushButton(self.tr("记录走访…"))
        self.record_button.clicked.connect(self.record_visit)
        self.edit_button = QPushButton(self.tr("修改…"))
        self.edit_button.clicked.connect(self.edit_visit)
        self.delete_button = QPushButton(self.tr("删除"))
        self.delete_button.clicked.connect(self.delete_visit)
        self.summary = QLabel()
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        for button in (self.record_button, self.edit_button, self.delete_button):
            top.addWidget(button)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)

        self.visits_view = make_table(self.visits_model)
        self.visits_view.setObjectName("visitTable")
        self.visits_view.doubleClicked.connect(lambda _index: self.edit_visit())
        self.visits_view.selectionModel().selectionChanged.connect(lambda *_: self._visit_changed())

        self.details = QTabWidget()
        self.details.addTab(self._build_items_page(), "")
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.details.addTab(self.text, self.tr("走访情况"))
        self.files = AttachmentPanel(self.ctx, record_type="visits", attach=_attach_to_visit, kinds={VISITS},
                                     add_text="添加照片或文件…")
        self.details.addTab(self.files, "")
        self._label_detail_tabs(None)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.visits_view)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

    def _build_items_page(self) -> QWidget:
        self.close_button = QPushButton(self.tr("整改销号…"))
        self.close_button.clicked.connect(self.close_item)
        self.reopen_button = QPushButton(self.tr("撤销销号"))
        self.reopen_button.clicked.connect(self.reopen_item)
        self.evidence_button = QPushButton(self.tr("查看佐证文件"))
        self.evidence_button.clicked.connect(self.open_evidence)
        self.items_view = make_table(self.items_model)
        self.items_view.setObjectName("rectificationTable")
        self.items_view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.items_view.doubleClicked.connect(lambda _index: self.close_item())
        row = QHBoxLayout()
        for button in (self.close_button, self.reopen_button, self.evidence_button):
            row.addWidget(button)
        row.addStretch(1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.items_view)
        return page

    def _label_detail_tabs(self, visit: VisitRow | None) -> None:
        items = len(visit.rectifications) if visit else 0
        self.details.setTabText(0, self.tr("整改事项（{n}）").format(n=items))
        self.details.setTabText(2, self.tr("照片与附件（{n}）").format(n=self.files.count()))

    # Showing ----------------------------------------------------------------------------
    def show_site(self, site_id: str | None) -> None:
        """Show a site's visits (newest first) and select the newest."""
        self.site_id = site_id
        self._reload(keep_visit=None)

    def _reload(self, *, keep_visit: str | None, keep_item: str | None = None) -> None:
        rows: list[VisitRow] = []
        self.site_name = ""
        if self.site_id:
            try:
                self.site_name = self.ctx.runner.read(site_name, self.site_id)
                rows = self.ctx.runner.read(visits.visit_history, self.site_id)
            except NotFoundError:
                self.site_id = None
        self.visits_model.set_rows(rows)
        self._summarise(rows)
        select_first(self.visits_view, (lambda v: v.id == keep_visit) if keep_visit else None)
        if keep_visit and self.current_visit() is None:
            select_first(self.visits_view)
        self._visit_changed(keep_item=keep_item)

    def _summarise(self, rows: list[VisitRow]) -> None:
        if not self.site_id:
            self.summary.setText(self.tr("（请在上方名册中选择一个示范点）"))
            return
        if not rows:
            self.summary.setText(self.tr("尚无走访记录。"))
            return
        items = [r for v in rows for r in v.rectifications]
        late = sum(1 for r in items if r.status == RectificationStatus.OVERDUE)
        open_ = sum(1 for r in items if r.status == RectificationStatus.OPEN)
        text = self.tr("共走访 {n} 次，最近一次 {last}；整改事项 {items} 项").format(
            n=len(rows), last=day(rows[0].visit_date), items=len(items))
        if late or open_:
            text += self.tr("，未销号 {open} 项").format(open=late + open_)
        if late:
            text += self.tr("（<span style='color:#b00020'>逾期 {late} 项</span>）").format(late=late)
        self.summary.setText(text + self.tr("。"))

    def current_visit(self) -> VisitRow | None:
        return selected_row(self.visits_view)

    def current_item(self) -> RectificationRow | None:
        return selected_row(self.items_view)

    def _visit_changed(self, keep_item: str | None = None) -> None:
        visit = self.current_visit()
        self.items_model.set_rows(visit.rectifications if visit else [])
        select_first(self.items_view, (lambda r: r.id == keep_item) if keep_item else None)
        self.text.setHtml(visit_text(visit, self.office_code) if visit else "")
        self.files.set_record(visit.id if visit else None, writable=self._owns(visit))
        self._label_detail_tabs(visit)
        self._update_buttons()

    def _owns(self, record: Any) -> bool:
        return record is not None and record.owner_office == self.office_code

    def _own_closing(self, item: RectificationRow | None) -> Any:
        if item is None:
            return None
        return next((c for c in item.closings if c.owner_office == self.office_code), None)

    def _update_buttons(self) -> None:
        writable = not self.ctx.read_only
        visit, item = self.current_visit(), self.current_item()
        self.record_button.setEnabled(writable and self.site_id is not None)
        self.edit_button.setEnabled(visit is not None)
        self.edit_button.setText(self.tr("修改…") if self._owns(visit) or visit is None else self.tr("查看…"))
        self.delete_button.setEnabled(writable and self._owns(visit))
        self.close_button.setEnabled(writable and item is not None and item.status != RectificationStatus.CLOSED)
        self.reopen_button.setEnabled(writable and self._own_closing(item) is not None)
        self.evidence_button.setEnabled(item is not None and bool(item.closings))

    def _changed(self, kinds: set[str]) -> None:
        if touches(kinds, VISITS, SITES) and self.site_id:
            visit, item = self.current_visit(), self.current_item()
            self._reload(keep_visit=visit.id if visit else None, keep_item=item.id if item else None)

    # Commands ---------------------------------------------------------------------------
    def record_visit(self) -> None:
        from bqw_desktop.gui.dialogs.visit_editor import VisitEditor, exec_once

        if not self.site_id:
            return
        editor = VisitEditor(self.ctx.runner, site_id=self.site_id, site_name=self.site_name, parent=self)
        if exec_once(editor) and editor.visit_id:
            self._reload(keep_visit=editor.visit_id)

    def edit_visit(self) -> None:
        from bqw_desktop.gui.dialogs.visit_editor import VisitEditor, exec_once

        visit = self.current_visit()
        if visit is None or not self.site_id:
            return
        exec_once(VisitEditor(self.ctx.runner, site_id=self.site_id, site_name=self.site_name, visit=visit,
                              parent=self))

    def delete_visit(self) -> None:
        visit = self.current_visit()
        if visit is None:
            return
        items = len(visit.rectifications)
        question = self.tr("确定删除 {date} 的{kind}记录吗？").format(date=day(visit.visit_date), kind=visit.kind_label)
        if items:
            question += self.tr("其 {n} 项整改事项将一并删除。").format(n=items)
        question += self.tr("删除记录会保留，可在审计日志中查到。")
        if self.ctx.runner.ask(self, self.tr("删除走访记录"), question):
            self.ctx.runner.run(self, visits.delete_visit, visit.id, kinds={VISITS})

    def close_item(self) -> None:
        from bqw_desktop.gui.dialogs.visit_editor import ClosingDialog, exec_once

        item = self.current_item()
        if item is None or item.status == RectificationStatus.CLOSED or self.ctx.read_only:
            return
        exec_once(ClosingDialog(self.ctx.runner, attachment_store(self.ctx), item=item, parent=self))

    def reopen_item(self) -> None:
        item = self.current_item()
        closing = self._own_closing(item)
        if item is None or closing is None:
            return
        question = self.tr("确定撤销“{item}”于 {date} 的销号吗？撤销后该事项恢复为未销号。").format(
            item=item.description, date=day(closing.closed_on))
        if self.ctx.runner.ask(self, self.tr("撤销销号"), question):
            self.ctx.runner.run(self, visits.reopen_rectification, closing_id=closing.id, reason="撤销销号",
                                kinds={VISITS})

    def open_evidence(self) -> None:
        """Open the files attached to the selected item's closing (a menu when several)."""
        item = self.current_item()
        if item is None or not item.closings:
            return
        links: list[AttachmentRow] = []
        for closing in item.closings:
            links.extend(self.ctx.runner.read(attachment_rows, "rectification_closings", closing.id))
        if not links:
            self.ctx.runner.warn(self, self.tr("该整改事项销号时没有附佐证文件。"))
            return
        if len(links) == 1:
            open_attachment(self.files, self.ctx, links[0].id, self.files.open_url)
            return
        menu = QMenu(self)
        for link in links:
            menu.addAction(link.filename, partial(open_attachment, self.files, self.ctx, link.id, self.files.open_url))
        menu.exec(self.evidence_button.mapToGlobal(self.evidence_button.rect().bottomLeft()))


def _attach_to_visit(session: Session, actor: Actor, store: Path, record_id: str, source: Path) -> Any:
    return visits.attach_file(session, actor, store, record_type="visits", record_id=record_id, source=source)
