"""The benchmark's outputs: the machine it ran on, one JSON file per run (bench/out/results-<cases>.json,
results-<cases>-pg.json for shared mode), and docs/performance.md rendered from every run present
there, side by side, together with the runs kept in the repository (bench/results/, e.g. the
shared-mode run, which needs a PostgreSQL server) unless bench/out has a newer run of the same name."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

OUT_DIR = Path(__file__).resolve().parent / "out"
KEPT_DIR = Path(__file__).resolve().parent / "results"
DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        return None
    return None


def machine() -> dict[str, Any]:
    from sqlcipher3 import dbapi2

    connection = dbapi2.connect(":memory:")
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "sqlite": connection.execute("select sqlite_version()").fetchone()[0],
        "sqlcipher": connection.execute("pragma cipher_version").fetchone()[0],
        "cpus": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def local_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def run_name(cases: int, shared: bool) -> str:
    return f"results-{cases}{'-pg' if shared else ''}"


def write_run(report: dict[str, Any]) -> Path:
    OUT_DIR.mkdir(exist_ok=True)
    path = OUT_DIR / f"{run_name(report['cases'], report['shared'])}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def load_runs(folder: Path = OUT_DIR, kept: Path | None = None) -> list[dict[str, Any]]:
    """The runs in `folder`, and those in `kept` that `folder` has no run of the same name for."""
    files = {path.name: path for path in sorted(kept.glob("results-*.json"))} if kept else {}
    files.update({path.name: path for path in sorted(folder.glob("results-*.json"))})
    runs = []
    for path in files.values():
        run = json.loads(path.read_text(encoding="utf-8"))
        if "results" in run and "cases" in run:
            runs.append(run)
    return sorted(runs, key=lambda r: (bool(r.get("shared")), r["cases"]))


# -- Markdown ----------------------------------------------------------------------------------------


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value:.0f} MB"
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value * 1000:.0f} ms"


def _cases(n: int) -> str:
    return (
        f"{n // 1_000_000}M"
        if n >= 1_000_000 and n % 1_000_000 == 0
        else (f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n))
    )


def column_title(run: dict[str, Any]) -> str:
    title = f"{_cases(run['cases'])} 件"
    if run.get("shared"):
        title += " · PostgreSQL"
    if run.get("under_load"):
        title += " · 负载下"
    return title


def _cell(result: dict[str, Any]) -> str:
    unit = result.get("unit", "s")
    verdict = {True: "OK", False: "**OVER**", None: ""}[result.get("ok")]
    text = fmt(result["median"], unit)
    if len(result["samples"]) > 1:
        text += f" / {fmt(result['p95'], unit)}"
    return f"{text} {verdict}".strip()


def _run_rows(runs: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    def env(run: dict[str, Any], key: str) -> Any:
        return run["environment"].get(key)

    def size(run: dict[str, Any]) -> str:
        total = run.get("database_bytes")
        if not total:
            return "—"
        count = run.get("case_count") or run["cases"]
        return f"{total / 1e6:,.0f} MB，{total / max(count, 1) / 1000:.1f} KB/件"

    def build(run: dict[str, Any]) -> str:
        made = run.get("generation")
        text = f"{made['seconds']:.0f} s" if made else "复用已有数据库"
        if made and run.get("first_sign_in_seconds") is not None:
            text += f"；主任首次登录 {run['first_sign_in_seconds']:.1f} s"
        if run.get("migration_seconds") is not None:
            text += f"；迁移到服务器 {run['migration_seconds']:.0f} s"
            if run.get("statistics_recount_seconds") is not None:  # the manager's recount after the move
                text += f"，统计重算 {run['statistics_recount_seconds']:.0f} s"
            if run.get("vacuum_analyze_seconds") is not None:
                text += f"，VACUUM ANALYZE {run['vacuum_analyze_seconds']:.0f} s"
            else:  # runs before the bench vacuumed (autovacuum then ran beside the first lines)
                text += f"，ANALYZE {run['analyze_seconds']:.0f} s"
        return text

    def load(run: dict[str, Any]) -> str:
        before, after = env(run, "load_average_before"), env(run, "load_average")
        return f"{before[0]:.1f} → {after[0]:.1f}" if before and after else "—"

    return [
        ("日期", [env(r, "date") or "—" for r in runs]),
        (
            "机器",
            [
                f"{env(r, 'cpus')} 核，{env(r, 'memory_gb') or 0:.0f} GB 内存，{env(r, 'platform')}"
                for r in runs
            ],
        ),
        (
            "软件",
            [
                f"Python {env(r, 'python')}，SQLite {env(r, 'sqlite')}，SQLCipher {env(r, 'sqlcipher')}"
                + (f"，PostgreSQL {env(r, 'postgresql')}" if env(r, "postgresql") else "")
                for r in runs
            ],
        ),
        ("平均负载（前 → 后，1 分钟）", [load(r) for r in runs]),
        ("数据库", [r.get("target", "—") for r in runs]),
        ("案件数", [f"{r.get('case_count') or r['cases']:,}" for r in runs]),
        ("数据库大小", [size(r) for r in runs]),
        ("生成数据库", [build(r) for r in runs]),
        ("说明", [_remarks(r) for r in runs]),
    ]


def _remarks(run: dict[str, Any]) -> str:
    parts = [run["note"]] if run.get("note") else []
    parts += [f"未完成：{failure}" for failure in run.get("failures") or []]
    return "；".join(p.replace("\n", " ") for p in parts) or "—"


def markdown(runs: list[dict[str, Any]]) -> str:
    titles = [column_title(r) for r in runs]
    lines = [
        "# 性能基准 (Performance)",
        "",
        "Generated by `python -m bench` from the runs in `bench/out/` (do not edit by hand; rerun or",
        "`python -m bench --render`). Budgets are DESIGN §8's; a line is OK when its **median** is within",
        "the budget. Cells read `median / p95` (one sample: the value). How each line is measured, and how",
        "to run the benchmark, is described at the end.",
        "",
        "## 运行环境",
        "",
        "| | " + " | ".join(titles) + " |",
        "|---|" + "---|" * len(runs),
    ]
    for label, cells in _run_rows(runs):
        lines.append(f"| {label} | " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    lines += [
        "",
        "## 结果",
        "",
        "| 操作 | 预算 | " + " | ".join(titles) + " |",
        "|---|---|" + "---|" * len(runs),
    ]
    order: list[str] = []
    labels: dict[str, tuple[str, str]] = {}
    by_run = []
    for run in runs:
        found = {r["key"]: r for r in run["results"]}
        by_run.append(found)
        for r in run["results"]:
            if r["key"] not in labels:
                order.append(r["key"])
                labels[r["key"]] = (r["label"], fmt(r["budget"], r.get("unit", "s")))
    for key in order:
        label, budget = labels[key]
        cells = [_cell(found[key]) if key in found else "" for found in by_run]
        lines.append(f"| {label} | {budget} | " + " | ".join(cells) + " |")
    lines += ["", "## 各行说明", ""]
    for run, title in zip(runs, titles, strict=True):
        lines += [f"### {title}", ""]
        lines += [f"- {r['label']}：{r['note']}" for r in run["results"] if r.get("note")]
        lines.append("")
    lines += HOW.strip("\n").splitlines()
    return "\n".join(lines) + "\n"


def render(folder: Path = OUT_DIR, doc: Path = DOC, kept: Path | None = KEPT_DIR) -> Path | None:
    runs = load_runs(folder, kept)
    if not runs:
        return None
    doc.write_text(markdown(runs), encoding="utf-8")
    return doc


HOW = """
## 如何测量 (how the lines are measured)

