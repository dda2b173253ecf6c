"""The figures of a period: pure functions over the statistics tables (definitions in
app/statistics/definitions.py, conditions in conditions.py). Every breakdown row is a `Tally`
naming the `Measure` that lists its cases, so every number can be drilled into."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import peewee

from app import dictionaries
from app.statistics import conditions as c
from app.statistics import cube
from app.statistics.conditions import BANDS, IS, A, Measure, S
from app.statistics.periods import Period, trailing_months
from app.validation import CHANNELS, FINDINGS, SATISFACTIONS, SEVERITIES, TRANSFER_SOURCES
from models.accounts import User
from models.cases import Category, ExternalRoute
from models.organisation import Department

OUTCOME_LABELS = {"accepted": "已受理", "on_spot": "当场解决", "rejected": "不予受理", "pending": "待受理"}
STAGE_LABELS = {
    "accept": "受理（回执）",
    "acknowledge": "科室签收",
    "respond": "科室反馈",
    "reply": "答复投诉人",
    "follow_up": "回访",
}
ROUTE_STATUS = {"ongoing": "进行中", "concluded": "已结束"}
UNASSIGNED = "未指定"


@dataclass(frozen=True)
class Tally:
    measure: Measure
    label: str
    count: int
    amount_fen: int = 0


@dataclass(frozen=True)
class Rate:
    """On time / late for one stage (or 按时办结); `pending` not yet due."""

    key: str
    label: str
    on_time: Tally
    late: Tally

    @property
    def rate(self) -> float | None:
        total = self.on_time.count + self.late.count
        return self.on_time.count / total if total else None


@dataclass
class Headline:
    """What 环比 and 同比 compare."""

    period: Period
    received: int
    upheld: int  # 成立 + 部分成立 (per case)
    with_finding: int
    satisfied: int  # 满意 + 基本满意
    followed: int
    completion_on_time: int
    completion_late: int
    by_category1: dict[str, int] = field(default_factory=dict)
    by_department: dict[str, int] = field(default_factory=dict)

    @property
    def upheld_rate(self) -> float | None:
        return self.upheld / self.with_finding if self.with_finding else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.followed if self.followed else None

    @property
    def completion_rate(self) -> float | None:
        total = self.completion_on_time + self.completion_late
        return self.completion_on_time / total if total else None


@dataclass
class Figures:
    period: Period
    as_of: date
    headline: Headline
    previous: Headline
    year_ago: Headline
    merged: int
    outcomes: list[Tally]
    channels: list[Tally]
    categories1: list[Tally]
    categories2: list[Tally]
    departments: list[Tally]
    severities: list[Tally]
    handlers: list[Tally]
    findings_case: list[Tally]
    findings_issue: list[Tally]
    issues: int
    stages: list[Rate]
    completion: Rate
    satisfaction: list[Tally]
    reopened: Tally
    reopen_times: int
    external: list[Tally]
    compensation: Tally
    compensation_bands: list[Tally]
    compensation_departments: list[Tally]
    repeats: Tally
    major: Tally
    major_reported_in_time: int
    major_report_hours: float | None
    backlog: Tally
    overdue: Tally
    trend: list[tuple[str, int]]

    @property
    def received(self) -> int:
        return self.headline.received


@dataclass
class IssueCounts:
    """Cases per category / department of their issues, and issues per finding (the counting rule)."""

    category1: dict[Any, int]
    category2: dict[Any, int]
    department: dict[Any, int]
    finding: dict[Any, int]

    @classmethod
    def from_groups(cls, groups: list[tuple]) -> IssueCounts:
        return cls(
            _roll_up(groups, 0, 4), _roll_up(groups, 1, 5), _roll_up(groups, 2, 6), _roll_up(groups, 3, 7)
        )


@dataclass
class Inputs:
    """The counts a period's figures are assembled from (from the cube, or a scan of the rows)."""

    scan: dict[str, int]
    issues: IssueCounts
    handlers: dict[Any, int]
    assignments: dict[str, int]  # "acknowledge:on_time" …
    compensation_departments: list[tuple[Any, int, int]]  # (department, cases, fen)
    trend: list[tuple[str, int]]
    external: dict[str, int]  # "route:status" -> cases


# -- queries ------------------------------------------------------------------------------------


