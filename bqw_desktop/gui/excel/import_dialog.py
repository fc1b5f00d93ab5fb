"""The import dialog: choose a sheet, see how its columns were read, check every row, import.

The file is read, validated and matched in a worker thread (`services.excel_import`
`preview_import`); the dialog shows the detected header row and which column holds which
field (a combo per column to correct it), the counts, one line per row (new / updated /
unchanged / error / question, with the cell and reason of each error), and a combo per open
question. "导入" is enabled only when no error or question remains, or when "仅导入无误的行"
is ticked; the import runs in one transaction behind a progress bar, after a backup. The
errors can be saved as a workbook to fix the sheet from.

The file dialogs are attributes (`ask_open_path`, `ask_save_path`) so tests can answer them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bqw_desktop.errors import UserError
from bqw_desktop.excel.headers import SITE_SCHEMA, ColumnMapping
from bqw_desktop.excel.reader import SheetData, read_table_file
from bqw_desktop.excel.writer import write_error_report
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.changes import CANDIDACIES, SITES
from bqw_desktop.gui.excel.preview_model import COL_DETAIL, PreviewModel
from bqw_desktop.gui.tasks import run_with_progress
from bqw_desktop.services import excel_import
from bqw_desktop.services.excel_import import ImportPreview, ImportResult

OPEN_FILTER = "表格文件 (*.xlsx *.xlsm *.xls *.et *.csv *.txt);;所有文件 (*)"
SAVE_FILTER = "Excel 工作簿 (*.xlsx)"
NOT_READ = "（不导入）"
ORG_COUNT_KINDS = {"quotas"}


def ask_open_path(parent: QWidget | None, title: str, start: str) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(parent, title, start, OPEN_FILTER)
    return Path(chosen) if chosen else None


def ask_save_path(parent: QWidget | None, title: str, start: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(parent, title, start, SAVE_FILTER)
    return Path(chosen) if chosen else None


class ImportDialog(QDialog):
    """Check a sheet against the register and import it; `outcome` holds what was written."""

    def __init__(self, runner: ActionRunner, *, path: Path | None = None, parent: QWidget | None = None,
                 background: bool = True) -> None:
        super().__init__(parent)
        self.runner = runner
        self.background = background  # tests may run the work inline
        self.ask_open_path: Callable[[QWidget | None, str, str], Path | None] = ask_open_path
        self.ask_save_path: Callable[[QWidget | None, str, str], Path | None] = ask_save_path
        self.path: Path | None = None
        self.preview: ImportPreview | None = None
        self.outcome: ImportResult | None = None
        self.mappings: dict[str, ColumnMapping] = {}
        self.answers: dict[tuple[str, str], str] = {}
        self._sheets: dict[str, SheetData] | None = None
        self._question_combos: list[QComboBox] = []
        self.setWindowTitle(self.tr("导入表格"))
        self.resize(980, 680)
        self._build()
        if path is not None:
            self.open_file(path)

    # Building ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        line = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("请选择要导入的表格文件（.xlsx、.xls、.csv）"))
        choose = QPushButton(self.tr("选择文件…"))
        choose.clicked.connect(self.choose_file)
        line.addWidget(QLabel(self.tr("文件：")))
        line.addWidget(self.file_edit, 1)
        line.addWidget(choose)
        layout.addLayout(line)

        self.mapping_box = QGroupBox(self.tr("表头与列对应"))
        box = QVBoxLayout(self.mapping_box)
        head = QHBoxLayout()
        self.sheet_combo = QComboBox()
        self.sheet_combo.currentIndexChanged.connect(lambda _i: self._show_mapping())
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, 50)
        self.header_spin.setPrefix(self.tr("表头在第 "))
        self.header_spin.setSuffix(self.tr(" 行"))
        self.header_spin.editingFinished.connect(self._header_row_changed)
        head.addWidget(QLabel(self.tr("工作表：")))
        head.addWidget(self.sheet_combo)
        head.addWidget(self.header_spin)
        head.addStretch(1)
        box.addLayout(head)
        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setHorizontalHeaderLabels([self.tr("列"), self.tr("表头"), self.tr("导入为")])
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.mapping_table.setMaximumHeight(170)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        box.addWidget(self.mapping_table)
        layout.addWidget(self.mapping_box)

        self.counts_label = QLabel()
        self.counts_label.setObjectName("importCounts")
        self.counts_label.setWordWrap(True)
        layout.addWidget(self.counts_label)
        self.model = PreviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column, width in enumerate((64, 90, 50, 240)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)

        self.questions_box = QGroupBox(self.tr("待确认（请逐项选择，不会自动猜测）"))
        self.questions_form = QFormLayout(self.questions_box)
        self.questions_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.questions_box.hide()
        layout.addWidget(self.questions_box)

        buttons = QHBoxLayout()
        self.report_button = QPushButton(self.tr("保存错误报告…"))
        self.report_button.clicked.connect(self.save_error_report)
        self.partial_check = QCheckBox(self.tr("仅导入无误的行"))
        self.partial_check.toggled.connect(lambda _on: self._update_buttons())
        self.import_button = QPushButton(self.tr("导入"))
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.do_import)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        buttons.addWidget(self.report_button)
        buttons.addStretch(1)
        buttons.addWidget(self.partial_check)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self._update_buttons()

    # Reading and checking ---------------------------------------------------------------------
    def choose_file(self) -> None:
        start = str(self.path.parent) if self.path else ""
        path = self.ask_open_path(self, self.tr("选择要导入的表格"), start)
        if path is not None:
            self.open_file(path)

    def open_file(self, path: Path) -> bool:
        """Check a new file from scratch (mappings and answers start over)."""
        self.path = Path(path)
        self.file_edit.setText(str(self.path))
        self.mappings, self.answers, self._sheets = {}, {}, None
        return self.refresh()

    def refresh(self) -> bool:
        """Check the file again with the current mappings and answers; False if refused."""
        if self.path is None:
            return False
        try:
            preview = self._work(self.tr("正在检查表格"), self._preview)
        except UserError as exc:
            self.preview = None
            self.model.set_rows([])
            self.counts_label.setText(exc.message)
            self.runner.warn(self, exc.message)
            self._show_questions()
            self._update_buttons()
            return False
        self.preview = preview
        self.model.set_rows(preview.rows)
        notes = "；".join(preview.skipped_sheets)
        self.counts_label.setText(preview.summary() + (f"\n{self.tr('提示：')}{notes}" if notes else ""))
        self._show_mapping_choices()
        self._show_questions()
        self._update_buttons()
        return True

    def _preview(self, progress: Any = None) -> ImportPreview:
        db, actor = self.runner.db, self.runner.actor
        assert self.path is not None
        with db.sessions() as session:
            return excel_import.preview_import(session, actor, self.path, mappings=self.mappings or None,
                                               answers=self.answers)

    def _work(self, title: str, fn: Callable[..., Any]) -> Any:
        if self.background:
            return run_with_progress(self, title, fn)
        return fn(progress=None)

    # Column mapping -----------------------------------------------------------------------
    def _show_mapping_choices(self) -> None:
        preview = self.preview
        is_sites = preview is not None and preview.kind == excel_import.SITES_KIND
        self.mapping_box.setVisible(is_sites and bool(preview and preview.mappings))
        if preview is None or not is_sites:
            return
        current = self.sheet_combo.currentText()
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        for mapping in preview.mappings:
            self.sheet_combo.addItem(mapping.sheet_name)
        index = self.sheet_combo.findText(current)
        self.sheet_combo.setCurrentIndex(max(index, 0))
        self.sheet_combo.blockSignals(False)
        self._show_mapping()

    def current_mapping(self) -> ColumnMapping | None:
        if self.preview is None:
            return None
        name = self.sheet_combo.currentText()
        return next((m for m in self.preview.mappings if m.sheet_name == name), None)

    def _show_mapping(self) -> None:
        mapping = self.current_mapping()
        if mapping is None:
            return
        self.header_spin.blockSignals(True)
        self.header_spin.setValue(mapping.header_row)
        self.header_spin.blockSignals(False)
        described = mapping.describe(SITE_SCHEMA)
        self.mapping_table.setRowCount(len(described))
        for row, entry in enumerate(described):
            self.mapping_table.setItem(row, 0, QTableWidgetItem(entry["column"]))
            header = entry["header"] + (self.tr("（推测，请核对）") if entry["guessed"] else "")
            self.mapping_table.setItem(row, 1, QTableWidgetItem(header))
            combo = QComboBox()
            combo.addItem(self.tr(NOT_READ), None)
            for spec in SITE_SCHEMA.fields:
                combo.addItem(spec.label, spec.key)
            combo.setCurrentIndex(max(combo.findData(entry["field"]), 0) if entry["field"] else 0)
            combo.currentIndexChanged.connect(
                lambda _i, c=combo, index=entry["index"]: self.set_column_field(index, c.currentData()))
            self.mapping_table.setCellWidget(row, 2, combo)

    def set_column_field(self, column: int, field_key: str | None) -> None:
        """Read column `column` (0-based) as `field_key` (None: not at all); checked again just after."""
        mapping = self.current_mapping()
        if mapping is None:
            return
        if field_key is None:
            current = {v: k for k, v in mapping.fields.items()}.get(column)
            updated = mapping.with_field(current, None) if current else mapping
        else:
            updated = mapping.with_field(field_key, column)
        self.mappings[mapping.sheet_name] = updated
        self._refresh_soon()

    def _header_row_changed(self) -> None:
        mapping = self.current_mapping()
        if mapping is None or self.path is None or self.header_spin.value() == mapping.header_row:
            return
        try:
            if self._sheets is None:
                self._sheets = {s.name: s for s in read_table_file(self.path)}
        except UserError as exc:
            self.runner.warn(self, exc.message)
            return
        sheet = self._sheets.get(mapping.sheet_name)
        if sheet is not None:
            self.mappings[mapping.sheet_name] = mapping.with_header_row(sheet, self.header_spin.value(), SITE_SCHEMA)
            self.refresh()

    # Questions ----------------------------------------------------------------------------
    def _show_questions(self) -> None:
        while self.questions_form.rowCount():
            self.questions_form.removeRow(0)
        self._question_combos = []
        questions = self.preview.questions if self.preview else []
        for question in questions:
            combo = QComboBox()
            combo.addItem(self.tr("请选择…"), None)
            for key, label in question.candidates:
                combo.addItem(label, key)
            combo.setProperty("questionKey", list(question.key))
            combo.currentIndexChanged.connect(lambda _i, c=combo, k=question.key: self.answer(k, c.currentData()))
            text = QLabel(_question_text(question))
            text.setWordWrap(True)
            text.setMinimumWidth(640)
            self.questions_form.addRow(text, combo)
            self._question_combos.append(combo)
        self.questions_box.setVisible(bool(questions))

    def answer(self, key: tuple[str, str], choice: str | None) -> None:
        """Answer one question (None withdraws the answer); the file is checked again just after."""
        field, value = key
        if choice is None:
            self.answers.pop((field, value), None)
        else:
            self.answers[(field, value)] = choice
        self._refresh_soon()

    def _refresh_soon(self) -> None:
        # The combo that asked is rebuilt by the refresh: let its signal return first.
        QTimer.singleShot(0, self.refresh)

    # Actions ------------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        preview = self.preview
        can = preview is not None and preview.writes > 0 and (preview.ready or self.partial_check.isChecked())
        self.import_button.setEnabled(bool(can) and not self.runner.read_only_reason)
        blocked = preview is not None and not preview.ready
        self.report_button.setEnabled(blocked)
        self.partial_check.setEnabled(blocked)
        if preview is not None and preview.ready and preview.writes == 0:
            self.import_button.setToolTip(self.tr("表格与现有数据一致，没有需要导入的内容。"))
        else:
            self.import_button.setToolTip("")

    def save_error_report(self) -> Path | None:
        if self.preview is None or self.path is None:
            return None
        start = str(self.path.with_name(f"{self.path.stem}-错误报告.xlsx"))
        out = self.ask_save_path(self, self.tr("保存错误报告"), start)
        if out is None:
            return None
        try:
            write_error_report(self.preview.errors, out, questions=self.preview.questions)
        except UserError as exc:
            self.runner.warn(self, exc.message)
            return None
        self.counts_label.setText(self.counts_label.text() + "\n" + self.tr("错误报告已保存：") + str(out))
        return out

    def do_import(self) -> ImportResult | None:
        """Write the checked rows in one transaction; the register reloads after."""
        preview = self.preview
        if preview is None or not self.import_button.isEnabled():
            return None
        partial = self.partial_check.isChecked()
        db, actor = self.runner.db, self.runner.actor

        def work(progress: Any = None) -> ImportResult:
            with db.begin() as session:
                return excel_import.apply_import(session, actor, preview, allow_partial=partial,
                                                 db_path=db.path, progress=progress)

        try:
            result = self._work(self.tr("正在导入"), work)
        except UserError as exc:
            self.runner.warn(self, exc.message)
            return None
        self.outcome = result
        kinds = ORG_COUNT_KINDS if preview.kind == excel_import.ORG_COUNTS_KIND else {SITES, CANDIDACIES}
        self.runner.changes.emit(kinds)
        self.counts_label.setText(self.tr("已导入：") + result.summary())
        self.accept()
        return result

    def detail_of(self, row: int) -> str:
        """The 说明 text of a preview line (for tests and the tooltip)."""
        return self.model.index(row, COL_DETAIL).data(Qt.ItemDataRole.DisplayRole)


def _question_text(question: Any) -> str:
    """Where the question comes from and the text in doubt; the choices are in the combo."""
    first = question.rows[0].where() if question.rows else ""
    more = f"等 {len(question.rows)} 行" if len(question.rows) > 1 else ""
    return f"{first}{more}“{question.header}”列的“{question.value}”指的是："
