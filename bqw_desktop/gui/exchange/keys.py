"""本单位密钥: this office's fingerprint to read over the phone, identity cards, key rotation.

- The fingerprint is shown in large digits, group by group, for reading to a neighbour.
- 导出身份卡 writes this office's card for the neighbour to register.
- 登记相邻单位身份卡: choose the neighbour's card, type the fingerprint its clerk reads over
  the phone; the card is registered only when both agree (the card's own fingerprint is
  never shown here, so it cannot simply be copied).
- 更换密钥 needs the words 更换密钥 typed before it runs.

The file dialogs and the rotation confirmation are attributes so tests answer them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bqw_desktop.errors import UserError
from bqw_desktop.exchange.identity import OfficeIdentity, read_identity_card
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.changes import OFFICE
from bqw_desktop.gui.exchange.common import (
    ALERT_STYLE,
    CARD_FILTER,
    INFO_STYLE,
    NOTE_STYLE,
    OK_STYLE,
    ask_open_path,
    ask_save_path,
    banner,
    inform,
    plain_table,
    set_banner,
    tr,
)
from bqw_desktop.gui.exchange.models import OfficeModel
from bqw_desktop.gui.settings import Settings
from bqw_desktop.services import exchange, offices

FOLDER_KEY = "keys"
ROTATE_WORDS = "更换密钥"
ROTATE_WARNING = (
    "更换密钥会为本单位生成一对新密钥，旧密钥从此作废。只有在密钥可能泄露时才需要更换，"
    "例如电脑丢失、被他人复制了数据文件夹。\n\n"
    "更换后：本单位此后发出的交换包用新密钥签名，更换记录随交换包送达相邻单位，"
    "对方导入后自动改用新密钥；已经发出、对方尚未导入的旧交换包将被拒收，需要重新导出。"
    "请在更换后电话告知相邻单位新的指纹。"
)


def fingerprint_font(base: QFont, *, size: int = 26) -> QFont:
    """Large, fixed-width, widely spaced digits that survive being read aloud."""
    font = QFont(base)
    font.setFamilies(["Consolas", "DejaVu Sans Mono", "Courier New", "monospace"])
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(size)
    font.setBold(True)
    font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 2)
    return font


def readable(fingerprint: str) -> str:
    """Groups of digits with wide gaps: '1234   5678   …'."""
    return "   ".join(fingerprint.split())


class RotateConfirm(QDialog):
    """A strong confirmation: the consequences, then the words 更换密钥 typed by hand."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("更换本单位密钥"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(banner(tr(ROTATE_WARNING), NOTE_STYLE))
        layout.addWidget(QLabel(tr("确需更换，请在下面输入“{words}”四个字：").format(words=ROTATE_WORDS)))
        self.words = QLineEdit()
        layout.addWidget(self.words)
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton(tr("更换密钥"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok.setEnabled(False)
        self.words.textChanged.connect(lambda text: self.ok.setEnabled(text.strip() == ROTATE_WORDS))
        layout.addWidget(self.buttons)


def confirm_rotation(parent: QWidget | None) -> bool:
    return RotateConfirm(parent).exec() == QDialog.DialogCode.Accepted


class TrustCardDialog(QDialog):
    """Register a neighbour's identity card after the fingerprint read over the phone matches."""

    def __init__(self, runner: ActionRunner, *, settings: Settings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.settings = settings
        self.ask_open_path: Callable[..., Path | None] = ask_open_path
        self.path: Path | None = None
        self.card: OfficeIdentity | None = None
        self.registered: exchange.KnownOffice | None = None
        self.setWindowTitle(tr("登记相邻单位身份卡"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(banner(tr(
            "第一步：选择对方交来的身份卡文件。第二步：打电话给对方，请对方在“本单位密钥”中读出指纹，"
            "您逐组输入。两边一致才会登记；不一致说明身份卡可能被替换，请不要登记。"), INFO_STYLE))
        line = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(tr("尚未选择身份卡"))
        choose = QPushButton(tr("选择身份卡…"))
        choose.clicked.connect(self.choose_file)
        line.addWidget(QLabel(tr("身份卡：")))
        line.addWidget(self.file_edit, 1)
        line.addWidget(choose)
        layout.addLayout(line)
        self.card_label = QLabel()
        self.card_label.setStyleSheet("font-size: 12pt; padding: 6px 0;")
        layout.addWidget(self.card_label)
        layout.addWidget(QLabel(tr("对方电话读出的指纹（20 位数字，空格可有可无）：")))
        self.fingerprint = QLineEdit()
        self.fingerprint.setFont(fingerprint_font(self.font(), size=16))
        self.fingerprint.setPlaceholderText("1234 5678 9012 3456 7890")
        self.fingerprint.textChanged.connect(lambda _t: self._update())
        layout.addWidget(self.fingerprint)
        self.status = banner("", ALERT_STYLE)
        self.status.hide()
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox()
        self.register_button = self.buttons.addButton(tr("核对并登记"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.register)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()

    def choose_file(self) -> None:
        start = self.settings.last_folder(FOLDER_KEY) if self.settings else ""
        path = self.ask_open_path(self, tr("选择相邻单位的身份卡"), start, CARD_FILTER)
        if path is not None:
            self.open_card(path)

    def open_card(self, path: Path) -> bool:
        """Read a card and say whose it is; a damaged or foreign file is refused in Chinese."""
        self.path = Path(path)
        self.file_edit.setText(str(self.path))
        try:
            self.card = read_identity_card(self.path)
        except UserError as exc:
            self.card = None
            self.card_label.clear()
            set_banner(self.status, exc.message, ALERT_STYLE)
            self._update()
            return False
        self.status.hide()
        self.card_label.setText(tr("这是{name}（{code}）的身份卡。").format(name=self.card.name, code=self.card.code))
        self._update()
        return True

    def _update(self) -> None:
        digits = sum(ch.isdigit() for ch in self.fingerprint.text())
        self.register_button.setEnabled(self.card is not None and digits >= 20)

    def register(self) -> bool:
        if self.card is None or self.path is None:
            return False
        outcome = self.runner.run(self, exchange.trust_identity_card, path=self.path,
                                  fingerprint=self.fingerprint.text(), kinds={OFFICE})
        if not outcome.ok:
            set_banner(self.status, outcome.message, ALERT_STYLE)
            return False
        self.registered = outcome.value
        if self.settings is not None:
            self.settings.set_last_folder(FOLDER_KEY, self.path.parent)
        self.accept()
        return True


class KeysDialog(QDialog):
    """This office's fingerprint, its identity card, the neighbours' keys, key rotation."""

    def __init__(self, runner: ActionRunner, *, settings: Settings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.settings = settings
        self.ask_save_path: Callable[..., Path | None] = ask_save_path
        self.inform: Callable[[QWidget | None, str], None] = inform
        self.confirm_rotation: Callable[[QWidget | None], bool] = confirm_rotation
        self.trust_dialog_factory: Callable[..., TrustCardDialog] = TrustCardDialog
        self.setWindowTitle(tr("本单位密钥"))
        self.resize(920, 600)
        layout = QVBoxLayout(self)
        self.office_label = QLabel()
        self.office_label.setStyleSheet("font-size: 12pt;")
        layout.addWidget(self.office_label)
        layout.addWidget(QLabel(tr("本单位密钥指纹（与相邻单位电话核对时，逐组读给对方）：")))
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("fingerprint")
        self.fingerprint.setFont(fingerprint_font(self.font()))
        self.fingerprint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fingerprint.setStyleSheet("background: #ffffff; color: #1d3f73; border: 2px solid #a9c2ea;"
                                       " padding: 14px;")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.fingerprint)
        self.message = banner("", OK_STYLE)
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.export_button = QPushButton(tr("导出本单位身份卡…"))
        self.export_button.clicked.connect(self.export_card)
        self.trust_button = QPushButton(tr("登记相邻单位身份卡…"))
        self.trust_button.clicked.connect(self.trust_card)
        self.rotate_button = QPushButton(tr("更换密钥…"))
        self.rotate_button.clicked.connect(self.rotate)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.trust_button)
        buttons.addStretch(1)
        buttons.addWidget(self.rotate_button)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(tr("已知密钥的单位：")))
        self.model = OfficeModel(self)
        self.table = plain_table(self.model, widths=(170, 70, 120, 220, 190))
        layout.addWidget(self.table, 1)
        close_row = QHBoxLayout()
        close_row.addStretch(1)
        close = QPushButton(tr("关闭"))
        close.clicked.connect(self.accept)
        close_row.addWidget(close)
        layout.addLayout(close_row)
        self.reload()

    def reload(self) -> None:
        me, known = self.runner.read(lambda s: (offices.this_office(s), exchange.known_offices(s)))
        self.office = me
        self.office_label.setText(tr("本单位：{name}（{code}）").format(name=me.name, code=me.code))
        own = next((o for o in known if o.trust == "self"), None)
        self.fingerprint.setText(readable(own.fingerprint if own else me.fingerprint))
        self.model.names = {o.code: o.name for o in known}
        self.model.set_rows(known)

    def fingerprint_text(self) -> str:
        return self.fingerprint.text()

    def export_card(self) -> Path | None:
        folder = self.settings.last_folder(FOLDER_KEY) if self.settings else ""
        name = f"{self.office.code}_身份卡.json"
        out = self.ask_save_path(self, tr("导出本单位身份卡"), str(Path(folder) / name) if folder else name,
                                 CARD_FILTER)
        if out is None:
            return None
        try:
            path = exchange.export_identity(self.runner.db, out=out)
        except UserError as exc:
            self.runner.warn(self, exc.message)
            return None
        if self.settings is not None:
            self.settings.set_last_folder(FOLDER_KEY, Path(path).parent)
        set_banner(self.message, tr("身份卡已保存到：{path}。请把它交给相邻单位登记，并电话告知对方上面的指纹。")
                   .format(path=path), OK_STYLE)
        return Path(path)

    def trust_card(self) -> exchange.KnownOffice | None:
        if self.runner.read_only_reason:
            self.runner.warn(self, self.runner.read_only_reason)
            return None
        dialog = self.trust_dialog_factory(self.runner, settings=self.settings, parent=self)
        dialog.exec()
        registered = dialog.registered
        if registered is not None:
            self.reload()
            set_banner(self.message, tr("已登记 {name}（{code}）的身份卡，今后可与该单位互相导入交换包。").format(
                name=registered.name, code=registered.code), OK_STYLE)
        return registered

    def rotate(self) -> str | None:
        if self.runner.read_only_reason:
            self.runner.warn(self, self.runner.read_only_reason)
            return None
        if not self.confirm_rotation(self):
            return None
        try:
            fingerprint = exchange.rotate_key(self.runner.db, self.runner.actor)
        except UserError as exc:
            self.runner.warn(self, exc.message)
            return None
        self.reload()
        self.runner.changes.emit({OFFICE})
        set_banner(self.message, tr("密钥已更换，新指纹见上方。请电话告知相邻单位，"
                                    "并尽快向它们各导出一个新的交换包，把更换记录带过去。"), OK_STYLE)
        return fingerprint
