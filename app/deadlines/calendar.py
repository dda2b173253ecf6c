"""The working-day calendar of this database: chinese_calendar plus the admin's override table.

Also the 节假日 services: the year view, importing a 国务院办公厅 notice as a year's data, editing one
day — each audited, each counting provisional deadlines again (app.deadlines.recompute)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import chinese_calendar

from app.db_errors import translated
from app.deadlines.notice import ParsedNotice, parse_notice
from app.deadlines.rules import DeadlineRules, OfficeHours, parse_office_hours
from app.deadlines.workdays import WorkCalendar, library_covers
from app.errors import ValidationError
from app.policy import Action
from app.session import Session
from app.write_path import ensure_unlocked, operation, require
from models.cases import CalendarOverride

if TYPE_CHECKING:
    from app.deadlines.recompute import DeadlineChange

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


# -- the year view, importing a notice, editing a day ------------------------------------------------


class DayKind(StrEnum):
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup"  # 调休上班: a weekend day worked
    WEEKEND = "weekend"
    WORKDAY = "workday"


class DaySource(StrEnum):
    BUNDLED = "bundled"
    OVERRIDE = "override"
    ENTERED = "entered"  # a year with admin data, this day ordinary
    PROVISIONAL = "provisional"


KIND_LABELS: dict[str, str] = {
    DayKind.HOLIDAY: "放假",
    DayKind.MAKEUP_WORKDAY: "调休上班",
    DayKind.WEEKEND: "周末",
    DayKind.WORKDAY: "工作日",
}
SOURCE_LABELS: dict[str, str] = {
    DaySource.BUNDLED: "内置节假日数据",
    DaySource.OVERRIDE: "管理员录入",
    DaySource.ENTERED: "本年已录入通知，此日为常规日",
    DaySource.PROVISIONAL: "暂定（尚未录入本年通知，按周一至周五）",
}


@dataclass(frozen=True)
class CalendarDay:
    day: date
    kind: DayKind
    source: DaySource
    note: str = ""

    @property
    def standard(self) -> bool:
        """An ordinary weekday or weekend day (nothing to list)."""
        return self.kind in (DayKind.WORKDAY, DayKind.WEEKEND) and not self.note


@dataclass(frozen=True)
class YearView:
    year: int
    official: bool  # the year has bundled or admin data (deadlines in it are not 暂定)
    bundled: bool
    days: tuple[CalendarDay, ...]

    def nonstandard(self) -> list[CalendarDay]:
        return [d for d in self.days if not d.standard]

    @property
    def status(self) -> str:
        if self.bundled:
            return f"{self.year}年：使用内置节假日数据" + ("（含管理员修改）" if self._edited() else "")
        if self.official:
            return f"{self.year}年：已录入国务院办公厅通知"
        return f"{self.year}年：尚未录入节假日安排，期限按周一至周五暂定"

    def _edited(self) -> bool:
        return any(d.source == DaySource.OVERRIDE for d in self.days)


def _bundled_name(d: date) -> str:
    if not library_covers(d.year):
        return ""
    _, english = chinese_calendar.get_holiday_detail(d)
    return chinese_calendar.Holiday(english).chinese if english else ""


def build_year(cal: WorkCalendar, year: int, notes: dict[date, str]) -> YearView:
    """Every day of `year` on `cal`: kind, source and note (`notes`: the override notes)."""
    bundled = library_covers(year)
    days: list[CalendarDay] = []
    day = date(year, 1, 1)
    while day.year == year:
        workday, weekend = cal.is_workday(day), day.weekday() >= 5
        if day in cal.overrides:
            source, note = DaySource.OVERRIDE, notes.get(day, "")
        elif bundled:
            source, note = DaySource.BUNDLED, _bundled_name(day)
        else:
            source = DaySource.ENTERED if cal.has_official_data(year) else DaySource.PROVISIONAL
            note = ""
        if workday:
            kind = DayKind.MAKEUP_WORKDAY if weekend else DayKind.WORKDAY
        else:
            festive = source == DaySource.OVERRIDE or bool(note)
            kind = DayKind.HOLIDAY if festive or not weekend else DayKind.WEEKEND
        days.append(CalendarDay(day, kind, source, note))
        day += timedelta(days=1)
    return YearView(year, cal.has_official_data(year), bundled, tuple(days))


def year_view(session: Session, year: int) -> YearView:
    """The year as deadlines count it, for the 节假日 page and `calendar show`."""
    ensure_unlocked(session)
    if not 2000 <= year <= 2100:
        raise ValidationError("year", "年份", "请输入 2000—2100 之间的年份")
    notes = {row.day: row.note for row in CalendarOverride.select().where(_in_year(year))}
    return build_year(calendar(), year, notes)


def _in_year(year: int) -> Any:
    return (CalendarOverride.day >= date(year, 1, 1)) & (CalendarOverride.day <= date(year, 12, 31))


NEXT_YEAR_FROM_MONTH = 11  # the State Council publishes next year's notice in November or December


def default_year(today: date) -> int:
    """The year the 节假日 page opens on: next year from 1 November, when its notice is due."""
    return today.year + 1 if today.month >= NEXT_YEAR_FROM_MONTH else today.year


def needs_next_year(today: date) -> int | None:
    """From 1 November: next year, while it has no holiday data (for the admin's and manager's banner)."""
    if today.month < NEXT_YEAR_FROM_MONTH or calendar().has_official_data(today.year + 1):
        return None
    return today.year + 1


def _notice_overrides(notice: ParsedNotice) -> dict[date, tuple[bool, str]]:
    """The override rows a notice becomes: its days, and for a bundled year every bundled
    non-standard day the notice does not list, set back to Mon–Fri."""
    rows: dict[date, tuple[bool, str]] = {}
    if library_covers(notice.year):
        day = date(notice.year, 1, 1)
        while day.year == notice.year:
            if chinese_calendar.is_workday(day) != (day.weekday() < 5):
                rows[day] = (day.weekday() < 5, "国务院通知未列出")
            day += timedelta(days=1)
    for d, name in notice.holidays.items():
        rows[d] = (False, name[:60])
    for d, name in notice.workdays.items():
        rows[d] = (True, f"{name}调休上班"[:60])
    return rows


@dataclass(frozen=True)
class CalendarReport:
    """What a notice import (or a day edit) did, or would do in a dry run."""

    year: int
    head: str
    changes: tuple[DeadlineChange, ...]
    cases: int
    saved: bool

    @property
    def moved(self) -> int:
        return sum(1 for c in self.changes if c.moved)

    def lines(self) -> list[str]:
        out = [self.head if self.saved else f"{self.head}（试运行，未保存）"]
        if self.changes:
            out.append(
                f"重新计算暂定期限 {len(self.changes)} 个（日期变动 {self.moved} 个），"
                f"涉及 {self.cases} 件案件，已在各案件时间线注明"
                if self.saved
                else f"将重新计算暂定期限 {len(self.changes)} 个（日期变动 {self.moved} 个），涉及 {self.cases} 件案件"
            )
            out += [f"  {c.case_no} {c.summary().split('：', 1)[1]}" for c in self.changes]
        else:
            out.append("没有需要重新计算的暂定期限")
        return out


@dataclass(frozen=True)
class ImportPreview:
    """A pasted notice as it would be saved: the parse, the deadlines it would move, the year view."""

    notice: ParsedNotice
    report: CalendarReport
    year: YearView


def preview_import(session: Session, text: str, default_year: int) -> ImportPreview:
    """Parse a pasted notice and show what importing it would do (nothing written).
    `default_year` applies when the text has no title naming the year."""
    require(session, Action.MANAGE_CALENDAR, target="notice")
    notice = parse_notice(text, default_year=default_year)
    report, new = _preview(notice)
    notes = {d: note for d, (_workday, note) in _notice_overrides(notice).items()}
    return ImportPreview(notice, report, build_year(new, notice.year, notes))


def preview_notice(session: Session, notice: ParsedNotice) -> CalendarReport:
    """What `import_notice` would save and which deadlines it would move (nothing written)."""
    require(session, Action.MANAGE_CALENDAR, target=str(notice.year))
    return _preview(notice)[0]


def _preview(notice: ParsedNotice) -> tuple[CalendarReport, WorkCalendar]:
    """The dry-run report and the calendar the notice would make (one read of the stored overrides)."""
    from app.deadlines import recompute

    with translated():
        old = _stored()
        new = WorkCalendar(_replaced_year(old, notice))
        changes = recompute.changes_on(new, old)
    cases = len({c.case_id for c in changes})
    return CalendarReport(notice.year, _notice_head(notice), tuple(changes), cases, False), new


def _notice_head(notice: ParsedNotice) -> str:
    return f"{notice.year} 年节假日安排：放假 {len(notice.holidays)} 天，调休上班 {len(notice.workdays)} 天"


def _stored() -> WorkCalendar:
    return WorkCalendar({row.day: row.is_workday for row in CalendarOverride.select()})


def _replaced_year(old: WorkCalendar, notice: ParsedNotice) -> dict[date, bool]:
    merged = {d: v for d, v in old.overrides.items() if d.year != notice.year}
    merged.update({d: v for d, (v, _note) in _notice_overrides(notice).items()})
    return merged


def import_notice(session: Session, notice: ParsedNotice) -> CalendarReport:
    """Save a parsed notice as its year's data (replacing that year's overrides), count again every
    provisional deadline and note each moved one on its case — one audited transaction."""
    from app.deadlines import recompute

    try:
        with operation(
            session, Action.MANAGE_CALENDAR, "calendar.notice_imported", target=str(notice.year)
        ) as op:
            old = _stored()
            rows = _notice_overrides(notice)
            CalendarOverride.delete().where(
                _in_year(notice.year) | CalendarOverride.day.in_(list(rows))
            ).execute()
            for d, (workday, note) in sorted(rows.items()):
                CalendarOverride.create(day=d, is_workday=workday, note=note)
            new = _stored()
            changes = recompute.changes_on(new, old)
            cases = recompute.apply(session, changes)
            op.detail.update(
                {
                    "holidays": len(notice.holidays),
                    "workdays": len(notice.workdays),
                    "deadlines_recomputed": len(changes),
                    "cases": cases,
                }
            )
    finally:
        invalidate()
    return CalendarReport(notice.year, "已保存" + _notice_head(notice), tuple(changes), cases, True)


def edit_day(session: Session, day: date, kind: DayKind | None, note: str) -> CalendarReport:
    """Set one day to 放假 (HOLIDAY) or 上班 (WORKDAY/MAKEUP_WORKDAY), or None to drop the override;
    a note is required when setting. Provisional deadlines are counted again as after an import."""
    from app.deadlines import recompute

    try:
        with operation(session, Action.MANAGE_CALENDAR, "calendar.changed", target=day.isoformat()) as op:
            note = note.strip()
            if kind is not None and not note:
                raise ValidationError("note", "说明", "请填写修改原因，例如“本市调休”")
            if len(note) > 60:
                raise ValidationError("note", "说明", "不能超过 60 个字")
            old = _stored()
            if not old.has_official_data(day.year):
                raise ValidationError(
                    "day", "日期", f"{day.year}年尚未录入国务院办公厅通知，请先导入通知，再修改单日"
                )
            CalendarOverride.delete().where(CalendarOverride.day == day).execute()
            if kind is not None:
                workday = kind in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY)
                CalendarOverride.create(day=day, is_workday=workday, note=note)
            new = _stored()
            changes = recompute.changes_on(new, old)
            cases = recompute.apply(session, changes)
            op.detail.update({"kind": str(kind) if kind else None, "note": note, "cases": cases})
    finally:
        invalidate()
    what = "已取消对" if kind is None else "已修改"
    return CalendarReport(day.year, f"{what} {day:%Y-%m-%d} 的设置", tuple(changes), cases, True)
