"""The 表格 menu: import a sheet, hand out templates, export the register and tables.

`install(ctx)` is the `MENU_PLUGINS` entry. Exports run in a worker thread behind a progress
bar; the register export takes the register as filtered and sorted on screen when the
window offers it (`visible_site_ids`). File dialogs and the notice are attributes of
`ExcelActions` so tests can answer them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from bqw_desktop.errors import UserError
from bqw_desktop.gui.context import MainWindowContext

if TYPE_CHECKING:
    from bqw_desktop.gui.excel.import_dialog import ImportDialog

# The Excel modules (openpyxl: 0.4 s) load on first use, not with the window.
MENU = "表格"
SITES, ORG_COUNTS = "sites", "org-counts"  # template kinds, as in excel.templates


def ask_save_path(parent: QWidget | None, title: str, name: str) -> Path | None:
    from bqw_desktop.gui.excel.import_dialog import ask_save_path as ask

    return ask(parent, title, name)


def import_dialog(*args: Any, **kwargs: Any) -> ImportDialog:
    from bqw_desktop.gui.excel.import_dialog import ImportDialog

    return ImportDialog(*args, **kwargs)


def tr(text: str) -> str:
    return QCoreApplication.translate("ExcelActions", text)


def inform(parent: QWidget | None, text: str) -> None:
    QMessageBox.information(parent, tr("完成"), text)


def visible_site_ids(ctx: MainWindowContext) -> list[str] | None:
    """The register's sites as shown (filtered and sorted), or None when everything is shown
    or the window does not say."""
    accessor = getattr(ctx, "visible_site_ids", None)
    if callable(accessor):
        return accessor()
    model = getattr(ctx.window, "model", None)
    if model is None or not hasattr(model, "site_id_at") or not hasattr(model, "total"):
        return None
    shown = model.rowCount()
    if shown == model.total():
        return None
    return [model.site_id_at(row) for row in range(shown)]


class ExcelActions:
    """The menu's commands for one window."""

    def __init__(self, ctx: MainWindowContext) -> None:
        self.ctx = ctx
        self.ask_save_path: Callable[[QWidget | None, str, str], Path | None] = ask_save_path
        self.inform: Callable[[QWidget | None, str], None] = inform
        self.dialog_factory: Callable[..., ImportDialog] = import_dialog
        self.last_dialog: ImportDialog | None = None

    # Import ------------------------------------------------------------------------------
    def import_sheet(self, path: Path | None = None, *, show: bool = True) -> ImportDialog:
        dialog = self.dialog_factory(self.ctx.runner, path=path, parent=self.ctx.window)
        self.last_dialog = dialog
        if show:
            if path is None:
                dialog.choose_file()
            if dialog.exec() and dialog.outcome is not None:
                self._status(tr("已导入：") + dialog.outcome.summary())
        return dialog

    # Templates --------------------------------------------------------------------------
    def template(self, kind: str) -> Path | None:
        from bqw_desktop.excel.templates import write_template
        from bqw_desktop.services import excel_export, excel_import, offices, quotas

        name = "示范点名单导入模板.xlsx" if kind == SITES else "基层党组织数导入模板.xlsx"
        out = self.ask_save_path(self.ctx.window, tr("保存导入模板"), name)
        if out is None:
            return None

        def regions(session: Any) -> list[tuple[str, str]]:
            if kind == SITES:
                return excel_export.template_regions(session)
            lookup = excel_import.org_count_regions(session)
            office = offices.this_office(session)
            codes = [c for c, _ in quotas.child_units(session, office, level=None)] or [office.code]
            return [(c, lookup.label(c)) for c in codes]

        try:
            write_template(kind, out, regions=self.ctx.runner.read(regions))
        except UserError as exc:
            self.ctx.runner.warn(self.ctx.window, exc.message)
            return None
        self.inform(self.ctx.window, tr("导入模板已保存到 {path}").format(path=out))
        return out

    # Exports ----------------------------------------------------------------------------
    def export(self, kind: str, *, site_ids: Sequence[str] | None = None, background: bool = True) -> Path | None:
        """Save one export; the register and site lists follow the register's filter."""
        from bqw_desktop.gui.tasks import run_with_progress
        from bqw_desktop.services import excel_export

        label = excel_export.KIND_LABELS[kind]
        office = self.ctx.office
        start = f"{office.name}{label}{date.today():%Y%m%d}.xlsx"
        out = self.ask_save_path(self.ctx.window, tr("导出") + label, start)
        if out is None:
            return None
        if site_ids is None and kind in ("register", "checklists", "visits"):
            site_ids = visible_site_ids(self.ctx)
        db = self.ctx.db

        def work(progress: Any = None) -> int:
            with db.sessions() as session:
                return excel_export.export(session, kind, out, site_ids=site_ids, progress=progress)

        try:
            count = run_with_progress(self.ctx.window, tr("正在导出") + label, work) if background else work()
        except UserError as exc:
            self.ctx.runner.warn(self.ctx.window, exc.message)
            return None
        scope = tr("（按当前筛选）") if site_ids is not None else ""
        self.inform(self.ctx.window, tr("已导出{label}{scope}，共 {count} 行：{path}").format(
            label=label, scope=scope, count=count, path=out))
        return out

    def _status(self, text: str) -> None:
        bar = getattr(self.ctx.window, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 10000)


def install(ctx: MainWindowContext) -> ExcelActions:
    """Add the 表格 menu to the window."""
    actions = ExcelActions(ctx)
    ctx.excel_actions = actions  # type: ignore[attr-defined]  # kept alive with the window
    ctx.add_action(MENU, tr("导入示范点表格…"), actions.import_sheet, writes=True,
                   tip=tr("从 Excel 表格导入示范点名单（可含申报）或各单位基层党组织数，先检查再导入"))
    ctx.add_action(MENU, tr("下载示范点名单导入模板…"), lambda: actions.template(SITES))
    ctx.add_action(MENU, tr("下载基层党组织数导入模板…"), lambda: actions.template(ORG_COUNTS))
    ctx.menu(MENU).addSeparator()
    ctx.add_action(MENU, tr("导出花名册…"), lambda: actions.export("register"),
                   tip=tr("按当前筛选导出示范点花名册，导出的表格可修改后再导入"))
    ctx.add_action(MENU, tr("导出汇总表…"), lambda: actions.export("summary"))
    ctx.add_action(MENU, tr("导出申报名单…"), lambda: actions.export("candidacies"))
    ctx.add_action(MENU, tr("导出名额分配表…"), lambda: actions.export("quota"))
    ctx.add_action(MENU, tr("导出走访记录…"), lambda: actions.export("visits"))
    ctx.add_action(MENU, tr("导出目标完成情况…"), lambda: actions.export("checklists"))
    return actions
