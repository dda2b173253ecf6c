"""Which statistics rows make each figure: the conditions both the counts and the drill-down use,
so a number and the list of cases behind it cannot disagree.

A `Measure` names a figure (`key`) and, for breakdowns, one value of it (`value`): ("channel",
"transfer:hotline_12345"), ("department", "12"), ("timeliness_reply", "late") …
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee

from app.cases.states import AssignmentState, State
from app.statistics.periods import Period
from models.cases import ExternalRoute
from models.statistics import AssignmentStat, CaseStat, IssueStat

S, IS, A = CaseStat, IssueStat, AssignmentStat
FINAL = sorted({State.CLOSED, State.REJECTED, State.MERGED})
OPEN = sorted(set(State) - set(FINAL))
# Compensation bands in fen, upper bound inclusive (≤ 2千, 2千–2万, 2万–10万, > 10万).
BANDS: tuple[tuple[str, str, int | None], ...] = (
    ("le_2k", "≤ 2千元", 200_000),
    ("2k_20k", "2千–2万元", 2_000_000),
    ("20k_100k", "2万–10万元", 10_000_000),
    ("gt_100k", "> 10万元", None),
)
CASE_STAGES = ("accept", "reply", "follow_up")
ASSIGNMENT_STAGES = ("acknowledge", "respond")


@dataclass(frozen=True)
class Measure:
    key: str
    value: str = ""


def in_period(period: Period, field: peewee.Field = S.received_day) -> peewee.Expression:
    return field.between(period.first_day, period.last_day)


def counted(period: Period) -> peewee.Expression:
    """The period's cohort: received in it, merged duplicates left out."""
    return in_period(period) & (S.outcome != "merged")


# -- timeliness ---------------------------------------------------------------------------------


def case_stage(stage: str, verdict: str, as_of: int) -> peewee.Expression:
    """CaseStat rows of a stage that were on time / late (as of day `as_of`)."""
    running = S.on_hold == False  # noqa: E712 - hold pauses every clock
    if stage == "accept":
        due, done = S.accept_due, S.accepted_day
        applies = due.is_null(False)
        still_open = (S.state == State.REGISTERED) & running
    elif stage == "reply":
        due, done = S.reply_due, S.replied_day
        applies = due.is_null(False) & (S.outcome == "accepted")
        still_open = running & S.state.not_in(FINAL)
    else:
        due, done = S.follow_up_due, S.followed_day
        applies = due.is_null(False)
        still_open = (S.state == State.REPLIED) & running
    if verdict == "on_time":
        return applies & done.is_null(False) & (done <= due)
    if verdict == "pending_late":  # not done, overdue today, clock running (only open cases)
        return applies & done.is_null() & (due < as_of) & still_open & S.state.in_(OPEN)
    return applies & ((done.is_null(False) & (done > due)) | (done.is_null() & (due < as_of) & still_open))


def assignment_stage(stage: str, verdict: str, as_of: int) -> peewee.Expression:
    """AssignmentStat rows (转办) that were on time / late."""
    if stage == "acknowledge":
        due, done = A.acknowledge_due, A.acknowledged_day
        applies = (A.state != AssignmentState.RETURNED) | A.acknowledged_day.is_null(False)
        still_open = A.state == AssignmentState.SENT
    else:
        due, done = A.respond_due, A.responded_day
        applies = A.state != AssignmentState.RETURNED
        still_open = A.state.in_([AssignmentState.SENT, AssignmentState.ACKNOWLEDGED])
    still_open &= A.on_hold == False  # noqa: E712 - the case on hold pauses the transfer's clock too
    if verdict == "on_time":
        return applies & done.is_null(False) & (done <= due)
    if verdict == "pending_late":
        return applies & done.is_null() & (due < as_of) & still_open
    return applies & ((done.is_null(False) & (done > due)) | (done.is_null() & (due < as_of) & still_open))


def completion(verdict: str, as_of: int) -> peewee.Expression:
    """按时办结: on the spot, or replied on time; late: replied late or overdue unanswered."""
    if verdict == "on_time":
        return (S.outcome == "on_spot") | case_stage("reply", "on_time", as_of)
    return case_stage("reply", "late", as_of)


# -- snapshot at period end ---------------------------------------------------------------------


def end_day(period: Period, today: int) -> int:
    return min(period.last_day, today)


def backlog(period: Period, today: int) -> peewee.Expression:
    """Received by the period's end and not closed by then (every period received, not just this)."""
    end = end_day(period, today)
    return (S.closed_day.is_null() | (S.closed_day > end)) & (S.received_day <= end)


