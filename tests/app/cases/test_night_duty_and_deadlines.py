"""Night-duty intake taken over the next working morning, letters due for acceptance the next working
day, and the working-day reply deadlines of DESIGN §5 (2026 calendar)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.cases import (
    acceptance,
    intake,
    routing,
    search,
    views,
    visibility,
)
from app.deadlines.case_clocks import case_status
from app.errors import PermissionDenied
from models.cases import Case
from tests.support.desk import Desk

from .conftest import audit_ok, day, summaries


def _case(case_id: int) -> Case:
    return Case.get_by_id(case_id)


def _visible_ids(desk: Desk, role: str) -> set[int]:
    return {c.id for c in visibility.visible(desk[role].user, Case.select(Case.id))}


# --------------------------------------------------------------------------- night duty


@pytest.mark.parametrize(
    ("received", "accept_due", "morning"),
    [
        ("2026-03-10 23:40", "2026-03-11", "2026-03-11 08:30"),  # Tuesday night → Wednesday
        ("2026-03-13 23:40", "2026-03-16", "2026-03-16 08:30"),  # Friday night → Monday
        ("2026-04-30 23:40", "2026-05-06", "2026-05-06 08:30"),  # eve of 劳动节 → after the holiday
        ("2026-02-14 23:40", "2026-02-24", "2026-02-24 08:30"),  # 调休 Saturday before 春节
    ],
)
def test_night_duty_intake_is_taken_over_the_next_working_morning(
    desk: Desk, received: str, accept_due: str, morning: str
) -> None:
    night = desk["night_duty"]
    desk.clock.set(datetime.fromisoformat(received))
    reg = intake.register(night, _night_form())
    assert reg.night_intake
    assert reg.accept_due == day(accept_due)
    assert summaries(reg.case_id) == ["登记投诉（来电），总值班夜间登记"]

    # The night-duty user sees the case they logged, with full identifiers, and finds it.
    view = views.open_case(night, reg.case_id)
    assert view.night_intake and not view.identifiers_masked
    assert view.complainant_phone == "13600001111"
    assert reg.case_id in _visible_ids(desk, "night_duty")
    assert search.search(night, "急诊留观") == [reg.case_id]
    # ...but no other case.
    other = desk.register(content="白天登记的另一件投诉：急诊留观室空调故障。").case_id
    assert other not in _visible_ids(desk, "night_duty")
    assert search.search(night, "急诊留观") == [reg.case_id]

    # Before the office takes it over, the acceptance clock runs against the next working day.
    desk.clock.set(datetime.fromisoformat(morning))
    status = case_status(_case(reg.case_id), desk.clock.at)
    assert status is not None and status.text == "今日到期" and status.colour == "amber"

    # The officer accepts it the next working morning: from then on night duty no longer sees it.
    acceptance.accept(desk["officer"], reg.case_id)
    assert reg.case_id not in _visible_ids(desk, "night_duty")
    assert search.search(night, "急诊留观") == []
    with pytest.raises(PermissionDenied, match="无权查看该案件"):
        views.open_case(night, reg.case_id)
    assert reg.case_id in _visible_ids(desk, "officer")
    audit_ok()


def _night_form():
    from .conftest import make_form

    return make_form(
        channel="phone",
        content="家属来电：父亲在急诊留观四小时无医生查看，要求立即处理。",
        complainant_name="周海燕",
        complainant_phone="136 0000 1111",
        relation="child",
    )


def test_office_hours_intake_by_night_duty_only_user_is_still_a_night_intake(desk: Desk) -> None:
    """Someone who is only 总值班 always logs a night-duty intake; a clerk who also does night duty
    logs an ordinary one during office hours and a night-duty one after hours."""
    reg = intake.register(desk["night_duty"], _night_form())
    assert reg.night_intake and reg.accept_due == date(2026, 3, 11)
    day_reg = intake.register(desk["multi"], _night_form())
    assert not day_reg.night_intake and day_reg.accept_due == date(2026, 3, 10)
    desk.clock.set(datetime(2026, 3, 10, 20, 15))
    night_reg = intake.register(desk["multi"], _night_form())
    assert night_reg.night_intake and night_reg.accept_due == date(2026, 3, 11)


def test_letter_intake_is_due_for_acceptance_the_next_working_day(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 3, 13, 10, 0))  # Friday
    reg = desk.register(channel="letter", complainant_phone="", complainant_address="江宁区东山街道 12 号")
    assert reg.accept_due == date(2026, 3, 16)


# --------------------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    ("received", "one_department", "two_departments"),
    [
        ("2026-03-06 10:00", "2026-03-13", "2026-03-20"),  # a Friday
        ("2026-03-10 10:00", "2026-03-17", "2026-03-24"),  # an ordinary Tuesday
        ("2026-04-30 10:00", "2026-05-11", "2026-05-18"),  # 劳动节 5/1–5/5, 调休 Saturday 5/9 counts
        ("2026-02-13 10:00", "2026-02-27", "2026-03-05"),  # 春节: 调休 2/14 and 2/28 count
        ("2026-09-30 10:00", "2026-10-13", "2026-10-20"),  # 国庆节, 调休 Saturday 10/10 counts
        ("2026-12-31 10:00", "2027-01-07", "2027-01-14"),  # into 2027: no official data yet, Mon–Fri
    ],
)
def test_reply_deadline_is_five_working_days_or_ten_with_several_departments(
    desk: Desk, received: str, one_department: str, two_departments: str
) -> None:
    officer = desk["officer"]
    received_at = datetime.fromisoformat(received)
    desk.clock.set(received_at + timedelta(hours=1))
    single = desk.register(received_at=received_at).case_id
    double = desk.register(received_at=received_at).case_id
    for case_id in (single, double):
        acceptance.accept(officer, case_id)
        assert _case(case_id).reply_due == day(one_department)
    routing.assign(officer, single, ["cardiology"])
    routing.assign(officer, double, ["cardiology", "nursing"])
    assert _case(single).reply_due == day(one_department)
    assert _case(double).reply_due == day(two_departments)
    provisional = received.startswith("2026-12")
    assert _case(double).due_provisional == provisional
    assert summaries(single)[1].endswith("（暂定）") == provisional
    # A third department does not lengthen it further.
    routing.assign(officer, double, ["radiology"])
    assert _case(double).reply_due == day(two_departments)


def test_reply_due_never_precedes_receipt_and_is_set_from_acceptance(desk: Desk) -> None:
    officer = desk["officer"]
    received_at = datetime(2026, 3, 9, 16, 0)
    case_id = desk.register(received_at=received_at).case_id
    assert _case(case_id).reply_due is None
    acceptance.accept(officer, case_id)
    due = _case(case_id).reply_due
    assert due is not None and due > received_at.date()
    assert due == date(2026, 3, 16)  # counted from the day after receipt, not from acceptance
    assert case_status(_case(case_id), desk.clock.at).text == "剩余 4 个工作日"


def test_night_intake_after_midnight_counts_from_the_receipt_day(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 3, 14, 0, 30))  # early Saturday morning
    reg = intake.register(desk["night_duty"], _night_form())
    assert reg.accept_due == date(2026, 3, 16)
    desk.clock.set(datetime(2026, 3, 16, 8, 30))
    acceptance.accept(desk["officer"], reg.case_id)
    assert _case(reg.case_id).reply_due == date(2026, 3, 20)  # 5 working days after Saturday 14th
