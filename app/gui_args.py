"""The `gui` command's options, on a parser of their own: `complaintdesk` and `complaintdesk gui`
parse them without building the whole command line (which imports the report, records and server
commands — reportlab, openpyxl, python-docx — long before the login window needs anything of them)."""

from __future__ import annotations

import argparse

from app.cli_text import install as install_chinese_argparse

GUI_HELP = "启动图形界面（默认）"


def add_gui_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", help="打开指定的数据库文件")
    parser.add_argument("--demo", action="store_true", help="打开一次性演示数据库（每个角色一个演示用户）")


def parse_gui(argv: list[str]) -> argparse.Namespace | None:
    """The options of a GUI start (`[]` or `gui ...`), or None for any other command line (and for
    `gui -h`, which the full parser answers)."""
    if argv and argv[0] != "gui":
        return None
    rest = argv[1:]
    if any(arg in ("-h", "--help") for arg in rest):
        return None
    install_chinese_argparse()
    parser = argparse.ArgumentParser(prog="complaintdesk gui", description=GUI_HELP)
    add_gui_options(parser)
    args = parser.parse_args(rest)
    args.command = "gui"
    return args
