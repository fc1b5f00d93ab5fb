"""新建申报 and 申报材料: a site's application for a level, its texts and its photos.

A new application chooses the level (those this office may register), then 主要事迹 (the
nomination form prints about 2,000 characters; a live counter says how many are typed) and
创建目标和措施, and may add photos. OK records everything in one unit of work; a refusal
(a second open bid for the level, a site outside this office's region, texts too long…)
keeps the dialog open with the Chinese message. The texts can be changed only by the
registering office while the application is 已申报 or 退回修改.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from bqw_desktop.domain import lifecycle
from bqw_desktop.domain.lifecycle import Status
from bqw_desktop.domain.vocab import LEVEL_LABELS, Level
from bqw_desktop.errors import UserError
from bqw_desktop.gui.actions import ActionRunner
from bqw_desktop.gui.changes import CANDIDACIES
from bqw_desktop.gui.widgets.form_parts import error_label, ok_cancel
from bqw_desktop.services import campaigns, candidacies
from bqw_desktop.services.context import Actor
from bqw_desktop.services.offices import OfficeInfo

PHOTO_FILTER = "图片 (*.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff);;所有文件 (*)"


@dataclass(frozen=True, slots=True)
class Existing:
    """What the editor shows of a recorded application."""

    level: str
    status: str
    owner_office: str
    achievements: str
    measures: str
    photos: tuple[str, ...]
    campaign: str


def levels_for(office: OfficeInfo) -> list[str]:
    """The levels this office may register applications for."""
    out = []
    for level in Level:
        try:
            lifecycle.route_for(level=level, registrant_tier=office.tier)
        except UserError:
            continue
        out.append(str(level))
    return out


def _existing(session: Session, candidacy_id: str) -> Existing:
    view = candidacies.candidacy_view(session, candidacy_id)
    names = tuple(link.filename for link in candidacies.photos(session, candidacy_id))
    campaign = campaigns.get_campaign(session, view.campaign_id).name if view.campaign_id else ""
    return Existing(view.level, view.status, view.registrant, view.achievements, view.measures, names, campaign)


def _campaign_name(session: Session) -> str:
    current = campaigns.current_campaign(session)
    return campaigns.describe(current) if current else ""


def _save(session: Session, actor: Actor, *, site_id: str, candidacy_id: str | None, level: str,
          achievements: str, measures: str, photos: list[Path], store: Path) -> str:
    if candidacy_id is None:
        cand = candidacies.create_candidacy(session, actor, site_id=site_id, level=level,
                                            achievements=achievements, measures=measures)
        candidacy_id = cand.id
    elif achievements is not None:
        candidacies.update_candidacy(session, actor, candidacy_id=candidacy_id, achievements=achievements,
                                     measures=measures)
    for path in photos:
        candidacies.attach_photo(session, actor, store, candidacy_id=candidacy_id, source=path)
    return candidacy_id


def choose_photos(parent: QWidget) -> list[Path]:
    names, _ = QFileDialog.getOpenFileNames(parent, parent.tr("选择照片"), "", parent.tr(PHOTO_FILTER))
    return [Path(n) for n in names]


class CounterEdit(QWidget):
    """A plain text box with a live character count against the printed length."""

    def __init__(self, *, printed: int, limit: int, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.printed, self.limit = printed, limit
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText(placeholder)
        self.counter = QLabel()
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.counter)
        self.edit.textChanged.connect(self._count)
        self._count()

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text)

    def _count(self) -> None:
        n = len(self.edit.toPlainText().strip())
        if n > self.limit:
            colour, note = "#b3261e", self.tr("，超过{limit}字上限，不能保存").format(limit=self.limit)
        elif n > self.printed:
            colour, note = "#9a6b00", self.tr("，推荐表按约{printed}字排版，打印时可能超出一页").format(printed=self.printed)
        else:
            colour, note = "#555", ""
        self.counter.setText(f"<span style='color:{colour}'>{n}/{self.printed} 字{note}</span>")


class CandidacyEditor(QDialog):
    """New application for a site (`candidacy_id=None`), or an existing one's materials."""

    def __init__(self, runner: ActionRunner, office: OfficeInfo, *, site_id: str, site_name: str,
                 store: Path, candidacy_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.office = runner, office
        self.site_id, self.candidacy_id, self.store = site_id, candidacy_id, store
        self.pending: list[Path] = []
        self.choose_photos: Callable[[QWidget], list[Path]] = choose_photos
        existing = runner.read(_existing, candidacy_id) if candidacy_id else None
        self.setWindowTitle(self.tr("新建申报") if existing is None else self.tr("申报材料与照片"))
        self.resize(640, 620)
        self._build(site_name, existing)

    def _build(self, site_name: str, existing: Existing | None) -> None:
        form = QFormLayout()
        form.addRow(self.tr("示范点："), QLabel(site_name))
        self.level = QComboBox()
        for level in levels_for(self.office) if existing is None else [existing.level]:
            self.level.addItem(LEVEL_LABELS[level], level)
        if existing is None and self.level.count() > 1:
            self.level.setCurrentIndex(0)
        self.level.setEnabled(existing is None)
        form.addRow(self.tr("申报级别："), self.level)
        campaign = existing.campaign if existing else self.runner.read(_campaign_name)
        campaign_label = QLabel(campaign or self.tr("（尚未设置批次，可在“申报审定—批次与日程”中设置）"))
        campaign_label.setWordWrap(True)
        form.addRow(self.tr("批次："), campaign_label)
        self.achievements = CounterEdit(printed=candidacies.ACHIEVEMENTS_PRINTED, limit=candidacies.TEXT_LIMIT,
                                        placeholder=self.tr("主要事迹：按推荐表填写，约2000字以内"))
        self.measures = CounterEdit(printed=candidacies.ACHIEVEMENTS_PRINTED, limit=candidacies.TEXT_LIMIT,
                                    placeholder=self.tr("创建目标和措施：对照本类型示范点的创建目标逐条写明"))
        self.photos = QListWidget()
        self.photos.setMaximumHeight(90)
        add = QPushButton(self.tr("添加照片…"))
        add.clicked.connect(self.add_photos)
        self.remove_button = QPushButton(self.tr("移除未保存的照片"))
        self.remove_button.clicked.connect(self._remove_pending)
        photo_buttons = QHBoxLayout()
        photo_buttons.addWidget(add)
        photo_buttons.addWidget(self.remove_button)
        photo_buttons.addStretch(1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #9a6b00;")
        self.error = error_label()
        self.buttons = ok_cancel(self)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("主要事迹：")))
        layout.addWidget(self.achievements, 3)
        layout.addWidget(QLabel(self.tr("创建目标和措施：")))
        layout.addWidget(self.measures, 2)
        layout.addWidget(QLabel(self.tr("照片：")))
        layout.addWidget(self.photos)
        layout.addLayout(photo_buttons)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.texts_editable = True
        if existing is not None:
            self.achievements.set_text(existing.achievements)
            self.measures.set_text(existing.measures)
            for name in existing.photos:
                self.photos.addItem(QListWidgetItem(name))
            owner = existing.owner_office == self.office.code
            self.texts_editable = owner and existing.status in (Status.APPLIED, Status.RETURNED)
            if not owner:
                self.note.setText(self.tr("该申报由单位 {code} 登记，只有登记单位能修改申报材料和照片。")
                                  .format(code=existing.owner_office))
                add.setEnabled(False)
            elif not self.texts_editable:
                self.note.setText(self.tr("申报当前状态为“{status}”，申报材料已不能修改，仍可补充照片。")
                                  .format(status=candidacies.status_label(existing.status)))
            self.achievements.edit.setReadOnly(not self.texts_editable)
            self.measures.edit.setReadOnly(not self.texts_editable)
        self.remove_button.setEnabled(False)

    def add_photos(self) -> None:
        for path in self.choose_photos(self):
            self.pending.append(path)
            item = QListWidgetItem(self.tr("{name}（待保存）").format(name=path.name))
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.photos.addItem(item)
        self.remove_button.setEnabled(bool(self.pending))

    def _remove_pending(self) -> None:
        for row in range(self.photos.count() - 1, -1, -1):
            item = self.photos.item(row)
            if item.data(Qt.ItemDataRole.UserRole):
                self.photos.takeItem(row)
        self.pending.clear()
        self.remove_button.setEnabled(False)

    def accept(self) -> None:
        texts: dict[str, Any] = {"achievements": self.achievements.text(), "measures": self.measures.text()}
        if self.candidacy_id is not None and not self.texts_editable:
            texts = {"achievements": None, "measures": None}
        outcome = self.runner.run(self, _save, site_id=self.site_id, candidacy_id=self.candidacy_id,
                                  level=self.level.currentData(), photos=list(self.pending), store=self.store,
                                  kinds={CANDIDACIES}, **texts)
        if outcome.ok:
            self.candidacy_id = outcome.value
            super().accept()
        else:
            self.error.setText(outcome.message)
            self.error.show()
