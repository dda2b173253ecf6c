"""Deadline rules and clocks (DESIGN §5): due dates in working days, traffic-light status, holds.

Pure functions over plain values; datetimes are naive local hospital time. A deadline counted in
working days falls at the end of its last working day (a case due today is 今日到期 until midnight,
also after office hours). Services store the `Due` they get here and recompute open deadlines when
the admin changes the calendar.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib.resources import files
from typing import Any, Literal

from app.deadlines.workdays import WorkCalendar
from app.errors import ValidationError

Colour = Literal["green", "amber", "red"]

PROVISIONAL_MARK = "（暂定）"
ON_HOLD_TEXT = "已暂停（待补充材料）"


@dataclass(frozen=True)
class OfficeHours:
    """Office opening hours on a working day; after-hours intake goes to 总值班."""

    start: time = time(8, 0)
    end: time = time(17, 30)

    def contains(self, t: time) -> bool:
        return self.start <= t < self.end


# internal name → (Chinese label, minimum value) for the integer rules
_INT_RULES: dict[str, tuple[str, int]] = {
    "reply_workdays": ("答复时限（工作日）", 1),
    "reply_workdays_multi_department": ("多科室答复时限（工作日）", 1),
    "department_reply_workdays": ("科室反馈时限（工作日）", 1),
    "acceptance_next_workday": ("夜间及来信受理时限（工作日）", 1),
    "major_external_report_hours": ("重大投诉外报时限（小时）", 1),
    "amber_threshold_workdays": ("临期提醒（工作日）", 0),
    "amber_threshold_hours": ("外报临期提醒（小时）", 0),
}


@dataclass(frozen=True)
class DeadlineRules:
    """Configurable deadline rules; defaults live in resources/deadline_rules.json."""

    reply_workdays: int = 5
    reply_workdays_multi_department: int = 10
    department_reply_workdays: int = 3
    acceptance_next_workday: int = 1  # night-duty and letter intakes: accepted by the next working day
    major_external_report_hours: int = 12
    amber_threshold_workdays: int = 1
    amber_threshold_hours: int = 2
    office_hours: OfficeHours = field(default_factory=OfficeHours)

    @classmethod
    def default(cls) -> DeadlineRules:
        """The bundled defaults (cached; the object is immutable)."""
        return _default_rules()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> DeadlineRules:
        """Build from a JSON-like mapping (bundled file or admin settings); missing keys keep defaults.

        Raises ValidationError naming the offending rule in Chinese.
        """
        unknown = set(data) - set(_INT_RULES) - {"office_hours", "version"}
        if unknown:
            name = sorted(unknown)[0]
            raise ValidationError(name, "时限规则", f"无法识别的项目“{name}”")
        values: dict[str, Any] = {}
        for name, (label, minimum) in _INT_RULES.items():
            if name in data:
                values[name] = _rule_int(data[name], name, label, minimum)
        if "office_hours" in data:
            values["office_hours"] = _office_hours(data["office_hours"])
        return cls(**values)

    def to_mapping(self) -> dict[str, Any]:
        """The JSON-ready form accepted by `from_mapping`."""
        data = asdict(self)
        data["office_hours"] = {
            "start": self.office_hours.start.strftime("%H:%M"),
            "end": self.office_hours.end.strftime("%H:%M"),
        }
        return data

    def reply_workdays_for(self, department_count: int) -> int:
        """Reply deadline in working days: longer when several departments are involved."""
        return self.reply_workdays_multi_department if department_count > 1 else self.reply_workdays


def _rule_int(value: Any, name: str, label: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(name, label, "必须是整数")
    if value < minimum:
        raise ValidationError(name, label, f"不能小于 {minimum}")
    return value


def _parse_hhmm(value: Any, name: str, label: str) -> time:
    try:
        return datetime.strptime(str(value), "%H:%M").time()
    except ValueError:
        raise ValidationError(name, label, "时间格式应为 HH:MM，例如 17:30") from None


def _office_hours(value: Any) -> OfficeHours:
    if not isinstance(value, Mapping):
        raise ValidationError("office_hours", "办公时间", "应包含开始和结束时间")
    start = _parse_hhmm(value.get("start", "08:00"), "office_hours.start", "上班时间")
    end = _parse_hhmm(value.get("end", "17:30"), "office_hours.end", "下班时间")
    if start >= end:
        raise ValidationError("office_hours", "办公时间", "下班时间必须晚于上班时间")
    return OfficeHours(start, end)


@cache
def _default_rules() -> DeadlineRules:
    text = files("resources").joinpath("deadline_rules.json").read_text(encoding="utf-8")
    return DeadlineRules.from_mapping(json.loads(text))


@dataclass(frozen=True)
class Due:
    """A deadline's last working day; `provisional` when computed over a year without official data."""

    date: date
    provisional: bool = False

    def ends_at(self) -> datetime:
        """The moment the deadline passes: the end of `date` (midnight). A case due today is 今日到期
        all day, also after office hours."""
        return datetime.combine(self.date + timedelta(days=1), time.min)


