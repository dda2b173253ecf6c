"""更正登记信息: correcting what was registered (a night-duty case without a category, a mistyped phone
number), with a written reason. Each correction is one new timeline entry; every changed field is kept
as before → after (`CaseCorrection`) and shown to each reader masked as the rest of the case is. The
registration entry itself is never rewritten. Who may correct in which state is the policy's
(app.policy `_correction`)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import peewee

from app import clock, settings
from app.cases import issues, major
from app.cases.rules import RuleName
from app.cases.states import FINAL_STATES, State
from app.departments import active_department_id
from app.errors import ValidationError
from app.policy import Action, sees_identifiers
from app.sealed_data import CORRECTION_KINDS
from app.session import Session
from app.validation import (
    CHANNELS,
    RELATIONS,
    SEVERITIES,
    TRANSFER_SOURCES,
    clean_note,
    clean_text,
    mask_account,
    mask_address,
    mask_email,
    mask_id_number,
    mask_phone,
    mask_record_no,
    require_fields,
    validate_choice,
    validate_email,
    validate_id_number,
    validate_phone,
)
from app.write_path import CaseOperation, audited_read, case_operation, load_case
from models.cases import Case, CaseCorrection, CaseEvent, CaseIssue, CaseText, Category, Complainant
from models.fields import blind_index, seal_as
from models.organisation import Department

# The registration fields that may be corrected, in the order the dialog and the timeline list them.
FIELD_LABELS: dict[str, str] = {
    "channel": "投诉渠道",
    "transfer_source": "转办单位",
    "transfer_reference": "转办编号",
    "source_department": "转来科室",
    "received_at": "接待时间",
    "complainant_name": "投诉人姓名",
    "relation": "与患者关系",
    "complainant_phone": "联系电话",
    "complainant_id_number": "身份证号",
    "complainant_address": "联系地址",
    "complainant_email": "电子邮箱",
    "complainant_online_account": "网络账号",
    "patient_name": "患者姓名",
    "patient_record_no": "门诊号/住院号",
    "visit_department": "就诊科室",
    "visit_date": "就诊日期",
    "category": "投诉类别",
    "severity": "严重程度",
    "content": "投诉内容",
    "demands": "诉求",
}
# Shown in full only to readers who see identifiers (app.policy.sees_identifiers); masked otherwise.
MASKS = {
    "complainant_phone": mask_phone,
    "complainant_id_number": mask_id_number,
    "complainant_address": mask_address,
    "complainant_email": mask_email,
    "complainant_online_account": mask_account,
    "patient_record_no": mask_record_no,
}
COMPLAINANT_FIELDS = {
    "complainant_name": "name",
    "relation": "relation",
    "complainant_phone": "phone",
    "complainant_id_number": "id_number",
    "complainant_address": "address",
    "complainant_email": "email",
    "complainant_online_account": "online_account",
}
BLIND = {"name": "name", "phone": "phone", "id_number": "id"}  # complainant column → blind index kind
CONTENT_MAX = 20000
NOTHING_CHANGED = "没有需要更正的内容"


@dataclass(frozen=True)
class Registration:
    """The registration as stored, for the correction form: codes, not labels. `identifiers_masked`:
    the reader does not see the phone and ID number, which are then "" here."""

    values: Mapping[str, Any]
    identifiers_masked: bool


def _code(department_id: int | None) -> str:
    return Department.get_by_id(department_id).code if department_id else ""


def _stored(case: Case, complainant: Complainant) -> dict[str, Any]:
    text = CaseText.get_by_id(case.id)
    values: dict[str, Any] = {
        "channel": case.channel,
        "transfer_source": case.transfer_source,
        "transfer_reference": case.transfer_reference,
        "source_department": _code(case.source_department_id),
        "received_at": case.received_at,
        "patient_name": case.patient_name,
        "patient_record_no": case.patient_record_no,
        "visit_department": _code(case.visit_department_id),
        "visit_date": case.visit_date,
        "category": Category.get_by_id(case.category_id).code if case.category_id else "",
        "severity": case.severity,
        "content": text.content,
        "demands": text.demands,
    }
    for key, column in COMPLAINANT_FIELDS.items():
        values[key] = getattr(complainant, column)
    return values


def registration(session: Session, case_id: int) -> Registration:
    """What the correction form starts from (an audited read of the case)."""
    case = load_case(case_id)
    with audited_read(session, Action.VIEW_CASE, case, "case.view_registration") as case_facts:
        values = _stored(case, Complainant.get_by_id(case.complainant_id))
        full = sees_identifiers(session.user, case_facts, clock.now().date())
        if not full:
            values.update(complainant_phone="", complainant_id_number="")
        return Registration(values, not full)


# -- validation -----------------------------------------------------------------------------------------


def _when(value: Any, registered_at: datetime) -> datetime:
    if not isinstance(value, datetime):
        raise ValidationError("received_at", "接待时间", "请填写日期和时间")
    value = value.replace(second=0, microsecond=0)
    if value > registered_at + timedelta(minutes=5):
        raise ValidationError("received_at", "接待时间", "不能晚于登记时间")
    if value < registered_at - timedelta(days=366):
        raise ValidationError("received_at", "接待时间", "不能早于登记前一年")
    return value


def _clean(field: str, value: Any, case: Case, today: date) -> Any:
    """One field in its stored form; ValidationError names the field in Chinese."""
    label = FIELD_LABELS[field]
    if field == "channel":
        return validate_choice(value, CHANNELS, field=field, label=label)
    if field == "received_at":
        return _when(value, case.registered_at)
    if field == "relation":
        return validate_choice(value or "self", RELATIONS, field=field, label=label)
    if field == "complainant_phone":
        return validate_phone(value)
    if field == "complainant_id_number":
        return validate_id_number(value, today=today) if str(value or "").strip() else ""
    if field == "complainant_email":
        return validate_email(value) if str(value or "").strip() else ""
    if field == "transfer_source":
        return validate_choice(value, TRANSFER_SOURCES, field=field, label=label) if value else ""
    if field in ("visit_department", "source_department"):
        return _code(active_department_id(value, field=field, label=label))
    if field == "visit_date":
        if value is not None and not isinstance(value, date):
            raise ValidationError(field, label, "格式应为 年-月-日")
        return value
    if field == "category":
        return Category.get_by_id(cid).code if (cid := issues.category_id(value or "")) else ""
    if field == "severity":
        return validate_choice(value, SEVERITIES, field=field, label=label)
    if field == "patient_record_no":
        return clean_text(value, field=field, label=label, max_len=32).upper()
    limits = {
        "content": CONTENT_MAX,
        "demands": 2000,
        "complainant_address": 200,
        "complainant_online_account": 100,
        "transfer_reference": 64,
    }
    multiline = field in ("content", "demands")
    return clean_text(
        value,
        field=field,
        label=label,
        max_len=limits.get(field, 40),
        required=field == "content",
        multiline=multiline,
    )


def _check_together(values: Mapping[str, Any]) -> None:
    """What the fields must satisfy as a whole: the channel's required fields, the visit date."""
    require_fields(values["channel"], values)
    visit = values["visit_date"]
    if visit is not None and visit > values["received_at"].date():
        raise ValidationError("visit_date", "就诊日期", "不能晚于接待日期")


