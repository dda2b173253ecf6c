"""Working-day calendar: 2026 official facts, overrides, fallback years and counting properties."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.deadlines.workdays import WorkCalendar, library_covers

CAL = WorkCalendar()


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (date(2026, 1, 1), False),  # 元旦
        (date(2026, 1, 4), True),  # Sunday, 元旦调休
        (date(2026, 2, 14), True),  # Saturday, 春节调休
        (date(2026, 2, 16), False),  # Monday in 春节
        (date(2026, 2, 23), False),  # Monday, last day of 春节
        (date(2026, 2, 28), True),  # Saturday, 春节调休
        (date(2026, 3, 2), True),  # ordinary Monday
        (date(2026, 3, 7), False),  # ordinary Saturday
        (date(2026, 10, 1), False),  # 国庆节
        (date(2026, 10, 10), True),  # Saturday, 国庆调休
    ],
)
def test_2026_official_days(day: date, workday: bool) -> None:
    assert CAL.is_workday(day) is workday
    assert not CAL.is_provisional(day)


def test_first_quarter_2026_has_59_workdays() -> None:
    q1 = CAL.workdays_between(date(2025, 12, 31), date(2026, 3, 31))
    assert q1 == 59
    assert q1 == len(chinese_calendar.get_workdays(date(2026, 1, 1), date(2026, 3, 31)))


def test_datetime_is_treated_as_its_date() -> None:
    assert CAL.is_workday(datetime(2026, 2, 16, 10, 0)) is False
    cal = WorkCalendar({datetime(2026, 2, 16, 9, 0): True})
    assert cal.is_workday(date(2026, 2, 16)) is True


def test_holiday_names() -> None:
    assert CAL.holiday_name(date(2026, 2, 16)) == "春节"
    assert CAL.holiday_name(date(2026, 2, 14)) == "春节调休上班"
    assert CAL.holiday_name(date(2026, 10, 1)) == "国庆节"
    assert CAL.holiday_name(date(2026, 3, 2)) is None
    assert CAL.holiday_name(date(2027, 1, 1)) is None


def test_overrides_beat_the_library() -> None:
    cal = WorkCalendar({date(2026, 2, 16): True, date(2026, 3, 2): False})
    assert cal.is_workday(date(2026, 2, 16)) is True
    assert cal.is_workday(date(2026, 3, 2)) is False
    assert cal.holiday_name(date(2026, 2, 16)) is None
    assert cal.holiday_name(date(2026, 3, 2)) is None
    assert cal.overrides == {date(2026, 2, 16): True, date(2026, 3, 2): False}


def test_years_without_data_fall_back_to_monday_to_friday_and_are_provisional() -> None:
    assert not library_covers(2027)
    monday, saturday = date(2027, 1, 4), date(2027, 1, 9)
    assert CAL.is_workday(monday) and not CAL.is_workday(saturday)
    assert CAL.is_provisional(monday) and CAL.is_provisional(saturday)
    assert CAL.years_without_data([2028, 2026, 2027, 2027, 2003]) == [2003, 2027, 2028]


def test_an_override_in_a_year_makes_that_year_official() -> None:
    cal = WorkCalendar({date(2027, 2, 8): False})
    assert not cal.is_provisional(date(2027, 5, 6))
    assert not cal.is_workday(date(2027, 2, 8))
    assert cal.years_without_data([2026, 2027, 2028]) == [2028]


def test_add_workdays_counts_from_the_day_after() -> None:
    # Received Friday 2026-02-13: Sat 14 is a 调休 workday, 15–23 the festival, then 24, 25, 26.
    assert CAL.add_workdays(date(2026, 2, 13), 1) == (date(2026, 2, 14), False)
    assert CAL.add_workdays(date(2026, 2, 13), 5) == (date(2026, 2, 27), False)
    assert CAL.add_workdays(date(2026, 2, 13), 0) == (date(2026, 2, 13), False)
    with pytest.raises(ValueError):
        CAL.add_workdays(date(2026, 2, 13), -1)


def test_add_workdays_across_the_end_of_the_data_is_provisional() -> None:
    due, provisional = CAL.add_workdays(date(2026, 12, 28), 5)
    assert due == date(2027, 1, 4)
    assert provisional
    assert CAL.add_workdays(date(2026, 12, 21), 3) == (date(2026, 12, 24), False)


def test_workdays_between_is_signed_and_next_workday() -> None:
    assert CAL.workdays_between(date(2026, 3, 2), date(2026, 3, 2)) == 0
    assert CAL.workdays_between(date(2026, 3, 2), date(2026, 3, 6)) == 4
    assert CAL.workdays_between(date(2026, 3, 6), date(2026, 3, 2)) == -4
    assert CAL.next_workday(date(2026, 2, 14)) == date(2026, 2, 24)
    assert CAL.next_workday(date(2026, 3, 6)) == date(2026, 3, 9)


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2028, 12, 31))
overrides = st.dictionaries(
    st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 3, 31)), st.booleans(), max_size=20
)


@settings(max_examples=150, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=40), table=overrides)
def test_add_workdays_properties(start: date, n: int, table: dict[date, bool]) -> None:
    cal = WorkCalendar(table)
    due, provisional = cal.add_workdays(start, n)
    assert cal.is_workday(due)
    assert due > start
    assert cal.workdays_between(start, due) == n
    assert cal.workdays_between(due, start) == -n
    assert cal.add_workdays(start, n + 1)[0] > due
    assert cal.add_workdays(start, n - 1)[0] < due
    examined = (start + timedelta(days=i) for i in range(1, (due - start).days + 1))
    assert provisional == any(cal.is_provisional(d) for d in examined)


@settings(max_examples=100, deadline=None)
@given(a=days, b=days)
def test_next_workday_matches_counting(a: date, b: date) -> None:
    nxt = CAL.next_workday(a)
    assert CAL.workdays_between(a, nxt) == 1
    assert CAL.workdays_between(a, b) + CAL.workdays_between(b, a) == 0
