"""整改 figures of a period, with their definitions (口径), for the 统计分析 page, the reports and the
考核 scorecard. Pure over the database: every figure is computed from the items' timestamps, so a
past period reads the same whenever it is asked.

* 整改落实率 = items closed in the period as 已落实 ÷ items closed in the period (已落实 + 未落实).
* 逾期整改项 = items that at the end of the period (or today, if earlier) were still to be done
  (not yet submitted for verification, not closed) with their due date passed; by department.
* 整改后复发 = recurrences found in the period: a new complaint in the department and category of an
  item closed as 已落实, within the window after its closure; by the item's department.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import peewee

from app.rectification.states import RectState
from models.organisation import Department
from models.rectification import Rectification, RectificationCase, Recurrence
from printing.reports.data import ReportTable

DEFINITIONS: dict[str, str] = {
    "ordered": "期内下达的整改项数。",
    "rate": "整改落实率 = 期内关闭为“已落实”的整改项 ÷ 期内关闭的整改项（已落实 + 未落实）。",
    "overdue": "期末（或今日）仍待整改或整改中、且已过整改期限的整改项，按责任科室计。",
    "recurred": "期内发现的整改后复发：已落实整改项的同一科室、同一类别在观察期内又收到投诉，按整改项的责任科室计。",
}


@dataclass(frozen=True)
class DepartmentFigures:
    department_id: int
    department: str
    ordered: int
    done: int
    failed: int
    overdue: int
    recurred: int

    @property
    def rate(self) -> float | None:
        closed = self.done + self.failed
        return self.done / closed if closed else None


@dataclass(frozen=True)
class RectificationFigures:
    start: date
    end: date
    as_of: date  # the day 逾期 is judged on
    departments: tuple[DepartmentFigures, ...]

    def total(self, name: str) -> int:
        return sum(getattr(d, name) for d in self.departments)

    @property
    def rate(self) -> float | None:
        closed = self.total("done") + self.total("failed")
        return self.total("done") / closed if closed else None


def _span(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)


def overdue_items(as_of: date) -> peewee.ModelSelect:
    """Items still to be done at the end of `as_of` with their due date before it."""
    moment = datetime.combine(as_of + timedelta(days=1), time.min)
    return Rectification.select(Rectification.id).where(
        (Rectification.created_at < moment)
        & (Rectification.due < as_of)
        & (Rectification.submitted_at.is_null() | (Rectification.submitted_at >= moment))
        & (Rectification.closed_at.is_null() | (Rectification.closed_at >= moment))
    )


def recurrences_in(start: date, end: date) -> peewee.ModelSelect:
    low, high = _span(start, end)
    return Recurrence.select().where((Recurrence.detected_at >= low) & (Recurrence.detected_at < high))


def _by_department(query: peewee.ModelSelect) -> dict[int, int]:
    return {d: n for d, n in query.group_by(Rectification.department).tuples()}


def compute(start: date, end: date, today: date) -> RectificationFigures:
    """The 整改 figures of the period [start, end] (逾期 judged on the earlier of `end` and `today`)."""
    as_of = min(end, today)
    low, high = _span(start, end)
    count = peewee.fn.COUNT(Rectification.id)
    ordered = _by_department(
        Rectification.select(Rectification.department, count).where(
            (Rectification.created_at >= low) & (Rectification.created_at < high)
        )
    )
    closed: dict[str, dict[int, int]] = {}
    for state in (RectState.DONE, RectState.FAILED):
        closed[state] = _by_department(
            Rectification.select(Rectification.department, count).where(
                (Rectification.state == state)
                & (Rectification.closed_at >= low)
                & (Rectification.closed_at < high)
            )
        )
    overdue = _by_department(
        Rectification.select(Rectification.department, count).where(
            Rectification.id.in_(overdue_items(as_of))
        )
    )
    recurred = _by_department(
        Rectification.select(Rectification.department, peewee.fn.COUNT(Recurrence.id))
        .join(Recurrence)
        .where(Recurrence.id.in_(recurrences_in(start, end).select(Recurrence.id)))
    )
    ids = (
        set(ordered)
        | set(closed[RectState.DONE])
        | set(closed[RectState.FAILED])
        | set(overdue)
        | set(recurred)
    )
    names = dict(
        Department.select(Department.id, Department.name).where(Department.id.in_(sorted(ids))).tuples()
    )
    rows = [
        DepartmentFigures(
            d,
            names.get(d, ""),
            ordered.get(d, 0),
            closed[RectState.DONE].get(d, 0),
            closed[RectState.FAILED].get(d, 0),
            overdue.get(d, 0),
            recurred.get(d, 0),
        )
        for d in ids
    ]
    rows.sort(key=lambda r: (-r.overdue, -r.recurred, r.department))
    return RectificationFigures(start, end, as_of, tuple(rows))


def overdue_cases(department_id: int | None, as_of: date) -> peewee.ModelSelect:
    """The cases covered by a department's overdue items (the scorecard's drill-down)."""
    items = overdue_items(as_of)
    if department_id is not None:
        items = items.where(Rectification.department == department_id)
    return (
        RectificationCase.select(RectificationCase.case)
        .where(RectificationCase.rectification.in_(items))
        .distinct()
    )


def recurred_cases(department_id: int | None, start: date, end: date) -> peewee.ModelSelect:
    """The new complaints that recurred after a department's items in the period."""
    query = recurrences_in(start, end).join(Rectification)
    if department_id is not None:
        query = query.where(Rectification.department == department_id)
    return query.select(Recurrence.case).distinct()


def rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


COLUMNS = ("科室", "下达", "已落实", "未落实", "落实率", "逾期", "整改后复发")


def rows(figures: RectificationFigures) -> list[tuple[str, ...]]:
    """One row per department, then 合计 (what the page and the reports show)."""
    lines = [
        (
            d.department,
            str(d.ordered),
            str(d.done),
            str(d.failed),
            rate_text(d.rate),
            str(d.overdue),
            str(d.recurred),
        )
        for d in figures.departments
    ]
    total = [str(figures.total(name)) for name in ("ordered", "done", "failed")]
    lines.append(
        (
            "合计",
            *total,
            rate_text(figures.rate),
            str(figures.total("overdue")),
            str(figures.total("recurred")),
        )
    )
    return lines


def report_table(figures: RectificationFigures) -> ReportTable:
    return ReportTable(
        "rectification",
        "整改落实情况",
        COLUMNS,
        tuple(rows(figures)),
        f"逾期按 {figures.as_of:%Y-%m-%d} 计。" + DEFINITIONS["rate"],
    )


# (name, 口径) for the report appendix and the page's tooltips.
NAMED_DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("整改项", DEFINITIONS["ordered"]),
    ("整改落实率", DEFINITIONS["rate"]),
    ("逾期整改项", DEFINITIONS["overdue"]),
    ("整改后复发", DEFINITIONS["recurred"]),
)
