"""The main window: the site register with its filters, the selected site's tabs, menus.

The window builds the register (`SiteTableModel` over `services.sites.list_sites`), the
filter bar and the detail tabs, then lets plug-ins add tabs (`site_tabs.SITE_TABS`), menu
actions (`menus.MENU_PLUGINS`) and docks (`docks.DOCK_PLUGINS`). Every write goes through
the `ActionRunner`; views reload on the change bus.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from bqw_desktop import __version__
from bqw_desktop.db.engine import Database
from bqw_desktop.gui import docks, menus
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.changes import CANDIDACIES, SITES, TICKS, UNITS, Changes, touches
from bqw_desktop.gui.context import EDIT, FILE, HELP, VIEW, MainWindowContext, resolve
from bqw_desktop.gui.file_ops import FileOps
from bqw_desktop.gui.models.site_table import COL_NAME, DEFAULT_WIDTHS, ID_ROLE, SiteTableModel
from bqw_desktop.gui.settings import Settings
from bqw_desktop.gui.widgets.filter_bar import FilterBar
from bqw_desktop.gui.widgets.site_detail import SiteDetail
from bqw_desktop.services import offices, sites, units
from bqw_desktop.services.context import Actor
from bqw_desktop.services.demo import is_demo

TITLE = "百千万示范带动工程管理系统"
TABLE_KEY = "sites"
DOCK_AREAS = {"right": Qt.DockWidgetArea.RightDockWidgetArea, "left": Qt.DockWidgetArea.LeftDockWidgetArea,
              "bottom": Qt.DockWidgetArea.BottomDockWidgetArea}
DEMO_STYLE = "background: #fff3c4; color: #6b4e00; border-bottom: 1px solid #e0c86e; padding: 4px 10px;"
ALERT_STYLE = "background: #fde2e1; color: #9b1c1c; border-bottom: 1px solid #e8a3a0; padding: 4px 10px;"


class MainWindow(QMainWindow):
    """The register window of one open database."""

    def __init__(self, db: Database, *, settings: Settings, demo: bool = False, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        with db.sessions() as session:
            office = offices.this_office(session)
            demo = demo or is_demo(session)
            # The shipped table with the units added or renamed since (one small query).
            divisions = units.divisions_of(session)
        self.demo = demo
        runner = ActionRunner(db, actor or Actor.system_user(db.office_code), Changes(self))
        self.ctx = MainWindowContext(window=self, runner=runner, office=office, settings=settings, demo=demo)
        self.divisions = divisions
        self.model = SiteTableModel(office, divisions=self.divisions, parent=self)
        self.file_ops = FileOps(self.ctx)
        self.setWindowTitle(f"{self.tr(TITLE)} — {office.name}" + (self.tr("【演示数据】") if demo else ""))
        self._build_central()
        self._build_actions()
        self._build_status()
        self._install_plugins()
        self.ctx.changes.changed.connect(self._changed)
        self.ctx.read_only_changed.connect(lambda _on: self._show_banner())
        self.reload_sites()
        self._restore_layout()
        self._show_banner()

    # Building ---------------------------------------------------------------------------
    def _build_central(self) -> None:
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.filter_bar = FilterBar(self.ctx.office, self.divisions)
        self.filter_bar.filters_changed.connect(self._filter)
        self.table = QTableView()
        self.table.setObjectName("siteTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        for column, width in enumerate(DEFAULT_WIDTHS):
            header.resizeSection(column, width)
        header.setSortIndicator(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.doubleClicked.connect(lambda _index: self.edit_site())
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.modelReset.connect(self._after_reset)
        self.detail = SiteDetail(self.ctx)

        top = QWidget()
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.filter_bar)
        column.addWidget(self.table)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([560, 220])
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.banner)
        outer.addWidget(self.splitter)
        self.setCentralWidget(central)

    def _build_actions(self) -> None:
        ctx = self.ctx
        self.toolbar = QToolBar(self.tr("工具栏"), self)
        self.toolbar.setObjectName("mainToolBar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(self.toolbar)
        bar = self.menuBar()
        for key, title in ((FILE, "文件(&F)"), (EDIT, "编辑(&E)"), (VIEW, "查看(&V)"), (HELP, "帮助(&H)")):
            ctx.register_menu(key, bar.addMenu(self.tr(title)))
        self.new_action = ctx.add_action(FILE, self.tr("新建示范点…"), self.new_site, shortcut="Ctrl+N",
                                         writes=True, toolbar=True)
        ctx.menu(FILE).addSeparator()
        ctx.add_action(FILE, self.tr("备份数据库…"), self.file_ops.backup, toolbar=True)
        ctx.add_action(FILE, self.tr("从备份恢复…"), self.file_ops.restore)
        ctx.menu(FILE).addSeparator()
        quit_action = ctx.add_action(FILE, self.tr("退出"), self.close)
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        self.edit_action = ctx.add_action(EDIT, self.tr("修改示范点…"), self.edit_site, needs_site=True,
                                          toolbar=True)
        self.delete_action = ctx.add_action(EDIT, self.tr("删除示范点…"), self.delete_site, shortcut="Del",
                                            needs_site=True, writes=True, toolbar=True)
        ctx.menu(EDIT).addSeparator()
        ctx.add_action(EDIT, self.tr("查找"), self._focus_search, shortcut="Ctrl+F")
        ctx.add_action(VIEW, self.tr("刷新"), self.reload_sites, shortcut="F5", toolbar=True)
        ctx.add_action(VIEW, self.tr("清除筛选"), self.filter_bar.clear)
        ctx.add_action(VIEW, self.tr("恢复默认列宽"), self._default_widths)
        ctx.menu(VIEW).addSeparator()
        ctx.add_action(HELP, self.tr("关于"), self._about)
        for action in (self.edit_action, self.delete_action):
            self.table.addAction(action)

    def _build_status(self) -> None:
        status = self.statusBar()
        self.count_label = QLabel()
        self.office_label = QLabel(f"{self.ctx.office.name}（{self.ctx.office.code}）")
        for label in (self.count_label, self.office_label):
            label.setContentsMargins(8, 0, 8, 0)
            status.addPermanentWidget(label)
        if self.demo:
            self.demo_label = QLabel(self.tr("演示数据"))
            self.demo_label.setStyleSheet("background: #f5c400; color: #3d2e00; padding: 1px 8px;")
            status.addPermanentWidget(self.demo_label)

    def _install_plugins(self) -> None:
        for object_name, title, factory, area in docks.DOCK_PLUGINS:
            dock = QDockWidget(self.tr(title), self)
            dock.setObjectName(object_name)
            dock.setWidget(resolve(factory)(self.ctx))
            self.addDockWidget(DOCK_AREAS.get(area, Qt.DockWidgetArea.RightDockWidgetArea), dock)
            self.ctx.menu(VIEW).addAction(dock.toggleViewAction())
        for install in menus.MENU_PLUGINS:
            resolve(install)(self.ctx)

    # Register ---------------------------------------------------------------------------
    def reload_sites(self) -> None:
        """Reload every row from the database, keeping filters, sort and the selected site."""
        self.model.set_rows(self.ctx.runner.read(sites.list_sites))

    def _filter(self, filters: object) -> None:
        self.model.set_filters(filters)  # type: ignore[arg-type]

    def _after_reset(self) -> None:
        """Keep the selected site selected (if still shown) and the counts current."""
        shown, total = self.model.rowCount(), self.model.total()
        self.count_label.setText(self.tr("显示 {shown} / 共 {total} 个示范点").format(shown=shown, total=total))
        row = self.model.row_of(self.ctx.current_site_id) if self.ctx.current_site_id else None
        if row is None:
            if self.ctx.current_site_id is not None:
                self.ctx.set_current_site(None)
            return
        index = self.model.index(row, COL_NAME)
        self.table.selectionModel().blockSignals(True)
        self.table.setCurrentIndex(index)
        self.table.selectRow(row)
        self.table.selectionModel().blockSignals(False)
        self.table.scrollTo(index)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        site_id = current.data(ID_ROLE) if current.isValid() else None
        if site_id != self.ctx.current_site_id:
            self.ctx.set_current_site(site_id)

    def select_site(self, site_id: str) -> bool:
        """Select a site in the register; False when it is filtered out or unknown."""
        row = self.model.row_of(site_id)
        if row is None:
            return False
        self.table.setCurrentIndex(self.model.index(row, COL_NAME))
        return True

    def reload_divisions(self) -> None:
        """Take the merged division tree again (a unit was added or renamed, a package or a
        backup brought others) for the register, its region filter and the site editor."""
        self.divisions = self.ctx.runner.read(units.divisions_of)
        self.model.set_divisions(self.divisions)
        if not self.filter_bar.set_regions(self.ctx.office, self.divisions):
            self._filter(self.filter_bar.filters())  # the chosen unit is gone: every region again
        self.reload_sites()

    def _changed(self, kinds: set[str]) -> None:
        # The register shows each site's progress (ticks) and level and status (candidacies) too.
        if touches(kinds, UNITS):
            self.reload_divisions()
        elif touches(kinds, SITES, TICKS, CANDIDACIES):
            self.reload_sites()
        if "*" in kinds:
            self.detail.refresh()

    # Commands ---------------------------------------------------------------------------
    def new_site(self) -> None:
        from bqw_desktop.gui.dialogs.site_editor import SiteEditor

        editor = SiteEditor(self.ctx.runner, self.ctx.office, divisions=self.divisions, parent=self)
        if editor.exec() and editor.site_id:
            self.filter_bar.clear()
            self.select_site(editor.site_id)

    def edit_site(self) -> None:
        from bqw_desktop.gui.dialogs.site_editor import SiteEditor

        if self.ctx.current_site_id:
            SiteEditor(self.ctx.runner, self.ctx.office, site_id=self.ctx.current_site_id,
                       divisions=self.divisions, parent=self).exec()

    def delete_site(self) -> None:
        site_id = self.ctx.current_site_id
        row = self.model.row_of(site_id) if site_id else None
        if row is None:
            return
        name = self.model.row_at(row).name
        question = self.tr("确定删除示范点“{name}”吗？删除后该示范点不再出现在名册中，"
                           "删除记录会保留，可在审计日志中查到。").format(name=name)
        if self.ctx.runner.ask(self, self.tr("删除示范点"), question):
            self.ctx.runner.run(self, sites.delete_site, site_id, kinds={SITES})

    def _focus_search(self) -> None:
        self.filter_bar.search.setFocus()
        self.filter_bar.search.selectAll()

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("关于"), self.tr(
            "百千万示范带动工程管理系统 {version}\n\n本单位：{office}（{code}）\n数据库：{path}").format(
                version=__version__, office=self.ctx.office.name, code=self.ctx.office.code,
                path=self.ctx.db.path))

    # Modes and layout -------------------------------------------------------------------
    def set_read_only(self, reason: str) -> None:
        """Stop all writes (e.g. the background check found damage) and say why."""
        self.ctx.set_read_only(reason)

    def _show_banner(self) -> None:
        if self.ctx.read_only:
            self.banner.setText(self.tr("只读：{reason}").format(reason=self.ctx.runner.read_only_reason))
            self.banner.setStyleSheet(ALERT_STYLE)
        elif self.demo:
            self.banner.setText(self.tr("演示数据 —— 这是自动生成的演示数据库，内容均为虚构，"
                                        "可随意试用；关闭窗口后不会保留。"))
            self.banner.setStyleSheet(DEMO_STYLE)
        self.banner.setVisible(self.ctx.read_only or self.demo)

    def _restore_layout(self) -> None:
        s = self.settings
        if (geometry := s.window_geometry()) is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        if (state := s.window_state()) is not None:
            self.restoreState(state)
        if (header := s.header_state(TABLE_KEY)) is not None:
            self.table.horizontalHeader().restoreState(header)
        if (split := s.splitter_state("main")) is not None:
            self.splitter.restoreState(split)

    def _default_widths(self) -> None:
        for column, width in enumerate(DEFAULT_WIDTHS):
            self.table.horizontalHeader().resizeSection(column, width)

    def save_layout(self) -> None:
        s = self.settings
        s.set_window_geometry(self.saveGeometry())
        s.set_window_state(self.saveState())
        s.set_header_state(TABLE_KEY, self.table.horizontalHeader().saveState())
        s.set_splitter_state("main", self.splitter.saveState())
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        super().closeEvent(event)
