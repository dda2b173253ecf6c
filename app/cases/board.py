"""Read models for the kanban board, the case list and the home queues (lazy, paged, filtered).

Each call returns plain dataclasses; nothing here writes. Restricted cases the viewer may not open
appear to officers as redacted cards (受限案件) so the workload is visible but the content is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import peewee

from app import clock
from app.cases import calendar
from app.cases.deadline_calc import case_status
from app.cases.queries import visible
from app.cases.states import BOARD_STATES, OPEN_ASSIGNMENT_STATES, REPLY_CLOCK_STATES, STATE_LABELS, State
from app.deadlines import DeadlineStatus
from app.policy import lists_restricted_redacted
from app.session import Session
from app.validation import SEVERITIES, mask_name
from models.accounts import User
from models.cases import Assignment, Case, Category, Complainant, Extension
from models.organisation import Department

PAGE_SIZE = 50
REDACTED = "受限案件"


@dataclass(frozen=True)
class BoardFilter:
    department: str = ""  # department code: visit department or any assignment
    category: str = ""  # category code at any level (matches its subtree)
    officer_id: int | None = None
    severity: str = ""
    overdue_only: bool = False
    mine: bool = False
    states: tuple[str, ...] = ()  # list view: restrict to these states (empty: all)
    include_final: bool = False  # list view: closed / rejected / merged too


@dataclass(frozen=True)
class CaseCard:
    id: int
    case_no: str
    state: str
    state_label: str
    version: int
    received_at: datetime
    complainant: str  # always masked on cards
    category: str
    departments: str
    severity: str
    severity_label: str
    officer: str
    deadline: DeadlineStatus | None
    restricted: bool
    redacted: bool
    on_hold: bool
    escalated: bool
    flagged: bool
    summary: str


@dataclass
class Column:
    state: str
    label: str
    total: int
    cards: list[CaseCard] = field(default_factory=list)


def _today_end(now: datetime) -> tuple[date, bool]:
    """Today, and whether today's deadlines have already passed (after office hours)."""
    return now.date(), now.time() >= calendar.office_hours().end


def _due_column():
    return peewee.Case(None, [(Case.state == State.REGISTERED, Case.accept_due)], Case.reply_due)


def _overdue(now: datetime):
    today, past_end = _today_end(now)
    due = _due_column()
    late = (due < today) | ((due == today) & past_end) if past_end else (due < today)
    clocked = Case.state.in_([State.REGISTERED, *REPLY_CLOCK_STATES])
    return clocked & (Case.on_hold == False) & late


def _apply(
    query: peewee.ModelSelect, session: Session, flt: BoardFilter, now: datetime
) -> peewee.ModelSelect:
    if flt.department:
        dept = Department.select(Department.id).where(Department.code == flt.department)
        assigned = Assignment.select(Assignment.case).where(Assignment.department.in_(dept))
        query = query.where(Case.visit_department.in_(dept) | Case.id.in_(assigned))
    if flt.category:
        root = Category.get_or_none(Category.code == flt.category)
        if root is not None:
            subtree = Category.select(Category.id).where(
                (Category.path == root.path) | Category.path.startswith(root.path + " / ")
            )
            query = query.where(Case.category.in_(subtree))
    if flt.officer_id:
        query = query.where(Case.officer == flt.officer_id)
    if flt.severity:
        query = query.where(Case.severity == flt.severity)
    if flt.overdue_only:
        query = query.where(_overdue(now))
    if flt.mine:
        query = query.where((Case.officer == session.user.id) | (Case.registered_by == session.user.id))
    if flt.states:
        query = query.where(Case.state.in_(list(flt.states)))
    elif not flt.include_final:
        query = query.where(Case.state.in_(list(BOARD_STATES)))
    return query


def _listable(session: Session, query: peewee.ModelSelect) -> peewee.ModelSelect:
    """Visible cases, plus restricted ones for officers (shown redacted)."""
    if lists_restricted_redacted(session.user):
        return query
    return visible(session.user, query)


def _cards(session: Session, rows: list[Case], now: datetime) -> list[CaseCard]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    visible_ids = {r.id for r in visible(session.user, Case.select(Case.id)).where(Case.id.in_(ids))}
    depts: dict[int, list[str]] = {}
    for a in (
        Assignment.select(Assignment.case, Department.name)
        .join(Department)
        .where(Assignment.case.in_(ids), Assignment.state != "returned")
        .order_by(Assignment.id)
        .objects()
    ):
        depts.setdefault(a.case_id, []).append(a.name)
    cards = []
    for r in rows:
        redacted = r.id not in visible_ids
        cards.append(
            CaseCard(
                id=r.id,
                case_no=r.case_no,
                state=r.state,
                state_label=STATE_LABELS[r.state],
                version=r.version,
                received_at=r.received_at,
                complainant="" if redacted else mask_name(r.complainant_name),
                category=REDACTED if redacted else (r.category_name or "未分类"),
                departments=""
                if redacted
                else "、".join(dict.fromkeys(depts.get(r.id, []))) or (r.visit_dept or ""),
                severity=r.severity,
                severity_label=SEVERITIES[r.severity],
                officer=r.officer_name or "",
                deadline=case_status(r, now),
                restricted=r.restricted,
                redacted=redacted,
                on_hold=r.on_hold,
                escalated=r.escalated_at is not None,
                flagged=r.flagged,
                summary="" if redacted else r.content[:80],
            )
        )
    return cards


