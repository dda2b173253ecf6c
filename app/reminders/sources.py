"""Where reminders come from. Each source reads the database for one user at one moment and
returns Reminder lines; `SOURCES` says which users each source is for (by policy, not role names).

"Due soon" means due today or on the next working day; overdue lines are raised again every
working day until the work is done (see app.reminders.compute for 已阅).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import peewee

from app.cases.states import OPEN_ASSIGNMENT_STATES, REPLY_CLOCK_STATES, ExtensionState, State
from app.cases.visibility import visible
from app.deadlines.case_clocks import case_status
from app.deadlines.workdays import WorkCalendar
from app.policy import Action, Actor, can
from app.rectification.states import OPEN_STATES, RectState
from app.reminders.kinds import Reminder, ReminderKind
from app.session import Session
from models.cases import Assignment, Case, Category, Extension
from models.organisation import Department
from models.rectification import Rectification, Recurrence

LIMIT = 200  # lines per source; the list says when more are waiting


@dataclass(frozen=True)
class Moment:
    """The user and the moment reminders are computed for."""

    session: Session
    now: datetime
    cal: WorkCalendar

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def horizon(self) -> date:
        """The last due date that counts as due soon: the next working day."""
        return self.cal.next_workday(self.today)

    def workdays_late(self, due: date) -> int:
        return max(1, self.cal.workdays_between(due, self.today))


def _case_label(case: Case) -> str:
    return getattr(case, "category_name", None) or "未分类"


# What the lines and the deadline status (case_clocks.case_status) read of a case: the list is read on
# the GUI thread every minute, so the rows carry these columns only, not the whole case.
_CASE_COLUMNS = (
    Case.id,
    Case.case_no,
    Case.state,
    Case.severity,
    Case.received_at,
    Case.night_intake,
    Case.accept_due,
    Case.reply_due,
    Case.due_provisional,
    Case.on_hold,
    Case.hold_since,
    Case.paused_workdays,
)


def _cases() -> peewee.ModelSelect:
    """Cases (the columns the lines read) with the name of their category (the line's detail)."""
    return Case.select(*_CASE_COLUMNS, Category.name.alias("category_name")).join(
        Category, peewee.JOIN.LEFT_OUTER, on=(Case.category == Category.id)
    )


def _when(m: Moment, due: date) -> tuple[bool, str]:
    """Whether a working-day deadline has passed, and how the line says it."""
    if due < m.today:
        return True, f"已逾期 {m.workdays_late(due)} 个工作日"
    return False, "今日到期" if due == m.today else "下一工作日到期"


def case_clocks(m: Moment) -> list[Reminder]:
    """The user's own cases (and unclaimed ones waiting for acceptance) whose clock ends soon or has
    ended: acceptance while registered, the reply while it runs. Night-duty intakes not yet late are
    left to the take-over line."""
    me = m.session.user.id
    due = peewee.Case(
        None,
        [
            (Case.state == State.REGISTERED, Case.accept_due),
            (Case.state.in_(sorted(REPLY_CLOCK_STATES)), Case.reply_due),
        ],
        None,
    )
    mine = (Case.officer == me) | ((Case.state == State.REGISTERED) & Case.officer.is_null())
    query = (
        _cases()
        .where(
            Case.state.in_(
                [State.REGISTERED, *sorted(REPLY_CLOCK_STATES)]
            )  # the state index: open cases only
            & mine
            & (Case.on_hold == False)  # noqa: E712
            & (due <= m.horizon)
        )
        .order_by(due, Case.id)
        .limit(LIMIT)
    )
    lines = []
    for case in visible(m.session.user, query).objects():
        status = case_status(case, m.now)
        if status is None:
            continue
        night_waiting = case.night_intake and case.state == State.REGISTERED and not status.overdue
        if night_waiting:
            continue
        stage = "受理" if case.state == State.REGISTERED else "答复"
        kind = ReminderKind.OVERDUE if status.overdue else ReminderKind.DUE_SOON
        lines.append(
            Reminder(
                key=f"{kind}:{case.id}:{stage}",
                kind=kind,
                title=f"{case.case_no}　{stage}{status.text}",
                detail=_case_label(case),
                tone="red" if status.overdue else "amber",
                case_id=case.id,
                due=case.accept_due if stage == "受理" else case.reply_due,
            )
        )
    return lines


def open_replies_query(m: Moment, state: str) -> peewee.ModelSelect:
    """The user's 转办 in one open `state` due by the horizon, earliest first: a walk of the
    (state, due) index that stops at LIMIT lines."""
    query = (
        Assignment.select(Assignment, Case.case_no, Department.name.alias("department_name"))
        .join(Case)
        .switch(Assignment)
        .join(Department)
        .where(
            (Assignment.state == state)
            & (Assignment.due <= m.horizon)
            & (Case.officer == m.session.user.id)
        )
        .order_by(Assignment.due, Assignment.id)
        .limit(LIMIT)
    )
    return visible(m.session.user, query)


def department_replies(m: Moment) -> list[Reminder]:
    """Departments' replies on the user's cases that are due soon or late."""
    rows = [row for state in sorted(OPEN_ASSIGNMENT_STATES) for row in open_replies_query(m, state).objects()]
    lines = []
    for row in sorted(rows, key=lambda r: (r.due, r.id))[:LIMIT]:
        late, when = _when(m, row.due)
        kind = ReminderKind.DEPT_LATE if late else ReminderKind.DUE_SOON
        lines.append(
            Reminder(
                key=f"{kind}:a{row.id}",
                kind=kind,
                title=f"{row.case_no}　{row.department_name}反馈{when}",
                detail="转办科室的反馈期限",
                tone="red" if late else "amber",
                case_id=row.case_id,
                due=row.due,
            )
        )
    return lines


def night_takeover(m: Moment) -> list[Reminder]:
    """总值班 intakes still waiting for the office: to take over at the start of the working day."""
    query = (
        _cases()
        .where((Case.night_intake == True) & (Case.state == State.REGISTERED))  # noqa: E712
        .order_by(Case.received_at, Case.id)
        .limit(LIMIT)
    )
    return [
        Reminder(
            key=f"{ReminderKind.NIGHT_TAKEOVER}:{case.id}",
            kind=ReminderKind.NIGHT_TAKEOVER,
            title=f"{case.case_no}　总值班 {case.received_at:%m-%d %H:%M} 登记，待受理",
            detail=_case_label(case),
            tone="red" if case.severity == "major" else "amber",
            case_id=case.id,
            due=case.accept_due,
        )
        for case in visible(m.session.user, query).objects()
    ]


def approvals(m: Moment) -> list[Reminder]:
    query = (
        _cases().where(Case.state == State.PENDING_APPROVAL).order_by(Case.reply_due, Case.id).limit(LIMIT)
    )
    return [
        Reminder(
            key=f"{ReminderKind.APPROVAL}:{case.id}",
            kind=ReminderKind.APPROVAL,
            title=f"{case.case_no}　答复意见待审批",
            detail=_case_label(case),
            tone="amber",
            case_id=case.id,
            due=case.reply_due,
        )
        for case in visible(m.session.user, query).objects()
    ]


def extensions(m: Moment) -> list[Reminder]:
    query = (
        Extension.select(Extension, Case.case_no)
        .join(Case)
        .where(Extension.state == ExtensionState.PENDING)
        .order_by(Extension.requested_at, Extension.id)
        .limit(LIMIT)
    )
    return [
        Reminder(
            key=f"{ReminderKind.EXTENSION}:{row.id}",
            kind=ReminderKind.EXTENSION,
            title=f"{row.case_no}　申请延期 {row.workdays} 个工作日，待审批",
            detail=row.reason[:60],
            tone="amber",
            case_id=row.case_id,
        )
        for row in visible(m.session.user, query).objects()
    ]


def _items() -> peewee.ModelSelect:
    return Rectification.select(Rectification, Department.name.alias("department_name")).join(Department)


def rectification_due(m: Moment) -> list[Reminder]:
    """整改 items still to be done whose due date is near or past (the office chases them)."""
    query = (
        _items()
        .where(Rectification.state.in_(sorted(OPEN_STATES)) & (Rectification.due <= m.horizon))
        .order_by(Rectification.due, Rectification.id)
        .limit(LIMIT)
    )
    lines = []
    for item in query.objects():
        late, when = _when(m, item.due)
        lines.append(
            Reminder(
                key=f"{ReminderKind.RECTIFICATION_DUE}:r{item.id}",
                kind=ReminderKind.RECTIFICATION_DUE,
                title=f"{item.number}　{item.department_name}整改{when}",
                detail=item.measure[:60],
                tone="red" if late else "amber",
                rectification_id=item.id,
                due=item.due,
            )
        )
    return lines


def _awaiting(m: Moment, verified: bool, kind: ReminderKind, text: str) -> list[Reminder]:
    query = (
        _items()
        .where(
            (Rectification.state == RectState.AWAITING_VERIFICATION)
            & (Rectification.verified_at.is_null(not verified))
        )
        .order_by(Rectification.submitted_at, Rectification.id)
        .limit(LIMIT)
    )
    return [
        Reminder(
            key=f"{kind}:r{item.id}",
            kind=kind,
            title=f"{item.number}　{item.department_name}{text}",
            detail=item.measure[:60],
            tone="neutral",
            rectification_id=item.id,
            due=item.due,
        )
        for item in query.objects()
    ]


def rectification_to_verify(m: Moment) -> list[Reminder]:
    return _awaiting(m, False, ReminderKind.RECTIFICATION_VERIFY, "已提交整改情况，待办公室验证")


def rectification_to_close(m: Moment) -> list[Reminder]:
    return _awaiting(m, True, ReminderKind.RECTIFICATION_CLOSE, "整改已验证，待关闭")


def recurrences(m: Moment) -> list[Reminder]:
    """整改后复发: a new complaint in the department and category of an item closed as 已落实."""
    query = (
        Recurrence.select(
            Recurrence, Rectification.number, Case.case_no, Department.name.alias("department_name")
        )
        .join(Rectification)
        .join(Department)
        .switch(Recurrence)
        .join(Case)
        .order_by(Recurrence.detected_at.desc(), Recurrence.id.desc())
        .limit(LIMIT)
    )
    return [
        Reminder(
            key=f"{ReminderKind.RECURRENCE}:{row.id}",
            kind=ReminderKind.RECURRENCE,
            title=f"{row.case_no}　{row.department_name}整改后复发（{row.number}）",
            detail="已落实的整改项所在科室和类别又收到投诉",
            tone="red",
            case_id=row.case_id,
            rectification_id=row.rectification_id,
        )
        for row in query.objects()
    ]


def stale_backup(m: Moment) -> list[Reminder]:
    """The newest backup is older than the configured number of days (or there is none)."""
    from app.records.backup import backup_status

    status = backup_status(m.session)
    if not status.stale:
        return []
    if status.last_at is None:
        title = "数据库还没有备份过"
    else:
        title = f"数据库已 {(m.now - status.last_at).days} 天没有备份（超过 {status.stale_days} 天）"
    where = "在服务器上备份并记录时间" if status.shared else "立即备份"
    return [
        Reminder(
            key=f"{ReminderKind.STALE_BACKUP}:database",
            kind=ReminderKind.STALE_BACKUP,
            title=title,
            detail=f"请在“管理 → 备份与恢复”中{where}",
            tone="red",
        )
    ]


Source = Callable[[Moment], list[Reminder]]

# Each source, and who it is for (asked of the policy).
SOURCES: tuple[tuple[Source, Callable[[Actor], bool]], ...] = (
    (case_clocks, lambda u: bool(can(u, Action.ASSIGN))),
    (department_replies, lambda u: bool(can(u, Action.ASSIGN))),
    (night_takeover, lambda u: bool(can(u, Action.ACCEPT))),
    (approvals, lambda u: bool(can(u, Action.APPROVE))),
    (extensions, lambda u: bool(can(u, Action.DECIDE_EXTENSION))),
    (rectification_due, lambda u: bool(can(u, Action.VERIFY_RECTIFICATION))),
    (rectification_to_verify, lambda u: bool(can(u, Action.VERIFY_RECTIFICATION))),
    (rectification_to_close, lambda u: bool(can(u, Action.CLOSE_RECTIFICATION))),
    (recurrences, lambda u: bool(can(u, Action.CLOSE_RECTIFICATION))),
    (stale_backup, lambda u: bool(can(u, Action.BACKUP))),
)