# -- display ----------------------------------------------------------------------------------------------


def _display(field: str, value: Any) -> str:
    """A stored value as the timeline shows it ("" shows as —)."""
    if value in (None, ""):
        return ""
    if field == "channel":
        return CHANNELS.get(value, value)
    if field == "relation":
        return RELATIONS.get(value, value)
    if field == "transfer_source":
        return TRANSFER_SOURCES.get(value, value)
    if field == "severity":
        return SEVERITIES.get(value, value)
    if field == "received_at":
        return f"{value:%Y-%m-%d %H:%M}"
    if field == "visit_date":
        return f"{value:%Y-%m-%d}"
    if field in ("visit_department", "source_department"):
        return Department.get(Department.code == value).name
    if field == "category":
        return Category.get(Category.code == value).path
    return str(value)


def _rows(case_id: int) -> list[CaseCorrection]:
    order = list(FIELD_LABELS)
    return sorted(
        CaseCorrection.select().where(CaseCorrection.case == case_id),
        key=lambda r: (r.event_seq, order.index(r.field) if r.field in order else len(order)),
    )


def fingerprint(rows: list[tuple[str, str, str]]) -> str:
    """Of (field, before, after) rows: written into the hash-chained timeline entry, so the detail
    kept beside it cannot be altered unnoticed."""
    text = "\n".join(f"{field}\x1f{before}\x1f{after}" for field, before, after in rows)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def change_lines(case_id: int, full_identifiers: bool) -> dict[int, list[str]]:
    """Timeline entry seq → "联系电话：139****5678 → 138****0000" lines, masked for this reader; a
    detail that no longer matches the fingerprint in its entry is flagged there (`timeline_note`)."""
    lines: dict[int, list[str]] = {}
    rows = _rows(case_id)
    for row in rows:
        before, after = row.before, row.after
        if row.field in MASKS and not full_identifiers:
            before, after = MASKS[row.field](before), MASKS[row.field](after)
        if row.field in ("content", "demands"):  # long texts: the new text in full, the old one shortened
            before = before if len(before) <= 60 else before[:60] + "…"
        label = FIELD_LABELS.get(row.field, row.field)
        lines.setdefault(row.event_seq, []).append(f"{label}：{before or '—'} → {after or '—'}")
    for seq in lines:
        stored = [(r.field, r.before, r.after) for r in rows if r.event_seq == seq]
        sealed = not full_identifiers and any(field in CORRECTION_KINDS for field, _b, _a in stored)
        lines[seq].append(UNCHECKED if sealed else f"{FINGERPRINT_LABEL}{fingerprint(stored)}")
    return lines


