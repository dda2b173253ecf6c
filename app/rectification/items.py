"""整改 items through their states, each step one audited write (app.write_path):

    create    from cases whose finding is 成立 / 部分成立 (officer or manager), or from a statistics
              alert covering several cases (manager)                                → 待整改
    start     the department has begun (office)                                     待整改 → 整改中
    record    the department's account of what it did, and evidence files (office)  待整改 / 整改中
    submit    the evidence is in: ready for verification (office)                  → 待验证
    verify    the office checks the evidence: passed (stays 待验证, now verified, for the manager to
              close) or not (back to 整改中 with the reason)
    close     the manager closes: 已落实 (only once verified) or 未落实 with a reason

Every step writes the item's own event, a timeline entry on each covered case and an audit entry in
one transaction. Due dates are counted in working days (app.deadlines), from the day after creation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import peewee

from app import clock
from app.cases.overlays import checked_file
from app.deadlines import calendar
from app.errors import ComplaintDeskError, NotFoundError, TransitionError, ValidationError
from app.policy import Action
from app.rectification.states import SOURCES, STATE_LABELS, STEP_RULES, RectState
from app.session import Session
from app.validation import clean_text
from app.write_path import check, consequent_case_write, load_case, operation, require
from models.accounts import User
from models.cases import Case, CaseIssue, Category
from models.database import database_proxy
from models.organisation import Department
from models.rectification import Rectification, RectificationAttachment, RectificationCase, RectificationEvent

UPHELD = frozenset({"upheld", "partly_upheld"})  # 成立 / 部分成立
DEFAULT_WORKDAYS = 10
MAX_WORKDAYS = 120
NUMBER_PREFIX = "ZG"


class RectificationConflict(ComplaintDeskError):
    """Somebody else changed the item first (optimistic lock)."""

    def __init__(self, who: str, when: object) -> None:
        super().__init__(f"该整改项已被 {who} 于 {when:%Y-%m-%d %H:%M} 修改，请重新载入后再保存")
        self.who = who
        self.when = when


@dataclass(frozen=True)
class NewItem:
    """What the office writes on a new item. `case_ids`: the cases it covers (at least one)."""

    department: str  # owner department code; "" takes the issue's department
    measure: str  # 整改要求
    case_ids: tuple[int, ...]
    problem: str = ""  # 存在问题
    due_workdays: int = DEFAULT_WORKDAYS
    category: str = ""  # category code; default: the issue's category, else the first case's
    source: str = "finding"  # finding / alert
    issue_id: int | None = None  # the 投诉事项 found 成立 / 部分成立 it comes from


def _text(value: str, field_name: str, label: str, *, required: bool = True, max_len: int = 2000) -> str:
    return clean_text(
        value, field=field_name, label=label, max_len=max_len, required=required, multiline=True
    )


def _workdays(value: object) -> int:
    try:
        days = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ValidationError("due_workdays", "整改期限", "请输入工作日数") from None
    if not 1 <= days <= MAX_WORKDAYS:
        raise ValidationError("due_workdays", "整改期限", f"应为 1 至 {MAX_WORKDAYS} 个工作日")
    return days


def _next_number(year: int) -> str:
    prefix = f"{NUMBER_PREFIX}-{year}-"
    last = (
        Rectification.select(peewee.fn.MAX(Rectification.number))
        .where(Rectification.number.startswith(prefix))
        .scalar()
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def _case_note(item: Rectification) -> str:
    return f"{item.number}（{Department.get_by_id(item.department_id).name}）"


def log_step(session: Session, item: Rectification, action: str, summary: str, note: str = "") -> None:
    """The item's event, and the same step on the timeline of every covered case."""
    RectificationEvent.create(
        rectification=item.id,
        at=clock.now(),
        actor=session.user.id,
        action=action,
        summary=summary,
        note=note,
    )
    case_ids = [
        r.case_id for r in RectificationCase.select().where(RectificationCase.rectification == item.id)
    ]
    for case_id in case_ids:
        with consequent_case_write(session, case_id, "rectification", _ACTIONS[action]) as op:
            op.event(f"整改 {_case_note(item)}：{summary}", note)
            op.detail.update(rectification=item.number, step=action)


