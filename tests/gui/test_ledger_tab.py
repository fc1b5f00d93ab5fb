"""The 创建台账 tab: entries by kind, fields that follow the kind, attachments added and opened."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import QApplication

from bqw_desktop.gui.dialogs.ledger_entry import LedgerEntryDialog
from bqw_desktop.gui.models.ledger_models import COL_DETAIL, COL_FILES
from bqw_desktop.gui.tabs.visits import attachment_store
from bqw_desktop.services import attachments, ledger

SITE = "开慧镇开慧村党支部"


def open_tab(window, title: str):
    detail = window.detail
    index = next(i for i in range(detail.count()) if detail.tabText(i) == title)
    detail.setCurrentIndex(index)
    return detail.widget(index)


def run_modal(action, fill) -> None:
    QTimer.singleShot(0, lambda: fill(QApplication.activeModalWidget()))
    action()


def group_titles(tab) -> list[str]:
    model = tab.model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_add_a_funding_entry_with_minutes_attached_and_open_it(window, county_db, tmp_path):
    site_id = window.site_ids[SITE]
    assert window.select_site(site_id)
    tab = open_tab(window, "创建台账")
    assert group_titles(tab)[2] == "经费支持（暂无）"
    receipt = tmp_path / "拨款文件.pdf"
    receipt.write_bytes(b"%PDF-1.4 funding notice")
    paid = date.today() - timedelta(days=3)

    def fill(dialog: LedgerEntryDialog) -> None:
        dialog.kind.setCurrentIndex(dialog.kind.findData("funding"))
        assert not dialog.form.isRowVisible(dialog.subkind) and dialog.form.isRowVisible(dialog.amount)
        dialog.entry_date.setDate(dialog.entry_date.date().addDays(-3))
        dialog.title.insert("党员活动阵地建设")  # as typed through an input method
        dialog.amount.insert("12,500.5")
        dialog.add_file(receipt)
        dialog.accept()

    run_modal(tab.add_button.click, fill)

    with county_db.sessions() as s:
        [entry] = ledger.entries_of(s, site_id)
        [link] = ledger.entry_attachments(s, entry.id)
    assert (entry.kind, entry.entry_date, entry.title, entry.amount_yuan) == (
        "funding", paid, "党员活动阵地建设", Decimal("12500.50"))
    assert link.filename == "拨款文件.pdf"
    # The funding group shows the total; the new entry is selected with its file beside it.
    assert group_titles(tab)[2] == "经费支持（1 条，合计 12,500.50 元）"
    assert "经费支持合计 12,500.50 元" in tab.summary.text()
    current = tab.view.currentIndex()
    assert tab.current_entry().id == entry.id
    assert current.siblingAtColumn(COL_DETAIL).data() == "12,500.50 元"
    assert current.siblingAtColumn(COL_FILES).data() == "1 个"
    assert tab.files.count() == 1

    opened: list = []
    tab.files.open_url = opened.append  # the system viewer is not started in tests
    tab.files.open_button.click()
    assert len(opened) == 1
    copy = Path(opened[0].toLocalFile())
    assert copy.name == "拨款文件.pdf" and copy.read_bytes() == receipt.read_bytes()

    # A second file through the panel.
    photo = tmp_path / "揭牌.jpg"
    photo.write_bytes(b"photo")
    assert tab.files.add_files([photo])
    assert tab.files.count() == 2
    assert tab.view.currentIndex().siblingAtColumn(COL_FILES).data() == "2 个"


def test_fields_follow_the_kind_and_refusals_keep_the_dialog(window, qtbot, answers, county_db):
    site_id = window.site_ids[SITE]
    dialog = LedgerEntryDialog(window.ctx.runner, attachment_store(window.ctx), site_id=site_id, kind="honour")
    qtbot.addWidget(dialog)
    visible = {key for key, widget in dialog.widgets.items() if dialog.form.isRowVisible(widget)}
    assert {"subkind", "honour_level"} <= visible and "amount" not in visible and "outlet" not in visible
    assert dialog.subkind.findText("工人先锋号") >= 0
    dialog.accept()  # no honour title chosen
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "党群共建的类别未填写" in answers.warnings[-1]

    dialog.kind.setCurrentIndex(dialog.kind.findData("meeting"))
    assert dialog.labels["body"].text() == "会议纪要"
    assert [dialog.subkind.itemText(i) for i in range(dialog.subkind.count())] == [
        "推进会", "现场经验交流会", "领导点评会"]
    dialog.subkind.setCurrentIndex(dialog.subkind.findData("exchange"))
    dialog.participants.setPlainText("县委常委、组织部部长、各镇街组织委员")
    dialog.entry_date.setDate(dialog.entry_date.date().addDays(2))
    dialog.accept()
    assert "晚于今天" in answers.warnings[-1] and "晚于今天" in dialog.error.text()
    dialog.entry_date.setDate(dialog.entry_date.date().addDays(-2))
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    with county_db.sessions() as s:
        [entry] = ledger.entries_of(s, site_id)
    assert (entry.kind, entry.subkind, entry.participants) == ("meeting", "exchange", "县委常委、组织部部长、各镇街组织委员")


def test_edit_and_delete_ask_first_and_keep_shared_files(window, answers, county_db, county_actor, tmp_path):
    site_id = window.site_ids[SITE]
    shared = tmp_path / "合影.jpg"
    shared.write_bytes(b"group photo")
    store = attachment_store(window.ctx)
    with county_db.begin() as s:
        first = ledger.add_entry(s, county_actor, site_id=site_id, kind="publicity", entry_date=date.today(),
                                 outlet="红网", title="开慧村小支部发挥大作用")
        second = ledger.add_entry(s, county_actor, site_id=site_id, kind="experience", entry_date=date.today(),
                                  title="“党员积分制”激发队伍活力")
        for entry in (first, second):
            ledger.attach_file(s, county_actor, store, entry_id=entry.id, source=shared)
        first_id = first.id
    assert window.select_site(site_id)
    tab = open_tab(window, "创建台账")
    assert tab.select_entry(first_id)

    answers.reply = False
    tab.delete_button.click()
    assert "开慧村小支部发挥大作用" in answers.questions[-1]
    assert tab.current_entry().id == first_id

    answers.reply = True
    tab.delete_button.click()
    with county_db.sessions() as s:
        assert [e.title for e in ledger.entries_of(s, site_id)] == ["“党员积分制”激发队伍活力"]
        [link] = ledger.entry_attachments(s, second.id)
        assert attachments.open_path(store, link).read_bytes() == b"group photo"
        assert attachments.prune_unreferenced(s, store) == 0  # still referenced by the other entry
    assert group_titles(tab)[4] == "宣传报道（暂无）"


def test_double_click_on_an_empty_kind_starts_an_entry_of_that_kind(window, county_db):
    site_id = window.site_ids[SITE]
    assert window.select_site(site_id)
    tab = open_tab(window, "创建台账")
    seen = []

    def look(dialog: LedgerEntryDialog) -> None:
        seen.append(dialog.kind.currentData())
        dialog.reject()

    index = tab.model.index_of_kind("publicity")
    assert tab.model.parent(index) == QModelIndex()
    run_modal(lambda: tab._double_clicked(index), look)
    assert seen == ["publicity"]
