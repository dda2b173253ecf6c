"""The command line, run as a real process, as an administrator would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app import auth
from models.database import close_current, database_proxy
from tests.support.accounts import ADMIN_PASSWORD

MARKER = "标记MARKER7731"


def cli(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLAINTDESK_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


@pytest.fixture
def initialised(tmp_path: Path) -> Path:
    db = tmp_path / "cli.db"
    result = cli(
        "init",
        "--db",
        str(db),
        "--admin",
        "admin",
        "--hospital",
        "江宁市第一人民医院",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert "恢复密钥" in result.stdout
    return db


def test_version() -> None:
    result = cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("complaintdesk ")


def test_help_of_every_command_is_chinese() -> None:
    """No sentence of argparse's own English is left in any --help."""
    import argparse

    from app.cli import build_parser

    english = ("show this help", "show program", "usage:", "options:", "positional arguments")

    def helps(parser: argparse.ArgumentParser) -> list[str]:
        texts = [parser.format_help()]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                texts.extend(text for sub in action.choices.values() for text in helps(sub))
        return texts

    texts = helps(build_parser())
    assert len(texts) > 15
    for text in texts:
        assert not any(phrase in text for phrase in english), text
    result = cli("--help")
    assert re.search(r"--version\s+显示版本号并退出", result.stdout) and "show" not in result.stdout


def test_marker_written_through_cli_is_absent_from_file(initialised: Path) -> None:
    result = cli(
        "user",
        "add",
        "--db",
        str(initialised),
        "--user",
        "admin",
        "u1",
        "--display-name",
        MARKER,
        "--role",
        "officer",
        env={"COMPLAINTDESK_PASSWORD": ADMIN_PASSWORD},
    )
    assert result.returncode == 0, result.stderr
    assert "临时密码" in result.stdout
    listing = cli(
        "user",
        "list",
        "--db",
        str(initialised),
        "--user",
        "admin",
        env={"COMPLAINTDESK_PASSWORD": ADMIN_PASSWORD},
    )
    assert MARKER in listing.stdout
    for path in initialised.parent.iterdir():
        data = path.read_bytes()
        assert MARKER.encode() not in data and b"MARKER7731" not in data, path.name


def test_audit_verify_passes_then_fails_after_sql_edit(initialised: Path) -> None:
    env = {"COMPLAINTDESK_PASSWORD": ADMIN_PASSWORD}
    ok = cli("audit", "verify", "--db", str(initialised), "--user", "admin", env=env)
    assert ok.returncode == 0 and "校验通过" in ok.stdout
    session = auth.login_local(initialised, "admin", ADMIN_PASSWORD)
    database_proxy.execute_sql("UPDATE audit_entry SET actor = 'mallory' WHERE seq = 2")
    session.db.close()
    close_current()
    bad = cli("audit", "verify", "--db", str(initialised), "--user", "admin", env=env)
    assert bad.returncode == 1
    assert "第 2 条" in bad.stderr


def test_passwords_never_come_from_arguments(initialised: Path) -> None:
    result = cli("user", "list", "--db", str(initialised), "--user", "admin", "--password", ADMIN_PASSWORD)
    assert result.returncode == 2 and "无法识别的参数" in result.stderr
    missing = cli("user", "list", "--db", str(initialised), "--user", "admin", stdin="")
    assert missing.returncode == 1 and "COMPLAINTDESK_PASSWORD" in missing.stderr


def test_bad_input_gets_chinese_messages_and_nonzero_exit(tmp_path: Path, initialised: Path) -> None:
    env = {"COMPLAINTDESK_PASSWORD": ADMIN_PASSWORD}
    wrong = cli(
        "user", "list", "--db", str(initialised), "--user", "admin", env={"COMPLAINTDESK_PASSWORD": "x"}
    )
    assert wrong.returncode == 1 and "用户名或密码错误" in wrong.stderr and "database" not in wrong.stderr
    no_role = cli("user", "add", "--db", str(initialised), "--user", "admin", "u2", env=env)
    assert no_role.returncode == 1 and "角色" in no_role.stderr
    missing_arg = cli("init", "--db", str(tmp_path / "x.db"))
    assert missing_arg.returncode == 2 and "缺少必需的参数" in missing_arg.stderr
    weak = cli(
        "init",
        "--db",
        str(tmp_path / "weak.db"),
        "--admin",
        "a",
        "--hospital",
        "某医院",
        env={"COMPLAINTDESK_PASSWORD": "123"},
    )
    assert weak.returncode == 1 and "密码" in weak.stderr
    assert not (tmp_path / "weak.db").exists() and not (tmp_path / "weak.db.keys").exists()
    again = cli("init", "--db", str(initialised), "--admin", "a", "--hospital", "某医院", env=env)
    assert again.returncode == 1 and "已存在" in again.stderr


