"""Issuing documents: fill printing/'s plain dataclasses from a case, render, store, log.

Every issued PDF is kept with the case (bytes + SHA-256, who, when). Issuing the same document
again is a reprint: the PDF is stamped 补打 and the reprint is logged in the timeline and audit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from app import clock, settings
from app.cases.issues import IssueRecord, issues_of
from app.cases.states import FOLLOWUP_METHODS, State
from app.errors import NotFoundError, TransitionError, ValidationError
from app.letterhead import current as current_letterhead
from app.policy import Action, sees_identifiers
from app.session import Session
from app.validation import (
    CHANNELS,
    FINDINGS,
    RELATIONS,
    SATISFACTIONS,
    SEVERITIES,
    mask_id_number,
    mask_phone,
)
from app.write_path import append_events, audited_read, chain_detail, check, facts, load_case, operation
from models.accounts import User
from models.cases import Assignment, Case, Category, Complainant, FollowUp, IssuedDocument
from models.organisation import Department
from printing.data import (
    DispatchData,
    FollowUpData,
    IssueLine,
    Letterhead,
    ReceiptData,
    RegistrationData,
    RejectionData,
    ResultData,
)
from printing.render import DOCUMENT_KINDS, render_document

CASE_DOCUMENTS = ("receipt", "registration", "dispatch", "rejection", "result", "followup")
KIND_ACTIONS = {
    "receipt": Action.PRINT_INTAKE,
    "registration": Action.PRINT_INTAKE,
    "dispatch": Action.PRINT_LETTERS,
    "rejection": Action.PRINT_LETTERS,
    "result": Action.PRINT_LETTERS,
    "followup": Action.PRINT_LETTERS,
}
# States in which each document makes sense (the data it prints exists).
_AFTER_APPROVAL = frozenset({State.APPROVED, State.REPLIED, State.AWAITING_SIGN_OFF, State.CLOSED})
KIND_STATES: dict[str, frozenset[str]] = {
    "receipt": frozenset(State) - {State.MERGED},
    "registration": frozenset(State),
    "dispatch": frozenset({State.IN_PROGRESS, State.DRAFTING, State.PENDING_APPROVAL}) | _AFTER_APPROVAL,
    "rejection": frozenset({State.REJECTED}),
    "result": _AFTER_APPROVAL,
    "followup": frozenset({State.AWAITING_SIGN_OFF, State.CLOSED, State.IN_PROGRESS}),
}
SUMMARY_LIMIT = 150
IDENTIFIER_KINDS = frozenset({"registration"})  # documents that print the phone and ID number


def kind_title(kind: str) -> str:
    return DOCUMENT_KINDS[kind][0]


def letterhead() -> Letterhead:
    """The letterhead documents are issued with (texts, logo and seal: app.letterhead)."""
    return current_letterhead()


def _name(user_id: int | None) -> str | None:
    return User.get_by_id(user_id).display_name if user_id else None


def _dept(dept_id: int | None) -> str | None:
    return Department.get_by_id(dept_id).name if dept_id else None


def _data(
    session: Session, kind: str, case: Case, assignment: Assignment | None, now: datetime, full: bool | None = None
):
    """The document's data as of `now`; full identifiers when the reader sees them (or as `full` says)."""
    complainant = Complainant.get_by_id(case.complainant_id)
    if full is None:
        full = sees_identifiers(session.user, facts(case), now.date())
    category = Category.get_by_id(case.category_id).path if case.category_id else None
    if kind == "receipt":
        from app.deadlines.case_clocks import recompute_reply_due

        if case.reply_due is None:  # not yet accepted: show the date it will be due by the rules
            recompute_reply_due(case)
        return ReceiptData(
            case_no=case.case_no,
            query_code=case.query_code,
            received_at=case.received_at,
            channel=CHANNELS[case.channel],
            complainant_name=complainant.name or "—",
            summary=case.content,
            expected_reply_date=case.reply_due,
            expected_reply_provisional=case.due_provisional,
            workdays=_reply_workdays(case),
            handler_name=_name(case.registered_by_id),
            issued_at=now,
        )
    if kind == "registration":
        return RegistrationData(
            case_no=case.case_no,
            received_at=case.received_at,
            channel=CHANNELS[case.channel],
            complainant_name=complainant.name or "—",
            complainant_relation=RELATIONS.get(complainant.relation),
            complainant_phone=(complainant.phone if full else mask_phone(complainant.phone)) or None,
            complainant_id_number=(complainant.id_number if full else mask_id_number(complainant.id_number))
            or None,
            complainant_address=complainant.address or None,
            patient_name=case.patient_name or None,
            patient_record_no=case.patient_record_no or None,
            visit_department=_dept(case.visit_department_id),
            visit_date=case.visit_date,
            category_path=category,
            severity=SEVERITIES[case.severity],
            narrative=case.content,
            demands=case.demands or None,
            registered_by=_name(case.registered_by_id),
            issued_at=now,
        )
    if kind == "dispatch":
        mine = _department_issues(case.id, assignment.department_id)
        return DispatchData(
            case_no=case.case_no,
            department=_dept(assignment.department_id),
            sent_at=assignment.sent_at,
            deadline=assignment.due,
            deadline_provisional=assignment.due_provisional,
            narrative=case.content,
            questions=[q for q in assignment.questions.splitlines() if q.strip()],
            officer_name=_name(assignment.sent_by_id),
            officer_phone=settings.get("complaint_phone") or None,
            complainant_name=complainant.name or None,
            patient_name=case.patient_name or None,
            category_path="；".join(dict.fromkeys(i.category_path for i in mine if i.category_path))
            or category,
            severity=SEVERITIES[case.severity],
            issues=[IssueLine(heading=i.heading(), questions=_lines(i.questions)) for i in mine],
            issued_at=now,
        )
    if kind == "rejection":
        return RejectionData.for_reason(
            case.reject_reason,
            case_no=case.case_no,
            complainant_name=complainant.name or "投诉人",
            received_at=case.received_at,
            note=_rejection_note(case),
            issued_at=now,
        )
    if kind == "result":
        return ResultData(
            case_no=case.case_no,
            complainant_name=complainant.name or "投诉人",
            received_at=case.received_at,
            facts=case.facts,
            finding=FINDINGS[case.finding],
            resolution=case.resolution,
            compensation_amount=case.compensation_amount,
            rectification=[r for r in case.rectification.splitlines() if r.strip()],
            issues=[
                IssueLine(heading=i.heading(), finding=FINDINGS.get(i.finding), note=i.finding_note)
                for i in issues_of(case.id)
            ],
            issued_at=now,
        )
    followup = FollowUp.select().where(FollowUp.case == case.id).order_by(FollowUp.id.desc()).first()
    return FollowUpData(
        case_no=case.case_no,
        complainant_name=complainant.name or "投诉人",
        contact=mask_phone(complainant.phone) or None,
        method=FOLLOWUP_METHODS[followup.method],
        followed_at=followup.at,
        satisfaction=SATISFACTIONS[followup.satisfaction],
        remarks=followup.remarks or None,
        officer_name=_name(followup.by_id),
        issued_at=now,
    )


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _department_issues(case_id: int, department_id: int) -> list[IssueRecord]:
    """The issues a 转办单 lists: those of its department; when none is that department's (the case
    was sent to it as a whole), every issue of the case."""
    every = issues_of(case_id)
    return [i for i in every if i.department_id == department_id] or every


