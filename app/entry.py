"""The `complaintdesk` entry point and composition root: CLI commands, or the GUI by default.

This is the one module of app/ allowed to import ui/ (named in the import-linter contract).
"""

from __future__ import annotations

import sys

from app.cli import build_parser, run


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.command in (None, "gui"):
        from ui.application import run_gui

        return run_gui(db=getattr(args, "db", None), demo=getattr(args, "demo", False))
    return run(args)