def overdue(period: Period, today: int) -> peewee.Expression:
    end = end_day(period, today)
    late_accept = (
        S.accept_due.is_null(False)
        & (S.accept_due < end)
        & (S.accepted_day.is_null() | (S.accepted_day > end))
    )
    late_reply = (
        (S.outcome == "accepted")
        & S.reply_due.is_null(False)
        & (S.reply_due < end)
        & (S.replied_day.is_null() | (S.replied_day > end))
    )
    return backlog(period, today) & (late_accept | late_reply)


# -- other conditions ---------------------------------------------------------------------------


def band(code: str) -> peewee.Expression:
    lower = 0
    for name, _, upper in BANDS:
        if name == code:
            cond = S.compensation_fen > lower
            return cond & (S.compensation_fen <= upper) if upper is not None else cond
        lower = upper or lower
    raise KeyError(code)


def department_pairs(period: Period) -> peewee.SelectQuery:
    """Distinct (case, department) of the period's issues: a case counts once per department."""
    return IS.select(IS.case, IS.department).where(in_period(period, IS.received_day)).distinct()


def repeat() -> peewee.Expression:
    """Flagged as a repeat complaint (app/statistics/repeats.py)."""
    return S.is_repeat == True  # noqa: E712


def cases_where(measure: Measure, period: Period, as_of: int) -> peewee.ModelSelect:
    """The ids of the cases behind a figure (a query selecting one column, `case`)."""
    key, value = measure.key, measure.value
    base = counted(period)
    if key == "received":
        return S.select(S.case).where(base)
    if key in ("category1", "category2", "department", "finding_issue"):
        column = {"category1": IS.category1, "category2": IS.category2, "department": IS.department,
                  "finding_issue": IS.finding}[key]  # fmt: skip
        cond = column.is_null() if value == "" and key != "finding_issue" else column == _typed(key, value)
        return IS.select(IS.case).where(in_period(period, IS.received_day) & cond).distinct()
    if key == "compensation_department":
        pairs = department_pairs(period).alias("pairs")
        cond = pairs.c.department.is_null() if value == "" else pairs.c.department == int(value)
        return (
            S.select(S.case)
            .join(pairs, on=(pairs.c.case_id == S.case))
            .where(cond & (S.compensation_fen > 0))
        )
    if key.startswith("score_"):
        from app.statistics.scorecard import item_condition

        return item_condition(key.removeprefix("score_"), int(value) if value else None, as_of, period)
    if key.startswith("timeliness_"):
        stage = key.removeprefix("timeliness_")
        if stage in ASSIGNMENT_STAGES:
            return (
                A.select(A.case)
                .where(in_period(period, A.received_day) & assignment_stage(stage, value, as_of))
                .distinct()
            )
        return S.select(S.case).where(base & case_stage(stage, value, as_of))
    if key == "backlog":
        return S.select(S.case).where(backlog(period, as_of))
    if key == "overdue":
        return S.select(S.case).where(overdue(period, as_of))
    if key == "external":
        route, _, status = value.partition(":")
        cond = ExternalRoute.route == route
        if status:
            cond &= ExternalRoute.status == status
        return (
            S.select(S.case)
            .join(ExternalRoute, on=(ExternalRoute.case == S.case))
            .where(base & cond)
            .distinct()
        )
    return S.select(S.case).where(base & case_condition(key, value, as_of))


def case_condition(key: str, value: str, as_of: int) -> peewee.Expression:
    """Conditions on CaseStat alone."""
    if key == "channel":
        channel, _, source = value.partition(":")
        cond = S.channel == channel
        return cond & (S.transfer_source == source) if channel == "transfer" else cond
    if key == "severity":
        return S.severity == value
    if key == "handler":
        return S.officer.is_null() if value == "" else S.officer == int(value)
    if key == "outcome":
        return S.outcome == value
    if key == "finding_case":
        return S.finding == value
    if key == "completion":
        return completion(value, as_of)
    if key == "satisfaction":
        return S.satisfaction == value
    if key == "reopened":
        return S.reopen_count > 0
    if key == "compensation":
        return band(value) if value else S.compensation_fen > 0
    if key == "repeat":
        return repeat()
    if key == "major":
        return S.severity == "major"
    raise KeyError(key)


def _typed(key: str, value: str) -> int | str:
    return value if key == "finding_issue" else int(value)
