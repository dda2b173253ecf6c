"""Read models for the kanban board, the case list and the home queues (lazy, paged, filtered).

Each call returns plain dataclasses; nothing here writes. Restricted cases the viewer may not open
appear to officers as redacted cards (受限案件) so the workload is visible but the content is not.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import reduce

import peewee

from app import clock
from app.cases.states import (
    BOARD_STATES,
    OPEN_ASSIGNMENT_STATES,
    REPLY_CLOCK_STATES,
    STATE_LABELS,
    AssignmentState,
    ExtensionState,
    State,
)
from app.cases.visibility import visible
from app.deadlines.case_clocks import case_status
from app.deadlines.rules import DeadlineStatus
from app.policy import lists_restricted_redacted, sees_handling, sees_identifiers
from app.session import Session
from app.validation import SEVERITIES, mask_name
from app.write_path import CaseFactsData, ensure_unlocked
from models.accounts import User
from models.administration import HandoverCase
from models.cases import Assignment, Case, CaseAccess, Category, Complainant, Extension
from models.database import database_proxy
from models.organisation import Department

PAGE_SIZE = 50
REDACTED = "受限案件"
DAY = timedelta(days=1)


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
    queue: str = ""  # one of QUEUES: a home-screen queue (今日到期, 延期待批 …) as a filter
    received_from: date | None = None  # list view: received on or after this day
    received_to: date | None = None  # … and on or before this day

    @property
    def narrows_by_content(self) -> bool:
        """Filters on what a restricted case's card hides (department, category, officer, severity):
        a redacted card in their result would tell that a restricted case matches."""
        return bool(self.department or self.category or self.officer_id or self.severity)


# Home-screen queues that are filters of their own (the others are states or overdue_only).
QUEUES: dict[str, str] = {
    "due_today": "今日到期",
    "extensions": "延期待批",
    "escalated": "已上报重大",
    "on_hold": "待补充材料",
    "dept_late": "科室反馈逾期",
    "registered_today": "今日本人登记",
    "my_shift": "待交班",
    "active": "本人在办及待受理",
}

# Dragging a card from one board column to another runs this rule (app.cases.rules.RULES).
BOARD_MOVES: dict[tuple[str, str], str] = {
    ("registered", "accepted"): "accept",
    ("registered", "awaiting_sign_off"): "resolve_on_spot",
    ("accepted", "in_progress"): "assign",
    ("accepted", "drafting"): "draft",
    ("drafting", "pending_approval"): "submit",
    ("pending_approval", "approved"): "approve",
    ("pending_approval", "drafting"): "return_draft",
    ("approved", "replied"): "reply",
    ("replied", "awaiting_sign_off"): "follow_up",
    ("replied", "in_progress"): "follow_up",
}
# Why some tempting moves are not drags (shown instead of the generic refusal).
_MOVE_HINTS: dict[tuple[str, str], str] = {
    ("in_progress", "drafting"): "收到全部科室反馈后，案件自动进入“拟定答复”。请在案件中登记科室反馈。",
    ("awaiting_sign_off", "replied"): "已回访的案件不能退回，如需再处理请在案件中说明。",
}


def board_move(from_state: str, to_state: str) -> tuple[str, str]:
    """(rule name, "") for a card dragged between two columns, or ("", why it is not possible and
    what can be done instead)."""
    rule = BOARD_MOVES.get((from_state, to_state), "")
    if rule:
        return rule, ""
    hint = _MOVE_HINTS.get((from_state, to_state))
    if hint:
        return "", hint
    why = f"不能把案件从“{STATE_LABELS[from_state]}”直接移到“{STATE_LABELS[to_state]}”。"
    targets = [STATE_LABELS[to] for (start, to) in BOARD_MOVES if start == from_state]
    if targets:
        return "", why + f"可以拖到：{'、'.join(dict.fromkeys(targets))}；其他步骤请双击卡片在案件中办理。"
    return "", why + "请双击卡片打开案件，按页面上方的操作办理。"


@dataclass(frozen=True)
class CaseCard:
    id: int
    case_no: str
    state: str
    state_label: str
    version: int
    received_at: datetime
    complainant: str  # in full where the case shows it in full (app.policy.sees_identifiers), else masked
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


def _due_column():
    return peewee.Case(None, [(Case.state == State.REGISTERED, Case.accept_due)], Case.reply_due)


def _clock_due():
    """The due date whose clock runs in the case's state (none after the reply)."""
    return peewee.Case(
        None,
        [
            (Case.state == State.REGISTERED, Case.accept_due),
            (Case.state.in_(sorted(REPLY_CLOCK_STATES)), Case.reply_due),
        ],
        None,
    )


