"""销项 (`sign_off`: the manager closes a case, as 已办结 or 按无法处理销项) and 归档 (archive).
Each is one `case_operation`; the timeline wording is here too, for the services and the demo's
bulk replay (`app/demo/replay.py`)."""

from __future__ import annotations

from app import clock, dictionaries
from app.cases.routing import withdraw_open_assignments
from app.cases.states import CLOSE_KINDS, State
from app.errors import TransitionError, ValidationError
from app.session import Session
from app.validation import clean_note, validate_choice
from app.write_path import case_operation
from models.cases import ExternalRoute

ARCHIVE_SUMMARY = "归档"


def sign_off_action(kind: str) -> str:
    """The operation (and timeline action) name of a sign-off of this kind."""
    return "sign_off" if kind == "resolved" else "close_unresolvable"


def sign_off_summary(kind: str) -> str:
    return f"销项（{CLOSE_KINDS[kind]}）"


def ongoing_routes(case_id: int) -> list[str]:
    """The names of the external routes (人民调解, 诉讼 …) still in progress on the case."""
    names = {r.id: r.name for r in dictionaries.external_routes()}
    rows = ExternalRoute.select(ExternalRoute.route).where(
        (ExternalRoute.case == case_id) & (ExternalRoute.status == "ongoing")
    )
    return [names.get(r.route, r.route) for r in rows.order_by(ExternalRoute.id)]


def sign_off(
    session: Session,
    case_id: int,
    kind: str = "resolved",
    reason: str = "",
    expected_version: int | None = None,
) -> None:
    """销项 by a manager. 无法处理 (unresolvable) needs a written reason and is possible from any open
    state. While an external route (人民调解, 诉讼 …) is in progress, 销项 needs the manager's reason."""
    name = sign_off_action(kind)
    with case_operation(session, case_id, name, expected_version=expected_version) as op:
        validate_choice(kind, CLOSE_KINDS, field="close_kind", label="销项类型")
        ongoing = ongoing_routes(case_id)
        reason = clean_note(reason, "销项说明", required=kind == "unresolvable")
        if ongoing and not reason:
            raise ValidationError(
                "note", "销项说明", f"投诉人的{'、'.join(ongoing)}仍在进行中，销项须写明理由"
            )
        op.case.state = State.CLOSED
        op.case.on_hold, op.case.hold_since = False, None
        withdraw_open_assignments(op)

        op.case.close_kind, op.case.close_reason = kind, reason
        op.case.closed_at, op.case.closed_by = clock.now(), session.user.id
        if ongoing:
            reason = f"{'、'.join(ongoing)}进行中销项，理由：{reason}"
        op.event(sign_off_summary(kind), reason)
        op.detail["kind"] = kind
        op.detail["routes_ongoing"] = ongoing


def archive(session: Session, case_id: int, expected_version: int | None = None) -> None:
    """归档: a closed case is filed away (once)."""
    with case_operation(session, case_id, "archive", expected_version=expected_version) as op:
        if op.case.archived:
            raise TransitionError("该案件已归档")
        op.case.archived = True
        op.event(ARCHIVE_SUMMARY)