FINGERPRINT_LABEL = "更正明细指纹 "
TAMPERED = "⚠ 更正明细与时间线记录的指纹不符，可能已被改动"
# A reader without the identifier key reads masks only, so the fingerprint over the full values
# cannot be recomputed for them (officers and managers, and `audit verify`, check it).
UNCHECKED = f"{FINGERPRINT_LABEL}?"


def timeline_note(event: CaseEvent, corrected: dict[int, list[str]]) -> str:
    """The note of a timeline entry as a reader sees it: a correction's before → after lines first
    (checked against the fingerprint its entry recorded), then its reason."""
    if event.action != "correct":
        return event.note
    lines = corrected.get(event.seq, [])
    *changes, computed = lines or [""]
    recorded = next((x for x in event.note.splitlines() if x.startswith(FINGERPRINT_LABEL)), "")
    note = "\n".join(x for x in event.note.splitlines() if not x.startswith(FINGERPRINT_LABEL))
    warning = [TAMPERED] if recorded and computed != UNCHECKED and recorded != computed else []
    return "\n".join([*changes, *warning, note])


# -- the correction ------------------------------------------------------------------------------------


def correct(
    session: Session,
    case_id: int,
    changes: Mapping[str, Any],
    reason: str,
    expected_version: int | None = None,
) -> list[str]:
    """更正登记信息: `changes` maps field names of FIELD_LABELS to new values (as the intake form gives
    them; fields left out stay). Returns the fields that actually changed."""
    with case_operation(session, case_id, RuleName.CORRECT, expected_version=expected_version) as op:
        reason = clean_note(reason, "更正原因", required=True, max_len=2000)
        unknown = [f for f in changes if f not in FIELD_LABELS]
        if unknown:
            raise ValidationError(unknown[0], "更正", "该项不能更正")
        case = op.case
        complainant = Complainant.get_by_id(case.complainant_id)
        before = _stored(case, complainant)
        today = clock.now().date()
        after = dict(before)
        for field in FIELD_LABELS:
            if field in changes:
                after[field] = _clean(field, changes[field], case, today)
        _check_together(after)
        changed = [f for f in FIELD_LABELS if after[f] != before[f]]
        if not changed:
            raise ValidationError(next(iter(changes), "reason"), "更正", NOTHING_CHANGED)
        notes = _apply(op, complainant, before, after, changed)
        seq = _next_event_seq(op)
        rows = [(f, _display(f, before[f]), _display(f, after[f])) for f in changed]
        for field, old, new in rows:
            kind = CORRECTION_KINDS.get(field, "")
            old, new = (seal_as(kind, old), seal_as(kind, new)) if kind else (old, new)
            CaseCorrection.create(case=case.id, event_seq=seq, field=field, before=old, after=new)
        labels = "、".join(FIELD_LABELS[f] for f in changed)
        closed = "（案件已结束，作为新记录补充）" if case.state in FINAL_STATES else ""
        lines = [f"更正原因：{reason}", *notes, f"{FINGERPRINT_LABEL}{fingerprint(rows)}"]
        op.event(f"更正登记信息：{labels}{closed}", "\n".join(lines))
        if "severity" in changed and after["severity"] == "major" and case.state != State.REGISTERED:
            # as at 受理 (the office has the case): its own timeline entry says it was restricted
            op.detail["restricted"] = major.restrict_if_configured(op)
        op.reindex = True
        op.detail["fields"] = changed
    return changed


def _next_event_seq(op: CaseOperation) -> int:
    """The seq the next queued timeline entry of this operation will get (the case row is locked)."""
    last = CaseEvent.select(peewee.fn.MAX(CaseEvent.seq)).where(CaseEvent.case == op.case.id).scalar() or 0
    return last + len(op.events) + 1


