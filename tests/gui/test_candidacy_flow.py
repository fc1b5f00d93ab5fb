"""A candidacy from application to plaque through the 申报与创建 tab's buttons, with refusals,
undo, quota overrides and bulk steps."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog

from bqw_desktop.db.models import Quota
from bqw_desktop.gui.dialogs.bulk_steps import BatchUndoDialog
from bqw_desktop.gui.dialogs.campaign import CampaignDialog
from bqw_desktop.gui.dialogs.candidacy_editor import CandidacyEditor
from bqw_desktop.gui.dialogs.candidacy_step import StepDialog
from bqw_desktop.gui.models.candidacy_models import H_NOTE, H_STEP
from bqw_desktop.gui.models.site_table import COL_STATUS
from bqw_desktop.services import campaigns, candidacies
from bqw_desktop.services.bulk import insert_rows, owned_rows

TODAY = date.today()


def open_tab(window, title: str):
    for index in range(window.detail.count()):
        if window.detail.tabText(index) == title:
            window.detail.setCurrentIndex(index)
            return window.detail.widget(index)
    raise AssertionError(f"no tab {title}")


def set_campaign(window, *, creation_end: date) -> None:
    """Set the round's dates through the 批次与日程 dialog, as the clerk would."""
    dialog = CampaignDialog(window.ctx.runner, window.ctx.office.code, today=TODAY)
    dialog.choice.setCurrentIndex(0)  # the current round, or 新建批次 when there is none
    for key, day in (("creation_start", creation_end - timedelta(days=300)),
                     ("select_by", creation_end - timedelta(days=280)),
                     ("creation_end", creation_end), ("assess_by", creation_end + timedelta(days=40))):
        dialog.dates[key].setDate(QDate(day.year, day.month, day.day))
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()


def register_status(window, name: str) -> str:
    row = window.model.row_of(window.site_ids[name])
    return window.model.index(row, COL_STATUS).data()


class Clerk:
    """Fills the dialogs the tab opens: an application's texts, a step's reason and override."""

    def __init__(self) -> None:
        self.reason = ""
        self.override = False
        self.seen: list[QDialog] = []
        self.quota_text = ""

    def __call__(self, dialog: QDialog) -> int:
        self.seen.append(dialog)
        if isinstance(dialog, CandidacyEditor):
            dialog.level.setCurrentIndex(dialog.level.findData("county"))
            dialog.achievements.edit.setPlainText("村党总支带领群众发展乡村旅游，村集体经济收入三年翻番。")
            dialog.measures.edit.setPlainText("一是建强班子；二是发展产业；三是服务群众。")
        if isinstance(dialog, StepDialog):
            self.quota_text = dialog.quota_label.text() if not dialog.quota_label.isHidden() else ""
            dialog.reason.setPlainText(self.reason)
            dialog.override.setChecked(self.override)
        dialog.accept()
        return dialog.result()


def test_county_candidacy_from_application_to_plaque(window, answers, county_db):
    set_campaign(window, creation_end=TODAY + timedelta(days=60))
    name = "果园镇浔龙河村党总支"
    window.select_site(window.site_ids[name])
    tab = open_tab(window, "申报与创建")
    tab.exec_dialog = Clerk()
    assert tab.status_label.text() == "该示范点尚未申报。"

    editor = tab.new_candidacy()
    assert editor.result() == QDialog.DialogCode.Accepted
    assert "/2000 字" in editor.achievements.counter.text()
    assert tab.view is not None and tab.view.status == "applied"
    assert register_status(window, name) == "已申报"
    assert set(tab.step_buttons) == {"approved", "not_selected", "returned", "withdrawn"}
    assert tab.step_buttons["approved"].text() == "确定为县级创建单位"

    tab.step_buttons["approved"].click()
    assert tab.view.status == "approved" and register_status(window, name) == "已确定为创建单位"
    tab.step_buttons["creating"].click()
    assert answers.questions[-1] == f"确定对示范点“{name}”办理“启动创建”吗？"
    assert tab.view.status == "creating"
    assert "awarded" not in tab.step_buttons  # no plaque before a passed assessment

    # the creation period has not ended: assessment is refused and nothing recorded
    steps_before = len(tab.view.history)
    tab.step_buttons["passed"].click()
    assert "创建期结束前不能认定考核达标" in answers.warnings[-1]
    assert tab.view.status == "creating" and len(tab.view.history) == steps_before

    set_campaign(window, creation_end=TODAY - timedelta(days=1))
    tab.step_buttons["passed"].click()
    assert tab.view.status == "passed"
    tab.step_buttons["awarded"].click()
    assert tab.view.status == "awarded"
    assert register_status(window, name) == "已授牌"
    assert tab.status_label.text().startswith("县级申报：已授牌")
    steps = [tab.history_model.index(r, H_STEP).data() for r in range(tab.history_model.rowCount())]
    assert steps == ["申报", "确定为县级创建单位", "启动创建", "认定考核达标", "授牌"]
    assert set(tab.step_buttons) == {"retained", "eliminated"}
    with county_db.sessions() as s:
        assert [r.status for r in candidacies.list_candidacies(s)] == ["awarded"]


def test_undo_this_offices_last_step_strikes_it_through(window, answers):
    set_campaign(window, creation_end=TODAY + timedelta(days=60))
    window.select_site(window.site_ids["黄花镇党委"])
    tab = open_tab(window, "申报与创建")
    tab.exec_dialog = Clerk()
    tab.new_candidacy()
    tab.step_buttons["approved"].click()
    assert tab.undo_button.isVisible()
    assert tab.undo_button.text() == "撤销本单位的上一步（确定为县级创建单位）"
    assert tab.undo_last()
    assert "撤销本单位对示范点“黄花镇党委”办理的“确定为县级创建单位”" in answers.questions[-1]
    assert tab.view.status == "applied"
    assert register_status(window, "黄花镇党委") == "已申报"
    last = tab.history_model.rowCount() - 1
    undone = tab.history_model.index(last, H_STEP)
    assert undone.data(Qt.ItemDataRole.FontRole).strikeOut()
    assert undone.siblingAtColumn(H_NOTE).data() == "已撤销"
    assert not tab.undo_button.isVisible()


