"""提醒 computed for a fixed clock: what each role is reminded of, none outside office hours,
已阅 until the next working day, and the daily digest once per working day."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.cases import overlays
from app.cases.states import State
from app.errors import SessionLockedError, ValidationError
from app.reminders import compute
from app.reminders.kinds import ReminderKind
from models.audit import AuditEntry
from tests.support.desk import Desk


def kinds(desk: Desk, role: str) -> list[tuple[str, int | None]]:
    return [(r.kind, r.case_id) for r in compute.reminder_list(desk[role]).items]


def at(desk: Desk, text: str) -> None:
    desk.clock.set(datetime.fromisoformat(text))


def test_reply_due_within_one_working_day_then_overdue_again_each_working_day(desk: Desk) -> None:
    case_id = desk.new_case(State.ACCEPTED)  # received Tue 10 March: reply due Tue 17 March
    assert kinds(desk, "officer") == []
    at(desk, "2026-03-13 09:00")  # Friday: the next working day is Monday, not yet due
    assert kinds(desk, "officer") == []
    at(desk, "2026-03-16 09:00")  # Monday: due the next working day
    (line,) = compute.reminder_list(desk["officer"]).items
    assert (line.kind, line.case_id, line.tone) == (ReminderKind.DUE_SOON, case_id, "amber")
    assert "答复剩余 1 个工作日" in line.title
    at(desk, "2026-03-17 10:00")
    assert "答复今日到期" in compute.reminder_list(desk["officer"]).items[0].title
    at(desk, "2026-03-18 09:00")
    (late,) = compute.reminder_list(desk["officer"]).items
    assert (late.kind, late.tone) == (ReminderKind.OVERDUE, "red")
    assert "已逾期 1 个工作日" in late.title

    compute.dismiss(desk["officer"], late.key)
    after = compute.reminder_list(desk["officer"])
    assert (after.count, after.dismissed) == (0, 1)
    at(desk, "2026-03-18 16:00")
    assert kinds(desk, "officer") == []
    at(desk, "2026-03-19 08:30")  # the next working day: raised again
    assert kinds(desk, "officer") == [(ReminderKind.OVERDUE, case_id)]
    # another officer's case is not this officer's reminder; the manager is told of approvals only
    assert kinds(desk, "officer2") == []
    assert kinds(desk, "manager") == []


def test_nothing_is_raised_outside_office_hours(desk: Desk) -> None:
    desk.new_case(State.ACCEPTED)
    for moment, resumes in (
        ("2026-03-18 07:59", "2026-03-18 08:00"),
        ("2026-03-18 17:30", "2026-03-19 08:00"),  # the end of office hours is outside them
        ("2026-03-21 10:00", "2026-03-23 08:00"),  # Saturday
        ("2026-04-06 10:00", "2026-04-07 08:00"),  # 清明节 holiday (a Monday)
    ):
        at(desk, moment)
        reminders = compute.reminder_list(desk["officer"])
        assert not reminders.office_open and reminders.items == ()
        assert reminders.resumes_at == datetime.fromisoformat(resumes)
    at(desk, "2026-03-18 17:29")
    assert kinds(desk, "officer") != []


def test_office_hours_follow_the_settings(desk: Desk) -> None:
    from app import settings

    desk.new_case(State.ACCEPTED)
    settings.update(desk["admin"], {"office_hours_start": "09:30"})
    at(desk, "2026-03-18 09:00")
    assert not compute.reminder_list(desk["officer"]).office_open
    at(desk, "2026-03-18 09:30")
    assert compute.reminder_list(desk["officer"]).count == 1


def test_manager_is_reminded_of_approvals_and_extensions(desk: Desk) -> None:
    waiting = desk.new_case(State.PENDING_APPROVAL)
    extended = desk.new_case(State.IN_PROGRESS)
    extension_id = overlays.request_extension(desk["officer"], extended, 5, "需等待病历复印件")
    lines = compute.reminder_list(desk["manager"]).items
    assert [(r.kind, r.case_id) for r in lines] == [
        (ReminderKind.APPROVAL, waiting),
        (ReminderKind.EXTENSION, extended),
    ]
    assert "申请延期 5 个工作日" in lines[1].title
    overlays.decide_extension(desk["manager"], extension_id, True, "同意")
    assert kinds(desk, "manager") == [(ReminderKind.APPROVAL, waiting)]


def test_night_duty_cases_wait_for_the_office_the_next_morning(desk: Desk) -> None:
    at(desk, "2026-03-10 22:00")
    case_id = desk.register("night_duty").case_id
    assert compute.reminder_list(desk["officer"]).items == ()  # evening: nothing raised
    at(desk, "2026-03-11 08:00")
    lines = compute.reminder_list(desk["officer"]).items
    assert [(r.kind, r.case_id) for r in lines] == [(ReminderKind.NIGHT_TAKEOVER, case_id)]
    assert "总值班 03-10 22:00 登记" in lines[0].title
    desk.walk(case_id, State.ACCEPTED)
    assert all(r.kind != ReminderKind.NIGHT_TAKEOVER for r in compute.reminder_list(desk["officer"]).items)


def test_department_reply_late(desk: Desk) -> None:
    case_id = desk.new_case(State.IN_PROGRESS, departments=1)  # sent Tue 10 March: due Fri 13 March
    at(desk, "2026-03-12 09:00")
    assert [r.title for r in compute.reminder_list(desk["officer"]).items] == [
        f"{_no(case_id)}　心血管内科反馈下一工作日到期"
    ]
    at(desk, "2026-03-17 09:00")
    lines = compute.reminder_list(desk["officer"]).items
    assert (ReminderKind.DEPT_LATE, case_id) in [(r.kind, r.case_id) for r in lines]


def _no(case_id: int) -> str:
    from models.cases import Case

    return Case.get_by_id(case_id).case_no


def test_roles_without_reminders(desk: Desk) -> None:
    desk.new_case(State.PENDING_APPROVAL)
    for role in ("clerk", "night_duty"):
        assert not compute.has_reminders(desk[role].user)
        assert compute.reminder_list(desk[role]).items == ()
        assert compute.take_digest(desk[role]) is None


def test_daily_digest_once_at_the_first_login_of_the_working_day(desk: Desk) -> None:
    desk.new_case(State.PENDING_APPROVAL)
    at(desk, "2026-03-11 07:30")
    assert compute.take_digest(desk["manager"]) is None  # before office hours: not yet
    at(desk, "2026-03-11 08:05")
    digest = compute.take_digest(desk["manager"])
    assert digest is not None and digest.total == 1
    assert [(label, n) for _kind, label, n in digest.counts] == [("待审批", 1)]
    assert compute.take_digest(desk["manager"]) is None  # second login the same day
    at(desk, "2026-03-12 08:05")
    assert compute.take_digest(desk["manager"]) is not None
    assert AuditEntry.select().where(AuditEntry.action == "reminder.digest").count() == 2


def test_desktop_notification_is_a_per_user_choice(desk: Desk) -> None:
    assert compute.desktop_notify(desk["officer"]) is False
    compute.set_desktop_notify(desk["officer"], True)
    assert compute.desktop_notify(desk["officer"]) is True
    assert compute.desktop_notify(desk["manager"]) is False
    compute.set_desktop_notify(desk["officer"], False)
    assert compute.desktop_notify(desk["officer"]) is False


def test_dismissing_rejects_unknown_keys_and_a_locked_session(desk: Desk) -> None:
    with pytest.raises(ValidationError):
        compute.dismiss(desk["officer"], "whatever")
    desk["officer"].locked = True
    with pytest.raises(SessionLockedError):
        compute.reminder_list(desk["officer"])


def test_a_stale_backup_reminds_the_administrator(desk: Desk, tmp_path) -> None:
    from app.records import backup

    (line,) = compute.reminder_list(desk["admin"]).items
    assert (line.kind, line.title, line.tone) == (ReminderKind.STALE_BACKUP, "数据库还没有备份过", "red")
    assert "管理 → 备份与恢复" in line.detail
    assert compute.reminder_list(desk["officer"]).items == ()  # not the office's concern
    backup.take_backup(desk["admin"], tmp_path)
    assert compute.reminder_list(desk["admin"]).items == ()
    at(desk, "2026-03-16 09:00")  # six days later; stale after 3 by default
    (line,) = compute.reminder_list(desk["admin"]).items
    assert line.title == "数据库已 6 天没有备份（超过 3 天）"


def test_late_replies_read_each_open_state_in_due_order(desk: Desk) -> None:
    """The late-replies lines equal the one query over both open states in (due, id) order, and each
    state is read along the (state, due) index without sorting."""
    from datetime import date, timedelta

    from app.cases.states import AssignmentState
    from app.deadlines import calendar
    from app.reminders import sources
    from models.cases import Assignment
    from models.database import database_proxy

    for _ in range(4):
        desk.new_case(State.IN_PROGRESS, departments=2)
    for n, row in enumerate(Assignment.select().order_by(Assignment.id)):
        state = AssignmentState.ACKNOWLEDGED if n % 3 == 0 else row.state
        Assignment.update(state=state, due=date(2026, 3, 2) + timedelta(days=(n * 5) % 7)).where(
            Assignment.id == row.id
        ).execute()
    at(desk, "2026-03-17 09:00")
    m = sources.Moment(desk["officer"], datetime(2026, 3, 17, 9, 0), calendar.calendar())
    expected = [
        a.id
        for a in Assignment.select()
        .where(Assignment.state.in_(sorted(sources.OPEN_ASSIGNMENT_STATES)))
        .order_by(Assignment.due, Assignment.id)
    ]
    assert len(expected) == 8 and {a.state for a in Assignment.select()} == {"sent", "acknowledged"}
    assert [int(r.key.rsplit("a", 1)[1]) for r in sources.department_replies(m)] == expected
    sql, params = sources.open_replies_query(m, "sent").sql()
    plan = str(database_proxy.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
    assert "assignment_state_due" in plan and "TEMP B-TREE" not in plan
