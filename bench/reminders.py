"""提醒 and 整改 read on the GUI thread (the rail count is re-read every minute and after each write):
an officer's and a manager's reminder list, and the 整改 page's first page with its count."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time
from typing import Any

RUNS = 10
BUDGET = 0.1  # not in DESIGN §8: read on the GUI thread, so kept under a tenth of a second


def reminder_queries(manager: Any, only: str = "") -> list[Any]:
    """The officer's and the manager's lists and the 整改 page; `only` "officer" measures the
    officer's list on `manager` as it is (a session of the officer's own, shared mode), "manager"
    the manager's lines alone."""
    from app import auth, clock
    from app.deadlines import calendar
    from app.rectification import queries
    from app.reminders import compute
    from bench.harness import Result, _timed

    officer = manager if only == "officer" else replace(manager, user=auth.current_user("officer"))
    people = (("reminders_officer", "提醒列表（专员）", officer), ("reminders_manager", "提醒列表（主任）", manager))
    people = tuple(p for p in people if only in ("", p[0].rsplit("_", 1)[1]))
    now = clock.now()
    cal = calendar.calendar()
    day = now.date() if cal.is_workday(now.date()) else cal.next_workday(now.date())
    clock.set_clock(lambda: datetime.combine(day, time(10, 0)))  # in office hours, or nothing is computed
    results = []
    try:
        for key, label, session in people:
            count = compute.reminder_list(session).count  # warm
            samples = [_timed(lambda s=session: compute.reminder_list(s))[0] for _ in range(RUNS)]
            results.append(Result(key, label, samples, BUDGET, note=f"{count} 条提醒，{RUNS} 次"))
        if only == "officer":
            return results
        samples = [
            _timed(lambda: (queries.item_list(manager), queries.item_count(manager)))[0] for _ in range(RUNS)
        ]
        total = queries.item_count(manager)
        results.append(
            Result("rectification_list", "整改列表首页及计数", samples, BUDGET, note=f"{total} 项")
        )
    finally:
        clock.set_clock(None)
    return results
