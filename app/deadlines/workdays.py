"""Chinese working-day calendar: statutory holidays, 调休 workdays and admin overrides.

Order of authority for a date: the admin override table (date → True workday / False holiday), then
`chinese_calendar` (official 国务院办公厅 notices), then a Mon–Fri guess for years the library has no
data for. A year is *official* when the library covers it or the admin has entered at least one
override in it (that is, has typed in that year's holiday notice); dates in other years are
*provisional* and every deadline computed over them must be shown as 暂定.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from functools import cache

import chinese_calendar

_ONE_DAY = timedelta(days=1)


def _as_date(d: date) -> date:
    """Accept a datetime where a date is meant (datetime is a date subclass but hashes differently)."""
    return d.date() if isinstance(d, datetime) else d


@cache
def library_covers(year: int) -> bool:
    """True when chinese_calendar holds the official holiday notice for `year`."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """Answers "is this a working day?" and counts working days the way 民法典 Art. 201 does."""

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides: dict[date, bool] = {_as_date(d): bool(v) for d, v in (overrides or {}).items()}
        self._override_years = frozenset(d.year for d in self._overrides)
        self._workday_cache: dict[date, bool] = {}
        self._year_prefix: dict[int, list[int]] = {}

    @property
    def overrides(self) -> Mapping[date, bool]:
        """A copy of the override table this calendar was built with."""
        return dict(self._overrides)

    def has_official_data(self, year: int) -> bool:
        """True when `year` is covered by chinese_calendar or by admin overrides."""
        return library_covers(year) or year in self._override_years

    def is_provisional(self, d: date) -> bool:
        """True when `d` falls in a year with neither official data nor any override."""
        return not self.has_official_data(_as_date(d).year)

    def is_workday(self, d: date) -> bool:
        """Override table first, then chinese_calendar, then Mon–Fri."""
        d = _as_date(d)
        cached = self._workday_cache.get(d)
        if cached is None:
            cached = self._compute_is_workday(d)
            self._workday_cache[d] = cached
        return cached

    def _compute_is_workday(self, d: date) -> bool:
        if d in self._overrides:
            return self._overrides[d]
        if library_covers(d.year):
            return bool(chinese_calendar.is_workday(d))
        return d.weekday() < 5

    def holiday_name(self, d: date) -> str | None:
        """Chinese name of the festival `d` belongs to, e.g. "春节", or "春节调休上班" for a 调休 weekend.

        None for ordinary days, for years without library data and for dates whose override makes
        the library's name misleading (a festival day turned into a weekday workday).
        """
        d = _as_date(d)
        if not library_covers(d.year):
            return None
        _, english = chinese_calendar.get_holiday_detail(d)
        if english is None:
            return None
        name = chinese_calendar.Holiday(english).chinese
        if not self.is_workday(d):
            return name
        return f"{name}调休上班" if d.weekday() >= 5 else None

    def add_workdays(self, start: date, n: int) -> tuple[date, bool]:
        """The n-th working day after `start` (start itself never counts) and whether any day
        examined on the way was provisional. n = 0 returns `start` unchanged."""
        if n < 0:
            raise ValueError("n must not be negative")
        current = _as_date(start)
        provisional = False
        remaining = n
        while remaining:
            current += _ONE_DAY
            provisional = provisional or self.is_provisional(current)
            if self.is_workday(current):
                remaining -= 1
        return current, provisional

    def workdays_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative (−count in (b, a]) when b is before a.

        Counted from per-year running totals, so a case overdue for months (the board shows
        hundreds of them) costs a few lookups instead of a walk over every day."""
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.workdays_between(b, a)
        through_a = self._year_running(a.year)[a.timetuple().tm_yday]
        count = -through_a
        for year in range(a.year, b.year):
            count += self._year_running(year)[-1]
        return count + self._year_running(b.year)[b.timetuple().tm_yday]

    def _year_running(self, year: int) -> list[int]:
        """running[i]: working days among the first i days of `year` (running[0] == 0)."""
        running = self._year_prefix.get(year)
        if running is None:
            running = [0]
            day = date(year, 1, 1)
            while day.year == year:
                running.append(running[-1] + self.is_workday(day))
                day += _ONE_DAY
            self._year_prefix[year] = running
        return running

    def next_workday(self, d: date) -> date:
        """The first working day strictly after `d`."""
        return self.add_workdays(d, 1)[0]

    def years_without_data(self, years: Iterable[int]) -> list[int]:
        """The given years (sorted, unique) that still need the admin to enter the holiday notice."""
        return sorted({y for y in years if not self.has_official_data(y)})