def test_user_lifecycle_through_cli(initialised: Path) -> None:
    env = {"COMPLAINTDESK_PASSWORD": ADMIN_PASSWORD}
    base = ["--db", str(initialised), "--user", "admin"]
    assert (
        cli(
            "user",
            "add",
            *base,
            "lin",
            "--role",
            "officer",
            "--role",
            "manager",
            env={**env, "COMPLAINTDESK_NEW_PASSWORD": "Orchid-Lin-2468"},
        ).returncode
        == 0
    )
    change = cli(
        "user",
        "passwd",
        "--db",
        str(initialised),
        "--user",
        "lin",
        "--password-stdin",
        stdin="Orchid-Lin-2468\nLinNew98765\n",
    )
    assert change.returncode == 0, change.stderr
    assert (
        cli(
            "user",
            "list",
            "--db",
            str(initialised),
            "--user",
            "lin",
            env={"COMPLAINTDESK_PASSWORD": "LinNew98765"},
        ).returncode
        == 1
    )  # not an admin
    assert cli("user", "disable", *base, "lin", env=env).returncode == 0
    refused = cli(
        "audit",
        "verify",
        "--db",
        str(initialised),
        "--user",
        "lin",
        env={"COMPLAINTDESK_PASSWORD": "LinNew98765"},
    )
    assert refused.returncode == 1 and "用户名或密码错误" in refused.stderr
    assert cli("audit", "verify", *base, env=env).returncode == 0


def test_print_command_and_its_refusal(initialised: Path) -> None:
    from app.cases import intake
    from tests.support.accounts import USER_PASSWORD
    from tests.support.sessions import session_as

    admin = auth.login_local(initialised, "admin", ADMIN_PASSWORD)
    clerk = session_as(admin, "clerk", "clerk")
    reg = intake.register(
        clerk,
        intake.IntakeForm(
            channel="visit",
            content="挂号窗口排队无人疏导",
            complainant_name="刘芳",
            complainant_phone="13700001111",
        ),
    )
    auth.logout(admin)
    out = initialised.parent / "receipt.pdf"
    env = {"COMPLAINTDESK_PASSWORD": USER_PASSWORD}
    base = ["--db", str(initialised), "--user", "clerk"]
    done = cli("print", "receipt", reg.case_no, *base, "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF") and "已打印投诉受理回执" in done.stdout
    if os.name == "posix":
        assert out.stat().st_mode & 0o777 == 0o600, "the --out file is owner-only"
    again = cli("print", "receipt", reg.case_no, *base, "--out", str(out), env=env)
    assert "已补打" in again.stdout
    refused = cli("print", "result", reg.case_no, *base, "--out", str(out), env=env)
    assert refused.returncode == 1 and "无权执行" in refused.stderr
    missing = cli("print", "receipt", "YH-2026-999999", *base, "--out", str(out), env=env)
    assert missing.returncode == 1 and "案件不存在" in missing.stderr

    # An --out that cannot be written is refused in Chinese before anything is issued or logged.
    from models.audit import AuditEntry

    def logged() -> list[str]:
        admin = auth.login_local(initialised, "admin", ADMIN_PASSWORD)
        actions = [e.action for e in AuditEntry.select() if e.action.split(".")[0] not in ("login", "logout")]
        auth.logout(admin)
        return actions

    audit_before = logged()
    blocker = initialised.parent / "a-file.txt"
    blocker.write_text("x")
    for bad, message in (
        (initialised.parent, "是一个文件夹"),
        (initialised.parent / "no-such-folder" / "r.pdf", "不存在"),
        (blocker / "r.pdf", "不存在"),
    ):
        result = cli("print", "receipt", reg.case_no, *base, "--out", str(bad), env=env)
        assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr
        assert result.stdout == ""
    assert logged() == audit_before  # no 补打, no login of the clerk


def test_migrate_command(initialised: Path, pg_params, pg_server) -> None:
    url = (
        f"postgresql://{pg_params.user}@{pg_params.host}:{pg_params.port}/{pg_params.dbname}"
        f"?sslmode=verify-full&sslrootcert={pg_params.sslrootcert}"
    )
    enrollment = initialised.parent / "workstation.cdenroll"
    result = cli(
        "migrate",
        "--from",
        str(initialised),
        "--to",
        url,
        "--user",
        "admin",
        "--enrollment-out",
        str(enrollment),
        "--password-stdin",
        stdin=f"{ADMIN_PASSWORD}\n{pg_server.password}\ncorrect horse battery\n",
    )
    assert result.returncode == 0, result.stderr
    assert "全部数据表行数一致" in result.stdout and enrollment.exists()
    if os.name == "posix":
        assert enrollment.stat().st_mode & 0o777 == 0o600, "the enrollment file is owner-only"
    with_password = cli(
        "migrate",
        "--from",
        str(initialised),
        "--to",
        url.replace("@", ":pw@", 1),
        "--user",
        "admin",
        "--enrollment-out",
        str(enrollment) + "2",
        "--password-stdin",
        stdin="a\nb\nc\n",
    )
    assert with_password.returncode == 1 and "不能包含密码" in with_password.stderr


