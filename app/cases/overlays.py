"""Overlays on open cases (DESIGN §4): hold/resume, extension, escalation, restriction, merge and
links, plus notes and attachments on the timeline."""

from __future__ import annotations

import hashlib
import mimetypes
from datetime import date
from pathlib import PurePath

from app import clock, settings
from app.cases import history, major, promises, repeats
from app.cases.routing import withdraw_open_assignments
from app.cases.states import FINAL_STATES, State
from app.cases.visibility import visible
from app.deadlines import calendar
from app.errors import NotFoundError, TransitionError, ValidationError
from app.policy import Action, may_be_named_on_restricted
from app.session import Session
from app.validation import clean_text
from app.write_path import append_events, audited_read, case_operation, chain_detail, check, load_case
from models.accounts import User, UserRole
from models.cases import Attachment, Case, CaseAccess, CaseLink, Extension

# Timeline wording: one place for the services and the demo's bulk replay (app/demo/replay.py).
HOLD_SUMMARY = "暂停办理（待补充材料），时限暂停计算"
REFUSED_EXTENSION_SUMMARY = "不同意延期"


def resumed_summary(paused_workdays: int) -> str:
    return f"恢复办理，暂停 {paused_workdays} 个工作日，时限相应顺延"


def extension_requested_summary(workdays: int) -> str:
    return f"申请延期 {workdays} 个工作日"


def extension_approved_summary(workdays: int, reply_due: date) -> str:
    return f"批准延期 {workdays} 个工作日，答复期限顺延至 {reply_due:%Y-%m-%d}"


def restrict_summary(restricted: bool) -> str:
    return history.RESTRICT_SUMMARY if restricted else history.LIFT_SUMMARY


def restrict_note(display_names: list[str]) -> str:
    """Who may see a restricted case, as the timeline records it."""
    return ("可查看：" + "、".join(display_names)) if display_names else ""


def merged_into_summary(target_case_no: str) -> str:
    return f"作为重复投诉合并至 {target_case_no}"


def merged_from_summary(duplicate_case_no: str) -> str:
    return f"合并重复投诉 {duplicate_case_no}"


def note_summary(state: str) -> str:
    """A note on an open case; on a closed one it records a correction."""
    return "添加备注" if state not in FINAL_STATES else "补充更正说明"


def attachment_summary(filename: str) -> str:
    return f"添加附件：{filename}"


def _text(value: str, label: str, required: bool = True, max_len: int = 2000) -> str:
    return clean_text(value, field="note", label=label, max_len=max_len, required=required, multiline=True)


def hold(session: Session, case_id: int, reason: str, expected_version: int | None = None) -> None:
    """待补充材料: pause the deadline clock."""
    with case_operation(session, case_id, "hold", expected_version=expected_version) as op:
        reason = _text(reason, "暂停原因", max_len=200)
        op.case.on_hold, op.case.hold_since, op.case.hold_reason = True, clock.now(), reason
        op.event(HOLD_SUMMARY, reason)


def resume(session: Session, case_id: int, note: str = "", expected_version: int | None = None) -> None:
    """Resume: the working days spent on hold are added to the deadline."""
    with case_operation(session, case_id, "resume", expected_version=expected_version) as op:
        note = _text(note, "备注", required=False)
        if not op.case.on_hold:
            raise TransitionError("案件没有暂停")
        paused = max(0, calendar.calendar().workdays_between(op.case.hold_since, clock.now()))
        op.case.paused_workdays += paused
        op.case.on_hold, op.case.hold_since, op.case.hold_reason = False, None, ""
        op.event(resumed_summary(paused), note)
        if op.case.reply_due:
            promises.update(op, "hold")


def request_extension(
    session: Session, case_id: int, workdays: int, reason: str, expected_version: int | None = None
) -> int:
    with case_operation(session, case_id, "request_extension", expected_version=expected_version) as op:
        if not isinstance(workdays, int) or not 1 <= workdays <= 30:
            raise ValidationError("workdays", "延期天数", "应为 1 至 30 个工作日")
        reason = _text(reason, "延期理由")
        if Extension.select().where((Extension.case == case_id) & (Extension.state == "pending")).exists():
            raise TransitionError("已有一项延期申请待审批")
        row = Extension.create(
            case=case_id,
            workdays=workdays,
            reason=reason,
            requested_at=clock.now(),
            requested_by=session.user.id,
        )
        op.event(extension_requested_summary(workdays), reason)
    return row.id


