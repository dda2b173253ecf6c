"""科室考核: per department and period, the figures of `config.SCORE_ITEMS`, each weighted by the
admin's points into a score (扣分: higher is worse). Every figure names the measure listing its
cases, so a department head can see how the score was made."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import peewee

from app.rectification import figures as rectification
from app.statistics import conditions as c
from app.statistics.conditions import IS, A, Measure, S
from app.statistics.config import SCORE_ITEMS, StatisticsConfig
from app.statistics.periods import Period
from models.organisation import Department
from models.rectification import RectificationCase

UNASSIGNED = "未指定科室"


@dataclass(frozen=True)
class ScoreItem:
    key: str
    label: str
    count: int
    weight: float
    measure: Measure

    @property
    def points(self) -> float:
        return self.count * self.weight


@dataclass(frozen=True)
class DepartmentScore:
    department_id: int | None
    department: str
    items: tuple[ScoreItem, ...]

    @property
    def score(self) -> float:
        return round(sum(i.points for i in self.items), 2)


def item_condition(key: str, department: int | None, as_of: int, period: Period) -> peewee.ModelSelect:
    """The cases behind one figure of one department (a query selecting `case`)."""
    if key.startswith("rect_"):
        return _rectification_cases(key, department, as_of, period)
    dept = (lambda f: f.is_null()) if department is None else (lambda f: f == department)
    in_issues = c.in_period(period, IS.received_day) & dept(IS.department)
    if key == "received":
        return IS.select(IS.case).where(in_issues).distinct()
    if key in ("upheld", "partly_upheld"):
        return IS.select(IS.case).where(in_issues & (IS.finding == key)).distinct()
    if key in ("late_acknowledge", "late_respond"):
        stage = key.removeprefix("late_")
        return (
            A.select(A.case)
            .where(
                c.in_period(period, A.received_day)
                & dept(A.department)
                & c.assignment_stage(stage, "late", as_of)
            )
            .distinct()
        )
    cases = IS.select(IS.case).where(in_issues)
    extra = S.satisfaction == "dissatisfied" if key == "dissatisfied" else S.severity == "major"
    return S.select(S.case).where(S.case.in_(cases) & extra)


def _rectification_cases(key: str, department: int | None, as_of: int, period: Period) -> peewee.ModelSelect:
    """The cases behind a department's 整改 figures (every item has a department)."""
    if department is None:
        return RectificationCase.select(RectificationCase.case).where(peewee.SQL("0 = 1"))
    if key == "rect_overdue":
        return rectification.overdue_cases(department, min(period.end, date.fromordinal(as_of)))
    return rectification.recurred_cases(department, period.start, period.end)


RECTIFICATION_ITEMS = ("rect_overdue", "rect_recurred")
CASE_ITEMS = tuple(key for key in SCORE_ITEMS if key not in RECTIFICATION_ITEMS)  # counted from the cases


def _rectification_counts(period: Period, as_of: int) -> dict[str, dict[int | None, int]]:
    """整改逾期 and 整改后复发 per department (app.rectification.figures)."""
    figures = rectification.compute(period.start, period.end, date.fromordinal(as_of))
    return {
        "rect_overdue": {d.department_id: d.overdue for d in figures.departments},
        "rect_recurred": {d.department_id: d.recurred for d in figures.departments},
    }


def _counts(period: Period, as_of: int) -> dict[str, dict[int | None, int]]:
    in_issues = c.in_period(period, IS.received_day)
    counts: dict[str, dict[int | None, int]] = {}
    counts["received"] = dict(
        IS.select(IS.department, peewee.fn.SUM(IS.first_department))
        .where(in_issues)
        .group_by(IS.department)
        .tuples()
    )
    for finding in ("upheld", "partly_upheld"):
        counts[finding] = dict(
            IS.select(IS.department, peewee.fn.COUNT(IS.id))
            .where(in_issues & (IS.finding == finding))
            .group_by(IS.department)
            .tuples()
        )
    for stage in ("acknowledge", "respond"):
        counts[f"late_{stage}"] = dict(
            A.select(A.department, peewee.fn.COUNT(A.assignment))
            .where(c.in_period(period, A.received_day) & c.assignment_stage(stage, "late", as_of))
            .group_by(A.department)
            .tuples()
        )
    pairs = c.department_pairs(period).alias("pairs")
    for key, cond in (("dissatisfied", S.satisfaction == "dissatisfied"), ("major", S.severity == "major")):
        counts[key] = dict(
            S.select(pairs.c.department, peewee.fn.COUNT(S.case))
            .join(pairs, on=(pairs.c.case_id == S.case))
            .where(cond)
            .group_by(pairs.c.department)
            .tuples()
        )
    return counts


def _cube_counts(period: Period, as_of: int) -> dict[str, dict[int | None, int]]:
    """The same counts from the monthly cube, plus transfers late today (open ones only)."""
    from app.statistics import cube

    cells = cube.read([m.start.year * 100 + m.start.month for m in period.months()])
    prefixes = {"received": "department", **{k: f"dept_{k}" for k in CASE_ITEMS if k != "received"}}
    counts: dict[str, dict[int | None, int]] = {key: {} for key in CASE_ITEMS}
    for cell, (n, _) in cells.items():
        prefix, _, value = cell.rpartition(":")
        for key, wanted in prefixes.items():
            if prefix == wanted and n:
                department = int(value) if value.isdigit() else None
                counts[key][department] = counts[key].get(department, 0) + n
    for stage in ("acknowledge", "respond"):
        pending = (
            A.select(A.department, peewee.fn.COUNT(A.assignment))
            .where(
                c.in_period(period, A.received_day)
                & A.state.in_(["sent", "acknowledged"])
                & c.assignment_stage(stage, "pending_late", as_of)
            )
            .group_by(A.department)
            .tuples()
        )
        for department, n in pending:
            late = counts[f"late_{stage}"]
            late[department] = late.get(department, 0) + n
    return counts


def compute(period: Period, as_of: int, config: StatisticsConfig) -> list[DepartmentScore]:
    """Every department with at least one figure, highest score first (whole months from the cube)."""
    counts = _cube_counts(period, as_of) if period.kind != "custom" else _counts(period, as_of)
    counts.update(_rectification_counts(period, as_of))  # 整改 is read from its own tables
    departments: set[int | None] = set()
    for per_dept in counts.values():
        departments |= {d for d, n in per_dept.items() if n}
    names = dict(Department.select(Department.id, Department.name).tuples())
    rows: dict[int | None, list[ScoreItem]] = defaultdict(list)
    for dept in departments:
        for key, label in SCORE_ITEMS.items():
            n = int(counts[key].get(dept) or 0)
            rows[dept].append(
                ScoreItem(key, label, n, config.weights.get(key, 0.0), Measure(f"score_{key}", _value(dept)))
            )
    scores = [
        DepartmentScore(d, names.get(d, UNASSIGNED) if d is not None else UNASSIGNED, tuple(items))
        for d, items in rows.items()
    ]
    return sorted(scores, key=lambda s: (-s.score, s.department))


def _value(department: int | None) -> str:
    return "" if department is None else str(department)
