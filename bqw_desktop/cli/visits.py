"""`bqw-desktop visits …`: overdue checks, a site's visit history, recording and closing."""

from __future__ import annotations

import argparse
from datetime import date

from bqw_desktop.cli.common import actor_for, add_db, add_json, open_db, print_json, print_table
from bqw_desktop.domain.liaison import VISIT_KIND_LABELS
from bqw_desktop.errors import UserError
from bqw_desktop.services import visits
from bqw_desktop.services.visits import RectificationInput


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("visits", help="联系指导：走访检查、整改事项与逾期清单")
    v = p.add_subparsers(dest="visits_command", metavar="<操作>", required=True)

    q = v.add_parser("overdue", help="列出超过走访间隔未走访的示范点和逾期未销号的整改事项")
    add_db(q)
    add_json(q)
    _add_today(q)
    q.set_defaults(func=cmd_overdue)

    q = v.add_parser("list", help="列出一个示范点的走访记录及整改事项")
    add_db(q)
    add_json(q)
    _add_today(q)
    q.add_argument("--site", required=True, metavar="ID", help="示范点编号")
    q.set_defaults(func=cmd_list)

    q = v.add_parser("add", help="登记一次走访")
    add_db(q)
    add_json(q)
    _add_today(q)
    q.add_argument("--site", required=True, metavar="ID", help="示范点编号")
    q.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="走访日期")
    q.add_argument("--kind", required=True, help=f"走访类型：{'、'.join(VISIT_KIND_LABELS.values())}（或其英文键）")
    q.add_argument("--visitors", required=True, help="走访人员")
    q.add_argument("--observations", default="", help="看到的情况")
    q.add_argument("--problems", default="", help="发现的问题")
    q.add_argument("--rectify", action="append", default=[], metavar="事项|期限[|责任人]",
                   help="整改事项，如 “补齐会议记录|2012-04-30|村支书”；可重复")
    q.set_defaults(func=cmd_add)

    q = v.add_parser("close", help="整改事项销号")
    add_db(q)
    _add_today(q)
    q.add_argument("--rectification", required=True, metavar="ID", help="整改事项编号")
    q.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="销号日期")
    q.add_argument("--evidence", required=True, help="整改完成情况或佐证说明")
    q.set_defaults(func=cmd_close)

    q = v.add_parser("policy", help="查看或设置走访间隔（天）")
    add_db(q)
    q.add_argument("--days", help="每个示范点至少每隔多少天走访一次（如每季度一次：90）")
    q.set_defaults(func=cmd_policy)


def _add_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="按这一天计算（默认今天）")


def parse_date(text: str | None, *, field: str) -> date:
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise UserError(f"“{field}”的日期“{text}”格式不对，应为 年-月-日，如 2012-04-30。") from None


def _today(args: argparse.Namespace) -> date:
    return parse_date(args.today, field="--today") if getattr(args, "today", None) else date.today()


def parse_rectification(text: str) -> RectificationInput:
    parts = [part.strip() for part in text.split("|")]
    if len(parts) not in (2, 3) or not parts[0]:
        raise UserError(f"整改事项“{text}”格式不对，应为 “事项|期限[|责任人]”。")
    return RectificationInput(parts[0], parse_date(parts[1], field="整改期限"), parts[2] if len(parts) == 3 else "")


def cmd_overdue(args: argparse.Namespace) -> int:
    today = _today(args)
    db = open_db(args)
    with db.begin() as s:
        interval = visits.visit_interval(s)
        sites = visits.overdue_visits(s, today=today)
        items = visits.overdue_rectifications(s, today=today)
    db.close()
    if args.json:
        print_json({"today": today.isoformat(), "interval_days": interval,
                    "sites": [r.as_json() for r in sites], "rectifications": [r.as_json() for r in items]})
        return 0
    print(f"截至 {today.isoformat()}，走访间隔 {interval} 天：{len(sites)} 个示范点逾期未走访，"
          f"{len(items)} 项整改逾期未销号。")
    if sites:
        print()
        print_table(["示范点编号", "示范点", "区划", "上次走访", "应走访日期", "逾期天数", "联络员"],
                    [[r.site_id, r.site_name, r.region_code, r.last_visit or "从未走访", r.next_due or "立即",
                      r.days_overdue if r.days_overdue is not None else "", r.liaison] for r in sites])
    if items:
        print()
        print_table(["整改事项编号", "示范点", "整改事项", "整改期限", "逾期天数", "责任人", "登记单位"],
                    [[r.id, r.site_name, r.description, r.due_date, r.days_overdue, r.responsible, r.owner_office]
                     for r in items])
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    today = _today(args)
    db = open_db(args)
    with db.begin() as s:
        history = visits.visit_history(s, args.site.strip(), today=today)
    db.close()
    if args.json:
        print_json([v.as_json() for v in history])
        return 0
    rows = []
    for v in history:
        rows.append([v.id, v.visit_date, v.kind_label, v.visitors, v.problems, "", "", ""])
        for r in v.rectifications:
            rows.append(["", "", "", "", "", r.description, r.due_date, r.status_label])
    print_table(["走访编号", "日期", "类型", "走访人员", "发现的问题", "整改事项", "整改期限", "状态"], rows)
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    today = _today(args)
    items = [parse_rectification(text) for text in args.rectify]
    visit_date = parse_date(args.date, field="--date")
    db = open_db(args)
    with db.begin() as s:
        visit = visits.record_visit(s, actor_for(db), site_id=args.site.strip(), visit_date=visit_date,
                                    kind=args.kind, visitors=args.visitors, observations=args.observations,
                                    problems=args.problems, rectifications=items, today=today)
        visit_id = visit.id
    db.close()
    if args.json:
        print_json({"id": visit_id})
    else:
        print(visit_id)
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    today = _today(args)
    closed_on = parse_date(args.date, field="--date")
    db = open_db(args)
    with db.begin() as s:
        closing = visits.close_rectification(s, actor_for(db), rectification_id=args.rectification.strip(),
                                             closed_on=closed_on, evidence=args.evidence, today=today)
        closing_id = closing.id
    db.close()
    print(closing_id)
    return 0


def cmd_policy(args: argparse.Namespace) -> int:
    db = open_db(args)
    with db.begin() as s:
        if args.days is not None:
            visits.set_visit_interval(s, actor_for(db), args.days)
        days = visits.visit_interval(s)
    db.close()
    print(f"走访间隔：{days} 天")
    return 0
