"""The one path for every write (and every audited read): policy → transaction → write → timeline + audit.

    with operation(session, Action.MANAGE_USERS, "user.added", target=name) as op:
        ...write...
        op.detail["roles"] = roles

    with case_operation(session, case_id, "accept", expected_version=v) as op:
        op.case.state = State.ACCEPTED
        op.event("受理投诉", note=...)

    with audited_read(session, Action.VIEW_CASE, case, "case.view"):
        ...read...

Order, for every call: (1) the session must be unlocked; (2) the policy is asked before any input is
validated, so a forbidden call is always refused and its denial audited (`deny`, in its own
transaction); (3) inside the transaction the user row is read again and the policy asked once more,
so an account disabled or demoted by another workstation a moment ago can no longer write; (4) the
write, its timeline events and its audit entry commit together or not at all. Database faults raised
anywhere in the block become typed errors with a Chinese message (`app.db_errors`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app import audit, clock, witness
from app.cases.rules import RULES, state_refusal
from app.db_errors import translated
from app.errors import ConflictError, NotFoundError, PermissionDenied, SessionLockedError, TransitionError
from app.policy import Action, can
from app.session import CurrentUser, Session
from models.accounts import User, UserRole
from models.cases import Attachment, Case, CaseAccess, CaseEvent
from models.chain import GENESIS, event_digest, head_text
from models.database import database_proxy

# -- the policy's view of a case --------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFactsData:
    """The policy's view of a case (app.policy.CaseFacts)."""

    id: int
    restricted: bool
    registered_by_id: int
    registered_on: date
    night_intake: bool
    state: str
    named_user_ids: frozenset[int]


def facts(case: Case) -> CaseFactsData:
    named = frozenset(r.user_id for r in CaseAccess.select(CaseAccess.user).where(CaseAccess.case == case.id))
    if case.officer_id:
        named |= {case.officer_id}
    return CaseFactsData(
        case.id,
        case.restricted,
        case.registered_by_id,
        case.registered_at.date(),
        case.night_intake,
        case.state,
        named,
    )


def load_case(case_id: int) -> Case:
    case = Case.get_or_none(Case.id == case_id)
    if case is None:
        raise NotFoundError("案件不存在")
    return case


# -- permission --------------------------------------------------------------------------------------


class _RefusedInside(Exception):
    """The in-transaction re-check refused: raised to roll the write back, then audited outside."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def ensure_unlocked(session: Session) -> Session:
    """A locked session (idle lock) may not read or write anything until its user signs in again."""
    if session.locked:
        raise SessionLockedError()
    if session.backend == "postgresql" and database_proxy.obj is not session.db:
        # Shared mode: a session's calls run on its own connection, signed in as its own
        # database role (the server's policies apply to that role).
        database_proxy.initialize(session.db)
    return session


def deny(session: Session, action: Action, target: str, reason: str) -> PermissionDenied:
    """Audit a refusal in its own transaction and return the error to raise."""
    with translated(), database_proxy.atomic():
        audit.record(session.user.username, "denied", target, {"action": str(action), "reason": reason})
    witness.refresh(session)
    return PermissionDenied(reason)


def _committed(session: Session) -> None:
    """After the transaction: the user was active, and the audit witness moves to the new entry."""
    session.touch()
    witness.refresh(session)
    from app import restricted_content  # it reads the settings, which write through here

    restricted_content.after_commit()


def require(session: Session, action: Action, case: Any = None, target: str = "") -> None:
    """Raise PermissionDenied (and audit the denial) unless the policy allows the action."""
    ensure_unlocked(session)
    decision = can(session.user, action, case)
    if not decision:
        raise deny(session, action, target, decision.reason)


def check(session: Session, action: Action, case: Case) -> CaseFactsData:
    """Policy check for a case action; a refusal is audited and raised with the policy's reason."""
    case_facts = facts(case)
    require(session, action, case_facts, case.case_no)
    return case_facts


