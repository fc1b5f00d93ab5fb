"""The creation ledger: per-kind rules, exact funding totals, attachments that outlive entries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bqw_desktop.errors import UserError
from bqw_desktop.paths import DataFolder
from bqw_desktop.services import attachments, ledger, sites
from bqw_desktop.services.attachments import stored_path

TODAY = date(2012, 3, 1)


@pytest.fixture
def site_id(county_db, county_actor):
    with county_db.begin() as s:
        return sites.add_site(s, county_actor, name="甲村党支部", org_type="village").id


def _add(db, actor, site_id, **fields):
    fields.setdefault("entry_date", date(2011, 9, 1))
    with db.begin() as s:
        return ledger.add_entry(s, actor, site_id=site_id, today=TODAY, **fields).id


def test_funding_total_is_exact(county_db, county_actor, site_id):
    for amount in ("0.10", "0.20", Decimal("12500.5"), "1,000元"):
        _add(county_db, county_actor, site_id, kind="funding", title="阵地建设", amount_yuan=amount)
    doomed = _add(county_db, county_actor, site_id, kind="经费支持", title="误录", amount_yuan="999")
    with county_db.begin() as s:
        ledger.delete_entry(s, county_actor, doomed)
    with county_db.begin() as s:
        assert ledger.funding_total(s, site_id) == Decimal("13500.80")
        assert ledger.funding_totals(s) == {site_id: Decimal("13500.80")}
        groups = {g.kind: g for g in ledger.ledger_of(s, site_id)}
    assert groups["funding"].total_yuan == Decimal("13500.80") and len(groups["funding"].entries) == 4
    assert list(groups) == ["plan", "meeting", "funding", "honour", "publicity", "experience"]
    assert groups["meeting"].entries == () and groups["meeting"].total_yuan is None


@pytest.mark.parametrize(("amount", "message"), [
    (None, "须填写金额"), ("0", "应大于 0"), ("-5", "应大于 0"), ("1.234", "两位小数"), ("一万", "不是有效的数字"),
])
def test_bad_funding_amounts(county_db, county_actor, site_id, amount, message):
    with pytest.raises(UserError, match=message):
        _add(county_db, county_actor, site_id, kind="funding", title="经费", amount_yuan=amount)


def test_rules_per_kind(county_db, county_actor, site_id):
    with pytest.raises(UserError, match="荣誉级别未填写"):
        _add(county_db, county_actor, site_id, kind="honour", subkind="工人先锋号")
    with pytest.raises(UserError, match="类别“金牌”无效"):
        _add(county_db, county_actor, site_id, kind="honour", subkind="金牌", honour_level="省级")
    with pytest.raises(UserError, match="会议的类别未填写"):
        _add(county_db, county_actor, site_id, kind="meeting")
    with pytest.raises(UserError, match="只有“经费支持”可填写金额"):
        _add(county_db, county_actor, site_id, kind="meeting", subkind="推进会", amount_yuan="10")
    with pytest.raises(UserError, match="刊发媒体和标题"):
        _add(county_db, county_actor, site_id, kind="publicity", title="报道")
    with pytest.raises(UserError, match="晚于今天"):
        _add(county_db, county_actor, site_id, kind="experience", title="好做法", entry_date=date(2012, 3, 2))
    honour = _add(county_db, county_actor, site_id, kind="党群共建", subkind="五四红旗团委", honour_level="省级")
    meeting = _add(county_db, county_actor, site_id, kind="meeting", subkind="现场经验交流会",
                   participants="县委副书记、各乡镇组织委员", body="会议纪要……")
    plan = _add(county_db, county_actor, site_id, kind="plan", title="甲村创建实施方案")
    with county_db.begin() as s:
        rows = {r.id: r for r in ledger.entries_of(s, site_id)}
    assert (rows[honour].subkind, rows[honour].subkind_label, rows[honour].honour_level_label) == (
        "may_fourth", "五四红旗团委（团支部）", "省级")
    assert (rows[meeting].subkind_label, rows[meeting].participants) == ("现场经验交流会", "县委副书记、各乡镇组织委员")
    assert rows[plan].subkind_label == "实施方案"


def test_update_rechecks_the_entry(county_db, county_actor, site_id):
    entry = _add(county_db, county_actor, site_id, kind="funding", title="经费", amount_yuan="100")
    with county_db.begin() as s:
        ledger.update_entry(s, county_actor, entry, amount_yuan="250.50", today=TODAY)
        assert ledger.funding_total(s, site_id) == Decimal("250.50")
        with pytest.raises(UserError, match="应大于 0"):
            ledger.update_entry(s, county_actor, entry, amount_yuan="0", today=TODAY)
    with county_db.begin() as s:
        ledger.update_entry(s, county_actor, entry, kind="experience", body="经费使用的经验", today=TODAY)
        [row] = ledger.entries_of(s, site_id)
        assert row.kind == "experience" and row.amount_yuan is None
        assert ledger.funding_total(s, site_id) == Decimal("0.00")


def test_deleted_entry_keeps_a_shared_file_until_nothing_refers(county_db, county_actor, site_id, tmp_path):
    store = DataFolder(county_db.path).attachments
    minutes = tmp_path / "纪要.pdf"
    minutes.write_bytes(b"%PDF minutes")
    first = _add(county_db, county_actor, site_id, kind="meeting", subkind="推进会")
    second = _add(county_db, county_actor, site_id, kind="meeting", subkind="领导点评会")
    with county_db.begin() as s:
        link = ledger.attach_file(s, county_actor, store, entry_id=first, source=minutes)
        ledger.attach_file(s, county_actor, store, entry_id=second, source=minutes)
        sha = link.sha256
    path = stored_path(store, sha)
    with county_db.begin() as s:
        ledger.delete_entry(s, county_actor, first)
        assert attachments.prune_unreferenced(s, store) == 0
        assert ledger.entry_attachments(s, first) == []
        assert [r.attachments for r in ledger.entries_of(s, site_id)] == [1]
    assert path.is_file()
    with county_db.begin() as s:
        ledger.delete_entry(s, county_actor, second)
        assert attachments.prune_unreferenced(s, store) == 1
    assert not path.exists()


def test_unreadable_attachment_is_refused(county_db, county_actor, site_id, tmp_path):
    entry = _add(county_db, county_actor, site_id, kind="plan", title="方案")
    store = DataFolder(county_db.path).attachments
    with county_db.begin() as s, pytest.raises(UserError, match="无法读取文件"):
        ledger.attach_file(s, county_actor, store, entry_id=entry, source=tmp_path / "不存在.docx")
