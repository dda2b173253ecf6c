"""`complaintdesk report`: the 投诉分析报告 of a period for scheduled use (the same services as the
统计分析 page); prints one Chinese line with the period's total."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app import auth, files
from app.reports import service
from app.session import Session
from app.statistics import periods
from app.statistics import service as statistics

FORMAT_HELP = "pdf=PDF  docx=Word 文档（可编辑）  xlsx=Excel 表格"


def cmd_report(args: argparse.Namespace, login: Callable[[], Session]) -> int:
    period = periods.parse(args.period)  # a bad period is refused before logging in
    out = Path(args.out)
    files.check_writable(out)
    session = login()
    try:
        _rebuild_if_pending(session)
        if args.scorecard:
            _, data = service.scorecard_workbook(session, period)
            files.write_private(out, data)
            print(f"已导出{period.label}科室考核：{out}")
            return 0
        source = service.prepare(session, period)
        issued = service.issue(session, source, source.draft, args.format)
        files.write_private(out, issued.data)
        print(
            f"{issued.title}（{service.FORMATS[args.format]}）已生成：{out}；"
            f"本期收到投诉 {issued.total} 件（SHA-256 {issued.sha256[:16]}…）"
        )
    finally:
        auth.logout(session)
    return 0


def _rebuild_if_pending(session: Session) -> None:
    """An upgraded database recounts its statistics before the first report (progress on stderr)."""
    if not statistics.rebuild_pending(session):
        if statistics.recount_needed(session):
            print("注意：数据库升级后统计数据尚未重建，期末未结等数字不准确；请主任登录后重建。", file=sys.stderr)
        return
    shown = [-1]

    def progress(done: int, total: int, text: str) -> None:
        percent = done * 100 // max(total, 1)
        if percent // 10 != shown[0]:
            shown[0] = percent // 10
            print(text, file=sys.stderr)

    count = statistics.rebuild(session, progress)
    print(f"统计数据已重建（{count} 件案件）", file=sys.stderr)


def register(
    sub: Any, db_options: Callable[[argparse.ArgumentParser], None], login: Callable[..., Session]
) -> None:
    """Add the `report` command; `login(args, secrets)` signs in as the other commands do."""
    parser = sub.add_parser("report", help="生成投诉分析报告（月度、季度、年度或自定义期间）")
    parser.add_argument("--period", required=True, metavar="PERIOD", help=periods.PERIOD_HELP)
    parser.add_argument("--format", choices=list(service.FORMATS), default="pdf", help=FORMAT_HELP)
    parser.add_argument("--out", required=True, metavar="FILE", help="输出文件")
    parser.add_argument("--scorecard", action="store_true", help="改为导出该期间的科室考核表（.xlsx）")
    db_options(parser)
    parser.set_defaults(handler=lambda args, secrets_: cmd_report(args, lambda: login(args, secrets_)))