- **Start** (`start_first`, `start_warm`): a real `python -m app gui --db PATH` process (the same code
  as `complaintdesk gui`) on the offscreen Qt platform with `COMPLAINTDESK_PROBE_EXIT_ON_PAINT=1`
  (`ui/startup_probe.py`): the process ends right after the login window's first paint and prints the
  wall-clock time of that paint; the bench times spawn → paint (and spawn → exit, in the notes).
  *First start* drops the files a start reads (Python, site-packages with Qt and SQLCipher, the
  application, fonts) from the OS page cache before each run with `posix_fadvise(DONTNEED)`; pages
  other processes keep mapped stay resident, so it is a cold-ish start. With `--drop-caches` (root,
  quiet machine only: it empties the whole page cache) the cache is dropped through
  `/proc/sys/vm/drop_caches` instead, which is the start after a reboot. Bytecode caches are kept.
- **GUI** (`gui_*`): fresh offscreen processes per role (`bench/gui.py`) with the real `MainWindow`:
  login → role home painted (and the board built behind it); 看板 shown and refreshed; the case list's
  first page; scroll steps — each one `fetchMore` as the view reaches the end (query, rows inserted,
  layout and paint), up to 100 steps or 40 s per process; cases opened in the real `CaseWorkspace`
  (timeline included, painted); the manager's 统计分析 page computed on its worker thread and shown.
  Each step is followed by `processEvents()`, so paint is included. Garbage collections happen as
  they would for a user. A closed case's workspace is deleted (`deleteLater`) when the event loop
  next runs; `processEvents()` alone never does that, so after each case the probe lets Qt run the
  deferred deletions as the application's loop would (before, 30 workspaces stayed alive, ~9 MB
  each, and were reported as the application's peak RSS). *工作台与看板准备* is the main window's
  construction (account summary, role home with its counts, lists and notices) until the board
  behind it is built.