def _reply_workdays(case: Case) -> int:
    from app.deadlines import calendar

    departments = (
        Assignment.select(Assignment.department).where(Assignment.case == case.id).distinct().count()
    )
    return calendar.rules().reply_workdays_for(departments) + case.extension_workdays


def _rejection_note(case: Case) -> str | None:
    from models.cases import CaseEvent

    event = (
        CaseEvent.select()
        .where((CaseEvent.case == case.id) & (CaseEvent.action == "reject"))
        .order_by(CaseEvent.seq.desc())
        .first()
    )
    return (event.note or None) if event else None


def check_available(kind: str, case: Case, assignment: Assignment | None) -> None:
    """Raise a Chinese error when this document cannot be issued for the case now."""
    if kind not in CASE_DOCUMENTS:
        raise ValidationError("kind", "文书类型", "未知的文书类型")
    if case.state not in KIND_STATES[kind]:
        raise TransitionError(f"案件当前状态不能打印{kind_title(kind)}")
    if kind == "dispatch" and assignment is None:
        raise ValidationError("assignment", "转办记录", "请选择要打印转办单的科室")
    if kind == "followup" and not FollowUp.select().where(FollowUp.case == case.id).exists():
        raise TransitionError("尚未回访，不能打印回访记录")
    if kind == "result" and not (case.finding and case.resolution):
        raise TransitionError("处理意见尚未填写完整，不能打印处理结果告知书")


@dataclass(frozen=True)
class IssuedInfo:
    id: int
    kind: str
    title: str
    reprint: bool
    page_size: str
    sha256: str
    issued_at: datetime
    issued_by: str
    department: str = ""


