"""The single write path for a case: policy → state rule → optimistic lock → write → timeline + audit.

    with case_operation(session, case_id, "accept", expected_version=v) as op:
        op.case.state = State.ACCEPTED
        op.event("受理投诉", note=...)

Everything in the block, the case update (with its version bump), the timeline events and the
audit entry commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import peewee

from app import audit, clock
from app.cases.rules import RULES, state_refusal
from app.errors import ConflictError, NotFoundError, PermissionDenied, TransitionError
from app.policy import Action, can
from app.session import Session
from models.accounts import User
from models.cases import Attachment, Case, CaseAccess, CaseEvent
from models.database import database_proxy


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


def check(session: Session, action: Action, case: Case) -> CaseFactsData:
    """Policy check for a case action; a refusal is audited and raised with the policy's reason."""
    case_facts = facts(case)
    decision = can(session.user, action, case_facts)
    if not decision:
        with database_proxy.atomic():
            audit.record(
                session.user.username,
                "denied",
                case.case_no,
                {"action": str(action), "reason": decision.reason},
            )
        raise PermissionDenied(decision.reason)
    return case_facts


@dataclass
class CaseOperation:
    session: Session
    case: Case
    action: Action
    detail: dict[str, Any] = field(default_factory=dict)
    events: list[tuple[str, str, int | None]] = field(default_factory=list)
    reindex: bool = False

    def event(self, summary: str, note: str = "", attachment: Attachment | None = None) -> None:
        """Queue a timeline entry; written with the case in the same transaction."""
        self.events.append((summary, note, attachment.id if attachment else None))


def _conflict(case_id: int) -> ConflictError:
    current = Case.get_by_id(case_id)
    who = User.get_by_id(current.updated_by_id).display_name
    return ConflictError(who, current.updated_at)


def append_events(case: Case, actor_id: int, events: list[tuple[str, str, int | None]], action: str) -> None:
    """Append timeline entries with the next per-case sequence numbers."""
    if not events:
        return
    last = CaseEvent.select(peewee.fn.MAX(CaseEvent.seq)).where(CaseEvent.case == case.id).scalar() or 0
    at = clock.now()
    for offset, (summary, note, attachment_id) in enumerate(events, start=1):
        CaseEvent.create(
            case=case.id,
            seq=last + offset,
            at=at,
            actor=actor_id,
            action=action,
            summary=summary,
            note=note,
            attachment=attachment_id,
        )


@contextmanager
def case_operation(
    session: Session, case_id: int, name: str, *, expected_version: int | None = None
) -> Iterator[CaseOperation]:
    """Run one write on one case under rule `name` (app.cases.rules), also its timeline/audit action id."""
    rule = RULES[name]
    action = rule.action
    check(session, action, load_case(case_id))
    with database_proxy.atomic():
        query = Case.select().where(Case.id == case_id)
        if database_proxy.obj.for_update:
            query = query.for_update()
        case = query.get()
        if expected_version is not None and case.version != expected_version:
            raise _conflict(case_id)
        refusal = state_refusal(rule, case.state, case.on_hold)
        if refusal:
            raise TransitionError(refusal)
        op = CaseOperation(session, case, action)
        yield op
        # The row is locked for this transaction (BEGIN IMMEDIATE / FOR UPDATE), so the version
        # read above is still current: bumping it makes every other holder of the old one stale.
        case.version += 1
        case.updated_at = clock.now()
        case.updated_by = session.user.id
        case.save()
        append_events(case, session.user.id, op.events, name)
        if op.reindex:
            from app.cases import search

            search.index_case(case)
        audit.record(session.user.username, f"case.{name}", case.case_no, op.detail)
    session.touch()