- **Page cache** (`models.database.PAGE_CACHE`, 64 MB per connection): a ceiling, not an
  allocation. The GUI's RSS is about 180 MB after login (Python, Qt, the application), ~220 MB with
  the home painted, plus the pages it has read up to the ceiling, on each connection (the GUI's,
  and a worker thread's while it runs). Measured at 200,000 cases (GUI lines of the manager and
  the officer, 16 / 32 / 64 / 128 MB): peak RSS 239 / 256 / 261 / 261 MB and no difference in the
  home, board, scroll or open times beyond noise, because these screens read the open work's index,
  kept counts and keyset pages — a few MB, far below any of the sizes. The size matters only for
  long reads (statistics, a long scroll): 64 MB keeps the worst case (GUI connection and a worker
  connection both full) at about 220 + 2 × 64 ≈ 350 MB at any number of cases, where 256 MB (the
  size that once rescued the 1M queue counts before they read a covering index) would allow 730 MB.
- **Building the database** (生成数据库): `complaintdesk demo --cases N` in a child process (the
  bulk path, app/demo/bulk.py: one process plans and replays the cases, the other writes them in
  transactions of 2,000), then the manager's first sign-in, timed in a spawned child. The demo makes
  the identifier key before it writes a case, as a manager's first sign-in makes it, and writes the
  cases sealed as the services write them, so that sign-in has nothing to seal and the file is not
  rebuilt; before, it sealed every identifier and rebuilt the whole file with VACUUM (473 s after
  the 855 s build at 1M). While it loads, the writing connection has a 1 GB page cache (256 MB
  before): at a million cases the writer, not the planner, sets the pace, its index keys arriving in
  random order. With it and the exact repeat keys (below; the two not measured apart) the quiet 1M
  build went from 907 s to 828 s, the 200k one took 132 s. See docs/documents-storage.md, "Building the benchmark database".
- **Service lines** call the same `app/` functions the GUI calls, in the bench process (warm).
- **Database size** (数据库大小): the file's bytes over its cases. `python -m bench.storage PATH`
  splits it by table and index and sums it by purpose. At 200,050 cases, per case: the cases'
  content 3.6 KB (2.8 KB of it payload), the audit log and timeline 4.8 KB, statistics 0.5 KB,
  text indexes 0.6 KB. The content alone fills the ≤ 3 KB budget, so it is not met. Why no
  layout change meets it while the records stay hash-chained and the identifiers sealed:
  docs/documents-storage.md, "Why no layout reaches 3 KB with this data".