def _overdue(now: datetime):
    late = _due_column() < now.date()  # a case due today is 今日到期 until the day ends
    clocked = Case.state.in_([State.REGISTERED, *REPLY_CLOCK_STATES])
    return clocked & (Case.on_hold == False) & late


def _queue_condition(queue: str, session: Session, now: datetime) -> peewee.Expression:
    today = now.date()
    open_state = Case.state.in_(list(BOARD_STATES))
    me = session.user.id
    if queue == "due_today":
        clocked = Case.state.in_([State.REGISTERED, *REPLY_CLOCK_STATES])
        return clocked & (_due_column() == today) & (Case.on_hold == False)
    if queue == "extensions":
        return Case.id.in_(Extension.select(Extension.case).where(Extension.state == ExtensionState.PENDING))
    if queue == "escalated":
        return Case.escalated_at.is_null(False) & open_state
    if queue == "on_hold":
        return (Case.on_hold == True) & open_state
    if queue == "dept_late":
        late = Assignment.select(Assignment.case).where(
            Assignment.state.in_(sorted(OPEN_ASSIGNMENT_STATES)) & (Assignment.due < today)
        )
        return Case.id.in_(late)
    if queue == "registered_today":
        start = datetime.combine(today, datetime.min.time())
        return (Case.registered_by == me) & (Case.registered_at >= start) & (Case.registered_at < start + DAY)
    if queue == "my_shift":
        mine = _unindexed(Case.registered_by) == me
        handed_over = HandoverCase.select(HandoverCase.case)
        return mine & (Case.night_intake == True) & (Case.state == State.REGISTERED) & Case.id.not_in(handed_over)
    if queue == "active":
        return open_state & ((_unindexed(Case.officer) == me) | (Case.state == State.REGISTERED))
    raise ValueError(f"unknown queue {queue!r}")


def _unindexed(field: peewee.Field) -> peewee.Expression:
    """`field` in a form no index serves: an officer may hold most of 200,000 cases, so the planner
    should narrow by state or date first and test this per row."""
    return field + 0


def _conditions(session: Session, flt: BoardFilter, now: datetime) -> list[peewee.Expression]:
    """The WHERE conditions a filter stands for (besides visibility)."""
    conditions = []
    if flt.department:
        dept = Department.select(Department.id).where(Department.code == flt.department)
        assigned = Assignment.select(Assignment.case).where(Assignment.department.in_(dept))
        conditions.append(Case.visit_department.in_(dept) | Case.id.in_(assigned))
    if flt.category:
        root = Category.get_or_none(Category.code == flt.category)
        if root is not None:
            subtree = Category.select(Category.id).where(
                (Category.path == root.path) | Category.path.startswith(root.path + " / ")
            )
            conditions.append(Case.category.in_(subtree))
    if flt.officer_id:
        conditions.append(_unindexed(Case.officer) == flt.officer_id)
    if flt.severity:
        conditions.append(Case.severity == flt.severity)
    if flt.overdue_only:
        conditions.append(_overdue(now))
    if flt.mine:
        me = session.user.id
        conditions.append((_unindexed(Case.officer) == me) | (_unindexed(Case.registered_by) == me))
    if flt.queue:
        conditions.append(_queue_condition(flt.queue, session, now))
    if flt.received_from is not None:
        conditions.append(Case.received_at >= datetime.combine(flt.received_from, time.min))
    if flt.received_to is not None:
        conditions.append(Case.received_at < datetime.combine(flt.received_to + DAY, time.min))
    if flt.states:
        conditions.append(Case.state.in_(list(flt.states)))
    elif not flt.include_final:
        conditions.append(Case.state.in_(list(BOARD_STATES)))
    return conditions


