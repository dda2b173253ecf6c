"""Issuing documents: fill printing/'s plain dataclasses from a case, render, store, number, log.

打印预览 renders without issuing (marked 预览稿, nothing stored). A document is issued when it is
printed or saved: the PDF is kept with the case (bytes + SHA-256, who, when) under a 文书号. Issuing
the same document again is a 补打 reprint: the stored original's bytes stamped 补打 — never rendered
again from newer data — logged in the timeline and audit. What counts as "the same document" is its
edition: the case for a 受理回执, the assignment for a 转办单, the approval for a 处理结果告知书, the
follow-up for a 回访记录 and the change of the reply date for a 延期告知书.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from peewee import fn

from app import clock
from app.cases import document_data, document_store, handling
from app.cases.issues import issues_of
from app.cases.states import State
from app.errors import NotFoundError, TransitionError, ValidationError
from app.letterhead import current as current_letterhead
from app.policy import Action, sees_handling, sees_identifiers
from app.session import Session
from app.write_path import append_events, audited_read, chain_detail, check, load_case, operation
from models.accounts import User
from models.case_record import ReplyPromise
from models.cases import (
    Assignment,
    Case,
    CaseEvent,
    FollowUp,
    IssuedDocument,
)
from models.organisation import Department
from printing.data import (
    Letterhead,
)
from printing.render import DOCUMENT_KINDS, render_document
from printing.stamp import stamp_reprint

CASE_DOCUMENTS = ("receipt", "registration", "dispatch", "rejection", "result", "followup", "notice")
KIND_ACTIONS = {
    "receipt": Action.PRINT_INTAKE,
    "registration": Action.PRINT_INTAKE,
    "dispatch": Action.PRINT_LETTERS,
    "rejection": Action.PRINT_LETTERS,
    "result": Action.PRINT_LETTERS,
    "followup": Action.PRINT_LETTERS,
    "notice": Action.PRINT_LETTERS,
}
# States in which each document makes sense (the data it prints exists).
_AFTER_APPROVAL = frozenset({State.APPROVED, State.REPLIED, State.AWAITING_SIGN_OFF, State.CLOSED})
KIND_STATES: dict[str, frozenset[str]] = {
    "receipt": frozenset(State) - {State.MERGED, State.REJECTED},  # 不予受理: no 受理回执
    "registration": frozenset(State),
    "dispatch": frozenset({State.IN_PROGRESS, State.DRAFTING, State.PENDING_APPROVAL}) | _AFTER_APPROVAL,
    "rejection": frozenset({State.REJECTED}),
    "result": _AFTER_APPROVAL,
    "followup": frozenset({State.AWAITING_SIGN_OFF, State.CLOSED, State.IN_PROGRESS}),
    "notice": frozenset(State) - {State.MERGED, State.REJECTED},
}
SUMMARY_LIMIT = 150
IDENTIFIER_KINDS = frozenset({"registration"})  # documents that print the phone and ID number


def kind_title(kind: str) -> str:
    return DOCUMENT_KINDS[kind][0]


def letterhead() -> Letterhead:
    """The letterhead documents are issued with (texts, logo and seal: app.letterhead)."""
    return current_letterhead()


def last_approval(case_id: int) -> int:
    """The timeline number of the newest 审批通过 (0 when never approved)."""
    event = (
        CaseEvent.select(CaseEvent.seq)
        .where((CaseEvent.case == case_id) & (CaseEvent.action == "approve"))
        .order_by(CaseEvent.seq.desc())
        .first()
    )
    return event.seq if event else 0


def edition(kind: str, case: Case, assignment: Assignment | None) -> str:
    """What an original of `kind` answers: a new edition is a new original, the same one a 补打."""
    if kind == "dispatch" and assignment is not None:
        return f"assignment-{assignment.id}"
    if kind == "result":
        return f"approval-{last_approval(case.id)}"
    if kind == "followup":
        latest = (
            FollowUp.select(FollowUp.id).where(FollowUp.case == case.id).order_by(FollowUp.id.desc()).first()
        )
        return f"followup-{latest.id if latest else 0}"
    if kind == "notice":
        change = document_data.latest_move(case.id)
        return f"promise-{change.id if change else 0}"
    return ""


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
    if kind == "result" and not (case.finding and handling.of(case.id).resolution):
        raise TransitionError("处理意见尚未填写完整，不能打印处理结果告知书")
    if kind == "notice" and document_data.latest_move(case.id) is None:
        raise TransitionError("答复期限没有调整过，不需要延期告知书")


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
    number: str = ""  # 文书号


def _target(
    session: Session, case_id: int, kind: str, assignment_id: int | None
) -> tuple[Case, Action, object, Assignment | None]:
    """The case, the permission, the policy's facts and the assignment of a document request."""
    case = load_case(case_id)
    action = KIND_ACTIONS.get(kind, Action.PRINT_LETTERS)
    case_facts = check(session, action, case)
    assignment = None
    if assignment_id is not None:
        assignment = Assignment.get_or_none((Assignment.id == assignment_id) & (Assignment.case == case_id))
        if assignment is None:
            raise NotFoundError("转办记录不存在")
    check_available(kind, case, assignment)
    return case, action, case_facts, assignment


