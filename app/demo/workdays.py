"""Working days as a precomputed table, for the demo's many due dates and office-time arithmetic."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.deadlines import calendar
from app.deadlines.rules import OfficeHours
from app.deadlines.workdays import WorkCalendar

HISTORY_DAYS = 730  # how far back a demo database's complaints reach
RECENT_DAYS = 30  # the last weeks: cases spread over every board state


class WorkdayTable:
    """A precomputed date → working-day table for fast due dates and office-time arithmetic.

    Answers like `WorkCalendar` (including 暂定 for years without official data) inside
    [first, last]; outside it asks the calendar. "Office ordinals" count seconds of office time:
    ordinal 0 is `first`'s first working day at opening time; one working day is `day_seconds` long.
    """

    def __init__(self, cal: WorkCalendar, first: date, last: date, office: OfficeHours) -> None:
        self.cal, self.first, self.last, self.office = cal, first, last, office
        self.day_seconds = (
            datetime.combine(first, office.end) - datetime.combine(first, office.start)
        ).seconds
        span = (last - first).days + 1
        self._workday = [cal.is_workday(first + timedelta(days=i)) for i in range(span)]
        self._upto: list[int] = []  # working days in [first, day]
        self.workdays: list[date] = []
        count = 0
        for i, is_workday in enumerate(self._workday):
            if is_workday:
                count += 1
                self.workdays.append(first + timedelta(days=i))
            self._upto.append(count)
        self._provisional_years = frozenset(
            y for y in range(first.year, last.year + 2) if not cal.has_official_data(y)
        )

    def _index(self, d: date) -> int | None:
        i = (d - self.first).days
        return i if 0 <= i < len(self._workday) else None

    def is_workday(self, d: date) -> bool:
        """Same as WorkCalendar.is_workday."""
        i = self._index(d)
        return self._workday[i] if i is not None else self.cal.is_workday(d)

    def add_workdays(self, start: date, n: int) -> tuple[date, bool]:
        """Same as WorkCalendar.add_workdays."""
        if n == 0:
            return start, False
        i = self._index(start)
        k = self._upto[i] + n - 1 if i is not None else len(self.workdays)
        if k >= len(self.workdays):
            return self.cal.add_workdays(start, n)
        result = self.workdays[k]
        provisional = any(
            y in self._provisional_years for y in range((start + timedelta(days=1)).year, result.year + 1)
        )
        return result, provisional

    def workdays_between(self, a: date, b: date) -> int:
        """Same as WorkCalendar.workdays_between: working days in (a, b]."""
        i, j = self._index(a), self._index(b)
        if i is None or j is None:
            return self.cal.workdays_between(a, b)
        return self._upto[j] - self._upto[i]

    def is_after_hours(self, at: datetime) -> bool:
        """Outside office hours or on a day off."""
        return not self.is_workday(at.date()) or not self.office.contains(at.time())

    def ordinal(self, at: datetime) -> int:
        """Office seconds before `at`; outside office hours, the next opening time's ordinal."""
        i = self._index(at.date())
        if i is None:
            raise ValueError(f"{at} is outside the table")
        before = self._upto[i] - self._workday[i]
        if not self._workday[i]:
            return before * self.day_seconds
        opened = datetime.combine(at.date(), self.office.start)
        seconds = min(max(int((at - opened).total_seconds()), 0), self.day_seconds)
        return before * self.day_seconds + seconds

    def at(self, ordinal: int) -> datetime:
        """The moment of an office ordinal."""
        day, seconds = divmod(int(ordinal), self.day_seconds)
        return datetime.combine(self.workdays[day], self.office.start) + timedelta(seconds=seconds)

    def workday_before(self, d: date, n: int) -> date:
        """The working day n working days before the last working day on or before d."""
        i = self._index(d)
        return self.workdays[max(0, self._upto[i] - 1 - n)]


def table_span(now: datetime) -> tuple[date, date]:
    """The dates a demo's working-day table covers: its history and the deadlines ahead."""
    return now.date() - timedelta(days=HISTORY_DAYS + 60), now.date() + timedelta(days=400)


def workday_table(now: datetime) -> WorkdayTable:
    """The open database's calendar as a table (see `table_span`)."""
    return WorkdayTable(calendar.calendar(), *table_span(now), calendar.office_hours())
