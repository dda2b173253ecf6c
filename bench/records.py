"""Records benchmarks: a backup (and its verified restore) of the benchmark database, and the import
of a 10,000-row messy ledger into a new database (dry run and the import itself).

    python -m bench.records --db PATH [--rows 10000]

`measure(session, path, password)` is also called by bench.harness on the large database. The import
runs in a new database in a temporary folder, so the benchmark database is not changed by it."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.harness import DEFAULT_PASSWORD, Result, table

LEDGER_ROWS = 10_000


def _timed(action: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def backup_and_restore(session: Any, folder: Path, password: str) -> list[Result]:
    from app import auth
    from app.records import backup, restore

    admin = replace(session, user=auth.current_user("admin"))
    seconds, made = _timed(lambda: backup.take_backup(admin, folder))
    size = made.size / 1e6
    note = f"{made.cases} 件案件，备份文件 {size:.0f} MB（在线副本 + 完整性/哈希链/记录数校验 + 打包）"
    results = [Result("backup", "备份（含校验）", [seconds], None, note=note)]
    target = folder / "restored" / "restored.db"
    seconds, _report = _timed(
        lambda: restore.restore_backup(made.path, target, restore.Credentials("admin", password))
    )
    results.append(Result("restore", "恢复到新文件（含全部校验）", [seconds], None, note=f"{size:.0f} MB"))
    return results


def ledger_import(rows: int, folder: Path) -> list[Result]:
    from app import auth, users
    from app.records import ledger_import as li
    from models.database import close_current
    from tests.support.ledgers import big_ledger

    path = big_ledger(folder / "台账.xlsx", rows)
    session, _key = auth.create_local_database(
        folder / "import.db", "admin", "周建国", DEFAULT_PASSWORD + "x", "基准医院"
    )
    try:
        users.add_user(
            session, "manager", "主任", ["manager"], DEFAULT_PASSWORD + "x", must_change_password=False
        )
        manager = replace(session, user=auth.current_user("manager"))
        read_seconds, table_ = _timed(lambda: li.read_sheet(li.open_ledger(path)))
        options = li.ImportOptions(li.propose_mapping(table_.headers))
        ledger = li.open_ledger(path)
        dry_seconds, plan = _timed(lambda: li.preview(manager, ledger, table_, options))
        import_seconds, result = _timed(lambda: li.import_ledger(manager, plan))
        imported = result.imported + result.flagged
    finally:
        auth.logout(session)
        close_current()
    return [
        Result("ledger_read", f"读取 {rows} 行台账（.xlsx）", [read_seconds], None),
        Result("ledger_dry_run", f"试导入 {rows} 行（逐行判定）", [dry_seconds], None),
        Result(
            "ledger_import",
            f"导入 {rows} 行（一个事务）",
            [import_seconds],
            None,
            note=f"导入 {imported} 件，{imported / import_seconds:.0f} 件/秒",
        ),
    ]


def ledger_import_in_child(rows: int) -> list[Result]:
    """The import in its own process (its own new database; this process keeps its connection)."""
    output = subprocess.run(
        [sys.executable, "-m", "bench.records", "--ledger-only", "--rows", str(rows)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [Result(**item) for item in json.loads(output.strip().splitlines()[-1])]


def measure(
    session: Any, password: str, rows: int = LEDGER_ROWS, *, backup: bool = True, ledger: bool = True
) -> list[Result]:
    """The backup and restore of the benchmark database (needs twice its size free in the temporary
    folder) and the ledger import (a new database, the same at any size)."""
    results = []
    if backup:
        folder = Path(tempfile.mkdtemp(prefix="complaintdesk-bench-records-"))
        try:
            results = backup_and_restore(session, folder, password)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return results + (ledger_import_in_child(rows) if ledger else [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.records", description="备份、恢复与台账导入的基准")
    parser.add_argument("--db", type=Path, help="基准数据库（python -m bench --keep 生成）")
    parser.add_argument("--rows", type=int, default=LEDGER_ROWS, help="台账行数（默认 10000）")
    parser.add_argument("--ledger-only", action="store_true", help="只测台账导入（结果以 JSON 输出）")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    password = os.environ.get("COMPLAINTDESK_PASSWORD") or DEFAULT_PASSWORD
    from app import auth
    from tests.support.accounts import use_cheap_kdf

    if args.ledger_only:
        use_cheap_kdf()  # only for the users of the new database this benchmark makes
        folder = Path(tempfile.mkdtemp(prefix="complaintdesk-bench-ledger-"))
        try:
            results = ledger_import(args.rows, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        print(
            json.dumps(
                [{k: getattr(r, k) for k in ("key", "label", "samples", "budget", "note")} for r in results],
                ensure_ascii=False,
            )
        )
        return 0
    if args.db is None:
        parser.error("需要 --db")
    session = auth.login_local(args.db, "manager", password)
    try:
        results = measure(session, password, args.rows)
    finally:
        auth.logout(session)
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
