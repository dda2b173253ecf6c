"""回访 (follow-up after the reply) and the external dispute routes (外部途径) a dissatisfied
complainant may take. Each is one `case_operation`; the timeline wording is here too, for the
services and the demo's bulk replay (`app/demo/replay.py`)."""

from __future__ import annotations

from app import clock, dictionaries
from app.cases import promises
from app.cases.states import FOLLOWUP_METHODS, State
from app.errors import ValidationError
from app.session import Session
from app.validation import SATISFACTIONS, clean_note, validate_choice
from app.write_path import case_operation
from models.cases import ExternalRoute, FollowUp

FOLLOWUP_OUTCOMES = {"sign_off": "报请销项", "reopen": "重新处理", "external": "转外部途径"}
ROUTE_STATUSES = {"ongoing": "进行中", "concluded": "已结束"}


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
    with case_operation(session, case_id, "follow_up", expected_version=expected_version) as op:
        validate_choice(method, FOLLOWUP_METHODS, field="followup_method", label="回访方式")
        validate_choice(satisfaction, SATISFACTIONS, field="satisfaction", label="满意度")
        validate_choice(outcome, FOLLOWUP_OUTCOMES, field="outcome", label="回访结论")
        remarks = clean_note(remarks, "回访情况")
        routes = {r.id: r.name for r in dictionaries.external_routes()}
        if outcome == "external":
            validate_choice(external_route, routes, field="external_route", label="外部途径")
        if outcome != "sign_off" and satisfaction != "dissatisfied":
            raise ValidationError("outcome", "回访结论", "只有投诉人不满意时才能重新处理或转外部途径")
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
            op.case.state = State.IN_PROGRESS
            op.case.reopen_count += 1
            promises.reset_for_reopen(op.case, now.date())
        else:
            op.case.state = State.AWAITING_SIGN_OFF
            if outcome == "external":
                ExternalRoute.create(case=case_id, route=external_route, started_at=now, updated_at=now)
        route_name = routes.get(external_route, "")
        op.event(follow_up_summary(method, satisfaction, outcome, op.case.reopen_count, route_name), remarks)
        if outcome == "reopen":
            promises.update(op, "reopen")
        op.detail.update({"satisfaction": satisfaction, "outcome": outcome})


def update_external_route(session: Session, route_id: int, status: str, outcome: str) -> None:
    """Record the progress or result of an external route (also after sign-off: a new event, no edit)."""
    route = ExternalRoute.get_or_none(ExternalRoute.id == route_id)
    if route is None:
        raise ValidationError("route", "外部途径", "记录不存在")
    with case_operation(session, route.case_id, "external_route") as op:
        if status not in ROUTE_STATUSES:
            raise ValidationError("status", "外部途径状态", "请选择进行中或已结束")
        outcome = clean_note(outcome, "结果", required=status == "concluded")
        names = {r.id: r.name for r in dictionaries.external_routes()}
        ExternalRoute.update(status=status, outcome=outcome, updated_at=clock.now()).where(
            ExternalRoute.id == route_id
        ).execute()
        op.event(external_route_summary(names.get(route.route, route.route), status), outcome)