def _apply(
    query: peewee.ModelSelect, session: Session, flt: BoardFilter, now: datetime
) -> peewee.ModelSelect:
    conditions = _conditions(session, flt, now)
    return query.where(*conditions) if conditions else query


def _listable(session: Session, query: peewee.ModelSelect, flt: BoardFilter | None = None) -> peewee.ModelSelect:
    """Visible cases, plus restricted ones for officers (shown redacted) unless the filter narrows by
    what the redacted card hides; nothing while locked."""
    ensure_unlocked(session)
    if lists_restricted_redacted(session.user) and not (flt and flt.narrows_by_content):
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
        .where(Assignment.case.in_(ids), Assignment.state != AssignmentState.RETURNED)
        .order_by(Assignment.id)
        .objects()
    ):
        depts.setdefault(a.case_id, []).append(a.name)
    statuses: dict[tuple, DeadlineStatus | None] = {}  # many cards share a due date: count once
    named = _named_on_restricted([r.id for r in rows if r.restricted])
    today = now.date()
    cards = []
    for r in rows:
        case_facts = CaseFactsData(
            r.id,
            r.restricted,
            r.registered_by_id,
            r.registered_at.date(),
            r.night_intake,
            r.state,
            named.get(r.id, frozenset()) | ({r.officer_id} if r.officer_id else set()),
        )
        full_name = sees_identifiers(session.user, case_facts, today)  # as the case itself shows it
        handling = sees_handling(session.user, case_facts)
        clock_key = (
            r.state,
            r.accept_due,
            r.reply_due,
            r.due_provisional,
            r.hold_since if r.on_hold else None,
            r.paused_workdays,
        )
        if clock_key not in statuses:
            statuses[clock_key] = case_status(r, now)
        redacted = r.id not in visible_ids
        cards.append(
            CaseCard(
                id=r.id,
                case_no=r.case_no,
                state=r.state,
                state_label=STATE_LABELS[r.state],
                version=r.version,
                received_at=r.received_at,
                complainant=""
                if redacted
                else (r.complainant_name if full_name else mask_name(r.complainant_name)),
                category=REDACTED if redacted else (r.category_name or "未分类"),
                departments="、".join(dict.fromkeys(depts.get(r.id, []))) or (r.visit_dept or "")
                if handling and not redacted
                else "",
                severity=r.severity,
                severity_label=SEVERITIES[r.severity],
                officer=r.officer_name or "",
                deadline=statuses[clock_key],
                restricted=r.restricted,
                redacted=redacted,
                on_hold=r.on_hold,
                escalated=r.escalated_at is not None,
                flagged=r.flagged,
                summary="" if redacted else r.content[:80],
            )
        )
    return cards


def _named_on_restricted(case_ids: list[int]) -> dict[int, frozenset[int]]:
    """The officers named on each restricted case (the policy's `named_user_ids`, less the officer)."""
    named: dict[int, set[int]] = {}
    if case_ids:
        rows = CaseAccess.select(CaseAccess.case, CaseAccess.user).where(CaseAccess.case.in_(case_ids))
        for case_id, user_id in rows.tuples():
            named.setdefault(case_id, set()).add(user_id)
    return {case_id: frozenset(users) for case_id, users in named.items()}


