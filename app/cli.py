"""Command line: the same services as the GUI.

Passwords never come from arguments: the first line of standard input (--password-stdin) or
COMPLAINTDESK_PASSWORD is the acting user's password; a second line or COMPLAINTDESK_NEW_PASSWORD is
a new password where a command sets one. Errors are printed in Chinese with a non-zero exit code.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from app import audit, auth, cli_report, files, passwords, users
from app.cli_text import install as install_chinese_argparse
from app.db_errors import translated
from app.errors import ComplaintDeskError, DatabaseFault, PermissionDenied
from app.gui_args import GUI_HELP, add_gui_options
from app.policy import ROLE_LABELS, Action, Role
from app.session import Session
from app.version import __version__
from app.write_path import require

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PASSWORD_ENV = "COMPLAINTDESK_PASSWORD"
NEW_PASSWORD_ENV = "COMPLAINTDESK_NEW_PASSWORD"


class CliError(ComplaintDeskError):
    pass


class Secrets:
    """Reads the acting password and an optional new password, once each."""

    def __init__(self, from_stdin: bool) -> None:
        self._lines: list[str] | None = None
        self._from_stdin = from_stdin

    def _stdin_line(self, index: int) -> str | None:
        if self._lines is None:
            self._lines = sys.stdin.read().splitlines()
        return self._lines[index] if index < len(self._lines) else None

    def password(self) -> str:
        if self._from_stdin:
            value = self._stdin_line(0)
        else:
            value = os.environ.get(PASSWORD_ENV)
            if value is None and sys.stdin.isatty():
                value = getpass.getpass("密码：")
        if not value:
            raise CliError(
                f"请通过 --password-stdin 或环境变量 {PASSWORD_ENV} 提供密码（不接受命令行参数中的密码）"
            )
        return value

    def new_password(self) -> str | None:
        return self.extra(1, NEW_PASSWORD_ENV)

    def extra(self, line: int, env: str) -> str | None:
        """A further secret: standard-input line `line` (0-based) or the environment variable `env`."""
        value = self._stdin_line(line) if self._from_stdin else os.environ.get(env)
        return value or None


def _login(args: argparse.Namespace, secrets_: Secrets) -> Session:
    return auth.login_local(args.db, args.user, secrets_.password())


@contextmanager
def signed_in(args: argparse.Namespace, secrets_: Secrets) -> Iterator[Session]:
    """The session of --db and --user (the password from standard input or the environment), logged
    out when the command is done, however it ends. Every command that works on a database uses it."""
    session = _login(args, secrets_)
    try:
        yield session
    finally:
        auth.logout(session)


# -- commands ------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, secrets_: Secrets) -> int:
    session, recovery_key = auth.create_local_database(
        args.db, args.admin, args.display_name or args.admin, secrets_.password(), args.hospital
    )
    if args.recovery_sheet:
        from app.recovery_sheet import write_recovery_sheet

        write_recovery_sheet(session, recovery_key, Path(args.recovery_sheet))
    auth.logout(session)
    print(f"已创建加密数据库：{Path(args.db).name}（密钥文件：{Path(args.db).name}.keys）")
    print(f"系统管理员：{args.admin}")
    print("恢复密钥（只显示这一次，请打印或抄写后妥善保管；忘记所有管理员密码时用它恢复）：")
    print(f"  {recovery_key}")
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace, secrets_: Secrets) -> int:
    with signed_in(args, secrets_) as session:
        for info in users.list_users(session):
            state = "启用" if info.active else "停用"
            if info.locked_until:
                state += f"（锁定至 {info.locked_until:%H:%M}）"
            print(f"{info.username}\t{info.display_name}\t{users.role_labels(info.roles)}\t{state}")
    return EXIT_OK


def _with_admin(action: Callable[[Session, argparse.Namespace, Secrets], str]) -> Callable[..., int]:
    def run(args: argparse.Namespace, secrets_: Secrets) -> int:
        with signed_in(args, secrets_) as session:
            print(action(session, args, secrets_))
        return EXIT_OK

    return run


def _new_or_generated(secrets_: Secrets) -> tuple[str, str]:
    given = secrets_.new_password()
    if given:
        return given, ""
    temporary = passwords.generate_password()
    return temporary, f"\n临时密码：{temporary}（首次登录时必须修改）"


@_with_admin
def cmd_user_add(session: Session, args: argparse.Namespace, secrets_: Secrets) -> str:
    password, shown = _new_or_generated(secrets_)
    info = users.add_user(session, args.name, args.display_name or args.name, args.role or [], password)
    return f"已添加用户 {info.username}（{users.role_labels(info.roles)}）{shown}"


@_with_admin
def cmd_user_roles(session: Session, args: argparse.Namespace, secrets_: Secrets) -> str:
    users.set_roles(session, args.name, args.role or [])
    return f"已更新 {args.name} 的角色：{users.role_labels(tuple(args.role))}"


@_with_admin
def cmd_user_reset(session: Session, args: argparse.Namespace, secrets_: Secrets) -> str:
    password, shown = _new_or_generated(secrets_)
    users.reset_password(session, args.name, password)
    return f"已重置 {args.name} 的密码{shown}"


@_with_admin
def cmd_user_disable(session: Session, args: argparse.Namespace, secrets_: Secrets) -> str:
    users.set_active(session, args.name, False)
    return f"已停用用户 {args.name}，其密钥槽已删除，数据库密钥已轮换"


@_with_admin
def cmd_user_enable(session: Session, args: argparse.Namespace, secrets_: Secrets) -> str:
    password, shown = _new_or_generated(secrets_)
    users.set_active(session, args.name, True, password)
    return f"已重新启用用户 {args.name}{shown}"


@_with_admin
def cmd_user_unlock(session: Session, args: argparse.Namespace, secrets_: Secrets) -> str:
    users.unlock_user(session, args.name)
    return f"已解除 {args.name} 的登录锁定"


def cmd_user_passwd(args: argparse.Namespace, secrets_: Secrets) -> int:
    with signed_in(args, secrets_) as session:
        new = secrets_.new_password()
        if not new:
            raise CliError(f"请在标准输入第二行或环境变量 {NEW_PASSWORD_ENV} 中提供新密码")
        auth.change_own_password(session, secrets_.password(), new)
        print(f"已修改 {session.user.username} 的密码")
    return EXIT_OK


def cmd_audit_verify(args: argparse.Namespace, secrets_: Secrets) -> int:
    with signed_in(args, secrets_) as session:
        require(session, Action.VERIFY_AUDIT, target="audit")
        report = audit.verify(session=session)
    print(report.message, file=sys.stdout if report.ok else sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_print(args: argparse.Namespace, secrets_: Secrets) -> int:
    """Issue a document of a case to a PDF file, refused like the GUI for roles that may not print it."""
    from app.cases import documents

    files.check_writable(Path(args.out))  # before anything is issued or logged
    with signed_in(args, secrets_) as session:
        case_id = documents.case_id_by_number(session, args.case_no)
        assignment_id = (
            documents.assignment_for(session, case_id, args.department) if args.department else None
        )
        info, pdf = documents.issue(
            session, case_id, args.kind, assignment_id=assignment_id, page_size="A5" if args.a5 else "A4"
        )
        files.write_private(Path(args.out), pdf)
        print(
            f"已{'补打' if info.reprint else '打印'}{info.title}：{args.out}（SHA-256 {info.sha256[:16]}…）"
        )
    return EXIT_OK


def _days_text(days: tuple) -> str:
    return "、".join(f"{d.month}月{d.day}日" for d in days) or "—"


def cmd_calendar_import(args: argparse.Namespace, secrets_: Secrets) -> int:
    """Parse a 国务院办公厅 holiday notice (.txt) and save it as its year's data (or only show it)."""
    from app.deadlines import calendar, notice

    parsed = notice.parse_notice(notice.read_notice_file(Path(args.file)), year=args.year)
    with signed_in(args, secrets_) as session:
        print(f"{parsed.year}年国务院办公厅节假日安排：")
        for item in parsed.items:
            print(
                f"  第{item.line}行 {item.name}：放假 {_days_text(item.holidays)}；上班 {_days_text(item.workdays)}"
            )
        if args.dry_run:
            report = calendar.preview_notice(session, parsed)
        else:
            report = calendar.import_notice(session, parsed)
        print("\n".join(report.lines()))
    return EXIT_OK


