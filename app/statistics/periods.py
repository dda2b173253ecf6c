"""Statistics periods: a month (2026-03), a quarter (2026-Q1), a year (2026) or a custom range
(2026-03-01~2026-03-15), with the period before (环比) and the same period a year earlier (同比)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from app.errors import ValidationError

QUARTER_NAMES = ("一", "二", "三", "四")
PERIOD_HELP = "统计期间的写法：2026-03（月）、2026-Q1（季度）、2026（年）或 2026-03-01~2026-03-15（自定义）"


@dataclass(frozen=True)
class Period:
    kind: str  # month / quarter / year / custom
    start: date
    end: date  # inclusive

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start:%Y-%m-%d}~{self.end:%Y-%m-%d}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{self.start.year}年第{QUARTER_NAMES[(self.start.month - 1) // 3]}季度"
        if self.kind == "year":
            return f"{self.start.year}年"
        return f"{self.start.year}年{self.start.month}月{self.start.day}日至{self.end.year}年{self.end.month}月{self.end.day}日"

    @property
    def report_title(self) -> str:
        kind = {"month": "月度", "quarter": "季度", "year": "年度"}.get(self.kind, "专项")
        return f"{self.label}{kind}投诉分析报告" if kind != "专项" else f"{self.label}投诉分析报告"

    @property
    def first_day(self) -> int:
        return self.start.toordinal()

    @property
    def last_day(self) -> int:
        return self.end.toordinal()

    def previous(self) -> Period:
        """环比: the period just before, of the same kind (a custom range: the same number of days)."""
        if self.kind == "month":
            return month(*_shift_month(self.start.year, self.start.month, -1))
        if self.kind == "quarter":
            y, m = _shift_month(self.start.year, self.start.month, -3)
            return quarter(y, (m - 1) // 3 + 1)
        if self.kind == "year":
            return year(self.start.year - 1)
        length = self.end - self.start
        end = self.start - timedelta(days=1)
        return Period("custom", end - length, end)

    def year_ago(self) -> Period:
        """同比: the same period one year earlier."""
        if self.kind == "month":
            return month(self.start.year - 1, self.start.month)
        if self.kind == "quarter":
            return quarter(self.start.year - 1, (self.start.month - 1) // 3 + 1)
        if self.kind == "year":
            return year(self.start.year - 1)
        return Period("custom", _year_back(self.start), _year_back(self.end))

    def months(self) -> list[Period]:
        """The calendar months the period touches (a custom range: clipped to the range)."""
        result = []
        y, m = self.start.year, self.start.month
        while date(y, m, 1) <= self.end:
            p = month(y, m)
            result.append(Period(p.kind, max(p.start, self.start), min(p.end, self.end)))
            y, m = _shift_month(y, m, 1)
        return result


def _shift_month(y: int, m: int, delta: int) -> tuple[int, int]:
    index = y * 12 + (m - 1) + delta
    return index // 12, index % 12 + 1


def _year_back(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def month(y: int, m: int) -> Period:
    ny, nm = _shift_month(y, m, 1)
    return Period("month", date(y, m, 1), date(ny, nm, 1) - timedelta(days=1))


def quarter(y: int, q: int) -> Period:
    start = date(y, 3 * (q - 1) + 1, 1)
    ny, nm = _shift_month(y, start.month, 3)
    return Period("quarter", start, date(ny, nm, 1) - timedelta(days=1))


def year(y: int) -> Period:
    return Period("year", date(y, 1, 1), date(y, 12, 31))


def custom(start: date, end: date) -> Period:
    if end < start:
        raise ValidationError("period", "统计期间", "结束日期不能早于开始日期")
    if (end - start).days > 366 * 3:
        raise ValidationError("period", "统计期间", "自定义期间不能超过三年")
    return Period("custom", start, end)


def trailing_months(period: Period, count: int = 12) -> list[Period]:
    """The `count` calendar months ending with the period's last month (the trend chart)."""
    y, m = period.end.year, period.end.month
    return [month(*_shift_month(y, m, -i)) for i in range(count - 1, -1, -1)]


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})\s*[~～至]\s*(\d{4}-\d{1,2}-\d{1,2})$")


def parse(text: str) -> Period:
    """ "2026-03", "2026-Q1", "2026" or "2026-03-01~2026-03-15"; a clear Chinese message otherwise."""
    text = (text or "").strip()
    try:
        if found := _MONTH.match(text):
            y, m = int(found[1]), int(found[2])
            if not 1 <= m <= 12:
                raise ValidationError("period", "统计期间", f"月份应为 1–12：{text}")
            return month(y, m)
        if found := _QUARTER.match(text):
            return quarter(int(found[1]), int(found[2]))
        if found := _YEAR.match(text):
            return year(int(found[1]))
        if found := _RANGE.match(text):
            return custom(date.fromisoformat(_iso(found[1])), date.fromisoformat(_iso(found[2])))
    except ValueError:
        raise ValidationError("period", "统计期间", f"日期无效：{text}") from None
    raise ValidationError("period", "统计期间", PERIOD_HELP)


def _iso(text: str) -> str:
    y, m, d = text.split("-")
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"
