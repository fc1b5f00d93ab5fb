"""验证证书: paste what a phone scanned from a certificate's QR code and check it here."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bqw_desktop.services.certificates import Verification

STYLES = {
    "valid": "background: #e3f4e1; color: #1d5e1a; border: 1px solid #9fd09a; padding: 8px;",
    "unconfirmed": "background: #fff3c4; color: #6b4e00; border: 1px solid #e0c86e; padding: 8px;",
    "bad": "background: #fde2e1; color: #9b1c1c; border: 1px solid #e8a3a0; padding: 8px;",
}


class VerifyDialog(QDialog):
    """A box for the scanned text, a 核验 button and the verdict in one coloured sentence.

    `verify(text) -> Verification` is handed in (the window reads the database with it).
    """

    def __init__(self, verify: Callable[[str], Verification], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.verify = verify
        self.result: Verification | None = None
        self.setWindowTitle(self.tr("验证证书"))
        self.resize(560, 420)
        hint = QLabel(self.tr("用手机扫描证书上的二维码，将扫出的全部文字复制粘贴到下面，然后点“核验”。"))
        hint.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setObjectName("certificateText")
        self.text.setPlaceholderText("创先争优活动示范点证书\n编号 …\n单位 …\n级别 …\n授牌 …\n签发 …\n签名 …")
        self.check_button = QPushButton(self.tr("核验"))
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.check)
        self.verdict = QLabel()
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        self.verdict.hide()
        buttons = QDialogButtonBox()
        close = buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.verdict)
        layout.addWidget(buttons)

    def check(self) -> Verification | None:
        """Verify the pasted text and show the verdict."""
        text = self.text.toPlainText().strip()
        if not text:
            self.verdict.setText(self.tr("请先粘贴扫码得到的文字。"))
            self.verdict.setStyleSheet(STYLES["unconfirmed"])
            self.verdict.show()
            return None
        result = self.verify(text)
        self.result = result
        style = result.status if result.status in ("valid", "unconfirmed") else "bad"
        prefix = {"valid": "✔ ", "unconfirmed": "⚠ "}.get(result.status, "✘ ")
        self.verdict.setText(prefix + result.message)
        self.verdict.setStyleSheet(STYLES[style])
        self.verdict.show()
        return result
