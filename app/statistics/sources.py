"""A whole-month period's counts from the monthly cube, plus what is late *today* read live from
the open cases and transfers only (indexed by state). Gives the same `Inputs` as a scan of the
rows (indicators.scan_inputs); the tests hold the two equal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import peewee

from app.statistics import conditions as c
from app.statistics import cube
from app.statistics.conditions import A, S
from app.statistics.indicators import Headline, Inputs, IssueCounts
from app.statistics.periods import Period, trailing_months
from models.statistics import StatCube

ISSUE_COLUMNS = ("category1", "category2", "department", "finding_issue")


def _months(period: Period) -> list[int]:
    return [m.start.year * 100 + m.start.month for m in period.months()]


def _id(text: str) -> Any:
    return int(text) if text.isdigit() else None


def _by_prefix(
    cells: dict[str, list[int]], prefix: str, convert: Callable[[str], Any] = _id
) -> dict[Any, int]:
    result: dict[Any, int] = {}
    for key, (n, _) in cells.items():
        if key.startswith(prefix + ":") and n:
            value = convert(key[len(prefix) + 1 :])
            result[value] = result.get(value, 0) + n
    return result


def _pending(period: Period, as_of: int) -> dict[str, int]:
    """Stages not done, overdue today and still running: open cases and transfers only."""
    case_conditions = {stage: c.case_stage(stage, "pending_late", as_of) for stage in c.CASE_STAGES}
    row = (
        S.select(*[peewee.fn.SUM(peewee.Case(None, [(cond, 1)], 0)) for cond in case_conditions.values()])
        .where(c.in_period(period) & S.state.in_(c.OPEN))
        .tuples()
        .get()
    )
    pending = {stage: int(v or 0) for stage, v in zip(case_conditions, row, strict=True)}
    transfer_conditions = {
        stage: c.assignment_stage(stage, "pending_late", as_of) for stage in c.ASSIGNMENT_STAGES
    }
    open_transfers = A.state.in_(["sent", "acknowledged"])
    row = (
        A.select(*[peewee.fn.SUM(peewee.Case(None, [(cond, 1)], 0)) for cond in transfer_conditions.values()])
        .where(c.in_period(period, A.received_day) & open_transfers)
        .tuples()
        .get()
    )
    pending |= {stage: int(v or 0) for stage, v in zip(transfer_conditions, row, strict=True)}
    return pending


def _scan(cells: dict[str, list[int]], pending: dict[str, int], report_hours_limit: int) -> dict[str, int]:
    """The same keys as indicators._scan_counts gives."""
    scan: dict[str, int] = {key: n for key, (n, _) in cells.items()}
    for stage in c.CASE_STAGES:
        scan[f"timeliness_{stage}:late"] = scan.get(f"timeliness_{stage}:late_done", 0) + pending[stage]
    scan["completion:late"] = scan.get("completion:late_done", 0) + pending["reply"]
    for key in ("reopen_times", "major_hours", "compensation_fen"):
        source = {
            "reopen_times": "reopened",
            "major_hours": "major_reported",
            "compensation_fen": "compensation",
        }[key]
        scan[key] = cells.get(source, [0, 0])[1]
    for key, (_, amount) in list(cells.items()):
        if key.startswith("compensation:"):
            scan["compensation_fen:" + key.split(":", 1)[1]] = amount
    scan["major_in_time"] = sum(
        n
        for h, n in _by_prefix(cells, "major_report_hours").items()
        if h is not None and h <= report_hours_limit
    )
    return _Defaulting(scan)


class _Defaulting(dict):
    """Absent keys count zero (a month without any 重大 case has no such cube row)."""

    def __missing__(self, key: str) -> int:
        return 0


def _issues(cells: dict[str, list[int]]) -> IssueCounts:
    return IssueCounts(
        _by_prefix(cells, "category1"),
        _by_prefix(cells, "category2"),
        _by_prefix(cells, "department"),
        _by_prefix(cells, "finding_issue", str),
    )


def cube_inputs(period: Period, as_of: int, report_hours_limit: int) -> Inputs:
    cells = cube.read(_months(period))
    pending = _pending(period, as_of)
    assignments = {}
    for stage in c.ASSIGNMENT_STAGES:
        assignments[f"{stage}:on_time"] = cells.get(f"timeliness_{stage}:on_time", [0, 0])[0]
        assignments[f"{stage}:late"] = cells.get(f"timeliness_{stage}:late_done", [0, 0])[0] + pending[stage]
    departments = [
        (_id(key.split(":", 1)[1]), n, amount)
        for key, (n, amount) in cells.items()
        if key.startswith("compensation_department:") and n
    ]
    return Inputs(
        scan=_scan(cells, pending, report_hours_limit),
        issues=_issues(cells),
        handlers=_by_prefix(cells, "handler"),
        assignments=assignments,
        compensation_departments=departments,
        trend=trend(period),
        external={
            key.removeprefix("external:"): n
            for key, (n, _) in cells.items()
            if key.startswith("external:") and n
        },
    )


def trend(period: Period) -> list[tuple[str, int]]:
    """Cases per month for the 12 months ending with the period (from the cube)."""
    months = trailing_months(period)
    keys = [m.start.year * 100 + m.start.month for m in months]
    counts = dict(
        StatCube.select(StatCube.month, StatCube.n)
        .where((StatCube.key == "received") & StatCube.month.in_(keys))
        .tuples()
    )
    return [
        (f"{m.start.year % 100:02d}年{m.start.month}月", int(counts.get(k, 0)))
        for m, k in zip(months, keys, strict=True)
    ]


def cube_headline(period: Period, as_of: int, build: Callable[..., Headline]) -> Headline:
    cells = cube.read(_months(period))
    pending_reply = (
        S.select(peewee.fn.COUNT(S.case))
        .where(c.in_period(period) & S.state.in_(c.OPEN) & c.case_stage("reply", "pending_late", as_of))
        .scalar()
        or 0
    )
    scan = _Defaulting({key: n for key, (n, _) in cells.items()})
    scan["completion:late"] = scan["completion:late_done"] + pending_reply
    return build(period, scan, _issues(cells))