def _stored_user(session: Session) -> CurrentUser:
    """The user as the database says now (another workstation may have disabled or demoted them)."""
    row = User.get_or_none(User.id == session.user.id)
    if row is None:
        return CurrentUser(session.user.id, session.user.username, "", frozenset(), active=False)
    roles = frozenset(r.role for r in UserRole.select(UserRole.role).where(UserRole.user == row.id))
    return CurrentUser(row.id, row.username, row.display_name, roles, row.active, row.must_change_password)


def _recheck(session: Session, action: Action, case: Any) -> None:
    """Inside the transaction: refuse if the stored account no longer allows the action."""
    user = _stored_user(session)
    if not user.active:
        raise _RefusedInside("账户已停用，不能继续操作")
    decision = can(user, action, case)
    if not decision:
        raise _RefusedInside(decision.reason)


# -- non-case writes ---------------------------------------------------------------------------------


@dataclass
class OperationContext:
    target: str
    detail: dict[str, Any] = field(default_factory=dict)


@contextmanager
def operation(
    session: Session, action: Action, audit_action: str, *, target: str = "", case: Any = None
) -> Iterator[OperationContext]:
    """One audited write that is not a case transition (users, settings, departments, calendar...)."""
    require(session, action, case, target)
    ctx = OperationContext(target=target)
    try:
        with translated(), database_proxy.atomic():
            _recheck(session, action, case)
            yield ctx
            audit.record(session.user.username, audit_action, ctx.target, ctx.detail)
    except _RefusedInside as refused:
        raise deny(session, action, target, refused.reason) from None
    _committed(session)


@contextmanager
def audited_read(
    session: Session, action: Action, case: Case, audit_action: str, **detail: Any
) -> Iterator[CaseFactsData]:
    """A read that leaves a trace (opening a case, a stored document, an attachment); yields the
    policy's facts of the case. The audit entry is written once the read succeeded."""
    case_facts = check(session, action, case)
    with translated():
        yield case_facts
        with database_proxy.atomic():
            audit.record(session.user.username, audit_action, case.case_no, detail or None)
    session.touch()
    witness.refresh(session, after_read=True)


# -- case writes -------------------------------------------------------------------------------------


@dataclass
class CaseOperation:
    session: Session
    case: Case
    action: Action
    detail: dict[str, Any] = field(default_factory=dict)
    events: list[tuple[str, str, int | None]] = field(default_factory=list)
    reindex: bool = False
    lifting: bool = False  # the audited lift of the restriction (the only write that unseals, app.restricted_content)

    def event(self, summary: str, note: str = "", attachment: Attachment | None = None) -> None:
        """Queue a timeline entry; written with the case in the same transaction."""
        self.events.append((summary, note, attachment.id if attachment else None))


def _conflict(case_id: int) -> ConflictError:
    current = Case.get_by_id(case_id)
    who = User.get_by_id(current.updated_by_id).display_name
    return ConflictError(who, current.updated_at)


def append_events(case: Case, actor_id: int, events: list[tuple[str, str, int | None]], action: str) -> str:
    """Append timeline entries with the next per-case sequence numbers, each chained to the one
    before it (models/chain.py). Returns the case's new chain head (`models.chain.head_text`), which the
    caller puts in its audit entry (`chain_detail`), so the audit chain vouches for the timeline."""
    last = (
        CaseEvent.select(CaseEvent.seq, CaseEvent.hash)
        .where(CaseEvent.case == case.id)
        .order_by(CaseEvent.seq.desc())
        .first()
    )
    from app import restricted_content  # it reads the settings, which write through here

    events = restricted_content.sealed_events(case, events)
    rows = chained_events(case.id, actor_id, clock.now(), action, events, (last.seq, last.hash) if last else None)
    for row in rows:
        CaseEvent.create(**row)
    newest = (rows[-1]["seq"], rows[-1]["hash"]) if rows else ((last.seq, last.hash) if last else None)
    return head_text(*newest) if newest else ""


