"""统计分析 budgets (DESIGN §8): a month's report figures ≤ 300 ms, a year's ≤ 1 s, the 统计分析
page refresh ≤ 300 ms. Figures include 环比 and 同比 (three periods each time) and the 考核
scorecard, as the page and the report compute them."""

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

    results = []
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
