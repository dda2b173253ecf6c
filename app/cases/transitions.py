"""Lifecycle transitions of DESIGN §4: accept, reject, on-the-spot, draft, approval, reply,
follow-up, sign-off and archive. Each is one `case_operation` (policy, state, lock, timeline, audit)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from app import clock, dictionaries
from app.cases.routing import withdraw_open_assignments
from app.cases.states import (
    CLOSE_KINDS,
    FOLLOWUP_METHODS,
    OPEN_ASSIGNMENT_STATES,
    REPLY_METHODS,
    State,
)
from app.deadlines.case_clocks import recompute_reply_due
from app.errors import TransitionError, ValidationError
from app.session import Session
from app.validation import FINDINGS, SATISFACTIONS, clean_text, validate_amount, validate_choice
from app.write_path import case_operation
from models.cases import Assignment, ExternalRoute, FollowUp

S = State

# Timeline wording: one place for the services and the demo's bulk replay (app/demo/replay.py).
ON_SPOT_SUMMARY = "当场解决，待销项"
SUBMIT_SUMMARY = "提交主任审批"
APPROVE_SUMMARY = "审批通过，待答复投诉人"
RETURN_DRAFT_SUMMARY = "审批退回，请修改处理意见"
ARCHIVE_SUMMARY = "归档"
ROUTE_STATUSES = {"ongoing": "进行中", "concluded": "已结束"}


def accepted_summary(reply_due: date, provisional: bool) -> str:
    return f"受理投诉，答复期限 {reply_due:%Y-%m-%d}" + ("（暂定）" if provisional else "")


def rejected_summary(reason_text: str) -> str:
    return f"不予受理：{reason_text}"


def draft_summary(first: bool) -> str:
    return "开始拟定处理意见" if first else "修改处理意见"


def finding_note(finding: str) -> str:
    return f"投诉是否成立：{FINDINGS[finding]}" if finding else ""


def reply_summary(method: str) -> str:
    return f"已{REPLY_METHODS[method]}投诉人，待回访"


def follow_up_summary(
    method: str, satisfaction: str, outcome: str, reopen_count: int, route_name: str
) -> str:
    """回访 entry: method and satisfaction, then what follows (reopened, external route, sign-off)."""
    summary = f"{FOLLOWUP_METHODS[method]}回访：{SATISFACTIONS[satisfaction]}"
    if outcome == "reopen":
        return summary + f"，重新处理（第 {reopen_count} 次）"
    if outcome == "external":
        summary += f"，投诉人选择{route_name}"
    return summary + "，待销项"


def external_route_summary(route_name: str, status: str) -> str:
    return f"{route_name}：{ROUTE_STATUSES[status]}"


def sign_off_action(kind: str) -> str:
    """The operation (and timeline action) name of a sign-off of this kind."""
    return "sign_off" if kind == "resolved" else "close_unresolvable"


def sign_off_summary(kind: str) -> str:
    return f"销项（{CLOSE_KINDS[kind]}）"


def _note(text: str, label: str = "备注", required: bool = False, max_len: int = 2000) -> str:
    return clean_text(text, field="note", label=label, max_len=max_len, required=required, multiline=True)


def accept(session: Session, case_id: int, note: str = "", expected_version: int | None = None) -> None:
    """受理: the office takes the case over (including a night-duty intake the next morning)."""
    note = _note(note)
    with case_operation(session, case_id, "accept", expected_version=expected_version) as op:
        op.case.state = S.ACCEPTED
        if op.case.officer_id is None:
            op.case.officer = session.user.id
        recompute_reply_due(op.case)
        op.event(accepted_summary(op.case.reply_due, op.case.due_provisional), note)


def reject(
    session: Session, case_id: int, reason_code: str, note: str = "", expected_version: int | None = None
) -> None:
    """不予受理, with one of the configured reason codes."""
    reasons = {r.code: r.text for r in dictionaries.rejection_reasons()}
    validate_choice(reason_code, reasons, field="reject_reason", label="不予受理理由")
    note = _note(note)
    with case_operation(session, case_id, "reject", expected_version=expected_version) as op:
        op.case.state = S.REJECTED
        op.case.reject_reason = reason_code
        op.case.closed_at = clock.now()
        op.case.closed_by = session.user.id
        op.event(rejected_summary(reasons[reason_code]), note)
        op.detail["reason"] = reason_code


def resolve_on_spot(
    session: Session, case_id: int, resolution: str, expected_version: int | None = None
) -> None:
    """当场解决 (首诉负责制): registered → awaiting sign-off, with the resolution recorded."""
    resolution = _note(resolution, "处理情况", required=True)
    with case_operation(session, case_id, "resolve_on_spot", expected_version=expected_version) as op:
        op.case.state = S.AWAITING_SIGN_OFF
        op.case.resolution = resolution
        op.case.officer = op.case.officer_id or session.user.id
        op.event(ON_SPOT_SUMMARY, resolution)


def save_draft(
    session: Session,
    case_id: int,
    *,
    facts: str,
    finding: str,
    resolution: str,
    compensation: Decimal | str | None = None,
    rectification: str = "",
    expected_version: int | None = None,
) -> None:
    """拟定处理意见. Possible once no department reply is outstanding."""
    facts = _note(facts, "调查核实情况", max_len=10000)
    finding = validate_choice(finding, FINDINGS, field="finding", label="投诉是否成立") if finding else ""
    resolution = _note(resolution, "处理意见", max_len=5000)
    amount = validate_amount(compensation, field="compensation", label="赔偿/退费金额", required=False)
    rectification = _note(rectification, "整改措施", max_len=5000)
    with case_operation(session, case_id, "draft", expected_version=expected_version) as op:
        open_assignments = (
            Assignment.select()
            .where((Assignment.case == case_id) & Assignment.state.in_(sorted(OPEN_ASSIGNMENT_STATES)))
            .count()
        )
        if open_assignments:
            raise TransitionError(f"还有 {open_assignments} 个科室未反馈，收到全部反馈后才能拟定答复")
        first = not (op.case.facts or op.case.finding or op.case.resolution)
        op.case.state = S.DRAFTING
        op.case.facts, op.case.finding, op.case.resolution = facts, finding, resolution
        op.case.compensation_amount, op.case.rectification = amount, rectification
        op.event(draft_summary(first), finding_note(finding))
        op.detail["finding"] = finding


def submit_for_approval(session: Session, case_id: int, expected_version: int | None = None) -> None:
    with case_operation(session, case_id, "submit", expected_version=expected_version) as op:
        for value, label in (
            (op.case.facts, "调查核实情况"),
            (op.case.finding, "投诉是否成立"),
            (op.case.resolution, "处理意见"),
        ):
            if not value:
                raise ValidationError("draft", label, "提交审批前必须填写")
        op.case.state = S.PENDING_APPROVAL
        op.event(SUBMIT_SUMMARY)


def approve(session: Session, case_id: int, comment: str = "", expected_version: int | None = None) -> None:
    comment = _note(comment, "审批意见")
    with case_operation(session, case_id, "approve", expected_version=expected_version) as op:
        op.case.state = S.APPROVED
        op.case.approval_comment = comment
        op.event(APPROVE_SUMMARY, comment)


def return_draft(session: Session, case_id: int, comment: str, expected_version: int | None = None) -> None:
    comment = _note(comment, "退回意见", required=True)
    with case_operation(session, case_id, "return_draft", expected_version=expected_version) as op:
        op.case.state = S.DRAFTING
        op.case.approval_comment = comment
        op.event(RETURN_DRAFT_SUMMARY, comment)


def record_reply(
    session: Session,
    case_id: int,
    method: str,
    replied_at: datetime | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> None:
    """答复投诉人 (the 处理结果告知书 is printed separately)."""
    validate_choice(method, REPLY_METHODS, field="reply_method", label="答复方式")
    now = clock.now()
    replied_at = (replied_at or now).replace(microsecond=0)
    if replied_at > now:
        raise ValidationError("replied_at", "答复时间", "不能晚于当前时间")
    note = _note(note)
    with case_operation(session, case_id, "reply", expected_version=expected_version) as op:
        if replied_at < op.case.received_at:
            raise ValidationError("replied_at", "答复时间", "不能早于接待时间")
        op.case.state = S.REPLIED
        op.case.reply_method, op.case.replied_at = method, replied_at
        op.event(reply_summary(method), note)


FOLLOWUP_OUTCOMES = {"sign_off": "报请销项", "reopen": "重新处理", "external": "转外部途径"}


def follow_up(
    session: Session,
    case_id: int,
    *,
    method: str,
    satisfaction: str,
    remarks: str = "",
    outcome: str = "sign_off",
    external_route: str = "",
    expected_version: int | None = None,
) -> None:
    """回访. 不满意 may reopen the case (再处理, counted) or record an external dispute route."""
    validate_choice(method, FOLLOWUP_METHODS, field="followup_method", label="回访方式")
    validate_choice(satisfaction, SATISFACTIONS, field="satisfaction", label="满意度")
    validate_choice(outcome, FOLLOWUP_OUTCOMES, field="outcome", label="回访结论")
    remarks = _note(remarks, "回访情况")
    routes = {r.id: r.name for r in dictionaries.external_routes()}
    if outcome == "external":
        validate_choice(external_route, routes, field="external_route", label="外部途径")
    if outcome != "sign_off" and satisfaction != "dissatisfied":
        raise ValidationError("outcome", "回访结论", "只有投诉人不满意时才能重新处理或转外部途径")
    with case_operation(session, case_id, "follow_up", expected_version=expected_version) as op:
        now = clock.now()
        FollowUp.create(
            case=case_id,
            at=now,
            by=session.user.id,
            method=method,
            satisfaction=satisfaction,
            remarks=remarks,
            outcome=outcome,
        )
        if outcome == "reopen":
            op.case.state = S.IN_PROGRESS
            op.case.reopen_count += 1
        else:
            op.case.state = S.AWAITING_SIGN_OFF
            if outcome == "external":
                ExternalRoute.create(case=case_id, route=external_route, started_at=now, updated_at=now)
        route_name = routes.get(external_route, "")
        op.event(follow_up_summary(method, satisfaction, outcome, op.case.reopen_count, route_name), remarks)
        op.detail.update({"satisfaction": satisfaction, "outcome": outcome})


def update_external_route(session: Session, route_id: int, status: str, outcome: str) -> None:
    """Record the progress or result of an external route (also after sign-off: a new event, no edit)."""
    if status not in ROUTE_STATUSES:
        raise ValidationError("status", "外部途径状态", "请选择进行中或已结束")
    outcome = _note(outcome, "结果", required=status == "concluded")
    route = ExternalRoute.get_or_none(ExternalRoute.id == route_id)
    if route is None:
        raise ValidationError("route", "外部途径", "记录不存在")
    names = {r.id: r.name for r in dictionaries.external_routes()}
    with case_operation(session, route.case_id, "external_route") as op:
        ExternalRoute.update(status=status, outcome=outcome, updated_at=clock.now()).where(
            ExternalRoute.id == route_id
        ).execute()
        op.event(external_route_summary(names.get(route.route, route.route), status), outcome)


def sign_off(
    session: Session,
    case_id: int,
    kind: str = "resolved",
    reason: str = "",
    expected_version: int | None = None,
) -> None:
    """销项 by a manager. 无法处理 (unresolvable) needs a written reason and is possible from any open state."""
    validate_choice(kind, CLOSE_KINDS, field="close_kind", label="销项类型")
    reason = _note(reason, "销项说明", required=kind == "unresolvable")
    name = sign_off_action(kind)
    with case_operation(session, case_id, name, expected_version=expected_version) as op:
        op.case.state = S.CLOSED
        op.case.on_hold, op.case.hold_since = False, None
        withdraw_open_assignments(op)

        op.case.close_kind, op.case.close_reason = kind, reason
        op.case.closed_at, op.case.closed_by = clock.now(), session.user.id
        op.event(sign_off_summary(kind), reason)
        op.detail["kind"] = kind


def archive(session: Session, case_id: int, expected_version: int | None = None) -> None:
    with case_operation(session, case_id, "archive", expected_version=expected_version) as op:
        if op.case.archived:
            raise TransitionError("该案件已归档")
        op.case.archived = True
        op.event(ARCHIVE_SUMMARY)
