"""投诉事项: a complaint with several issues, each with its category, department and finding; the
derived case finding and its override; the counting rule; who may do what, in which state."""

from __future__ import annotations

import pytest

from app.cases import acceptance, issues, reply, routing, views
from app.cases.issues import IssueInput, derive_finding
from app.cases.states import State
from app.errors import PermissionDenied, TransitionError, ValidationError
from models.cases import Assignment, Case, CaseIssue, Category, FindingOverride
from models.organisation import Department
from tests.support.desk import Desk

from .conftest import audit_count, case_data, last_audit, timeline

CALL_BELL = IssueInput(summary="夜间呼叫铃无人应答", category="020202")  # 呼叫响应不及时 → nursing
STOPPED_DRUG = IssueInput(summary="已停用药品仍被计费", category="040101")  # 重复收费 → pricing


def _two_issue_case(desk: Desk, state: str = State.REGISTERED) -> int:
    case_id = desk.register("clerk", issues=[CALL_BELL, STOPPED_DRUG]).case_id
    if state != State.REGISTERED:
        acceptance.accept(desk["officer"], case_id)
    return case_id


def _dept(code: str) -> int:
    return Department.get(Department.code == code).id


@pytest.mark.parametrize(
    ("findings", "derived"),
    [
        ([], ""),
        (["upheld", ""], ""),
        (["upheld", "upheld"], "upheld"),
        (["upheld", "not_upheld"], "partly_upheld"),
        (["partly_upheld", "undetermined"], "partly_upheld"),
        (["not_upheld", "not_upheld"], "not_upheld"),
        (["not_upheld", "undetermined"], "undetermined"),
        (["undetermined"], "undetermined"),
    ],
)
def test_the_case_finding_is_derived_from_the_issues(findings: list[str], derived: str) -> None:
    assert derive_finding(findings) == derived


def test_intake_registers_every_issue_with_its_default_department(desk: Desk) -> None:
    case_id = _two_issue_case(desk)
    rows = issues.issues_of(case_id)
    assert [(i.seq, i.summary, i.category_code, i.department_code) for i in rows] == [
        (1, "夜间呼叫铃无人应答", "020202", "nursing"),
        (2, "已停用药品仍被计费", "040101", "pricing"),
    ]
    assert Case.get_by_id(case_id).category_id == Category.get(Category.code == "020202").id
    first = timeline(case_id)[0]
    assert first.note == "投诉事项：1. 夜间呼叫铃无人应答；2. 已停用药品仍被计费"


def test_a_complaint_without_issues_listed_gets_one_from_its_category(desk: Desk) -> None:
    case_id = desk.register("clerk", category="030201").case_id
    (only,) = issues.issues_of(case_id)
    assert (only.seq, only.summary, only.category_code, only.department_code) == (1, "", "030201", "nursing")
    assert only.title == Category.get(Category.code == "030201").path
    night = desk.register("clerk").case_id  # no category at all: one 未分类 issue
    (blank,) = issues.issues_of(night)
    assert (blank.category_id, blank.department_id, blank.title) == (None, None, "未分类")


def test_several_issues_at_intake_each_need_a_summary(desk: Desk) -> None:
    before = case_data()
    with pytest.raises(ValidationError) as err:
        desk.register("clerk", issues=[CALL_BELL, IssueInput(category="040101")])
    assert err.value.field == "issue_summary" and "事项概述" in str(err.value)
    with pytest.raises(ValidationError, match="最末一级"):
        desk.register("clerk", issues=[CALL_BELL, IssueInput(summary="收费", category="04")])
    assert case_data() == before


