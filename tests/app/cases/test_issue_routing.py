"""A two-issue walk-in complaint routed issue by issue to two departments and closed: each 转办单
lists its department's issues and questions, the 处理结果告知书 answers issue by issue, and the
timeline, the issues and the documents agree."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from app.cases import acceptance, documents, follow_up, issues, reply, routing, sign_off
from app.cases.issues import IssueInput
from app.cases.routing import IssueRoute
from app.cases.states import State
from app.errors import ValidationError
from models.cases import Assignment, Case
from models.organisation import Department
from tests.support.desk import Desk

from .conftest import case_data, timeline

BELL = IssueInput(summary="夜间呼叫铃无人应答", category="020202")
DRUG = IssueInput(summary="已停用药品仍被计费", category="040101")


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")


def _routed(desk: Desk) -> tuple[int, list[issues.IssueRecord]]:
    officer = desk["officer"]
    case_id = desk.register("clerk", channel="visit", issues=[BELL, DRUG]).case_id
    acceptance.accept(officer, case_id)
    bell, drug = issues.issues_of(case_id)
    sent = routing.route_issues(
        officer,
        case_id,
        [
            IssueRoute(bell.id, "nursing", "当晚值班护士是谁？\n呼叫记录显示几点应答？"),
            IssueRoute(drug.id, "收费处", "停药医嘱后为何仍计费？"),  # an alias of 财务科
        ],
        "请附相关记录",
    )
    assert sent == ["nursing", "finance"]
    return case_id, issues.issues_of(case_id)


def test_routing_issue_by_issue_sends_each_department_once(desk: Desk) -> None:
    case_id, (bell, drug) = _routed(desk)
    assert (bell.department_code, drug.department_code) == ("nursing", "finance")
    assert drug.questions == "停药医嘱后为何仍计费？"
    assignments = list(Assignment.select().where(Assignment.case == case_id).order_by(Assignment.id))
    assert [Department.get_by_id(a.department_id).code for a in assignments] == ["nursing", "finance"]
    assert Case.get_by_id(case_id).state == State.IN_PROGRESS
    assert timeline(case_id)[-1].summary == "投诉事项分派：事项1 → 护理部；事项2 → 财务科"
    # both departments already have the case: routing again sends nothing and says why
    before = case_data()
    with pytest.raises(ValidationError, match="均已有未反馈的转办"):
        routing.route_issues(desk["officer"], case_id, [IssueRoute(bell.id, "nursing")])
    assert case_data() == before


def test_every_issue_needs_a_department(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.register("clerk", issues=[BELL, DRUG]).case_id
    acceptance.accept(officer, case_id)
    bell, _drug = issues.issues_of(case_id)
    with pytest.raises(ValidationError, match="请为事项1选择责任科室"):
        routing.route_issues(officer, case_id, [IssueRoute(bell.id, "")])
    with pytest.raises(ValidationError, match="请从列表中选择科室"):
        routing.route_issues(officer, case_id, [IssueRoute(bell.id, "不存在的科")])


def test_each_dispatch_note_lists_its_departments_issues(desk: Desk) -> None:
    officer = desk["officer"]
    case_id, _ = _routed(desk)
    nursing = documents.assignment_for(officer, case_id, "nursing")
    finance = documents.assignment_for(officer, case_id, "finance")
    _info, pdf = documents.issue(officer, case_id, "dispatch", assignment_id=nursing)
    text = _text(pdf)
    assert "事项1：夜间呼叫铃无人应答" in text and "当晚值班护士是谁？" in text
    assert "已停用药品" not in text and "停药医嘱后为何仍计费" not in text
    assert "请附相关记录" in text
    _info, pdf = documents.issue(officer, case_id, "dispatch", assignment_id=finance)
    text = _text(pdf)
    assert "事项2：已停用药品仍被计费" in text and "停药医嘱后为何仍计费？" in text
    assert "呼叫铃" not in text


def test_the_result_letter_answers_issue_by_issue(desk: Desk) -> None:
    officer, manager = desk["officer"], desk["manager"]
    case_id, (bell, drug) = _routed(desk)
    for a in Assignment.select().where(Assignment.case == case_id):
        routing.respond(officer, a.id, "已核实。", "科室主任")
    issues.set_finding(officer, bell.id, "upheld", "护理记录显示呼叫后 40 分钟方有护士应答。")
    issues.set_finding(officer, drug.id, "not_upheld", "停药后未再计费，账单所列系另一药品。")
    reply.save_draft(
        officer,
        case_id,
        facts="调取护理记录和费用清单。",
        finding="partly_upheld",
        resolution="向患者致歉。",
        base_revision=reply.current_revision(case_id),
    )
    reply.submit_for_approval(officer, case_id)
    reply.approve(manager, case_id, "同意")
    _info, pdf = documents.issue(officer, case_id, "result")
    text = _text(pdf)
    assert "逐项核实结论" in text
    first, second = text.index("事项1：夜间呼叫铃无人应答"), text.index("事项2：已停用药品仍被计费")
    assert first < text.index("经核实，该事项属实，成立") < second
    assert second < text.index("经核实，该事项与事实不符，不成立")
    assert "护理记录显示呼叫后 40 分钟方有护士应答" in text
    assert "投诉部分成立" in text  # the case finding, derived from the two issues

    reply.record_reply(officer, case_id, "in_person")
    follow_up.follow_up(officer, case_id, method="phone", satisfaction="satisfied")
    sign_off.sign_off(manager, case_id)
    assert Case.get_by_id(case_id).state == State.CLOSED
    summaries = [e.summary for e in timeline(case_id)]
    assert "投诉事项1 认定：成立" in summaries and "案件结论（由各事项得出）：部分成立" in summaries


def test_a_single_issue_letter_keeps_its_one_finding(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.new_case(State.APPROVED)
    _info, pdf = documents.issue(officer, case_id, "result")
    text = _text(pdf)
    assert "逐项核实结论" not in text and "投诉部分成立" in text
