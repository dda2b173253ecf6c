"""The records commands of the command line: backup, restore, import-ledger, export (and dossier).

They use the same services as the GUI; see app/cli.py for how passwords are read and errors shown.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path

from app.cli import EXIT_OK, PASSWORD_ENV, CliError, Secrets, signed_in


def _printed_progress(done: int, total: int, text: str) -> None:
    print(f"[{done}/{total}] {text}", flush=True)


def cmd_backup(args: argparse.Namespace, secrets_: Secrets) -> int:
    """备份: an online, verified, still encrypted copy with its key slots, into --out (a folder)."""
    from app.records import backup

    with signed_in(args, secrets_) as session:
        result = backup.take_backup(session, Path(args.out) if args.out else None, _printed_progress)
    print("\n".join(["已完成备份：", *result.lines()]))
    return EXIT_OK


RECOVERY_KEY_ENV = "COMPLAINTDESK_RECOVERY_KEY"


def cmd_restore(args: argparse.Namespace, secrets_: Secrets) -> int:
    """恢复: to a new file only, verified before it can be opened. Unlocked with an administrator's
    password of the backup's time (--user) or with the recovery key (--recovery-key)."""
    from app.records import restore

    if args.recovery_key:
        key = secrets_.extra(0, RECOVERY_KEY_ENV)
        if not key:
            raise CliError(f"请在标准输入或环境变量 {RECOVERY_KEY_ENV} 中提供恢复密钥")
        credentials = restore.Credentials(recovery_key=key)
    elif args.user:
        credentials = restore.Credentials(username=args.user, password=secrets_.password())
    else:
        raise CliError("请用 --user 指定系统管理员（密码为备份时的密码），或用 --recovery-key 提供恢复密钥")
    report = restore.restore_backup(Path(args.backup), Path(args.to), credentials, _printed_progress)
    print("\n".join(report.lines()))
    return EXIT_OK


def cmd_import_ledger(args: argparse.Namespace, secrets_: Secrets) -> int:
    """导入台账: the dry run always writes the report; without --dry-run the rows are imported, all or
    nothing. The column mapping and choices confirmed last time for this layout are used again."""
    from app.records import ledger_import as li

    ledger = li.open_ledger(Path(args.file))
    table = li.read_sheet(ledger, args.sheet)
    with signed_in(args, secrets_) as session:
        memory = li.remembered(table.signature)
        mapping = li.propose_mapping(table.headers, {int(k): v for k, v in memory.get("mapping", {}).items()})
        options = li.ImportOptions(
            mapping, args.year, memory.get("departments", {}), memory.get("categories", {})
        )
        print(
            "列对应："
            + "，".join(f"{table.headers[c]}→{li.FIELD_LABELS[k]}" for c, k in sorted(mapping.items()))
        )
        plan = li.preview(session, ledger, table, options)
        li.write_report(plan, Path(args.report))
        print("\n".join(plan.lines()))
        print(f"逐行结果已写入：{args.report}")
        if not args.dry_run:
            result = li.import_ledger(session, plan, _printed_progress)
            print("\n".join(result.lines()))
    return EXIT_OK


def cmd_export(args: argparse.Namespace, secrets_: Secrets) -> int:
    """导出台账: the cases received in the range, masked unless --full-identifiers (and allowed)."""
    from app.records import export

    with signed_in(args, secrets_) as session:
        result = export.export_ledger(
            session,
            getattr(args, "from"),
            args.to,
            Path(args.out),
            full_identifiers=args.full_identifiers,
            progress=_printed_progress,
        )
    print("\n".join(result.lines()))
    return EXIT_OK


def cmd_dossier(args: argparse.Namespace, secrets_: Secrets) -> int:
    """卷宗 of one case as one PDF (cover, contents, the stored documents, timeline, attachments, views)."""
    from app import files
    from app.cases import documents
    from app.records import dossier

    out = Path(args.out)
    if out.is_dir() or not out.parent.is_dir():
        raise CliError(f"无法写入“{out}”：请给出一个文件夹中的 PDF 文件名")
    with signed_in(args, secrets_) as session:
        made = dossier.build_dossier(session, documents.case_id_by_number(session, args.case_no))
        files.write_private(out, made.pdf)
    print(f"已生成卷宗：{out}（{made.pages} 页，装订存档文书 {len(made.documents)} 份）")
    for bound in made.documents:
        print(f"  {bound.title}　SHA-256 {bound.sha256}")
    return EXIT_OK


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def add_record_commands(sub: argparse._SubParsersAction, db_options: Callable[..., None]) -> None:
    backup_p = sub.add_parser("backup", help="备份数据库（在线一致性副本，保持加密，含密钥文件）")
    db_options(backup_p)
    backup_p.add_argument("--out", metavar="DIR", help="备份文件夹（默认为已设置的备份文件夹）")
    backup_p.set_defaults(handler=cmd_backup)

    restore_p = sub.add_parser("restore", help="从备份恢复到一个新的数据库文件（校验通过后才启用）")
    restore_p.add_argument("backup", metavar="BACKUP", help="备份文件（.cdbackup）")
    restore_p.add_argument("--to", required=True, metavar="PATH", help="新的数据库文件路径（不能是已有文件）")
    restore_p.add_argument("--user", metavar="NAME", help="系统管理员用户名（密码为备份时的密码）")
    restore_p.add_argument("--recovery-key", action="store_true", help="改用恢复密钥解锁备份")
    restore_p.add_argument(
        "--password-stdin",
        action="store_true",
        help=f"从标准输入读取密码或恢复密钥；否则读取环境变量 {PASSWORD_ENV}",
    )
    restore_p.set_defaults(handler=cmd_restore)

    imp_l = sub.add_parser("import-ledger", help="导入 Excel 投诉台账（历史案件）")
    imp_l.add_argument("file", metavar="FILE.xlsx", help="台账文件（.xlsx）")
    db_options(imp_l)
    imp_l.add_argument("--sheet", metavar="NAME", help="工作表名（默认为第一个有表头的工作表）")
    imp_l.add_argument(
        "--year", type=int, metavar="YYYY", help="只写了月日的日期所属的年份（标题中没有年份时）"
    )
    imp_l.add_argument("--dry-run", action="store_true", help="只生成逐行结果报告，不导入")
    imp_l.add_argument("--report", required=True, metavar="REPORT.xlsx", help="逐行结果报告（.xlsx）")
    imp_l.set_defaults(handler=cmd_import_ledger)

    export_p = sub.add_parser("export", help="导出投诉台账（Excel）")
    export_p.add_argument(
        "--from", required=True, type=_iso_date, metavar="DATE", help="接待日期自，如 2026-01-01"
    )
    export_p.add_argument("--to", required=True, type=_iso_date, metavar="DATE", help="接待日期至（含当天）")
    export_p.add_argument("--out", required=True, metavar="FILE.xlsx", help="输出的 Excel 文件")
    db_options(export_p)
    export_p.add_argument(
        "--full-identifiers", action="store_true", help="导出完整的电话和身份证号（默认遮蔽）"
    )
    export_p.set_defaults(handler=cmd_export)

    dossier_p = sub.add_parser("dossier", help="生成案件卷宗（PDF）")
    dossier_p.add_argument("case_no", metavar="CASE_NO", help="案件编号，如 YH-2026-000123")
    db_options(dossier_p)
    dossier_p.add_argument("--out", required=True, metavar="FILE.pdf", help="输出的 PDF 文件")
    dossier_p.set_defaults(handler=cmd_dossier)
