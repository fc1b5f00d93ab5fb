"""`quota` subcommands: allocate places, adjust them, show usage, enter organization counts."""

from __future__ import annotations

import argparse

from bqw_desktop.cli.common import actor_for, add_db, add_json, opened_db, print_json, print_table
from bqw_desktop.domain import quota as rules
from bqw_desktop.domain.vocab import LEVEL_LABELS
from bqw_desktop.errors import UserError
from bqw_desktop.services import quotas

LEVELS = ["county", "city", "province"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("quota", help="示范点名额：按基层党组织数分配、调整、使用情况")
    cmds = p.add_subparsers(dest="quota_command", metavar="<操作>", required=True)

    q = cmds.add_parser("allocate", help="按最大余额法提出名额分配方案（加 --save 保存）")
    add_db(q)
    q.add_argument("--level", required=True, choices=LEVELS)
    q.add_argument("--total", type=int, help="名额总数（默认：通知规定的总数，或上级分配给本单位的名额）")
    q.add_argument("--adjust", nargs=3, action="append", metavar=("UNIT", "SEATS", "REASON"),
                   help="保存前调整某单位的名额并说明理由（可重复）")
    q.add_argument("--save", action="store_true", help="保存为本单位的名额分配")
    add_json(q)
    q.set_defaults(func=cmd_allocate)

    q = cmds.add_parser("adjust", help="调整已保存的某单位名额（须说明理由）")
    add_db(q)
    q.add_argument("--level", required=True, choices=LEVELS)
    q.add_argument("--unit", required=True)
    q.add_argument("--seats", required=True, type=int)
    q.add_argument("--reason", required=True)
    q.set_defaults(func=cmd_adjust)

    q = cmds.add_parser("usage", help="各单位名额使用情况（已确定/已分配）")
    add_db(q)
    q.add_argument("--level", required=True, choices=LEVELS)
    add_json(q)
    q.set_defaults(func=cmd_usage)

    q = cmds.add_parser("orgs", help="各单位基层党组织数")
    orgs = q.add_subparsers(dest="orgs_command", metavar="<操作>", required=True)
    r = orgs.add_parser("set", help="录入一个单位的基层党组织数")
    add_db(r)
    r.add_argument("--unit", required=True, help="单位代码")
    r.add_argument("--count", required=True, help="基层党组织数")
    r.set_defaults(func=cmd_orgs_set)
    r = orgs.add_parser("list", help="列出已录入的基层党组织数")
    add_db(r)
    add_json(r)
    r.set_defaults(func=cmd_orgs_list)


def cmd_allocate(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        plan = quotas.propose_allocation(s, level=args.level, total=args.total)
        for unit, seats, reason in args.adjust or ():
            if not seats.lstrip("-").isdigit():
                raise UserError(f"单位“{unit}”的名额应为整数，现为“{seats}”。")
            plan = quotas.adjusted(plan, unit_code=unit, seats=int(seats), reason=reason)
        changed = quotas.save_allocation(s, actor_for(db), plan=plan) if args.save else None
    if args.json:
        print_json({"level": plan.level, "total": plan.allocation.total, "assigned": plan.allocation.assigned,
                    "units": plan.as_json(), "missing_counts": list(plan.missing_counts),
                    "saved": args.save})
        return 0
    print(f"{LEVEL_LABELS[plan.level]}示范点名额分配（最大余额法）：{plan.summary}")
    rows = plan.rows()
    print_table(list(rules.ALLOCATION_COLUMNS), [[row[c] for c in rules.ALLOCATION_COLUMNS] for row in rows])
    if plan.missing_counts:
        print(f"提示：{len(plan.missing_counts)}个单位尚未录入基层党组织数，暂按0计：{'、'.join(plan.missing_counts)}")
    if changed is not None:
        print(f"已保存（{changed}个单位的名额有变化）。")
    return 0


def cmd_adjust(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        row = quotas.adjust_quota(s, actor_for(db), level=args.level, unit_code=args.unit, seats=args.seats,
                                  reason=args.reason)
        seats = row.seats
    print(f"已调整：单位 {args.unit} 的{LEVEL_LABELS[args.level]}示范点名额为 {seats} 个。")
    return 0


def cmd_usage(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        lines = quotas.lines(s, level=args.level)
    if args.json:
        print_json([{"unit_code": ln.unit_code, "name": ln.unit_name, "used": ln.used, "allotted": ln.allotted}
                    for ln in lines])
        return 0
    print_table(["单位代码", "单位名称", "已确定", "名额"],
                [[ln.unit_code, ln.unit_name, ln.used, "未分配" if ln.allotted is None else ln.allotted]
                 for ln in lines])
    return 0


def cmd_orgs_set(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        row = quotas.set_org_count(s, actor_for(db), unit_code=args.unit, organizations=args.count)
        count = row.organizations
    print(f"已录入：单位 {args.unit} 基层党组织数 {count} 个。")
    return 0


def cmd_orgs_list(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        counts = quotas.org_counts(s)
        names = {code: quotas.unit_name(s, code) for code in counts}
    if args.json:
        print_json([{"unit_code": c, "name": names[c], "organizations": n} for c, n in sorted(counts.items())])
        return 0
    print_table(["单位代码", "单位名称", "基层党组织数"], [[c, names[c], n] for c, n in sorted(counts.items())])
    return 0