def _check_page_size(kind: str, page_size: str) -> None:
    if page_size not in ("A4", "A5") or (page_size == "A5" and kind != "receipt"):
        raise ValidationError("page_size", "纸张", "只有受理回执可用 A5 纸")


def document_no(case_no: str, number: int) -> str:
    return f"{case_no}-{number:02d}"


def preview(
    session: Session, case_id: int, kind: str, *, assignment_id: int | None = None, page_size: str = "A4"
) -> bytes:
    """打印预览: the document as it would be issued now, marked 预览稿 — not stored, not numbered, not
    in the timeline (the read is audited). Once an original exists, the preview is its 补打."""
    case, action, _facts, assignment = _target(session, case_id, kind, assignment_id)
    _check_page_size(kind, page_size)
    original = _original(case_id, kind, assignment, edition(kind, case, assignment))
    with audited_read(session, action, case, "case.document_previewed", kind=kind):
        if original is not None:
            return stamp_reprint(document_store.original_pdf(original, kind_title(kind)), clock.now())
        return render_document(
            document_data.build(session, kind, case, assignment, clock.now()),
            letterhead(),
            page_size=page_size,
            preview=True,
        )


def _original(case_id: int, kind: str, assignment: Assignment | None, key: str) -> IssuedDocument | None:
    query = IssuedDocument.select().where(
        (IssuedDocument.case == case_id)
        & (IssuedDocument.kind == kind)
        & (IssuedDocument.edition == key)
        & (IssuedDocument.reprint == False)  # noqa: E712
    )
    if assignment is not None:
        query = query.where(IssuedDocument.assignment == assignment.id)
    return query.order_by(IssuedDocument.id).first()