def cmd_calendar_show(args: argparse.Namespace, secrets_: Secrets) -> int:
    """One line per day that is not an ordinary weekday or weekend: date, 放假/上班, name."""
    from app.deadlines import calendar

    with signed_in(args, secrets_) as session:
        view = calendar.year_view(session, args.year)
    print(view.status)
    for day in view.nonstandard():
        what = "上班" if day.kind in (calendar.DayKind.WORKDAY, calendar.DayKind.MAKEUP_WORKDAY) else "放假"
        source = "" if day.source == calendar.DaySource.BUNDLED else f"\t{calendar.SOURCE_LABELS[day.source]}"
        print(f"{day.day:%Y-%m-%d}\t{what}\t{day.note}{source}")
    return EXIT_OK


SERVER_PASSWORD_ENV = "COMPLAINTDESK_SERVER_PASSWORD"
ENROLL_PASSPHRASE_ENV = "COMPLAINTDESK_ENROLL_PASSPHRASE"
RECOVERY_KEY_ENV = "COMPLAINTDESK_RECOVERY_KEY"


def cmd_migrate(args: argparse.Namespace, secrets_: Secrets) -> int:
    """Standard input: line 1 the local user's password, line 2 the password of the server database's
    owner account (the one in --to; used for the migration only), line 3 the passphrase protecting the
    enrollment file, line 4 the recovery key when the identifiers are sealed and the user holds no
    identifier key (or the environment variables named in --help)."""
    from app import migrate, shared

    params = shared.parse_server_url(args.to)
    server_password = secrets_.extra(1, SERVER_PASSWORD_ENV)
    passphrase = secrets_.extra(2, ENROLL_PASSPHRASE_ENV)
    if not server_password:
        raise CliError(f"请在标准输入第二行或环境变量 {SERVER_PASSWORD_ENV} 中提供数据库所有者账户的密码")
    if not passphrase:
        raise CliError(
            f"请在标准输入第三行或环境变量 {ENROLL_PASSPHRASE_ENV} 中提供工作站注册口令（至少 10 个字符）"
        )
    out = Path(args.enrollment_out)
    if out.exists():
        raise CliError(f"文件已存在：{out.name}，不会覆盖")
    shared.check_passphrase(passphrase)
    args.db = getattr(args, "from")
    with signed_in(args, secrets_) as session:
        recovery_key = secrets_.extra(3, RECOVERY_KEY_ENV)
        report = migrate.migrate_to_server(
            session, params, server_password, secrets_.password(), recovery_key=recovery_key or ""
        )
    files.write_private(out, shared.export_enrollment(params, report.data_key, passphrase))
    print("\n".join(report.lines()))
    print(f"工作站注册文件：{out}（用注册口令保护；各工作站导入一次即可连接服务器）")
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_server_upgrade(args: argparse.Namespace, secrets_: Secrets) -> int:
    """Upgrade a shared database's schema and reinstall the server's roles, policies and functions,
    as the database's owner. Standard input: line 1 the owner's password, line 2 the passphrase of
    the enrollment file (it holds the data key)."""
    from dataclasses import replace

    from app import shared

    owner = shared.parse_server_url(args.to)
    owner_password = secrets_.extra(0, SERVER_PASSWORD_ENV)
    passphrase = secrets_.extra(1, ENROLL_PASSPHRASE_ENV)
    if not owner_password or not passphrase:
        raise CliError(
            f"请在标准输入两行（或环境变量 {SERVER_PASSWORD_ENV}、{ENROLL_PASSPHRASE_ENV}）中"
            "提供数据库所有者账户的密码和工作站注册口令"
        )
    enrolled, data_key = shared.import_enrollment(files.read_user_file(Path(args.enrollment), 1 << 20), passphrase)
    found = shared.upgrade_shared_database(replace(enrolled, user=owner.user), owner_password, data_key)
    print(f"服务器数据库已升级（原结构版本 {found}），服务器端的角色、行级安全策略和函数已重新安装")
    return EXIT_OK


