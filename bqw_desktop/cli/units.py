"""`units` subcommands: list the office's units, add or rename units, add `system` units, delete."""

from __future__ import annotations

import argparse

from bqw_desktop.cli.common import actor_for, add_db, add_json, opened_db, print_json, print_table
from bqw_desktop.services import units
from bqw_desktop.services.units import UNIT_TIER_LABELS, UnitInfo


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("units", help="行政区划与单位：新增、更名下级单位，新增省直机关/系统单位")
    cmds = p.add_subparsers(dest="units_command", metavar="<操作>", required=True)

    q = cmds.add_parser("list", help="列出本单位管辖范围内的单位（含新增、更名的）")
    add_db(q)
    q.add_argument("--changed", action="store_true", help="只列出新增或更名的单位")
    add_json(q)
    q.set_defaults(func=cmd_list)

    q = cmds.add_parser("add", help="新增行政区划表之后设立的市州或县市区")
    add_db(q)
    q.add_argument("--code", required=True, help="6位行政区划代码，如 430182")
    q.add_argument("--name", required=True, help="单位名称，如 宁乡市")
    q.add_argument("--parent", required=True, help="上级单位代码，如 430100")
    q.add_argument("--tier", required=True, choices=["city", "county"], help="city（市州）或 county（县市区）")
    q.set_defaults(func=cmd_add)

    q = cmds.add_parser("add-system", help="新增省直机关/系统单位（仅省委组织部），代码自动编号")
    add_db(q)
    q.add_argument("--name", required=True, help="单位名称，如 省直机关工委")
    q.set_defaults(func=cmd_add_system)

    q = cmds.add_parser("rename", help="修改下级单位的名称")
    add_db(q)
    q.add_argument("--code", required=True, help="单位代码")
    q.add_argument("--name", required=True, help="新名称")
    q.set_defaults(func=cmd_rename)

    q = cmds.add_parser("remove", help="删除本单位新增的单位（无示范点、无下级单位时）")
    add_db(q)
    q.add_argument("--code", required=True, help="单位代码")
    q.set_defaults(func=cmd_remove)


def _line(unit: UnitInfo) -> str:
    return f"{unit.name}（{unit.code}，{UNIT_TIER_LABELS.get(unit.tier, unit.tier)}）"


def cmd_list(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.sessions() as s:
        rows = units.changed_units(s) if args.changed else units.list_units(s)
    if args.json:
        print_json([u.as_json() for u in rows])
        return 0
    print_table(["单位代码", "名称", "层级", "上级代码", "状态", "登记单位"],
                [[u.code, u.name, UNIT_TIER_LABELS.get(u.tier, u.tier), u.parent_code, u.status_text,
                  u.owner_name] for u in rows])
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        unit = units.add_unit(s, actor_for(db), code=args.code, name=args.name, parent_code=args.parent,
                              tier=args.tier)
    print(f"已新增单位：{_line(unit)}。")
    return 0


def cmd_add_system(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        unit = units.add_system_unit(s, actor_for(db), name=args.name)
    print(f"已新增省直机关/系统单位：{_line(unit)}。")
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        unit = units.rename_unit(s, actor_for(db), code=args.code, name=args.name)
    print(f"已更名：{_line(unit)}。")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as s:
        name = units.get_unit(s, args.code).name
        units.remove_unit(s, actor_for(db), code=args.code)
    print(f"已删除单位：{name}（{args.code.strip()}）。")
    return 0
