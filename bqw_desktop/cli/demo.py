"""`bqw-desktop demo`: write a demonstration database."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from bqw_desktop.errors import UserError

# Chinese names of the tables the demo fills, for the summary; others print as they are.
TABLE_LABELS = {
    "sites": "示范点", "ticks": "自评条目", "candidacies": "申报", "transitions": "流转步骤",
    "campaigns": "批次", "quotas": "名额", "org_counts": "党组织数", "people": "人员",
    "assignments": "联系分工", "visits": "检查指导", "rectifications": "整改事项",
    "rectification_closings": "整改销号", "ledger_entries": "台账", "verdicts": "评审意见",
    "attachment_links": "附件关联", "attachments": "附件文件", "units": "增设或更名单位",
    "offices": "已知单位", "office_keys": "单位公钥", "certificates": "证书",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="生成一个演示数据库（虚构的示范点等全部数据）")
    p.add_argument("--db", dest="sub_db", metavar="PATH", required=True, help="新数据库文件（不能已存在）")
    p.add_argument("--scale", default="county", choices=["county", "city", "province"],
                   help="演示单位层级：county 县市区（默认）、city 市州、province 全省")
    p.add_argument("--region", metavar="CODE",
                   help="演示单位的行政区划代码（默认：长沙县 430121、长沙市 430100 或湖南省 430000）")
    p.add_argument("--seed", type=int, default=2011, help="随机种子：相同种子生成相同的名称（默认 2011）")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="把演示数据的“今天”定在这一天（默认今天）")
    p.set_defaults(func=cmd_demo)


def parse_today(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"日期“{text}”格式不对，应为 年-月-日，如 2025-06-15。") from None


def _progress(label: str, done: int, total: int) -> None:
    print(f"[{done}/{total}] {label}：完成", file=sys.stderr, flush=True)


def cmd_demo(args: argparse.Namespace) -> int:
    from bqw_desktop.services.demo import create_demo

    today = parse_today(args.today)
    report = create_demo(Path(args.sub_db), scale=args.scale, region=args.region, seed=args.seed,
                         today=today, progress=_progress)
    print(f"已生成演示数据库：{report.path}（单位代码 {report.office_code}，用时 {report.seconds:.1f} 秒）")
    for table, count in report.counts.items():
        print(f"{TABLE_LABELS.get(table, table)}（{table}）\t{count}")
    return 0