def _print_new_recovery_key(session: Session, recovery_key: str, sheet: str | None) -> None:
    if sheet:
        from app.recovery_sheet import write_recovery_sheet

        write_recovery_sheet(session, recovery_key, Path(sheet))
        print(f"新的恢复密钥单：{sheet}")
    print("新的恢复密钥（只显示这一次，请打印或抄写后妥善保管；原来的恢复密钥已作废）：")
    print(f"  {recovery_key}")


def cmd_recover(args: argparse.Namespace, secrets_: Secrets) -> int:
    """Standard input: line 1 the recovery key, line 2 the admin's new password."""
    recovery_key = secrets_.password()
    new = secrets_.new_password()
    if not new:
        raise CliError("请在标准输入第二行提供管理员的新密码")
    session, new_recovery_key = auth.recover_with_key(args.db, recovery_key, args.admin, new)
    try:
        print(f"已用恢复密钥重置系统管理员 {args.admin} 的密码，并已轮换数据库密钥")
        _print_new_recovery_key(session, new_recovery_key, args.recovery_sheet)
    finally:
        auth.logout(session)
    return EXIT_OK


def cmd_rotate_key(args: argparse.Namespace, secrets_: Secrets) -> int:
    """轮换数据库密钥: re-key the database; with --new-recovery-key also replace the recovery key."""
    from app import keyrotation

    with signed_in(args, secrets_) as session:
        new_recovery_key = keyrotation.rotate_database_key(
            session,
            new_recovery=args.new_recovery_key,
            progress=lambda done, total, label: print(f"[{done}/{total}] {label}", flush=True),
        )
        print(
            "已轮换数据库密钥：旧的密钥文件副本不能再打开当前数据库。其他已打开本数据库的工作站需要重新登录。"
        )
        if new_recovery_key:
            _print_new_recovery_key(session, new_recovery_key, args.recovery_sheet)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, secrets_: Secrets) -> int:
    """A new demo database (one user per role) filled with N synthetic complaints."""
    import time

    from app import demo

    path = Path(args.db)
    if args.cases < 0:
        raise CliError("案件数不能为负数")
    if any(p.exists() for p in demo.database_files(path)):
        raise CliError(f"数据库文件已存在：{path.name}，不会覆盖已有数据")
    given = secrets_.extra(0, PASSWORD_ENV)  # otherwise a generated password, shown once
    shown = 0

    def progress(done: int, total: int) -> None:
        nonlocal shown
        if done == total or done - shown >= max(1, total // 20):
            shown = done
            print(f"已生成 {done}/{total} 件（{done * 100 // max(total, 1)}%）", flush=True)

    started = time.monotonic()
    print(f"正在创建演示数据库 {path.name}（{args.cases} 件案件）……", flush=True)
    session, info = demo.create_demo_database(
        path, given, args.cases, seed=args.seed, progress=progress, sealed=not args.plain_identifiers
    )
    auth.logout(session)
    print(
        f"已创建演示数据库：{path.name}（密钥文件：{path.name}.keys），用时 {time.monotonic() - started:.1f} 秒"
    )
    for line in info.lines():
        print(f"  {line}")
    if given:
        print(
            "所有演示用户的密码：取自" + ("标准输入" if args.password_stdin else f"环境变量 {PASSWORD_ENV}")
        )
    else:
        print(f"所有演示用户的密码（只显示这一次）：{info.password}")
    return EXIT_OK


# -- parser --------------------------------------------------------------------------------------


def _db_options(parser: argparse.ArgumentParser, with_user: bool = True) -> None:
    parser.add_argument("--db", required=True, metavar="PATH", help="数据库文件路径")
    if with_user:
        parser.add_argument("--user", required=True, metavar="NAME", help="执行操作的用户名")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help=f"从标准输入读取密码（第一行本人密码，第二行新密码）；否则读取环境变量 {PASSWORD_ENV}",
    )