- **Repeat keys on the sealed benchmark database.** The demo, as a holder of the identifier key,
  makes the exact repeat keys (docs/statistics.md) while it plans the cases and records which
  sealed value each was made from once the writer has sealed it, as a holder's services would.
  Before schema step 38 the keys were taken from the coarse look-up indexes, which collide (46 % of the
  1M cases flagged 重复投诉), and the manager's 频繁投诉人 alert read tens of thousands of key rows
  at sign-in (1.8 s of the home's preparation at 1M, 0.7 s at 200k).
- **Records** (`bench/records.py`): `backup` — a verified backup and restore of the benchmark
  database; `ledger` — a 10,000-row `.xlsx` ledger read, dry-run and imported into a new database.
- **Shared mode** (`--pg`): a throwaway PostgreSQL server (`tests/support/pg_server.py`, TLS,
  scram) is started, the local benchmark database is migrated into it with `app/migrate.py`
  (then the statistics recounted as the manager's first sign-in on the server recounts them,
  since the server makes its own repeat keys: 123 s at 200,050 cases; then `VACUUM (ANALYZE)`, as
  after any bulk load: left to autovacuum, the visit of the
  4.6 million loaded timeline and audit rows ran beside the first lines measured), the server is
  switched to durable settings
  (`fsync`, `synchronous_commit`, `full_page_writes` on; everything else PostgreSQL's defaults,
  e.g. `shared_buffers` 128 MB) and the GUI, service, statistics and reminder lines run against it
  over TLS on 127.0.0.1 (no network latency); the server is removed afterwards. Migrating takes
  minutes at 200k cases (it seals every identifier on the way, as for a real office; rows go in
  with COPY). Every user signs in as their own database role, with row-level security on.
- **Row-level security** (`rls_*`, `bench/rls.py`): the statements the board, the queue counts, a
  search and opening a case send, recorded for an officer and a clerk, then run under
  `EXPLAIN ANALYZE` as that user's role and as the table owner (who bypasses the policies); the
  line is the role's server time, the note the owner's and the policies' sub-plans.
- **What a shared-mode list page and case write cost the server** (schema step 36). The list
  scroll and GUI open lines grew after the placeholders and the confirmed roles came in (officer
  14.9 → 28.9 ms, clerk 13.5 → 23.5 ms, open 96–102 → 107–109 ms); the two causes, read from
  `EXPLAIN (ANALYZE, BUFFERS)` of each page's statements as each role at 200,050 cases: (1) every
  page of an officer's list read the placeholders through the index of the restricted cases'
  states and then each of their rows — all 7,699 restricted cases, 6,614 buffers, 11–13 ms of a
  17 ms statement, for an officer named on all of them, who has no placeholder at all; the
  restricted cases now have a covering index of their own (`case_restricted_cards`: received time,
  id and every column the view reads), read alone (index-only: 99 buffers, 0.9 ms). (2) The
  policies' role checks (`cd_has` through `cd_roles` and `cd_me`) were SQL functions, which a
  SECURITY DEFINER function's call cannot inline, so each was planned again in every statement:
  0.2 ms a call (0.09 ms before the confirmed roles), several per statement and 163 policy
  sub-plans in opening a case; in PL/pgSQL the session keeps their plans (0.03 ms a call). Under
  the same load (about 5 on 2 cores) a page of the officer's list went from 24 to 6 ms in the
  service, the clerk's from 4.7 to 2.6 ms, and the server time of opening a case under row-level
  security from 6.8–10.7 to 5.7–6.2 ms (officer) and 7.5–8.8 to 4.6–5.0 ms (clerk). Steps 31 and
  32 are not among the causes: no list or open plan uses an index they dropped. (3) The bench
  measured the GUI right after the migration while autovacuum was still visiting the 4.6 million
  loaded timeline and audit rows (on this machine it finished 30–70 s after the migration's
  ANALYZE): the lines measured first grew most (officer, then clerk, then manager); the bench now
  runs `VACUUM (ANALYZE)` before measuring. Under load the officer's GUI scroll step went from
  37–44 to 26–30 ms (three runs each, alternated); the clerk's, the manager's and the GUI open
  moved less than the noise at that load, so the quiet retake decides them. A receipt's
  statistics rows are stored in one statement (`cd_stat_store`, run as the caller) instead of
  seven, and the timeline's sealed prints are read with its other events: the receipt sends 37
  statements instead of 43 (the case's statistics rewrite 12.4 → 7.4 ms under that load).
- **The shared-mode receipt, open and register lines of an earlier retake** (66.5 / 25.5 /
  31.0 ms) were that run's machine, not the code: measured alternately on one machine against the
  version before schema steps 36 and 37 (200,000 cases, quiet), this code is faster — receipt
  39.7–40.1 → 32.3–34.0 ms, open 13.5–13.8 → 12.4–12.5 ms, register 22.8–23.4 → 18.3–18.9 ms. Per
  statement the reads under row-level security are cheaper with the PL/pgSQL role checks (the case
  row 0.72 → 0.51 ms, the complainant 0.63 → 0.40, the narrative 0.64 → 0.38, round trip
  included), and `cd_stat_store` takes 1.7 ms where four statements took 2.4. Shared mode feels
  CPU contention most: each of a receipt's 36 statements is a round trip between two processes
  that each wait for a core (78 ms with a migration running beside it). A receipt no longer reads
  the case's namings (only the 登记表 prints full identifiers): one statement fewer, within the
  noise.
- **A shared-mode search of several terms** (schema step 39). Each term's matches were read on
  their own and intersected: a common term's every match (tens of thousands of texts re-checked),
  and for a term that is also a name, every text match of the other term. On the 200,050-case
  server, quiet, as the officer: 医生 态度 10.5 s, 住院部 护士站 0.61 s, median of 15 searches of
  two or three terms 0.61 s; a name with a common term (张国涛 医生) 0.33–10.7 s. The server now
  finds the newest cases holding every term at once (`cd_texts_newest`: a rare term's matches
  checked for the others, else the newest 10,000 cases, else the terms' indexes together), and a
  name's or a case number's few cases are kept where their texts hold the other terms
  (`cd_texts_holding`): 医生 态度 33 ms, 住院部 护士站 134 ms, median of the 15 searches 33 ms,
  a name with a common term 5–10 ms. The old and the new search gave the same cases, in the same
  order, for 147 searches (terms, names, case-number pieces; as officer, clerk and manager).
- **A shared-mode list page of an officer named on many restricted cases.** Whether each listed
  case is shown or redacted read all of the officer's namings per page (7,700 at 200,050 cases: a
  hashed sub-plan of 0.8 ms and its planning); it now asks for the naming of the page's restricted
  cases only (`cd_named(id)`, as the policies do): a page 6.4 → 4.8 ms in the service, quiet.
- **The move to a server ends with `ANALYZE`** of the copied tables. Before, the recount that the
  manager's first sign-in runs was planned on whatever autovacuum had analyzed by then: 123–131 s
  at 200,050 cases in three runs, and past 10 minutes in a fourth (stopped).
- **This retake (2026-12-06) and the shared-mode lines at the budget's edge.** The same machine type
  as the retake before, but slower this day: the local lines that no change touched took 5–10 %
  longer (1M: warm start 394 → 421 ms, GUI open 70 → 76 ms, build 828 → 875 s). Shared mode was
  run three times that day: twice on the code before the last two shared-mode changes (the list
  page's namings and the ANALYZE after the move), once on the final code (the table). Median
  receipt 37.0 / 37.8 / 40.8 ms, manager's GUI open 89.4 / 96.1 / 100.9 ms, officer's GUI scroll
  step 14.5 / 16.1 / 13.7 ms. The lines neither change touches (monthly figures 26.9 / 26.7 /
  31.9 ms, the statistics page 38.1 / 38.5 / 44.8 ms) moved as much, so the spread is the machine's.
  The receipt and the open in the GUI stay within 10 % of their budgets in shared mode, which sends
  each statement to another process that also waits for one of the two cores.

Runs:

    python -m bench --cases 200000                  # builds a 200k database in a temporary folder
    python -m bench --cases 1000000                 # 1M (needs ~3x the database size free in TMPDIR)
    python -m bench --cases 1000000 --skip backup   # 1M without the slow backup and restore
    python -m bench --cases 200000 --pg             # the same lines on PostgreSQL (shared mode)
    python -m bench --db PATH --only gui,stats      # a subset on an existing database
    python -m bench --render                        # rewrite this file from bench/out/

Numbers taken while other work loads the machine are marked 负载下 and are inflated.
"""
