"""整改后复发: a new complaint in the department and category of an item closed as 已落实, received
within the window after the closure (setting `rectification_recurrence_days`, default 180 days).

`flag(session, case)` runs inside the write that gave the case its category or department (登记,
转办, and the services that record the issues of a complaint): it records the recurrence, marks the
item, writes the item's event, and returns the timeline lines for the case, which the caller adds
to its own events. The manager is told through the 整改后复发 reminder (app.reminders.sources).

Matching: the item's department is one of the case's: the department of any of its issues (投诉事项),
the default department of an issue's category, the visit department, or a department the case was
sent to; the item's category is the category of one of the case's issues or one above it in the
dictionary (an item on 医疗质量 covers every complaint under it). The window
counts calendar days from the day of closure to the day the complaint was received, both included.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app import clock, settings
from app.cases.states import AssignmentState
from app.rectification.states import RectState
from app.session import Session
from models.cases import Assignment, Case, CaseIssue, Category
from models.organisation import Department
from models.rectification import Rectification, RectificationEvent, Recurrence

WINDOW_SETTING = "rectification_recurrence_days"


def window_days() -> int:
    return int(settings.get(WINDOW_SETTING))


def case_categories(case: Case) -> set[int]:
    """The categories of the case's issues (and the case's own, kept as its first issue's)."""
    categories = {
        i.category_id for i in CaseIssue.select(CaseIssue.category).where(CaseIssue.case == case.id)
    }
    return {c for c in categories | {case.category_id} if c is not None}


def case_departments(case: Case) -> set[int]:
    departments = {case.visit_department_id} if case.visit_department_id else set()
    departments |= {
        i.department_id
        for i in CaseIssue.select(CaseIssue.department).where(
            (CaseIssue.case == case.id) & CaseIssue.department.is_null(False)
        )
    }
    for category in Category.select(Category.default_department).where(
        Category.id.in_(sorted(case_categories(case))) & Category.default_department.is_null(False)
    ):
        departments.add(category.default_department_id)
    departments |= {
        a.department_id
        for a in Assignment.select(Assignment.department).where(
            (Assignment.case == case.id) & (Assignment.state != AssignmentState.RETURNED)
        )
    }
    return departments


def _with_ancestors(category_ids: set[int]) -> list[int]:
    """The categories and every category above them."""
    ids: list[int] = []
    for category_id in sorted(category_ids):
        current: int | None = category_id
        while current is not None and current not in ids:
            ids.append(current)
            row = Category.get_or_none(Category.id == current)
            current = row.parent_id if row is not None else None
    return ids


def matching_items(case: Case, received_at: datetime | None = None) -> list[Rectification]:
    """Items closed as 已落实 in the case's department and category, within the window before the
    complaint was received. The items closed in the window are read first: when there are none (an
    office's usual day) the case's departments and categories are not read at all."""
    received = (received_at or case.received_at).date()
    earliest = received - timedelta(days=window_days())
    closed_in_window = list(
        Rectification.select()
        .where(
            (Rectification.state == RectState.DONE)
            & (Rectification.closed_at >= datetime.combine(earliest, datetime.min.time()))
            & (Rectification.closed_at < datetime.combine(received + timedelta(days=1), datetime.min.time()))
        )
        .order_by(Rectification.closed_at, Rectification.id)
    )
    if not closed_in_window:
        return []
    departments = case_departments(case)
    categories = set(_with_ancestors(case_categories(case)))
    return [i for i in closed_in_window if i.department_id in departments and i.category_id in categories]


def flag(session: Session, case: Case) -> list[str]:
    """Record each new recurrence of `case` (inside the caller's transaction); the case timeline
    lines to add."""
    now = clock.now()
    items = matching_items(case)
    if not items:
        return []
    already = {r.rectification_id for r in Recurrence.select().where(Recurrence.case == case.id)}
    lines = []
    for item in items:
        if item.id in already:
            continue
        Recurrence.create(rectification=item.id, case=case.id, detected_at=now)
        Rectification.update(recurred=True).where(Rectification.id == item.id).execute()
        department = Department.get_by_id(item.department_id).name
        closed = item.closed_at.date()
        RectificationEvent.create(
            rectification=item.id,
            at=now,
            actor=session.user.id,
            action="recurrence",
            summary=f"整改后复发：新投诉 {case.case_no}",
            note=f"{closed:%Y-%m-%d} 落实后第 {(case.received_at.date() - closed).days} 天",
        )
        lines.append(f"整改后复发：{department}整改项 {item.number}（{closed:%Y-%m-%d} 已落实）")
    return lines
