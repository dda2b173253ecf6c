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
from app.cases.cards import REDACTED, CaseCard, card_select, cards_from_rows, in_list, raw_rows
from app.cases.keyset import FIRST_DATE, LAST_DATE, Key, KeysetPages
from app.cases.placeholders import with_placeholders
from app.cases.states import (
    BOARD_STATES,
    OPEN_ASSIGNMENT_STATES,
    REPLY_CLOCK_STATES,
    STATE_LABELS,
    ExtensionState,
    State,
)
from app.cases.visibility import visible, visible_condition
from app.policy import lists_restricted_redacted, visibility
from app.session import Session
from app.validation import SEVERITIES
from app.write_path import ensure_unlocked
from models import case_tally
from models.administration import HandoverCase
from models.cases import Assignment, Case, Category, Extension
from models.database import database_proxy
from models.organisation import Department
from models.search_index import is_sqlite

__all__ = ["REDACTED", "CaseCard"]  # cards are read from here by the board, lists and homes

PAGE_SIZE = 50
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
        """Filters on what a restricted case's placeholder hides (department, category, officer,
        severity, who registered it, escalation, extensions, departments' replies): a redacted card
        in their result would tell that a restricted case matches. Placeholders show only in lists
        filtered by state, received time and deadline."""
        personal = self.mine or self.queue in CONTENT_QUEUES
        return bool(self.department or self.category or self.officer_id or self.severity or personal)


# Queues on what a placeholder hides (a server's placeholder has none of these columns).
CONTENT_QUEUES = frozenset({"extensions", "escalated", "dept_late", "registered_today", "my_shift"})

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
    what the redacted card hides; nothing while locked. On a server the restricted ones come from
    the placeholders the server gives this user (app/cases/placeholders.py)."""
    ensure_unlocked(session)
    if lists_restricted_redacted(session.user) and not (flt and flt.narrows_by_content):
        return with_placeholders(session.user, query, database_proxy.obj)
    return visible(session.user, query)


def _pages(session: Session, flt: BoardFilter, keys: tuple[Key, ...], ids_first: bool = False) -> KeysetPages:
    """The pages of the cards of `flt` in the order of `keys`. `ids_first`: for an order no index
    serves (the urgency of every open case), each page sorts the ids alone, read from the open
    work's index (models.cases.WORK_INDEX) without a case row, and only the page's cards are read
    after it; otherwise one statement reads a page's cards along an index."""
    now = clock.now()
    if ids_first:
        query = _apply(_listable(session, Case.select(Case.id), flt), session, flt, now)
        return KeysetPages(query, keys, lambda rows: _cards_in_order(session, [r[0] for r in rows], now))
    query = _apply(_listable(session, card_select(session.user), flt), session, flt, now)
    return KeysetPages(query, keys, lambda rows: cards_from_rows(session, rows, now))


def _column_keys() -> tuple[Key, ...]:
    return (Key(_due_column(), fill=LAST_DATE), Key(Case.received_at), Key(Case.id))


def board(session: Session, flt: BoardFilter | None = None, per_column: int = PAGE_SIZE) -> list[Column]:
    """One column per open state with its total and the most urgent `per_column` cards.

    Three queries whatever the number of cases: the totals by state (kept: models.case_tally), the
    ids of every column's first page at once (a top-N per state on the open work's index), and
    their cards."""
    flt = replace(flt or BoardFilter(), states=(), include_final=False)
    now = clock.now()
    counts = state_counts(session, flt)
    parts = []
    for index, state in enumerate(BOARD_STATES):  # each column's first page, sorted apart
        column = replace(flt, states=(state,))
        first = _apply(_listable(session, Case.select(Case.id), column), session, column, now)
        first = first.order_by(*[k.column(is_sqlite(database_proxy.obj)).asc() for k in _column_keys()])
        inner = first.limit(per_column).alias(f"column{index}")
        parts.append(peewee.Select(from_list=[inner], columns=[inner.c.id]).bind(database_proxy))
    ids = [row[0] for row in raw_rows(reduce(operator.add, parts))]
    cards = _cards_in_order(session, ids, now)
    by_state: dict[str, list[CaseCard]] = {}
    for card in cards:
        by_state.setdefault(card.state, []).append(card)
    return [
        Column(state, STATE_LABELS[state], counts.get(state, 0), by_state.get(state, []))
        for state in BOARD_STATES
    ]


def column_pages(session: Session, state: str, flt: BoardFilter | None = None) -> KeysetPages:
    """The cards of one column, most urgent first, page after page (`next_page(limit)`)."""
    return _pages(session, replace(flt or BoardFilter(), states=(state,)), _column_keys())


# Columns the case list sorts by (in the database, so paging stays a database matter). Names are not
# among them: in shared mode they are sealed, and no index could serve them.
SORT_COLUMNS = ("case_no", "received_at", "severity", "state", "deadline")


def _sort_key(column: str, descending: bool, shown: peewee.Node | None = None) -> Key:
    if column == "case_no":
        return Key(Case.case_no, descending)
    if column == "received_at":
        return Key(Case.received_at, descending)
    if column == "severity":
        ranks = [(key, rank) for rank, key in enumerate(SEVERITIES)]
        rank = peewee.Case(Case.severity, ranks, len(SEVERITIES))
        if shown is not None:  # a placeholder's severity is not shown: it sorts as none
            rank = peewee.Case(None, [(shown, rank)], len(SEVERITIES))
        return Key(rank, descending)
    if column == "state":
        ranks = [(key, rank) for rank, key in enumerate(STATE_LABELS)]
        return Key(peewee.Case(Case.state, ranks, len(STATE_LABELS)), descending)
    if column == "deadline":
        return Key(_clock_due(), descending, FIRST_DATE if descending else LAST_DATE)
    raise ValueError(f"unknown sort column {column!r}")


