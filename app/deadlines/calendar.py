"""The working-day calendar of this database: chinese_calendar plus the admin's override table."""

from __future__ import annotations

from datetime import date

from app.deadlines.rules import DeadlineRules, OfficeHours, parse_office_hours
from app.deadlines.workdays import WorkCalendar
from app.errors import ValidationError
from app.policy import Action
from app.session import Session
from app.write_path import operation
from models.cases import CalendarOverride

_cached: WorkCalendar | None = None
_cached_for: object = None


def calendar() -> WorkCalendar:
    """The calendar with this database's overrides (cached until an override changes)."""
    global _cached, _cached_for
    from models.database import database_proxy

    if _cached is None or _cached_for is not database_proxy.obj:
        overrides = {row.day: row.is_workday for row in CalendarOverride.select()}
        _cached, _cached_for = WorkCalendar(overrides), database_proxy.obj
    return _cached


def invalidate() -> None:
    global _cached
    _cached = None


def rules() -> DeadlineRules:
    return DeadlineRules.default()


def office_hours() -> OfficeHours:
    """Office hours from the admin settings, falling back to the rules file."""
    from app import settings

    start, end = settings.get("office_hours_start"), settings.get("office_hours_end")
    try:
        return parse_office_hours(start, end)
    except ValidationError:
        return rules().office_hours


def set_override(session: Session, day: date, is_workday: bool | None, note: str = "") -> None:
    """Mark `day` as a working day or a holiday (None removes the override)."""
    with operation(session, Action.MANAGE_CALENDAR, "calendar.changed", target=day.isoformat()) as op:
        CalendarOverride.delete().where(CalendarOverride.day == day).execute()
        if is_workday is not None:
            CalendarOverride.create(day=day, is_workday=is_workday, note=note.strip()[:60])
        op.detail.update({"is_workday": is_workday, "note": note})
    invalidate()


def list_overrides() -> list[tuple[date, bool, str]]:
    return [(r.day, r.is_workday, r.note) for r in CalendarOverride.select().order_by(CalendarOverride.day)]