def _names(model: type[peewee.Model], column: peewee.Field, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return dict(model.select(model.id, column).where(model.id.in_(wanted)).tuples())


def _when(cond: peewee.Expression, value: Any = 1) -> peewee.Function:
    return peewee.fn.SUM(peewee.Case(None, [(cond, value)], 0))


def _scan(
    where: peewee.Expression, counts: dict[str, peewee.Expression], amounts: dict[str, tuple]
) -> dict[str, int]:
    """One pass over the period's CaseStat rows: a conditional sum per named figure."""
    columns = [_when(cond) for cond in counts.values()]
    columns += [_when(cond, value) for cond, value in amounts.values()]
    row = S.select(*columns).where(where).tuples().get()
    return {name: int(v or 0) for name, v in zip([*counts, *amounts], row, strict=True)}


def _issue_groups(period: Period) -> list[tuple]:
    """(category1, category2, department, finding, cases per category1, per category2, per
    department, issues) groups of the period's issue rows: sums of the first-row flags count each
    case once per value (the counting rule) and each issue once."""
    return list(
        IS.select(
            IS.category1,
            IS.category2,
            IS.department,
            IS.finding,
            peewee.fn.SUM(IS.first_category1),
            peewee.fn.SUM(IS.first_category2),
            peewee.fn.SUM(IS.first_department),
            peewee.fn.SUM(IS.first_issue),
        )
        .where(c.in_period(period, IS.received_day))
        .group_by(IS.category1, IS.category2, IS.department, IS.finding)
        .tuples()
    )


def _roll_up(groups: list[tuple], column: int, weight: int) -> dict[Any, int]:
    result: dict[Any, int] = {}
    for g in groups:
        if g[weight]:
            result[g[column]] = result.get(g[column], 0) + int(g[weight])
    return result


def _choice_counts(prefix: str, column: peewee.Field, values: Iterable[str]) -> dict[str, peewee.Expression]:
    return {f"{prefix}:{v}": column == v for v in values}


def _headline_counts(as_of: int) -> dict[str, peewee.Expression]:
    counts = {"received": S.case.is_null(False)}
    counts |= _choice_counts("finding_case", S.finding, FINDINGS)
    counts |= _choice_counts("satisfaction", S.satisfaction, SATISFACTIONS)
    counts |= {
        "completion:on_time": c.completion("on_time", as_of),
        "completion:late": c.completion("late", as_of),
    }
    return counts


def _headline(period: Period, scan: dict[str, int], groups: list[tuple] | IssueCounts) -> Headline:
    issues = groups if isinstance(groups, IssueCounts) else IssueCounts.from_groups(groups)
    cat1, deps = issues.category1, issues.department
    cat_names = _names(Category, Category.name, cat1)
    dep_names = _names(Department, Department.name, deps)
    return Headline(
        period=period,
        received=scan["received"],
        upheld=scan["finding_case:upheld"] + scan["finding_case:partly_upheld"],
        with_finding=sum(scan[f"finding_case:{k}"] for k in FINDINGS),
        satisfied=scan["satisfaction:satisfied"] + scan["satisfaction:basically_satisfied"],
        followed=sum(scan[f"satisfaction:{k}"] for k in SATISFACTIONS),
        completion_on_time=scan["completion:on_time"],
        completion_late=scan["completion:late"],
        by_category1={cat_names.get(k, UNASSIGNED): n for k, n in cat1.items()},
        by_department={dep_names.get(k, UNASSIGNED): n for k, n in deps.items()},
    )


def headline(period: Period, as_of: int) -> Headline:
    """The figures 环比 and 同比 compare."""
    if period.kind != "custom":
        from app.statistics.sources import cube_headline

        return cube_headline(period, as_of, _headline)
    return _headline(period, _scan(c.counted(period), _headline_counts(as_of), {}), _issue_groups(period))


def _tallies(key: str, counts: dict[Any, int], labels: dict, order: Iterable | None = None) -> list[Tally]:
    """Breakdown rows with a count, in `order` or largest first, each with its drill-down measure."""
    keys = (
        [k for k in order if counts.get(k)]
        if order is not None
        else sorted((k for k in counts if counts[k]), key=lambda k: -counts[k])
    )
    return [
        Tally(
            Measure(key, "" if k is None else str(k)),
            labels.get(k) or (UNASSIGNED if k in (None, "") else str(k)),
            counts[k],
        )
        for k in keys
    ]


def _scan_counts(as_of: int) -> tuple[dict[str, peewee.Expression], dict[str, tuple]]:
    counts = _headline_counts(as_of)
    counts |= {f"channel:{k}": c.case_condition("channel", k, as_of) for k in CHANNELS if k != "transfer"}
    counts |= {
        f"channel:transfer:{k}": c.case_condition("channel", f"transfer:{k}", as_of) for k in TRANSFER_SOURCES
    }
    counts |= {"channel:transfer:": c.case_condition("channel", "transfer:", as_of)}
    counts |= _choice_counts("severity", S.severity, SEVERITIES)
    counts |= _choice_counts("outcome", S.outcome, OUTCOME_LABELS)
    for stage in c.CASE_STAGES:
        for verdict in ("on_time", "late"):
            counts[f"timeliness_{stage}:{verdict}"] = c.case_stage(stage, verdict, as_of)
    counts |= {
        "reopened": S.reopen_count > 0,
        "repeat": c.repeat(),
        "major": S.severity == "major",
        "major_reported": (S.severity == "major") & S.report_hours.is_null(False),
        "compensation": S.compensation_fen > 0,
    }
    counts |= {f"compensation:{code}": c.band(code) for code, _, _ in BANDS}
    amounts: dict[str, tuple] = {
        "reopen_times": (S.reopen_count > 0, S.reopen_count),
        "major_hours": ((S.severity == "major") & S.report_hours.is_null(False), S.report_hours),
        "compensation_fen": (S.compensation_fen > 0, S.compensation_fen),
    }
    amounts |= {f"compensation_fen:{code}": (c.band(code), S.compensation_fen) for code, _, _ in BANDS}
    return counts, amounts


def _channels(scan: dict[str, int]) -> list[Tally]:
    """Channels, transfers by their source in short (上级转办·12345: fits a chart's legend)."""
    tallies = [
        Tally(Measure("channel", k), CHANNELS[k], scan[f"channel:{k}"]) for k in CHANNELS if k != "transfer"
    ]
    tallies += [
        Tally(
            Measure("channel", f"transfer:{k}"), f"上级转办·{label.split()[0]}", scan[f"channel:transfer:{k}"]
        )
        for k, label in [*TRANSFER_SOURCES.items(), ("", "未注明")]
    ]
    return sorted((t for t in tallies if t.count), key=lambda t: -t.count)


def _rate(key: str, label: str, on_time: int, late: int) -> Rate:
    return Rate(
        key, label, Tally(Measure(key, "on_time"), "按时", on_time), Tally(Measure(key, "late"), "逾期", late)
    )


def _stages(scan: dict[str, int], assignment: dict[str, int]) -> list[Rate]:
    rates = []
    for stage in ("accept", "acknowledge", "respond", "reply", "follow_up"):
        key = f"timeliness_{stage}"
        source, prefix = (assignment, stage) if stage in c.ASSIGNMENT_STAGES else (scan, key)
        rates.append(_rate(key, STAGE_LABELS[stage], source[f"{prefix}:on_time"], source[f"{prefix}:late"]))
    return rates


def assignment_counts(period: Period, as_of: int) -> dict[str, int]:
    verdicts = {
        f"{stage}:{v}": c.assignment_stage(stage, v, as_of)
        for stage in c.ASSIGNMENT_STAGES
        for v in ("on_time", "late")
    }
    row = (
        A.select(*[_when(cond) for cond in verdicts.values()])
        .where(c.in_period(period, A.received_day))
        .tuples()
        .get()
    )
    return {k: int(v or 0) for k, v in zip(verdicts, row, strict=True)}


def scan_external(base: peewee.Expression) -> dict[str, int]:
    """Cases per external route and status among the rows `base` selects."""
    return {
        f"{route}:{status}": n
        for route, status, n in ExternalRoute.select(
            ExternalRoute.route, ExternalRoute.status, peewee.fn.COUNT(ExternalRoute.case.distinct())
        )
        .join(S, on=(S.case == ExternalRoute.case))
        .where(base)
        .group_by(ExternalRoute.route, ExternalRoute.status)
        .tuples()
    }


def _external(counts: dict[str, int]) -> list[Tally]:
    names = {r.id: r.name for r in dictionaries.external_routes()}
    rows = [(*key.split(":", 1), n) for key, n in counts.items() if n]
    order = list(names)
    rows.sort(key=lambda r: (order.index(r[0]) if r[0] in order else 99, r[1]))
    return [
        Tally(
            Measure("external", f"{route}:{status}"),
            f"{names.get(route, route)}（{ROUTE_STATUS.get(status, status)}）",
            n,
        )
        for route, status, n in rows
    ]


def compensation_department_rows(period: Period) -> list[tuple[Any, int, int]]:
    pairs = c.department_pairs(period).alias("pairs")
    return [
        (d, n, int(amount or 0))
        for d, n, amount in S.select(
            pairs.c.department, peewee.fn.COUNT(S.case), peewee.fn.SUM(S.compensation_fen)
        )
        .join(pairs, on=(pairs.c.case_id == S.case))
        .where(S.compensation_fen > 0)
        .group_by(pairs.c.department)
        .tuples()
    ]


def _compensation_departments(rows: list[tuple[Any, int, int]]) -> list[Tally]:
    names = _names(Department, Department.name, [r[0] for r in rows])
    return [
        Tally(
            Measure("compensation_department", "" if d is None else str(d)),
            names.get(d, UNASSIGNED),
            n,
            amount,
        )
        for d, n, amount in sorted(rows, key=lambda r: -r[2])
    ]


def scan_trend(period: Period) -> list[tuple[str, int]]:
    months = trailing_months(period) if period.kind != "custom" else period.months()
    daily = list(
        S.select(S.received_day, peewee.fn.COUNT(S.case))
        .where(S.received_day.between(months[0].first_day, months[-1].last_day) & (S.outcome != "merged"))
        .group_by(S.received_day)
        .tuples()
    )
    return [
        (
            f"{m.start.year % 100:02d}年{m.start.month}月",
            sum(n for d, n in daily if m.first_day <= d <= m.last_day),
        )
        for m in months
    ]


def _count(where: peewee.Expression) -> int:
    return S.select(peewee.fn.COUNT(S.case)).where(where).scalar() or 0


def scan_inputs(period: Period, as_of: int, report_hours_limit: int) -> Inputs:
    """A pass over the period's rows (any period, custom ranges included)."""
    counts, amounts = _scan_counts(as_of)
    counts["major_in_time"] = (S.severity == "major") & (S.report_hours <= report_hours_limit)
    base = c.counted(period)
    scan = _scan(base, counts, amounts)
    scan["merged"] = _count(c.in_period(period) & (S.outcome == "merged"))
    return Inputs(
        scan=scan,
        issues=IssueCounts.from_groups(_issue_groups(period)),
        handlers=dict(S.select(S.officer, peewee.fn.COUNT(S.case)).where(base).group_by(S.officer).tuples()),
        assignments=assignment_counts(period, as_of),
        compensation_departments=compensation_department_rows(period),
        trend=scan_trend(period),
        external=scan_external(base),
    )


def compute(period: Period, today: date, report_hours_limit: int) -> Figures:
    """Every figure of the period, as of `today` (what is late is judged on that day). Whole months
    are read from the monthly cube; a custom range is counted from the rows."""
    as_of = today.toordinal()
    if period.kind != "custom":
        from app.statistics.sources import cube_inputs

        inputs = cube_inputs(period, as_of, report_hours_limit)
    else:
        inputs = scan_inputs(period, as_of, report_hours_limit)
    scan, issues = inputs.scan, inputs.issues
    cat_names = _names(Category, Category.name, [*issues.category1, *issues.category2])
    reported = scan["major_reported"]
    return Figures(
        period=period,
        as_of=today,
        headline=_headline(period, scan, issues),
        previous=headline(period.previous(), as_of),
        year_ago=headline(period.year_ago(), as_of),
        merged=scan.get("merged", 0),
        outcomes=[
            Tally(Measure("outcome", k), label, scan[f"outcome:{k}"]) for k, label in OUTCOME_LABELS.items()
        ],
        channels=_channels(scan),
        categories1=_tallies("category1", issues.category1, cat_names),
        categories2=_tallies("category2", issues.category2, cat_names),
        departments=_tallies(
            "department", issues.department, _names(Department, Department.name, issues.department)
        ),
        severities=_tallies(
            "severity", {k: scan[f"severity:{k}"] for k in SEVERITIES}, dict(SEVERITIES), SEVERITIES
        ),
        handlers=_tallies("handler", inputs.handlers, _names(User, User.display_name, inputs.handlers)),
        findings_case=_tallies(
            "finding_case", {k: scan[f"finding_case:{k}"] for k in FINDINGS}, dict(FINDINGS), FINDINGS
        ),
        findings_issue=_tallies("finding_issue", issues.finding, dict(FINDINGS), FINDINGS),
        issues=sum(issues.finding.values()),
        stages=_stages(scan, inputs.assignments),
        completion=_rate("completion", "按时办结", scan["completion:on_time"], scan["completion:late"]),
        satisfaction=_tallies(
            "satisfaction",
            {k: scan[f"satisfaction:{k}"] for k in SATISFACTIONS},
            dict(SATISFACTIONS),
            SATISFACTIONS,
        ),
        reopened=Tally(Measure("reopened"), "再处理", scan["reopened"]),
        reopen_times=scan["reopen_times"],
        external=_external(inputs.external),
        compensation=Tally(
            Measure("compensation"), "赔偿与退费", scan["compensation"], scan["compensation_fen"]
        ),
        compensation_bands=[
            Tally(
                Measure("compensation", code),
                label,
                scan[f"compensation:{code}"],
                scan[f"compensation_fen:{code}"],
            )
            for code, label, _ in BANDS
        ],
        compensation_departments=_compensation_departments(inputs.compensation_departments),
        repeats=Tally(Measure("repeat"), "重复投诉", scan["repeat"]),
        major=Tally(Measure("major"), "重大投诉", scan["major"]),
        major_reported_in_time=scan["major_in_time"],
        major_report_hours=scan["major_hours"] / reported if reported else None,
        backlog=Tally(Measure("backlog"), "期末未结", cube.snapshot("backlog", c.end_day(period, as_of))),
        overdue=Tally(Measure("overdue"), "期末逾期", cube.snapshot("overdue", c.end_day(period, as_of))),
        trend=inputs.trend,
    )
