"""拟稿 (draft the handling opinion), 提交审批 / 审批 / 退回 (approval by the director) and 答复
(the reply to the complainant). Each is one `case_operation`; the timeline wording is here too, for
the services and the demo's bulk replay (`app/demo/replay.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from app import clock
from app.cases import documents, drafts, handling, issues
from app.cases.states import OPEN_ASSIGNMENT_STATES, REPLY_METHODS, State
from app.errors import TransitionError, ValidationError
from app.policy import Action
from app.session import Session
from app.validation import FINDINGS, clean_note, validate_amount, validate_choice
from app.write_path import case_operation, check, load_case
from models.cases import Assignment

SUBMIT_SUMMARY = "提交主任审批"
APPROVE_SUMMARY = "审批通过，待答复投诉人"
RETURN_DRAFT_SUMMARY = "审批退回，请修改处理意见"


def draft_summary(first: bool) -> str:
    return "开始拟定处理意见" if first else "修改处理意见"


def finding_note(finding: str) -> str:
    return f"投诉是否成立：{FINDINGS[finding]}" if finding else ""


def reply_summary(method: str) -> str:
    return f"已{REPLY_METHODS[method]}投诉人，待回访"


def save_draft(
    session: Session,
    case_id: int,
    *,
    facts: str,
    finding: str,
    resolution: str,
    base_revision: int,
    refund: Decimal | str | None = None,
    compensation: Decimal | str | None = None,
    rectification: str = "",
    merged_from: int | None = None,
    expected_version: int | None = None,
    issue_findings: Mapping[int, issues.IssueFinding] | None = None,
    override: issues.FindingChoice | None = None,
) -> int:
    """拟定处理意见, edited from revision `base_revision` (0 for the first draft). Possible once no
    department reply is outstanding. Every save is kept as a new revision; a save over a newer
    revision than its base raises `drafts.DraftConflict` and changes nothing. Returns the new
    revision's number. `expected_version` (optional) also refuses any newer change of the case.

    `issue_findings` (issue id → finding and note) and `override` (改定案件结论 with its reason, or
    withdrawn) are the form's 投诉事项认定, written in the same transaction; `finding` is then the case
    finding they give ("" to take it as it comes out) and is refused when it disagrees."""
    if issue_findings:
        check(session, Action.RECORD_FINDING, load_case(case_id))
    if override is not None:
        check(session, Action.OVERRIDE_FINDING, load_case(case_id))
    with case_operation(session, case_id, "draft", expected_version=expected_version) as op:
        typed = drafts.DraftText(
            facts or "", finding or "", resolution or "", str(refund or ""), str(compensation or ""), rectification or ""
        )
        facts = clean_note(facts, "调查核实情况", max_len=10000)
        finding = validate_choice(finding, FINDINGS, field="finding", label="投诉是否成立") if finding else ""
        resolution = clean_note(resolution, "处理意见", max_len=5000)
        refund_amount = validate_amount(refund, field="refund", label="退费金额", required=False)
        amount = validate_amount(compensation, field="compensation", label="赔偿金额", required=False)
        rectification = clean_note(rectification, "整改措施", max_len=5000)
        open_assignments = (
            Assignment.select()
            .where((Assignment.case == case_id) & Assignment.state.in_(sorted(OPEN_ASSIGNMENT_STATES)))
            .count()
        )
        if open_assignments:
            raise TransitionError(f"还有 {open_assignments} 个科室未反馈，收到全部反馈后才能拟定答复")
        before = handling.of(case_id)
        first = not (before.facts or op.case.finding or before.resolution)
        op.case.state = State.DRAFTING
        if issue_findings or override is not None:
            issues.record_findings(op, issue_findings or {}, override)
        finding = issues.finding_from_draft(op, finding)  # per 投诉事项 (app/cases/issues.py)
        op.case.finding = finding
        op.case.refund_amount, op.case.compensation_amount = refund_amount, amount
        texts = drafts.HandlingDraft(facts, resolution, rectification)
        number = drafts.store(op, base_revision, typed, texts, merged_from)
        handling.store(case_id, facts=facts, resolution=resolution, rectification=rectification)
        note = "\n".join(
            part
            for part in (finding_note(finding), f"第 {number} 版" + (f"（合并第 {merged_from} 版）" if merged_from else ""))
            if part
        )
        op.event(draft_summary(first), note)
        op.detail.update(finding=finding, revision=number)
    return number


current_revision = drafts.current_revision


def submit_for_approval(session: Session, case_id: int, expected_version: int | None = None) -> None:
    """提交审批: the draft goes to the director; facts, finding and opinion must be filled in."""
    with case_operation(session, case_id, "submit", expected_version=expected_version) as op:
        texts = handling.of(case_id)
        for value, label in (
            (texts.facts, "调查核实情况"),
            (op.case.finding, "投诉是否成立"),
            (texts.resolution, "处理意见"),
        ):
            if not value:
                raise ValidationError("draft", label, "提交审批前必须填写")
        op.case.state = State.PENDING_APPROVAL
        op.event(SUBMIT_SUMMARY)


def approve(session: Session, case_id: int, comment: str = "", expected_version: int | None = None) -> None:
    """审批通过: the case may be replied to."""
    with case_operation(session, case_id, "approve", expected_version=expected_version) as op:
        comment = clean_note(comment, "审批意见")
        op.case.state = State.APPROVED
        handling.store(case_id, approval_comment=comment)
        op.event(APPROVE_SUMMARY, comment)


def return_draft(session: Session, case_id: int, comment: str, expected_version: int | None = None) -> None:
    """审批退回: back to drafting, with the director's written comment."""
    with case_operation(session, case_id, "return_draft", expected_version=expected_version) as op:
        comment = clean_note(comment, "退回意见", required=True)
        op.case.state = State.DRAFTING
        handling.store(case_id, approval_comment=comment)
        op.event(RETURN_DRAFT_SUMMARY, comment)


LETTER_DELIVERED_NOTE = "已送达处理结果告知书"


def record_reply(
    session: Session,
    case_id: int,
    method: str,
    replied_at: datetime | None = None,
    note: str = "",
    expected_version: int | None = None,
    *,
    letter_delivered: bool = False,
) -> None:
    """答复投诉人. A 书面答复, or any reply recorded as 送达处理结果告知书 (`letter_delivered`), needs
    that letter issued (printed or saved) since the approval of this reply."""
    with case_operation(session, case_id, "reply", expected_version=expected_version) as op:
        validate_choice(method, REPLY_METHODS, field="reply_method", label="答复方式")
        letter_delivered = letter_delivered or method == "letter"
        if letter_delivered and not documents.has_issued(case_id, "result", documents.last_approval(case_id)):
            raise TransitionError("处理结果告知书尚未出具（打印或另存为PDF），不能登记送达")
        now = clock.now()
        replied_at = (replied_at or now).replace(microsecond=0)
        if replied_at > now:
            raise ValidationError("replied_at", "答复时间", "不能晚于当前时间")
        note = clean_note(note)
        if replied_at < op.case.received_at:
            raise ValidationError("replied_at", "答复时间", "不能早于接待时间")
        op.case.state = State.REPLIED
        op.case.reply_method, op.case.replied_at = method, replied_at
        if letter_delivered:
            note = "\n".join(part for part in (LETTER_DELIVERED_NOTE, note) if part)
        op.event(reply_summary(method), note)
        op.detail["letter_delivered"] = letter_delivered
