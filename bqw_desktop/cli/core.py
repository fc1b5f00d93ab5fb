"""Core subcommands: init, sites, check, backup, restore."""

from __future__ import annotations

import argparse
from pathlib import Path

from bqw_desktop.cli.common import (
    actor_for,
    add_db,
    add_json,
    db_path,
    open_db,
    opened_db,
    print_json,
    print_table,
)
from bqw_desktop.db import backup as backups
from bqw_desktop.domain.vocab import LEVEL_LABELS, org_type_label
from bqw_desktop.errors import UserError
from bqw_desktop.services import checks, offices, sites


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="为一个单位新建数据库")
    add_db(p)
    p.add_argument("--tier", required=True, choices=["province", "city", "county", "system"])
    p.add_argument("--region", required=True, help="单位代码：6位行政区划代码，或省直系统代码如 430000-S01")
    p.add_argument("--name", help="单位名称（默认按区划生成，如“长沙县委组织部”）")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("sites", help="示范点登记")
    site_sub = p.add_subparsers(dest="sites_command", metavar="<操作>", required=True)
    q = site_sub.add_parser("list", help="列出示范点")
    add_db(q)
    add_json(q)
    q.set_defaults(func=cmd_sites_list)
    q = site_sub.add_parser("add", help="登记一个示范点")
    add_db(q)
    q.add_argument("--name", required=True)
    q.add_argument("--org-type", required=True, help="党组织类型：键（如 village）或中文名称")
    q.add_argument("--org-kind", help="事业单位类别：culture / health / sport / other")
    q.add_argument("--region", help="所属行政区划代码（默认本单位）")
    q.add_argument("--parent-org", default="")
    q.add_argument("--secretary", default="")
    q.add_argument("--members", help="党员人数")
    q.add_argument("--contact", default="")
    q.add_argument("--phone", default="")
    q.add_argument("--notes", default="")
    add_json(q)
    q.set_defaults(func=cmd_sites_add)

    p = sub.add_parser("check", help="运行全部完整性检查")
    add_db(p)
    add_json(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backup", help="备份数据库")
    add_db(p)
    p.add_argument("--out", required=True, help="备份文件")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="从备份恢复数据库（恢复前自动备份当前数据库）")
    add_db(p)
    p.add_argument("file", help="备份文件")
    p.set_defaults(func=cmd_restore)


def cmd_init(args: argparse.Namespace) -> int:
    path = db_path(args)
    db = offices.init_office(path, tier=args.tier, code=args.region, name=args.name)
    with db.begin() as s:
        office = offices.this_office(s)
    db.close()
    print(f"已建立数据库：{path}")
    print(f"本单位：{office.name}（{office.code}），密钥指纹：{office.fingerprint}")
    return 0


def cmd_sites_list(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        rows = sites.list_sites(s)
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    print_table(
        ["编号", "名称", "党组织类型", "区划", "级别", "状态"],
        [[r.id, r.name, org_type_label(r.org_type, r.org_kind), r.region_code,
          LEVEL_LABELS.get(r.level or "", ""), r.status or ""] for r in rows],
    )
    return 0


def cmd_sites_add(args: argparse.Namespace) -> int:
    fields = {"name": args.name, "org_type": args.org_type, "org_kind": args.org_kind,
              "parent_org": args.parent_org, "secretary": args.secretary,
              "member_count": args.members, "contact": args.contact, "phone": args.phone,
              "notes": args.notes}
    if args.region:
        fields["region_code"] = args.region
    with opened_db(args) as db, db.begin() as s:
        site_id = sites.add_site(s, actor_for(db), **fields).id
    if args.json:
        print_json({"id": site_id})
    else:
        print(site_id)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    path = db_path(args)
    problems = checks.run_all(path)
    if args.json:
        print_json({"ok": not problems, "problems": problems})
    elif problems:
        for problem in problems:
            print(problem)
    else:
        print("检查通过：数据库完整，审计日志衔接，记录校验值一致。")
    if problems:
        raise UserError(f"发现 {len(problems)} 个问题。")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    path = db_path(args)
    open_db(args).close()  # refuses a foreign or damaged file before copying it
    out = backups.backup_to(path, Path(args.out))
    print(f"已备份到：{out}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    safety = backups.restore(db_path(args), Path(args.file))
    print(f"已从“{args.file}”恢复。恢复前的数据库已备份到：{safety}")
    return 0
