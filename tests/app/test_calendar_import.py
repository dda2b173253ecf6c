"""节假日 services: importing a notice as a year's data, the year view, editing a day, and the
provisional deadlines counted again (and noted on their cases) when a year's data is entered."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from app import audit, clock
from app.cases.states import State
from app.cases.views import open_case
from app.deadlines import calendar
from app.deadlines.calendar import DayKind, DaySource
from app.deadlines.notice import parse_notice
from app.errors import PermissionDenied, ValidationError
from app.session import Session
from models.audit import AuditEntry
from models.cases import Assignment, Case, CaseEvent
from tests.support.cases import FakeClock, register, walk
from tests.support.sessions import session_as

NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　一、元旦：1月1日（周五）至3日（周日）放假，共3天。
　　二、春节：2月5日（农历除夕、周五）至11日（周四）放假调休，共7天。2月20日（周六）上班。
国务院办公厅
2026年11月10日
"""


@pytest.fixture
def staff(admin_session: Session) -> dict[str, Session]:
    return {
        "admin": admin_session,
        "clerk": session_as(admin_session, "clerk1", "clerk"),
        "officer": session_as(admin_session, "lin", "officer"),
        "manager": session_as(admin_session, "chen", "manager"),
    }


def test_year_view_of_a_bundled_and_a_provisional_year(admin_session: Session) -> None:
    view = calendar.year_view(admin_session, 2026)
    assert view.official and view.bundled and len(view.days) == 365
    by_day = {d.day: d for d in view.days}
    assert by_day[date(2026, 1, 1)].kind == DayKind.HOLIDAY and by_day[date(2026, 1, 1)].note == "元旦"
    assert by_day[date(2026, 1, 4)].kind == DayKind.MAKEUP_WORKDAY
    assert by_day[date(2026, 1, 10)].kind == DayKind.WEEKEND
    assert by_day[date(2026, 1, 5)].kind == DayKind.WORKDAY
    assert {d.source for d in view.days} == {DaySource.BUNDLED}
    assert len(view.nonstandard()) == 33 + 6

    later = calendar.year_view(admin_session, 2027)
    assert not later.official and "暂定" in later.status
    assert {d.source for d in later.days} == {DaySource.PROVISIONAL}
    assert later.days[0].kind == DayKind.WORKDAY  # 1 January 2027, a Friday, guessed a workday
    with pytest.raises(ValidationError):
        calendar.year_view(admin_session, 1899)


def test_import_makes_the_year_official_and_is_audited(admin_session: Session) -> None:
    assert calendar.needs_next_year(date(2026, 11, 1)) == 2027
    assert calendar.needs_next_year(date(2026, 10, 31)) is None
    report = calendar.import_notice(admin_session, parse_notice(NOTICE_2027))
    assert report.saved and report.changes == ()
    assert report.lines()[0] == "已保存2027 年节假日安排：放假 10 天，调休上班 1 天"
    assert calendar.needs_next_year(date(2026, 11, 1)) is None
    view = calendar.year_view(admin_session, 2027)
    assert view.official and not view.bundled
    by_day = {d.day: d for d in view.days}
    assert by_day[date(2027, 1, 1)].kind == DayKind.HOLIDAY
    assert by_day[date(2027, 1, 1)].source == DaySource.OVERRIDE and by_day[date(2027, 1, 1)].note == "元旦"
    assert by_day[date(2027, 2, 20)].kind == DayKind.MAKEUP_WORKDAY
    assert by_day[date(2027, 2, 20)].note == "春节调休上班"
    assert by_day[date(2027, 3, 1)].source == DaySource.ENTERED
    assert not calendar.calendar().is_workday(date(2027, 1, 1))
    entry = AuditEntry.select().order_by(AuditEntry.seq.desc()).first()
    assert (entry.action, entry.target) == ("calendar.notice_imported", "2027")
    assert audit.verify().ok

    # Importing again replaces the year: a day dropped from the notice is no longer a holiday.
    calendar.import_notice(admin_session, parse_notice(NOTICE_2027.split("　　二")[0]))
    assert calendar.calendar().is_workday(date(2027, 2, 8))
    assert len(calendar.year_view(admin_session, 2027).nonstandard()) == 3


def test_importing_a_bundled_year_keeps_its_days(admin_session: Session) -> None:
    text = (Path(__file__).parent / "notices" / "2026.txt").read_text(encoding="utf-8")
    calendar.import_notice(admin_session, parse_notice(text))
    view = calendar.year_view(admin_session, 2026)
    assert {d.day for d in view.nonstandard()} == {
        d.day for d in calendar.build_year(calendar.WorkCalendar(), 2026, {}).nonstandard()
    }
    assert all(d.source == DaySource.OVERRIDE for d in view.nonstandard())


def test_only_the_admin_manages_the_calendar(staff: dict[str, Session]) -> None:
    notice = parse_notice(NOTICE_2027)
    for role in ("clerk", "officer", "manager"):
        with pytest.raises(PermissionDenied):
            calendar.import_notice(staff[role], notice)
        with pytest.raises(PermissionDenied):
            calendar.edit_day(staff[role], date(2026, 5, 6), DayKind.HOLIDAY, "本院调休")
    assert not calendar.calendar().has_official_data(2027)