def build_parser() -> argparse.ArgumentParser:
    install_chinese_argparse()
    parser = argparse.ArgumentParser(prog="complaintdesk", description="医患投诉工作台")
    parser.add_argument(
        "--version", action="version", version=f"complaintdesk {__version__}", help="显示版本号并退出"
    )
    sub = parser.add_subparsers(dest="command", metavar="命令")

    add_gui_options(sub.add_parser("gui", help=GUI_HELP))

    init = sub.add_parser("init", help="创建新的加密数据库和第一个系统管理员")
    _db_options(init, with_user=False)
    init.add_argument("--admin", required=True, metavar="NAME", help="管理员用户名")
    init.add_argument("--display-name", metavar="NAME", help="管理员姓名")
    init.add_argument("--hospital", required=True, metavar="NAME", help="医院名称")
    init.add_argument("--recovery-sheet", metavar="FILE", help="把恢复密钥单写入 PDF 文件")
    init.set_defaults(handler=cmd_init)

    demo_p = sub.add_parser("demo", help="创建演示数据库（每个角色一个演示用户）并生成模拟投诉案件")
    _db_options(demo_p, with_user=False)
    demo_p.add_argument("--cases", type=int, default=0, metavar="N", help="生成的案件数（默认 0）")
    demo_p.add_argument(
        "--seed", type=int, default=None, metavar="S", help="随机种子：相同种子生成相同的案件"
    )
    demo_p.add_argument(
        "--plain-identifiers",
        action="store_true",
        help="不预先创建标识密钥：案件中的证件号、电话等以明文写入，由主任首次登录时封存（用于测量封存过程）",
    )
    demo_p.set_defaults(handler=cmd_demo)

    user = sub.add_parser("user", help="用户管理").add_subparsers(
        dest="user_command", metavar="操作", required=True
    )
    for name, handler, helptext, needs_name, needs_roles in (
        ("list", cmd_user_list, "列出用户", False, False),
        ("add", cmd_user_add, "添加用户", True, True),
        ("roles", cmd_user_roles, "设置角色", True, True),
        ("passwd", cmd_user_passwd, "修改本人密码", False, False),
        ("reset", cmd_user_reset, "重置他人密码", True, False),
        ("disable", cmd_user_disable, "停用用户", True, False),
        ("enable", cmd_user_enable, "重新启用用户", True, False),
        ("unlock", cmd_user_unlock, "解除登录锁定", True, False),
    ):
        p = user.add_parser(name, help=helptext)
        _db_options(p)
        if needs_name:
            p.add_argument("name", metavar="USERNAME", help="目标用户名")
        if needs_roles:
            p.add_argument(
                "--role",
                action="append",
                choices=[r.value for r in Role],
                help="角色，可重复：" + "，".join(f"{k}={v}" for k, v in ROLE_LABELS.items()),
            )
            if name == "add":
                p.add_argument("--display-name", metavar="NAME", help="姓名")
        p.set_defaults(handler=handler)

    audit_p = sub.add_parser("audit", help="审计日志").add_subparsers(
        dest="audit_command", metavar="操作", required=True
    )
    verify = audit_p.add_parser("verify", help="校验审计日志哈希链、审计见证与各案件的时间线")
    _db_options(verify)
    verify.set_defaults(handler=cmd_audit_verify)

    cal = sub.add_parser("calendar", help="节假日日历").add_subparsers(
        dest="calendar_command", metavar="操作", required=True
    )
    imp = cal.add_parser("import-notice", help="导入国务院办公厅节假日安排通知（文本文件，UTF-8 或 GB18030）")
    imp.add_argument("file", metavar="FILE", help="通知全文的 .txt 文件")
    _db_options(imp)
    imp.add_argument("--dry-run", action="store_true", help="只显示解析结果和将重新计算的期限，不保存")
    imp.add_argument("--year", type=int, metavar="YYYY", help="年份（通知标题中没有年份时必须指定）")
    imp.set_defaults(handler=cmd_calendar_import)
    show = cal.add_parser("show", help="列出一年中的节假日和调休上班日")
    show.add_argument("year", type=int, metavar="YEAR", help="年份，如 2027")
    _db_options(show)
    show.set_defaults(handler=cmd_calendar_show)

    recover = sub.add_parser("recover", help="用恢复密钥重置系统管理员密码（标准输入：恢复密钥、新密码）")
    recover.add_argument("--db", required=True, metavar="PATH")
    recover.add_argument("--admin", required=True, metavar="NAME")
    recover.add_argument("--recovery-sheet", metavar="FILE", help="把新的恢复密钥单写入 PDF 文件")
    recover.set_defaults(handler=cmd_recover, password_stdin=True)

    rotate = sub.add_parser(
        "rotate-key", help="轮换数据库密钥（系统管理员）：旧的密钥文件副本从此无法打开数据库"
    )
    _db_options(rotate)
    rotate.add_argument("--new-recovery-key", action="store_true", help="同时更换恢复密钥（原恢复密钥作废）")
    rotate.add_argument("--recovery-sheet", metavar="FILE", help="把新的恢复密钥单写入 PDF 文件")
    rotate.set_defaults(handler=cmd_rotate_key)

    print_p = sub.add_parser("print", help="打印（输出 PDF）案件文书")
    print_p.add_argument(
        "kind",
        choices=["receipt", "registration", "dispatch", "rejection", "result", "followup"],
        help="receipt=受理回执 registration=投诉登记表 dispatch=转办单 rejection=不予受理告知书 "
        "result=处理结果告知书 followup=回访记录",
    )
    print_p.add_argument("case_no", metavar="CASE_NO", help="案件编号，如 YH-2026-000123")
    _db_options(print_p)
    print_p.add_argument("--out", required=True, metavar="FILE", help="输出的 PDF 文件")
    print_p.add_argument("--department", metavar="CODE", help="转办单：科室代码")
    print_p.add_argument("--a5", action="store_true", help="受理回执用 A5 纸")
    print_p.set_defaults(handler=cmd_print)
    cli_report.register(sub, _db_options, _login)

    from app.records.cli import add_record_commands

    add_record_commands(sub, _db_options)

    migrate_p = sub.add_parser("migrate", help="把本地加密数据库迁移到 PostgreSQL 服务器")
    migrate_p.add_argument("--from", required=True, metavar="PATH", help="本地数据库文件")
    migrate_p.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="postgresql://用户@主机:端口/数据库?sslmode=verify-full&sslrootcert=CA文件",
    )
    migrate_p.add_argument("--user", required=True, metavar="NAME", help="本地数据库的系统管理员")
    migrate_p.add_argument("--enrollment-out", required=True, metavar="FILE", help="输出的工作站注册文件")
    migrate_p.add_argument(
        "--password-stdin",
        action="store_true",
        help=f"标准输入：本人密码、服务器密码、注册口令（或环境变量 {PASSWORD_ENV}、"
        f"{SERVER_PASSWORD_ENV}、{ENROLL_PASSPHRASE_ENV}）",
    )
    migrate_p.set_defaults(handler=cmd_migrate)

    upgrade_p = sub.add_parser("server-upgrade", help="以数据库所有者账户升级共享数据库并重装服务器端策略")
    upgrade_p.add_argument("--to", required=True, metavar="URL", help="postgresql://所有者账户@主机:端口/数据库")
    upgrade_p.add_argument("--enrollment", required=True, metavar="FILE", help="该服务器的工作站注册文件")
    upgrade_p.add_argument(
        "--password-stdin",
        action="store_true",
        help=f"标准输入：所有者账户密码、注册口令（或环境变量 {SERVER_PASSWORD_ENV}、{ENROLL_PASSPHRASE_ENV}）",
    )
    upgrade_p.set_defaults(handler=cmd_server_upgrade)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run a parsed non-GUI command, turning our errors into Chinese messages and exit codes."""
    try:
        with translated():
            return args.handler(args, Secrets(getattr(args, "password_stdin", False)))
    except PermissionDenied as exc:
        print(f"无权执行：{exc.message}", file=sys.stderr)
    except DatabaseFault as exc:
        print(f"错误：{exc.message}{exc.advice}", file=sys.stderr)
    except ComplaintDeskError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
    except KeyboardInterrupt:
        print("已取消", file=sys.stderr)
    return EXIT_FAILED
