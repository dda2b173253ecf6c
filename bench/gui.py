"""The real main window in fresh offscreen processes, one role per process: login to the role home
(and the board built behind it), 看板 shown and refreshed, the case list's first page and its
scroll steps (each step one fetchMore: the view reaches the end, the next page is read, laid out
and painted), cases opened in the real workspace (timeline included) and, for the manager, the
统计分析 page computed on its worker thread and shown. Every time includes Qt's layout and paint
(processEvents after each step).

    python -m bench.gui ROLE        (run by the harness; the target comes from BENCH_TARGET)

prints one JSON line. `gui_lines(target, runs, failures)` runs the children and turns them into Results.
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

ROLES = ("officer", "clerk", "manager")
SCROLL_STEPS = 100  # fetchMore steps (pages) per process
SCROLL_SECONDS = 40.0  # at most this long per process: a deep OFFSET page may take seconds
OPENS = 30  # cases opened in the workspace per process
REFRESHES = 5
BUDGET_STEP = 0.016
BUDGET_OPEN = 0.100
BUDGET_LOGIN = 1.0
BUDGET_BOARD = 0.200
BUDGET_STATS_PAGE = 0.300


def _now() -> float:
    return time.perf_counter()


def _return_to_event_loop(app: Any) -> None:
    """What the application's event loop does between two user actions: the posted events, then
    the widgets closed with deleteLater (a closed case's workspace). processEvents alone never
    deletes them, so a probe without this kept every workspace it had opened alive (about 9 MB
    each, 270 MB for 30 cases) and reported that as the application's peak RSS."""
    from PySide6.QtCore import QCoreApplication, QEvent

    app.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _board(window: Any, out: dict[str, Any], app: Any) -> None:
    if "board" not in window.entry_keys:
        return
    began = _now()
    board = window.show_page("board")
    app.processEvents()
    out["board_click"] = _now() - began
    out["cards"] = sum(column.model.rowCount() for column in board.columns.values())
    out["board_refresh"] = []
    for _ in range(REFRESHES):
        began = _now()
        board.refresh()
        app.processEvents()
        out["board_refresh"].append(_now() - began)


def _scroll(window: Any, out: dict[str, Any], app: Any) -> None:
    began = _now()
    page = window.show_page("cases")
    app.processEvents()
    out["list_first_page"] = _now() - began
    table = page.table
    model = table.model()
    out["list_total"] = getattr(model, "total", None)
    steps: list[float] = []
    started = _now()
    while len(steps) < SCROLL_STEPS and model.canFetchMore() and _now() - started < SCROLL_SECONDS:
        one = _now()
        before = model.rowCount()
        table.scrollToBottom()  # at the end of the scroll range the view asks for the next page
        app.processEvents()
        if model.rowCount() == before:
            model.fetchMore()
            app.processEvents()
        steps.append(_now() - one)
    out["scroll_steps"] = steps
    out["scroll_rows"] = model.rowCount()


def _open_cases(window: Any, out: dict[str, Any], app: Any, seed: int) -> None:
    from models.cases import Case

    top = Case.select(Case.id).order_by(Case.id.desc()).limit(1).scalar() or 0
    rng = random.Random(seed)
    samples, events, denied = [], [], 0
    for case_id in (rng.randint(1, top) for _ in range(OPENS if top else 0)):
        began = _now()
        workspace = window.open_case(case_id)
        app.processEvents()
        samples.append(_now() - began)
        if workspace is None or workspace.view is None:
            denied += 1
        else:
            events.append(len(workspace.view.timeline))
        window.close_case()
        _return_to_event_loop(app)
    out["open_case"] = samples
    out["open_events"] = events
    out["open_denied"] = denied


def _statistics_page(window: Any, out: dict[str, Any], app: Any) -> None:
    if "statistics" not in window.entry_keys:
        return
    page = window.show_page("statistics")
    if getattr(page, "operation", None) is not None:
        page.operation.wait(600_000)  # the first computation, started when the page was made
    app.processEvents()
    samples = []
    for _ in range(3):
        began = _now()
        page.refresh()
        page.operation.wait(600_000)
        app.processEvents()
        samples.append(_now() - began)
    out["statistics_page"] = samples


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from bench.target import Target
    from ui import main_window
    from ui.application import create_application
    from ui.main_window import MainWindow

    # The day's automatic backup starts 30 s after login: it would copy the database in the middle
    # of the measurements (and leave backup files beside it), so this process schedules none.
    main_window.schedule_automatic_backup = lambda *_args, **_kwargs: None

    role = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    target = Target.from_env()
    app = create_application()
    out: dict[str, Any] = {"role": role}
    started = _now()
    session = target.login(role)
    out["login"] = _now() - started
    window = MainWindow(session, idle_timeout_ms=0)
    window.resize(1280, 800)
    window.show()
    QApplication.processEvents()  # the role home is painted; the board is built right after
    out["home"] = _now() - started - out["login"]
    QApplication.processEvents()
    deadline = _now() + 60
    while "board" in window.entry_keys and "board" not in window.pages and _now() < deadline:
        QApplication.processEvents()  # the board is prepared after the home is shown
    out["login_to_home_board"] = _now() - started
    _board(window, out, app)
    _scroll(window, out, app)
    if role != "clerk":
        _open_cases(window, out, app, seed)
    if role == "manager":
        _statistics_page(window, out, app)
    window.close()
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


# -- the harness side ---------------------------------------------------------------------------------


def run_child(target: Any, role: str, seed: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.gui", role, str(seed)],
        env=target.env(),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"bench.gui {role} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def gui_lines(target: Any, runs: int, failures: list[str], roles: tuple[str, ...] = ROLES) -> list[Any]:
    """The lines of `runs` processes per role; a role whose process fails is left out (and listed in
    `failures`), the others are still reported."""
    from bench.harness import ROLE_NAMES, Result

    probes: dict[str, list[dict[str, Any]]] = {}
    for role in roles:
        try:
            probes[role] = [run_child(target, role, seed) for seed in range(1, runs + 1)]
        except (RuntimeError, ValueError, IndexError) as exc:
            print(exc, file=sys.stderr, flush=True)
            failures.append(f"界面（{ROLE_NAMES[role]}）：{str(exc)[:300]}")
    roles = tuple(role for role in roles if role in probes)
    if not roles:
        return []

    def joined(role: str, key: str) -> list[float]:
        values: list[float] = []
        for probe in probes[role]:
            value = probe.get(key)
            if isinstance(value, list):
                values.extend(value)
            elif value is not None:
                values.append(value)
        return values

    results = []
    for role in roles:
        name = ROLE_NAMES[role]
        homes = joined(role, "home")
        results.append(
            Result(
                f"gui_login_{role}",
                f"界面：{name}登录到工作台（含看板）",
                joined(role, "login_to_home_board"),
                BUDGET_LOGIN,
                note=f"其中派生密钥+打开 {statistics.median(joined(role, 'login')) * 1000:.0f} ms，"
                f"工作台与看板准备 {statistics.median(homes) * 1000:.0f} ms；{runs} 个进程",
            )
        )
    lead = roles[0]
    if joined(lead, "board_refresh"):
        results.append(Result("gui_board", "界面：点“看板”到显示", joined(lead, "board_click"), BUDGET_BOARD))
        results.append(
            Result(
                "gui_board_refresh",
                "界面：看板刷新（筛选、F5）",
                joined(lead, "board_refresh"),
                BUDGET_BOARD,
                note=f"{statistics.median(joined(lead, 'cards')):.0f} 张卡片",
            )
        )
    for role in roles:
        name = ROLE_NAMES[role]
        results.append(
            Result(
                f"gui_list_first_{role}",
                f"界面：{name}案件列表第一页",
                joined(role, "list_first_page"),
                None,
                note=f"共 {probes[role][0].get('list_total')} 件",
            )
        )
        steps = joined(role, "scroll_steps")
        if steps:
            rows = max(p.get("scroll_rows", 0) for p in probes[role])
            results.append(
                Result(
                    f"gui_scroll_{role}",
                    f"界面：{name}案件列表滚动一步（fetchMore）",
                    steps,
                    BUDGET_STEP,
                    note=f"{len(steps)} 步，到第 {rows} 行，最慢 {max(steps) * 1000:.0f} ms",
                )
            )
    for role in roles:
        opened = joined(role, "open_case")
        if not opened:
            continue
        events = joined(role, "open_events")
        denied = sum(p.get("open_denied", 0) for p in probes[role])
        results.append(
            Result(
                f"gui_open_{role}",
                f"界面：{ROLE_NAMES[role]}在工作台打开案件（含时间线）",
                opened,
                BUDGET_OPEN,
                note=f"{len(opened)} 件随机案件，时间线平均 {statistics.mean(events) if events else 0:.1f} 条"
                + (f"，其中 {denied} 件受限" if denied else ""),
            )
        )
    page = [v for role in roles for v in joined(role, "statistics_page")]
    if page:
        results.append(
            Result(
                "gui_statistics_page",
                "界面：统计分析页刷新（后台计算到显示）",
                page,
                BUDGET_STATS_PAGE,
                note="主任，本月",
            )
        )
    rss = [p["rss_mb"] for role in roles for p in probes[role]]
    results.append(Result("gui_rss", "界面进程峰值内存 RSS", [max(rss)], 350.0, unit="MB"))
    return results


if __name__ == "__main__":
    main()
