"""The export wizard: choose the recipient, choose the USB stick, write the package, eject.

1. 选择接收单位 — the neighbour offices whose identity cards are registered (parent and
   children), with their names, codes and the last package sent to each.
2. 选择保存位置 — the folder (the USB stick); the file gets the standard name
   (`430121_to_430100_0007.bqw`), shown before writing. 导出 writes the package off the GUI
   thread (`services.exchange.export_package`, which reads it back and checks it).
3. 导出完成 — what was written, and a reminder to eject the stick safely.

`ask_folder` is an attribute so tests answer the folder dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from sqlalchemy.orm import Session

from bqw_desktop.errors import UserError
from bqw_desktop.exchange.outbox import next_sequence
from bqw_desktop.exchange.package import package_file_name
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.exchange.common import (
    ALERT_STYLE,
    INFO_STYLE,
    NOTE_STYLE,
    OK_STYLE,
    ask_folder,
    banner,
    local_time,
    plain_table,
    run_task,
    set_banner,
    tier_label,
    tr,
)
from bqw_desktop.gui.exchange.import_wizard import wizard_buttons
from bqw_desktop.gui.exchange.models import RowsModel
from bqw_desktop.gui.settings import Settings
from bqw_desktop.services import exchange, offices
from bqw_desktop.services.exchange import ExportResult

FOLDER_KEY = "exchange_out"
EJECT_REMINDER = ("拔下U盘前，请先点屏幕右下角的“安全删除硬件并弹出媒体”图标，选择这个U盘，"
                  "等提示“可以安全地移除硬件”后再拔出；直接拔出可能使交换包没有完整写入。")


@dataclass(frozen=True)
class Recipient:
    """A neighbour office a package can go to."""

    code: str
    name: str
    tier: str
    above: bool  # the parent office
    last_sent: str  # "第 6 号（2024-05-01 14:03）" or ""


def recipients(session: Session) -> list[Recipient]:
    """Neighbour offices with registered keys: the parent first, then the children by code."""
    me = offices.this_office(session)
    last: dict[str, str] = {}
    for row in exchange.package_history(session):
        if row.direction == "sent" and row.recipient_code not in last:
            last[row.recipient_code] = tr("第 {n} 号（{at}）").format(n=row.sequence, at=local_time(row.at))
    rows = [Recipient(o.code, o.name, o.tier, o.code == me.parent_code, last.get(o.code, ""))
            for o in exchange.neighbours(session)]
    return sorted(rows, key=lambda r: (not r.above, r.code))


def file_name_for(session: Session, recipient_code: str) -> str:
    """The standard name of the next package to `recipient_code`, as the service will write it."""
    me = offices.this_office(session)
    return package_file_name(me.code, recipient_code, next_sequence(session, sender=me.code,
                                                                    recipient=recipient_code))


class RecipientModel(RowsModel):
    HEADERS = ("接收单位", "代码", "层级", "关系", "上次发出")

    def text(self, row: Recipient, column: int) -> str:
        relation = self.tr("上级") if row.above else self.tr("下级")
        return (row.name, row.code, tier_label(row.tier), relation, row.last_sent or self.tr("尚未发过"))[column]


class RecipientPage(QWizardPage):
    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("第一步：选择接收单位"))
        self.setSubTitle(tr("交换包只能发给直接上级或直接下级。"))
        layout = QVBoxLayout(self)
        self.model = RecipientModel(self)
        self.table = plain_table(self.model, widths=(220, 80, 140, 60))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.completeChanged.emit())
        self.table.doubleClicked.connect(lambda _i: wizard.next())
        layout.addWidget(self.table, 1)
        self.hint = banner("", INFO_STYLE)
        layout.addWidget(self.hint)

    def load(self, rows: list[Recipient]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
            set_banner(self.hint, tr("交换包是累积的：每次都包含应发给对方的全部数据，对方只需导入最新的一个。"
                                     "列表中只有已登记身份卡的单位；要加其他相邻单位，请先在“数据交换 → "
                                     "本单位密钥”中登记对方的身份卡。"), INFO_STYLE)
        else:
            set_banner(self.hint, tr("还没有登记任何相邻单位的身份卡，不能导出交换包。请先在“数据交换 → "
                                     "本单位密钥”中登记直接上级或下级单位的身份卡（需电话核对指纹）。"), ALERT_STYLE)

    def selected(self) -> Recipient | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_code(self, code: str) -> bool:
        for row, recipient in enumerate(self.model.rows()):
            if recipient.code == code:
                self.table.selectRow(row)
                return True
        return False

    def isComplete(self) -> bool:
        return self.selected() is not None


class TargetPage(QWizardPage):
    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("第二步：选择保存位置"))
        self.setSubTitle(tr("插入U盘，选择U盘（或其中的文件夹）作为保存位置。"))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, tr("导出"))
        layout = QVBoxLayout(self)
        self.recipient_label = QLabel()
        layout.addWidget(self.recipient_label)
        line = QHBoxLayout()
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText(tr("请选择U盘或文件夹"))
        self.folder_edit.textChanged.connect(lambda _t: self.completeChanged.emit())
        browse = QPushButton(tr("浏览…"))
        browse.clicked.connect(wizard.choose_folder)
        line.addWidget(QLabel(tr("保存到：")))
        line.addWidget(self.folder_edit, 1)
        line.addWidget(browse)
        layout.addLayout(line)
        self.name_label = QLabel()
        self.name_label.setStyleSheet("font-size: 11pt; padding: 6px 0;")
        layout.addWidget(self.name_label)
        layout.addWidget(banner(tr("导出后系统会把写好的交换包重新读出并核对一遍，确认U盘上的文件完整无误。"),
                                INFO_STYLE))
        layout.addStretch(1)

    def initializePage(self) -> None:
        recipient = self.owner.recipient_page.selected()
        if recipient is None:
            return
        self.recipient_label.setText(tr("接收单位：{name}（{code}）").format(name=recipient.name, code=recipient.code))
        name = self.owner.runner.read(file_name_for, recipient.code)
        self.owner.file_name = name
        self.name_label.setText(tr("文件名：{name}").format(name=name))
        if not self.folder_edit.text() and self.owner.settings is not None:
            self.folder_edit.setText(self.owner.settings.last_folder(FOLDER_KEY))

    def folder(self) -> Path | None:
        text = self.folder_edit.text().strip()
        return Path(text) if text else None

    def isComplete(self) -> bool:
        folder = self.folder()
        return folder is not None and folder.is_dir()

    def validatePage(self) -> bool:
        return self.owner.do_export()


class DonePage(QWizardPage):
    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("第三步：导出完成"))
        self.setSubTitle(tr("交换包已写好并核对无误。"))
        layout = QVBoxLayout(self)
        self.summary = banner("", OK_STYLE)
        layout.addWidget(self.summary)
        open_folder = QPushButton(tr("打开所在文件夹"))
        open_folder.clicked.connect(wizard.open_folder)
        row = QHBoxLayout()
        row.addWidget(open_folder)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(banner(tr(EJECT_REMINDER), NOTE_STYLE))
        layout.addStretch(1)

    def show_result(self, result: ExportResult) -> None:
        set_banner(self.summary, result.describe(), OK_STYLE)


class ExportWizard(QWizard):
    """Write the package for one neighbour; `exported` holds what was written."""

    def __init__(self, runner: ActionRunner, *, settings: Settings | None = None, parent: QWidget | None = None,
                 background: bool = True) -> None:
        super().__init__(parent)
        self.runner = runner
        self.settings = settings
        self.background = background
        self.ask_folder: Callable[..., Path | None] = ask_folder
        self.open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl
        self.file_name = ""
        self.exported: ExportResult | None = None
        self.setWindowTitle(tr("导出数据包"))
        wizard_buttons(self)
        self.recipient_page = RecipientPage(self)
        self.target_page = TargetPage(self)
        self.done_page = DonePage(self)
        for page in (self.recipient_page, self.target_page, self.done_page):
            self.addPage(page)
        self.resize(760, 520)
        self.recipient_page.load(runner.read(recipients))

    def choose_folder(self) -> None:
        start = self.target_page.folder_edit.text() or (self.settings.last_folder(FOLDER_KEY)
                                                        if self.settings else "")
        folder = self.ask_folder(self, tr("选择保存交换包的U盘或文件夹"), start)
        if folder is not None:
            self.target_page.folder_edit.setText(str(folder))

    def do_export(self) -> bool:
        recipient = self.recipient_page.selected()
        folder = self.target_page.folder()
        if recipient is None or folder is None:
            return False
        if self.runner.read_only_reason:
            self.runner.warn(self, self.runner.read_only_reason)
            return False
        try:
            result = run_task(self, tr("正在导出交换包"), exchange.export_package, self.runner.db,
                              self.runner.actor, to_code=recipient.code, out=folder, background=self.background)
        except UserError as exc:
            self.runner.warn(self, exc.message)
            return False
        except OSError as exc:
            self.runner.warn(self, tr("无法写入 {folder}：{reason}。请检查U盘是否已满、只读或已被拔出。").format(
                folder=folder, reason=exc.strerror or exc))
            return False
        self.exported = result
        if self.settings is not None:
            self.settings.set_last_folder(FOLDER_KEY, folder)
        self.done_page.show_result(result)
        self.runner.changes.emit({"packages"})
        return True

    def open_folder(self) -> None:
        if self.exported is not None:
            self.open_url(QUrl.fromLocalFile(str(self.exported.path.parent)))
