"""Registering a complaint (登记), duplicate detection, and the intake form's validation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import peewee

from app import audit, clock, restricted_content, settings, witness
from app.cases import numbering, overlays, repeats, search
from app.cases.issues import IssueInput, clean_issue, create_issue
from app.cases.issues import category_id as category_id_of
from app.cases.states import State
from app.db_errors import translated
from app.deadlines import calendar
from app.deadlines.rules import OfficeHours, is_after_hours
from app.departments import active_department_id
from app.errors import ValidationError
from app.policy import Action, can, registers_as_night_duty
from app.rectification import recurrence
from app.session import Session
from app.statistics import store as stats_store
from app.validation import (
    CHANNELS,
    RELATIONS,
    SEVERITIES,
    TRANSFER_SOURCES,
    clean_text,
    mask_id_number,
    mask_phone,
    mask_record_no,
    require_fields,
    validate_choice,
    validate_email,
    validate_id_number,
    validate_not_future,
    validate_phone,
)
from app.write_path import append_events, chain_detail, check, deny, load_case, operation, require
from models.audit import AuditEntry
from models.cases import Case, CaseLink, CaseText, Complainant
from models.database import database_proxy
from models.fields import CONTENT_PREFIX, blind_index, identifier_equals

DUPLICATE_WINDOW = timedelta(days=180)
CONTENT_MAX = 20000


@dataclass
class IntakeForm:
    """What the intake form (or the CLI, or the demo generator) submits. Strings as typed."""

    channel: str
    content: str
    received_at: datetime | None = None
    complainant_name: str = ""
    relation: str = "self"
    complainant_phone: str = ""
    complainant_id_number: str = ""
    complainant_address: str = ""
    complainant_email: str = ""
    complainant_online_account: str = ""
    transfer_source: str = ""
    transfer_reference: str = ""
    source_department: str = ""  # department code, for 院内转来
    patient_name: str = ""
    patient_record_no: str = ""
    visit_department: str = ""  # department code
    visit_date: date | None = None
    category: str = ""  # leaf code
    severity: str = "minor"
    demands: str = ""
    link_to: list[int] = field(default_factory=list)  # earlier cases the user linked as related
    repeat_of: list[int] = field(default_factory=list)  # earlier cases this one repeats (重复投诉)
    # 投诉事项: empty means one issue of `category`; otherwise these issues, the first one's category
    # being the case's (each needs a summary when there are several).
    issues: list[IssueInput] = field(default_factory=list)


@dataclass(frozen=True)
class Registered:
    case_id: int
    case_no: str
    query_code: str
    accept_due: date
    night_intake: bool


def _clean(form: IntakeForm, now: datetime) -> dict:
    """Validate every field; the first problem raises ValidationError naming the field in Chinese."""
    channel = validate_choice(form.channel, CHANNELS, field="channel", label="投诉渠道")
    values = {
        "complainant_name": clean_text(
            form.complainant_name, field="complainant_name", label="投诉人姓名", max_len=40
        ),
        "complainant_phone": validate_phone(form.complainant_phone),
        "complainant_id_number": validate_id_number(form.complainant_id_number, today=now.date()),
        "complainant_address": clean_text(
            form.complainant_address, field="complainant_address", label="联系地址", max_len=200
        ),
        "complainant_email": validate_email(form.complainant_email) if form.complainant_email.strip() else "",
        "complainant_online_account": clean_text(
            form.complainant_online_account, field="complainant_online_account", label="网络账号", max_len=100
        ),
        "transfer_source": (
            validate_choice(form.transfer_source, TRANSFER_SOURCES, field="transfer_source", label="转办单位")
            if form.transfer_source
            else ""
        ),
        "transfer_reference": clean_text(
            form.transfer_reference, field="transfer_reference", label="转办编号", max_len=64
        ),
        "source_department": form.source_department.strip(),
        "content": clean_text(
            form.content, field="content", label="投诉内容", max_len=CONTENT_MAX, multiline=True
        ),
    }
    require_fields(channel, values)
    received_at = form.received_at or now
    validate_not_future(received_at, now + timedelta(minutes=5), "received_at", "接待时间")
    if received_at < now - timedelta(days=366):
        raise ValidationError("received_at", "接待时间", "不能早于一年以前")
    if form.visit_date is not None:
        validate_not_future(form.visit_date, now, "visit_date", "就诊日期")
        if form.visit_date > received_at.date():
            raise ValidationError("visit_date", "就诊日期", "不能晚于接待日期")
    if form.issues:
        several = len(form.issues) > 1
        issues = [clean_issue(i, required_summary=several) for i in form.issues]
        category_id = issues[0].category_id
    else:
        category_id = category_id_of(form.category)
        issues = [clean_issue(IssueInput(category=form.category))]
    return {
        "issues": issues,
        **values,
        "channel": channel,
        "received_at": received_at.replace(microsecond=0),
        "relation": validate_choice(form.relation or "self", RELATIONS, field="relation", label="与患者关系"),
        "source_department_id": active_department_id(
            values["source_department"], field="source_department", label="转来科室"
        ),
        "visit_department_id": active_department_id(
            form.visit_department, field="visit_department", label="就诊科室"
        ),
        "patient_name": clean_text(form.patient_name, field="patient_name", label="患者姓名", max_len=40),
        "patient_record_no": clean_text(
            form.patient_record_no, field="patient_record_no", label="门诊号/住院号", max_len=32
        ).upper(),
        "visit_date": form.visit_date,
        "category_id": category_id,
        "severity": validate_choice(form.severity or "minor", SEVERITIES, field="severity", label="严重程度"),
        "demands": clean_text(form.demands, field="demands", label="诉求", max_len=2000, multiline=True),
    }


# Timeline wording: one place for the services and the demo's bulk replay (app/demo/replay.py).
ESCALATED_ON_REGISTER_SUMMARY = "重大投诉，已即时上报院领导"
MERGED_ON_REGISTER_NOTE = "登记时发现为重复投诉"
LINKED_ON_REGISTER_NOTE = "登记时关联"
REPEAT_ON_REGISTER_NOTE = "登记时发现为重复投诉"


def registered_summary(channel: str, night_intake: bool) -> str:
    return f"登记投诉（{CHANNELS[channel]}）" + ("，总值班夜间登记" if night_intake else "")


def issues_note(issues: list) -> str:
    """The registration entry lists the issues of a complaint that raises several."""
    if len(issues) < 2:
        return ""
    return "投诉事项：" + "；".join(f"{n}. {i.summary}" for n, i in enumerate(issues, start=1))


def linked_summary(other_case_no: str) -> str:
    return f"关联既往案件 {other_case_no}"


def accepts_next_workday(channel: str, night_intake: bool, received_after_hours: bool) -> bool:
    """Acceptance may wait until the next working day for night-duty, letter and after-hours intakes."""
    return night_intake or channel == "letter" or received_after_hours


def _accept_due(
    received_at: datetime, channel: str, night_intake: bool, hours: OfficeHours | None = None
) -> date:
    """Acceptance by the next working day for night-duty, letter and after-hours intakes."""
    cal = calendar.calendar()
    if accepts_next_workday(
        channel, night_intake, is_after_hours(received_at, cal, hours or calendar.office_hours())
    ):
        workdays = calendar.rules().acceptance_next_workday
        return cal.add_workdays(received_at.date(), workdays)[0]
    return received_at.date()


def _night_intake(session: Session, now: datetime, hours: OfficeHours | None = None) -> bool:
    after_hours = is_after_hours(now, calendar.calendar(), hours or calendar.office_hours())
    return registers_as_night_duty(session.user, after_hours)


@dataclass(frozen=True)
class IntakeMode:
    """How a complaint registered now by this user is treated (shown before saving)."""

    night_intake: bool  # a 总值班 intake: the short form, taken over by the office next working morning
    accept_due: date  # the acceptance deadline a complaint received now through the channel gets


def intake_mode(session: Session, channel: str = "phone") -> IntakeMode:
    """Whether registering now is a 总值班 intake, and the acceptance date it would get."""
    now = clock.now()
    night = _night_intake(session, now)
    return IntakeMode(night, _accept_due(now, channel, night))


def register(
    session: Session,
    form: IntakeForm,
    attachments: Sequence[tuple[str, bytes]] = (),
    merge_into: int | None = None,
) -> Registered:
    """Validate, number and store a new complaint with its first timeline entry and audit record,
    with the `attachments` (file name, bytes) the clerk added and, when `merge_into` is given, folded
    into that case as a duplicate — all in one transaction: any refusal leaves nothing written."""
    require(session, Action.REGISTER, target="case")
    if attachments:
        require(session, Action.ADD_ATTACHMENT, target="case")
    if merge_into is not None:
        check(session, Action.MERGE, load_case(merge_into))
    now = clock.now()
    v = _clean(form, now)
    hours = calendar.office_hours()  # read once (two settings) for the night check and the due date
    night = _night_intake(session, now, hours)
    repeated = [int(i) for i in form.repeat_of if int(i) != merge_into]
    linked = [int(i) for i in form.link_to if int(i) != merge_into and int(i) not in repeated]
    with translated(), database_proxy.atomic():
        case = _store(session, v, now, night, linked, repeated, hours)
        for name, data in attachments:
            overlays.add_attachment(session, case.id, name, data)
        if merge_into is not None:
            overlays.merge(session, case.id, merge_into, MERGED_ON_REGISTER_NOTE)
    session.touch()
    return Registered(case.id, case.case_no, case.query_code, case.accept_due, night)


def _store(
    session: Session,
    v: dict,
    now: datetime,
    night: bool,
    linked: list[int],
    repeated: list[int],
    hours: OfficeHours | None = None,
) -> Case:
    """The new case, its complainant, first timeline entries, links, search index and audit entry."""
    with operation(session, Action.REGISTER, "case.register", target="case") as op:
        case_no = numbering.next_case_no(settings.get("case_prefix"), v["received_at"].year)
        complainant = Complainant.create(
            name=v["complainant_name"],
            relation=v["relation"],
            phone=v["complainant_phone"],
            id_number=v["complainant_id_number"],
            address=v["complainant_address"],
            email=v["complainant_email"],
            online_account=v["complainant_online_account"],
            name_index=blind_index("name", v["complainant_name"]),
            phone_index=blind_index("phone", v["complainant_phone"]),
            id_number_index=blind_index("id", v["complainant_id_number"]),
        )
        case = Case.create(
            case_no=case_no,
            query_code=numbering.new_query_code(),
            state=State.REGISTERED,
            channel=v["channel"],
            transfer_source=v["transfer_source"],
            transfer_reference=v["transfer_reference"],
            source_department=v["source_department_id"],
            received_at=v["received_at"],
            registered_at=now,
            registered_by=session.user.id,
            night_intake=night,
            complainant=complainant,
            patient_name=v["patient_name"],
            patient_record_no=v["patient_record_no"],
            patient_name_index=blind_index("name", v["patient_name"]),
            patient_record_index=blind_index("record", v["patient_record_no"]),
            visit_department=v["visit_department_id"],
            visit_date=v["visit_date"],
            category=v["category_id"],
            severity=v["severity"],
            accept_due=_accept_due(v["received_at"], v["channel"], night, hours),
            escalated_at=now if v["severity"] == "major" else None,
            updated_at=now,
            updated_by=session.user.id,
        )
        CaseText.create(case=case.id, content=v["content"], demands=v["demands"])
        for seq, issue in enumerate(v["issues"], start=1):
            create_issue(case, seq, issue, session.user.id, now)
        events = [(registered_summary(v["channel"], night), issues_note(v["issues"]), None)]
        if case.escalated_at:
            events.append((ESCALATED_ON_REGISTER_SUMMARY, "", None))
        for other in _linkable(session, linked):
            CaseLink.create(case=case, other=other, note=LINKED_ON_REGISTER_NOTE)
            events.append((linked_summary(other.case_no), "", None))
        for other in _linkable(session, repeated):
            if other.received_at > case.received_at:
                raise ValidationError(
                    "repeat_of", "重复投诉", f"{other.case_no} 晚于本投诉接待，不能作为前案"
                )
            CaseLink.create(case=case, other=other, note=REPEAT_ON_REGISTER_NOTE, kind=repeats.REPEAT)
            events.append(
                (repeats.repeated_summary(other.case_no, other.state), REPEAT_ON_REGISTER_NOTE, None)
            )
            later = [(repeats.repeated_by_summary(case_no), REPEAT_ON_REGISTER_NOTE, None)]
            chain_detail(op.detail, other.case_no, append_events(other, session.user.id, later, "link"))
        events += [(line, "", None) for line in recurrence.flag(session, case)]
        chain_detail(op.detail, case_no, append_events(case, session.user.id, events, "register"))
        stats_store.refresh(case.id)
        restricted_content.settle(case)
        search.index_case(case)
        op.target = case_no
        op.detail.update(channel=v["channel"], night_intake=night, severity=v["severity"])
    return case


def _linkable(session: Session, ids: list[int]) -> list[Case]:
    from app.cases.visibility import visible

    if not ids:
        return []
    return list(visible(session.user, Case.select()).where(Case.id.in_(ids)))


@dataclass(frozen=True)
class DuplicateCandidate:
    case_id: int
    case_no: str
    received_at: datetime
    state: str
    matched_on: str  # 电话 / 身份证号 / 门诊号/住院号
    summary: str


def find_duplicates(
    session: Session,
    phone: str = "",
    id_number: str = "",
    record_no: str = "",
    exclude_case_id: int | None = None,
) -> list[DuplicateCandidate]:
    """Earlier cases (last 180 days) with the same phone, ID number or 门诊/住院号, visible to the user.

    Invalid or partial input simply finds nothing: this runs while the user is still typing. Each
    look-up of a complete identifier is audited (with the identifiers masked), and the front-desk
    roles, who do not see full identifiers after the day of registration, have a limited number
    per hour (`DUPLICATE_CHECKS_PER_HOUR`): otherwise trying every middle digit of a masked phone
    number would reveal it.
    """
    from app.cases.visibility import visible

    require(session, Action.REGISTER, target="duplicates")
    keys: list[tuple[str, object]] = []
    masked: dict[str, str] = {}
    try:
        if phone.strip():
            number = validate_phone(phone)
            match = identifier_equals(Complainant.phone, Complainant.phone_index, "phone", number)
            keys.append(("电话", Case.complainant.in_(Complainant.select(Complainant.id).where(match))))
            masked["phone"] = mask_phone(number)
        if id_number.strip():
            number = validate_id_number(id_number)
            match = identifier_equals(Complainant.id_number, Complainant.id_number_index, "id", number)
            keys.append(("身份证号", Case.complainant.in_(Complainant.select(Complainant.id).where(match))))
            masked["id_number"] = mask_id_number(number)
    except ValidationError:
        pass
    if record_no.strip():
        record = record_no.strip().upper()
        keys.append(
            (
                "门诊号/住院号",
                identifier_equals(Case.patient_record_no, Case.patient_record_index, "record", record),
            )
        )
        masked["record_no"] = mask_record_no(record)
    if not keys:
        return []
    _charge_duplicate_check(session)
    since = clock.now() - DUPLICATE_WINDOW
    found: dict[int, DuplicateCandidate] = {}
    for label, condition in keys:
        query = visible(
            session.user,
            Case.select(
                Case.id,
                Case.case_no,
                Case.received_at,
                Case.state,
                peewee.Case(  # a restricted case's sealed text whole: it opens only whole
                    None,
                    [
                        (
                            peewee.fn.SUBSTR(CaseText.content, 1, len(CONTENT_PREFIX)) == CONTENT_PREFIX,
                            CaseText.content,
                        )
                    ],
                    peewee.fn.SUBSTR(CaseText.content, 1, 60),
                ).alias("content"),
            ).join(CaseText, on=(CaseText.case == Case.id)),
        ).where(condition, Case.received_at >= since)
        if exclude_case_id:
            query = query.where(Case.id != exclude_case_id)
        for row in query.order_by(Case.received_at.desc()).limit(20):
            found.setdefault(
                row.id,
                DuplicateCandidate(
                    row.id, row.case_no, row.received_at, row.state, label, _opened(row.content)[:60]
                ),
            )
    with translated(), database_proxy.atomic():
        audit.record(
            session.user.username, DUPLICATE_CHECK_AUDIT, "duplicates", {**masked, "matches": len(found)}
        )
    witness.refresh(session, after_read=True)
    return sorted(found.values(), key=lambda c: c.received_at, reverse=True)


def _opened(text: str | None) -> str:
    return CaseText.content.python_value(text) or ""


DUPLICATE_CHECK_AUDIT = "case.duplicate_check"
DUPLICATE_CHECKS_PER_HOUR = 30


def _charge_duplicate_check(session: Session) -> None:
    """Refuse (audited) a front-desk user's look-up beyond the hourly limit."""
    if can(session.user, Action.SEARCH_IDENTIFIERS):
        return  # the office finds cases by full identifiers anyway
    since = (clock.now() - timedelta(hours=1)).isoformat(timespec="seconds")
    done = (
        AuditEntry.select()
        .where(
            (AuditEntry.action == DUPLICATE_CHECK_AUDIT)
            & (AuditEntry.actor == session.user.username)
            & (AuditEntry.at >= since)
        )
        .count()
    )
    if done >= DUPLICATE_CHECKS_PER_HOUR:
        raise deny(
            session,
            Action.REGISTER,
            "duplicates",
            f"查重过于频繁：每小时最多 {DUPLICATE_CHECKS_PER_HOUR} 次，请稍后再试或请医患沟通办公室专员查询",
        )
