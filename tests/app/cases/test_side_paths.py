"""Side paths of a complaint: 当场解决, 按无法处理销项, 不予受理, 回访不满意 → 再处理 and external routes,
merging a duplicate and linking related cases."""

from __future__ import annotations

import pytest

from app.cases import (
    acceptance,
    follow_up,
    handling,
    intake,
    overlays,
    reply,
    routing,
    sign_off,
    views,
)
from app.cases.states import State
from app.errors import TransitionError, ValidationError
from models.cases import Assignment, Case, ExternalRoute, FollowUp
from tests.support.desk import Desk

from .conftest import audit_ok, summaries, timeline


def _case(case_id: int) -> Case:
    return Case.get_by_id(case_id)


# --------------------------------------------------------------------------- side paths


def test_on_the_spot_resolution_goes_straight_to_sign_off(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.register("clerk").case_id
    with pytest.raises(ValidationError, match="处理情况：不能为空"):
        acceptance.resolve_on_spot(officer, case_id, "  ")
    acceptance.resolve_on_spot(officer, case_id, "当场向患者解释叫号规则并协调优先就诊，患者表示理解。")
    case = _case(case_id)
    assert case.state == State.AWAITING_SIGN_OFF
    assert handling.of(case_id).resolution.startswith("当场向患者解释")
    assert case.officer_id == desk.user_id("officer")
    assert summaries(case_id)[-1] == "当场解决，待销项"
    sign_off.sign_off(desk["manager"], case_id)
    assert _case(case_id).state == State.CLOSED
    assert summaries(case_id)[-1] == "销项（已办结）"
    audit_ok()


def _open_departments_text(case_id: int) -> str:
    from models.organisation import Department

    rows = (
        Assignment.select(Department.name)
        .join(Department)
        .where((Assignment.case == case_id) & (Assignment.state == "withdrawn"))
        .order_by(Assignment.id)
        .tuples()
    )
    return "、".join(name for (name,) in rows)


def test_closing_as_unresolvable_needs_a_written_reason(desk: Desk) -> None:

    manager = desk["manager"]
    case_id = desk.new_case(State.IN_PROGRESS)
    overlays.hold(desk["officer"], case_id, "等待投诉人补充材料")
    with pytest.raises(ValidationError, match="^销项说明：不能为空$"):
        sign_off.sign_off(manager, case_id, "unresolvable", "  ")
    with pytest.raises(TransitionError, match="^案件当前状态为“科室处理中”，不能销项$"):
        sign_off.sign_off(manager, case_id)  # 已办结 only from 待销项
    sign_off.sign_off(manager, case_id, "unresolvable", "投诉人多次联系未果，视为撤回")
    case = _case(case_id)
    assert (case.state, case.close_kind, case.on_hold, case.hold_since) == (
        State.CLOSED,
        "unresolvable",
        False,
        None,
    )
    assert case.close_reason == "投诉人多次联系未果，视为撤回"
    assert summaries(case_id)[-2:] == [
        f"撤回未反馈的转办：{_open_departments_text(case_id)}",
        "销项（无法处理）",
    ]
    assert {a.state for a in Assignment.select().where(Assignment.case == case_id)} <= {
        "withdrawn",
        "responded",
    }
    view = views.open_case(manager, case_id)
    assert view.close_kind_label == "无法处理"
    assert all(a.deadline is None for a in view.assignments), "withdrawn assignments have no clock"
    with pytest.raises(TransitionError, match="^案件当前状态为“待受理”"):
        sign_off.sign_off(manager, desk.register().case_id, "unresolvable", "理由")
    audit_ok()


def test_not_accepted_with_a_reason_code(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.register("clerk").case_id
    with pytest.raises(ValidationError, match="不予受理理由：请从列表中选择"):
        acceptance.reject(officer, case_id, "no_such_reason")
    assert _case(case_id).state == State.REGISTERED
    acceptance.reject(officer, case_id, "authority_handled", "已由 12345 热线转卫健委办理")
    case = _case(case_id)
    assert case.state == State.REJECTED
    assert case.reject_reason == "authority_handled"
    assert case.closed_at == desk.clock.at and case.closed_by_id == desk.user_id("officer")
    assert summaries(case_id)[-1] == "不予受理：已由卫生健康主管部门或信访部门处理"
    assert views.open_case(officer, case_id).reject_reason_text == "已由卫生健康主管部门或信访部门处理"
    with pytest.raises(TransitionError, match="^案件当前状态为“不予受理”，不能受理$"):
        acceptance.accept(officer, case_id)
    audit_ok()


def test_dissatisfied_follow_up_reopens_then_goes_to_an_external_route(desk: Desk) -> None:
    officer, manager = desk["officer"], desk["manager"]
    case_id = desk.new_case(State.REPLIED, departments=1)
    with pytest.raises(ValidationError, match="回访结论：只有投诉人不满意时才能重新处理或转外部途径"):
        follow_up.follow_up(officer, case_id, method="phone", satisfaction="satisfied", outcome="reopen")
    follow_up.follow_up(
        officer,
        case_id,
        method="visit",
        satisfaction="dissatisfied",
        remarks="认为未说明原因",
        outcome="reopen",
    )
    case = _case(case_id)
    assert case.state == State.IN_PROGRESS and case.reopen_count == 1
    assert summaries(case_id)[-2] == "上门回访：不满意，重新处理（第 1 次）"
    # a fresh reply period (10 working days by default) from the reopening, not an overdue clock
    assert summaries(case_id)[-1].startswith(
        f"答复期限调整为 {case.reply_due:%Y-%m-%d}：投诉人对处理结果不满意"
    )

    # 再处理: another department, a new draft, approval and reply.
    routing.assign(officer, case_id, ["medical_affairs"], "请医务部复核")
    assignment = Assignment.select().where(Assignment.case == case_id).order_by(Assignment.id.desc()).first()
    routing.respond(officer, assignment.id, "复核意见：诊疗符合规范。")
    walk_from_drafting(desk, case_id)
    with pytest.raises(ValidationError, match="外部途径：请从列表中选择"):
        follow_up.follow_up(
            officer,
            case_id,
            method="phone",
            satisfaction="dissatisfied",
            outcome="external",
            external_route="x",
        )
    follow_up.follow_up(
        officer,
        case_id,
        method="phone",
        satisfaction="dissatisfied",
        outcome="external",
        external_route="people_mediation",
    )
    case = _case(case_id)
    assert case.state == State.AWAITING_SIGN_OFF and case.reopen_count == 1
    assert summaries(case_id)[-1] == "电话回访：不满意，投诉人选择人民调解，待销项"
    route = ExternalRoute.get(ExternalRoute.case == case_id)
    assert (route.route, route.status) == ("people_mediation", "ongoing")
    assert [f.outcome for f in FollowUp.select().where(FollowUp.case == case_id).order_by(FollowUp.id)] == [
        "reopen",
        "external",
    ]

    with pytest.raises(ValidationError, match="人民调解仍在进行中，销项须写明理由"):
        sign_off.sign_off(manager, case_id)
    sign_off.sign_off(manager, case_id, reason="院内处理完毕，调解结果另行登记")
    # The route's result comes in after sign-off: a new event, no edit of history.
    with pytest.raises(ValidationError, match="结果：不能为空"):
        follow_up.update_external_route(officer, route.id, "concluded", "")
    follow_up.update_external_route(officer, route.id, "concluded", "调解达成协议，补偿 2000 元")
    assert ExternalRoute.get_by_id(route.id).status == "concluded"
    assert summaries(case_id)[-1] == "人民调解：已结束"
    assert _case(case_id).state == State.CLOSED
    view = views.open_case(manager, case_id)
    assert view.reopen_count == 1
    assert [(r.name, r.status) for r in view.external_routes] == [("人民调解", "concluded")]
    audit_ok()


def walk_from_drafting(desk: Desk, case_id: int) -> None:
    from tests.support.cases import draft

    draft(desk["officer"], case_id)
    reply.submit_for_approval(desk["officer"], case_id)
    reply.approve(desk["manager"], case_id)
    reply.record_reply(desk["officer"], case_id, "in_person")


def test_merging_a_duplicate_records_it_on_both_timelines(desk: Desk) -> None:
    officer = desk["officer"]
    first = desk.register("clerk").case_id
    acceptance.accept(officer, first)
    desk.clock.advance(days=1)
    second = desk.register("clerk", complainant_phone="139-1234-5678").case_id
    candidates = intake.find_duplicates(officer, phone="13912345678", exclude_case_id=second)
    assert [(c.case_id, c.matched_on) for c in candidates] == [(first, "电话")]

    with pytest.raises(ValidationError, match="合并目标：不能合并到案件本身"):
        overlays.merge(officer, second, second)
    overlays.merge(officer, second, first, "同一投诉人同一事项")
    merged, target = _case(second), _case(first)
    assert target.state == State.ACCEPTED and target.merged_into_id is None
    assert merged.state == State.MERGED
    assert merged.merged_into_id == first
    assert merged.closed_at == desk.clock.at
    assert summaries(second)[-1] == "作为重复投诉合并至 YH-2026-000001"
    assert summaries(first)[-1] == "合并重复投诉 YH-2026-000002"
    assert timeline(first)[-1].note == "同一投诉人同一事项"
    assert [e.seq for e in timeline(first)] == [1, 2, 3]
    assert views.open_case(officer, second).merged_into == "YH-2026-000001"
    # A merged case cannot be merged again, and nothing can be merged into it.
    third = desk.register("clerk").case_id
    with pytest.raises(TransitionError, match="案件当前状态为“已合并”，不能合并重复投诉"):
        overlays.merge(officer, second, third)
    with pytest.raises(TransitionError, match="目标案件 YH-2026-000002 已结束"):
        overlays.merge(officer, third, second)
    audit_ok()


def test_linking_related_cases(desk: Desk) -> None:
    officer = desk["officer"]
    earlier = desk.new_case(State.CLOSED)
    later = desk.register("clerk", content="同一投诉人就上次处理结果再次投诉。").case_id
    with pytest.raises(ValidationError, match="^关联案件：不能关联案件本身$"):
        overlays.link(officer, later, later)
    overlays.link(officer, later, earlier, "同一投诉人")
    assert summaries(later)[-1] == "关联案件 YH-2026-000001"
    with pytest.raises(TransitionError, match="两案件已关联"):
        overlays.link(officer, later, earlier)
    with pytest.raises(TransitionError, match="两案件已关联"):
        overlays.link(officer, earlier, later)  # the same pair the other way round

    assert views.open_case(officer, later).links == ((earlier, "YH-2026-000001"),)
    assert views.open_case(officer, earlier).links == ((later, "YH-2026-000002"),)
    assert _case(earlier).state == State.CLOSED
    audit_ok()
