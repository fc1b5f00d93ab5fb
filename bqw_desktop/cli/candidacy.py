"""`candidacy` subcommands: register, list, advance, history, reverse, bulk steps, due list.

A refused step prints the Chinese reason and exits 1; nothing is changed.
"""

from __future__ import annotations

import argparse
from datetime import date

from bqw_desktop.cli.common import actor_for, add_db, add_json, opened_db, print_json, print_table
from bqw_desktop.domain.lifecycle import STATUS_LABELS, Status
from bqw_desktop.errors import UserError
from bqw_desktop.services import campaigns, candidacies, due


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”格式不对，应为 YYYY-MM-DD。") from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("candidacy", help="示范点申报与审定（申报、推荐、审定、考核、授牌、复评）")
    cmds = p.add_subparsers(dest="candidacy_command", metavar="<操作>", required=True)
    statuses = "、".join(f"{s.value}（{STATUS_LABELS[s]}）" for s in Status)

    q = cmds.add_parser("create", help="登记一个示范点的申报")
    add_db(q)
    q.add_argument("--site", required=True, help="示范点编号")
    q.add_argument("--level", required=True, choices=["county", "city", "province"])
    q.add_argument("--achievements", default="", help="主要事迹（约2000字以内）")
    q.add_argument("--measures", default="", help="创建目标和措施")
    q.add_argument("--applied-on", type=_date, help="申报日期 YYYY-MM-DD（默认今天）")
    add_json(q)
    q.set_defaults(func=cmd_create)

    q = cmds.add_parser("list", help="列出申报")
    add_db(q)
    q.add_argument("--level", choices=["county", "city", "province"])
    q.add_argument("--status", help="只列出该状态")
    add_json(q)
    q.set_defaults(func=cmd_list)

    q = cmds.add_parser("advance", help="办理一步（推荐、审定、考核、授牌、复评、撤回…）")
    add_db(q)
    q.add_argument("--id", required=True, help="申报编号")
    q.add_argument("--to", required=True, help=f"变更为：{statuses}")
    q.add_argument("--reason", help="理由（退回、未入选、考核未达标、淘汰和超额确定时必填）")
    q.add_argument("--override-quota", action="store_true", help="超出名额仍确定（须填写理由）")
    q.add_argument("--date", type=_date, help="办理日期 YYYY-MM-DD（默认今天）")
    add_json(q)
    q.set_defaults(func=cmd_advance)

    q = cmds.add_parser("history", help="申报的办理记录")
    add_db(q)
    q.add_argument("--id", required=True, help="申报编号")
    add_json(q)
    q.set_defaults(func=cmd_history)

    q = cmds.add_parser("reverse", help="撤销本单位的一步办理（其后尚无办理时）")
    add_db(q)
    q.add_argument("--transition", required=True, help="办理记录编号（见 history）")
    q.add_argument("--reason", default="")
    q.set_defaults(func=cmd_reverse)

    q = cmds.add_parser("bulk", help="批量办理：先列出将办理哪些，加 --yes 才记录")
    add_db(q)
    q.add_argument("--id", dest="ids", action="append", required=True, help="申报编号（可重复）")
    q.add_argument("--to", required=True, help=f"变更为：{statuses}")
    q.add_argument("--reason")
    q.add_argument("--override-quota", action="store_true")
    q.add_argument("--date", type=_date)
    q.add_argument("--yes", action="store_true", help="确认办理")
    add_json(q)
    q.set_defaults(func=cmd_bulk)

    q = cmds.add_parser("reverse-batch", help="撤销本单位的一批批量办理")
    add_db(q)
    q.add_argument("--batch", required=True, help="批次编号（bulk 输出）")
    q.add_argument("--reason", default="")
    q.set_defaults(func=cmd_reverse_batch)

    q = cmds.add_parser("due", help="到期和逾期事项（30天内）")
    add_db(q)
    q.add_argument("--today", type=_date, help="以该日为今天 YYYY-MM-DD")
    q.add_argument("--days", type=int, default=30, help="提前天数（默认30）")
    add_json(q)
    q.set_defaults(func=cmd_due)

    q = cmds.add_parser("campaign", help="批次日期：查看，或设置默认批次（通知规定的日期）")
    add_db(q)
    q.add_argument("--ensure", action="store_true", help="尚无批次时按通知日期建立")
    add_json(q)
    q.set_defaults(func=cmd_campaign)


