"""The 数据交换 menu driven as clerks would: a county exports to its city on a USB stick, the
city verifies, previews and imports it; a tampered package is refused; office keys."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard

from bqw_desktop.errors import UserError
from bqw_desktop.gui import menus
from bqw_desktop.gui.exchange.keys import ROTATE_WORDS, RotateConfirm
from bqw_desktop.gui.exchange.models import OUTCOME_COLUMNS
from bqw_desktop.gui.models.site_table import COL_NAME
from bqw_desktop.services import exchange, offices, sites
from bqw_desktop.services.demo.packages import copy_offices, create_offices
from bqw_desktop.services.offices import init_office

PAIR = (("city", "430100"), ("county", "430121"))
COUNTY_SITES = (("星沙街道党工委", "subdistrict"), ("黄花镇党委", "township"), ("果园镇浔龙河村党总支", "village"))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("offices")
    for office in create_offices(folder, PAIR).values():
        office.db.close()
    return folder


@pytest.fixture
def pair(template, tmp_path):
    """长沙市 and 长沙县, each its own database, each holding the other's registered key."""
    made = copy_offices(template, tmp_path / "offices", PAIR)
    county = made["430121"]
    with county.db.begin() as s:
        for name, org_type in COUNTY_SITES:
            sites.add_site(s, county.actor, name=name, org_type=org_type, secretary="张明")
    yield made
    for office in made.values():
        office.db.close()


def open_window(office, qtbot, settings, answers):
    from bqw_desktop.gui.main_window import MainWindow

    win = MainWindow(office.db, settings=settings, actor=office.actor)
    win.ctx.runner.warn = answers.warn
    win.ctx.runner.ask = answers.ask
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def names_shown(window) -> set[str]:
    model = window.model
    return {model.index(r, COL_NAME).data() for r in range(model.rowCount())}


def dump(db) -> dict[str, list[tuple]]:
    """Every row of every table, to compare a database with itself before."""
    conn = sqlite3.connect(db.path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def export_from_county(pair, tmp_path) -> Path:
    county = pair["430121"]
    usb = tmp_path / "U盘"
    usb.mkdir(exist_ok=True)
    return exchange.export_package(county.db, county.actor, to_code="430100", out=usb).path


def start_import(window, qtbot, path: Path):
    actions = window.ctx.exchange_actions
    wizard = actions.import_package(show=False)
    qtbot.addWidget(wizard)
    wizard.ask_open_path = lambda *_a: path
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.file_page.choose_button.click()  # answers the file dialog with `path`
    return wizard


def test_menu_has_every_exchange_command(pair, qtbot, settings, answers):
    assert "bqw_desktop.gui.exchange:install" in menus.MENU_PLUGINS
    window = open_window(pair["430121"], qtbot, settings, answers)
    menu = window.ctx.menu("数据交换")
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["导出数据包…", "导入数据包…", "数据包记录", "导入报告…", "冲突处理…", "本单位密钥…"]
    assert "数据交换" in [a.text() for a in window.menuBar().actions()]


def test_export_wizard_writes_the_package_to_the_stick(pair, qtbot, settings, answers, tmp_path):
    window = open_window(pair["430121"], qtbot, settings, answers)
    wizard = window.ctx.exchange_actions.export_package(show=False)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)

    page = wizard.recipient_page
    assert [(r.name, r.code, r.above) for r in page.model.rows()] == [("长沙市委组织部", "430100", True)]
    assert page.isComplete()
    wizard.next()
    assert wizard.currentPage() is wizard.target_page
    assert "430121_to_430100_0001.bqw" in wizard.target_page.name_label.text()
    assert not wizard.target_page.isComplete()  # no folder chosen yet

    usb = tmp_path / "U盘"
    usb.mkdir()
    wizard.ask_folder = lambda *_a: usb
    wizard.choose_folder()
    assert wizard.target_page.isComplete()
    wizard.next()  # 导出: written off the GUI thread, read back and checked by the service

    assert wizard.currentPage() is wizard.done_page
    written = usb / "430121_to_430100_0001.bqw"
    assert written.exists() and wizard.exported.path == written
    assert "第 1 号" in wizard.done_page.summary.text() and "示范点 3 条" in wizard.done_page.summary.text()
    reminder = " ".join(label.text() for label in wizard.done_page.findChildren(type(wizard.done_page.summary)))
    assert "安全删除硬件" in reminder
    assert not answers.warnings
    # The next package gets the next number, and the last one sent is listed.
    again = window.ctx.exchange_actions.export_package(show=False)
    qtbot.addWidget(again)
    assert "第 1 号" in again.recipient_page.model.index(0, 4).data()
    assert settings.last_folder("exchange_out") == str(usb)


