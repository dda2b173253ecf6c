"""`complaintdesk report` run as a real process on the hand-computed office."""

from __future__ import annotations

import io

import openpyxl
import pypdf

from tests.app.statistics.conftest import March
from tests.app.test_cli import cli
from tests.support.accounts import USER_PASSWORD
from tests.support.desk import Desk

ENV = {"COMPLAINTDESK_PASSWORD": USER_PASSWORD}


def test_monthly_pdf_and_quarterly_excel_print_the_total(desk: Desk, march: March) -> None:
    base = ["--db", str(desk.db_path), "--user", "chenlx"]
    out = desk.db_path.parent / "march.pdf"
    done = cli("report", "--period", "2026-03", "--format", "pdf", "--out", str(out), *base, env=ENV)
    assert done.returncode == 0, done.stderr
    assert "2026年3月月度投诉分析报告（PDF）已生成" in done.stdout and "本期收到投诉 5 件" in done.stdout
    assert "2026年3月共收到投诉" in "".join(p.extract_text() for p in pypdf.PdfReader(out).pages)

    sheet = desk.db_path.parent / "q1.xlsx"
    done = cli("report", "--period", "2026-Q1", "--format", "xlsx", "--out", str(sheet), *base, env=ENV)
    assert done.returncode == 0 and "2026年第一季度季度投诉分析报告" in done.stdout
    assert "按投诉渠道" in openpyxl.load_workbook(io.BytesIO(sheet.read_bytes())).sheetnames

    score = desk.db_path.parent / "score.xlsx"
    done = cli("report", "--period", "2026", "--scorecard", "--out", str(score), *base, env=ENV)
    assert done.returncode == 0 and "已导出2026年科室考核" in done.stdout


def test_bad_period_and_a_clerk_are_refused_in_chinese(desk: Desk, march: March) -> None:
    out = desk.db_path.parent / "x.pdf"
    done = cli(
        "report",
        "--period",
        "2026-13",
        "--out",
        str(out),
        "--db",
        str(desk.db_path),
        "--user",
        "chenlx",
        env=ENV,
    )
    assert done.returncode != 0 and "月份应为 1–12" in done.stderr and not out.exists()
    done = cli(
        "report",
        "--period",
        "2026-03",
        "--out",
        str(out),
        "--db",
        str(desk.db_path),
        "--user",
        "zhaomin",
        env=ENV,
    )
    assert done.returncode != 0 and "只有" in done.stderr and not out.exists()


def test_an_upgraded_database_recounts_its_statistics_before_the_report(desk: Desk, march: March) -> None:
    """Marked for a recount (as step 15 leaves it) with the flows not yet there: the report command
    rebuilds first, says so on stderr, and the report's 期末未结 is the recounted one."""
    from models.accounts import Setting
    from models.migrations import STATISTICS_REBUILD_SETTING
    from models.statistics import StatFlow

    flows = sorted((r.key, r.day, r.n) for r in StatFlow.select() if r.n)
    Setting.create(key=STATISTICS_REBUILD_SETTING, value="true", updated_at=desk.clock.at, updated_by="system")
    StatFlow.delete().execute()
    sheet = desk.db_path.parent / "march.xlsx"
    done = cli("report", "--period", "2026-03", "--format", "xlsx", "--out", str(sheet),
               "--db", str(desk.db_path), "--user", "chenlx", env=ENV)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "统计数据已重建（6 件案件）" in done.stderr and "本期收到投诉 5 件" in done.stdout
    assert sorted((r.key, r.day, r.n) for r in StatFlow.select() if r.n) == flows
    assert Setting.get_or_none(Setting.key == STATISTICS_REBUILD_SETTING) is None


def test_an_officer_reports_on_figures_awaiting_the_manager_s_recount(desk: Desk, march: March) -> None:
    """Only the manager recounts: an officer's report runs, with a warning that 期末未结 is off."""
    from models.accounts import Setting
    from models.migrations import STATISTICS_REBUILD_SETTING

    Setting.create(key=STATISTICS_REBUILD_SETTING, value="true", updated_at=desk.clock.at, updated_by="system")
    sheet = desk.db_path.parent / "march.xlsx"
    officer = desk["officer"].user.username
    done = cli("report", "--period", "2026-03", "--format", "xlsx", "--out", str(sheet),
               "--db", str(desk.db_path), "--user", officer, env=ENV)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "尚未重建" in done.stderr and "请主任登录后重建" in done.stderr and "已重建" not in done.stderr
    assert Setting.get_or_none(Setting.key == STATISTICS_REBUILD_SETTING) is not None
