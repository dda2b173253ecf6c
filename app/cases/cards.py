"""Case cards: the one row a board, list or search result shows per case, read as plain tuples.

`card_select(user)` is the joined SELECT of everything a card shows (callers add their filter and
order); `cards_from_rows` turns its rows into `CaseCard`s without building a model object per
row. Restricted cases the viewer may not open become redacted cards (受限案件): the number, state,
received time and deadline, nothing else (on a server the placeholder rows carry nothing else:
app/cases/placeholders.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

import peewee

from app.cases.states import STATE_LABELS, AssignmentState
from app.cases.visibility import visible_condition
from app.deadlines.case_clocks import case_status
from app.deadlines.rules import DeadlineStatus
from app.policy import Actor, sees_handling, sees_identifiers
from app.session import Session
from app.validation import SEVERITIES, mask_name
from app.write_path import CaseFactsData
from models.accounts import User
from models.cases import Assignment, Case, CaseAccess, CaseText, Category, Complainant
from models.database import database_proxy
from models.fields import CONTENT_PREFIX
from models.organisation import Department

REDACTED = "受限案件"


@dataclass(frozen=True, slots=True)
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


# The columns of card_select, in order; cards_from_rows reads rows by these positions.
_FIELDS = (
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
)
WIDTH = len(_FIELDS) + 5  # …, complainant, category, officer, visit department, shown


def card_select(user: Actor) -> peewee.ModelSelect:
    """Everything a card shows, joined, plus whether `user` may open the case (else redacted)."""
    Officer = User.alias()
    VisitDept = Department.alias()
    shown = visible_condition(user, per_row=True)
    return (
        Case.select(
            *_FIELDS,
            Complainant.name,
            Category.name,
            Officer.display_name,
            VisitDept.name,
            peewee.Value(1) if shown is None else peewee.Case(None, [(shown, 1)], 0),
        )
        .join(Complainant, peewee.JOIN.LEFT_OUTER, on=(Case.complainant == Complainant.id))
        .switch(Case)
        .join(Category, peewee.JOIN.LEFT_OUTER, on=(Case.category == Category.id))
        .switch(Case)
        .join(Officer, peewee.JOIN.LEFT_OUTER, on=(Case.officer == Officer.id))
        .switch(Case)
        .join(VisitDept, peewee.JOIN.LEFT_OUTER, on=(Case.visit_department == VisitDept.id))
    )


def in_list(column: str, count: int) -> str:
    """`column IN (?, ?, …)` with `count` parameters, written directly (a page's ids)."""
    marks = ", ".join([database_proxy.obj.param] * count)
    return f"{column} IN ({marks})"


def _departments(ids: list[int]) -> dict[int, list[str]]:
    """The departments a case is (or was, unless returned) routed to, in routing order."""
    depts: dict[int, list[str]] = {}
    param = database_proxy.obj.param
    sql = (
        f'SELECT a.case_id, d.name FROM "{Assignment._meta.table_name}" AS a '
        f'JOIN "{Department._meta.table_name}" AS d ON d.id = a.department_id '
        f"WHERE {in_list('a.case_id', len(ids))} AND a.state <> {param} ORDER BY a.id"
    )
    for case_id, name in database_proxy.execute_sql(sql, [*ids, AssignmentState.RETURNED.value]).fetchall():
        depts.setdefault(case_id, []).append(name)
    return depts


def _named_on_restricted(case_ids: list[int]) -> dict[int, frozenset[int]]:
    """The officers named on each restricted case (the policy's `named_user_ids`, less the officer)."""
    named: dict[int, set[int]] = {}
    if case_ids:
        sql = f'SELECT case_id, user_id FROM "{CaseAccess._meta.table_name}" WHERE {in_list("case_id", len(case_ids))}'
        for case_id, user_id in database_proxy.execute_sql(sql, case_ids).fetchall():
            named.setdefault(case_id, set()).add(user_id)
    return {case_id: frozenset(users) for case_id, users in named.items()}


def _summaries(case_ids: list[int]) -> dict[int, str]:
    """The first 80 characters of the narrative of each case shown (read from case_text for the
    page's cards only: the lists and their sorts never touch the long texts)."""
    if not case_ids:
        return {}
    sql = (
        f"SELECT case_id, CASE WHEN SUBSTR(content, 1, {len(CONTENT_PREFIX)}) = '{CONTENT_PREFIX}' THEN content"
        f' ELSE SUBSTR(content, 1, 80) END FROM "{CaseText._meta.table_name}"'
        f" WHERE {in_list('case_id', len(case_ids))}"
    )  # a restricted case's sealed text whole: it opens only whole (models/sealed_content.py)
    rows = database_proxy.execute_sql(sql, case_ids).fetchall()
    return {case_id: _CONTENT(text)[:80] if text else text for case_id, text in rows}


# Raw column values → Python values (SQLite returns text dates and 0/1; sealed names are opened).
_DATETIME = Case.received_at.python_value
_DATE = Case.accept_due.python_value
_NAME = Complainant.name.python_value
_CONTENT = CaseText.content.python_value  # opens a restricted case's sealed text for a holder


def cards_from_rows(session: Session, rows: Sequence[tuple], now: datetime) -> list[CaseCard]:
    """Cards of raw `card_select` rows (extra columns after WIDTH are ignored), in row order."""
    if not rows:
        return []
    user = session.user
    depts = _departments([r[0] for r in rows])
    named = _named_on_restricted([r[0] for r in rows if r[6]])
    summaries = _summaries([r[0] for r in rows if r[WIDTH - 1]])
    statuses: dict[tuple, DeadlineStatus | None] = {}  # many cards share a due date: count once
    today = now.date()
    cards = []
    for r in rows:
        (case_id, case_no, state, version, received_at, severity, restricted, on_hold, hold_since) = r[:9]
        (paused, escalated_at, flagged, accept_due, reply_due, provisional, officer_id) = r[9:16]
        (registered_by, night, registered_at, name, category, officer, visit_dept, shown) = r[16:WIDTH]
        restricted, on_hold = bool(restricted), bool(on_hold)
        clock_key = (state, accept_due, reply_due, provisional, hold_since if on_hold else None, paused)
        if clock_key not in statuses:
            statuses[clock_key] = case_status(
                SimpleNamespace(
                    state=state,
                    accept_due=_DATE(accept_due),
                    reply_due=_DATE(reply_due),
                    due_provisional=bool(provisional),
                    on_hold=on_hold,
                    hold_since=_DATETIME(hold_since),
                    paused_workdays=paused,
                ),
                now,
            )
        if not shown:
            cards.append(_placeholder(case_id, case_no, state, received_at, statuses[clock_key], on_hold))
            continue
        case_facts = CaseFactsData(
            case_id,
            restricted,
            registered_by,
            _DATETIME(registered_at).date(),
            bool(night),
            state,
            named.get(case_id, frozenset()) | ({officer_id} if officer_id else set()),
        )
        name = _NAME(name) or ""
        cards.append(
            CaseCard(
                id=case_id,
                case_no=case_no,
                state=state,
                state_label=STATE_LABELS[state],
                version=version,
                received_at=_DATETIME(received_at),
                complainant=name if sees_identifiers(user, case_facts, today) else mask_name(name),
                category=category or "未分类",
                departments=("、".join(dict.fromkeys(depts.get(case_id, []))) or (visit_dept or ""))
                if sees_handling(user, case_facts)
                else "",
                severity=severity,
                severity_label=SEVERITIES[severity],
                officer=officer or "",
                deadline=statuses[clock_key],
                restricted=restricted,
                redacted=False,
                on_hold=on_hold,
                escalated=escalated_at is not None,
                flagged=bool(flagged),
                summary=summaries.get(case_id, ""),
            )
        )
    return cards


def _placeholder(
    case_id: int, case_no: str, state: str, received_at: object, deadline: DeadlineStatus | None, on_hold: bool
) -> CaseCard:
    """The redacted card of a restricted case the viewer may not open: the workload and its
    deadline, nothing of the content, its handling or its people."""
    return CaseCard(
        id=case_id,
        case_no=case_no,
        state=state,
        state_label=STATE_LABELS[state],
        version=0,
        received_at=_DATETIME(received_at),
        complainant="",
        category=REDACTED,
        departments="",
        severity="",
        severity_label="",
        officer="",
        deadline=deadline,
        restricted=True,
        redacted=True,
        on_hold=on_hold,
        escalated=False,
        flagged=False,
        summary="",
    )


def raw_rows(query: peewee.Query) -> list[tuple]:
    """The rows of `query` as the driver returns them (no per-row conversion or model objects)."""
    return database_proxy.execute_sql(*query.sql()).fetchall()
