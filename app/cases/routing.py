"""转办: sending a case to departments, their acknowledgement and reply, returns and re-routing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app import clock
from app.cases import promises
from app.cases.states import OPEN_ASSIGNMENT_STATES, AssignmentState, State
from app.deadlines.case_clocks import assignment_due
from app.departments import active_department_id
from app.errors import NotFoundError, TransitionError, ValidationError
from app.rectification import recurrence
from app.session import Session
from app.validation import clean_text
from app.write_path import CaseOperation, case_operation
from models.cases import Assignment, CaseIssue
from models.organisation import Department

REROUTE_FLAG_AFTER = 3

# Timeline wording: one place for the services and the demo's bulk replay (app/demo/replay.py).
ALL_RESPONDED_SUMMARY = "科室反馈已全部收到，进入拟定答复"


def assigned_summary(department_names: list[str], due: date) -> str:
    return f"转办至 {'、'.join(department_names)}，科室反馈期限 {due:%Y-%m-%d}"


def acknowledged_summary(department: str, by_name: str) -> str:
    return f"{department} 已签收" + (f"（{by_name}）" if by_name else "")


def responded_summary(department: str, responder: str) -> str:
    return f"{department} 已反馈" + (f"（{responder}）" if responder else "")


def returned_summary(department: str) -> str:
    return f"{department} 退回转办"


def flagged_summary(reroute_count: int) -> str:
    return f"已退回改派 {reroute_count} 次，提请主任关注"


def _text(value: str, field: str, label: str, required: bool = False, max_len: int = 5000) -> str:
    return clean_text(value, field=field, label=label, max_len=max_len, required=required, multiline=True)


def _departments(codes: list[str]) -> list[Department]:
    codes = list(dict.fromkeys(c for c in codes if c))
    if not codes:
        raise ValidationError("departments", "责任科室", "至少选择一个科室")
    rows = {
        d.code: d for d in Department.select().where(Department.code.in_(codes), Department.active == True)
    }  # noqa: E712
    missing = [c for c in codes if c not in rows]
    if missing:
        raise ValidationError("departments", "责任科室", f"科室不存在或已停用：{'、'.join(missing)}")
    return [rows[c] for c in codes]


def _send(op: CaseOperation, departments: list[Department], questions: str) -> None:
    open_ids = {
        a.department_id
        for a in Assignment.select(Assignment.department).where(
            (Assignment.case == op.case.id) & Assignment.state.in_(sorted(OPEN_ASSIGNMENT_STATES))
        )
    }
    again = [d.name for d in departments if d.id in open_ids]
    if again:
        raise ValidationError("departments", "责任科室", f"{'、'.join(again)} 已有未反馈的转办")
    now = clock.now()
    due, provisional = assignment_due(now)
    for dept in departments:
        Assignment.create(
            case=op.case.id,
            department=dept.id,
            state=AssignmentState.SENT,
            questions=questions,
            sent_at=now,
            sent_by=op.session.user.id,
            due=due,
            due_provisional=provisional,
        )
    _follow_the_routing(op, departments)
    op.case.state = State.IN_PROGRESS
    op.reindex = True
    op.event(assigned_summary([d.name for d in departments], due), questions)
    promises.update(op, "departments")
    op.detail["departments"] = [d.code for d in departments]
    for line in recurrence.flag(op.session, op.case):
        op.event(line)


def _follow_the_routing(op: CaseOperation, departments: list[Department]) -> None:
    """A case with a single issue: when the issue's department has no assignment (never sent to it,
    or it returned the case), the issue goes to the first department just sent. Several issues are
    routed one by one (`route_issues`)."""
    issues = list(CaseIssue.select().where(CaseIssue.case == op.case.id))
    if len(issues) != 1:
        return
    handling = {
        a.department_id
        for a in Assignment.select(Assignment.department).where(
            (Assignment.case == op.case.id) & (Assignment.state != AssignmentState.RETURNED)
        )
    }
    if issues[0].department_id not in handling:
        CaseIssue.update(department=departments[0].id).where(CaseIssue.id == issues[0].id).execute()


def withdraw_open_assignments(op: CaseOperation) -> None:
    """Closing or merging a case withdraws the department replies still outstanding (their clocks stop)."""
    open_rows = list(
        Assignment.select(Assignment.id, Department.name)
        .join(Department)
        .where((Assignment.case == op.case.id) & Assignment.state.in_(sorted(OPEN_ASSIGNMENT_STATES)))
        .objects()
    )
    if not open_rows:
        return
    Assignment.update(state=AssignmentState.WITHDRAWN).where(
        Assignment.id.in_([r.id for r in open_rows])
    ).execute()
    op.event(f"撤回未反馈的转办：{'、'.join(r.name for r in open_rows)}")


def assign(
    session: Session,
    case_id: int,
    department_codes: list[str],
    questions: str = "",
    expected_version: int | None = None,
) -> None:
    with case_operation(session, case_id, "assign", expected_version=expected_version) as op:
        departments = _departments(department_codes)
        questions = _text(questions, "questions", "需科室答复的问题")
        _send(op, departments, questions)


@dataclass(frozen=True)
class IssueRoute:
    """One issue's department (code or as staff write it) and the questions put to it about the issue."""

    issue_id: int
    department: str
    questions: str = ""