def issue(
    session: Session, case_id: int, kind: str, *, assignment_id: int | None = None, page_size: str = "A4"
) -> tuple[IssuedInfo, bytes]:
    """Issue a document (it is being printed or saved): render, number, store and log it. A second
    issue of the same edition is a 补打: the stored original, stamped, in its original paper size."""
    case, action, case_facts, assignment = _target(session, case_id, kind, assignment_id)
    _check_page_size(kind, page_size)
    key = edition(kind, case, assignment)
    title = kind_title(kind)
    department = document_data.department_name(assignment.department_id) if assignment else ""
    seen = _original(case_id, kind, assignment, key) is not None  # for the audit action; decided again inside
    audit_action = "case.reprint" if seen else "case.print"
    with operation(session, action, audit_action, target=case.case_no, case=case_facts) as op:
        now = clock.now()
        original = _original(case_id, kind, assignment, key)
        reprint = original is not None
        if original is not None:
            number, page_size = original.number, original.page_size
            pdf = stamp_reprint(document_store.original_pdf(original, title), now)
            stored = document_store.stored_form(pdf)
        else:
            last = IssuedDocument.select(fn.MAX(IssuedDocument.number)).where(IssuedDocument.case == case_id)
            number = (last.scalar() or 0) + 1
            source = document_store.Source(
                document_data.build(session, kind, case, assignment, now),
                letterhead(),
                page_size,
                document_no(case.case_no, number),
            )
            pdf, stored = document_store.issued(source)
        digest = hashlib.sha256(pdf).hexdigest()
        row = IssuedDocument.create(
            case=case_id,
            kind=kind,
            assignment=assignment.id if assignment else None,
            reprint=reprint,
            page_size=page_size,
            sha256=digest,
            data=stored,
            issued_at=now,
            issued_by=session.user.id,
            number=number,
            edition=key,
        )
        label = f"{'补打' if reprint else '出具'}{title}" + (f"（{department}）" if department else "")
        note = f"文书号 {document_no(case.case_no, number)}，文件指纹 {digest[:16]}…"
        if kind in ("receipt", "notice") and not reprint:  # the reply date now told in writing
            latest = ReplyPromise.select(fn.MAX(ReplyPromise.id)).where(ReplyPromise.case == case_id).scalar()
            if latest is not None:  # a registered case has promised nothing yet
                ReplyPromise.update(told=True).where(ReplyPromise.id == latest).execute()
        head = append_events(case, session.user.id, [(label, note, None)], "print")
        chain_detail(op.detail, case.case_no, head)
        if kind == "receipt" and not reprint:  # 受理（回执）及时 counts from the first receipt
            from app.statistics import store as stats_store

            stats_store.refresh(case_id)
        op.detail.update(kind=kind, sha256=digest, assignment=assignment_id, number=number, reprint=reprint)
    info = IssuedInfo(
        row.id,
        kind,
        title,
        reprint,
        page_size,
        digest,
        now,
        session.user.display_name,
        department,
        document_no(case.case_no, number),
    )
    return info, pdf


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
            IssuedDocument.number,
        )
        .where(IssuedDocument.case == case_id)
        .order_by(IssuedDocument.id.desc())
    )
    names = {u.id: u.display_name for u in User.select().where(User.id.in_({r.issued_by_id for r in rows}))}
    depts = {
        a.id: document_data.department_name(a.department_id)
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
            document_no(case.case_no, r.number) if r.number else "",
        )
        for r in rows
    ]


def has_issued(case_id: int, kind: str, since_seq: int = 0) -> bool:
    """Whether an original of `kind` was issued for the case (after timeline entry `since_seq`)."""
    query = IssuedDocument.select().where((IssuedDocument.case == case_id) & (IssuedDocument.kind == kind))
    if since_seq:
        at = CaseEvent.select(CaseEvent.at).where((CaseEvent.case == case_id) & (CaseEvent.seq == since_seq))
        query = query.where(IssuedDocument.issued_at >= at.scalar())
    return query.exists()


def stored_pdf(session: Session, document_id: int) -> bytes:
    """The exact bytes issued earlier (for viewing or saving); the access is audited.

    A reader who may not see this case's full identifiers now (a clerk, the day after registering
    it) gets a copy rendered again with them masked: same document, issue time and 补打 mark; so does
    an intake role reading a 登记表 that lists the questions put to departments (left out for them)."""
    row = IssuedDocument.get_or_none(IssuedDocument.id == document_id)
    if row is None:
        raise NotFoundError("文书不存在")
    case = load_case(row.case_id)
    with audited_read(session, KIND_ACTIONS[row.kind], case, "case.document_opened", document=row.id) as seen:
        # Decided before the stored file is read: locally it is sealed from readers without the key.
        if row.kind in IDENTIFIER_KINDS:
            identifiers = sees_identifiers(session.user, seen, clock.now().date())
            if not identifiers or (not sees_handling(session.user, seen) and _lists_questions(case.id)):
                return _masked_copy(session, row, case, full=identifiers)
        return document_store.original_pdf(row, kind_title(row.kind))


def _lists_questions(case_id: int) -> bool:
    """Does a 登记表 of this case list the questions put to departments (for the office's eyes)?"""
    every = issues_of(case_id)
    return len(every) > 1 and any(i.questions.strip() for i in every)


def _masked_copy(session: Session, row: IssuedDocument, case: Case, full: bool = False) -> bytes:
    assignment = Assignment.get_by_id(row.assignment_id) if row.assignment_id else None
    return render_document(
        document_data.build(session, row.kind, case, assignment, row.issued_at, full=full),
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