@dataclass(frozen=True)
class DeadlineStatus:
    """What a badge shows. `workdays_left` is None for clocks measured in hours; `hours_left` is
    calendar hours to the deadline moment (negative when overdue)."""

    colour: Colour
    text: str
    workdays_left: int | None
    hours_left: float
    overdue: bool
    provisional: bool = False
    paused: bool = False
    paused_workdays: int = 0


def due_date(start: date, workdays: int, cal: WorkCalendar) -> Due:
    """Deadline `workdays` working days after `start`, counting from the next day (民法典 Art. 201)."""
    day, provisional = cal.add_workdays(start, workdays)
    return Due(day, provisional)


def extend(due: Due, extra_workdays: int, cal: WorkCalendar) -> Due:
    """An approved extension (延期): move the due date by `extra_workdays` working days."""
    day, provisional = cal.add_workdays(due.date, extra_workdays)
    return Due(day, due.provisional or provisional)


def extend_for_hold(due: Due, hold_start: datetime, hold_end: datetime, cal: WorkCalendar) -> Due:
    """On resuming from on_hold (待补充材料): move the due date by the working days in (start, end]."""
    if hold_end < hold_start:
        raise ValueError("hold_end is before hold_start")
    return extend(due, cal.workdays_between(hold_start, hold_end), cal)


def external_report_due(escalated_at: datetime, rules: DeadlineRules | None = None) -> datetime:
    """When the external report of a major case is due (hours clock, not working days)."""
    rules = rules or DeadlineRules.default()
    return escalated_at + timedelta(hours=rules.major_external_report_hours)


def deadline_status(
    due: Due,
    now: datetime,
    cal: WorkCalendar,
    *,
    paused_since: datetime | None = None,
    paused_workdays: int = 0,
    rules: DeadlineRules | None = None,
) -> DeadlineStatus:
    """Traffic light for a working-day deadline.

    While on hold (`paused_since` set) the clock is frozen at the moment the hold began.
    `paused_workdays` is the working time spent in earlier holds (already added to `due` by
    `extend_for_hold`); it is only reported, together with the current hold, in `paused_workdays`.
    Overdue counts whole working days after the due date, at least 1 once the deadline has passed.
    """
    rules = rules or DeadlineRules.default()
    as_of = min(paused_since, now) if paused_since is not None else now
    due_at = due.ends_at()
    overdue = as_of >= due_at
    if overdue:
        workdays_left = -max(1, cal.workdays_between(due.date, as_of))
    else:
        workdays_left = cal.workdays_between(as_of, due.date)

    if overdue:
        colour: Colour = "red"
    elif workdays_left <= rules.amber_threshold_workdays:
        colour = "amber"
    else:
        colour = "green"

    paused = paused_since is not None
    total_paused = paused_workdays + (max(0, cal.workdays_between(paused_since, now)) if paused else 0)
    if paused:
        text = ON_HOLD_TEXT + (f"，累计暂停 {total_paused} 个工作日" if total_paused else "")
    elif overdue:
        text = f"已逾期 {-workdays_left} 个工作日"
    elif workdays_left == 0:
        text = "今日到期"
    else:
        text = f"剩余 {workdays_left} 个工作日"
    if due.provisional:
        text += PROVISIONAL_MARK

    return DeadlineStatus(
        colour=colour,
        text=text,
        workdays_left=workdays_left,
        hours_left=(due_at - as_of).total_seconds() / 3600,
        overdue=overdue,
        provisional=due.provisional,
        paused=paused,
        paused_workdays=total_paused,
    )


def _format_minutes(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} 分钟"
    return f"{hours} 小时" + (f" {rest} 分钟" if rest else "")


def hours_status(due_at: datetime, now: datetime, *, amber_hours: float = 2) -> DeadlineStatus:
    """Traffic light for a clock measured in hours (e.g. the major-case external-report clock)."""
    seconds = (due_at - now).total_seconds()
    overdue = seconds < 0
    minutes = math.ceil(abs(seconds) / 60)
    if overdue:
        colour: Colour = "red"
        text = f"已逾期 {_format_minutes(minutes)}"
    else:
        colour = "amber" if seconds <= amber_hours * 3600 else "green"
        text = f"剩余 {_format_minutes(minutes)}"
    return DeadlineStatus(
        colour=colour, text=text, workdays_left=None, hours_left=seconds / 3600, overdue=overdue
    )


def is_after_hours(at: datetime, cal: WorkCalendar, office_hours: OfficeHours | None = None) -> bool:
    """True outside office hours on a working day, or at any time on a non-working day (总值班)."""
    office_hours = office_hours or DeadlineRules.default().office_hours
    return not cal.is_workday(at) or not office_hours.contains(at.time())


def parse_office_hours(start: str, end: str) -> OfficeHours:
    """Office hours from two "HH:MM" texts (e.g. the admin settings); ValidationError in Chinese."""
    return _office_hours({"start": start, "end": end})
