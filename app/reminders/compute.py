"""A user's reminder list at a moment, and what they did with it.

    reminder_list(session)          the lines for now (none outside office hours)
    dismiss(session, key)           已阅: hidden for the rest of the working day (one-off kinds: for good)
    set_desktop_notify(session, on) the user's choice of desktop notifications
    take_digest(session)            the daily digest, once, at the first login of the working day

Pure over the database and `app.clock`: tests fix the clock and get the same list every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app import clock
from app.db_errors import translated
from app.deadlines import calendar
from app.deadlines.rules import OfficeHours
from app.deadlines.workdays import WorkCalendar
from app.errors import ValidationError
from app.policy import Action, Actor
from app.reminders.kinds import KIND_LABELS, KIND_ORDER, ONE_OFF_KINDS, Reminder, ReminderKind
from app.reminders.sources import SOURCES, Moment
from app.session import Session
from app.write_path import ensure_unlocked, operation, require
from models.rectification import ReminderDismissal, ReminderPreference


@dataclass(frozen=True)
class ReminderList:
    """The lines shown now; `office_open` False (and no lines) outside office hours."""

    now: datetime
    office_open: bool
    items: tuple[Reminder, ...]
    dismissed: int = 0  # lines hidden as 已阅 today
    resumes_at: datetime | None = None  # outside office hours: when reminders start again

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def tone(self) -> str:
        """The rail badge's colour: red when anything is late."""
        return "red" if any(r.tone == "red" for r in self.items) else "neutral"

    def by_kind(self) -> list[tuple[ReminderKind, str, int]]:
        counts: dict[ReminderKind, int] = {}
        for item in self.items:
            counts[item.kind] = counts.get(item.kind, 0) + 1
        return [(kind, KIND_LABELS[kind], counts[kind]) for kind in KIND_ORDER if kind in counts]


def in_office_hours(at: datetime, cal: WorkCalendar, hours: OfficeHours) -> bool:
    return cal.is_workday(at) and hours.contains(at.time())


def next_opening(at: datetime, cal: WorkCalendar, hours: OfficeHours) -> datetime:
    """The start of office hours on the next working day (today, if before opening on a workday)."""
    if cal.is_workday(at) and at.time() < hours.start:
        return datetime.combine(at.date(), hours.start)
    day = at.date() + timedelta(days=1)
    while not cal.is_workday(day):
        day += timedelta(days=1)
    return datetime.combine(day, hours.start)


def _hidden(user_id: int, today: date) -> set[str]:
    hidden = set()
    for row in ReminderDismissal.select().where(ReminderDismissal.user == user_id):
        kind = row.key.split(":", 1)[0]
        if kind in ONE_OFF_KINDS or row.dismissed_on == today:
            hidden.add(row.key)
    return hidden


def has_reminders(user: Actor) -> bool:
    """Whether any kind of reminder is for this user (the 提醒 page and the digest are offered)."""
    return any(applies(user) for _source, applies in SOURCES)


def reminder_list(session: Session) -> ReminderList:
    """The user's reminders now, most urgent kind first, already-read ones left out."""
    user = ensure_unlocked(session).user
    now = clock.now()
    with translated():
        cal, hours = calendar.calendar(), calendar.office_hours()
        if not in_office_hours(now, cal, hours):
            return ReminderList(now, False, (), resumes_at=next_opening(now, cal, hours))
        moment = Moment(session, now, cal)
        lines: list[Reminder] = []
        for source, applies in SOURCES:
            if applies(user):
                lines += source(moment)
        hidden = _hidden(user.id, now.date())
    order = {kind: n for n, kind in enumerate(KIND_ORDER)}
    shown = [line for line in lines if line.key not in hidden]
    shown.sort(key=lambda r: (order[r.kind], r.due or date.max))
    return ReminderList(now, True, tuple(shown), dismissed=len(lines) - len(shown))


def dismiss(session: Session, key: str) -> None:
    """已阅: hide the line for the rest of today (it comes back the next working day if it still
    applies), or for good when it is a one-off (整改后复发 told once)."""
    key = key.strip()
    if not key or len(key) > 64 or key.split(":", 1)[0] not in KIND_LABELS:
        raise ValidationError("key", "提醒", "无法识别的提醒")
    today = clock.now().date()
    with operation(session, Action.OWN_REMINDERS, "reminder.dismissed", target=key):
        ReminderDismissal.insert(user=session.user.id, key=key, dismissed_on=today).on_conflict(
            conflict_target=[ReminderDismissal.user, ReminderDismissal.key],
            update={ReminderDismissal.dismissed_on: today},
        ).execute()
        # Lines read on earlier days are no longer needed once their day has passed.
        stale = (ReminderDismissal.user == session.user.id) & (ReminderDismissal.dismissed_on < today)
        for kind in ONE_OFF_KINDS:
            stale &= ~ReminderDismissal.key.startswith(f"{kind}:")
        ReminderDismissal.delete().where(stale).execute()


def _preference(user_id: int) -> ReminderPreference:
    row = ReminderPreference.get_or_none(ReminderPreference.user == user_id)
    return row or ReminderPreference(user=user_id, desktop_notify=False, digest_on=None)


def desktop_notify(session: Session) -> bool:
    require(session, Action.OWN_REMINDERS)
    with translated():
        return bool(_preference(session.user.id).desktop_notify)


def set_desktop_notify(session: Session, on: bool) -> None:
    with operation(
        session, Action.OWN_REMINDERS, "reminder.desktop_notify", target=session.user.username
    ) as op:
        row = _preference(session.user.id)
        row.desktop_notify = bool(on)
        row.save(
            force_insert=ReminderPreference.get_or_none(ReminderPreference.user == session.user.id) is None
        )
        op.detail["on"] = bool(on)


@dataclass(frozen=True)
class Digest:
    """今日提醒摘要: counts by kind and the most urgent lines."""

    day: date
    counts: tuple[tuple[ReminderKind, str, int], ...]
    top: tuple[Reminder, ...]
    total: int


DIGEST_LINES = 8


def take_digest(session: Session) -> Digest | None:
    """The digest, at the user's first login of a working day within office hours (None otherwise,
    when already shown today, or when there is nothing to remind of). Taking it is recorded, so a
    second login that day gets None."""
    require(session, Action.OWN_REMINDERS)
    if not has_reminders(session.user):
        return None
    reminders = reminder_list(session)
    today = reminders.now.date()
    if not reminders.office_open:
        return None
    with translated():
        if _preference(session.user.id).digest_on == today:
            return None
    with operation(session, Action.OWN_REMINDERS, "reminder.digest", target=session.user.username) as op:
        existing = ReminderPreference.get_or_none(ReminderPreference.user == session.user.id)
        row = existing or ReminderPreference(user=session.user.id, desktop_notify=False)
        row.digest_on = today
        row.save(force_insert=existing is None)
        op.detail["count"] = reminders.count
    if not reminders.count:
        return None
    return Digest(today, tuple(reminders.by_kind()), reminders.items[:DIGEST_LINES], reminders.count)