def test_import_wizard_verifies_previews_then_imports(pair, qtbot, settings, answers, tmp_path):
    package = export_from_county(pair, tmp_path)
    city = pair["430100"]
    window = open_window(city, qtbot, settings, answers)
    assert names_shown(window) == set()
    wizard = start_import(window, qtbot, package)
    assert wizard.file_page.file_edit.text() == str(package)

    wizard.next()  # verification and the dry run, off the GUI thread
    assert wizard.currentPage() is wizard.preview_page
    assert "核验通过" in wizard.preview_page.verified.text()
    assert "长沙县委组织部（430121）" in wizard.preview_page.verified.text()
    view = wizard.preview_page.view
    assert view.model.count("sites", "created") == 3
    sites_row = next(r for r in range(view.model.rowCount()) if view.model.row_at(r)[0] == "sites")
    assert view.model.index(sites_row, 0).data() == "示范点"
    assert view.model.index(sites_row, OUTCOME_COLUMNS["created"]).data() == "3"
    view.table.selectRow(sites_row)  # the names, on demand
    assert {"星沙街道党工委", "黄花镇党委", "果园镇浔龙河村党总支"} <= set(view.names.toPlainText().split())
    assert "自动备份" in wizard.preview_page.note.text()
    assert wizard.preview_page.isComplete()
    assert names_shown(window) == set()  # the preview wrote nothing
    with city.db.sessions() as s:
        assert exchange.package_history(s) == []

    answers.reply = False  # a second thought: nothing happens
    wizard.next()
    assert wizard.currentPage() is wizard.preview_page and names_shown(window) == set()

    answers.reply = True
    wizard.next()  # 导入
    assert "新增 3 条" in answers.questions[-1] and "自动备份" in answers.questions[-1]
    assert wizard.currentPage() is wizard.result_page
    report = wizard.report
    assert report.total("created") == 3 and report.backup and Path(report.backup).exists()
    assert "导入完成" in wizard.result_page.done_label.text()
    assert report.backup in wizard.result_page.view.backup.text()
    assert not answers.warnings
    # The register reloaded with the county's sites.
    assert names_shown(window) == {name for name, _ in COUNTY_SITES}

    # The report can be exported, and the package is in the history.
    out = tmp_path / "报告.json"
    wizard.ask_save_path = lambda *_a: out
    assert wizard.export_report() == out
    assert json.loads(out.read_text(encoding="utf-8"))["sender_code"] == "430121"
    history = window.ctx.exchange_actions.history(show=False)
    qtbot.addWidget(history)
    assert history.model.rowCount() == 1
    assert history.model.index(0, 0).data() == "收到" and history.model.index(0, 3).data() == "第 1 号"
    assert history.model.index(0, 1).data() == "长沙县委组织部（430121）"
    assert history.report_button.isEnabled()
    reports = window.ctx.exchange_actions.reports(report_id=report.report_id, show=False)
    qtbot.addWidget(reports)
    assert reports.view.report.report_id == report.report_id
    assert reports.view.model.count("sites", "created") == 3