def issue(
    session: Session, case_id: int, kind: str, *, assignment_id: int | None = None, page_size: str = "A4"
) -> tuple[IssuedInfo, bytes]:
    """Render, store and log a document. A second issue of the same document is a 补打 reprint."""
    case = load_case(case_id)
    action = KIND_ACTIONS.get(kind, Action.PRINT_LETTERS)
    case_facts = check(session, action, case)
    assignment = None
    if assignment_id is not None:
        assignment = Assignment.get_or_none((Assignment.id == assignment_id) & (Assignment.case == case_id))
        if assignment is None:
            raise NotFoundError("转办记录不存在")
    check_available(kind, case, assignment)
    if page_size not in ("A4", "A5") or (page_size == "A5" and kind != "receipt"):
        raise ValidationError("page_size", "纸张", "只有受理回执可用 A5 纸")
    now = clock.now()
    earlier = IssuedDocument.select().where((IssuedDocument.case == case_id) & (IssuedDocument.kind == kind))
    if assignment is not None:
        earlier = earlier.where(IssuedDocument.assignment == assignment.id)
    reprint = earlier.exists()
    pdf = render_document(
        _data(session, kind, case, assignment, now),
        letterhead(),
        reprint=reprint,
        page_size=page_size,
        reprinted_at=now if reprint else None,
    )
    digest = hashlib.sha256(pdf).hexdigest()
    title = kind_title(kind)
    department = _dept(assignment.department_id) if assignment else ""
    audit_action = "case.reprint" if reprint else "case.print"
    with operation(session, action, audit_action, target=case.case_no, case=case_facts) as op:
        row = IssuedDocument.create(
            case=case_id,
            kind=kind,
            assignment=assignment.id if assignment else None,
            reprint=reprint,
            page_size=page_size,
            sha256=digest,
            data=pdf,
            issued_at=now,
            issued_by=session.user.id,
        )
        label = f"{'补打' if reprint else '打印'}{title}" + (f"（{department}）" if department else "")
        head = append_events(case, session.user.id, [(label, f"文件指纹 {digest[:16]}…", None)], "print")
        chain_detail(op.detail, case.case_no, head)
        op.detail.update(kind=kind, sha256=digest, assignment=assignment_id)
    return IssuedInfo(
        row.id, kind, title, reprint, page_size, digest, now, session.user.display_name, department
    ), pdf


def issued_documents(session: Session, case_id: int) -> list[IssuedInfo]:
    case = load_case(case_id)
    check(session, Action.VIEW_CASE, case)
    rows = list(
        IssuedDocument.select(
            IssuedDocument.id,
            IssuedDocument.kind,
            IssuedDocument.reprint,
            IssuedDocument.page_size,
            IssuedDocument.sha256,
            IssuedDocument.issued_at,
            IssuedDocument.issued_by,
            IssuedDocument.assignment,
        )
        .where(IssuedDocument.case == case_id)
        .order_by(IssuedDocument.id.desc())
    )
    names = {u.id: u.display_name for u in User.select().where(User.id.in_({r.issued_by_id for r in rows}))}
    depts = {
        a.id: _dept(a.department_id)
        for a in Assignment.select().where(
            Assignment.id.in_({r.assignment_id for r in rows if r.assignment_id})
        )
    }
    return [
        IssuedInfo(
            r.id,
            r.kind,
            kind_title(r.kind),
            r.reprint,
            r.page_size,
            r.sha256,
            r.issued_at,
            names.get(r.issued_by_id, ""),
            depts.get(r.assignment_id, "") or "",
        )
        for r in rows
    ]


def stored_pdf(session: Session, document_id: int) -> bytes:
    """The exact bytes issued earlier (for viewing or saving); the access is audited.

    A reader who may not see this case's full identifiers now (a clerk, the day after registering
    it) gets a copy rendered again with them masked: same document, issue time and 补打 mark."""
    row = IssuedDocument.get_or_none(IssuedDocument.id == document_id)
    if row is None:
        raise NotFoundError("文书不存在")
    case = load_case(row.case_id)
    with audited_read(session, KIND_ACTIONS[row.kind], case, "case.document_opened", document=row.id) as seen:
        data = bytes(row.data)
        if hashlib.sha256(data).hexdigest() != row.sha256:
            raise ValidationError("document", "文书", "存档文件校验失败（SHA-256 不符）")
        if row.kind in IDENTIFIER_KINDS and not sees_identifiers(session.user, seen, clock.now().date()):
            return _masked_copy(session, row, case)
        return data


def _masked_copy(session: Session, row: IssuedDocument, case: Case) -> bytes:
    assignment = Assignment.get_by_id(row.assignment_id) if row.assignment_id else None
    return render_document(
        _data(session, row.kind, case, assignment, row.issued_at, full=False),
        letterhead(),
        reprint=row.reprint,
        page_size=row.page_size,
        reprinted_at=row.issued_at if row.reprint else None,
    )


def assignment_for(session: Session, case_id: int, department_code: str) -> int:
    """The newest assignment of the case to that department (for printing its dispatch note).
    Only for a user who may print the case's letters: otherwise it would tell where a case went."""
    check(session, Action.PRINT_LETTERS, load_case(case_id))
    row = (
        Assignment.select(Assignment.id)
        .join(Department)
        .where((Assignment.case == case_id) & (Department.code == department_code))
        .order_by(Assignment.id.desc())
        .first()
    )
    if row is None:
        raise NotFoundError(f"该案件没有转办到科室 {department_code}")
    return row.id


def case_id_by_number(session: Session, case_no: str) -> int:

    case = Case.get_or_none(Case.case_no == case_no.strip().upper())
    if case is None:
        raise NotFoundError(f"案件不存在：{case_no}")
    check(session, Action.VIEW_CASE, case)
    return case.id


def unprintable(text: str) -> str:
    """The characters of `text` the documents' font cannot draw (an emoji in a name): they print as
    □, so intake warns about them while the complainant is still there."""
    from printing.fonts import missing_glyphs, register_fonts

    return missing_glyphs(text, register_fonts().regular)
