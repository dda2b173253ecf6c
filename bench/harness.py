"""The benchmark: DESIGN §8 budgets measured on a large encrypted database, in the real GUI, and on
PostgreSQL (shared mode).

    python -m bench [--cases 200000] [--db PATH] [--keep] [--seed S] [--only GROUPS] [--skip GROUPS]
                    [--pg] [--runs N] [--drop-caches] [--note TEXT] [--render]

Without --db the database is built in a temporary directory (with `complaintdesk demo`, i.e. the
bulk path of app.demo.bulk, in a separate process so this one's memory is the application's) and
removed afterwards unless --keep. With --db an existing database is reused (its password from
COMPLAINTDESK_PASSWORD, by default the one the harness builds with); a missing one is built there.

Groups of lines: start (process spawn → painted login window, bench/startup.py), gui (the real main
window per role, bench/gui.py), service (open, search, board queries, register, receipt:
bench/service.py), stats (bench/statistics.py), reminders (bench/reminders.py), ledger (a 10,000-row
ledger import into a new database) and backup (a verified backup and restore of the benchmark
database: slow at 1M and needs twice its size free in the temporary folder), bench/records.py.
`--pg` migrates the database into a throwaway PostgreSQL server (bench/pg.py) and runs gui,
service, stats and reminders there, each user signed in as their own database role, plus rls (the
same queries as the user's role and as the table owner, bench/rls.py).

Results are printed as a table, written to bench/out/results-<cases>[-pg].json, and
docs/performance.md is rendered from every run in bench/out (bench/report.py). Nothing here asserts
a timing: a line is OK or OVER judged on its median (p95 shown).
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_CASES = 200_000
DEFAULT_PASSWORD = "Bench2024demo"
LOCAL_GROUPS = ("start", "gui", "service", "stats", "reminders", "ledger", "backup")
GROUPS = (*LOCAL_GROUPS, "rls")
SHARED_GROUPS = ("gui", "service", "stats", "reminders", "rls")  # start, ledger, backup: the local file
GROUP_LABELS = {
    "start": "启动到登录窗口",
    "gui": "界面（每个角色一个进程）",
    "service": "打开、搜索、看板查询、登记、回执",
    "stats": "统计与报告",
    "reminders": "提醒与整改列表",
    "ledger": "台账导入",
    "backup": "备份与恢复",
    "rls": "行级安全的代价（本人角色与表所有者）",
}
ROLE_NAMES = {"officer": "专员", "clerk": "督查股文员", "manager": "主任", "night_duty": "总值班"}

# DESIGN §8, in seconds (RSS in MB).
BUDGETS = {
    "register": 0.030,
    "open_case": 0.020,  # in the service; ≤ 100 ms in the real workspace (bench/gui.py)
    "search_fts": 0.050,
    "search_short": 0.300,
    "rss": 350.0,
    "receipt_pdf": 0.040,
}


@dataclass
class Result:
    key: str
    label: str
    samples: list[float]
    budget: float | None
    unit: str = "s"
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def ok(self) -> bool | None:
        """Judged on the median, as DESIGN §8's budgets are typical times (p95 is shown)."""
        return None if self.budget is None else self.median <= self.budget

    @property
    def slowest(self) -> float:
        return max(self.samples)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "median": self.median, "p95": self.p95, "max": self.slowest, "ok": self.ok}


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


# -- building the database --------------------------------------------------------------------