def decide_extension(session: Session, extension_id: int, approve: bool, note: str = "") -> None:
    row = Extension.get_or_none(Extension.id == extension_id)
    if row is None:
        raise NotFoundError("延期申请不存在")
    with case_operation(session, row.case_id, "decide_extension") as op:
        note = _text(note, "审批意见", required=not approve)
        row = Extension.get_by_id(extension_id)
        if row.state != "pending":
            raise TransitionError("该延期申请已审批")
        Extension.update(
            state="approved" if approve else "refused",
            decided_at=clock.now(),
            decided_by=session.user.id,
            decision_note=note,
        ).where(Extension.id == extension_id).execute()
        if approve:
            op.case.extension_workdays += row.workdays
            if op.case.reply_due:
                promises.update(op, "extension", row.reason, announce=False)
            op.event(extension_approved_summary(row.workdays, op.case.reply_due), note)
        else:
            op.event(REFUSED_EXTENSION_SUMMARY, note)
        op.detail.update({"approved": approve, "workdays": row.workdays})


def escalate(session: Session, case_id: int, note: str, expected_version: int | None = None) -> None:
    """已上报: a major case; leadership notified and the external-report clock starts."""
    with case_operation(session, case_id, "escalate", expected_version=expected_version) as op:
        note = _text(note, "上报说明")
        if op.case.escalated_at:
            raise TransitionError("该案件已上报")
        op.case.escalated_at, op.case.severity = clock.now(), "major"
        op.event("按重大投诉上报院领导", note)
        if op.case.state != State.REGISTERED:  # a registered one is restricted when accepted
            major.restrict_if_configured(op)


def restrict(
    session: Session,
    case_id: int,
    restricted: bool,
    named_usernames: list[str] | None = None,
    expected_version: int | None = None,
) -> None:
    """保密: visible only to managers and the named officers (the case's own officer included)."""
    with case_operation(session, case_id, "restrict", expected_version=expected_version) as op:
        names = list(dict.fromkeys(named_usernames or []))
        users = list(User.select().where(User.username.in_(names))) if names else []
        if len(users) != len(names):
            raise ValidationError("named_users", "可查看人员", "用户不存在")
        roles: dict[int, set[str]] = {}
        for r in UserRole.select().where(UserRole.user.in_([u.id for u in users])):
            roles.setdefault(r.user_id, set()).add(r.role)
        not_officers = [
            u.display_name for u in users if not may_be_named_on_restricted(roles.get(u.id, set()))
        ]
        if not_officers:
            raise ValidationError("named_users", "可查看人员", f"{'、'.join(not_officers)} 不是办公室专员")
        op.case.restricted = restricted
        op.lifting = not restricted
        CaseAccess.delete().where(CaseAccess.case == case_id).execute()
        if restricted:
            for user in users:
                CaseAccess.create(case=case_id, user=user.id)
        op.event(
            restrict_summary(restricted), restrict_note([u.display_name for u in users]) if restricted else ""
        )
        op.detail["named"] = names


def _other_case(session: Session, other_id: int) -> Case:
    other = visible(session.user, Case.select()).where(Case.id == other_id).first()
    if other is None:
        raise NotFoundError("目标案件不存在或无权查看")
    return other


def merge(
    session: Session, case_id: int, into_case_id: int, note: str = "", expected_version: int | None = None
) -> None:
    """已合并: fold a duplicate into another open case; both timelines record it."""
    check(session, Action.MERGE, load_case(case_id))  # the case being merged first: its denial is audited
    if case_id == into_case_id:
        raise ValidationError("merge", "合并目标", "不能合并到案件本身")
    target = _other_case(session, into_case_id)
    check(session, Action.MERGE, target)
    if target.state in FINAL_STATES:
        raise TransitionError(f"目标案件 {target.case_no} 已结束，不能合并到它")
    with case_operation(session, case_id, "merge", expected_version=expected_version) as op:
        note = _text(note, "合并说明", required=False)
        target = Case.get_by_id(into_case_id)  # again inside the transaction: it may have closed meanwhile
        if target.state in FINAL_STATES:
            raise TransitionError(f"目标案件 {target.case_no} 已结束，不能合并到它")
        op.case.state, op.case.merged_into = State.MERGED, into_case_id
        withdraw_open_assignments(op)

        op.case.on_hold, op.case.hold_since = False, None
        op.case.closed_at, op.case.closed_by = clock.now(), session.user.id
        op.event(merged_into_summary(target.case_no), note)
        head = append_events(
            target, session.user.id, [(merged_from_summary(op.case.case_no), note, None)], "merge"
        )
        chain_detail(op.detail, target.case_no, head)
        op.detail["into"] = target.case_no