def _card_rows() -> peewee.ModelSelect:
    """Everything a card shows, joined; callers narrow it to ids already filtered."""
    Officer = User.alias()
    VisitDept = Department.alias()
    return (
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


def _cards_by_id(session: Session, ids: list[int], now: datetime) -> list[CaseCard]:
    """Cards of `ids` (already filtered by visibility), in that order."""
    if not ids:
        return []
    rows = {r.id: r for r in _card_rows().where(Case.id.in_(ids)).objects()}
    return _cards(session, [rows[i] for i in ids if i in rows], now)


def _page(
    session: Session, flt: BoardFilter, now: datetime, ordering: tuple, offset: int, limit: int
) -> list[CaseCard]:
    """One page: the ids are sorted on the case table alone, then only they are joined."""
    query = _apply(_listable(session, Case.select(Case.id), flt), session, flt, now)
    ids = [row[0] for row in query.order_by(*ordering).offset(offset).limit(limit).tuples()]
    return _cards_by_id(session, ids, now)


def _column_order() -> tuple:
    return (_due_column().asc(nulls="LAST"), Case.received_at, Case.id)


def board(session: Session, flt: BoardFilter | None = None, per_column: int = PAGE_SIZE) -> list[Column]:
    """One column per open state with its total and the most urgent `per_column` cards.

    Two queries whatever the number of cases: the totals by state, and the first page of every
    column at once (ROW_NUMBER per state), then the cards of those ids."""
    flt = replace(flt or BoardFilter(), states=(), include_final=False)
    now = clock.now()
    counts = dict(
        _apply(_listable(session, Case.select(Case.state, peewee.fn.COUNT(Case.id)), flt), session, flt, now)
        .group_by(Case.state)
        .tuples()
    )
    rank = peewee.fn.ROW_NUMBER().over(partition_by=[Case.state], order_by=list(_column_order()))
    ranked = _apply(
        _listable(session, Case.select(Case.id, Case.state, rank.alias("rank")), flt), session, flt, now
    ).alias("ranked")
    firsts = (
        peewee.Select(from_list=[ranked], columns=[ranked.c.id, ranked.c.state])
        .where(ranked.c.rank <= per_column)
        .order_by(ranked.c.state, ranked.c.rank)
        .bind(database_proxy)
    )
    ids = [(row[0], row[1]) for row in firsts.tuples()]
    cards = _cards_by_id(session, [case_id for case_id, _state in ids], now)
    by_state: dict[str, list[CaseCard]] = {}
    for card in cards:
        by_state.setdefault(card.state, []).append(card)
    return [
        Column(state, STATE_LABELS[state], counts.get(state, 0), by_state.get(state, []))
        for state in BOARD_STATES
    ]


def column_page(
    session: Session, state: str, flt: BoardFilter | None = None, offset: int = 0, limit: int = PAGE_SIZE
) -> list[CaseCard]:
    """Cards of one column, most urgent first (fetchMore pages through this)."""
    flt = replace(flt or BoardFilter(), states=(state,))
    return _page(session, flt, clock.now(), _column_order(), offset, limit)


# Columns the case list sorts by (in the database, so paging stays a database matter). Names are not
# among them: in shared mode they are sealed, and no index could serve them.
SORT_COLUMNS = ("case_no", "received_at", "severity", "state", "deadline")


def _sort_key(column: str) -> peewee.Node:
    if column == "case_no":
        return Case.case_no
    if column == "received_at":
        return Case.received_at
    if column == "severity":
        return peewee.Case(Case.severity, [(key, rank) for rank, key in enumerate(SEVERITIES)], len(SEVERITIES))
    if column == "state":
        return peewee.Case(Case.state, [(key, rank) for rank, key in enumerate(STATE_LABELS)], len(STATE_LABELS))
    if column == "deadline":
        return _clock_due()
    raise ValueError(f"unknown sort column {column!r}")


def list_ordering(order: str = "newest", descending: bool = False) -> tuple:
    """ORDER BY of the case list: "newest" first, "urgency" (running clocks by due date, overdue
    first; cases on hold and those without a clock after them), or one of SORT_COLUMNS, ascending
    unless `descending` (cases without a deadline last either way; ties newest first)."""
    if order == "urgency":
        return (Case.on_hold.asc(), _clock_due().asc(nulls="LAST"), Case.received_at, Case.id)
    if order == "newest":
        return (Case.received_at.desc(), Case.id.desc())
    key = _sort_key(order)
    first = key.desc(nulls="LAST") if descending else key.asc(nulls="LAST")
    if order == "deadline":
        first = (Case.on_hold.asc(), first)
    return (*(first if isinstance(first, tuple) else (first,)), Case.received_at.desc(), Case.id.desc())


def case_list(
    session: Session,
    flt: BoardFilter | None = None,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    order: str = "newest",
    descending: bool = False,
) -> list[CaseCard]:
    """The case list in the order of `list_ordering(order, descending)`."""
    flt = flt or BoardFilter(include_final=True)
    return _page(session, flt, clock.now(), list_ordering(order, descending), offset, limit)


def case_count(session: Session, flt: BoardFilter | None = None) -> int:
    return filtered(session, flt or BoardFilter(include_final=True), Case.select()).count()


def filtered(session: Session, flt: BoardFilter, query: peewee.ModelSelect) -> peewee.ModelSelect:
    """A Case query narrowed to what the user may list and to the filter (for counts by group)."""
    return _apply(_listable(session, query, flt), session, flt, clock.now())


def cards_for(session: Session, case_ids: list[int]) -> list[CaseCard]:
    """Cards for given ids (search results), in the given order."""
    shown = {row[0] for row in _listable(session, Case.select(Case.id)).where(Case.id.in_(case_ids)).tuples()}
    return _cards_by_id(session, [i for i in case_ids if i in shown], clock.now())


class Queue(StrEnum):
    """The named queues of the homes and the rail (a queue of one state is named after it)."""

    REGISTERED = "registered"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    PENDING_APPROVAL = "pending_approval"
    REPLIED = "replied"
    AWAITING_SIGN_OFF = "awaiting_sign_off"
    EXTENSIONS = "extensions"
    ESCALATED = "escalated"
    ON_HOLD = "on_hold"
    DEPT_LATE = "dept_late"
    MY_SHIFT = "my_shift"
    REGISTERED_TODAY = "registered_today"


@dataclass(frozen=True)
class QueueCount:
    key: str
    label: str
    count: int
    flt: BoardFilter


# The queues of queue_counts, in order: key -> (label, filter).
QUEUE_FILTERS: dict[str, tuple[str, BoardFilter]] = {
    Queue.REGISTERED: ("待受理", BoardFilter(states=(State.REGISTERED,))),
    Queue.DUE_TODAY: ("今日到期", BoardFilter(queue=Queue.DUE_TODAY)),
    Queue.OVERDUE: ("逾期", BoardFilter(overdue_only=True)),
    Queue.PENDING_APPROVAL: ("待审批", BoardFilter(states=(State.PENDING_APPROVAL,))),
    Queue.REPLIED: ("待回访", BoardFilter(states=(State.REPLIED,))),
    Queue.AWAITING_SIGN_OFF: ("待销项", BoardFilter(states=(State.AWAITING_SIGN_OFF,))),
    Queue.EXTENSIONS: ("延期待批", BoardFilter(queue=Queue.EXTENSIONS)),
    Queue.ESCALATED: ("已上报重大", BoardFilter(queue=Queue.ESCALATED)),
    Queue.ON_HOLD: ("待补充材料", BoardFilter(queue=Queue.ON_HOLD)),
    Queue.DEPT_LATE: ("科室反馈逾期", BoardFilter(queue=Queue.DEPT_LATE)),
}


def queue_counts(session: Session, keys: tuple[str, ...] = ()) -> list[QueueCount]:
    """The home-screen queues (all, or those named in `keys`, in that order) with live counts.

    Each queue's `flt` lists exactly the counted cases (case_list / case_count with it). All the
    queues are open cases, so one pass over the open cases counts them all."""
    wanted = keys or tuple(QUEUE_FILTERS)
    now = clock.now()
    sums = []
    for key in wanted:
        condition = reduce(operator.and_, _conditions(session, QUEUE_FILTERS[key][1], now))
        sums.append(peewee.fn.SUM(peewee.Case(None, [(condition, 1)], 0)))
    query = _listable(session, Case.select(*sums)).where(Case.state.in_(list(BOARD_STATES)))
    row = query.tuples().get()
    return [
        QueueCount(key, QUEUE_FILTERS[key][0], int(count or 0), QUEUE_FILTERS[key][1])
        for key, count in zip(wanted, row, strict=True)
    ]
