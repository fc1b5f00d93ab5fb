"""`bqw-desktop print …` (documents as PDF) and `bqw-desktop certificate …` (verify, list, revoke).

Exit codes of `certificate verify`: 0 genuine (and current, or not known otherwise here —
the message says which), 2 altered or forged, 3 revoked or no longer current, 4 the issuing
office's key is not known here; 1 for a refused command, as everywhere.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from bqw_desktop.cli.common import actor_for, add_db, add_json, opened_db, print_json, print_table
from bqw_desktop.errors import UserError
from bqw_desktop.printing.certificate import CertificateOptions
from bqw_desktop.printing.fonts import FontSet
from bqw_desktop.services import certificates, printing


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("print", help="打印文书（PDF）：推荐表、证书、牌匾制作单、督查记录表、一点一档、名单")
    p.add_argument("kind", choices=list(printing.KINDS),
                   help="；".join(f"{k}：{v}" for k, v in printing.KINDS.items()))
    add_db(p)
    p.add_argument("--site", action="append", default=[], metavar="ID",
                   help="示范点编号（可重复）；按需取其最近的申报、授牌或走访")
    p.add_argument("--candidacy", metavar="ID", help="申报编号（推荐表、证书、牌匾制作单）")
    p.add_argument("--visit", metavar="ID", help="走访记录编号（督查记录表）")
    p.add_argument("--all-awarded", action="store_true", help="全部已授牌的示范点（证书、牌匾制作单、名单）")
    p.add_argument("--level", help="级别：county/city/province（或 县级/市级/省级）")
    p.add_argument("--status", help="申报状态（名单），如 creating 或 创建中")
    p.add_argument("--region", metavar="CODE", help="只含该行政区划（含下级）的示范点")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="输出的 PDF 文件；与 --per-site 同用时为文件夹")
    p.add_argument("--per-site", action="store_true", help="每个示范点一个 PDF，写入 --out 指定的文件夹")
    p.add_argument("--title-font", metavar="PATH", help="标题字体文件（.ttf/.ttc），如 方正小标宋")
    p.add_argument("--body-font", metavar="PATH", help="正文字体文件（.ttf/.ttc），如 仿宋_GB2312")
    p.add_argument("--offset", metavar="右,上", help="证书打印偏移（毫米），如 2,-1.5")
    p.add_argument("--no-border", action="store_true", help="证书不印边框（用于已印边框的证书纸）")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="打印日期（默认今天）")
    p.set_defaults(func=cmd_print)

    c = sub.add_parser("certificate", help="证书：核验二维码内容、列出、作废")
    cs = c.add_subparsers(dest="certificate_command", metavar="<操作>", required=True)
    q = cs.add_parser("verify", help="核验证书二维码中的文字（“-”表示从标准输入读取）")
    add_db(q)
    add_json(q)
    q.add_argument("text", help="扫码得到的全部文字，或 - 从标准输入读取")
    q.set_defaults(func=cmd_verify)
    q = cs.add_parser("list", help="列出本机已知的证书")
    add_db(q)
    add_json(q)
    q.set_defaults(func=cmd_list)
    q = cs.add_parser("revoke", help="作废一张本单位签发的证书（编号保留，不再使用）")
    add_db(q)
    q.add_argument("--number", required=True, help="证书编号")
    q.add_argument("--reason", required=True, help="作废原因")
    q.set_defaults(func=cmd_revoke)


def parse_offset(text: str | None) -> tuple[float, float]:
    """"2,-1.5" → (2.0, -1.5) millimetres; UserError for anything else or beyond ±30 mm."""
    if not text:
        return (0.0, 0.0)
    parts = text.replace("，", ",").split(",")
    try:
        x, y = (float(v) for v in parts)
    except ValueError:
        raise UserError(f"打印偏移“{text}”格式不对，应为 “右,上” 两个毫米数，如 2,-1.5。") from None
    if abs(x) > 30 or abs(y) > 30:
        raise UserError(f"打印偏移“{text}”过大，每个方向不应超过 30 毫米。")
    return (x, y)


def _fonts(args: argparse.Namespace) -> FontSet | None:
    if not (args.title_font or args.body_font):
        return None
    return FontSet.with_system_fonts(title_path=args.title_font, body_path=args.body_font)


def _today(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"“--today”的日期“{text}”格式不对，应为 年-月-日，如 2012-06-28。") from None


def cmd_print(args: argparse.Namespace) -> int:
    request = printing.PrintRequest(
        kind=args.kind, site_ids=tuple(args.site), candidacy_id=args.candidacy, visit_id=args.visit,
        all_awarded=args.all_awarded, level=args.level, status=args.status, region=args.region,
        skip_missing=len(args.site) > 1, today=_today(args.today),
    )
    needs_target = args.kind in ("nomination", "inspection", "dossier") or \
        (args.kind in ("certificate", "plaque") and not args.all_awarded)
    if needs_target and not (args.site or args.candidacy or args.visit):
        raise UserError(f"打印{printing.KINDS[args.kind]}须指定示范点（--site）"
                        + ("或申报（--candidacy）。" if args.kind != "inspection" else "或走访记录（--visit）。"))
    options = CertificateOptions(offset_mm=parse_offset(args.offset), border=not args.no_border)
    fonts = _fonts(args)
    with opened_db(args) as db:
        result = printing.make_document(db, actor_for(db), request, Path(args.out), per_site=args.per_site,
                                        fonts=fonts, options=options)
    label = printing.KINDS[args.kind]
    where = result.paths[0] if len(result.paths) == 1 else Path(args.out)
    print(f"已生成{label} {result.documents} 份：{where}")
    if result.certificate_numbers:
        numbers = result.certificate_numbers
        shown = "、".join(numbers[:5]) + (f" 等 {len(numbers)} 个" if len(numbers) > 5 else "")
        print(f"证书编号：{shown}")
    for reason in result.skipped:
        print(f"未打印：{reason}", file=sys.stderr)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    with opened_db(args) as db, db.sessions() as session:
        result = certificates.verify_text(session, text)
    if args.json:
        cert = result.certificate
        print_json({"status": result.status, "ok": result.ok, "message": result.message,
                    "certificate": None if cert is None else {
                        "number": cert.number, "site_name": cert.site_name, "level": cert.level,
                        "award_date": cert.award_date.isoformat(), "issuer": cert.issuer}})
    else:
        print(result.message, file=sys.stdout if result.ok else sys.stderr)
    return result.exit_code


def cmd_list(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.sessions() as session:
        rows = certificates.list_certificates(session)
    if args.json:
        print_json([r.as_json() for r in rows])
    else:
        print_table(["编号", "单位", "级别", "授牌日期", "签发", "状态"],
                    [[r.number, r.site_name, r.level, r.award_date, r.issuer,
                      f"已作废：{r.revoked_reason}" if r.revoked else "有效"] for r in rows])
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    with opened_db(args) as db, db.begin() as session:
        cert = certificates.revoke(session, actor_for(db), number=args.number, reason=args.reason)
        number = cert.number
    print(f"证书 {number} 已作废；该编号不再使用，补发证书将取得新编号。")
    return 0