def test_returning_needs_a_reason_and_refusals_keep_what_was_typed(window, answers):
    window.select_site(window.site_ids["黄花镇党委"])
    tab = open_tab(window, "申报与创建")
    clerk = Clerk()
    tab.exec_dialog = clerk
    tab.new_candidacy()

    def stubborn(dialog: QDialog) -> int:  # presses OK once without a reason, then gives up
        dialog.accept()
        clerk.seen.append(dialog)
        return dialog.result()

    tab.exec_dialog = stubborn
    assert not tab.take_step("returned")
    dialog = clerk.seen[-1]
    assert dialog.error.text() == "请填写理由。" and tab.view.status == "applied"

    clerk.reason = "主要事迹过于笼统，请补充具体数据后重新提交。"
    tab.exec_dialog = clerk
    assert tab.take_step("returned")
    assert tab.view.status == "returned" and tab.view.waiting == "待县市区修改后重新提交"
    assert "主要事迹过于笼统" in tab.history_model.index(1, 4).data()
    assert set(tab.step_buttons) == {"applied", "withdrawn"}


def test_approval_over_quota_needs_the_override_and_a_reason(window, answers, county_db, county_actor):
    set_campaign(window, creation_end=TODAY + timedelta(days=60))
    with county_db.begin() as s:
        campaign = campaigns.current_campaign(s)
        first = candidacies.create_candidacy(s, county_actor, site_id=window.site_ids["星沙街道党工委"], level="county")
        candidacies.advance(s, county_actor, candidacy_id=first.id, to_status="approved")
    with county_db.engine.begin() as conn:  # the city's allotment, as a package from 长沙市 brings it
        insert_rows(conn, Quota, owned_rows(Quota, [{"campaign_id": campaign.id, "level": "county",
                                                     "unit_code": "430121", "organizations": 900,
                                                     "exact_share": "1.0000", "seats": 1, "reason": ""}],
                                            owner="430100", user="长沙市"))
    window.select_site(window.site_ids["湘龙街道党工委"])
    tab = open_tab(window, "申报与创建")
    clerk = Clerk()
    tab.exec_dialog = clerk
    tab.new_candidacy()
    assert tab.quota_label.text() == "名额：长沙县 县级名额 1/1"

    assert not tab.take_step("approved")
    assert "1/1" in clerk.quota_text and "名额已满" in clerk.quota_text
    assert "超额确定" in answers.warnings[-1]
    assert tab.view.status == "applied"

    clerk.override, clerk.reason = True, "该社区党建工作基础突出，经部务会研究同意超额确定。"
    assert tab.take_step("approved")
    assert tab.view.status == "approved"
    assert tab.history_model.index(tab.history_model.rowCount() - 1, H_NOTE).data() == "超额确定"
    assert tab.quota_label.text() == "名额：长沙县 县级名额 2/1"


def test_bulk_approval_of_the_filtered_sites_then_undo_the_batch(window, answers, county_db, county_actor):
    set_campaign(window, creation_end=TODAY + timedelta(days=60))
    names = ("星沙街道党工委", "湘龙街道党工委", "黄花镇党委")
    with county_db.begin() as s:
        ids = [candidacies.create_candidacy(s, county_actor, site_id=window.site_ids[n], level="county").id
               for n in names]
        candidacies.advance(s, county_actor, candidacy_id=ids[2], to_status="approved")
    window.reload_sites()
    bar = window.filter_bar
    bar.org_type.setCurrentIndex(bar.org_type.findData("subdistrict"))  # the two 街道 only

    dialog = window.ctx.lifecycle_actions.bulk_steps(show=False)
    assert dialog.scope.currentText() == "名册当前筛选结果（2个示范点）"
    dialog.level.setCurrentIndex(dialog.level.findData("county"))
    dialog.step.setCurrentIndex(dialog.step.findData("approved"))
    plan = dialog.check()
    assert plan is not None and sorted(i.site_name for i in plan.ok) == ["星沙街道党工委", "湘龙街道党工委"]
    assert dialog.summary.text() == "将对2个申报办理“已确定为创建单位”。"
    assert dialog.apply()
    assert "确定对2个申报办理“确定为县级创建单位”吗" in answers.questions[-1]
    assert register_status(window, "星沙街道党工委") == "已确定为创建单位"

    # awarding them now is refused for each with the reason
    again = window.ctx.lifecycle_actions.bulk_steps(show=False)
    again.step.setCurrentIndex(again.step.findData("creating"))
    again.check()
    assert again.apply_button.isEnabled()
    again.step.setCurrentIndex(again.step.findData("awarded"))
    again.check()
    assert "没有可以“授牌”的县级申报（另有2个申报状态不适用）" in again.summary.text()
    assert not again.apply_button.isEnabled()

    undo = BatchUndoDialog(window.ctx.runner)
    assert undo.list.count() == 1 and "批量办理“已确定为创建单位” 2个" in undo.list.item(0).text()
    assert undo.undo_selected()
    assert "（已撤销）" in undo.list.item(0).text()
    assert register_status(window, "星沙街道党工委") == "已申报"
    with county_db.sessions() as s:
        assert {r.site_name: r.status for r in candidacies.list_candidacies(s)}["黄花镇党委"] == "approved"