def test_the_same_package_again_cannot_be_imported_twice(pair, qtbot, settings, answers, tmp_path):
    package = export_from_county(pair, tmp_path)
    city = pair["430100"]
    exchange.import_package(city.db, city.actor, package)
    window = open_window(city, qtbot, settings, answers)
    wizard = start_import(window, qtbot, package)
    wizard.next()
    assert wizard.currentPage() is wizard.preview_page
    assert "已经导入过" in wizard.preview_page.note.text()
    assert not wizard.preview_page.isComplete()


def test_a_tampered_package_is_refused_with_its_reason_and_changes_nothing(pair, qtbot, settings, answers,
                                                                          tmp_path):
    package = export_from_county(pair, tmp_path)
    data = bytearray(package.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit flipped on the stick
    tampered = tmp_path / "被改动的.bqw"
    tampered.write_bytes(bytes(data))
    city = pair["430100"]
    with pytest.raises(UserError) as refused:
        exchange.verify_file(city.db, tampered)
    before = dump(city.db)

    window = open_window(city, qtbot, settings, answers)
    wizard = start_import(window, qtbot, tampered)
    wizard.next()

    assert wizard.currentPage() is wizard.file_page  # stays: nothing to preview
    assert answers.warnings == [refused.value.message]
    assert refused.value.message in wizard.file_page.status.text()
    assert "未导入任何数据" in wizard.file_page.status.text()
    assert wizard.preview is None
    assert dump(city.db) == before
    assert names_shown(window) == set()


def test_records_the_sender_may_not_send_are_listed_and_block_the_import(pair, qtbot, settings, answers,
                                                                        tmp_path):
    from bqw_desktop.domain.canonical import content_hash
    from bqw_desktop.exchange import PackageContent, write_package
    from bqw_desktop.exchange.outbox import next_sequence
    from bqw_desktop.exchange.trust_db import own_identity, own_private_key
    from bqw_desktop.services import records

    county, city = pair["430121"], pair["430100"]
    with county.db.begin() as s:
        site = sites.add_site(s, county.actor, name="冒名示范点", org_type="village")
        forged = records.exported(site) | {"owner_office": "430111", "id": "f" * 8 + site.id[8:]}
        identity = own_identity(s)
        sequence = next_sequence(s, sender="430121", recipient="430100")
    forged["content_hash"] = content_hash({k: v for k, v in forged.items() if k not in ("version", "content_hash")})
    content = PackageContent(sender=identity, recipient_code="430100", sequence=sequence, schema_version="",
                             catalogue_version="", records={"sites": [{"record": forged}]})
    package = write_package(content, own_private_key(county.db.path, identity), tmp_path / "forged.bqw")

    window = open_window(city, qtbot, settings, answers)
    wizard = start_import(window, qtbot, package)
    wizard.next()
    page = wizard.preview_page
    assert wizard.currentPage() is page
    refused = page.view.refused_model.stringList()
    assert len(refused) == 1 and "冒名示范点" in refused[0]
    assert page.view.refused_box.isVisibleTo(wizard)
    assert page.view.model.count("sites", "refused") == 1
    assert "不能导入" in page.note.text()
    assert not page.isComplete()  # 导入 stays disabled


def test_wizard_buttons_speak_chinese(pair, qtbot, settings, answers):
    window = open_window(pair["430100"], qtbot, settings, answers)
    wizard = window.ctx.exchange_actions.import_package(show=False)
    qtbot.addWidget(wizard)
    assert wizard.buttonText(QWizard.WizardButton.NextButton) == "下一步 >"
    assert wizard.buttonText(QWizard.WizardButton.CancelButton) == "取消"
    assert not wizard.file_page.isComplete()


# -- office keys ---------------------------------------------------------------------------------


def test_key_dialog_shows_the_fingerprint_and_exports_the_card(pair, qtbot, settings, answers, tmp_path):
    city = pair["430100"]
    window = open_window(city, qtbot, settings, answers)
    dialog = window.ctx.exchange_actions.keys(show=False)
    qtbot.addWidget(dialog)
    with city.db.sessions() as s:
        fingerprint = offices.this_office(s).fingerprint
    assert dialog.fingerprint_text().split() == fingerprint.split()
    assert dialog.fingerprint.font().pointSize() >= 20
    assert {row.code for row in dialog.model.rows()} == {"430100", "430121"}

    out = tmp_path / "card.json"
    dialog.ask_save_path = lambda *_a: out
    assert dialog.export_card() == out and out.exists()
    assert str(out) in dialog.message.text()


def test_a_card_is_registered_only_when_the_phoned_fingerprint_matches(pair, qtbot, settings, answers, tmp_path):
    city = pair["430100"]
    other = init_office(tmp_path / "430111.sqlite3", tier="county", code="430111", user="演示")
    card = exchange.export_identity(other, out=tmp_path / "雨花区.json")
    with other.sessions() as s:
        right = offices.this_office(s).fingerprint
    window = open_window(city, qtbot, settings, answers)
    keys = window.ctx.exchange_actions.keys(show=False)
    qtbot.addWidget(keys)
    dialog = keys.trust_dialog_factory(window.ctx.runner, settings=settings, parent=keys)
    qtbot.addWidget(dialog)
    dialog.ask_open_path = lambda *_a: card
    dialog.choose_file()
    assert "雨花区" in dialog.card_label.text() and "430111" in dialog.card_label.text()
    assert right.replace(" ", "") not in dialog.card_label.text().replace(" ", "")  # never shown: typed
    assert not dialog.register_button.isEnabled()

    wrong = right[:-1] + ("0" if right[-1] != "0" else "1")
    dialog.fingerprint.setText(wrong)
    assert dialog.register_button.isEnabled()
    assert not dialog.register()
    assert answers.warnings and "不一致" in answers.warnings[-1]
    assert "不一致" in dialog.status.text()
    with city.db.sessions() as s:
        assert "430111" not in {o.code for o in exchange.known_offices(s)}

    dialog.fingerprint.setText(right.replace(" ", ""))  # typed without the gaps
    assert dialog.register()
    assert dialog.registered.code == "430111"
    keys.reload()
    assert "430111" in {row.code for row in keys.model.rows()}
    other.close()


def test_a_foreign_file_is_not_taken_for_a_card(pair, qtbot, settings, answers, tmp_path):
    window = open_window(pair["430100"], qtbot, settings, answers)
    bogus = tmp_path / "照片.json"
    bogus.write_text("{\"not\": \"a card\"}", encoding="utf-8")
    keys = window.ctx.exchange_actions.keys(show=False)
    qtbot.addWidget(keys)
    dialog = keys.trust_dialog_factory(window.ctx.runner, settings=settings, parent=keys)
    qtbot.addWidget(dialog)
    assert not dialog.open_card(bogus)
    assert "身份卡" in dialog.status.text()
    assert not dialog.register_button.isEnabled()


def test_key_rotation_needs_the_words_typed_and_changes_the_fingerprint(pair, qtbot, settings, answers):
    city = pair["430100"]
    window = open_window(city, qtbot, settings, answers)
    dialog = window.ctx.exchange_actions.keys(show=False)
    qtbot.addWidget(dialog)
    before = dialog.fingerprint_text()

    confirm = RotateConfirm(dialog)
    qtbot.addWidget(confirm)
    assert not confirm.ok.isEnabled()
    confirm.words.insert("更换")  # as typed through an input method
    assert not confirm.ok.isEnabled()
    confirm.words.setText(ROTATE_WORDS)
    assert confirm.ok.isEnabled()

    dialog.confirm_rotation = lambda _parent: False
    assert dialog.rotate() is None and dialog.fingerprint_text() == before
    dialog.confirm_rotation = lambda _parent: True
    new = dialog.rotate()
    assert new and dialog.fingerprint_text().split() == new.split() and dialog.fingerprint_text() != before
    with city.db.sessions() as s:
        assert offices.this_office(s).fingerprint.split() == new.split()