def test_edit_day_needs_a_note_and_an_entered_year(admin_session: Session) -> None:
    with pytest.raises(ValidationError) as info:
        calendar.edit_day(admin_session, date(2026, 5, 6), DayKind.HOLIDAY, "  ")
    assert info.value.field == "note"
    with pytest.raises(ValidationError, match="尚未录入"):
        calendar.edit_day(admin_session, date(2027, 1, 1), DayKind.HOLIDAY, "元旦")
    calendar.edit_day(admin_session, date(2026, 5, 6), DayKind.HOLIDAY, "本市调休")
    day = calendar.year_view(admin_session, 2026).days[date(2026, 5, 6).timetuple().tm_yday - 1]
    assert (day.kind, day.source, day.note) == (DayKind.HOLIDAY, DaySource.OVERRIDE, "本市调休")
    calendar.edit_day(admin_session, date(2026, 5, 6), None, "")
    assert calendar.calendar().is_workday(date(2026, 5, 6))


def test_provisional_deadlines_are_recomputed_and_noted_on_their_cases(staff: dict[str, Session]) -> None:
    fake = FakeClock(datetime(2026, 12, 29, 9, 0))  # Tuesday
    clock.set_clock(fake)
    officer, manager = staff["officer"], staff["manager"]
    accepted = register(staff["clerk"])
    walk(officer, manager, accepted, State.ACCEPTED)
    routed = register(staff["clerk"])
    walk(officer, manager, routed, State.IN_PROGRESS, departments=("cardiology",))
    fake.set(datetime(2026, 12, 31, 10, 0))
    letter = register(staff["clerk"], channel="letter", complainant_address="江宁市建设路 12 号")
    closed = register(staff["clerk"])
    assert Case.get_by_id(letter).accept_due == date(2027, 1, 1)  # the provisional guess
    case = Case.get_by_id(accepted)
    assert (case.reply_due, case.due_provisional) == (date(2027, 1, 5), True)
    assignment = Assignment.get(Assignment.case == routed)
    assert (assignment.due, assignment.due_provisional) == (date(2027, 1, 1), True)
    versions = {cid: Case.get_by_id(cid).version for cid in (accepted, routed, letter, closed)}

    notice = parse_notice(NOTICE_2027)
    preview = calendar.preview_notice(staff["admin"], notice)
    assert not preview.saved and len(preview.changes) == 4
    untitled = NOTICE_2027.split("\n", 1)[1]  # pasted without its title: the year on screen applies
    pasted = calendar.preview_import(staff["admin"], untitled, default_year=2027)
    assert pasted.notice.holidays == notice.holidays and pasted.report.changes == preview.changes
    assert pasted.year.year == 2027 and calendar.default_year(date(2026, 12, 4)) == 2027
    assert Case.get_by_id(accepted).reply_due == date(2027, 1, 5)  # a preview writes nothing

    report = calendar.import_notice(staff["admin"], notice)
    assert {(c.case_id, c.label, c.old, c.new, c.provisional) for c in report.changes} == {
        (accepted, "答复期限", date(2027, 1, 5), date(2027, 1, 6), False),
        (routed, "答复期限", date(2027, 1, 5), date(2027, 1, 6), False),
        (routed, "心血管内科反馈期限", date(2027, 1, 1), date(2027, 1, 4), False),
        (letter, "受理期限", date(2027, 1, 1), date(2027, 1, 4), False),
    }
    assert (len(report.changes), report.moved, report.cases) == (4, 4, 3)
    case = Case.get_by_id(accepted)
    assert (case.reply_due, case.due_provisional) == (date(2027, 1, 6), False)
    assignment = Assignment.get_by_id(assignment.id)
    assert (assignment.due, assignment.due_provisional) == (date(2027, 1, 4), False)
    assert Case.get_by_id(letter).accept_due == date(2027, 1, 4)
    for cid in (accepted, routed, letter):
        assert Case.get_by_id(cid).version == versions[cid] + 1
    assert Case.get_by_id(closed).version == versions[closed]  # same-day acceptance: nothing to move
    event = CaseEvent.select().where(CaseEvent.case == accepted).order_by(CaseEvent.seq.desc()).first()
    assert event.summary == "节假日安排录入后期限重新计算：答复期限 原 2027-01-05 → 2027-01-06（不再暂定）"
    assert event.action == "deadline_recomputed"
    timeline = [e.summary for e in open_case(manager, routed).timeline]
    assert any("心血管内科反馈期限 原 2027-01-01 → 2027-01-04" in s for s in timeline)
    audited = {e.target for e in AuditEntry.select().where(AuditEntry.action == "case.deadline_recomputed")}
    assert audited == {Case.get_by_id(cid).case_no for cid in (accepted, routed, letter)}
    assert "涉及 3 件案件" in report.lines()[1]
    assert audit.verify().ok

    # Entering the same data again moves nothing more.
    assert calendar.import_notice(staff["admin"], notice).changes == ()
