"""`complaintdesk calendar import-notice` and `calendar show`: the same services as the 节假日 page."""

from __future__ import annotations

from pathlib import Path

from tests.app.test_calendar_import import NOTICE_2027
from tests.app.test_cli import cli, initialised  # noqa: F401  - the fixture
from tests.support.accounts import ADMIN_PASSWORD

ENV = {"COMPLAINTDESK_PASSWORD": ADMIN_PASSWORD}


def test_import_notice_dry_run_then_saved_then_shown(initialised: Path) -> None:  # noqa: F811
    base = ["--db", str(initialised), "--user", "admin"]
    notice = initialised.parent / "2027年通知.txt"
    notice.write_bytes(NOTICE_2027.encode("gb18030"))

    before = cli("calendar", "show", "2027", *base, env=ENV)
    assert before.returncode == 0, before.stderr
    assert before.stdout.strip() == "2027年：尚未录入节假日安排，期限按周一至周五暂定"

    dry = cli("calendar", "import-notice", str(notice), *base, "--dry-run", env=ENV)
    assert dry.returncode == 0, dry.stderr
    assert "第3行 元旦：放假 1月1日、1月2日、1月3日；上班 —" in dry.stdout
    assert "（试运行，未保存）" in dry.stdout
    assert "尚未录入" in cli("calendar", "show", "2027", *base, env=ENV).stdout

    saved = cli("calendar", "import-notice", str(notice), *base, env=ENV)
    assert saved.returncode == 0, saved.stderr
    assert "已保存2027 年节假日安排：放假 10 天，调休上班 1 天" in saved.stdout
    assert "没有需要重新计算的暂定期限" in saved.stdout

    shown = cli("calendar", "show", "2027", *base, env=ENV).stdout.splitlines()
    assert shown[0] == "2027年：已录入国务院办公厅通知"
    assert shown[1] == "2027-01-01\t放假\t元旦\t管理员录入"
    assert "2027-02-20\t上班\t春节调休上班\t管理员录入" in shown
    assert len(shown) == 1 + 11

    bundled = cli("calendar", "show", "2026", *base, env=ENV).stdout.splitlines()
    assert bundled[0] == "2026年：使用内置节假日数据"
    assert "2026-01-04\t上班\t元旦" in bundled and len(bundled) == 1 + 39


def test_refusals_are_chinese_with_line_numbers(initialised: Path) -> None:  # noqa: F811
    base = ["--db", str(initialised), "--user", "admin"]
    notice = initialised.parent / "通知.txt"
    notice.write_text(NOTICE_2027.replace("2月20日（周六）", "2月20日（周日）"), encoding="utf-8")
    wrong = cli("calendar", "import-notice", str(notice), *base, env=ENV)
    assert wrong.returncode == 1
    assert "第4行：2月20日注明星期日，但2027年的这一天是星期六" in wrong.stderr
    notice.write_text("一、元旦：1月1日（周五）放假。", encoding="utf-8")
    untitled = cli("calendar", "import-notice", str(notice), *base, env=ENV)
    assert untitled.returncode == 1 and "无法确定年份" in untitled.stderr
    with_year = cli("calendar", "import-notice", str(notice), *base, "--year", "2027", "--dry-run", env=ENV)
    assert with_year.returncode == 0, with_year.stderr
    missing = cli("calendar", "import-notice", str(notice.with_name("无.txt")), *base, env=ENV)
    assert missing.returncode == 1 and "无法读取文件" in missing.stderr