# The policy action of every step that is logged on the item and its cases.
_ACTIONS = {"create": Action.CREATE_RECTIFICATION, **{step: rule[0] for step, rule in STEP_RULES.items()}}


# -- creating -----------------------------------------------------------------------------------------


def create(session: Session, new: NewItem) -> int:
    """A new item (待整改) covering `new.case_ids`; returns its id."""
    action = Action.CREATE_RECTIFICATION
    if new.source not in SOURCES:
        raise ValidationError("source", "来源", "无法识别的来源")
    if new.source == "alert":
        require(session, Action.RECTIFY_FROM_ALERT, target="rectification")
    case_ids = tuple(dict.fromkeys(int(i) for i in new.case_ids))
    cases = [load_case(case_id) for case_id in case_ids]
    for case in cases:
        check(session, action, case)
    now = clock.now()
    with operation(session, action, "rectification.create", target="rectification") as op:
        if not cases:
            raise ValidationError("case_ids", "涉及案件", "至少选择一件投诉")
        issue = _issue(new.issue_id, cases)
        if new.source == "finding":
            _check_findings(cases, issue)
        department = _department(new.department, issue)
        measure = _text(new.measure, "measure", "整改要求")
        problem = _text(new.problem, "problem", "存在问题", required=False)
        workdays = _workdays(new.due_workdays)
        category_id = _category_id(new.category, cases, issue)
        due, provisional = calendar.calendar().add_workdays(now.date(), workdays)
        item = Rectification.create(
            number=_next_number(now.year),
            state=RectState.PENDING,
            department=department.id,
            category=category_id,
            source=new.source,
            issue=issue.id if issue else None,
            problem=problem,
            measure=measure,
            due=due,
            due_workdays=workdays,
            due_provisional=provisional,
            created_at=now,
            created_by=session.user.id,
            updated_at=now,
            updated_by=session.user.id,
        )
        for case in cases:
            RectificationCase.create(rectification=item.id, case=case.id)
        log_step(session, item, "create", f"下达整改，期限 {workdays} 个工作日（{due:%Y-%m-%d} 前）", measure)
        op.target = item.number
        op.detail.update(department=department.code, cases=[c.case_no for c in cases], due=due.isoformat())
    return item.id


def _issue(issue_id: int | None, cases: Sequence[Case]) -> CaseIssue | None:
    if issue_id is None:
        return None
    issue = CaseIssue.get_or_none(CaseIssue.id == issue_id)
    if issue is None or issue.case_id not in {c.id for c in cases}:
        raise ValidationError("issue", "投诉事项", "所选事项不属于涉及的案件")
    return issue


def _check_findings(cases: Sequence[Case], issue: CaseIssue | None) -> None:
    """From a finding: the issue (or, without one, each case) must be found 成立 or 部分成立."""
    if issue is not None:
        if issue.finding not in UPHELD:
            raise ValidationError("issue", "投诉事项", f"事项{issue.seq}未认定成立或部分成立，不能据此整改")
        return
    unfounded = [c.case_no for c in cases if c.finding not in UPHELD]
    if unfounded:
        raise ValidationError(
            "case_ids", "涉及案件", f"{'、'.join(unfounded)} 的投诉未认定成立或部分成立，不能据此整改"
        )


def _department(code: str, issue: CaseIssue | None) -> Department:
    if code:
        department = Department.get_or_none((Department.code == code) & (Department.active == True))  # noqa: E712
    else:
        department = Department.get_or_none(Department.id == issue.department_id) if issue else None
    if department is None:
        raise ValidationError("department", "责任科室", "请选择责任科室")
    return department


def _category_id(code: str, cases: Sequence[Case], issue: CaseIssue | None) -> int | None:
    if code:
        category = Category.get_or_none(Category.code == code)
        if category is None:
            raise ValidationError("category", "投诉类别", "无法识别的类别")
        return category.id
    if issue is not None and issue.category_id:
        return issue.category_id
    return next((c.category_id for c in cases if c.category_id), None)


# -- the steps ------------------------------------------------------------------------------------


def _locked(item_id: int) -> Rectification:
    query = Rectification.select().where(Rectification.id == item_id)
    if database_proxy.obj.for_update:
        query = query.for_update()
    item = query.get_or_none()
    if item is None:
        raise NotFoundError("整改项不存在")
    return item


