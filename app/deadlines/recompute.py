"""Deadlines counted over provisional (Mon–Fri guessed) days, counted again on a new calendar.

When the admin enters a year's holiday notice (or edits a day), every open deadline that was marked
暂定 is counted again. A deadline whose date or 暂定 mark changes is written with a timeline entry on
its case (never moved silently), inside the calendar operation's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from app.cases import promises
from app.cases.states import OPEN_ASSIGNMENT_STATES, REPLY_CLOCK_STATES, State
from app.deadlines.case_clocks import accept_due_again, assignment_due, recompute_reply_due
from app.deadlines.workdays import WorkCalendar
from app.policy import Action
from app.session import Session
from app.write_path import consequent_case_write
from models.cases import Assignment, Case
from models.organisation import Department

EVENT_ACTION = "deadline_recomputed"
EVENT_PREFIX = "节假日安排录入后期限重新计算"


@dataclass(frozen=True)
class DeadlineChange:
    """One deadline counted again: which (`kind`: reply, accept, assignment), before and after."""

    case_id: int
    case_no: str
    kind: str
    label: str
    old: date
    new: date
    provisional: bool
    assignment_id: int | None = None

    @property
    def moved(self) -> bool:
        return self.old != self.new

    def summary(self) -> str:
        if self.moved:
            text = f"{EVENT_PREFIX}：{self.label} 原 {self.old:%Y-%m-%d} → {self.new:%Y-%m-%d}"
        else:
            text = f"{EVENT_PREFIX}：{self.label} {self.new:%Y-%m-%d} 不变"
        return text + ("（仍为暂定）" if self.provisional else "（不再暂定）")


def changes_on(new: WorkCalendar, old: WorkCalendar) -> list[DeadlineChange]:
    """Every open deadline marked provisional whose date or mark differs when counted on `new`.

    `old` is the calendar the deadlines were counted on (acceptance dates carry no 暂定 mark of
    their own, so `old` says which of them were provisional)."""
    changes: list[DeadlineChange] = []
    reply_cases = Case.select().where(Case.state.in_(list(REPLY_CLOCK_STATES)) & Case.due_provisional)
    for case in reply_cases:
        before = case.reply_due
        recompute_reply_due(case, new)
        if case.reply_due != before or not case.due_provisional:
            changes.append(
                DeadlineChange(
                    case.id, case.case_no, "reply", "答复期限", before, case.reply_due, case.due_provisional
                )
            )
    for case in Case.select().where((Case.state == State.REGISTERED) & Case.accept_due.is_null(False)):
        was = accept_due_again(case, old)
        if was is None or not was[1]:
            continue
        day, provisional = accept_due_again(case, new) or (case.accept_due, False)
        if day != case.accept_due or not provisional:
            changes.append(
                DeadlineChange(case.id, case.case_no, "accept", "受理期限", case.accept_due, day, provisional)
            )
    open_assignments = (
        Assignment.select(Assignment, Case.id, Case.case_no, Department.name)
        .join(Case)
        .switch(Assignment)
        .join(Department)
        .where(
            Assignment.state.in_(list(OPEN_ASSIGNMENT_STATES))
            & Assignment.due_provisional
            & Case.state.not_in([State.CLOSED, State.REJECTED, State.MERGED])
        )
    )
    for a in open_assignments:
        day, provisional = assignment_due(a.sent_at, new)
        if day != a.due or not provisional:
            label = f"{a.department.name}反馈期限"
            changes.append(
                DeadlineChange(a.case.id, a.case.case_no, "assignment", label, a.due, day, provisional, a.id)
            )
    return sorted(changes, key=lambda c: (c.case_no, c.kind, c.label))


def apply(session: Session, changes: list[DeadlineChange]) -> int:
    """Write the changes, one timeline entry per deadline; inside the calendar operation. Returns the
    number of cases touched."""
    by_case: dict[int, list[DeadlineChange]] = defaultdict(list)
    for change in changes:
        by_case[change.case_id].append(change)
    for case_id, own in by_case.items():
        with consequent_case_write(session, case_id, EVENT_ACTION, Action.MANAGE_CALENDAR) as op:
            for change in own:
                if change.kind == "reply":
                    op.case.reply_due, op.case.due_provisional = change.new, change.provisional
                    if change.moved:
                        promises.record(op, "calendar", previous=change.old)
                elif change.kind == "accept":
                    op.case.accept_due = change.new
                else:
                    Assignment.update(due=change.new, due_provisional=change.provisional).where(
                        Assignment.id == change.assignment_id
                    ).execute()
                op.event(change.summary())
            op.detail["deadlines"] = [
                {"what": c.label, "old": c.old.isoformat(), "new": c.new.isoformat()} for c in own
            ]
    return len(by_case)