def list_keys(order: str = "newest", descending: bool = False, shown: peewee.Node | None = None) -> tuple[Key, ...]:
    """Sort keys of the case list: "newest" first, "urgency" (running clocks by due date, overdue
    first; cases on hold and those without a clock after them), or one of SORT_COLUMNS, ascending
    unless `descending` (cases without a deadline last either way; ties newest first). Every order
    ends in the case id, so it is total and a page can continue after any row. `shown`: the rows
    the user may open (app.cases.visibility); the others, listed as placeholders, sort as if they
    had no severity."""
    newest = (Key(Case.received_at, True), Key(Case.id, True))
    if order == "urgency":
        return (Key(Case.on_hold), Key(_clock_due(), fill=LAST_DATE), Key(Case.received_at), Key(Case.id))
    if order == "newest":
        return newest
    key = _sort_key(order, descending, shown)
    if order == "case_no":  # unique: the index alone orders the list
        return (key, Key(Case.id, descending))
    if order == "received_at":
        return (key, Key(Case.id, descending))
    if order == "deadline":
        return (Key(Case.on_hold), key, *newest)
    return (key, *newest)


def case_pages(
    session: Session, flt: BoardFilter | None = None, order: str = "newest", descending: bool = False
) -> KeysetPages:
    """The case list in the order of `list_keys(order, descending)`, page after page."""
    flt = flt or BoardFilter(include_final=True)
    shown = visible_condition(session.user) if order == "severity" else None
    return _pages(session, flt, list_keys(order, descending, shown), ids_first=order == "urgency")


def case_list(
    session: Session,
    flt: BoardFilter | None = None,
    limit: int = PAGE_SIZE,
    order: str = "newest",
    descending: bool = False,
) -> list[CaseCard]:
    """The first `limit` cards of the case list (`case_pages` for the pages after it)."""
    return case_pages(session, flt, order, descending).next_page(limit)


def case_count(session: Session, flt: BoardFilter | None = None) -> int:
    """How many cases the list of `flt` holds for this user (kept counts where the filter allows)."""
    return sum(state_counts(session, flt or BoardFilter(include_final=True)).values())


def _only_by_state(flt: BoardFilter) -> bool:
    return not (
        flt.narrows_by_content
        or flt.overdue_only
        or flt.mine
        or flt.queue
        or flt.received_from is not None
        or flt.received_to is not None
    )


def state_counts(session: Session, flt: BoardFilter) -> dict[str, int]:
    """Cases per state in the list of `flt` for this user. A filter by state alone is read from the
    kept counts (models.case_tally): every case, or the unrestricted ones plus the few restricted
    ones the user may see; any other filter counts live."""
    ensure_unlocked(session)
    db = database_proxy.obj
    if not (_only_by_state(flt) and case_tally.kept(db)):
        query = filtered(session, flt, Case.select(Case.state, peewee.fn.COUNT(Case.id)))
        return dict(query.group_by(Case.state).tuples())
    states = list(flt.states) if flt.states else (None if flt.include_final else list(BOARD_STATES))
    user = session.user
    scope = visibility(user)
    if scope.all_cases or lists_restricted_redacted(user):
        return case_tally.counts(db, states)
    counts = case_tally.counts(db, states, restricted=False) if scope.unrestricted else {}
    rest = Case.select(Case.state, peewee.fn.COUNT(Case.id)).where(visible_condition(user))
    if scope.unrestricted:  # the literal matches the partial index of restricted cases
        rest = rest.where(Case.restricted == peewee.SQL("1"))
    if states is not None:
        rest = rest.where(Case.state.in_(states))
    for state, count in rest.group_by(Case.state).tuples():
        counts[state] = counts.get(state, 0) + count
    return counts


def filtered(session: Session, flt: BoardFilter, query: peewee.ModelSelect) -> peewee.ModelSelect:
    """A Case query narrowed to what the user may list and to the filter (for counts by group)."""
    return _apply(_listable(session, query, flt), session, flt, clock.now())


def cards_for(session: Session, case_ids: list[int]) -> list[CaseCard]:
    """Cards for given ids (search results) the user may list, in the given order."""
    return _cards_in_order(session, case_ids, clock.now())


def _cards_in_order(session: Session, case_ids: list[int], now: datetime) -> list[CaseCard]:
    if not case_ids:
        return []
    ids = peewee.NodeList((Case.id, peewee.SQL(in_list("", len(case_ids)), case_ids)))
    rows = {r[0]: r for r in raw_rows(_listable(session, card_select(session.user)).where(ids))}
    return cards_from_rows(session, [rows[i] for i in case_ids if i in rows], now)


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
    shown = visible_condition(session.user)
    for key in wanted:
        flt = QUEUE_FILTERS[key][1]
        condition = reduce(operator.and_, _conditions(session, flt, now))
        if flt.narrows_by_content and shown is not None:  # as its list: no placeholders
            condition &= shown
        sums.append(peewee.fn.SUM(peewee.Case(None, [(condition, 1)], 0)))
    query = _listable(session, Case.select(*sums)).where(Case.state.in_(list(BOARD_STATES)))
    row = query.tuples().get()
    return [
        QueueCount(key, QUEUE_FILTERS[key][0], int(count or 0), QUEUE_FILTERS[key][1])
        for key, count in zip(wanted, row, strict=True)
    ]