def cmd_create(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        cand = candidacies.create_candidacy(s, actor_for(db), site_id=args.site, level=args.level,
                                            achievements=args.achievements, measures=args.measures,
                                            applied_on=args.applied_on)
        cid, note = cand.id, candidacies.achievements_note(cand.achievements)
    if args.json:
        print_json({"id": cid, "status": "applied", "note": note})
    else:
        print(cid)
        if note:
            print(note)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    status = candidacies.parse_status(args.status).value if args.status else None
    with opened_db(args) as db, db.begin() as s:
        rows = candidacies.list_candidacies(s, level=args.level, status=status)
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    print_table(["编号", "示范点", "级别", "状态", "待办"],
                [[r.id, r.site_name, r.level_label, r.status_label, r.waiting] for r in rows])
    return 0


def cmd_advance(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        result = candidacies.advance(s, actor_for(db), candidacy_id=args.id, to_status=args.to,
                                     reason=args.reason, override_quota=args.override_quota, today=args.date)
        line = candidacies.quota_line(s, args.id) if result.status == Status.APPROVED else None
    if args.json:
        print_json({"transition_id": result.transition_id, "candidacy_id": result.candidacy_id,
                    "status": result.status, "quota_override": result.quota_override,
                    "quota": None if line is None else {"unit_code": line.unit_code, "used": line.used,
                                                        "allotted": line.allotted}})
        return 0
    print(f"已办理：{candidacies.status_label(result.status)}（办理记录 {result.transition_id}）")
    if line is not None:
        print(line.text)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        rows = candidacies.history(s, args.id)
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    places = {"chain": "", "fork": "冲突", "dangling": "冲突（上一步已撤销或未收到）", "reversed": "已撤销"}
    print_table(["办理记录", "日期", "单位", "办理人", "状态", "理由", "说明"],
                [[r.transition_id or "", r.acted_on or "", r.office_name, r.user, r.status_label, r.reason,
                  places[r.place] + ("（超额确定）" if r.quota_override else "")] for r in rows])
    return 0


def cmd_reverse(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        status = candidacies.reverse(s, actor_for(db), transition_id=args.transition, reason=args.reason)
    print(f"已撤销。申报当前状态：{candidacies.status_label(status)}")
    return 0


def cmd_bulk(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        actor = actor_for(db)
        plan = candidacies.plan_bulk(s, actor, candidacy_ids=args.ids, to_status=args.to, reason=args.reason,
                                     override_quota=args.override_quota, today=args.date)
        result = None
        if args.yes:
            result = candidacies.apply_bulk(s, actor, candidacy_ids=args.ids, to_status=args.to,
                                            reason=args.reason, override_quota=args.override_quota,
                                            today=args.date, confirmed=[i.candidacy_id for i in plan.ok])
    if args.json:
        print_json({"to_status": plan.to_status, "ok": [i.candidacy_id for i in plan.ok],
                    "refused": [{"id": r.candidacy_id, "site_name": r.site_name, "reason": r.reason}
                                for r in plan.refused],
                    "batch_id": result.batch_id if result else None})
        return 0
    print(plan.summary)
    for item in plan.ok:
        print(f"  办理：{item.site_name}（{item.candidacy_id}）")
    for refusal in plan.refused:
        print(f"  不能办理：{refusal.reason}")
    if result is None:
        print("未作变更；确认无误后加 --yes 办理。")
    else:
        print(f"已办理 {len(result.transition_ids)} 个，批次编号 {result.batch_id}（可用 reverse-batch 撤销）")
    return 0


def cmd_reverse_batch(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        count = candidacies.reverse_bulk(s, actor_for(db), batch_id=args.batch, reason=args.reason)
    print(f"已撤销这批办理中的 {count} 步。")
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    if args.days < 0:
        raise UserError("提前天数不能为负数。")
    with opened_db(args) as db, db.begin() as s:
        rows = due.due_and_overdue(s, today=args.today or date.today(), window_days=args.days)
    if args.json:
        print_json([{"kind": r.kind, "label": r.label, "due": r.due.isoformat(), "days": r.days,
                     "overdue": r.overdue, "subject": r.subject, "detail": r.detail,
                     "record_type": r.record_type, "record_id": r.record_id, "site_id": r.site_id} for r in rows])
        return 0
    print_table(["事项", "到期日", "情况", "对象", "说明"],
                [[r.label, r.due.isoformat(), r.when_text, r.subject, r.detail] for r in rows])
    return 0


def cmd_campaign(args: argparse.Namespace) -> int:
    with opened_db(args) as db:
        current: campaigns.CampaignInfo | None
        with db.begin() as s:
            if args.ensure:
                current = campaigns.ensure_default_campaign(s, actor_for(db))
            else:
                current = campaigns.current_campaign(s)
    if current is None:
        raise UserError("尚未设置批次；可加 --ensure 按通知规定的日期建立。")
    if args.json:
        print_json(current.as_json())
    else:
        print(campaigns.describe(current))
    return 0
