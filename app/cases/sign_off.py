"""销项 (`sign_off`: the manager closes a case, as 已办结 or 按无法处理销项) and 归档 (archive).
Each is one `case_operation`; the timeline wording is here too, for the services and the demo's
bulk replay (`app/demo/replay.py`)."""

from __future__ import annotations

from app import clock
from app.cases.routing import withdraw_open_assignments
from app.cases.states import CLOSE_KINDS, State
from app.errors import TransitionError
from app.session import Session
from app.validation import clean_note, validate_choice
from app.write_path import case_operation

ARCHIVE_SUMMARY = "归档"


def sign_off_action(kind: str) -> str:
    """The operation (and timeline action) name of a sign-off of this kind."""
    return "sign_off" if kind == "resolved" else "close_unresolvable"


def sign_off_summary(kind: str) -> str:
    return f"销项（{CLOSE_KINDS[kind]}）"


def sign_off(
    session: Session,
    case_id: int,
    kind: str = "resolved",
    reason: str = "",
    expected_version: int | None = None,
) -> None:
    """销项 by a manager. 无法处理 (unresolvable) needs a written reason and is possible from any open state."""
    name = sign_off_action(kind)
    with case_operation(session, case_id, name, expected_version=expected_version) as op:
        validate_choice(kind, CLOSE_KINDS, field="close_kind", label="销项类型")
        reason = clean_note(reason, "销项说明", required=kind == "unresolvable")
        op.case.state = State.CLOSED
        op.case.on_hold, op.case.hold_since = False, None
        withdraw_open_assignments(op)

        op.case.close_kind, op.case.close_reason = kind, reason
        op.case.closed_at, op.case.closed_by = clock.now(), session.user.id
        op.event(sign_off_summary(kind), reason)
        op.detail["kind"] = kind


def archive(session: Session, case_id: int, expected_version: int | None = None) -> None:
    """归档: a closed case is filed away (once)."""
    with case_operation(session, case_id, "archive", expected_version=expected_version) as op:
        if op.case.archived:
            raise TransitionError("该案件已归档")
        op.case.archived = True
        op.event(ARCHIVE_SUMMARY)
