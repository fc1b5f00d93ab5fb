"""The import wizard: choose a package, verify it, preview the import, confirm, import, report.

1. 选择交换包 — the file; 下一步 verifies it completely and runs the import as a dry run
   (`services.exchange.verify_file`, `preview_import`) off the GUI thread. A refused package
   stays on this page with the Chinese reason; nothing is written.
2. 核验与预览 — what the package holds and what importing it would do, per record type, the
   names on demand, refused records, conflicts and probable duplicates. 导入 asks once more,
   then imports behind a progress bar (the service backs the database up first).
3. 导入结果 — the stored report, which can be exported; conflicts can be handled at once.

The file dialogs are attributes (`ask_open_path`, `ask_save_path`); questions and refusals go
through the runner's `ask` and `warn`, so tests answer them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

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

from bqw_desktop.db.engine import Database
from bqw_desktop.errors import UserError
from bqw_desktop.exchange.rows import RECORD_TYPES, TYPE_LABELS
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.exchange.common import (
    ALERT_STYLE,
    INFO_STYLE,
    NOTE_STYLE,
    OK_STYLE,
    ask_open_path,
    ask_save_path,
    banner,
    local_time,
    run_task,
    set_banner,
    tr,
)
from bqw_desktop.gui.exchange.report_view import ReportView
from bqw_desktop.gui.settings import Settings
from bqw_desktop.services import exchange
from bqw_desktop.services.context import Actor
from bqw_desktop.services.exchange import ImportReport, VerifyResult

FOLDER_KEY = "exchange_in"


def check_package(db: Database, actor: Actor, path: Path, *, progress: Callable[..., None]
                  ) -> tuple[VerifyResult, ImportReport]:
    """Verify a package, then run its import as a dry run; writes nothing."""
    progress(tr("核验签名与内容"), 0, 2)
    verified = exchange.verify_file(db, path)
    progress(tr("预演导入"), 1, 2)
    preview = exchange.preview_import(db, actor, path)
    progress(tr("完成"), 2, 2)
    return verified, preview


def wizard_buttons(wizard: QWizard) -> None:
    """Chinese button texts (the application loads no Qt translations)."""
    b = QWizard.WizardButton
    for button, text in ((b.BackButton, "< 上一步"), (b.NextButton, "下一步 >"), (b.CommitButton, "导入"),
                         (b.FinishButton, "完成"), (b.CancelButton, "取消")):
        wizard.setButtonText(button, tr(text))
    wizard.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
    wizard.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
    wizard.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)


def verified_text(verified: VerifyResult) -> str:
    """What a verified package is and holds, with its time in local time."""
    summary = verified.summary
    order = {t: i for i, t in enumerate(RECORD_TYPES)}
    counts = "，".join(f"{TYPE_LABELS.get(t, t)} {n} 条" for t, n in
                      sorted(summary.record_counts.items(), key=lambda item: order.get(item[0], len(order))) if n)
    text = tr("✔ 核验通过：签名、密钥、包的编号和每条记录都已核对无误。"
              "这是{sender}（{code}）发给{recipient}的第 {n} 号交换包，制作于 {at}；"
              "内有{counts}；附件 {attachments} 个。").format(
        sender=summary.sender_name, code=summary.sender_code,
        recipient=summary.recipient_name or summary.recipient_code, n=summary.sequence,
        at=local_time(summary.created_at) or tr("未知时间"), counts=counts or tr("无记录"),
        attachments=summary.attachment_count)
    if str(summary.status) == "jump":
        text += tr("中间跳过了 {n} 个包；交换包是累积的，跳过的内容都包含在此包中。").format(n=summary.skipped)
    return text + "".join(summary.notes)


class FilePage(QWizardPage):
    """Choose the package; verified and previewed on 下一步."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("第一步：选择交换包"))
        self.setSubTitle(tr("插入U盘，选择相邻单位发来的交换包（.bqw 文件）。"))
        layout = QVBoxLayout(self)
        layout.addWidget(banner(tr(
            "点“下一步”后，系统先核验交换包的签名、发送单位的密钥、包的编号和其中每一条记录，"
            "再预演一遍导入，告诉您会新增、更新哪些记录。这两步都不会改动本机数据。"), INFO_STYLE))
        line = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(tr("尚未选择文件"))
        self.choose_button = QPushButton(tr("选择文件…"))
        self.choose_button.clicked.connect(wizard.choose_file)
        line.addWidget(QLabel(tr("交换包：")))
        line.addWidget(self.file_edit, 1)
        line.addWidget(self.choose_button)
        layout.addLayout(line)
        self.status = banner("", ALERT_STYLE)
        self.status.hide()
        layout.addWidget(self.status)
        layout.addStretch(1)

    def isComplete(self) -> bool:
        return self.owner.path is not None

    def validatePage(self) -> bool:
        return self.owner.check()


