"""The single path for every write: check policy, open one transaction, write, audit.

    with operation(session, Action.MANAGE_USERS, "user.added", target=name) as op:
        ...write...
        op.detail["roles"] = roles

A refusal is itself audited (in its own transaction) and raised as PermissionDenied with the
policy's Chinese reason. Any exception inside the block rolls back the write and its audit entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from app import audit, policy
from app.errors import PermissionDenied
from app.session import Session
from models.database import database_proxy


@dataclass
class OperationContext:
    target: str
    detail: dict[str, Any] = field(default_factory=dict)


def require(session: Session, action: policy.Action, case: Any = None, target: str = "") -> None:
    """Raise PermissionDenied (and audit the denial) unless the policy allows the action."""
    decision = policy.can(session.user, action, case)
    if not decision:
        with database_proxy.atomic():
            audit.record(
                session.user.username, "denied", target, {"action": str(action), "reason": decision.reason}
            )
        raise PermissionDenied(decision.reason)


@contextmanager
def operation(
    session: Session, action: policy.Action, audit_action: str, *, target: str = "", case: Any = None
) -> Iterator[OperationContext]:
    require(session, action, case, target)
    ctx = OperationContext(target=target)
    with database_proxy.atomic():
        yield ctx
        audit.record(session.user.username, audit_action, ctx.target, ctx.detail)
    session.touch()
