"""The `bqw-desktop` command: no subcommand opens the window; subcommands do batch work.

Each capability has a module here with a `register(subparsers)` function; commands are thin
and call services. A user's mistake ends with a one-line Chinese reason on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bqw_desktop import __version__
from bqw_desktop.errors import UserError

EXIT_REFUSED = 1
COMMAND_MODULES = ("core", "demo", "visits", "candidacy", "quota", "units", "excel", "keys", "exchange",
                   "printing")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(prog="bqw-desktop", description="百千万示范带动工程 管理系统")
    parser.add_argument("--version", action="version", version=f"bqw-desktop {__version__}")
    parser.add_argument("--db", help="数据库文件（默认：环境变量 BQW_DB，或用户数据目录）")
    parser.add_argument("--demo", action="store_true", help="在一个新的演示数据库上打开窗口")
    sub = parser.add_subparsers(dest="command", metavar="<子命令>")
    for name in COMMAND_MODULES:
        importlib.import_module(f"bqw_desktop.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from bqw_desktop.app import run_window

        return run_window(db=args.db, demo=args.demo)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"bqw-desktop: {exc.message}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("bqw-desktop: 已中断，未完成的操作已撤销。", file=sys.stderr)
        return 130
