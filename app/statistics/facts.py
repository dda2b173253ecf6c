"""From one case's stored facts to its statistics rows (pure: no database access here).

`rows_for` is used both when a case write refreshes its rows (app/statistics/store.py `refresh`)
and by the full recount (`rebuild`), so the two cannot disagree by construction of different code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.cases.states import AssignmentState, State
from app.statistics.issues import CaseIssueFacts

# 口径 constants for stages without a deadline rule of their own (docs/statistics.md).
ACKNOWLEDGE_WORKDAYS = 1  # 签收: by the next working day after 转办
FOLLOW_UP_WORKDAYS = 5  # 回访: within 5 working days after 答复

ACTING_ACTIONS = ("accept", "reject", "resolve_on_spot")
HOLD_ACTIONS = ("hold", "resume")


@dataclass(frozen=True)
class Workdays:
    """The working-day calendar as the rows need it (app/deadlines/workdays.py)."""

    add: Callable[[date, int], date]  # the n-th working day after a date
    between: Callable[[date, date], int]  # working days in (a, b]


@dataclass
class AssignmentFacts:
    id: int
    department_id: int
    state: str
    sent_at: datetime
    due: date
    acknowledged_at: datetime | None
    responded_at: datetime | None


@dataclass
class CaseFacts:
    """What the statistics need of a case (no narrative)."""

    id: int
    received_at: datetime
    channel: str
    transfer_source: str
    category_id: int | None
    severity: str
    officer_id: int | None
    state: str
    restricted: bool
    finding: str
    reopen_count: int
    compensation: Decimal | None
    escalated_at: datetime | None
    accept_due: date | None
    reply_due: date | None
    replied_at: datetime | None
    on_hold: bool
    closed_at: datetime | None
    visit_department_id: int | None
    person_keys: Sequence[tuple[str, str]] = ()  # (key, source) of complainant and patient (person_keys.py)
    acted: tuple[str, datetime] | None = None  # first 受理 / 不予受理 / 当场解决: (action, at)
    receipt_at: datetime | None = None  # the first 受理回执 issued (not a 补打)
    holds: Sequence[tuple[datetime, datetime | None]] = ()  # 暂停 → 恢复 (None: still on hold)
    external: Sequence[tuple[str, str]] = ()  # 外部途径: (route, status)
    follow_ups: Sequence[tuple[datetime, str]] = ()  # (at, satisfaction), oldest first
    assignments: Sequence[AssignmentFacts] = ()
    issues: Sequence[CaseIssueFacts] = field(default_factory=list)


@dataclass(frozen=True)
class CategoryInfo:
    level1: int | None
    level2: int | None
    default_department: int | None


@dataclass
class StatRows:
    case: dict[str, Any]
    issues: list[dict[str, Any]]
    assignments: list[dict[str, Any]]
    persons: list[dict[str, Any]]


def day(value: date | datetime | None) -> int | None:
    """A date as its ordinal (the stored form); None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    return value.toordinal()


def outcome(facts: CaseFacts) -> str:
    if facts.state == State.MERGED:
        return "merged"
    if facts.state == State.REJECTED:
        return "rejected"
    if facts.acted and facts.acted[0] == "resolve_on_spot":
        return "on_spot"
    if facts.state == State.REGISTERED:
        return "pending"
    return "accepted"


def _fen(amount: Decimal | None) -> int | None:
    if amount is None:
        return None
    return int((Decimal(amount) * 100).to_integral_value())


def _acted_at(facts: CaseFacts) -> datetime | None:
    """受理（回执）: the moment the complainant was first told the complaint is in hand — the first
    受理回执 issued or the first decision (受理, 不予受理, 当场解决), whichever came first."""
    moments = [m for m in (facts.receipt_at, facts.acted[1] if facts.acted else None) if m is not None]
    return min(moments) if moments else None


def acted_day(facts: CaseFacts) -> int | None:
    return day(_acted_at(facts))


def _accept_due(facts: CaseFacts, workdays: Workdays) -> int | None:
    """The acceptance deadline, moved on by the working days on hold before 受理."""
    if facts.accept_due is None:
        return None
    paused = paused_workdays(facts.holds, facts.received_at, _acted_at(facts), workdays.between)
    return _shifted(facts.accept_due, paused, workdays)


def _follow_up_due(facts: CaseFacts, workdays: Workdays) -> int | None:
    """回访 within FOLLOW_UP_WORKDAYS of the reply, moved on by the working days on hold meanwhile."""
    if facts.replied_at is None:
        return None
    due = workdays.add(facts.replied_at.date(), FOLLOW_UP_WORKDAYS)
    followed = facts.follow_ups[0][0] if facts.follow_ups else None
    return _shifted(due, paused_workdays(facts.holds, facts.replied_at, followed, workdays.between), workdays)


