"""统计分析 budgets (DESIGN §8): a month's report figures ≤ 300 ms, a year's ≤ 1 s, the 统计分析
page refresh ≤ 300 ms. Figures include 环比 and 同比 (three periods each time) and the 考核
scorecard, as the page and the report compute them. Also what keeping the statistics costs every
case write (`store.refresh`: rows, cube and flows, in a transaction rolled back here), and the
number of SQL statements a month's figures run (`extra["queries"]`: whatever the number of cases,
only the open cases of the period are read row by row)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

RUNS = 5


def statistics_queries(session: Any) -> list[Any]:
    import peewee

    from app import clock
    from app.reports import service as reports
    from app.statistics import config, periods, scorecard, service
    from bench.harness import Result, _timed
    from models.statistics import CaseStat

    last = CaseStat.select(peewee.fn.MAX(CaseStat.received_day)).scalar()
    latest = date.fromordinal(last) if last else clock.now().date()
    month = periods.month(latest.year, latest.month).previous()
    year = periods.year(latest.year - 1)
    today = clock.now().date()

    def page() -> Any:
        figures = service.figures(session, month)
        return scorecard.compute(month, figures.as_of.toordinal(), config.load())

    results = [_refresh_line(), _queries_line(session, month, today)]
    for key, label, budget, action in (
        (
            "statistics_month",
            f"月度报告数字（{month.label}，含环比同比）",
            0.3,
            lambda: service.figures(session, month, today),
        ),
        (
            "statistics_year",
            f"年度报告数字（{year.label}，含环比同比）",
            1.0,
            lambda: service.figures(session, year, today),
        ),
        ("statistics_page", "统计分析页刷新（指标 + 科室考核，后台线程）", 0.3, page),
        (
            "statistics_report",
            "月度报告：数字 + 起草分析 + PDF",
            None,
            lambda: _report(session, month, reports),
        ),
    ):
        action()  # warm: the first call reads the calendar and registers fonts
        samples = [_timed(action)[0] for _ in range(RUNS)]
        results.append(Result(key, label, samples, budget, note=f"{RUNS} 次"))
    return results


def _report(session: Any, period: Any, reports: Any) -> bytes:
    """What issuing costs before the file is stored: figures, draft, PDF."""
    source = reports.compute(period, period.end)
    return reports.render(source, source.draft, "pdf", datetime.now(), "bench")


def _refresh_line() -> Any:
    """One case write's share: its statistics rows, cube cells and snapshot flows rewritten."""
    from app.statistics import store
    from bench.harness import Result, _timed
    from models.database import database_proxy
    from models.statistics import CaseStat

    case_ids = [
        r[0] for r in CaseStat.select(CaseStat.case).order_by(CaseStat.case.desc()).limit(RUNS).tuples()
    ]
    samples = []
    for case_id in case_ids:
        with database_proxy.atomic() as transaction:
            samples.append(_timed(lambda c=case_id: store.refresh(c))[0])
            transaction.rollback()
    return Result(
        "statistics_refresh", "每次案件写入：统计行、月度汇总与期末流量", samples, None, note=f"{RUNS} 件"
    )


def _queries_line(session: Any, month: Any, today: date) -> Any:
    """How many statements a month's figures run (they read the cube, the flows and open cases)."""
    from app.statistics import service
    from bench.harness import Result, _timed
    from models.statistics import CaseStat

    database = CaseStat._meta.database
    database = getattr(database, "obj", database)
    executed: list[str] = []
    plain = database.execute_sql

    def counting(sql: str, *args: Any, **kwargs: Any) -> Any:
        executed.append(sql)
        return plain(sql, *args, **kwargs)

    database.execute_sql = counting
    try:
        seconds = _timed(lambda: service.figures(session, month, today))[0]
    finally:
        del database.execute_sql
    return Result(
        "statistics_month_queries",
        "月度报告数字：SQL 语句数",
        [seconds],
        None,
        note=f"{len(executed)} 条语句",
        extra={"queries": len(executed)},
    )
