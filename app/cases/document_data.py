"""What each case document prints, as of a moment: the printing dataclasses filled from the case
(masked for the reader), for app/cases/documents.py to render, issue, preview and re-render."""

from __future__ import annotations

from datetime import datetime

from app import settings
from app.cases import handling
from app.cases.issues import UNCATEGORISED, IssueRecord, issues_of
from app.cases.states import FOLLOWUP_METHODS, State
from app.policy import sees_handling, sees_identifiers
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
from app.write_path import facts
from models.accounts import User
from models.case_record import ReplyPromise
from models.cases import (
    Assignment,
    Case,
    CaseEvent,
    CaseText,
    Category,
    Complainant,
    ExternalRoute,
    FollowUp,
)
from models.organisation import Department
from printing.data import (
    DispatchData,
    FollowUpData,
    IssueLine,
    NoticeData,
    ReceiptData,
    RegistrationData,
    RejectionData,
    ResultData,
)


def _name(user_id: int | None) -> str | None:
    return User.get_by_id(user_id).display_name if user_id else None


def department_name(dept_id: int | None) -> str | None:
    return Department.get_by_id(dept_id).name if dept_id else None


def build(
    session: Session,
    kind: str,
    case: Case,
    assignment: Assignment | None,
    now: datetime,
    full: bool | None = None,
):
    """The document's data as of `now`; full identifiers when the reader sees them (or as `full` says).
    Only the 登记表 prints identifiers, so only it asks who may see them (one statement fewer for the
    other documents, which a server charges a round trip and the case's policy)."""
    complainant = Complainant.get_by_id(case.complainant_id)
    text = CaseText.get_by_id(case.id)
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
            summary=text.content,
            expected_reply_date=case.reply_due,
            expected_reply_provisional=case.due_provisional,
            workdays=_reply_workdays(case),
            handler_name=_name(case.registered_by_id),
            office_accepts_on=case.accept_due
            if case.night_intake and case.state == State.REGISTERED
            else None,
            office_opens_at=settings.get("office_hours_start"),
            issues=_listed_issues(case.id, questions=False),
            issued_at=now,
        )
    if kind == "registration":
        case_facts = facts(case)
        if full is None:
            full = sees_identifiers(session.user, case_facts, now.date())
        listed = _listed_issues(case.id, questions=sees_handling(session.user, case_facts))
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
            visit_department=department_name(case.visit_department_id),
            visit_date=case.visit_date,
            category_path="；".join(dict.fromkeys(i.category for i in listed)) if listed else category,
            severity=SEVERITIES[case.severity],
            narrative=text.content,
            demands=text.demands or None,
            registered_by=_name(case.registered_by_id),
            issues=listed,
            issued_at=now,
        )
    if kind == "dispatch":
        mine = _department_issues(case.id, assignment.department_id)
        return DispatchData(
            case_no=case.case_no,
            department=department_name(assignment.department_id),
            sent_at=assignment.sent_at,
            deadline=assignment.due,
            deadline_provisional=assignment.due_provisional,
            narrative=text.content,
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
        texts = handling.of(case.id)
        return ResultData(
            case_no=case.case_no,
            complainant_name=complainant.name or "投诉人",
            received_at=case.received_at,
            facts=texts.facts,
            finding=FINDINGS[case.finding],
            resolution=texts.resolution,
            refund_amount=case.refund_amount,
            compensation_amount=case.compensation_amount,
            rectification=[r for r in texts.rectification.splitlines() if r.strip()],
            issues=[
                IssueLine(heading=i.heading(), finding=FINDINGS.get(i.finding), note=i.finding_note)
                for i in issues_of(case.id)
            ],
            issued_at=now,
        )
    if kind == "notice":
        from app.cases.promises import REASONS

        told, moves = _moves_since_told(case.id)
        latest = moves[-1]
        return NoticeData(
            case_no=case.case_no,
            complainant_name=complainant.name or "投诉人",
            received_at=case.received_at,
            previous_date=told.due if told is not None else moves[0].previous,
            new_date=latest.due,
            new_date_provisional=latest.provisional,
            reason="；".join(dict.fromkeys(REASONS[m.reason] for m in moves)),
            note="\n".join(dict.fromkeys(m.note for m in moves if m.note)) or None,
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
        routes=_routes(case),
        issued_at=now,
    )


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _listed_issues(case_id: int, *, questions: bool) -> list[IssueLine]:
    """The issues a 登记表 or 受理回执 lists when the complaint raises several (none otherwise):
    category, department and — for a reader who sees the handling — the questions."""
    every = issues_of(case_id)
    if len(every) < 2:
        return []
    return [
        IssueLine(
            heading=i.heading(),
            category=i.category_path or UNCATEGORISED,
            department=i.department,
            questions=_lines(i.questions) if questions else (),
        )
        for i in every
    ]


def _department_issues(case_id: int, department_id: int) -> list[IssueRecord]:
    """The issues a 转办单 lists: those of its department; when none is that department's (the case
    was sent to it as a whole), every issue of the case."""
    every = issues_of(case_id)
    return [i for i in every if i.department_id == department_id] or every


def _routes(case: Case) -> list[tuple[str, str, str]]:
    """The external routes of the case for the 回访记录: (route, status, outcome)."""
    from app import dictionaries
    from app.cases.follow_up import ROUTE_STATUSES

    names = {r.id: r.name for r in dictionaries.external_routes()}
    return [
        (names.get(r.route, r.route), ROUTE_STATUSES.get(r.status, r.status), r.outcome)
        for r in ExternalRoute.select().where(ExternalRoute.case == case.id).order_by(ExternalRoute.id)
    ]


def latest_move(case_id: int) -> ReplyPromise | None:
    """The newest change of the promised reply date (not the first promise), or None."""
    return (
        ReplyPromise.select()
        .where((ReplyPromise.case == case_id) & ReplyPromise.previous.is_null(False))
        .order_by(ReplyPromise.id.desc())
        .first()
    )


def _moves_since_told(case_id: int) -> tuple[ReplyPromise | None, list[ReplyPromise]]:
    """The promise the complainant was last given in writing (on an issued 受理回执 or 延期告知书),
    and the changes of the reply date since (at least the latest change)."""
    promises = list(ReplyPromise.select().where(ReplyPromise.case == case_id).order_by(ReplyPromise.id))
    told = next((p for p in reversed(promises) if p.told), None)
    moves = [p for p in promises if p.previous is not None and (told is None or p.id > told.id)]
    if not moves:  # the newest change was told already: its notice again
        moves = [p for p in promises if p.previous is not None][-1:]
        told = next((p for p in reversed(promises) if p.id < moves[0].id), None)
    return told, moves


def _reply_workdays(case: Case) -> int:
    from app.deadlines import calendar

    departments = (
        Assignment.select(Assignment.department).where(Assignment.case == case.id).distinct().count()
    )
    return calendar.rules().reply_workdays_for(departments) + case.extension_workdays


def _rejection_note(case: Case) -> str | None:

    event = (
        CaseEvent.select()
        .where((CaseEvent.case == case.id) & (CaseEvent.action == "reject"))
        .order_by(CaseEvent.seq.desc())
        .first()
    )
    return (event.note or None) if event else None