def paused_workdays(
    holds: Sequence[tuple[datetime, datetime | None]],
    start: datetime,
    end: datetime | None,
    between: Callable[[date, date], int],
) -> int:
    """Working days the case spent on hold while a clock ran from `start` to `end` (done, or None
    while running): counted as the reply clock counts them, (hold day, resume day]. A hold still
    running with the clock is not counted yet — while it lasts the stage is not late."""
    total = 0
    for held, resumed in holds:
        stop = min(m for m in (resumed, end) if m is not None) if (resumed or end) else None
        begin = max(held, start)
        if stop is not None and stop > begin:
            total += max(0, between(begin.date(), stop.date()))
    return total


def _shifted(due: date, paused: int, workdays: Workdays) -> int | None:
    return day(workdays.add(due, paused) if paused else due)


def rows_for(
    facts: CaseFacts,
    categories: Mapping[int, CategoryInfo],
    workdays: Workdays,
) -> StatRows:
    """The case's CaseStat, IssueStat, AssignmentStat and StatPersonKey rows."""
    received = day(facts.received_at)
    assert received is not None
    cat = categories.get(facts.category_id) if facts.category_id else None
    report_hours = None
    if facts.escalated_at is not None:
        report_hours = max(0, int((facts.escalated_at - facts.received_at).total_seconds() // 3600))
    replied = facts.replied_at
    if replied is None and facts.acted and facts.acted[0] == "resolve_on_spot":
        replied = facts.acted[1]  # 当场解决: answered on the spot
    case = {
        "case": facts.id,
        "received_day": received,
        "channel": facts.channel,
        "transfer_source": facts.transfer_source or "",
        "category1": cat.level1 if cat else None,
        "category2": cat.level2 if cat else None,
        "severity": facts.severity,
        "officer": facts.officer_id,
        "state": facts.state,
        "restricted": bool(facts.restricted),
        "outcome": outcome(facts),
        "finding": facts.finding or "",
        "satisfaction": facts.follow_ups[-1][1] if facts.follow_ups else "",
        "reopen_count": facts.reopen_count,
        "is_repeat": False,  # set by app/statistics/repeats.py, which looks at the other cases
        "compensation_fen": _fen(facts.compensation),
        "escalated": facts.escalated_at is not None,
        "report_hours": report_hours,
        "accept_due": _accept_due(facts, workdays),
        "accepted_day": acted_day(facts),
        "reply_due": day(facts.reply_due),
        "replied_day": day(replied),
        "on_hold": bool(facts.on_hold),
        "follow_up_due": _follow_up_due(facts, workdays),
        "followed_day": day(facts.follow_ups[0][0]) if facts.follow_ups else None,
        "closed_day": day(facts.closed_at),
        "external": ",".join(sorted({f"{route}:{status}" for route, status in facts.external})),
    }
    if case["outcome"] == "merged":  # counted under the case it was merged into
        return StatRows(case, [], [], [])
    issues = []
    seen: set[tuple[str, int | None]] = set()

    def first(kind: str, value: int | None) -> int:
        if (kind, value) in seen:
            return 0
        seen.add((kind, value))
        return 1

    for issue in facts.issues:
        icat = categories.get(issue.category_id) if issue.category_id else None
        level1, level2 = (icat.level1, icat.level2) if icat else (None, None)
        for index, department in enumerate(issue.departments or (None,)):
            issues.append(
                {
                    "case": facts.id,
                    "issue_no": issue.issue_no,
                    "received_day": received,
                    "category1": level1,
                    "category2": level2,
                    "department": department,
                    "finding": issue.finding or "",
                    "first_category1": first("c1", level1),
                    "first_category2": first("c2", level2),
                    "first_department": first("d", department),
                    "first_issue": int(index == 0),
                }
            )
    assignments = [
        _assignment_row(facts, a, received, workdays)
        for a in facts.assignments
        if a.state != AssignmentState.WITHDRAWN
    ]
    keys: dict[str, str] = {}
    for key, source in facts.person_keys:
        keys.setdefault(key, source)
    persons = [{"case": facts.id, "key": k, "received_day": received, "source": s} for k, s in keys.items()]
    return StatRows(case, issues, assignments, persons)


def _assignment_row(
    facts: CaseFacts, a: AssignmentFacts, received: int, workdays: Workdays
) -> dict[str, Any]:
    """签收 and 反馈 due days, each moved on by the working days the case was on hold meanwhile."""
    acknowledge = paused_workdays(facts.holds, a.sent_at, a.acknowledged_at, workdays.between)
    respond = paused_workdays(facts.holds, a.sent_at, a.responded_at, workdays.between)
    return {
        "assignment": a.id,
        "case": facts.id,
        "received_day": received,
        "department": a.department_id,
        "state": a.state,
        "acknowledge_due": _shifted(
            workdays.add(a.sent_at.date(), ACKNOWLEDGE_WORKDAYS), acknowledge, workdays
        ),
        "acknowledged_day": day(a.acknowledged_at),
        "respond_due": _shifted(a.due, respond, workdays),
        "responded_day": day(a.responded_at),
        "on_hold": bool(facts.on_hold),
    }
