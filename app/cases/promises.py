"""答复期限: the reply date promised to the complainant, and every later change with its reason.

The date on an issued 受理回执 never changes (a 补打 reproduces the stored original). When the reply
date moves — several departments involved (or no longer), an approved extension, a hold, a reopened
case, a holiday notice — the change is recorded here with its reason, the timeline entry names the
new date, and a 延期告知书 (documents kind "notice") can be issued for the complainant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app import clock, settings
from app.deadlines.case_clocks import recompute_reply_due
from app.policy import Action
from app.session import Session
from app.write_path import CaseOperation, check, load_case
from models.accounts import User
from models.case_record import ReplyPromise
from models.cases import Case, IssuedDocument

REASONS: dict[str, str] = {
    "accepted": "受理时确定答复期限",
    "recorded": "系统升级前已确定的答复期限",
    "departments": "转办科室变化，答复期限相应调整",
    "extension": "经批准延期",
    "hold": "待补充材料期间暂停计算，答复期限相应顺延",
    "reopen": "投诉人对处理结果不满意，重新处理并重新计算答复期限",
    "calendar": "法定节假日安排公布后，答复期限重新计算",
    "correction": "登记的接待时间或渠道更正后，答复期限随之调整",
}


def promise_summary(new: date, provisional: bool, reason: str) -> str:
    """The timeline entry of a moved reply date: it names the new date."""
    return f"答复期限调整为 {new:%Y-%m-%d}{'（暂定）' if provisional else ''}：{REASONS[reason]}"


def record(op: CaseOperation, reason: str, note: str = "", previous: date | None = None) -> None:
    """Store the case's current reply date as a promise (the first one, or a change from `previous`)."""
    case = op.case
    told = previous is None and (
        IssuedDocument.select()
        .where((IssuedDocument.case == case.id) & (IssuedDocument.kind == "receipt"))
        .exists()
    )  # a 受理回执 issued before acceptance already stated this first date
    ReplyPromise.create(
        case=case.id,
        told=told,
        at=clock.now(),
        by=op.session.user.id,
        due=case.reply_due,
        provisional=case.due_provisional,
        previous=previous,
        reason=reason,
        note=note,
    )


def reset_for_reopen(case: Case, today: date) -> None:
    """再处理: a fresh reply period (setting `reopen_reply_workdays`) counted from today."""
    case.reply_period_start = today
    case.extension_workdays = 0
    case.paused_workdays = 0


def reply_workdays_after_reopen() -> int:
    return settings.get("reopen_reply_workdays")


def update(op: CaseOperation, reason: str, note: str = "", *, announce: bool = True) -> bool:
    """Count the reply date again; a date other than the one promised is recorded as a change (with
    a timeline entry naming it when `announce`). True when the date moved."""
    case = op.case
    before = case.reply_due
    recompute_reply_due(case)
    if before is None:
        record(op, reason, note)
        return False
    if case.reply_due == before:
        return False
    record(op, reason, note, previous=before)
    if announce:
        op.event(promise_summary(case.reply_due, case.due_provisional, reason), note)
    op.detail["reply_due"] = case.reply_due.isoformat()
    return True


@dataclass(frozen=True)
class PromiseView:
    at: datetime
    by: str
    due: date
    provisional: bool
    previous: date | None
    reason: str
    note: str


def promises(session: Session, case_id: int) -> list[PromiseView]:
    """Every reply date the case has promised, oldest first (for the case's 答复期限 record)."""
    case = load_case(case_id)
    check(session, Action.VIEW_CASE, case)
    rows = list(ReplyPromise.select().where(ReplyPromise.case == case_id).order_by(ReplyPromise.id))
    names = {u.id: u.display_name for u in User.select().where(User.id.in_({r.by_id for r in rows}))}
    return [
        PromiseView(r.at, names.get(r.by_id, ""), r.due, r.provisional, r.previous, REASONS[r.reason], r.note)
        for r in rows
    ]
