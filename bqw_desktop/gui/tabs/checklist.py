"""The 创建目标 tab: the selected site's checklist, its self-assessment and the verdicts beside it.

A tree (`ChecklistModel`) lists the notice's four numbered goals and the general aims with
their items; a panel beside it edits the selected item. The self-assessment (自评) belongs to
the office that registered the site; an assessing office's verdict (考核评定) is shown beside
it and is editable only by the deciding office once the candidacy is being created or later.
Every save is one unit of work announcing "ticks", so the register's progress column and
this tab reload. Ticks of a former organization type or catalogue version are listed apart
and never counted.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from bqw_desktop.domain import lifecycle
from bqw_desktop.domain.ratings import RATING_LABELS, Rating
from bqw_desktop.domain.vocab import LEVEL_LABELS
from bqw_desktop.errors import NotFoundError, UserError
from bqw_desktop.gui.changes import CANDIDACIES, SITES, TICKS, touches
from bqw_desktop.gui.context import MainWindowContext
from bqw_desktop.gui.models.checklist_model import (
    COL_RATING,
    DEFAULT_WIDTHS,
    HEADING,
    ITEM,
    ITEM_ROLE,
    KIND_ROLE,
    PROGRESS_ROLE,
    ChecklistModel,
)
from bqw_desktop.paths import DataFolder
from bqw_desktop.services import attachments, candidacies, checklists
from bqw_desktop.services.checklists import ChecklistView, ItemView, OrphanView

VERDICTS = "verdicts"
NO_DATE = QDate(2000, 1, 1)
RATING_CHOICES = (Rating.NONE, Rating.MET, Rating.BASIC, Rating.UNMET)


@dataclass(frozen=True, slots=True)
class FileRow:
    """One evidence file of a tick."""

    link_id: str
    filename: str
    caption: str


@dataclass(frozen=True, slots=True)
class Assessable:
    """A candidacy of the site on which this office may record verdicts."""

    candidacy_id: str
    level: str
    status_label: str

    @property
    def text(self) -> str:
        return f"{LEVEL_LABELS.get(self.level, self.level)}申报（{self.status_label}）"


def _load(session: Session, site_id: str, office_tier: str) -> tuple[ChecklistView, list[Assessable]]:
    view = checklists.checklist_view(session, site_id)
    return view, assessable_candidacies(session, site_id, office_tier)


def assessable_candidacies(session: Session, site_id: str, office_tier: str) -> list[Assessable]:
    """The site's candidacies this office decides that are being created or later."""
    out = []
    for row in candidacies.list_candidacies(session, site_id=site_id):
        try:
            decider = lifecycle.route_for(level=row.level, registrant_tier=row.registrant_tier).decider
        except UserError:
            continue
        if decider == office_tier and row.status in checklists.ASSESSABLE:
            out.append(Assessable(row.id, row.level, row.status_label))
    return out


def _files(session: Session, tick_id: str) -> list[FileRow]:
    return [FileRow(link.id, link.filename, link.caption) for link in checklists.evidence(session, tick_id)]


def _export(session: Session, tick_id: str, link_id: str, store: Path, folder: Path) -> Path:
    for link in checklists.evidence(session, tick_id):
        if link.id == link_id:
            return attachments.export_copy(store, link, folder / link.id[:8])
    raise NotFoundError("该附件已被删除。")


def _attach_all(session: Session, actor: Any, store: Path, *, site_id: str, item_id: str,
                sources: list[Path]) -> int:
    for source in sources:
        checklists.attach_evidence(session, actor, store, site_id=site_id, item_id=item_id, source=source)
    return len(sources)


def choose_files(parent: QWidget) -> list[Path]:
    names, _ = QFileDialog.getOpenFileNames(parent, parent.tr("选择佐证材料"), "",
                                            parent.tr("所有文件 (*)"))
    return [Path(n) for n in names]


