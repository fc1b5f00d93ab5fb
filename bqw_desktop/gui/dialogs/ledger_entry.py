"""Adding or changing one entry of a site's creation ledger (创建台账).

The fields follow the kind: funding asks for an amount in 元 (two decimals), honours for
the co-building title and its level, meetings for the meeting kind, participants and
minutes, publicity for the outlet, headline and date. Files chosen here (minutes, photos,
documents) are linked in the same unit of work as the entry. OK runs
`services.ledger.add_entry` or `update_entry`; a refusal keeps the dialog open with the
service's Chinese message and saves nothing. Another office's entry is shown read-only.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from bqw_desktop.domain.liaison import HONOUR_LEVEL_LABELS, LEDGER_KIND_LABELS, SUBKINDS, LedgerKind
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.changes import LEDGER
from bqw_desktop.gui.dialogs.visit_editor import date_edit, to_date, to_qdate
from bqw_desktop.gui.widgets.form_parts import error_label, ok_cancel
from bqw_desktop.services import ledger
from bqw_desktop.services.context import Actor
from bqw_desktop.services.ledger import LedgerRow

# Per kind: the label of each field shown, in form order; a field absent from a kind is hidden.
FIELDS: dict[str, dict[str, str]] = {
    LedgerKind.PLAN: {"subkind": "类别", "entry_date": "印发日期", "title": "标题", "body": "主要内容"},
    LedgerKind.MEETING: {"subkind": "会议类别", "entry_date": "会议日期", "title": "会议名称",
                         "participants": "参会人员", "body": "会议纪要"},
    LedgerKind.FUNDING: {"entry_date": "拨付日期", "title": "用途", "amount": "金额（元）", "body": "说明"},
    LedgerKind.HONOUR: {"subkind": "荣誉称号", "honour_level": "级别", "entry_date": "授予日期",
                        "title": "授予单位或文号", "body": "说明"},
    LedgerKind.PUBLICITY: {"entry_date": "刊发日期", "outlet": "刊发媒体", "title": "报道标题",
                           "body": "摘要或链接"},
    LedgerKind.EXPERIENCE: {"entry_date": "日期", "title": "标题", "body": "经验做法"},
}
# Which fields the service insists on, per kind, marked * on the form.
REQUIRED: dict[str, set[str]] = {
    LedgerKind.MEETING: {"subkind"}, LedgerKind.FUNDING: {"title", "amount"},
    LedgerKind.HONOUR: {"subkind", "honour_level"}, LedgerKind.PUBLICITY: {"outlet", "title"},
}
ORDER = ("kind", "subkind", "honour_level", "entry_date", "outlet", "title", "amount", "participants", "body",
         "files")
AMOUNT_PATTERN = r"^[0-9,，]{0,15}(\.[0-9]{0,2})?$"


def amount_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


class LedgerEntryDialog(QDialog):
    """The editor of a new entry (`entry=None`, of `kind`) or an existing one.

    After acceptance `entry_id` is the saved entry's id.
    """

    def __init__(self, runner: ActionRunner, store: Path, *, site_id: str, site_name: str = "",
                 kind: str = LedgerKind.PLAN, entry: LedgerRow | None = None, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.store = store
        self.site_id = site_id
        self.entry = entry
        self.entry_id: str | None = entry.id if entry else None
        self.today = today or date.today()
        self.files: list[Path] = []
        self.setWindowTitle((self.tr("修改台账条目") if entry else self.tr("新增台账条目")) +
                            (f" — {site_name}" if site_name else ""))
        self.setMinimumWidth(600)
        self._build()
        self.kind.setCurrentIndex(max(self.kind.findData(entry.kind if entry else kind), 0))
        self._follow_kind()
        if entry:
            self._load(entry)

    # Building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.kind = QComboBox()
        for key, label in LEDGER_KIND_LABELS.items():
            self.kind.addItem(self.tr(label), key)
        self.kind.currentIndexChanged.connect(lambda _n: self._follow_kind())
        self.subkind = QComboBox()
        self.honour_level = QComboBox()
        for key, label in HONOUR_LEVEL_LABELS.items():
            self.honour_level.addItem(self.tr(label), key)
        self.honour_level.setCurrentIndex(-1)
        self.honour_level.setPlaceholderText(self.tr("请选择"))
        self.entry_date = date_edit(self.today)
        self.entry_date.setMaximumWidth(140)
        self.outlet = QLineEdit()
        self.outlet.setPlaceholderText(self.tr("如：湖南日报、红网、县融媒体中心"))
        self.title = QLineEdit()
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("单位：元，如 12500.00"))
        self.amount.setMaximumWidth(200)
        self.amount.setValidator(QRegularExpressionValidator(QRegularExpression(AMOUNT_PATTERN), self.amount))
        self.participants = QPlainTextEdit()
        self.participants.setPlaceholderText(self.tr("参会领导和人员，如：县委常委、组织部部长王某某，各镇街组织委员"))
        self.participants.setFixedHeight(60)
        self.body = QPlainTextEdit()
        self.body.setMinimumHeight(110)
        for edit in (self.participants, self.body):
            edit.setTabChangesFocus(True)
        self.file_list = QListWidget()
        self.file_list.setFixedHeight(60)
        add_file = QPushButton(self.tr("添加文件…"))
        add_file.clicked.connect(self.choose_files)
        files_row = QHBoxLayout()
        files_row.addWidget(self.file_list, 1)
        files_row.addWidget(add_file)
        self.files_box = QWidget()
        self.files_box.setLayout(files_row)
        files_row.setContentsMargins(0, 0, 0, 0)

        self.form = QFormLayout()
        self.labels: dict[str, QLabel] = {}
        widgets = {"kind": self.kind, "subkind": self.subkind, "honour_level": self.honour_level,
                   "entry_date": self.entry_date, "outlet": self.outlet, "title": self.title,
                   "amount": self.amount, "participants": self.participants, "body": self.body,
                   "files": self.files_box}
        self.widgets = widgets
        for key in ORDER:
            self.labels[key] = QLabel()
            self.form.addRow(self.labels[key], widgets[key])
        self.labels["kind"].setText(self.tr("台账类别 *"))
        self.labels["files"].setText(self.tr("附件"))

        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.error = error_label()
        self.buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addLayout(self.form)
        layout.addWidget(QLabel(self.tr("带 * 的为必填项。")))
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _follow_kind(self) -> None:
        """Show the kind's fields with its labels; keep what was typed in shared fields."""
        kind = self.kind.currentData()
        fields, required = FIELDS[kind], REQUIRED.get(kind, set())
        previous = self.subkind.currentData()
        self.subkind.clear()
        for key, label in SUBKINDS.get(kind, {}).items():
            self.subkind.addItem(self.tr(label), key)
        index = self.subkind.findData(previous)
        self.subkind.setCurrentIndex(index if index >= 0 else (0 if kind == LedgerKind.PLAN else -1))
        self.subkind.setPlaceholderText(self.tr("请选择"))
        for key in ORDER[1:-1]:
            shown = key in fields
            self.form.setRowVisible(self.widgets[key], shown)
            if shown:
                mark = " *" if key in required or key == "entry_date" else ""
                self.labels[key].setText(self.tr(fields[key]) + mark)
        self.adjustSize()

    def _load(self, entry: LedgerRow) -> None:
        self.subkind.setCurrentIndex(self.subkind.findData(entry.subkind))
        self.honour_level.setCurrentIndex(self.honour_level.findData(entry.honour_level))
        self.entry_date.setDate(to_qdate(entry.entry_date))
        self.outlet.setText(entry.outlet)
        self.title.setText(entry.title)
        self.amount.setText(amount_text(entry.amount_yuan))
        self.participants.setPlainText(entry.participants)
        self.body.setPlainText(entry.body)
        if entry.owner_office != self.runner.actor.office_code:
            self._read_only(entry.owner_office)

    def _read_only(self, owner: str) -> None:
        self.notice.setText(self.tr("该台账条目由单位 {owner} 登记，只有该单位可以修改；此处只能查看。").format(owner=owner))
        self.notice.show()
        for kind in (QLineEdit, QComboBox, QDateEdit, QPushButton):
            for widget in self.findChildren(kind):
                widget.setEnabled(False)
        for edit in (self.participants, self.body):
            edit.setReadOnly(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).hide()
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("关闭"))
        cancel.setEnabled(True)

    # Files ------------------------------------------------------------------------------
    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("选择附件"), "",
                                                self.tr("图片和文档 (*.jpg *.jpeg *.png *.pdf *.doc *.docx *.xls *.xlsx);;"
                                                        "所有文件 (*)"))
        for name in names:
            self.add_file(Path(name))

    def add_file(self, path: Path) -> None:
        if path not in self.files:
            self.files.append(path)
            self.file_list.addItem(path.name)

    # Saving -----------------------------------------------------------------------------
    def fields(self) -> dict[str, Any]:
        """What the clerk entered for the current kind, as the service's keyword arguments."""
        kind = self.kind.currentData()
        shown = FIELDS[kind]
        out: dict[str, Any] = {"kind": kind, "entry_date": to_date(self.entry_date.date())}
        out["subkind"] = (self.subkind.currentData() or "") if "subkind" in shown else ""
        out["honour_level"] = (self.honour_level.currentData() or "") if "honour_level" in shown else ""
        out["outlet"] = self.outlet.text() if "outlet" in shown else ""
        out["title"] = self.title.text()
        out["amount_yuan"] = self.amount.text() if "amount" in shown else None
        out["participants"] = self.participants.toPlainText() if "participants" in shown else ""
        out["body"] = self.body.toPlainText()
        return out

    def accept(self) -> None:
        """Save the entry and link the chosen files in one unit of work."""
        if self.entry is None:
            outcome = self.runner.run(self, _add, self.store, self.site_id, self.fields(), list(self.files),
                                      self.today, kinds={LEDGER})
        else:
            outcome = self.runner.run(self, _update, self.store, self.entry.id, self.fields(), list(self.files),
                                      self.today, kinds={LEDGER})
        if not outcome.ok:
            self.error.setText(outcome.message)
            self.error.show()
            return
        self.entry_id = outcome.value
        super().accept()


def _add(session: Session, actor: Actor, store: Path, site_id: str, fields: dict[str, Any], files: list[Path],
         today: date) -> str:
    entry = ledger.add_entry(session, actor, site_id=site_id, today=today, **fields)
    for path in files:
        ledger.attach_file(session, actor, store, entry_id=entry.id, source=path)
    return entry.id


def _update(session: Session, actor: Actor, store: Path, entry_id: str, fields: dict[str, Any],
            files: list[Path], today: date) -> str:
    ledger.update_entry(session, actor, entry_id, today=today, **fields)
    for path in files:
        ledger.attach_file(session, actor, store, entry_id=entry_id, source=path)
    return entry_id