def route_issues(
    session: Session,
    case_id: int,
    routes: list[IssueRoute],
    questions: str = "",
    expected_version: int | None = None,
) -> list[str]:
    """转办 issue by issue: each issue gets its department and questions; every department named that
    has no open assignment yet is sent the case (its 转办单 lists its issues). `questions` are put to
    all of them. Returns the codes of the departments sent."""
    with case_operation(session, case_id, "assign", expected_version=expected_version) as op:
        rows = {i.id: i for i in CaseIssue.select().where(CaseIssue.case == case_id)}
        if not routes:
            raise ValidationError("departments", "责任科室", "请为投诉事项选择责任科室")
        chosen: dict[int, tuple[int, str]] = {}
        for route in routes:
            if route.issue_id not in rows:
                raise NotFoundError("投诉事项不存在")
            dept = active_department_id(route.department, field="departments", label="责任科室")
            if dept is None:
                raise ValidationError(
                    "departments", "责任科室", f"请为事项{rows[route.issue_id].seq}选择责任科室"
                )
            chosen[route.issue_id] = (dept, _text(route.questions, "questions", "需科室答复的问题"))
        questions = _text(questions, "questions", "需科室答复的问题")
        lines = []
        for issue_id, (dept, issue_questions) in chosen.items():
            CaseIssue.update(department=dept, questions=issue_questions).where(
                CaseIssue.id == issue_id
            ).execute()
            lines.append(f"事项{rows[issue_id].seq} → {Department.get_by_id(dept).name}")
        open_ids = {
            a.department_id
            for a in Assignment.select(Assignment.department).where(
                (Assignment.case == case_id) & Assignment.state.in_(sorted(OPEN_ASSIGNMENT_STATES))
            )
        }
        wanted = list(dict.fromkeys(dept for dept, _q in chosen.values() if dept not in open_ids))
        if not wanted:
            raise ValidationError("departments", "责任科室", "所选科室均已有未反馈的转办，无需再次转办")
        departments = [Department.get_by_id(d) for d in wanted]
        _send(op, departments, questions)
        op.event("投诉事项分派：" + "；".join(lines))
        op.detail["issues"] = len(chosen)
    return [d.code for d in departments]


def _assignment(assignment_id: int) -> Assignment:
    row = Assignment.get_or_none(Assignment.id == assignment_id)
    if row is None:
        raise NotFoundError("转办记录不存在")
    return row


def _dept_name(assignment: Assignment) -> str:
    return Department.get_by_id(assignment.department_id).name


def acknowledge(session: Session, assignment_id: int, by_name: str = "") -> None:
    """签收: the department confirms it received the case (recorded by the office)."""
    row = _assignment(assignment_id)
    with case_operation(session, row.case_id, "acknowledge") as op:
        by_name = clean_text(by_name, field="acknowledged_by", label="签收人", max_len=40)
        row = Assignment.get_by_id(assignment_id)
        if row.state != AssignmentState.SENT:
            raise TransitionError("该转办不是待签收状态")
        Assignment.update(
            state=AssignmentState.ACKNOWLEDGED, acknowledged_at=clock.now(), acknowledged_by=by_name
        ).where(Assignment.id == assignment_id).execute()
        op.event(acknowledged_summary(_dept_name(row), by_name))


def respond(session: Session, assignment_id: int, response: str, responder: str = "") -> None:
    """科室反馈. When the last open assignment responds, the case moves on to drafting."""
    row = _assignment(assignment_id)
    with case_operation(session, row.case_id, "respond") as op:
        response = _text(response, "response", "科室反馈意见", required=True, max_len=10000)
        responder = clean_text(responder, field="responder", label="反馈人", max_len=40)
        row = Assignment.get_by_id(assignment_id)
        if row.state not in OPEN_ASSIGNMENT_STATES:
            raise TransitionError("该转办已反馈或已退回")
        now = clock.now()
        Assignment.update(
            state=AssignmentState.RESPONDED,
            responded_at=now,
            response=response,
            responder=responder,
            acknowledged_at=row.acknowledged_at or now,
        ).where(Assignment.id == assignment_id).execute()
        op.event(responded_summary(_dept_name(row), responder), response)
        still_open = (
            Assignment.select()
            .where((Assignment.case == row.case_id) & Assignment.state.in_(sorted(OPEN_ASSIGNMENT_STATES)))
            .count()
        )
        if not still_open:
            op.case.state = State.DRAFTING
            op.event(ALL_RESPONDED_SUMMARY)


def return_assignment(
    session: Session, assignment_id: int, reason: str, reroute_to: list[str] | None = None
) -> None:
    """退回 (wrong department), optionally re-routing at once. More than 3 re-routes flag the case."""
    row = _assignment(assignment_id)
    with case_operation(session, row.case_id, "return") as op:
        reason = _text(reason, "return_reason", "退回原因", required=True, max_len=2000)
        targets = _departments(reroute_to) if reroute_to else []
        row = Assignment.get_by_id(assignment_id)
        if row.state not in OPEN_ASSIGNMENT_STATES:
            raise TransitionError("该转办已反馈或已退回")
        Assignment.update(
            state=AssignmentState.RETURNED, returned_at=clock.now(), return_reason=reason
        ).where(Assignment.id == assignment_id).execute()
        op.case.reroute_count += 1
        op.event(returned_summary(_dept_name(row)), reason)
        if op.case.reroute_count > REROUTE_FLAG_AFTER and not op.case.flagged:
            op.case.flagged = True
            op.event(flagged_summary(op.case.reroute_count))
        if targets:
            CaseIssue.update(department=targets[0].id).where(
                (CaseIssue.case == row.case_id) & (CaseIssue.department == row.department_id)
            ).execute()
            _send(op, targets, row.questions)
        else:
            promises.update(op, "departments")
