"""A complaint walked through the whole lifecycle of DESIGN §4 by each role, and the side paths:
night-duty intake, 当场解决, 不予受理, reopening, external routes, merging, holds, extensions,
escalation, restriction, re-routing and the working-day deadlines of DESIGN §5 (2026 calendar)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from app.cases import (
    acceptance,
    documents,
    follow_up,
    intake,
    overlays,
    reply,
    routing,
    search,
    sign_off,
    views,
    visibility,
)
from app.cases.states import State
from app.deadlines.case_clocks import case_status
from app.errors import PermissionDenied, TransitionError, ValidationError
from models.audit import AuditEntry
from models.cases import Assignment, Case, ExternalRoute, FollowUp
from tests.support.cases import PHONE
from tests.support.desk import Desk

from .conftest import audit_ok, case_data, day, summaries, timeline


def _case(case_id: int) -> Case:
    return Case.get_by_id(case_id)


def _visible_ids(desk: Desk, role: str) -> set[int]:
    return {c.id for c in visibility.visible(desk[role].user, Case.select(Case.id))}


# --------------------------------------------------------------------------- the whole lifecycle


def test_scripted_complaint_walks_the_whole_lifecycle(desk: Desk) -> None:
    clerk, officer, manager = desk["clerk"], desk["officer"], desk["manager"]
    clock = desk.clock
    moments: list[datetime] = []

    def at(text: str) -> None:
        clock.set(datetime.fromisoformat(text))

    # 1. The clerk registers a walk-in complaint on Tuesday 10 March 2026, in office hours.
    at("2026-03-10 09:00")
    reg = intake.register(
        clerk,
        intake_form_for_lifecycle(),
    )
    moments.append(clock.at)
    assert reg.case_no == "YH-2026-000001"
    assert reg.query_code.isdigit() and len(reg.query_code) == 6
    assert reg.accept_due == date(2026, 3, 10)  # a visit in office hours: accepted the same day
    assert not reg.night_intake
    case_id = reg.case_id

    # 2. The officer accepts it: one department so far, 5 working days → Tuesday 17 March.
    at("2026-03-10 09:30")
    acceptance.accept(officer, case_id, "来访人情绪激动，已先行安抚")
    moments.append(clock.at)
    assert _case(case_id).reply_due == date(2026, 3, 17)

    # 3. Sent to two departments: the reply deadline becomes 10 working days → 24 March.
    at("2026-03-10 10:00")
    routing.assign(officer, case_id, ["cardiology", "nursing"], "请说明当日接诊及护理经过")
    moments += [clock.at, clock.at]  # the routing, and the reply date it moves
    case = _case(case_id)
    assert case.state == State.IN_PROGRESS
    assert case.reply_due == date(2026, 3, 24)
    sent = list(Assignment.select().where(Assignment.case == case_id).order_by(Assignment.id))
    assert [a.due for a in sent] == [date(2026, 3, 13)] * 2  # 3 working days after sending

    # 4. Both departments acknowledge the next morning and reply the day after.
    at("2026-03-11 08:40")
    routing.acknowledge(officer, sent[0].id, "周主任")
    moments.append(clock.at)
    routing.acknowledge(officer, sent[1].id, "吴护士长")
    moments.append(clock.at)
    at("2026-03-12 15:00")
    routing.respond(officer, sent[0].id, "接诊医生解释不充分，已批评教育。", "周主任")
    moments.append(clock.at)
    assert _case(case_id).state == State.IN_PROGRESS  # still waiting for 护理部
    at("2026-03-12 16:00")
    routing.respond(officer, sent[1].id, "护士沟通方式欠妥，已组织科室学习。", "吴护士长")
    moments += [clock.at, clock.at]
    assert _case(case_id).state == State.DRAFTING

    # 5. The officer drafts and submits; the manager returns it once with a comment.
    at("2026-03-13 09:00")
    reply.save_draft(
        officer,
        case_id,
        facts="经核实，接诊医生未充分解释检查必要性，护士答复生硬。",
        finding="partly_upheld",
        resolution="向患者致歉并解释诊疗经过。",
        base_revision=0,
    )
    moments.append(clock.at)
    reply.submit_for_approval(officer, case_id)
    moments.append(clock.at)
    at("2026-03-13 11:00")
    reply.return_draft(manager, case_id, "请补充整改措施和退费意见")
    moments.append(clock.at)
    returned = _case(case_id)
    assert returned.state == State.DRAFTING
    assert returned.approval_comment == "请补充整改措施和退费意见"

    # 6. The officer revises and resubmits; the manager approves.
    at("2026-03-13 14:00")
    reply.save_draft(
        officer,
        case_id,
        facts="经核实，接诊医生未充分解释检查必要性，护士答复生硬。",
        finding="partly_upheld",
        resolution="向患者致歉并解释诊疗经过，退还挂号费。",
        refund="¥50.00",
        rectification="心血管内科组织医患沟通培训\n护理部修订门诊服务规范",
        base_revision=1,
    )
    moments.append(clock.at)
    reply.submit_for_approval(officer, case_id)
    moments.append(clock.at)
    at("2026-03-16 09:00")
    reply.approve(manager, case_id, "同意")
    moments.append(clock.at)

    # 7. The reply is given by letter, the follow-up finds the complainant 满意, the manager signs off.
    at("2026-03-16 09:40")
    documents.issue(officer, case_id, "result")  # printed before it is posted
    moments.append(clock.at)
    at("2026-03-16 10:00")
    reply.record_reply(officer, case_id, "letter", note="处理结果告知书已邮寄")
    moments.append(clock.at)
    at("2026-03-20 10:00")
    follow_up.follow_up(
        officer, case_id, method="phone", satisfaction="satisfied", remarks="对处理结果满意"
    )
    moments.append(clock.at)
    at("2026-03-20 16:00")
    sign_off.sign_off(manager, case_id)
    moments.append(clock.at)

    closed = _case(case_id)
    assert closed.state == State.CLOSED
    assert closed.closed_at == datetime(2026, 3, 20, 16, 0)
    assert closed.closed_by_id == desk.user_id("manager")
    assert closed.close_kind == "resolved"
    assert closed.refund_amount == Decimal("50.00") and closed.compensation_amount is None

    # The timeline: seq 1..n, in order, with the right people and times.
    events = timeline(case_id)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e.summary for e in events] == [
        "登记投诉（来访）",
        "受理投诉，答复期限 2026-03-17",
        "转办至 心血管内科、护理部，科室反馈期限 2026-03-13",
        "答复期限调整为 2026-03-24：转办科室变化，答复期限相应调整",
        "心血管内科 已签收（周主任）",
        "护理部 已签收（吴护士长）",
        "心血管内科 已反馈（周主任）",
        "护理部 已反馈（吴护士长）",
        "科室反馈已全部收到，进入拟定答复",
        "开始拟定处理意见",
        "提交主任审批",
        "审批退回，请修改处理意见",
        "修改处理意见",
        "提交主任审批",
        "审批通过，待答复投诉人",
        "出具投诉处理结果告知书",
        "已书面答复投诉人，待回访",
        "电话回访：满意，待销项",
        "销项（已办结）",
    ]
    actors = {
        "clerk": desk.user_id("clerk"),
        "officer": desk.user_id("officer"),
        "manager": desk.user_id("manager"),
    }
    expected_actor = ["clerk"] + ["officer"] * 10 + ["manager", "officer", "officer", "manager"]
    expected_actor += ["officer", "officer", "officer", "manager"]
    assert [e.actor_id for e in events] == [actors[r] for r in expected_actor]
    assert [e.at for e in events] == moments
    assert events[1].note == "来访人情绪激动，已先行安抚"
    assert events[11].note == "请补充整改措施和退费意见"
    assert events[9].note == "投诉是否成立：部分成立\n第 1 版"
    assert events[3].note == ""

    # The audit log holds one record per step, in order, and its hash chain is intact.
    case_audit = [
        (a.actor, a.action)
        for a in AuditEntry.select().where(AuditEntry.target == reg.case_no).order_by(AuditEntry.seq)
    ]
    assert case_audit == [
        ("zhaomin", "case.register"),
        ("linxw", "case.accept"),
        ("linxw", "case.assign"),
        ("linxw", "case.acknowledge"),
        ("linxw", "case.acknowledge"),
        ("linxw", "case.respond"),
        ("linxw", "case.respond"),
        ("linxw", "case.draft"),
        ("linxw", "case.submit"),
        ("chenlx", "case.return_draft"),
        ("linxw", "case.draft"),
        ("linxw", "case.submit"),
        ("chenlx", "case.approve"),
        ("linxw", "case.print"),
        ("linxw", "case.reply"),
        ("linxw", "case.follow_up"),
        ("chenlx", "case.sign_off"),
    ]
    # every write after registration bumped it (issuing a document adds to the timeline only)
    assert closed.version == 1 + len(case_audit) - 2
    audit_ok()

    # The manager's view of the closed case.
    view = views.open_case(manager, case_id)
    assert view.state_label == "已销项"
    assert view.close_kind_label == "已办结"
    assert view.closed_by == "陈立新"
    assert view.officer == "林晓雯"
    assert view.registered_by == "赵敏"
    assert view.finding_label == "部分成立"
    assert view.reply_method_label == "书面答复"
    assert view.deadline is None  # no clock runs after the reply
    assert [f.satisfaction_label for f in view.followups] == ["满意"]
    assert [a.state_label for a in view.assignments] == ["已反馈", "已反馈"]
    assert [t.seq for t in view.timeline] == list(range(len(events), 0, -1))  # newest first

    assert_closed_case_is_read_only(desk, case_id)


def intake_form_for_lifecycle():
    from .conftest import make_form

    return make_form(
        category="010101",
        visit_department="cardiology",
        visit_date=date(2026, 3, 9),
        patient_record_no="mz20260309001",
        complainant_id_number="11010519491231002X",
    )


def assert_closed_case_is_read_only(desk: Desk, case_id: int) -> None:
    """Every write on a closed case is refused with a Chinese TransitionError naming the state;
    a correction is a new timeline event (add_note), never an edit of history."""
    officer, manager = desk["officer"], desk["manager"]
    other = desk.register(content="另一位患者投诉停车难。").case_id
    acceptance.accept(officer, other)
    assignment_id = Assignment.select().where(Assignment.case == case_id).first().id
    writes = {
        "受理": lambda: acceptance.accept(officer, case_id),
        "不予受理": lambda: acceptance.reject(officer, case_id, "out_of_scope"),
        "当场解决": lambda: acceptance.resolve_on_spot(officer, case_id, "已当场解释"),
        "转办": lambda: routing.assign(officer, case_id, ["radiology"]),
        "签收": lambda: routing.acknowledge(officer, assignment_id, "某人"),
        "反馈": lambda: routing.respond(officer, assignment_id, "补充反馈"),
        "退回": lambda: routing.return_assignment(officer, assignment_id, "不是本科室"),
        "拟稿": lambda: reply.save_draft(
            officer,
            case_id,
            facts="改写事实",
            finding="upheld",
            resolution="改写意见",
            base_revision=reply.current_revision(case_id),
        ),
        "提交": lambda: reply.submit_for_approval(officer, case_id),
        "审批": lambda: reply.approve(manager, case_id),
        "退回拟稿": lambda: reply.return_draft(manager, case_id, "再改"),
        "答复": lambda: reply.record_reply(officer, case_id, "phone"),
        "回访": lambda: follow_up.follow_up(officer, case_id, method="phone", satisfaction="satisfied"),
        "暂停": lambda: overlays.hold(officer, case_id, "等材料"),
        "恢复": lambda: overlays.resume(officer, case_id),
        "延期": lambda: overlays.request_extension(officer, case_id, 3, "需要鉴定"),
        "上报": lambda: overlays.escalate(officer, case_id, "媒体关注"),
        "合并": lambda: overlays.merge(officer, case_id, other),
        "附件": lambda: overlays.add_attachment(officer, case_id, "scan.pdf", b"%PDF-1.4"),
        "再次销项": lambda: sign_off.sign_off(manager, case_id),
        "无法处理销项": lambda: sign_off.sign_off(manager, case_id, "unresolvable", "联系不上"),
    }
    before = case_data()
    for name, write in writes.items():
        with pytest.raises(TransitionError) as info:
            write()
        assert "案件当前状态为“已销项”" in info.value.message, name
        assert info.value.message.startswith("案件当前状态"), name
        assert case_data() == before, f"{name} left something behind"
    # Merging another case into the closed one is refused too.
    with pytest.raises(TransitionError, match="已结束，不能合并到它"):
        overlays.merge(officer, other, case_id)
    assert case_data() == before

    # A correction is a new event; the recorded outcome itself is untouched.
    closed = _case(case_id)
    overlays.add_note(officer, case_id, "更正：答复日期应为 3 月 16 日上午")
    after = _case(case_id)
    assert summaries(case_id)[-1] == "补充更正说明"
    assert timeline(case_id)[-1].note == "更正：答复日期应为 3 月 16 日上午"
    for name in ("state", "facts", "finding", "resolution", "closed_at", "closed_by_id", "replied_at"):
        assert getattr(after, name) == getattr(closed, name), name
    assert after.version == closed.version + 1
    # Archiving (retention) is the one lifecycle step left for a closed case, and only once.
    sign_off.archive(manager, case_id)
    assert _case(case_id).archived
    with pytest.raises(TransitionError, match="该案件已归档"):
        sign_off.archive(manager, case_id)
    audit_ok()


# --------------------------------------------------------------------------- night duty


@pytest.mark.parametrize(
    ("received", "accept_due", "morning"),
    [
        ("2026-03-10 23:40", "2026-03-11", "2026-03-11 08:30"),  # Tuesday night → Wednesday
        ("2026-03-13 23:40", "2026-03-16", "2026-03-16 08:30"),  # Friday night → Monday
        ("2026-04-30 23:40", "2026-05-06", "2026-05-06 08:30"),  # eve of 劳动节 → after the holiday
        ("2026-02-14 23:40", "2026-02-24", "2026-02-24 08:30"),  # 调休 Saturday before 春节
    ],
)
def test_night_duty_intake_is_taken_over_the_next_working_morning(
    desk: Desk, received: str, accept_due: str, morning: str
) -> None:
    night = desk["night_duty"]
    desk.clock.set(datetime.fromisoformat(received))
    reg = intake.register(night, _night_form())
    assert reg.night_intake
    assert reg.accept_due == day(accept_due)
    assert summaries(reg.case_id) == ["登记投诉（来电），总值班夜间登记"]

    # The night-duty user sees the case they logged, with full identifiers, and finds it.
    view = views.open_case(night, reg.case_id)
    assert view.night_intake and not view.identifiers_masked
    assert view.complainant_phone == "13600001111"
    assert reg.case_id in _visible_ids(desk, "night_duty")
    assert search.search(night, "急诊留观") == [reg.case_id]
    # ...but no other case.
    other = desk.register(content="白天登记的另一件投诉：急诊留观室空调故障。").case_id
    assert other not in _visible_ids(desk, "night_duty")
    assert search.search(night, "急诊留观") == [reg.case_id]

    # Before the office takes it over, the acceptance clock runs against the next working day.
    desk.clock.set(datetime.fromisoformat(morning))
    status = case_status(_case(reg.case_id), desk.clock.at)
    assert status is not None and status.text == "今日到期" and status.colour == "amber"

    # The officer accepts it the next working morning: from then on night duty no longer sees it.
    acceptance.accept(desk["officer"], reg.case_id)
    assert reg.case_id not in _visible_ids(desk, "night_duty")
    assert search.search(night, "急诊留观") == []
    with pytest.raises(PermissionDenied, match="无权查看该案件"):
        views.open_case(night, reg.case_id)
    assert reg.case_id in _visible_ids(desk, "officer")
    audit_ok()


def _night_form():
    from .conftest import make_form

    return make_form(
        channel="phone",
        content="家属来电：父亲在急诊留观四小时无医生查看，要求立即处理。",
        complainant_name="周海燕",
        complainant_phone="136 0000 1111",
        relation="child",
    )


def test_office_hours_intake_by_night_duty_only_user_is_still_a_night_intake(desk: Desk) -> None:
    """Someone who is only 总值班 always logs a night-duty intake; a clerk who also does night duty
    logs an ordinary one during office hours and a night-duty one after hours."""
    reg = intake.register(desk["night_duty"], _night_form())
    assert reg.night_intake and reg.accept_due == date(2026, 3, 11)
    day_reg = intake.register(desk["multi"], _night_form())
    assert not day_reg.night_intake and day_reg.accept_due == date(2026, 3, 10)
    desk.clock.set(datetime(2026, 3, 10, 20, 15))
    night_reg = intake.register(desk["multi"], _night_form())
    assert night_reg.night_intake and night_reg.accept_due == date(2026, 3, 11)


def test_letter_intake_is_due_for_acceptance_the_next_working_day(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 3, 13, 10, 0))  # Friday
    reg = desk.register(channel="letter", complainant_phone="", complainant_address="江宁区东山街道 12 号")
    assert reg.accept_due == date(2026, 3, 16)


# --------------------------------------------------------------------------- side paths


def test_on_the_spot_resolution_goes_straight_to_sign_off(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.register("clerk").case_id
    with pytest.raises(ValidationError, match="处理情况：不能为空"):
        acceptance.resolve_on_spot(officer, case_id, "  ")
    acceptance.resolve_on_spot(officer, case_id, "当场向患者解释叫号规则并协调优先就诊，患者表示理解。")
    case = _case(case_id)
    assert case.state == State.AWAITING_SIGN_OFF
    assert case.resolution.startswith("当场向患者解释")
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
    assert summaries(case_id)[-1].startswith(f"答复期限调整为 {case.reply_due:%Y-%m-%d}：投诉人对处理结果不满意")

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


def test_hold_pauses_the_clock_and_moves_the_reply_due_date(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.register().case_id
    acceptance.accept(officer, case_id)
    assert _case(case_id).reply_due == date(2026, 3, 17)

    desk.clock.set(datetime(2026, 3, 11, 10, 0))  # Wednesday
    overlays.hold(officer, case_id, "等待患者提供门诊病历复印件")
    case = _case(case_id)
    assert case.on_hold and case.hold_since == datetime(2026, 3, 11, 10, 0)
    assert summaries(case_id)[-1] == "暂停办理（待补充材料），时限暂停计算"

    # While on hold, the clock is frozen at the start of the hold and work is refused.
    desk.clock.set(datetime(2026, 3, 16, 9, 0))  # the next Monday
    status = case_status(case, desk.clock.at)
    assert status is not None and status.paused
    assert status.workdays_left == 4  # as on Wednesday: Thu, Fri, Mon, Tue
    assert status.text == "已暂停（待补充材料），累计暂停 3 个工作日"
    with pytest.raises(TransitionError, match="案件处于待补充材料（暂停）状态，请先恢复办理"):
        routing.assign(officer, case_id, ["cardiology"])
    with pytest.raises(TransitionError, match="案件处于待补充材料（暂停）状态"):
        overlays.hold(officer, case_id, "再次暂停")

    # Resumed on Monday 16 March 10:00: Thu 12, Fri 13, Mon 16 were on hold → due 17 → 20 March.
    desk.clock.set(datetime(2026, 3, 16, 10, 0))
    overlays.resume(officer, case_id, "材料已补齐")
    case = _case(case_id)
    assert not case.on_hold and case.hold_since is None
    assert case.paused_workdays == 3
    assert case.reply_due == date(2026, 3, 20)
    assert summaries(case_id)[-2:] == [
        "恢复办理，暂停 3 个工作日，时限相应顺延",
        "答复期限调整为 2026-03-20：待补充材料期间暂停计算，答复期限相应顺延",
    ]
    with pytest.raises(TransitionError, match="案件没有暂停"):
        overlays.resume(officer, case_id)

    # Two departments later: 10 working days + 3 paused from 10 March = 27 March.
    routing.assign(officer, case_id, ["cardiology", "nursing"])
    assert _case(case_id).reply_due == date(2026, 3, 27)
    audit_ok()


def test_extension_request_and_decision(desk: Desk) -> None:
    officer, manager = desk["officer"], desk["manager"]
    case_id = desk.new_case(State.IN_PROGRESS, departments=1)
    assert _case(case_id).reply_due == date(2026, 3, 17)
    with pytest.raises(ValidationError, match="延期天数：应为 1 至 30 个工作日"):
        overlays.request_extension(officer, case_id, 0, "需要鉴定")
    ext = overlays.request_extension(officer, case_id, 5, "需等待病理会诊结果")
    assert summaries(case_id)[-1] == "申请延期 5 个工作日"
    with pytest.raises(TransitionError, match="已有一项延期申请待审批"):
        overlays.request_extension(officer, case_id, 2, "再申请")
    with pytest.raises(PermissionDenied, match="只有主任/分管院领导可以审批延期"):
        overlays.decide_extension(officer, ext, True)
    assert _case(case_id).reply_due == date(2026, 3, 17)

    overlays.decide_extension(manager, ext, True, "同意")
    case = _case(case_id)
    assert case.extension_workdays == 5
    assert case.reply_due == date(2026, 3, 24)  # 17 March + 5 working days
    assert summaries(case_id)[-1] == "批准延期 5 个工作日，答复期限顺延至 2026-03-24"
    with pytest.raises(TransitionError, match="该延期申请已审批"):
        overlays.decide_extension(manager, ext, False, "撤回")

    # A second request refused: the due date stays; a refusal needs a reason.
    ext2 = overlays.request_extension(officer, case_id, 3, "仍需补充材料")
    with pytest.raises(ValidationError, match="审批意见：不能为空"):
        overlays.decide_extension(manager, ext2, False)
    overlays.decide_extension(manager, ext2, False, "时限已足够")
    assert _case(case_id).reply_due == date(2026, 3, 24)
    assert summaries(case_id)[-1] == "不同意延期"
    assert [(e.workdays, e.state) for e in views.open_case(manager, case_id).extensions] == [
        (5, "approved"),
        (3, "refused"),
    ]
    audit_ok()


def test_escalating_a_major_case_starts_the_twelve_hour_report_clock(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.register(severity="serious").case_id
    assert _case(case_id).escalated_at is None
    desk.clock.set(datetime(2026, 3, 10, 20, 0))
    overlays.escalate(officer, case_id, "患者家属聚集，媒体已到场")
    case = _case(case_id)
    assert case.escalated_at == datetime(2026, 3, 10, 20, 0)
    assert case.severity == "major"
    assert summaries(case_id)[-1] == "按重大投诉上报院领导"
    with pytest.raises(TransitionError, match="该案件已上报"):
        overlays.escalate(officer, case_id, "再次上报")

    report = views.open_case(officer, case_id).external_report
    assert (report.colour, report.text) == ("green", "剩余 12 小时")
    desk.clock.set(datetime(2026, 3, 11, 6, 30))
    report = views.open_case(officer, case_id).external_report
    assert (report.colour, report.text) == ("amber", "剩余 1 小时 30 分钟")
    desk.clock.set(datetime(2026, 3, 11, 9, 0))
    report = views.open_case(officer, case_id).external_report
    assert (report.colour, report.text, report.overdue) == ("red", "已逾期 1 小时", True)
    # The intake roles do not see the handling clock.
    assert views.open_case(desk["clerk"], case_id).external_report is None


def test_a_major_complaint_is_escalated_at_registration(desk: Desk) -> None:
    reg = desk.register("clerk", severity="major")
    case = _case(reg.case_id)
    assert case.escalated_at == desk.clock.at
    assert summaries(reg.case_id) == ["登记投诉（来访）", "重大投诉，已即时上报院领导"]
    report = views.open_case(desk["manager"], reg.case_id).external_report
    assert report.text == "剩余 12 小时"


def test_restricted_case_is_visible_only_to_managers_and_named_officers(desk: Desk) -> None:
    manager = desk["manager"]
    reg = desk.register(
        "clerk", content="举报某科室医生收受红包，要求保密处理。", complainant_phone="13700007777"
    )
    case_id = reg.case_id
    with pytest.raises(ValidationError, match="赵敏 不是办公室专员"):
        overlays.restrict(manager, case_id, True, ["zhaomin"])
    with pytest.raises(PermissionDenied, match="只有主任/分管院领导可以设置保密"):
        overlays.restrict(desk["officer"], case_id, True, ["wangzq"])
    overlays.restrict(manager, case_id, True, ["wangzq"])
    assert summaries(case_id)[-1] == "设为保密案件"
    assert timeline(case_id)[-1].note == "可查看：王志强"

    for role in ("manager", "officer2"):
        assert views.open_case(desk[role], case_id).restricted
        assert case_id in _visible_ids(desk, role)
        assert search.search(desk[role], "收受红包") == [case_id]
    assert search.search(desk["officer2"], "13700007777") == [case_id]
    for role in ("officer", "clerk", "clerk2", "night_duty", "multi", "officer_admin", "admin"):
        with pytest.raises(PermissionDenied, match="^受限案件：无权查看$"):
            views.open_case(desk[role], case_id)
        assert case_id not in _visible_ids(desk, role), role
        assert search.search(desk[role], "收受红包") == [], role
        assert search.search(desk[role], "红包") == [], role
        assert search.search(desk[role], "13700007777") == [], role
        if role != "admin":
            assert intake.find_duplicates(desk[role], phone="13700007777") == [], role

    # The named officer accepts it and works it; lifting the restriction opens it again.
    acceptance.accept(desk["officer2"], case_id)
    overlays.restrict(manager, case_id, False)
    assert summaries(case_id)[-1] == "取消保密"
    assert case_id in _visible_ids(desk, "officer")
    assert views.open_case(desk["clerk"], case_id).case_no == reg.case_no
    audit_ok()


def test_more_than_three_reroutes_flag_the_case(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.new_case(State.IN_PROGRESS, departments=1)
    chain = ["nursing", "radiology", "pharmacy", "laboratory"]
    for count, target in enumerate(chain, start=1):
        current = Assignment.get((Assignment.case == case_id) & (Assignment.state == "sent"))
        routing.return_assignment(officer, current.id, "不属于本科室职责", reroute_to=[target])
        case = _case(case_id)
        assert case.reroute_count == count
        assert case.flagged == (count > 3)
        assert case.reply_due == date(2026, 3, 17)  # still one responsible department
    assert "已退回改派 4 次，提请主任关注" in summaries(case_id)
    assert summaries(case_id)[-1] == "转办至 检验科，科室反馈期限 2026-03-13"
    assert views.open_case(desk["manager"], case_id).flagged
    states = [a.state for a in Assignment.select().where(Assignment.case == case_id).order_by(Assignment.id)]
    assert states == ["returned"] * 4 + ["sent"]
    audit_ok()


def test_returning_the_only_assignment_without_reroute_keeps_the_case_in_progress(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.new_case(State.IN_PROGRESS, departments=2)
    first = Assignment.select().where(Assignment.case == case_id).order_by(Assignment.id).first()
    routing.return_assignment(officer, first.id, "不是本科室")
    case = _case(case_id)
    assert case.state == State.IN_PROGRESS
    assert case.reply_due == date(2026, 3, 17)  # one department left: back to 5 working days
    with pytest.raises(TransitionError, match="该转办已反馈或已退回"):
        routing.respond(officer, first.id, "迟到的反馈")
    with pytest.raises(TransitionError, match="还有 1 个科室未反馈，收到全部反馈后才能拟定答复"):
        reply.save_draft(officer, case_id, facts="a", finding="upheld", resolution="b", base_revision=0)


# --------------------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    ("received", "one_department", "two_departments"),
    [
        ("2026-03-06 10:00", "2026-03-13", "2026-03-20"),  # a Friday
        ("2026-03-10 10:00", "2026-03-17", "2026-03-24"),  # an ordinary Tuesday
        ("2026-04-30 10:00", "2026-05-11", "2026-05-18"),  # 劳动节 5/1–5/5, 调休 Saturday 5/9 counts
        ("2026-02-13 10:00", "2026-02-27", "2026-03-05"),  # 春节: 调休 2/14 and 2/28 count
        ("2026-09-30 10:00", "2026-10-13", "2026-10-20"),  # 国庆节, 调休 Saturday 10/10 counts
        ("2026-12-31 10:00", "2027-01-07", "2027-01-14"),  # into 2027: no official data yet, Mon–Fri
    ],
)
def test_reply_deadline_is_five_working_days_or_ten_with_several_departments(
    desk: Desk, received: str, one_department: str, two_departments: str
) -> None:
    officer = desk["officer"]
    received_at = datetime.fromisoformat(received)
    desk.clock.set(received_at + timedelta(hours=1))
    single = desk.register(received_at=received_at).case_id
    double = desk.register(received_at=received_at).case_id
    for case_id in (single, double):
        acceptance.accept(officer, case_id)
        assert _case(case_id).reply_due == day(one_department)
    routing.assign(officer, single, ["cardiology"])
    routing.assign(officer, double, ["cardiology", "nursing"])
    assert _case(single).reply_due == day(one_department)
    assert _case(double).reply_due == day(two_departments)
    provisional = received.startswith("2026-12")
    assert _case(double).due_provisional == provisional
    assert summaries(single)[1].endswith("（暂定）") == provisional
    # A third department does not lengthen it further.
    routing.assign(officer, double, ["radiology"])
    assert _case(double).reply_due == day(two_departments)


def test_reply_due_never_precedes_receipt_and_is_set_from_acceptance(desk: Desk) -> None:
    officer = desk["officer"]
    received_at = datetime(2026, 3, 9, 16, 0)
    case_id = desk.register(received_at=received_at).case_id
    assert _case(case_id).reply_due is None
    acceptance.accept(officer, case_id)
    due = _case(case_id).reply_due
    assert due is not None and due > received_at.date()
    assert due == date(2026, 3, 16)  # counted from the day after receipt, not from acceptance
    assert case_status(_case(case_id), desk.clock.at).text == "剩余 4 个工作日"


def test_night_intake_after_midnight_counts_from_the_receipt_day(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 3, 14, 0, 30))  # early Saturday morning
    reg = intake.register(desk["night_duty"], _night_form())
    assert reg.accept_due == date(2026, 3, 16)
    desk.clock.set(datetime(2026, 3, 16, 8, 30))
    acceptance.accept(desk["officer"], reg.case_id)
    assert _case(reg.case_id).reply_due == date(2026, 3, 20)  # 5 working days after Saturday 14th


def test_the_phone_number_is_normalised_for_the_record(desk: Desk) -> None:
    reg = desk.register(complainant_phone="+86 139-1234-5678")
    assert views.open_case(desk["officer"], reg.case_id).complainant_phone == PHONE