def chained_events(
    case_id: int,
    actor_id: int,
    at: datetime,
    action: str,
    events: list[tuple[str, str, int | None]],
    after: tuple[int, str] | None = None,
) -> list[dict[str, Any]]:
    """Timeline rows (field → value) for `events`, numbered and chained after `after` (the case's
    last seq and hash; None for a new case). For writers that insert many rows at once."""
    seq, prev = after or (0, GENESIS)
    rows = []
    for summary, note, attachment_id in events:
        seq += 1
        prev = event_digest(case_id, seq, at, actor_id, action, summary, note, attachment_id, prev)
        rows.append(
            {
                "case": case_id,
                "seq": seq,
                "at": at,
                "actor": actor_id,
                "action": action,
                "summary": summary,
                "note": note,
                "attachment": attachment_id,
                "hash": prev,
            }
        )
    return rows


def chain_detail(detail: dict[str, Any], case_no: str, head: str) -> None:
    """Record a case's timeline head in an audit entry's detail (``{"chain": {case_no: head}}``)."""
    detail.setdefault("chain", {})[case_no] = head


def _locked_case(case_id: int) -> Case:
    """The case row, locked for this transaction (BEGIN IMMEDIATE / SELECT … FOR UPDATE)."""
    query = Case.select().where(Case.id == case_id)
    if database_proxy.obj.for_update:
        query = query.for_update()
    return query.get()


def _finish_case_write(op: CaseOperation, name: str) -> None:
    """Bump the version, then write the case, its timeline events, statistics rows, search index and
    audit entry.

    The row is locked for this transaction, so the version read is still current: bumping it makes
    every other holder of the old one stale (they get a ConflictError instead of overwriting)."""
    case, session = op.case, op.session
    case.version += 1
    case.updated_at = clock.now()
    case.updated_by = session.user.id
    case.save()
    from app import restricted_content  # it reads the settings, which write through here
    from app.statistics import store as stats_store  # it reads the calendar, which writes through here

    restricted_content.settle_timeline(case, op.detail, lifting=op.lifting)  # as the restriction now says
    if op.events:
        chain_detail(op.detail, case.case_no, append_events(case, session.user.id, op.events, name))

    stats_store.refresh(case.id)
    from app.cases import search

    settled = restricted_content.settle(case, lifting=op.lifting, detail=op.detail)
    if not settled and (op.reindex or not search.indexed_where_it_belongs(case)):
        search.index_case(case)
    audit.record(session.user.username, f"case.{name}", case.case_no, op.detail)


@contextmanager
def case_operation(
    session: Session, case_id: int, name: str, *, expected_version: int | None = None
) -> Iterator[CaseOperation]:
    """Run one write on one case under rule `name` (app.cases.rules), also its timeline/audit action id."""
    rule = RULES[name]
    action = rule.action
    with translated():
        first = load_case(case_id)
    check(session, action, first)
    try:
        with translated(), database_proxy.atomic():
            case = _locked_case(case_id)
            _recheck(session, action, facts(case))
            if expected_version is not None and case.version != expected_version:
                raise _conflict(case_id)
            refusal = state_refusal(rule, case.state, case.on_hold)
            if refusal:
                raise TransitionError(refusal)
            op = CaseOperation(session, case, action)
            yield op
            _finish_case_write(op, name)
    except _RefusedInside as refused:
        raise deny(session, action, first.case_no, refused.reason) from None
    _committed(session)


@contextmanager
def consequent_case_write(
    session: Session, case_id: int, name: str, action: Action
) -> Iterator[CaseOperation]:
    """A case change that follows from a non-case operation already running (e.g. a new holiday
    calendar moving a deadline): inside that `operation(...)` block only, whose policy check covers it.

    Locks the row, then bumps the version (other holders of the case get a ConflictError instead of
    overwriting the change), appends the timeline events and audits `case.<name>` in the same
    transaction as the operation. `action` is the operation's policy action."""
    if not database_proxy.in_transaction():
        raise RuntimeError("consequent_case_write must run inside operation(...)")
    op = CaseOperation(session, _locked_case(case_id), action)
    yield op
    _finish_case_write(op, name)
