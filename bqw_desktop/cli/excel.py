"""`excel` subcommands: import a sheet (with a dry run), hand out templates, export tables."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bqw_desktop.cli.common import actor_for, add_db, add_json, db_path, open_db, print_json, print_table
from bqw_desktop.errors import UserError
from bqw_desktop.excel.templates import ORG_COUNTS, SITES, write_template
from bqw_desktop.excel.writer import write_error_report
from bqw_desktop.services import excel_export, excel_import

SHOWN_ROWS = 200  # rows listed at a terminal; --json gives all


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("excel", help="Excel 表格：导入示范点名单或基层党组织数、下载模板、导出花名册和汇总表")
    cmds = p.add_subparsers(dest="excel_command", metavar="<操作>", required=True)

    q = cmds.add_parser("import", help="导入示范点名单（可含申报）或基层党组织数量表；先检查，无误才导入")
    add_db(q)
    q.add_argument("file", metavar="FILE", help="表格文件（.xlsx、.xls 或 .csv）")
    q.add_argument("--dry-run", action="store_true", help="只检查并显示结果，不导入")
    q.add_argument("--allow-partial", action="store_true", help="有错误或待确认的行跳过，只导入无误的行")
    q.add_argument("--answers", metavar="FILE",
                   help="待确认问题的答案（JSON 列表，每项含 field、value、answer，取自 --json 输出的 questions）")
    q.add_argument("--kind", choices=["auto", excel_import.SITES_KIND, excel_import.ORG_COUNTS_KIND],
                   default="auto", help="表格种类（默认自动判断）")
    q.add_argument("--errors-out", metavar="FILE", help="把错误和待确认的行另存为错误报告（.xlsx）")
    add_json(q)
    q.set_defaults(func=cmd_import)

    q = cmds.add_parser("template", help="下载空白导入模板")
    q.add_argument("kind", choices=[SITES, ORG_COUNTS], help="sites：示范点名单；org-counts：基层党组织数")
    q.add_argument("--out", required=True, metavar="FILE", help="保存为（.xlsx）")
    q.add_argument("--db", dest="sub_db", metavar="PATH", help="按该数据库的单位列出可选的县市区（可不填）")
    q.set_defaults(func=cmd_template)

    q = cmds.add_parser("export", help="导出花名册、汇总表、名额表、走访记录、目标完成情况或申报名单")
    q.add_argument("kind", choices=list(excel_export.KINDS))
    add_db(q)
    q.add_argument("--out", required=True, metavar="FILE", help="保存为（.xlsx）")
    q.set_defaults(func=cmd_export)


def _answers(path: str | None) -> dict[tuple[str, str], str]:
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"找不到答案文件 {path}。") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UserError(f"答案文件 {path} 不是有效的 JSON。") from None
    return excel_import.answers_from_json(data)


def cmd_import(args: argparse.Namespace) -> int:
    db = open_db(args)
    kind = None if args.kind == "auto" else args.kind
    try:
        actor = actor_for(db)
        with db.sessions() as s:
            preview = excel_import.preview_import(s, actor, args.file, kind=kind, answers=_answers(args.answers))
        if args.errors_out and not preview.ready:
            write_error_report(preview.errors, Path(args.errors_out), questions=preview.questions)
        result = None
        if not args.dry_run and (preview.ready or args.allow_partial):
            with db.begin() as s:
                result = excel_import.apply_import(s, actor, preview, allow_partial=args.allow_partial,
                                                   db_path=db.path)
    finally:
        db.close()
    if args.json:
        print_json({"preview": preview.to_dict(), "result": result.to_dict() if result else None,
                    "imported": result is not None})
    else:
        _print_preview(preview)
        if result is not None:
            print(f"已导入：{result.summary()}" + (f"（导入前已备份：{result.backup}）" if result.backup else ""))
        elif args.dry_run:
            print("仅检查，未导入。")
    if result is None and not args.dry_run:
        raise UserError(f"文件 {preview.file_name} 中还有错误或待确认的行，未导入任何内容；"
                        "请修改后重试，或加 --allow-partial 只导入无误的行。")
    return 0 if (result is not None or preview.ready) else 1


def _print_preview(preview: excel_import.ImportPreview) -> None:
    print(f"{preview.file_name}：{preview.summary()}")
    for note in preview.skipped_sheets:
        print(f"提示：{note}")
    shown = [r for r in preview.rows if r.status != excel_import.UNCHANGED]
    if shown:
        print_table(["工作表", "行", "结果", "名称", "说明"],
                    [[r.source.sheet, r.source.row, r.status_label, r.name, r.description] for r in shown[:SHOWN_ROWS]])
        if len(shown) > SHOWN_ROWS:
            print(f"……另有 {len(shown) - SHOWN_ROWS} 行未列出（用 --json 查看全部）。")
    for question in preview.questions:
        print(f"待确认：{question.message}")


def template_regions(args: argparse.Namespace, kind: str) -> list[tuple[str, str]]:
    """The regions offered in a template's drop-down: the office's own, when --db is given."""
    if not getattr(args, "sub_db", None):
        return []
    from bqw_desktop.db.engine import open_database
    from bqw_desktop.services import offices, quotas

    db = open_database(db_path(args))
    try:
        with db.sessions() as s:
            if kind == ORG_COUNTS:
                lookup = excel_import.org_count_regions(s)
                office = offices.this_office(s)
                codes = [c for c, _ in quotas.child_units(s, office, level=None)] or [office.code]
                return [(c, lookup.label(c)) for c in codes]
            return excel_export.template_regions(s)
    finally:
        db.close()


def cmd_template(args: argparse.Namespace) -> int:
    out = Path(args.out)
    write_template(args.kind, out, regions=template_regions(args, args.kind))
    print(f"已保存模板：{out}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    db = open_db(args)
    out = Path(args.out)
    try:
        with db.sessions() as s:
            count = excel_export.export(s, args.kind, out)
    finally:
        db.close()
    print(f"已导出{excel_export.KIND_LABELS[args.kind]}（{count} 行）：{out}")
    return 0
