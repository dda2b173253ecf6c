"""The benchmark: DESIGN §8 budgets measured on a large encrypted database.

    python -m bench [--cases 200000] [--db PATH] [--keep] [--seed S]

Without --db the database is built in a temporary directory (with `complaintdesk demo`, i.e. the
bulk path of app.demo.bulk, in a separate process so this one's memory is the application's) and
removed afterwards unless --keep. With --db an existing database is reused (its password from
COMPLAINTDESK_PASSWORD, by default the one the harness builds with); a missing one is built there.
Results are printed as a table and written to bench/out/results.json. Nothing here asserts a
timing: the table says OK or OVER, judged on the median (the p95 column shows the spread).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

DEFAULT_CASES = 200_000
DEFAULT_PASSWORD = "Bench2024demo"
OUT_DIR = Path(__file__).resolve().parent / "out"
PROBE_RUNS = 5

# DESIGN §8, in seconds (RSS in MB).
BUDGETS = {
    "cold_start": 1.0,
    "login_board": 1.0,
    "board_populated": 0.2,  # the issue's board budget (a populated board, 200,000 cases)
    "register": 0.030,
    "open_case": 0.050,
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

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "median": self.median, "p95": self.p95, "ok": self.ok}


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


def cold_start(path: Path, user: str, password: str, runs: int) -> list[Result]:
    """Fresh processes: interpreter + imports (to the login window), then login and board."""
    starts, logins, samples = [], [], []
    env = {**os.environ, "COMPLAINTDESK_PASSWORD": password, "QT_QPA_PLATFORM": "offscreen"}
    for _ in range(runs):
        wall, output = _timed(
            lambda: (
                subprocess.run(
                    [sys.executable, "-m", "bench.probe", str(path), user],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
        )
        probe = json.loads(output.strip().splitlines()[-1])
        samples.append(probe)
        starts.append(wall - probe["after_imports"])
        logins.append(probe["after_imports"])
    return [
        Result(
            "cold_start",
            "冷启动：解释器+导入（到登录窗口）",
            starts,
            BUDGETS["cold_start"],
            note="Qt、app 核心模块",
        ),
        Result(
            "login_board",
            "登录到看板：派生密钥+打开+看板与队列",
            logins,
            BUDGETS["login_board"],
            note="其中登录 {:.0f} ms".format(statistics.median(p["login"] for p in samples) * 1000),
            extra={"probes": samples},
        ),
    ]


def gui(path: Path, user: str, password: str, runs: int) -> list[Result]:
    """The real main window in fresh offscreen processes (bench.gui)."""
    env = {**os.environ, "COMPLAINTDESK_PASSWORD": password, "QT_QPA_PLATFORM": "offscreen"}
    probes = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, "-m", "bench.gui", str(path), user],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        probes.append(json.loads(output.strip().splitlines()[-1]))

    def samples(key: str) -> list[float]:
        return [p[key] for p in probes]

    steps = statistics.median(samples("scroll_steps"))
    return [
        Result(
            "gui_login_board",
            "界面：登录到看板（含工作台）",
            samples("login_to_board"),
            BUDGETS["login_board"],
            note="其中工作台 {:.0f} ms".format(statistics.median(samples("home")) * 1000),
            extra={"probes": probes},
        ),
        Result("gui_board", "界面：点“看板”到显示", samples("board_click"), BUDGETS["board_populated"]),
        Result(
            "gui_board_refresh",
            "界面：看板刷新（筛选、F5）",
            samples("board_refresh"),
            BUDGETS["board_populated"],
        ),
        Result("gui_list_first", "界面：案件列表第一页", samples("list_first_page"), None),
        Result(
            "gui_list_scroll",
            "界面：案件列表滚动到第 5000 行，单步最慢",
            samples("scroll_slowest_step"),
            None,
            note="共 {:.0f} 步，合计 {:.2f} s".format(steps, statistics.median(samples("scroll_seconds"))),
        ),
    ]


def register_cases(session: Any, count: int) -> Result:
    from app import clock
    from app.cases import intake
    from app.demo.generator import generator_for_database

    now = clock.now()
    forms = [plan.form for plan in generator_for_database(seed=4242).plans(count + 20)][:count]
    samples = []
    for i, form in enumerate(forms):
        received = now - timedelta(minutes=count - i)
        form = replace(form, received_at=received, link_to=[])
        seconds, _ = _timed(lambda form=form: intake.register(session, form))
        samples.append(seconds)
    return Result("register", "登记一件投诉（服务调用）", samples, BUDGETS["register"], note=f"{count} 次")


def open_cases(session: Any, rng: random.Random, count: int) -> Result:
    from app.cases.views import open_case
    from models.cases import Case

    top = Case.select(Case.id).order_by(Case.id.desc()).limit(1).scalar()
    samples, events = [], []
    for case_id in (rng.randint(1, top) for _ in range(count)):
        seconds, view = _timed(lambda case_id=case_id: open_case(session, case_id))
        samples.append(seconds)
        events.append(len(view.timeline))
    note = f"{count} 件随机案件，时间线平均 {statistics.mean(events):.1f} 条"
    return Result("open_case", "打开案件（含时间线）", samples, BUDGETS["open_case"], note=note)


def receipts(session: Any, count: int) -> Result:
    """Issue a 受理回执: fill the data from the case, render the PDF, store it with its SHA-256."""
    from app.cases import documents
    from models.cases import Case

    ids = [
        row.id
        for row in Case.select(Case.id)
        .where(Case.state == "registered")
        .order_by(Case.id.desc())
        .limit(count)
    ]
    documents.issue(session, ids[0], "receipt")  # fonts registered once per process
    samples = [
        _timed(lambda case_id=case_id: documents.issue(session, case_id, "receipt"))[0] for case_id in ids
    ]
    return Result(
        "receipt_pdf",
        "受理回执 PDF（取数、排版、存档）",
        samples,
        BUDGETS["receipt_pdf"],
        note=f"{len(samples)} 份",
    )


def searches(session: Any, key: str, label: str, texts: list[str]) -> Result:
    from app.cases import search

    search.search(session, "预热")  # the first query of a session also loads the FTS module
    samples, hits = [], {}
    for text in texts:
        seconds, ids = _timed(lambda text=text: search.search(session, text))
        samples.append(seconds)
        hits[text] = len(ids)
    return Result(key, label, samples, BUDGETS[key], note=f"{len(texts)} 个查询", extra={"hits": hits})


def board_queries(session: Any, runs: int) -> list[Result]:
    """The board and the home queues, warm (the board module may not exist yet)."""
    try:
        from app.cases import board
    except ImportError:
        return []
    results = []
    for key, label, action in (
        ("board", "看板（每列前 50 张卡片）", lambda: board.board(session)),
        ("queues", "首页队列计数", lambda: board.queue_counts(session)),
        ("case_list", "案件列表第一页", lambda: board.case_list(session)),
    ):
        samples = [_timed(action)[0] for _ in range(runs)]
        results.append(Result(key, label, samples, None, note="热查询，登录到看板合计 ≤ 1.0 s"))
    return results


def measure(path: Path, password: str, seed: int) -> list[Result]:
    from app import auth
    from models.cases import Case

    results = cold_start(path, "officer", password, PROBE_RUNS)
    results.extend(gui(path, "officer", password, 3))
    manager = auth.login_local(path, "manager", password)
    officer = replace(manager, user=auth.current_user("officer"))
    rng = random.Random(seed)
    print(f"案件数：{Case.select().count()}", flush=True)
    try:
        from bench.queries import fts_queries, short_queries

        results.append(open_cases(manager, rng, 100))
        results.append(searches(officer, "search_fts", "搜索 ≥3 字（FTS5 trigram）", fts_queries(rng)))
        results.append(searches(officer, "search_short", "搜索 1–2 字（FTS5 单字索引）", short_queries(rng)))
        results.extend(board_queries(officer, 10))
        from bench.statistics import statistics_queries

        results.extend(statistics_queries(manager))
        from bench.reminders import reminder_queries

        results.extend(reminder_queries(manager))
        results.append(register_cases(officer, 50))
        results.append(receipts(officer, 30))
        from bench import records

        results.extend(records.measure(manager, password))

    finally:
        auth.logout(manager)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.append(Result("rss", "峰值内存 RSS（本进程）", [rss], BUDGETS["rss"], unit="MB"))
    return results


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


def environment(path: Path) -> dict[str, Any]:
    from sqlcipher3 import dbapi2

    connection = dbapi2.connect(":memory:")
    return {
        "python": platform.python_version(),
        "sqlite": connection.execute("select sqlite_version()").fetchone()[0],
        "sqlcipher": connection.execute("pragma cipher_version").fetchone()[0],
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "platform": platform.platform(),
        "database_mb": sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="性能基准（DESIGN §8）")
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES, help="案件数（默认 200000）")
    parser.add_argument("--db", type=Path, help="复用（或在此生成）基准数据库")
    parser.add_argument("--keep", action="store_true", help="保留临时生成的数据库")
    parser.add_argument("--seed", type=int, default=20240601, help="随机种子")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    password = os.environ.get("COMPLAINTDESK_PASSWORD") or DEFAULT_PASSWORD
    folder = None
    if args.db is None:
        folder = Path(tempfile.mkdtemp(prefix="complaintdesk-bench-"))
        path = folder / "bench.db"
    else:
        path = args.db.expanduser().resolve()
    load_before = os.getloadavg()
    generation = build(path, args.cases, args.seed, password) if not path.exists() else None
    try:
        results = measure(path, password, args.seed)
        print()
        print(table(results))
        if generation:
            print(
                f"\n生成 {args.cases} 件案件用时 {generation['seconds']:.0f} 秒（生成进程峰值内存 {generation['peak_rss_mb']:.0f} MB）"
            )
        env = environment(path)
        print(
            f"数据库大小 {env['database_mb']:.0f} MB；平均负载 {load_before[0]:.1f} → {env['load_average'][0]:.1f}（{env['cpus']} 核）"
        )
        OUT_DIR.mkdir(exist_ok=True)
        report = {
            "cases": args.cases,
            "seed": args.seed,
            "generation": generation,
            "environment": {**env, "load_average_before": load_before},
            "results": [r.as_dict() for r in results],
        }
        (OUT_DIR / "results.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        print(f"结果已写入 {OUT_DIR / 'results.json'}")
    finally:
        if folder is not None:
            if args.keep:
                print(f"已保留数据库：{path}（密码见 COMPLAINTDESK_PASSWORD，默认 {DEFAULT_PASSWORD}）")
            else:
                shutil.rmtree(folder, ignore_errors=True)
    return 0
