"""What the role homes, the navigation rail and the filter bars read (all policy-filtered).

* `home_sections(user)`: which parts of the 工作台 a user gets (decided by app.policy, not by role names).
* `home_queues(session)`: the queue tiles of those parts, with live counts.
* `receipt_counts(session, ids)`: how often a 受理回执 was issued per case (the clerk's reprints).
* `handover(session)`: the night-duty handover summary of the cases of the current shift.
* `todays_prints(session)`: the documents the user issued today (first prints and 补打 reprints).
* `filter_choices(session)`: departments, the category tree and the officers for the filter bars.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

import peewee

from app import clock
from app.cases import board
from app.cases.board import BoardFilter, Queue, QueueCount
from app.cases.documents import kind_title
from app.cases.visibility import visible
from app.policy import Action, Actor, Role, can, registers_as_night_duty
from app.session import Session
from app.validation import SEVERITIES
from app.write_path import ensure_unlocked, require
from models.accounts import User, UserRole
from models.cases import Case, Category, IssuedDocument
from models.organisation import Department


@dataclass(frozen=True)
class HomeSections:
    """The parts of a role home. None of them: the account home (e.g. an administrator)."""

    oversight: bool  # 主任: approvals, sign-offs, extensions, overdue, escalated
    office_work: bool  # 专员: all active work by urgency
    intake_desk: bool  # 文员: today's registrations and receipt reprints
    night_shift: bool  # 总值班: the cases of the shift and the handover summary

    @property
    def any(self) -> bool:
        return self.oversight or self.office_work or self.intake_desk or self.night_shift


def home_sections(user: Actor) -> HomeSections:
    office = bool(can(user, Action.ACCEPT))
    return HomeSections(
        oversight=bool(can(user, Action.APPROVE)),
        office_work=bool(can(user, Action.ASSIGN)),
        intake_desk=bool(can(user, Action.PRINT_INTAKE))
        and not office
        and not registers_as_night_duty(user, after_hours=False),
        night_shift=registers_as_night_duty(user, after_hours=True) and not office,
    )


# Tiles of each part, in order (keys of board.QUEUE_FILTERS, or the part's own list).
_SECTION_QUEUES: dict[str, tuple[str, ...]] = {
    "oversight": (Queue.PENDING_APPROVAL, Queue.AWAITING_SIGN_OFF, Queue.EXTENSIONS, Queue.OVERDUE, Queue.ESCALATED),
    "office_work": (Queue.REGISTERED, Queue.DUE_TODAY, Queue.OVERDUE, Queue.DEPT_LATE, Queue.REPLIED, Queue.ON_HOLD),
    "intake_desk": (Queue.REGISTERED_TODAY, Queue.REGISTERED),
    "night_shift": (Queue.MY_SHIFT,),
}


def home_queues(session: Session) -> list[QueueCount]:
    """The queue tiles of the user's home, each once, with live counts and the filter listing them."""
    sections = home_sections(session.user)
    keys: list[str] = []
    for name, queue_keys in _SECTION_QUEUES.items():
        if getattr(sections, name):
            keys += [k for k in queue_keys if k not in keys]
    common = tuple(k for k in keys if k in board.QUEUE_FILTERS)
    shared = {q.key: q for q in board.queue_counts(session, common)} if common else {}
    counts = []
    for key in keys:
        if key in shared:
            counts.append(shared[key])
        else:
            flt = BoardFilter(queue=key, include_final=key == Queue.REGISTERED_TODAY)
            counts.append(QueueCount(key, board.QUEUES[key], board.case_count(session, flt), flt))
    return counts


def receipt_counts(session: Session, case_ids: list[int]) -> dict[int, int]:
    """Issued 受理回执 per case (0 when never printed), for the cases the user may see."""
    if not case_ids:
        return {}
    shown = visible(ensure_unlocked(session).user, Case.select(Case.id)).where(Case.id.in_(case_ids))
    rows = (
        IssuedDocument.select(IssuedDocument.case, peewee.fn.COUNT(IssuedDocument.id))
        .where(IssuedDocument.case.in_(shown) & (IssuedDocument.kind == "receipt"))
        .group_by(IssuedDocument.case)
        .tuples()
    )
    counts = dict.fromkeys((row.id for row in shown), 0)
    counts.update(dict(rows))
    return counts


@dataclass(frozen=True)
class PrintRecord:
    case_id: int
    case_no: str
    title: str
    reprint: bool
    issued_at: datetime


def todays_prints(session: Session, limit: int = 200) -> list[PrintRecord]:
    """Documents the user issued today, newest first, on cases they may still see."""
    start = datetime.combine(clock.now().date(), time.min)
    query = (
        IssuedDocument.select(
            Case.id.alias("case_ref"),
            Case.case_no,
            IssuedDocument.kind,
            IssuedDocument.reprint,
            IssuedDocument.issued_at,
        )
        .join(Case)
        .where((IssuedDocument.issued_by == session.user.id) & (IssuedDocument.issued_at >= start))
        .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())
        .limit(limit)
    )
    return [
        PrintRecord(row.case_ref, row.case_no, kind_title(row.kind), row.reprint, row.issued_at)
        for row in visible(ensure_unlocked(session).user, query).objects()
    ]


@dataclass(frozen=True)
class Handover:
    """交班摘要: the night-duty cases still waiting for the office, by severity."""

    total: int
    by_severity: tuple[tuple[str, str, int], ...]  # (severity, label, count), most severe first
    escalated: int


def handover(session: Session) -> Handover:
    flt = BoardFilter(queue=Queue.MY_SHIFT)
    rows = dict(
        board.filtered(session, flt, Case.select(Case.severity, peewee.fn.COUNT(Case.id)))
        .group_by(Case.severity)
        .tuples()
    )
    escalated = board.filtered(session, flt, Case.select()).where(Case.escalated_at.is_null(False)).count()
    order = ("major", "serious", "minor")
    return Handover(
        total=sum(rows.values()),
        by_severity=tuple((key, SEVERITIES[key], rows.get(key, 0)) for key in order),
        escalated=escalated,
    )


@dataclass(frozen=True)
class CategoryNode:
    code: str
    name: str
    level: int
    path: str


@dataclass(frozen=True)
class FilterChoices:
    departments: tuple[tuple[str, str], ...]  # (code, name), active ones
    categories: tuple[CategoryNode, ...]  # every level, in dictionary order
    officers: tuple[tuple[int, str], ...]  # (user id, display name)


def filter_choices(session: Session) -> FilterChoices:
    """What the board's and the list's filter bars offer (for users who may view cases)."""
    require(session, Action.VIEW_CASE)
    departments = tuple(
        (d.code, d.name)
        for d in Department.select(Department.code, Department.name)
        .where(Department.active == True)  # noqa: E712
        .order_by(Department.sort_order, Department.code)
    )
    # Retired categories stay: old cases are still filed under them (marked, listed with the rest).
    categories = tuple(
        CategoryNode(c.code, c.name if c.active else f"{c.name}（已停用）", c.level, c.path)
        for c in Category.select(Category.code, Category.name, Category.level, Category.path, Category.active)
        .order_by(Category.sort_order)
    )
    officers = tuple(
        (u.id, u.display_name)
        for u in User.select(User.id, User.display_name)
        .join(UserRole)
        .where((UserRole.role == Role.OFFICER) & (User.active == True))  # noqa: E712
        .order_by(User.display_name)
        .distinct()
    )
    return FilterChoices(departments, categories, officers)