class PreviewPage(QWizardPage):
    """What the package holds and what importing it would change; 导入 commits."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("第二步：核验与预览"))
        self.setSubTitle(tr("下表是预演导入的结果，本机数据尚未改动。核对无误后点“导入”。"))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, tr("导入"))
        layout = QVBoxLayout(self)
        self.verified = banner("", OK_STYLE)
        layout.addWidget(self.verified)
        self.view = ReportView()
        layout.addWidget(self.view, 1)
        self.note = banner("", NOTE_STYLE)
        layout.addWidget(self.note)

    def show_check(self, verified: VerifyResult, preview: ImportReport) -> None:
        set_banner(self.verified, verified_text(verified), OK_STYLE)
        self.view.set_report(preview, heading=tr("预演导入的结果（每类记录会新增、更新多少条）："))
        if preview.status == "duplicate":
            set_banner(self.note, tr("此包已经导入过，无需再次导入；本机数据不会有任何变化。"), NOTE_STYLE)
        elif not preview.accepted:
            set_banner(self.note, tr("此包含有发送单位无权发送的记录（见上方红框），不能导入。"
                                     "请联系{sender}核对后重新导出交换包。").format(sender=preview.sender_name),
                       ALERT_STYLE)
        else:
            set_banner(self.note, tr("导入前系统会自动备份本机数据库；导入在一个事务中完成，"
                                     "中途断电或出错都不会留下半截数据。"), INFO_STYLE)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        preview = self.owner.preview
        return preview is not None and preview.accepted and preview.status != "duplicate"

    def validatePage(self) -> bool:
        return self.owner.do_import()


class ResultPage(QWizardPage):
    """The report of the import; it can be exported, and conflicts handled."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("第三步：导入结果"))
        self.setSubTitle(tr("导入报告已保存，以后可在“数据交换 → 导入报告”中再次查看。"))
        layout = QVBoxLayout(self)
        self.done_label = banner("", OK_STYLE)
        layout.addWidget(self.done_label)
        self.view = ReportView()
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        self.export_button = QPushButton(tr("导出报告…"))
        self.export_button.clicked.connect(wizard.export_report)
        self.conflicts_button = QPushButton(tr("处理冲突…"))
        self.conflicts_button.clicked.connect(wizard.show_conflicts)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.conflicts_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def show_report(self, report: ImportReport) -> None:
        if report.status == "duplicate":
            text = tr("此包已经导入过，本次未作任何改动。")
        else:
            text = tr("导入完成：新增 {created} 条，更新 {updated} 条。").format(
                created=report.total("created"), updated=report.total("updated"))
        set_banner(self.done_label, text, OK_STYLE)
        self.view.set_report(report)
        self.export_button.setEnabled(report.report_id is not None)
        self.conflicts_button.setVisible(bool(report.conflicts or report.duplicates)
                                         and self.owner.open_conflicts is not None)


