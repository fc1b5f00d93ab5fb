"""`bqw-desktop keys`: this office's fingerprint, its identity card, registering neighbours, rotation."""

from __future__ import annotations

import argparse
from pathlib import Path

from bqw_desktop.cli.common import actor_for, add_db, add_json, open_db, opened_db, print_json, print_table
from bqw_desktop.errors import UserError
from bqw_desktop.exchange.identity import read_identity_card
from bqw_desktop.services import exchange

TRUST_LABELS = {"self": "本单位", "direct": "直接登记", "vouched": "相邻单位担保", "none": "未登记"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("keys", help="单位密钥：查看指纹、导出身份卡、登记相邻单位、更换密钥")
    keys_sub = p.add_subparsers(dest="keys_command", metavar="<操作>", required=True)

    q = keys_sub.add_parser("show", help="显示本单位的密钥指纹和已登记的单位")
    add_db(q)
    add_json(q)
    q.set_defaults(func=cmd_show)

    q = keys_sub.add_parser("export", help="导出本单位的身份卡，交给直接上级和下级登记")
    add_db(q)
    q.add_argument("--out", required=True, help="身份卡文件（或文件夹）")
    q.set_defaults(func=cmd_export)

    q = keys_sub.add_parser("trust", help="登记直接上级或下级的身份卡（须电话核对指纹）")
    add_db(q)
    q.add_argument("file", help="对方的身份卡文件")
    q.add_argument("--fingerprint", help="对方在电话中读出的指纹（不填则提示输入）")
    q.set_defaults(func=cmd_trust)

    q = keys_sub.add_parser("rotate", help="更换本单位的密钥（旧密钥签署更换记录，随交换包传给相邻单位）")
    add_db(q)
    q.set_defaults(func=cmd_rotate)


def cmd_show(args: argparse.Namespace) -> int:
    db = open_db(args)
    with db.begin() as s:
        rows = exchange.known_offices(s)
    db.close()
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    me = rows[0]
    print(f"本单位：{me.name}（{me.code}）")
    print(f"密钥指纹：{me.fingerprint}")
    if len(rows) > 1:
        print()
        print_table(["代码", "名称", "指纹", "来源", "担保单位", "已停用密钥"],
                    [[r.code, r.name, r.fingerprint, TRUST_LABELS.get(r.trust, r.trust), r.voucher_code or "",
                      r.retired_keys] for r in rows[1:]])
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with opened_db(args) as db:
        path = exchange.export_identity(db, out=Path(args.out))
    card = read_identity_card(path)
    print(f"已导出身份卡：{path}")
    print(f"指纹：{card.fingerprint}（对方登记时请在电话中逐组读出核对）")
    return 0


def cmd_trust(args: argparse.Namespace) -> int:
    card = read_identity_card(Path(args.file))
    fingerprint = args.fingerprint
    if fingerprint is None:
        print(f"身份卡：{card.label}")
        try:
            fingerprint = input("请输入对方在电话中读出的指纹（20位数字）：")
        except EOFError:
            raise UserError("没有输入指纹，未登记。请用 --fingerprint 给出对方读出的指纹。") from None
    with opened_db(args) as db, db.begin() as s:
        office = exchange.trust_identity_card(s, actor_for(db), path=Path(args.file), fingerprint=fingerprint)
    print(f"已登记：{office.name}（{office.code}），指纹 {office.fingerprint}")
    return 0


def cmd_rotate(args: argparse.Namespace) -> int:
    with opened_db(args) as db:
        fingerprint = exchange.rotate_key(db, actor_for(db))
    print(f"已更换本单位密钥，新指纹：{fingerprint}")
    print("更换记录会随下一个交换包传给相邻单位；此后用旧密钥签名的交换包将被拒收。")
    return 0
