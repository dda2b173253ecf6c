"""A complaint walked through the whole lifecycle of DESIGN §4 by each role: intake, 受理, 转办 and
the departments' replies, 拟稿, 审批, 答复, 回访, 销项 and 归档, and a closed case read-only."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.cases import (
    acceptance,
    documents,
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
from app.errors import TransitionError
from models.audit import AuditEntry
from models.cases import Assignment, Case
from tests.support.desk import Desk

from .conftest import audit_ok, case_data, summaries, timeline


def _case(case_id: int) -> Case:
    return Case.get_by_id(case_id)


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
    assert handling.of(case_id).approval_comment == "请补充整改措施和退费意见"

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
    follow_up.follow_up(officer, case_id, method="phone", satisfaction="satisfied", remarks="对处理结果满意")
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
    closed_texts = handling.of(case_id)
    assert closed_texts.facts and closed_texts.resolution
    overlays.add_note(officer, case_id, "更正：答复日期应为 3 月 16 日上午")
    after = _case(case_id)
    assert summaries(case_id)[-1] == "补充更正说明"
    assert timeline(case_id)[-1].note == "更正：答复日期应为 3 月 16 日上午"
    for name in ("state", "finding", "closed_at", "closed_by_id", "replied_at"):
        assert getattr(after, name) == getattr(closed, name), name
    assert handling.of(case_id).facts == closed_texts.facts and handling.of(case_id).resolution == closed_texts.resolution
    assert after.version == closed.version + 1
    # Archiving (retention) is the one lifecycle step left for a closed case, and only once.
    sign_off.archive(manager, case_id)
    assert _case(case_id).archived
    with pytest.raises(TransitionError, match="该案件已归档"):
        sign_off.archive(manager, case_id)
    audit_ok()