def open_url(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class ChecklistDelegate(QStyledItemDelegate):
    """Draws a heading's progress as a bar; items use the rating combo (see `editable`)."""

    def __init__(self, save: Callable[[str, str], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.save = save
        self.editable = False

    def paint(self, painter: Any, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        percent = index.data(PROGRESS_ROLE)
        if index.data(KIND_ROLE) != HEADING or percent is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 2, -4, -2)  # type: ignore[attr-defined]
        bar.minimum, bar.maximum, bar.progress = 0, 100, int(percent)  # type: ignore[attr-defined]
        bar.text = str(index.data())  # type: ignore[attr-defined]
        bar.textVisible = True  # type: ignore[attr-defined]
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal  # type: ignore[attr-defined]
        QApplication.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(KIND_ROLE) == HEADING:
            size.setHeight(max(size.height(), option.fontMetrics.height() + 12))  # type: ignore[attr-defined]
        return size

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # type: ignore[override]
                     index: QModelIndex | QPersistentModelIndex) -> QWidget | None:
        if not self.editable or index.data(KIND_ROLE) != ITEM:
            return None
        combo = QComboBox(parent)
        for key in RATING_CHOICES:
            combo.addItem(RATING_LABELS[key], key)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        item: ItemView = index.data(ITEM_ROLE)
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(item.rating)))

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex) -> None:
        item: ItemView = index.data(ITEM_ROLE)
        assert isinstance(editor, QComboBox)
        key = editor.currentData()
        if key != item.rating:
            self.save(item.id, key)