def test_add_edit_remove_with_timeline_and_audit(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.register("clerk", category="020202").case_id
    issue_id = issues.add_issue(officer, case_id, STOPPED_DRUG)
    assert last_audit().action == "case.add_issue"
    assert timeline(case_id)[-1].summary == "新增投诉事项2：已停用药品仍被计费"
    assert (
        timeline(case_id)[-1].note == "类别：医疗费用 / 收费问题 / 重复收费或多收费；责任科室：价格管理办公室"
    )

    issues.edit_issue(
        officer, issue_id, IssueInput(summary="停用药品仍计费", category="040101", department="finance")
    )
    row = CaseIssue.get_by_id(issue_id)
    assert (row.summary, row.department_id) == ("停用药品仍计费", _dept("finance"))
    event = timeline(case_id)[-1]
    assert event.summary == "修改投诉事项2" and "概述：已停用药品仍被计费 → 停用药品仍计费" in event.note
    assert "责任科室：价格管理办公室 → 财务科" in event.note

    with pytest.raises(ValidationError, match="没有需要保存的修改"):
        issues.edit_issue(
            officer, issue_id, IssueInput(summary="停用药品仍计费", category="040101", department="finance")
        )

    with pytest.raises(ValidationError, match="删除原因"):
        issues.remove_issue(officer, issue_id, "")
    issues.remove_issue(officer, issue_id, "与事项1重复")
    assert [i.seq for i in issues.issues_of(case_id)] == [1]
    assert timeline(case_id)[-1].summary == "删除投诉事项2：停用药品仍计费"
    assert last_audit().action == "case.remove_issue"
    (first,) = issues.issues_of(case_id)
    with pytest.raises(TransitionError, match="至少保留一个"):
        issues.remove_issue(officer, first.id, "误删")
    # the next issue takes the next number after the last one kept
    issues.add_issue(officer, case_id, IssueInput(summary="药房发错药", category="090102"))
    assert [i.seq for i in issues.issues_of(case_id)] == [1, 2]


def test_removing_the_first_issue_moves_the_case_category(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = _two_issue_case(desk)
    first, _second = issues.issues_of(case_id)
    issues.remove_issue(officer, first.id, "登记错误")
    assert Case.get_by_id(case_id).category_id == Category.get(Category.code == "040101").id


def test_findings_per_issue_derive_the_case_finding(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = _two_issue_case(desk, State.ACCEPTED)
    bell, drug = issues.issues_of(case_id)
    issues.set_finding(officer, bell.id, "upheld", "护理记录显示 40 分钟无人应答")
    assert Case.get_by_id(case_id).finding == ""  # the second issue is still open
    assert timeline(case_id)[-1].summary == "投诉事项1 认定：成立"
    issues.set_finding(officer, drug.id, "not_upheld", "医嘱停用后未再计费，系另一药品")
    case = Case.get_by_id(case_id)
    assert case.finding == "partly_upheld"
    assert timeline(case_id)[-1].summary == "案件结论（由各事项得出）：部分成立"

    view = views.open_case(officer, case_id)
    assert [(i.seq, i.finding_label) for i in view.issues] == [(1, "成立"), (2, "不成立")]
    assert view.case_finding is not None and view.case_finding.label == "部分成立"
    assert not view.case_finding.overridden

    with pytest.raises(ValidationError, match="事项1认定"):
        issues.set_finding(officer, bell.id, "yes")


def test_override_needs_a_reason_and_can_be_withdrawn(desk: Desk) -> None:
    officer, manager = desk["officer"], desk["manager"]
    case_id = _two_issue_case(desk, State.ACCEPTED)
    bell, drug = issues.issues_of(case_id)
    issues.set_finding(officer, bell.id, "upheld")
    issues.set_finding(officer, drug.id, "not_upheld")
    with pytest.raises(ValidationError, match="改定理由"):
        issues.override_finding(manager, case_id, "upheld", "")
    issues.override_finding(manager, case_id, "upheld", "计费问题系护理执行停药医嘱延误所致，整体成立")
    assert Case.get_by_id(case_id).finding == "upheld"
    event = timeline(case_id)[-1]
    assert event.summary == "改定案件结论为“成立”（各事项得出：部分成立）"
    assert event.note.startswith("计费问题")
    finding = issues.case_finding(case_id)
    assert (finding.finding, finding.derived, finding.overridden) == ("upheld", "partly_upheld", True)
    # a later issue finding does not undo the override
    issues.set_finding(officer, drug.id, "undetermined")
    assert Case.get_by_id(case_id).finding == "upheld"

    issues.override_finding(officer, case_id, "", "")
    assert Case.get_by_id(case_id).finding == "partly_upheld"
    assert not FindingOverride.select().exists()
    assert timeline(case_id)[-1].summary == "取消改定，案件结论（由各事项得出）：部分成立"


def test_the_draft_finding_of_a_single_issue_case_is_its_issue_finding(desk: Desk) -> None:
    case_id = desk.new_case(State.DRAFTING)
    reply.save_draft(
        desk["officer"],
        case_id,
        facts="核实",
        finding="upheld",
        resolution="致歉",
        base_revision=reply.current_revision(case_id),
    )
    (only,) = issues.issues_of(case_id)
    assert only.finding == "upheld" and Case.get_by_id(case_id).finding == "upheld"


def test_the_draft_of_a_multi_issue_case_must_agree_with_its_issues(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = _two_issue_case(desk, State.ACCEPTED)
    with pytest.raises(ValidationError, match="2 个投诉事项"):
        reply.save_draft(
            officer,
            case_id,
            facts="核实",
            finding="upheld",
            resolution="致歉",
            base_revision=reply.current_revision(case_id),
        )
    bell, drug = issues.issues_of(case_id)
    issues.set_finding(officer, bell.id, "upheld")
    issues.set_finding(officer, drug.id, "upheld")
    reply.save_draft(
        officer,
        case_id,
        facts="核实",
        finding="upheld",
        resolution="致歉",
        base_revision=reply.current_revision(case_id),
    )
    assert Case.get_by_id(case_id).state == State.DRAFTING
    reply.submit_for_approval(officer, case_id)


def test_issue_routing_moves_a_single_issue_with_its_case(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.register("clerk", category="020202").case_id  # nursing by default
    acceptance.accept(officer, case_id)
    routing.assign(officer, case_id, ["cardiology"], "请核实")
    (only,) = issues.issues_of(case_id)
    assert only.department_code == "cardiology"
    assignment = Assignment.get(Assignment.case == case_id)
    routing.return_assignment(officer, assignment.id, "非本科室", ["nursing"])
    (only,) = issues.issues_of(case_id)
    assert only.department_code == "nursing"


def test_counting_rule_once_in_totals_once_per_category_and_department(desk: Desk) -> None:
    officer = desk["officer"]
    two = _two_issue_case(desk)
    same = desk.register("clerk", category="020202").case_id
    issues.add_issue(officer, same, IssueInput(summary="另一次呼叫无人应答", category="020202"))
    bell = Category.get(Category.code == "020202").id
    drug = Category.get(Category.code == "040101").id
    by_category = issues.cases_per_category(Case.select(Case.id))
    assert by_category[bell] == 2  # both cases, the second once although it has two nursing issues
    assert by_category[drug] == 1
    assert issues.cases_per_department()[_dept("nursing")] == 2
    only_two = issues.cases_per_category(Case.select(Case.id).where(Case.id == two))
    assert only_two == {bell: 1, drug: 1}
    assert issues.issues_per_finding(Case.select(Case.id)) == {"": 4}
    assert set(issues.issues_by_case([two, same])) == {two, same}


def test_who_may_edit_issues_and_findings(desk: Desk) -> None:
    case_id = _two_issue_case(desk, State.ACCEPTED)
    bell, _drug = issues.issues_of(case_id)
    for role in ("clerk", "night_duty", "admin"):
        before, audits = case_data(), audit_count()
        with pytest.raises(PermissionDenied):
            issues.add_issue(desk[role], case_id, STOPPED_DRUG)
        assert case_data() == before and audit_count() == audits + 1
    with pytest.raises(PermissionDenied, match="医患沟通办公室专员"):
        issues.set_finding(desk["manager"], bell.id, "upheld")
    issues.add_issue(desk["manager"], case_id, IssueInput(summary="收费窗口态度差", category="030302"))
    with pytest.raises(PermissionDenied):
        issues.override_finding(desk["clerk"], case_id, "upheld", "理由")


def test_states_in_which_issues_change(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.new_case(State.PENDING_APPROVAL)
    (only,) = issues.issues_of(case_id)
    with pytest.raises(TransitionError, match="待审批"):
        issues.add_issue(officer, case_id, STOPPED_DRUG)
    with pytest.raises(TransitionError, match="待审批"):
        issues.set_finding(officer, only.id, "upheld")
    issues.override_finding(desk["manager"], case_id, "upheld", "主任审批时改定")
    registered = desk.register("clerk").case_id
    (blank,) = issues.issues_of(registered)
    with pytest.raises(TransitionError, match="待受理"):
        issues.set_finding(officer, blank.id, "upheld")


def test_the_intake_roles_see_issues_without_findings_or_questions(desk: Desk) -> None:
    case_id = _two_issue_case(desk, State.ACCEPTED)
    bell, _drug = issues.issues_of(case_id)
    issues.edit_issue(
        desk["officer"],
        bell.id,
        IssueInput(summary=bell.summary, category="020202", questions="当晚值班护士是谁？"),
    )
    issues.set_finding(desk["officer"], bell.id, "upheld", "属实")
    clerk_view = views.open_case(desk["clerk"], case_id)
    assert [i.summary for i in clerk_view.issues] == ["夜间呼叫铃无人应答", "已停用药品仍被计费"]
    assert all(not i.finding and not i.questions and not i.finding_note for i in clerk_view.issues)
    assert clerk_view.case_finding is None
    office_view = views.open_case(desk["officer"], case_id)
    assert office_view.issues[0].questions == "当晚值班护士是谁？"


def test_a_category_named_only_by_a_second_issue_is_never_deleted(desk: Desk) -> None:
    from app import categories

    leaf = categories.add_category(desk["admin"], "0201", "临时护理类别", "nursing")
    desk.register("clerk", issues=[CALL_BELL, IssueInput(summary="输液更换不及时", category=leaf.code)])
    with pytest.raises(ValidationError, match="已有案件使用该类别，不能删除"):
        categories.delete_category(desk["admin"], leaf.code)
    assert Category.get_or_none(Category.code == leaf.code) is not None