def build(path: Path, cases: int, seed: int, password: str) -> dict[str, Any]:
    """`complaintdesk demo` in a child process; its output is passed through."""
    command = [
        sys.executable,
        "-m",
        "app",
        "demo",
        "--db",
        str(path),
        "--cases",
        str(cases),
        "--seed",
        str(seed),
    ]
    env = {**os.environ, "COMPLAINTDESK_PASSWORD": password}
    print(f"生成基准数据库：{cases} 件案件 ……", flush=True)
    started = time.perf_counter()
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            print(f"  {line.rstrip()}", flush=True)
    seconds = time.perf_counter() - started
    if child.returncode:
        raise SystemExit(f"生成失败（退出码 {child.returncode}）")
    return {
        "seconds": seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


# -- measurements -------------------------------------------------------------------------------


def _group(name: str, failures: list[str], lines: Callable[[], list[Result]]) -> list[Result]:
    """One group of lines; a failure is reported and recorded, and the other groups still run (a
    long 1M run keeps what it measured)."""
    print(f"测量：{GROUP_LABELS[name]} ……", flush=True)
    try:
        return lines()
    except Exception as exc:  # noqa: BLE001 - any failure of one group is reported, not fatal
        traceback.print_exc()
        failures.append(f"{GROUP_LABELS[name]}：{type(exc).__name__}: {str(exc)[:300]}")
        return []


def measure(
    target: Any, groups: set[str], seed: int, runs: int, drop_caches: bool, failures: list[str]
) -> list[Result]:
    """Every selected group of lines on `target` (bench.target.Target); failures go to `failures`."""
    from bench import gui, records, startup
    from bench.reminders import reminder_queries
    from bench.service import service_lines
    from bench.statistics import statistics_queries

    results: list[Result] = []
    if "start" in groups:
        results += _group(
            "start", failures, lambda: startup.start_lines(target.path, drop_caches=drop_caches)
        )
    if "gui" in groups:
        results += _group("gui", failures, lambda: gui.gui_lines(target, runs, failures))
    if "rls" in groups and target.shared:
        from bench.rls import rls_lines

        results += _group("rls", failures, lambda: rls_lines(target))
    if not groups & {"service", "stats", "reminders", "ledger", "backup"}:
        return results
    from app import auth

    if target.shared:  # every user on their own database role
        results += _shared_lines(target, groups, seed, failures)
        groups = groups - {"service", "reminders"}

    manager = target.login("manager")
    try:
        for name, lines in (
            ("service", lambda: service_lines(manager, seed)),
            ("stats", lambda: statistics_queries(manager)),
            ("reminders", lambda: reminder_queries(manager)),
            ("ledger", lambda: records.measure(manager, target.password, backup=False)),
            ("backup", lambda: records.measure(manager, target.password, ledger=False)),
        ):
            if name in groups:
                results += _group(name, failures, lines)
    finally:
        auth.logout(manager)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.append(Result("rss", "峰值内存 RSS（基准进程，服务调用）", [rss], BUDGETS["rss"], unit="MB"))
    return results


def _shared_lines(target: Any, groups: set[str], seed: int, failures: list[str]) -> list[Result]:
    """The service and reminder lines of shared mode, each user signed in as their own role."""
    from app import auth
    from bench.reminders import reminder_queries
    from bench.service import shared_service_lines

    results: list[Result] = []
    if "service" in groups:
        results += _group("service", failures, lambda: shared_service_lines(target, seed))
    if "reminders" in groups:
        for username in ("officer", "manager"):

            def lines(username: str = username) -> list[Result]:
                session = target.login(username)
                try:
                    return reminder_queries(session, only=username)
                finally:
                    auth.logout(session)

            results += _group("reminders", failures, lines)
    return results


def count_cases(target: Any) -> tuple[int, float]:
    """(cases, seconds of the manager's sign-in), in a child process of its own.

    The demo database is written sealed (the identifier key made before its cases, as by a
    manager's first sign-in; app/demo/database.py), so this sign-in has nothing to seal or rebuild
    (a database built with `--plain-identifiers` would be sealed and rebuilt here); the manager then
    grants the key to the officers waiting for it, as on the manager's home (app/key_grants.py), so
    the officer's lines read identifiers as in real use. It runs in a spawned child, so whatever
    memory it takes does not count as this process's peak: the GUI probes are forked from here and
    inherit it (ru_maxrss)."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_first_sign_in, (target,))


def _first_sign_in(target: Any) -> tuple[int, float]:
    from app import auth, key_grants
    from models.cases import Case

    started = time.perf_counter()
    session = target.login("manager")
    seconds = time.perf_counter() - started
    try:
        key_grants.grant_waiting(session)
        return Case.select().count(), seconds
    finally:
        auth.logout(session)


# -- report ---------------------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    rows = [("操作", "中位数", "p95", "预算", "结果", "说明")]
    for r in results:
        verdict = "—" if r.ok is None else ("OK" if r.ok else "OVER")
        rows.append(
            (r.label, _fmt(r.median, r.unit), _fmt(r.p95, r.unit), _fmt(r.budget, r.unit), verdict, r.note)
        )
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [row[i] + " " * (widths[i] - _width(row[i])) for i in range(len(widths))]
        lines.append("  ".join(cells) + "  " + row[-1])
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def selected_groups(only: str, skip: str, shared: bool) -> set[str]:
    allowed = SHARED_GROUPS if shared else LOCAL_GROUPS
    wanted = {g.strip() for g in only.split(",") if g.strip()} if only else set(allowed)
    unknown = (wanted | {g.strip() for g in skip.split(",") if g.strip()}) - set(GROUPS)
    if unknown:
        raise SystemExit(f"未知的测量组：{'、'.join(sorted(unknown))}（可选：{','.join(GROUPS)}）")
    return (wanted & set(allowed)) - {g.strip() for g in skip.split(",")}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description="性能基准（DESIGN §8）")
    p.add_argument("--cases", type=int, help="生成的案件数（默认 200000；复用 --db 时按库中实际数）")
    p.add_argument("--db", type=Path, help="复用（或在此生成）基准数据库")
    p.add_argument("--keep", action="store_true", help="保留临时生成的数据库")
    p.add_argument("--seed", type=int, default=20240601, help="随机种子")
    p.add_argument("--only", default="", help=f"只测这些组，逗号分隔：{','.join(GROUPS)}")
    p.add_argument("--skip", default="", help="跳过这些组（如 backup：大库的备份与恢复较慢）")
    p.add_argument("--pg", action="store_true", help="共享模式：迁移到临时 PostgreSQL 服务器后测量")
    p.add_argument("--runs", type=int, default=3, help="界面测量每个角色的进程数（默认 3）")
    p.add_argument(
        "--drop-caches",
        action="store_true",
        help="首次启动前清空整个系统页面缓存（需 root，只在空闲机器上用）",
    )
    p.add_argument("--note", default="", help="写入结果表的说明（如“负载下”）")
    p.add_argument("--render", action="store_true", help="只由 bench/out 重新生成 docs/performance.md")
    return p


def main(argv: list[str] | None = None) -> int:
    from bench import report

    args = parser().parse_args(argv)
    if args.render:
        written = report.render()
        print(f"已写入 {written}" if written else "bench/out 中没有结果")
        return 0
    groups = selected_groups(args.only, args.skip, args.pg)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    password = os.environ.get("COMPLAINTDESK_PASSWORD") or DEFAULT_PASSWORD
    folder = None
    if args.db is None:
        folder = Path(tempfile.mkdtemp(prefix="complaintdesk-bench-"))
        path = folder / "bench.db"
    else:
        path = args.db.expanduser().resolve()
    load_before = os.getloadavg()
    from bench.target import Target

    server = None
    try:
        generation = None
        if not path.exists():
            generation = build(path, args.cases or DEFAULT_CASES, args.seed, password)
        target = Target(path, password)
        counted, first_sign_in = count_cases(target)
        print(f"主任首次登录：{first_sign_in:.1f} s", flush=True)
        cases = args.cases or counted  # the run's name: what was asked for, else what is there
        facts: dict[str, Any] = {"database_bytes": report.local_size(path)}
        if args.pg:
            from bench import pg

            server, target, facts = pg.serve(target)
        failures: list[str] = []
        results = measure(target, groups, args.seed, args.runs, args.drop_caches, failures)
        print()
        print(table(results))
        load_after = os.getloadavg()
        cpus = os.cpu_count() or 1
        run = {
            "cases": cases,
            "case_count": counted,
            "shared": args.pg,
            "target": target.label,
            "seed": args.seed,
            "groups": sorted(groups),
            "generation": generation,
            "first_sign_in_seconds": first_sign_in,
            "under_load": max(load_before[0], load_after[0]) > 0.75 * cpus,
            "note": args.note,
            "failures": failures,
            **facts,
            "environment": {
                **report.machine(),
                "load_average_before": load_before,
                "load_average": load_after,
                **({"postgresql": facts["postgresql"]} if "postgresql" in facts else {}),
            },
            "results": [r.as_dict() for r in results],
        }
        if generation:
            print(
                f"\n生成 {cases} 件案件用时 {generation['seconds']:.0f} 秒（峰值内存 {generation['peak_rss_mb']:.0f} MB）"
            )
        print(
            f"数据库 {facts['database_bytes'] / 1e6:.0f} MB（{facts['database_bytes'] / max(counted, 1):.0f} 字节/件）；"
            f"平均负载 {load_before[0]:.1f} → {load_after[0]:.1f}（{cpus} 核）"
        )
        for failure in failures:
            print(f"未完成：{failure}")
        print(f"结果已写入 {report.write_run(run)}；表格 {report.render()}")
    finally:
        if server is not None:
            server.stop()
        if folder is not None:
            if args.keep:
                print(f"已保留数据库：{path}（密码见 COMPLAINTDESK_PASSWORD，默认 {DEFAULT_PASSWORD}）")
            else:
                shutil.rmtree(folder, ignore_errors=True)
    return 0
