"""Deadline rules, due dates, traffic-light status, holds, extensions and after-hours detection."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.deadlines.rules import (
    DeadlineRules,
    Due,
    OfficeHours,
    deadline_status,
    due_date,
    extend,
    extend_for_hold,
    external_report_due,
    hours_status,
    is_after_hours,
)
from app.deadlines.workdays import WorkCalendar
from app.errors import ValidationError

CAL = WorkCalendar()
RULES = DeadlineRules.default()


def test_default_rules_come_from_resources() -> None:
    rules = DeadlineRules.default()
    assert rules.to_mapping() == {
        "reply_workdays": 5,
        "reply_workdays_multi_department": 10,
        "department_reply_workdays": 3,
        "acceptance_next_workday": 1,
        "major_external_report_hours": 12,
        "amber_threshold_workdays": 1,
        "amber_threshold_hours": 2,
        "office_hours": {"start": "08:00", "end": "17:30"},
    }
    assert rules == DeadlineRules()
    assert RULES.reply_workdays_for(1) == 5
    assert RULES.reply_workdays_for(3) == 10
    assert DeadlineRules.from_mapping(RULES.to_mapping()) == RULES


def test_rules_from_mapping_keeps_defaults_for_missing_keys() -> None:
    rules = DeadlineRules.from_mapping({"reply_workdays": 7, "office_hours": {"end": "18:00"}})
    assert rules.reply_workdays == 7
    assert rules.department_reply_workdays == 3
    assert rules.office_hours == OfficeHours(time(8, 0), time(18, 0))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reply_workdays": 0}, "reply_workdays"),
        ({"reply_workdays": "5"}, "reply_workdays"),
        ({"reply_workdays": True}, "reply_workdays"),
        ({"amber_threshold_workdays": -1}, "amber_threshold_workdays"),
        ({"office_hours": {"start": "8点"}}, "office_hours.start"),
        ({"office_hours": {"start": "18:00", "end": "17:30"}}, "office_hours"),
        ({"office_hours": "08:00-17:30"}, "office_hours"),
        ({"reply_days": 5}, "reply_days"),
    ],
)
def test_rules_from_mapping_rejects_bad_values(data: dict, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        DeadlineRules.from_mapping(data)
    assert info.value.field == field
    assert info.value.message.startswith(info.value.label)


def test_due_date_counts_from_the_next_day_and_skips_the_festival() -> None:
    assert due_date(datetime(2026, 2, 13, 10, 0), 5, CAL) == Due(date(2026, 2, 27))
    assert due_date(datetime(2026, 3, 6, 16, 0), 5, CAL) == Due(date(2026, 3, 13))
    assert due_date(datetime(2026, 3, 6, 23, 0), RULES.acceptance_next_workday, CAL) == Due(date(2026, 3, 9))
    assert Due(date(2026, 3, 13)).ends_at() == datetime(2026, 3, 14, 0, 0)  # the end of the due day


def test_due_date_into_a_year_without_data_is_provisional() -> None:
    due = due_date(datetime(2026, 12, 28, 9, 0), 5, CAL)
    assert due == Due(date(2027, 1, 4), provisional=True)
    status = deadline_status(due, datetime(2026, 12, 29, 9, 0), CAL, rules=RULES)
    assert status.provisional
    assert status.text == "剩余 4 个工作日（暂定）"  # 12-30, 12-31, 01-01 (guessed), 01-04


DUE = Due(date(2026, 3, 13))  # a Friday


@pytest.mark.parametrize(
    ("now", "colour", "left", "text"),
    [
        (datetime(2026, 3, 9, 10, 0), "green", 4, "剩余 4 个工作日"),
        (datetime(2026, 3, 11, 10, 0), "green", 2, "剩余 2 个工作日"),
        (datetime(2026, 3, 12, 10, 0), "amber", 1, "剩余 1 个工作日"),
        (datetime(2026, 3, 13, 10, 0), "amber", 0, "今日到期"),
        (datetime(2026, 3, 13, 17, 30), "amber", 0, "今日到期"),
        (datetime(2026, 3, 13, 17, 31), "amber", 0, "今日到期"),  # after office hours: still today
        (datetime(2026, 3, 13, 23, 59), "amber", 0, "今日到期"),
        (datetime(2026, 3, 14, 0, 0), "red", -1, "已逾期 1 个工作日"),
        (datetime(2026, 3, 14, 10, 0), "red", -1, "已逾期 1 个工作日"),
        (datetime(2026, 3, 16, 10, 0), "red", -1, "已逾期 1 个工作日"),
        (datetime(2026, 3, 17, 10, 0), "red", -2, "已逾期 2 个工作日"),
    ],
)
def test_deadline_status_traffic_light(now: datetime, colour: str, left: int, text: str) -> None:
    status = deadline_status(DUE, now, CAL, rules=RULES)
    assert (status.colour, status.workdays_left, status.text) == (colour, left, text)
    assert status.overdue is (colour == "red")
    assert not status.paused and not status.provisional
    assert status.hours_left == pytest.approx((datetime(2026, 3, 14, 0, 0) - now).total_seconds() / 3600)


def test_weekend_before_a_monday_deadline_is_amber() -> None:
    status = deadline_status(Due(date(2026, 3, 16)), datetime(2026, 3, 14, 12, 0), CAL, rules=RULES)
    assert (status.colour, status.workdays_left) == ("amber", 1)


def test_amber_threshold_is_configurable() -> None:
    rules = DeadlineRules.from_mapping({"amber_threshold_workdays": 2})
    assert deadline_status(DUE, datetime(2026, 3, 11, 10, 0), CAL, rules=rules).colour == "amber"


def test_paused_status_is_frozen_at_the_hold_and_shows_the_paused_time() -> None:
    status = deadline_status(
        DUE, datetime(2026, 3, 16, 10, 0), CAL, paused_since=datetime(2026, 3, 10, 9, 0), rules=RULES
    )
    assert status.paused
    assert (status.colour, status.workdays_left, status.overdue) == ("green", 3, False)
    assert status.paused_workdays == 4
    assert status.text == "已暂停（待补充材料），累计暂停 4 个工作日"

    same_day = deadline_status(
        DUE,
        datetime(2026, 3, 10, 15, 0),
        CAL,
        paused_since=datetime(2026, 3, 10, 9, 0),
        paused_workdays=2,
        rules=RULES,
    )
    assert same_day.text == "已暂停（待补充材料），累计暂停 2 个工作日"
    fresh = deadline_status(
        DUE, datetime(2026, 3, 10, 15, 0), CAL, paused_since=datetime(2026, 3, 10, 9, 0), rules=RULES
    )
    assert fresh.text == "已暂停（待补充材料）"


def test_extend_for_hold_moves_the_due_date_by_the_working_days_on_hold() -> None:
    resumed = extend_for_hold(DUE, datetime(2026, 3, 10, 9, 0), datetime(2026, 3, 16, 11, 0), CAL)
    assert resumed == Due(date(2026, 3, 19))
    after = deadline_status(resumed, datetime(2026, 3, 16, 11, 0), CAL, rules=RULES)
    assert after.workdays_left == 3
    assert extend_for_hold(DUE, datetime(2026, 3, 10, 9), datetime(2026, 3, 10, 16), CAL) == DUE
    with pytest.raises(ValueError):
        extend_for_hold(DUE, datetime(2026, 3, 10, 9), datetime(2026, 3, 9, 9), CAL)


def test_hold_over_the_spring_festival_counts_only_working_days() -> None:
    due = Due(date(2026, 2, 13))
    resumed = extend_for_hold(due, datetime(2026, 2, 12, 9), datetime(2026, 2, 25, 9), CAL)
    # working days in (02-12, 02-25]: 13, 14 (调休), 24, 25 → 4; 02-13 + 4 = 14, 24, 25, 26
    assert resumed == Due(date(2026, 2, 26))


def test_extend_adds_working_days_and_keeps_provisional() -> None:
    assert extend(Due(date(2026, 2, 13)), 1, CAL) == Due(date(2026, 2, 14))
    assert extend(Due(date(2026, 12, 30)), 3, CAL) == Due(date(2027, 1, 4), provisional=True)
    assert extend(Due(date(2026, 3, 2), provisional=True), 1, CAL).provisional
    with pytest.raises(ValueError):
        extend(DUE, -1, CAL)


ESCALATED = datetime(2026, 3, 9, 20, 0)


@pytest.mark.parametrize(
    ("now", "colour", "text"),
    [
        (datetime(2026, 3, 10, 3, 0), "green", "剩余 5 小时"),
        (datetime(2026, 3, 10, 6, 30), "amber", "剩余 1 小时 30 分钟"),
        (datetime(2026, 3, 10, 7, 59, 30), "amber", "剩余 1 分钟"),
        (datetime(2026, 3, 10, 9, 5), "red", "已逾期 1 小时 5 分钟"),
        (datetime(2026, 3, 10, 8, 40), "red", "已逾期 40 分钟"),
    ],
)
def test_external_report_clock(now: datetime, colour: str, text: str) -> None:
    due_at = external_report_due(ESCALATED, RULES)
    assert due_at == datetime(2026, 3, 10, 8, 0)
    status = hours_status(due_at, now, amber_hours=RULES.amber_threshold_hours)
    assert (status.colour, status.text) == (colour, text)
    assert status.workdays_left is None
    assert status.overdue is (colour == "red")


@pytest.mark.parametrize(
    ("at", "after_hours"),
    [
        (datetime(2026, 3, 9, 7, 59), True),
        (datetime(2026, 3, 9, 8, 0), False),
        (datetime(2026, 3, 9, 17, 29), False),
        (datetime(2026, 3, 9, 17, 30), True),
        (datetime(2026, 3, 9, 23, 0), True),
        (datetime(2026, 3, 7, 10, 0), True),  # Saturday
        (datetime(2026, 2, 14, 10, 0), False),  # 调休 Saturday
        (datetime(2026, 2, 16, 10, 0), True),  # 春节
    ],
)
def test_is_after_hours(at: datetime, after_hours: bool) -> None:
    assert is_after_hours(at, CAL) is after_hours
    assert is_after_hours(at, CAL, RULES.office_hours) is after_hours


def test_is_after_hours_with_custom_office_hours() -> None:
    hours = OfficeHours(time(7, 30), time(18, 0))
    assert not is_after_hours(datetime(2026, 3, 9, 7, 45), CAL, hours)
    assert not is_after_hours(datetime(2026, 3, 9, 17, 45), CAL, hours)


starts = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31))


@settings(max_examples=100, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=15))
def test_fresh_deadline_has_n_working_days_left(start: datetime, n: int) -> None:
    due = due_date(start, n, CAL)
    morning = datetime.combine(start.date(), time(9, 0))
    status = deadline_status(due, morning, CAL, rules=RULES)
    assert status.workdays_left == n
    assert status.colour == ("amber" if n <= 1 else "green")
    assert status.provisional == due.provisional


@settings(max_examples=100, deadline=None)
@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 1)),
    n=st.integers(min_value=1, max_value=10),
    pause_offset=st.integers(min_value=0, max_value=20),
    hold_days=st.integers(min_value=0, max_value=30),
)
def test_hold_neither_gains_nor_loses_working_days(
    start: date, n: int, pause_offset: int, hold_days: int
) -> None:
    due = due_date(start, n, CAL)
    pause_day = start + timedelta(days=pause_offset)
    resume_day = pause_day + timedelta(days=hold_days)
    assume(pause_day <= due.date and CAL.is_workday(resume_day))
    paused_at = datetime.combine(pause_day, time(9, 0))
    resumed_at = datetime.combine(resume_day, time(9, 0))
    frozen = deadline_status(due, resumed_at, CAL, paused_since=paused_at, rules=RULES)
    after = deadline_status(extend_for_hold(due, paused_at, resumed_at, CAL), resumed_at, CAL, rules=RULES)
    assert after.workdays_left == frozen.workdays_left
    assert after.colour == frozen.colour