def link(session: Session, case_id: int, other_id: int, note: str = "", repeat: bool = False) -> None:
    """Mark two cases as related (same complainant or matter) without merging them. With `repeat`
    this case is a 重复投诉 of the earlier case `other_id`: both timelines record it (app/cases/repeats.py)."""
    check(session, Action.MERGE, load_case(case_id))  # the case being linked first: its denial is audited
    if case_id == other_id:
        raise ValidationError("link", "关联案件", "不能关联案件本身")
    other = _other_case(session, other_id)
    with case_operation(session, case_id, "link") as op:
        note = _text(note, "关联说明", required=False, max_len=200)
        existing = (
            CaseLink.select()
            .where(
                ((CaseLink.case == case_id) & (CaseLink.other == other_id))
                | ((CaseLink.case == other_id) & (CaseLink.other == case_id))
            )
            .first()
        )
        if not repeat:
            if existing is not None:
                raise TransitionError("两案件已关联")
            CaseLink.create(case=case_id, other=other_id, note=note)
            op.event(f"关联案件 {other.case_no}", note)
            return
        other = Case.get_by_id(other_id)
        if other.received_at > op.case.received_at:
            raise ValidationError(
                "link", "重复投诉", f"{other.case_no} 晚于本案接待；请在 {other.case_no} 上把本案标为它的前案"
            )
        if existing is not None and existing.kind == repeats.REPEAT:
            raise TransitionError("两案件已标记为重复投诉")
        if existing is not None:  # a plain link becomes the repeat link
            existing.delete_instance()
        CaseLink.create(case=case_id, other=other_id, note=note, kind=repeats.REPEAT)
        op.event(repeats.repeated_summary(other.case_no, other.state), note)
        later = [(repeats.repeated_by_summary(op.case.case_no), note, None)]
        chain_detail(op.detail, other.case_no, append_events(other, session.user.id, later, "link"))
        op.detail.update(other=other.case_no, repeat=True)


def add_note(session: Session, case_id: int, note: str) -> None:
    """A timeline note; on a closed case this is how a correction is recorded (history is never edited)."""
    with case_operation(session, case_id, "note") as op:
        note = _text(note, "备注", max_len=5000)
        op.event(note_summary(op.case.state), note)


def checked_file(filename: str, data: bytes, mime_type: str = "", label: str = "附件") -> tuple[str, str]:
    """(file name, MIME type) of a file to store, or ValidationError: empty, or over the size limit."""
    name = clean_text(
        PurePath(filename or "").name, field="filename", label="文件名", max_len=200, required=True
    )
    limit_mb = settings.get("attachment_max_mb")
    if not data:
        raise ValidationError("attachment", label, "文件为空")
    if len(data) > limit_mb * 1024 * 1024:
        raise ValidationError(
            "attachment", label, f"文件大小 {len(data) / 1048576:.1f} MB，超过上限 {limit_mb} MB"
        )
    return name, mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"


def add_attachment(
    session: Session, case_id: int, filename: str, data: bytes, note: str = "", mime_type: str = ""
) -> int:
    """Store a scan, photo or recording inside the encrypted database (size limit from settings)."""
    with case_operation(session, case_id, "attachment") as op:
        name, mime = checked_file(filename, data, mime_type)
        note = _text(note, "附件说明", required=False, max_len=200)
        row = Attachment.create(
            case=case_id,
            filename=name,
            mime_type=mime,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            note=note,
            added_at=clock.now(),
            added_by=session.user.id,
        )
        op.event(attachment_summary(name), note, attachment=row)
        op.detail.update({"size": len(data), "sha256": row.sha256})
    return row.id


def attachment_data(session: Session, attachment_id: int) -> tuple[str, str, bytes]:
    """(filename, mime type, bytes) of an attachment the user may see; the access is audited."""
    from app.cases.views import handling_visible

    row = Attachment.get_or_none(Attachment.id == attachment_id)
    if row is None:
        raise NotFoundError("附件不存在")
    case = load_case(row.case_id)
    with audited_read(session, Action.VIEW_CASE, case, "case.attachment_opened", attachment=row.id):
        if not handling_visible(session, case) and row.added_by_id != session.user.id:
            raise NotFoundError("附件不存在或无权查看")
        return row.filename, row.mime_type, bytes(row.data)