@contextmanager
def _step(
    session: Session, item_id: int, action: str, expected_version: int | None
) -> Iterator[Rectification]:
    """One write on one item: policy, lock, version, state check; then version bump and audit."""
    with operation(session, _ACTIONS[action], f"rectification.{action}", target=str(item_id)) as op:
        item = _locked(item_id)
        op.target = item.number
        if expected_version is not None and item.version != expected_version:
            who = User.get_by_id(item.updated_by_id).display_name
            raise RectificationConflict(who, item.updated_at)
        if item.state not in STEP_RULES[action][1]:
            raise TransitionError(f"整改项{STATE_LABELS[item.state]}，不能{STEP_RULES[action][2]}")
        yield item
        item.version += 1
        item.updated_at = clock.now()
        item.updated_by = session.user.id
        item.save()
        op.detail["state"] = item.state


def start(session: Session, item_id: int, expected_version: int | None = None) -> None:
    with _step(session, item_id, "start", expected_version) as item:
        item.state = RectState.IN_PROGRESS
        item.started_at = clock.now()
        log_step(session, item, "start", "科室开始整改")


def record(session: Session, item_id: int, evidence: str, expected_version: int | None = None) -> None:
    """The department's account of what it has done (replaces the earlier text; history keeps both)."""
    with _step(session, item_id, "record", expected_version) as item:
        item.evidence = _text(evidence, "evidence", "整改情况", max_len=4000)
        if item.state == RectState.PENDING:
            item.state = RectState.IN_PROGRESS
            item.started_at = clock.now()
        log_step(session, item, "record", "登记整改情况", item.evidence)


def add_evidence_file(session: Session, item_id: int, filename: str, data: bytes, mime_type: str = "") -> int:
    """A photo, revised rule or sign-in sheet as evidence (size limit from the settings)."""
    with _step(session, item_id, "evidence_file", None) as item:
        name, mime = checked_file(filename, data, mime_type, "整改材料")
        row = RectificationAttachment.create(
            rectification=item.id,
            filename=name,
            mime_type=mime,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            added_at=clock.now(),
            added_by=session.user.id,
        )
        log_step(session, item, "evidence_file", f"添加整改材料：{name}")
    return row.id


def submit(session: Session, item_id: int, expected_version: int | None = None) -> None:
    with _step(session, item_id, "submit", expected_version) as item:
        if not item.evidence.strip():
            raise ValidationError("evidence", "整改情况", "请先登记科室的整改情况")
        item.state = RectState.AWAITING_VERIFICATION
        item.submitted_at = clock.now()
        item.verified_at = None
        item.verified_by = None
        log_step(session, item, "submit", "整改情况已提交，待办公室验证")


def verify(
    session: Session, item_id: int, passed: bool, note: str, expected_version: int | None = None
) -> None:
    """The office checks the evidence: passed → for the manager to close; not passed → back to
    整改中 with the reason."""
    with _step(session, item_id, "verify", expected_version) as item:
        if item.verified_at is not None:
            raise TransitionError("整改项已验证，待主任关闭")
        note = _text(note, "verification_note", "验证意见", required=not passed)
        item.verification_note = note
        if passed:
            item.verified_at = clock.now()
            item.verified_by = session.user.id
            log_step(session, item, "verify", "办公室验证通过，待关闭", note)
        else:
            item.state = RectState.IN_PROGRESS
            log_step(session, item, "verify", "办公室验证未通过，退回整改", note)


def close(
    session: Session, item_id: int, done: bool, reason: str = "", expected_version: int | None = None
) -> None:
    """The manager closes: 已落实 once the office verified it, or 未落实 with a reason (any time)."""
    with _step(session, item_id, "close", expected_version) as item:
        if done and item.verified_at is None:
            raise TransitionError("整改情况尚未经办公室验证，不能按已落实关闭")
        reason = _text(reason, "close_reason", "未落实原因" if not done else "关闭意见", required=not done)
        item.state = RectState.DONE if done else RectState.FAILED
        item.closed_at = clock.now()
        item.closed_by = session.user.id
        item.close_reason = reason
        log_step(session, item, "close", "确认整改已落实" if done else "关闭为未落实", reason)
