"""Opening a case for reading: one audited call returning a plain, masked view of everything."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from app import clock, dictionaries
from app.cases import corrections, drafts, history
from app.cases import handling as handling_texts
from app.cases.issues import CaseFinding, IssueRecord, case_finding, issues_of
from app.cases.repeats import RepeatGroup, group_of
from app.cases.rules import RULES, RuleName, decide, role_may
from app.cases.states import ASSIGNMENT_LABELS, CLOSE_KINDS, FOLLOWUP_METHODS, REPLY_METHODS, STATE_LABELS
from app.deadlines.case_clocks import assignment_status, case_status, external_report_status
from app.deadlines.rules import DeadlineStatus
from app.policy import Action, Decision, sees_handling, sees_identifiers
from app.session import Session
from app.validation import (
    CHANNELS,
    FINDINGS,
    RELATIONS,
    SATISFACTIONS,
    SEVERITIES,
    TRANSFER_SOURCES,
    mask_account,
    mask_address,
    mask_email,
    mask_id_number,
    mask_phone,
    mask_record_no,
)
from app.write_path import CaseFactsData, audited_read, check, ensure_unlocked, facts, load_case
from models.accounts import User
from models.cases import (
    Assignment,
    Attachment,
    Case,
    CaseAccess,
    CaseEvent,
    CaseHandling,
    CaseLink,
    CaseText,
    Category,
    Complainant,
    Extension,
    ExternalRoute,
    FollowUp,
)
from models.organisation import Department


@dataclass(frozen=True)
class TimelineItem:
    seq: int
    at: datetime
    actor: str
    action: str
    summary: str
    note: str
    attachment_id: int | None
    attachment_name: str


@dataclass(frozen=True)
class AssignmentView:
    id: int
    department: str
    state: str
    state_label: str
    questions: str
    sent_at: datetime
    due: date
    deadline: DeadlineStatus | None
    acknowledged_at: datetime | None
    acknowledged_by: str
    responded_at: datetime | None
    response: str
    responder: str
    return_reason: str


@dataclass(frozen=True)
class FollowUpView:
    at: datetime
    by: str
    method_label: str
    satisfaction_label: str
    remarks: str
    outcome: str


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    filename: str
    mime_type: str
    size: int
    note: str
    added_at: datetime
    added_by: str


@dataclass(frozen=True)
class ExtensionView:
    id: int
    workdays: int
    reason: str
    state: str
    requested_by: str
    requested_at: datetime
    decision_note: str


@dataclass(frozen=True)
class ExternalRouteView:
    id: int
    name: str
    status: str
    outcome: str
    started_at: datetime


@dataclass(frozen=True)
class CaseView:
    id: int
    case_no: str
    query_code: str
    version: int
    state: str
    state_label: str
    channel_label: str
    received_at: datetime
    registered_at: datetime
    registered_by: str
    night_intake: bool
    complainant_name: str
    relation_label: str
    complainant_phone: str
    complainant_id_number: str
    complainant_address: str
    complainant_email: str
    complainant_online_account: str
    identifiers_masked: bool
    transfer_source_label: str
    transfer_reference: str
    source_department: str
    patient_name: str
    patient_record_no: str
    visit_department: str
    visit_date: date | None
    category_path: str
    severity: str
    severity_label: str
    content: str
    demands: str
    officer: str
    accept_due: date | None
    reply_due: date | None
    deadline: DeadlineStatus | None
    external_report: DeadlineStatus | None
    on_hold: bool
    hold_reason: str
    restricted: bool
    escalated_at: datetime | None
    flagged: bool
    reroute_count: int
    reopen_count: int
    handling_visible: bool
    facts: str
    finding: str
    finding_label: str
    resolution: str
    compensation_amount: Decimal | None
    refund_amount: Decimal | None
    draft_revision: int  # the newest saved revision of the draft (0: none)
    rectification: str
    approval_comment: str
    reply_method_label: str
    replied_at: datetime | None
    reject_reason_text: str
    merged_into: str
    closed_at: datetime | None
    closed_by: str
    close_kind_label: str
    close_reason: str
    archived: bool
    assignments: tuple[AssignmentView, ...]
    followups: tuple[FollowUpView, ...]
    attachments: tuple[AttachmentInfo, ...]
    extensions: tuple[ExtensionView, ...]
    external_routes: tuple[ExternalRouteView, ...]
    links: tuple[tuple[int, str], ...]
    repeat_group: RepeatGroup | None  # 重复投诉: this case's place among the repeats of one matter
    issues: tuple[IssueRecord, ...]  # 投诉事项; questions and findings only for the office
    case_finding: CaseFinding | None  # derived / overridden; None for the intake roles
    named_officers: tuple[str, ...]
    timeline: tuple[TimelineItem, ...]  # newest first
    timeline_problem: str = ""  # the first break of the timeline's hash chain ("" when intact)


# What the intake roles do not see of an issue: where it was routed, what was asked, what was found.
_HANDLING_ONLY: dict = {
    "department_id": None,
    "department_code": "",
    "department": "",
    "questions": "",
    "finding": "",
    "finding_note": "",
}


def handling_visible(session: Session, case: Case) -> bool:
    return sees_handling(session.user, facts(case))


def _names(ids: set[int]) -> dict[int, str]:
    ids.discard(None)
    return (
        {u.id: u.display_name for u in User.select(User.id, User.display_name).where(User.id.in_(ids))}
        if ids
        else {}
    )


def _dept(dept_id: int | None) -> str:
    return Department.get_by_id(dept_id).name if dept_id else ""


def _timeline(case: Case, handling: bool, full_ids: bool) -> tuple[tuple[TimelineItem, ...], str]:
    """The events this reader sees (newest first), and whether the whole chain still holds."""
    events = list(CaseEvent.select().where(CaseEvent.case == case.id).order_by(CaseEvent.seq.desc()))
    problem = history.case_problem(case.id, case.restricted)
    names = _names({e.actor_id for e in events})
    attachment_names = {
        a.id: a.filename
        for a in Attachment.select(Attachment.id, Attachment.filename).where(Attachment.case == case.id)
    }
    corrected = corrections.change_lines(case.id, full_ids)  # before → after, masked for this reader
    items = []
    for e in events:
        if (
            not handling
            and e.action not in ("register", "attachment")
            and e.actor_id != case.registered_by_id
        ):
            continue  # the intake roles see the intake part of the history only
        items.append(
            TimelineItem(
                e.seq,
                e.at,
                names.get(e.actor_id, ""),
                e.action,
                e.summary,
                corrections.timeline_note(e, corrected)
                if handling or e.action in ("register", "correct")
                else "",
                e.attachment_id,
                attachment_names.get(e.attachment_id, ""),
            )
        )
    return tuple(items), problem


def open_case(session: Session, case_id: int) -> CaseView:
    """Everything about a case the user may see, masked per policy. The view itself is audited."""
    ensure_unlocked(session)  # shared mode: the case is read through this session's own connection
    case = load_case(case_id)
    with audited_read(session, Action.VIEW_CASE, case, "case.view") as case_facts:
        return _case_view(session, case, case_facts)


def _case_view(session: Session, case: Case, case_facts: CaseFactsData) -> CaseView:
    now = clock.now()
    handling = sees_handling(session.user, case_facts)
    full_ids = sees_identifiers(session.user, case_facts, now.date())
    complainant = Complainant.get_by_id(case.complainant_id)
    text = CaseText.get_by_id(case.id)
    names = _names({case.registered_by_id, case.officer_id, case.closed_by_id})
    reasons = {r.code: r.text for r in dictionaries.rejection_reasons()}
    routes = {r.id: r.name for r in dictionaries.external_routes()}

    assignments = (
        tuple(
            AssignmentView(
                a.id,
                _dept(a.department_id),
                a.state,
                ASSIGNMENT_LABELS[a.state],
                a.questions,
                a.sent_at,
                a.due,
                assignment_status(a, now),
                a.acknowledged_at,
                a.acknowledged_by,
                a.responded_at,
                a.response,
                a.responder,
                a.return_reason,
            )
            for a in Assignment.select().where(Assignment.case == case.id).order_by(Assignment.id)
        )
        if handling
        else ()
    )
    followup_rows = (
        list(FollowUp.select().where(FollowUp.case == case.id).order_by(FollowUp.id)) if handling else []
    )
    extension_rows = (
        list(Extension.select().where(Extension.case == case.id).order_by(Extension.id)) if handling else []
    )
    attachment_rows = list(
        Attachment.select(
            Attachment.id,
            Attachment.filename,
            Attachment.mime_type,
            Attachment.size,
            Attachment.note,
            Attachment.added_at,
            Attachment.added_by,
        )
        .where(Attachment.case == case.id)
        .order_by(Attachment.id)
    )
    if not handling:
        attachment_rows = [a for a in attachment_rows if a.added_by_id == session.user.id]
    people = _names(
        {r.by_id for r in followup_rows}
        | {r.requested_by_id for r in extension_rows}
        | {a.added_by_id for a in attachment_rows}
    )
    links = tuple(
        (row.other.id, row.other.case_no) for row in CaseLink.select().where(CaseLink.case == case.id)
    )
    links += tuple(
        (row.case.id, row.case.case_no) for row in CaseLink.select().where(CaseLink.other == case.id)
    )
    named = tuple(u.display_name for u in User.select().join(CaseAccess).where(CaseAccess.case == case.id))
    issues = issues_of(case.id)
    timeline, timeline_problem = _timeline(case, handling, full_ids)
    hide = (lambda value: value) if handling else (lambda value: type(value)() if value is not None else None)
    texts = handling_texts.of(case.id) if handling else CaseHandling(case=case.id)

    return CaseView(
        id=case.id,
        case_no=case.case_no,
        query_code=case.query_code,
        version=case.version,
        state=case.state,
        state_label=STATE_LABELS[case.state],
        channel_label=CHANNELS.get(case.channel, case.channel),
        received_at=case.received_at,
        registered_at=case.registered_at,
        registered_by=names.get(case.registered_by_id, ""),
        night_intake=case.night_intake,
        complainant_name=complainant.name,
        relation_label=RELATIONS.get(complainant.relation, ""),
        complainant_phone=complainant.phone if full_ids else mask_phone(complainant.phone),
        complainant_id_number=complainant.id_number if full_ids else mask_id_number(complainant.id_number),
        complainant_address=complainant.address if full_ids else mask_address(complainant.address),
        complainant_email=complainant.email if full_ids else mask_email(complainant.email),
        complainant_online_account=(
            complainant.online_account if full_ids else mask_account(complainant.online_account)
        ),
        identifiers_masked=not full_ids,
        transfer_source_label=TRANSFER_SOURCES.get(case.transfer_source, ""),
        transfer_reference=case.transfer_reference,
        source_department=_dept(case.source_department_id),
        patient_name=case.patient_name,
        patient_record_no=case.patient_record_no if full_ids else mask_record_no(case.patient_record_no),
        visit_department=_dept(case.visit_department_id),
        visit_date=case.visit_date,
        category_path=Category.get_by_id(case.category_id).path if case.category_id else "",
        severity=case.severity,
        severity_label=SEVERITIES[case.severity],
        content=text.content,
        demands=text.demands,
        officer=names.get(case.officer_id, ""),
        accept_due=case.accept_due,
        reply_due=case.reply_due,
        deadline=case_status(case, now),
        external_report=external_report_status(case, now) if handling else None,
        on_hold=case.on_hold,
        hold_reason=case.hold_reason,
        restricted=case.restricted,
        escalated_at=case.escalated_at,
        flagged=case.flagged,
        reroute_count=case.reroute_count,
        reopen_count=case.reopen_count,
        handling_visible=handling,
        facts=hide(texts.facts),
        finding=hide(case.finding),
        finding_label=FINDINGS.get(case.finding, "") if handling else "",
        resolution=hide(texts.resolution),
        compensation_amount=case.compensation_amount if handling else None,
        refund_amount=case.refund_amount if handling else None,
        draft_revision=drafts.current_revision(case.id) if handling else 0,
        rectification=hide(texts.rectification),
        approval_comment=hide(texts.approval_comment),
        reply_method_label=REPLY_METHODS.get(case.reply_method, "") if handling else "",
        replied_at=case.replied_at if handling else None,
        reject_reason_text=reasons.get(case.reject_reason, ""),
        merged_into=Case.get_by_id(case.merged_into_id).case_no if case.merged_into_id else "",
        closed_at=case.closed_at,
        closed_by=names.get(case.closed_by_id, ""),
        close_kind_label=CLOSE_KINDS.get(case.close_kind, ""),
        close_reason=hide(case.close_reason),
        archived=case.archived,
        assignments=assignments,
        followups=tuple(
            FollowUpView(
                f.at,
                people.get(f.by_id, ""),
                FOLLOWUP_METHODS.get(f.method, f.method),
                SATISFACTIONS.get(f.satisfaction, f.satisfaction),
                f.remarks,
                f.outcome,
            )
            for f in followup_rows
        ),
        attachments=tuple(
            AttachmentInfo(
                a.id, a.filename, a.mime_type, a.size, a.note, a.added_at, people.get(a.added_by_id, "")
            )
            for a in attachment_rows
        ),
        extensions=tuple(
            ExtensionView(
                x.id,
                x.workdays,
                x.reason,
                x.state,
                people.get(x.requested_by_id, ""),
                x.requested_at,
                x.decision_note,
            )
            for x in extension_rows
        ),
        external_routes=tuple(
            ExternalRouteView(r.id, routes.get(r.route, r.route), r.status, r.outcome, r.started_at)
            for r in ExternalRoute.select().where(ExternalRoute.case == case.id)
        )
        if handling
        else (),
        links=links if handling else (),
        repeat_group=group_of(case.id),
        issues=tuple(i if handling else replace(i, **_HANDLING_ONLY) for i in issues),
        case_finding=case_finding(case.id, issues) if handling else None,
        named_officers=named if handling else (),
        timeline=timeline,
        timeline_problem=timeline_problem,
    )


def possible_actions(session: Session) -> frozenset[str]:
    """The rules this user's roles may ever run (`rules.role_may`); the others are not offered."""
    return frozenset(name for name in RULES if role_may(session.user, name))


def available_actions(session: Session, case_id: int) -> dict[str, Decision]:
    """For each rule of app.cases.rules: may this user run it on this case now, and if not, why.
    Only for a case the user may see: otherwise the answers would tell what state it is in."""
    case = load_case(case_id)
    case_facts = check(session, Action.VIEW_CASE, case)
    decisions = {name: decide(session.user, name, case_facts, case.on_hold) for name in RULES}
    if case.escalated_at is not None:  # 上报 happens once: the action is gone once escalated
        decisions[RuleName.ESCALATE] = Decision(False, "该案件已按重大投诉上报")
    return decisions