class ImportWizard(QWizard):
    """Import one package into the runner's database; `report` holds the outcome."""

    def __init__(self, runner: ActionRunner, *, path: Path | None = None, settings: Settings | None = None,
                 open_conflicts: Callable[[], Any] | None = None, parent: QWidget | None = None,
                 background: bool = True) -> None:
        super().__init__(parent)
        self.runner = runner
        self.settings = settings
        self.open_conflicts = open_conflicts
        self.background = background  # tests may run the work inline
        self.ask_open_path: Callable[..., Path | None] = ask_open_path
        self.ask_save_path: Callable[..., Path | None] = ask_save_path
        self.path: Path | None = None
        self.verified: VerifyResult | None = None
        self.preview: ImportReport | None = None
        self.report: ImportReport | None = None
        self.setWindowTitle(tr("导入数据包"))
        wizard_buttons(self)
        self.file_page = FilePage(self)
        self.preview_page = PreviewPage(self)
        self.result_page = ResultPage(self)
        for page in (self.file_page, self.preview_page, self.result_page):
            self.addPage(page)
        self.resize(900, 660)
        if path is not None:
            self.set_path(path)

    # Step 1 -------------------------------------------------------------------------------
    def choose_file(self) -> None:
        start = str(self.path.parent) if self.path else (self.settings.last_folder(FOLDER_KEY)
                                                          if self.settings else "")
        path = self.ask_open_path(self, tr("选择交换包"), start)
        if path is not None:
            self.set_path(path)

    def set_path(self, path: Path) -> None:
        self.path = Path(path)
        self.verified = self.preview = None
        self.file_page.file_edit.setText(str(self.path))
        self.file_page.status.hide()
        self.file_page.completeChanged.emit()

    def check(self) -> bool:
        """Verify and preview the chosen package; False (with the reason shown) if refused."""
        if self.path is None:
            return False
        try:
            self.verified, self.preview = run_task(self, tr("正在核验交换包"), check_package, self.runner.db,
                                                   self.runner.actor, self.path, background=self.background)
        except UserError as exc:
            self.verified = self.preview = None
            set_banner(self.file_page.status, tr("交换包未通过核验，未导入任何数据：") + exc.message, ALERT_STYLE)
            self.runner.warn(self, exc.message)
            return False
        if self.settings is not None:
            self.settings.set_last_folder(FOLDER_KEY, self.path.parent)
        self.preview_page.show_check(self.verified, self.preview)
        return True

    # Step 2 -------------------------------------------------------------------------------
    def do_import(self) -> bool:
        """Ask once more, then import behind a progress bar; False when refused or cancelled."""
        preview = self.preview
        if preview is None or self.path is None:
            return False
        if self.runner.read_only_reason:
            self.runner.warn(self, self.runner.read_only_reason)
            return False
        question = tr("将导入{sender}的第 {sequence} 号交换包：新增 {created} 条、更新 {updated} 条记录。"
                      "导入前会自动备份本机数据库。确定导入吗？").format(
            sender=preview.sender_name or preview.sender_code, sequence=preview.sequence,
            created=preview.total("created"), updated=preview.total("updated"))
        if not self.runner.ask(self, tr("导入数据包"), question):
            return False
        try:
            report = run_task(self, tr("正在导入交换包"), exchange.import_package, self.runner.db,
                              self.runner.actor, self.path, background=self.background)
        except UserError as exc:
            self.runner.warn(self, exc.message)
            return False
        self.report = report
        self.result_page.show_report(report)
        if report.status != "duplicate":
            self.runner.changes.emit_all()
        return True

    # Step 3 -------------------------------------------------------------------------------
    def export_report(self) -> Path | None:
        report = self.report
        if report is None or report.report_id is None:
            return None
        return save_report(self, self.runner, report, self.ask_save_path, self.settings)

    def show_conflicts(self) -> None:
        if self.open_conflicts is not None:
            self.open_conflicts()


def save_report(parent: QWidget, runner: ActionRunner, report: ImportReport,
                ask: Callable[..., Path | None], settings: Settings | None) -> Path | None:
    """Ask where to save a stored report and write it; None when cancelled or refused."""
    folder = settings.last_folder("exchange_report") if settings else ""
    name = f"导入报告_{report.sender_code}_第{report.sequence}号.json"
    out = ask(parent, tr("导出导入报告"), str(Path(folder) / name) if folder else name)
    if out is None:
        return None
    try:
        path = runner.read(exchange.export_report, report.report_id, out)
    except UserError as exc:
        runner.warn(parent, exc.message)
        return None
    if settings is not None:
        settings.set_last_folder("exchange_report", Path(out).parent)
    return Path(path)
