"""The `complaintdesk` entry point and composition root: CLI commands, or the GUI by default.

This is the one module of app/ allowed to import ui/ (named in the import-linter contract).
"""

from __future__ import annotations

import sys

from app.gui_args import parse_gui


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    args = parse_gui(words)  # a GUI start imports only what the login window needs
    if args is None:
        from app.cli import build_parser, run

        args = build_parser().parse_args(words)
        if args.command not in (None, "gui"):
            return run(args)
    from ui.application import run_gui

    return run_gui(db=getattr(args, "db", None), demo=getattr(args, "demo", False))