def _apply(
    op: CaseOperation,
    complainant: Complainant,
    before: dict[str, Any],
    after: dict[str, Any],
    changed: list[str],
) -> list[str]:
    """Write the changed fields; returns notes on what followed (deadlines, the first issue)."""
    case, notes = op.case, []
    for field in changed:
        if field in COMPLAINANT_FIELDS:
            column = COMPLAINANT_FIELDS[field]
            setattr(complainant, column, after[field])
            if column in BLIND:
                setattr(complainant, f"{column}_index", blind_index(BLIND[column], after[field]))
    if any(f in COMPLAINANT_FIELDS for f in changed):
        complainant.save()
    simple = {
        "channel",
        "transfer_source",
        "transfer_reference",
        "received_at",
        "patient_name",
        "patient_record_no",
        "visit_date",
        "severity",
    }
    for field in simple & set(changed):
        setattr(case, field, after[field])
    texts = {field: after[field] for field in ("content", "demands") if field in changed}
    if texts:
        CaseText.update(**texts).where(CaseText.case == case.id).execute()
    if "patient_name" in changed:
        case.patient_name_index = blind_index("name", after["patient_name"])
    if "patient_record_no" in changed:
        case.patient_record_index = blind_index("record", after["patient_record_no"])
    for field in {"visit_department", "source_department"} & set(changed):
        code = after[field]
        setattr(case, field, Department.get(Department.code == code).id if code else None)
    if "category" in changed:
        notes += _correct_first_issue(op, before["category"], after["category"])
    if {"channel", "received_at"} & set(changed):
        promised = case.reply_due
        notes += _move_deadlines(case)
        if (
            promised is not None and case.reply_due != promised
        ):  # the reply date's record (app/cases/promises.py)
            from app.cases import promises

            promises.record(op, "correction", previous=promised)
    if "severity" in changed and after["severity"] == "major":
        if case.escalated_at is None:
            notes.append("严重程度已改为重大，请按重大投诉上报院领导")
        if case.state == State.REGISTERED and not case.restricted and settings.get("major_auto_restrict"):
            notes.append("受理时将按系统设置自动设为保密案件")
    return notes


def _correct_first_issue(op: CaseOperation, old_code: str, new_code: str) -> list[str]:
    """The registration's category is that of the first 投诉事项: it changes with it. Its department
    follows the new category while nothing has been sent to it yet."""
    from models.cases import Assignment

    first = CaseIssue.select().where(CaseIssue.case == op.case.id).order_by(CaseIssue.seq).first()
    new_id = Category.get(Category.code == new_code).id if new_code else None
    if first is None:
        op.case.category = new_id
        return []
    old_default = (
        issues.default_department_id(Category.get(Category.code == old_code).id) if old_code else None
    )
    new_default = issues.default_department_id(new_id)
    updates: dict[Any, Any] = {CaseIssue.category: new_id}
    routed = Assignment.select().where(Assignment.case == op.case.id).exists()
    notes = []
    if not routed and first.department_id in (None, old_default) and new_default != first.department_id:
        updates[CaseIssue.department] = new_default
        if new_default:
            notes.append(f"投诉事项{first.seq}的责任科室随类别改为 {Department.get_by_id(new_default).name}")
    CaseIssue.update(updates).where(CaseIssue.id == first.id).execute()
    issues.sync_case(op)
    return notes


def _move_deadlines(case: Case) -> list[str]:
    """A corrected channel or receipt time moves the acceptance and reply deadlines counted from it."""
    from app.cases.intake import accepts_next_workday
    from app.deadlines import calendar
    from app.deadlines.case_clocks import recompute_reply_due
    from app.deadlines.rules import is_after_hours

    notes = []
    if case.state == State.REGISTERED:
        cal = calendar.calendar()
        after_hours = is_after_hours(case.received_at, cal, calendar.office_hours())
        if accepts_next_workday(case.channel, case.night_intake, after_hours):
            due = cal.add_workdays(case.received_at.date(), calendar.rules().acceptance_next_workday)[0]
        else:
            due = case.received_at.date()
        if due != case.accept_due:
            notes.append(f"受理期限随之改为 {due:%Y-%m-%d}")
            case.accept_due = due
    if case.reply_due is not None and case.state not in FINAL_STATES:
        old = case.reply_due
        recompute_reply_due(case)
        if case.reply_due != old:
            notes.append(f"答复期限随之由 {old:%Y-%m-%d} 改为 {case.reply_due:%Y-%m-%d}")
    return notes