def _card_query(session: Session, flt: BoardFilter, now: datetime) -> peewee.ModelSelect:
    Officer = User.alias()
    VisitDept = Department.alias()
    query = (
        Case.select(
            Case.id,
            Case.case_no,
            Case.state,
            Case.version,
            Case.received_at,
            Case.severity,
            Case.restricted,
            Case.on_hold,
            Case.hold_since,
            Case.paused_workdays,
            Case.escalated_at,
            Case.flagged,
            Case.accept_due,
            Case.reply_due,
            Case.due_provisional,
            Case.officer,
            Case.registered_by,
            Case.night_intake,
            Case.registered_at,
            peewee.fn.SUBSTR(Case.content, 1, 80).alias("content"),
            Complainant.name.alias("complainant_name"),
            Category.name.alias("category_name"),
            Officer.display_name.alias("officer_name"),
            VisitDept.name.alias("visit_dept"),
        )
        .join(Complainant, on=(Case.complainant == Complainant.id))
        .switch(Case)
        .join(Category, peewee.JOIN.LEFT_OUTER, on=(Case.category == Category.id))
        .switch(Case)
        .join(Officer, peewee.JOIN.LEFT_OUTER, on=(Case.officer == Officer.id))
        .switch(Case)
        .join(VisitDept, peewee.JOIN.LEFT_OUTER, on=(Case.visit_department == VisitDept.id))
    )
    return _apply(_listable(session, query), session, flt, now)


def board(session: Session, flt: BoardFilter | None = None, per_column: int = PAGE_SIZE) -> list[Column]:
    """One column per open state with its total and the most urgent `per_column` cards."""
    flt = flt or BoardFilter()
    now = clock.now()
    counts = dict(
        _apply(_listable(session, Case.select(Case.state, peewee.fn.COUNT(Case.id))), session, flt, now)
        .group_by(Case.state)
        .tuples()
    )
    return [
        Column(
            state,
            STATE_LABELS[state],
            counts.get(state, 0),
            column_page(session, state, flt, 0, per_column) if counts.get(state) else [],
        )
        for state in BOARD_STATES
    ]


def column_page(
    session: Session, state: str, flt: BoardFilter | None = None, offset: int = 0, limit: int = PAGE_SIZE
) -> list[CaseCard]:
    """Cards of one column, most urgent first (fetchMore pages through this)."""
    flt = flt or BoardFilter()
    now = clock.now()
    query = (
        _card_query(session, flt, now)
        .where(Case.state == state)
        .order_by(_due_column().asc(nulls="LAST"), Case.received_at, Case.id)
        .offset(offset)
        .limit(limit)
    )
    return _cards(session, list(query.objects()), now)


def case_list(
    session: Session, flt: BoardFilter | None = None, offset: int = 0, limit: int = PAGE_SIZE
) -> list[CaseCard]:
    """The case list, newest first."""
    flt = flt or BoardFilter(include_final=True)
    now = clock.now()
    query = (
        _card_query(session, flt, now)
        .order_by(Case.received_at.desc(), Case.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return _cards(session, list(query.objects()), now)


def case_count(session: Session, flt: BoardFilter | None = None) -> int:
    flt = flt or BoardFilter(include_final=True)
    return _apply(_listable(session, Case.select()), session, flt, clock.now()).count()


def cards_for(session: Session, case_ids: list[int]) -> list[CaseCard]:
    """Cards for given ids (search results), in the given order."""
    now = clock.now()
    rows = {
        r.id: r
        for r in _card_query(session, BoardFilter(include_final=True), now)
        .where(Case.id.in_(case_ids))
        .objects()
    }
    return _cards(session, [rows[i] for i in case_ids if i in rows], now)


@dataclass(frozen=True)
class QueueCount:
    key: str
    label: str
    count: int
    flt: BoardFilter


def queue_counts(session: Session) -> list[QueueCount]:
    """The home-screen queues with live counts, for the user's roles."""
    now = clock.now()
    today = now.date()
    base = _listable(session, Case.select())
    due = _due_column()
    clocked = Case.state.in_([State.REGISTERED, *REPLY_CLOCK_STATES])

    def count(condition) -> int:
        return base.where(condition).count()

    queues = [
        QueueCount(
            "registered", "待受理", count(Case.state == State.REGISTERED), BoardFilter(states=("registered",))
        ),
        QueueCount(
            "due_today", "今日到期", count(clocked & (due == today) & (Case.on_hold == False)), BoardFilter()
        ),
        QueueCount("overdue", "逾期", count(_overdue(now)), BoardFilter(overdue_only=True)),
    ]
    for state in (State.PENDING_APPROVAL, State.REPLIED, State.AWAITING_SIGNOFF):
        queues.append(
            QueueCount(state, STATE_LABELS[state], count(Case.state == state), BoardFilter(states=(state,)))
        )
    pending_ext = Extension.select(Extension.case).where(Extension.state == "pending")
    queues.append(QueueCount("extensions", "延期待批", count(Case.id.in_(pending_ext)), BoardFilter()))
    queues.append(
        QueueCount(
            "escalated",
            "已上报重大",
            count(Case.escalated_at.is_null(False) & Case.state.in_(list(BOARD_STATES))),
            BoardFilter(severity="major"),
        )
    )
    queues.append(
        QueueCount(
            "on_hold",
            "待补充材料",
            count((Case.on_hold == True) & Case.state.in_(list(BOARD_STATES))),
            BoardFilter(),
        )
    )
    open_assignments = Assignment.select(Assignment.case).where(
        Assignment.state.in_(sorted(OPEN_ASSIGNMENT_STATES)) & (Assignment.due < today)
    )
    queues.append(
        QueueCount("dept_late", "科室反馈逾期", count(Case.id.in_(open_assignments)), BoardFilter())
    )
    return queues
