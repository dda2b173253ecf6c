"""Due dates of a case and its assignments, and the traffic light shown for them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from app.cases.states import OPEN_ASSIGNMENT_STATES, REPLY_CLOCK_STATES, AssignmentState, State
from app.deadlines import calendar
from app.deadlines.rules import DeadlineStatus, Due, deadline_status, external_report_due, hours_status
from app.deadlines.workdays import WorkCalendar
from models.cases import Assignment, Case


def assignment_due(sent: datetime, cal: WorkCalendar | None = None) -> tuple[date, bool]:
    """A department's reply due date (and whether provisional), on `cal` or this database's calendar."""
    cal = cal or calendar.calendar()
    return cal.add_workdays(sent.date(), calendar.rules().department_reply_workdays)


def accept_due_again(case: Case, cal: WorkCalendar) -> tuple[date, bool] | None:
    """The acceptance date of a case that got "next working day", counted on `cal` (None: same day)."""
    if case.accept_due is None or case.accept_due == case.received_at.date():
        return None
    return cal.add_workdays(case.received_at.date(), calendar.rules().acceptance_next_workday)


def recompute_reply_due(case: Case, cal: WorkCalendar | None = None) -> None:
    """Reply due = receipt + (5, or 10 with several departments) + extensions + paused working days;
    a reopened case (再处理) counts its own period (setting `reopen_reply_workdays`) from the reopening.

    Counted on `cal` when given (a calendar about to be saved), else on this database's calendar."""
    from app import settings

    if case.reply_period_start is not None:
        start, workdays = case.reply_period_start, settings.get("reopen_reply_workdays")
    else:
        departments = {
            a.department_id
            for a in Assignment.select(Assignment.department).where(
                (Assignment.case == case.id) & (Assignment.state != AssignmentState.RETURNED)
            )
        }
        start, workdays = case.received_at.date(), calendar.rules().reply_workdays_for(len(departments))
    total = workdays + case.extension_workdays + case.paused_workdays
    cal = cal or calendar.calendar()
    case.reply_due, case.due_provisional = cal.add_workdays(start, total)


def case_status(case: Case, now: datetime) -> DeadlineStatus | None:
    """The clock that matters in the case's state: acceptance, then reply; none after the reply."""
    if case.state == State.REGISTERED and case.accept_due:
        due = Due(case.accept_due, calendar.calendar().is_provisional(case.accept_due))
    elif case.state in REPLY_CLOCK_STATES and case.reply_due:
        due = Due(case.reply_due, case.due_provisional)
    else:
        return None
    return deadline_status(
        due,
        now,
        calendar.calendar(),
        paused_since=case.hold_since if case.on_hold else None,
        paused_workdays=case.paused_workdays,
        rules=calendar.rules(),
    )


def assignment_status(assignment: Assignment, now: datetime) -> DeadlineStatus | None:
    if assignment.state not in OPEN_ASSIGNMENT_STATES:
        return None
    return deadline_status(
        Due(assignment.due, assignment.due_provisional), now, calendar.calendar(), rules=calendar.rules()
    )


def report_due(escalated_at: datetime) -> datetime:
    """When the report to the 卫生主管部门 of a major case is due (setting `major_report_hours`)."""
    from app import settings

    hours = settings.get("major_report_hours")
    return external_report_due(escalated_at, replace(calendar.rules(), major_external_report_hours=hours))


def external_report_status(case: Case, now: datetime) -> DeadlineStatus | None:
    """The major-case external report clock (hours), while the case is open."""
    if case.escalated_at is None or case.state in (State.CLOSED, State.REJECTED, State.MERGED):
        return None
    return hours_status(
        report_due(case.escalated_at),
        now,
        amber_hours=calendar.rules().amber_threshold_hours,
    )
