"""`bqw-desktop exchange`: export, verify and import packages; history and conflicts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bqw_desktop.cli.common import actor_for, add_db, add_json, open_db, opened_db, print_json, print_table
from bqw_desktop.services import exchange


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("exchange", help="交换数据包：导出、验证、导入、冲突")
    ex_sub = p.add_subparsers(dest="exchange_command", metavar="<操作>", required=True)

    q = ex_sub.add_parser("export", help="导出发给直接上级或下级的交换包")
    add_db(q)
    q.add_argument("--to", required=True, metavar="OFFICE", help="接收单位代码，如 430100")
    q.add_argument("--out", required=True, help="交换包文件（或文件夹）")
    add_json(q)
    q.set_defaults(func=cmd_export)

    q = ex_sub.add_parser("verify", help="验证交换包（不写入任何内容）")
    add_db(q)
    q.add_argument("file", help="交换包文件")
    add_json(q)
    q.set_defaults(func=cmd_verify)

    q = ex_sub.add_parser("import", help="导入交换包（导入前自动备份）")
    add_db(q)
    q.add_argument("file", help="交换包文件")
    q.add_argument("--dry-run", action="store_true", help="只预览将发生的变化，不写入")
    add_json(q)
    q.set_defaults(func=cmd_import)

    q = ex_sub.add_parser("conflicts", help="列出待处理的冲突")
    add_db(q)
    add_json(q)
    q.set_defaults(func=cmd_conflicts)

    q = ex_sub.add_parser("resolve", help="处理一个冲突：local 保留本机、incoming 采用来件、acknowledge 已知悉分叉")
    add_db(q)
    q.add_argument("id", type=int, help="冲突编号")
    q.add_argument("choice", choices=["local", "incoming", "acknowledge"])
    q.set_defaults(func=cmd_resolve)

    q = ex_sub.add_parser("history", help="列出已发出和已导入的交换包")
    add_db(q)
    add_json(q)
    q.set_defaults(func=cmd_history)


def cmd_export(args: argparse.Namespace) -> int:
    with opened_db(args) as db:
        result = exchange.export_package(db, actor_for(db), to_code=args.to.strip(), out=Path(args.out))
    if args.json:
        print_json(result.as_json())
    else:
        print(result.describe())
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    with opened_db(args) as db:
        result = exchange.verify_file(db, Path(args.file))
    if args.json:
        print_json(result.as_json())
    else:
        print("验证通过。" + result.describe())
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    with opened_db(args) as db:
        actor = actor_for(db)
        if args.dry_run:
            report = exchange.preview_import(db, actor, Path(args.file))
        else:
            report = exchange.import_package(db, actor, Path(args.file))
    if args.json:
        print_json(report.as_json())
    else:
        print(report.describe())
    if not report.accepted:
        print("bqw-desktop: 交换包含有发送单位无权发送的记录，不能导入：" + "；".join(report.refused[:3]),
              file=sys.stderr)
        return 1
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    db = open_db(args)
    with db.begin() as s:
        rows = exchange.list_conflicts(s)
        duplicates = exchange.list_duplicates(s)
    db.close()
    if args.json:
        print_json({"conflicts": [c.as_json() for c in rows], "duplicates": [d.as_json() for d in duplicates]})
        return 0
    if not rows and not duplicates:
        print("没有待处理的冲突。")
        return 0
    if rows:
        print_table(["编号", "类型", "示范点", "说明"],
                    [[c.id, "分叉" if c.kind == "fork" else "版本冲突", c.site_name, c.description] for c in rows])
    if duplicates:
        print()
        print_table(["编号", "疑似重复的示范点", "区划"], [[d.id, d.name, d.region_code] for d in duplicates])
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        row = exchange.resolve_conflict(s, actor_for(db), args.id, args.choice)
    print(f"冲突 {row.id} 已处理（{row.resolution}）。")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    db = open_db(args)
    with db.begin() as s:
        rows = exchange.package_history(s)
    db.close()
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    table = []
    for r in rows:
        peer = r.recipient_code if r.direction == "sent" else r.sender_code
        table.append([r.at, "发出" if r.direction == "sent" else "收到", f"{r.peer_name}（{peer}）", r.sequence,
                      r.record_count, r.attachment_count, r.file_name])
    print_table(["时间", "方向", "对方", "序号", "记录数", "附件数", "文件"], table)
    return 0
