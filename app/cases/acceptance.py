"""受理 (accept), 不予受理 (reject) and 当场解决 (resolve on the spot): what happens to a registered
case first. Each is one `case_operation` (policy, state, lock, timeline, audit); the timeline wording
is here too, for the services and the demo's bulk replay (`app/demo/replay.py`)."""

from __future__ import annotations

from datetime import date

from app import clock, dictionaries
from app.cases import handling, major, promises
from app.cases.states import State
from app.session import Session
from app.validation import clean_note, validate_choice
from app.write_path import case_operation

ON_SPOT_SUMMARY = "当场解决，待销项"


def accepted_summary(reply_due: date, provisional: bool) -> str:
    return f"受理投诉，答复期限 {reply_due:%Y-%m-%d}" + ("（暂定）" if provisional else "")


def rejected_summary(reason_text: str) -> str:
    return f"不予受理：{reason_text}"


def accept(session: Session, case_id: int, note: str = "", expected_version: int | None = None) -> None:
    """受理: the office takes the case over (including a night-duty intake the next morning)."""
    with case_operation(session, case_id, "accept", expected_version=expected_version) as op:
        note = clean_note(note)
        op.case.state = State.ACCEPTED
        if op.case.officer_id is None:
            op.case.officer = session.user.id
        promises.update(op, "accepted")
        op.event(accepted_summary(op.case.reply_due, op.case.due_provisional), note)
        if major.is_major(op.case):
            major.restrict_if_configured(op)


def reject(
    session: Session, case_id: int, reason_code: str, note: str = "", expected_version: int | None = None
) -> None:
    """不予受理, with one of the configured reason codes."""
    with case_operation(session, case_id, "reject", expected_version=expected_version) as op:
        reasons = {r.code: r.text for r in dictionaries.rejection_reasons()}
        validate_choice(reason_code, reasons, field="reject_reason", label="不予受理理由")
        note = clean_note(note)
        op.case.state = State.REJECTED
        op.case.reject_reason = reason_code
        op.case.closed_at = clock.now()
        op.case.closed_by = session.user.id
        op.event(rejected_summary(reasons[reason_code]), note)
        op.detail["reason"] = reason_code


def resolve_on_spot(
    session: Session, case_id: int, resolution: str, expected_version: int | None = None
) -> None:
    """当场解决 (首诉负责制): registered → awaiting sign-off, with the resolution recorded."""
    with case_operation(session, case_id, "resolve_on_spot", expected_version=expected_version) as op:
        resolution = clean_note(resolution, "处理情况", required=True)
        op.case.state = State.AWAITING_SIGN_OFF
        handling.store(case_id, resolution=resolution)
        op.case.officer = op.case.officer_id or session.user.id
        op.event(ON_SPOT_SUMMARY, resolution)