class ChecklistTab(QWidget):
    """The checklist of one site; `show_site(site_id)` loads it."""

    def __init__(self, ctx: MainWindowContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.site_id: str | None = None
        self.view: ChecklistView | None = None
        self.assessable: list[Assessable] = []
        self.current: ItemView | OrphanView | None = None
        self.choose_files: Callable[[QWidget], list[Path]] = choose_files
        self.open_url: Callable[[Path], Any] = open_url
        self._temp: Path | None = None
        self._stale = False
        self.model = ChecklistModel(self)
        self._build()
        ctx.changes.changed.connect(self._changed)

    # Building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.theme = QLabel()
        self.theme.setStyleSheet("color: #555;")
        self.theme.setWordWrap(True)
        self.overall = QProgressBar()
        self.overall.setMaximumWidth(260)
        self.overall_text = QLabel()
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(QLabel(self.tr("总体进度：")))
        head.addWidget(self.overall)
        head.addWidget(self.overall_text)

        self.tree = QTreeView()
        self.tree.setObjectName("checklistTree")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(False)
        self.tree.setWordWrap(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.delegate = ChecklistDelegate(self.save_rating, self.tree)
        self.tree.setItemDelegateForColumn(COL_RATING, self.delegate)
        header = self.tree.header()
        for column, width in enumerate(DEFAULT_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)  # the item text keeps its width; the verdicts take the rest
        self.tree.selectionModel().currentChanged.connect(self._current_changed)

        self.orphan_label = QLabel()
        self.orphan_label.setWordWrap(True)
        self.orphan_label.setStyleSheet("color: #9a6b00;")
        self.orphan_label.hide()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree, 1)
        left_layout.addWidget(self.orphan_label)

        self.panel = self._build_panel()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.panel)
        scroll.setMinimumWidth(300)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([900, 320])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(head)
        layout.addWidget(self.theme)
        layout.addWidget(self.splitter, 1)

    def _build_panel(self) -> QWidget:
        panel = QWidget()
        self.item_text = QLabel()
        self.item_text.setWordWrap(True)
        self.item_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.item_text.setStyleSheet("font-weight: bold;")
        self.owner_note = QLabel()
        self.owner_note.setWordWrap(True)
        self.owner_note.setStyleSheet("color: #9a6b00;")

        own = QGroupBox(self.tr("本单位自评"))
        form = QFormLayout(own)
        self.rating = QComboBox()
        for key in RATING_CHOICES:
            self.rating.addItem(RATING_LABELS[key], key)
        self.note_date = QDateEdit()
        self.note_date.setCalendarPopup(True)
        self.note_date.setDisplayFormat("yyyy-MM-dd")
        self.note_date.setMinimumDate(NO_DATE)
        self.note_date.setSpecialValueText(self.tr("（未填日期）"))
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("佐证说明：做了什么、效果如何、材料存放在哪里"))
        self.note.setMaximumHeight(110)
        self.note_count = QLabel()
        self.note.textChanged.connect(self._count_note)
        self.recorded = QLabel()
        self.save_button = QPushButton(self.tr("保存自评"))
        self.save_button.clicked.connect(self.save_tick)
        form.addRow(self.tr("自评："), self.rating)
        form.addRow(self.tr("说明日期："), self.note_date)
        form.addRow(self.tr("佐证说明："), self.note)
        form.addRow("", self.note_count)
        form.addRow(self.tr("填写人："), self.recorded)
        form.addRow("", self.save_button)

        files = QGroupBox(self.tr("佐证材料"))
        files_layout = QVBoxLayout(files)
        self.files = QListWidget()
        self.files.setMaximumHeight(100)
        self.files.itemDoubleClicked.connect(lambda _item: self.open_file())
        buttons = QHBoxLayout()
        self.add_file_button = QPushButton(self.tr("添加附件…"))
        self.add_file_button.clicked.connect(self.add_files)
        self.open_file_button = QPushButton(self.tr("打开"))
        self.open_file_button.clicked.connect(self.open_file)
        buttons.addWidget(self.add_file_button)
        buttons.addWidget(self.open_file_button)
        buttons.addStretch(1)
        files_layout.addWidget(self.files)
        files_layout.addLayout(buttons)

        assess = QGroupBox(self.tr("考核评定（上级，与自评并列，不覆盖自评）"))
        assess_form = QFormLayout(assess)
        self.verdicts_text = QLabel()
        self.verdicts_text.setWordWrap(True)
        self.verdict_candidacy = QComboBox()
        self.verdict = QComboBox()
        for key in (Rating.MET, Rating.BASIC, Rating.UNMET):
            self.verdict.addItem(RATING_LABELS[key], key)
        self.verdict_note = QLineEdit()
        self.verdict_note.setPlaceholderText(self.tr("评定说明（可不填）"))
        self.verdict_button = QPushButton(self.tr("保存评定"))
        self.verdict_button.clicked.connect(self.save_verdict)
        self.verdict_hint = QLabel()
        self.verdict_hint.setWordWrap(True)
        self.verdict_hint.setStyleSheet("color: #555;")
        assess_form.addRow(self.tr("已有评定："), self.verdicts_text)
        assess_form.addRow(self.tr("申报："), self.verdict_candidacy)
        assess_form.addRow(self.tr("本单位评定："), self.verdict)
        assess_form.addRow(self.tr("说明："), self.verdict_note)
        assess_form.addRow("", self.verdict_button)
        assess_form.addRow(self.verdict_hint)
        self.assess_box = assess

        layout = QVBoxLayout(panel)
        layout.addWidget(self.item_text)
        layout.addWidget(self.owner_note)
        layout.addWidget(own)
        layout.addWidget(files)
        layout.addWidget(assess)
        layout.addStretch(1)
        self.own_box, self.files_box = own, files
        self._show_item(None)
        return panel

    # Loading ----------------------------------------------------------------------------
    def show_site(self, site_id: str | None) -> None:
        """Load the site's checklist (None: an empty tab)."""
        keep = self._current_item_id() if site_id == self.site_id else None
        self._stale = False
        self.site_id = site_id
        self.view, self.assessable = None, []
        if site_id:
            try:
                self.view, self.assessable = self.ctx.runner.read(_load, site_id, self.ctx.office.tier)
            except UserError as exc:
                self.theme.setText(exc.message)
        self.model.set_view(self.view)
        self.tree.expandAll()
        self._show_header()
        self.delegate.editable = self.owns_site
        index = self.model.index_of_item(keep) if keep else QModelIndex()
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)
        else:
            self._show_item(None)

    @property
    def owns_site(self) -> bool:
        return self.view is not None and self.view.owner_office == self.ctx.office.code

    def _show_header(self) -> None:
        view = self.view
        self.orphan_label.setVisible(bool(view and view.orphans))
        if view and view.orphans:
            self.orphan_label.setText(self.tr("本示范点有 {n} 条“原类型/旧版目录的评定（保留）”，列在清单末尾：{note}")
                                      .format(n=len(view.orphans), note=view.orphan_note))
        if view is None:
            self.title.setText(self.tr("（请在上方名册中选择一个示范点）") if not self.site_id else "")
            if not self.site_id:
                self.theme.setText("")
            self.overall.setMaximum(1)
            self.overall.setValue(0)
            self.overall.setFormat("")
            self.overall_text.setText("")
            return
        self.title.setText(f"{view.site_name} — {view.heading}（{view.org_type_label}）")
        self.theme.setText(view.theme + (self.tr("　目录版本 {v}").format(v=view.catalogue_version)))
        p = view.progress
        self.overall.setMaximum(max(p.total, 1))
        self.overall.setValue(p.met)
        self.overall.setFormat(self.tr("达标 %v/%m"))
        self.overall_text.setText(self.tr("已评 {rated}/{total}").format(rated=p.rated, total=p.total))

    def _current_item_id(self) -> str | None:
        if isinstance(self.current, ItemView):
            return self.current.id
        if isinstance(self.current, OrphanView):
            return self.current.item_id
        return None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(ITEM_ROLE) if current.isValid() else None
        self._show_item(row)

    def _show_item(self, row: ItemView | OrphanView | None) -> None:
        self.current = row
        editable_tick = isinstance(row, ItemView) and self.owns_site and not self.ctx.read_only
        for box in (self.own_box, self.files_box, self.assess_box):
            box.setVisible(row is not None)
        self.owner_note.setVisible(False)
        if row is None:
            self.item_text.setText(self.tr("在左侧选择一个条目，查看或填写自评、佐证材料和考核评定。"))
            return
        tick = row.tick
        if isinstance(row, OrphanView):
            self.item_text.setText(f"{row.text}\n（{row.origin}）")
            self._note_owner(self.view.orphan_note if self.view else "")
        else:
            source = "" if row.from_notice else f"\n（{row.source}）"
            self.item_text.setText(f"{row.index}. {row.text}{source}")
            if not self.owns_site and self.view is not None:
                self._note_owner(self.tr("该示范点由单位 {code} 登记，自评和佐证材料由该单位填写，本单位只能查看。")
                                 .format(code=self.view.owner_office))
        self.rating.setCurrentIndex(max(0, self.rating.findData(tick.rating if tick else Rating.NONE)))
        self.note_date.setDate(_qdate(tick.note_date) if tick and tick.note_date else NO_DATE)
        self.note.setPlainText(tick.note if tick else "")
        self.recorded.setText(tick.recorded_by if tick else "")
        for widget in (self.rating, self.note_date, self.note, self.save_button, self.add_file_button):
            widget.setEnabled(editable_tick)
        self._load_files(tick.id if tick else None)
        self._show_verdicts(row)

    def _note_owner(self, text: str) -> None:
        self.owner_note.setText(text)
        self.owner_note.setVisible(bool(text))

    def _count_note(self) -> None:
        n = len(self.note.toPlainText().strip())
        colour = "#b3261e" if n > checklists.NOTE_LIMIT else "#555"
        self.note_count.setText(f"<span style='color:{colour}'>{n}/{checklists.NOTE_LIMIT} 字</span>")

    def _load_files(self, tick_id: str | None) -> None:
        self.files.clear()
        rows = self.ctx.runner.read(_files, tick_id) if tick_id else []
        for row in rows:
            item = QListWidgetItem(row.filename + (f"（{row.caption}）" if row.caption else ""))
            item.setData(Qt.ItemDataRole.UserRole, row.link_id)
            self.files.addItem(item)
        if rows:
            self.files.setCurrentRow(0)
        self.open_file_button.setEnabled(bool(rows))

    def _show_verdicts(self, row: ItemView | OrphanView) -> None:
        verdicts = row.verdicts if isinstance(row, ItemView) else ()
        self.verdicts_text.setText("\n".join(v.text + (f"（{v.note}）" if v.note else "") for v in verdicts)
                                   or self.tr("（尚无）"))
        self.verdict_candidacy.clear()
        for a in self.assessable:
            self.verdict_candidacy.addItem(a.text, a.candidacy_id)
        may = isinstance(row, ItemView) and bool(self.assessable) and not self.ctx.read_only
        for widget in (self.verdict_candidacy, self.verdict, self.verdict_note, self.verdict_button):
            widget.setEnabled(may)
        self.verdict_candidacy.setVisible(len(self.assessable) > 1)
        if may:
            mine = [v for v in verdicts if v.office_code == self.ctx.office.code]
            if mine:
                self.verdict.setCurrentIndex(max(0, self.verdict.findData(mine[0].rating)))
                self.verdict_note.setText(mine[0].note)
            else:
                self.verdict_note.clear()
            self.verdict_hint.setText("")
        else:
            self.verdict_hint.setText(self.tr(
                "考核评定由审定该申报的上级组织部门在启动创建后填写；本单位目前没有可填写评定的申报。"))

    # Saving -----------------------------------------------------------------------------
    def save_rating(self, item_id: str, rating: str) -> bool:
        """Save only the rating of one item (from the tree's combo)."""
        if not self.site_id:
            return False
        outcome = self.ctx.runner.run(self, checklists.set_tick, site_id=self.site_id, item_id=item_id,
                                      rating=rating, kinds={TICKS})
        return outcome.ok

    def save_tick(self) -> bool:
        """Save the panel's rating, note and date for the selected item."""
        if not self.site_id or not isinstance(self.current, ItemView):
            return False
        day = self.note_date.date()
        note_date = None if day == NO_DATE else date(day.year(), day.month(), day.day())
        outcome = self.ctx.runner.run(
            self, checklists.set_tick, site_id=self.site_id, item_id=self.current.id,
            rating=self.rating.currentData(), note=self.note.toPlainText(), note_date=note_date, kinds={TICKS})
        return outcome.ok

    def save_verdict(self) -> bool:
        if not isinstance(self.current, ItemView) or self.verdict_candidacy.currentData() is None:
            return False
        outcome = self.ctx.runner.run(
            self, checklists.set_verdict, candidacy_id=self.verdict_candidacy.currentData(),
            item_id=self.current.id, rating=self.verdict.currentData(), note=self.verdict_note.text(),
            kinds={VERDICTS})
        return outcome.ok

    def add_files(self) -> int:
        """Copy chosen files into the store as evidence of the selected item."""
        if not self.site_id or not isinstance(self.current, ItemView):
            return 0
        sources = self.choose_files(self)
        if not sources:
            return 0
        store = DataFolder(self.ctx.db.path).attachments
        outcome = self.ctx.runner.run(self, _attach_all, store, site_id=self.site_id, item_id=self.current.id,
                                      sources=sources, kinds={TICKS})
        return outcome.value if outcome.ok else 0

    def open_file(self) -> Path | None:
        """Copy the selected evidence file out to a temporary folder and open it."""
        item = self.files.currentItem()
        tick = self.current.tick if self.current is not None else None
        if item is None or tick is None:
            return None
        if self._temp is None:
            self._temp = Path(tempfile.mkdtemp(prefix="bqw-evidence-"))
        store = DataFolder(self.ctx.db.path).attachments
        try:
            path = self.ctx.runner.read(_export, tick.id, item.data(Qt.ItemDataRole.UserRole), store, self._temp)
        except UserError as exc:
            self.ctx.runner.warn(self, exc.message)
            return None
        except OSError as exc:
            self.ctx.runner.warn(self, self.tr("无法复制附件：{error}").format(error=exc.strerror or exc))
            return None
        self.open_url(path)
        return path

    def _changed(self, kinds: set[str]) -> None:
        if touches(kinds, TICKS, VERDICTS, SITES, CANDIDACIES) and self.site_id:
            if self.isVisible():
                self.show_site(self.site_id)
            else:
                self._stale = True  # reloaded when shown again

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.show_site(self.site_id)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)