def test_backup_delete_restore_login(initialised: Path, tmp_path: Path) -> None:
    """Backup, delete the database, restore it to where it was, log in: everything there."""
    folder = tmp_path / "backups"
    result = cli(
        "backup",
        "--db",
        str(initialised),
        "--user",
        "admin",
        "--out",
        str(folder),
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert "已完成备份" in result.stdout and "哈希链校验通过" in result.stdout
    (made,) = folder.glob("*.cdbackup")
    for leftover in initialised.parent.glob(initialised.name + "*"):
        leftover.unlink()
    result = cli(
        "restore",
        str(made),
        "--to",
        str(initialised),
        "--user",
        "admin",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert "已恢复到新数据库" in result.stdout
    again = cli(
        "restore",
        str(made),
        "--to",
        str(initialised),
        "--user",
        "admin",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert again.returncode == 1 and "不会覆盖" in again.stderr
    verify = cli(
        "audit",
        "verify",
        "--db",
        str(initialised),
        "--user",
        "admin",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert verify.returncode == 0, verify.stderr
    damaged = tmp_path / "damaged.cdbackup"
    damaged.write_bytes(made.read_bytes()[:5000])
    refused = cli(
        "restore",
        str(damaged),
        "--to",
        str(tmp_path / "x.db"),
        "--user",
        "admin",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert refused.returncode == 1 and "备份文件已损坏" in refused.stderr


def test_import_ledger_dry_run_then_import_then_again(initialised: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from tests.support.ledgers import messy_ledger

    ledger = messy_ledger(tmp_path / "台账.xlsx")
    report = tmp_path / "报告.xlsx"
    base = ("import-ledger", str(ledger), "--db", str(initialised), "--user", "admin", "--report", str(report), "--password-stdin")
    dry = cli(*base, "--dry-run", stdin=ADMIN_PASSWORD + "\n")
    assert dry.returncode == 0, dry.stderr
    assert "导入 6 行，导入但需核对 3 行，不导入 3 行，空行 2 行" in dry.stdout and "已导入" not in dry.stdout
    assert load_workbook(report)["逐行结果"].max_row == 13
    real = cli(*base, stdin=ADMIN_PASSWORD + "\n")
    assert real.returncode == 0, real.stderr
    assert "已导入 9 件历史案件" in real.stdout
    again = cli(*base, stdin=ADMIN_PASSWORD + "\n")
    assert again.returncode == 0 and "已导入 0 件历史案件" in again.stdout
    refused = cli("import-ledger", str(report.with_suffix(".txt")), "--db", str(initialised), "--user", "admin", "--report", str(report), "--password-stdin", stdin=ADMIN_PASSWORD + "\n")
    assert refused.returncode == 1 and "错误：" in refused.stderr


def test_export_and_dossier_of_imported_cases(initialised: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from tests.support.accounts import USER_PASSWORD
    from tests.support.ledgers import messy_ledger

    admin = ("--db", str(initialised), "--user", "admin", "--password-stdin")
    added = cli("user", "add", "chenlx", "--role", "manager", *admin, stdin=f"{ADMIN_PASSWORD}\n{USER_PASSWORD}\n")
    assert added.returncode == 0, added.stderr
    manager = ("--db", str(initialised), "--user", "chenlx", "--password-stdin")
    ledger = messy_ledger(tmp_path / "台账.xlsx")
    imported = cli("import-ledger", str(ledger), "--report", str(tmp_path / "r.xlsx"), *manager, stdin=USER_PASSWORD + "\n")
    assert imported.returncode == 0, imported.stderr
    out = tmp_path / "导出.xlsx"
    exported = cli("export", "--from", "2025-01-01", "--to", "2025-12-31", "--out", str(out), *manager, stdin=USER_PASSWORD + "\n")
    assert exported.returncode == 0, exported.stderr
    assert "已导出 9 件案件" in exported.stdout and load_workbook(out).active.max_row == 10
    pdf = tmp_path / "卷宗.pdf"
    made = cli("dossier", "YH-2025-000001", "--out", str(pdf), *manager, stdin=USER_PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    assert "YH-2025-000001" in PdfReader(pdf).pages[0].extract_text()
    refused = cli("export", "--from", "2025-01-01", "--to", "2025-12-31", "--out", str(out), *admin, stdin=ADMIN_PASSWORD + "\n")
    assert refused.returncode == 1 and "无权执行" in refused.stderr
