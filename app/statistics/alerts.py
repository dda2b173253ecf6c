"""Alerts on the manager's home: a department or category whose cases this month exceed its own
baseline (mean + 2 standard deviations of the previous 6 months, and at least the configured
minimum), and complainants with 3 or more complaints in 90 days across channels."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date

import peewee

from app.statistics.periods import Period, month, trailing_months
from app.validation import mask_phone
from models.cases import Case, Category, Complainant
from models.organisation import Department
from models.statistics import StatCube, StatPersonKey

BASELINE_MONTHS = 6
FREQUENT_DAYS = 90
FREQUENT_MINIMUM = 3


@dataclass(frozen=True)
class SurgeAlert:
    kind: str  # department / category2
    key: int
    name: str
    count: int
    baseline: float  # mean + 2 sd
    period: Period

    @property
    def text(self) -> str:
        what = "科室" if self.kind == "department" else "类别"
        return f"{what}「{self.name}」本月投诉 {self.count} 件，超过近 6 个月基线 {self.baseline:.1f} 件"


@dataclass(frozen=True)
class FrequentComplainant:
    label: str  # name and masked phone
    case_ids: tuple[int, ...]
    case_nos: tuple[str, ...]

    @property
    def text(self) -> str:
        return f"投诉人 {self.label} 近 {FREQUENT_DAYS} 天投诉 {len(self.case_ids)} 次"


def _monthly(kind: str, months: list[Period]) -> dict[int, list[int]]:
    """Distinct cases per department or level-2 category (`kind`), per month, read from the monthly
    cube (`StatCube` keys "department:12", "category2:7": the cases of the month whose issues name
    it, each case once): a few hundred rows whatever the number of cases, where the issue rows of
    the seven months grow with the office's volume."""
    prefix = f"{kind}:"
    codes = [m.start.year * 100 + m.start.month for m in months]
    rows = (
        StatCube.select(StatCube.month, StatCube.key, StatCube.n)
        .where(
            StatCube.month.in_(codes)
            & (StatCube.key > prefix)  # "department:" alone is the issues without one
            & (StatCube.key < f"{kind};")  # ";" follows ":": the keys that start with the prefix
        )
        .tuples()
    )
    counts: dict[int, list[int]] = {}
    for code, key, n in rows:
        series = counts.setdefault(int(key[len(prefix) :]), [0] * len(codes))
        series[codes.index(code)] += n
    return counts


def surges(today: date, minimum: int) -> list[SurgeAlert]:
    """This month (so far) against the 6 months before it."""
    current = month(today.year, today.month)
    months = trailing_months(current, BASELINE_MONTHS + 1)
    alerts = []
    for kind, model in (("department", Department), ("category2", Category)):
        counts = _monthly(kind, months)
        names = dict(model.select(model.id, model.name).where(model.id.in_(list(counts) or [0])).tuples())
        for key, series in counts.items():
            *history, now = series
            baseline = statistics.fmean(history) + 2 * statistics.pstdev(history)
            if now >= minimum and now > baseline:
                alerts.append(SurgeAlert(kind, key, names.get(key, str(key)), now, baseline, current))
    return sorted(alerts, key=lambda a: -(a.count - a.baseline))


def frequent_keys(today: date) -> peewee.Query:
    """The keys with 3 or more cases received in the 90 days up to `today`: a range of the
    (received_day, key) index, so the cost follows the window's volume, not the whole history."""
    since = today.toordinal() - FREQUENT_DAYS + 1
    return (
        StatPersonKey.select(StatPersonKey.key)
        .where(StatPersonKey.received_day.between(since, today.toordinal()))
        .group_by(StatPersonKey.key)
        .having(peewee.fn.COUNT(peewee.SQL("*")) >= FREQUENT_MINIMUM)
    )


def frequent_complainants(today: date) -> list[FrequentComplainant]:
    """Complainants (same phone or ID number) with 3 or more counted complaints in 90 days."""
    since = today.toordinal() - FREQUENT_DAYS + 1
    person_keys = frequent_keys(today)
    groups: dict[str, list[int]] = {}
    for key, case_id in (
        StatPersonKey.select(StatPersonKey.key, StatPersonKey.case)
        .where(StatPersonKey.key.in_(person_keys) & (StatPersonKey.received_day >= since))
        .order_by(StatPersonKey.case)
        .tuples()
    ):
        groups.setdefault(key, []).append(case_id)
    unique = list(dict.fromkeys(tuple(ids) for ids in groups.values()))  # by phone and by ID number
    wanted = sorted({case_id for ids in unique for case_id in ids})
    shown = {  # one statement for every group's cases
        row[0]: row[1:]
        for row in Case.select(Case.id, Case.case_no, Complainant.name, Complainant.phone)
        .join(Complainant)
        .where(Case.id.in_(wanted or [0]))
        .tuples()
    }
    result = []
    for key in unique:
        rows = [shown[case_id] for case_id in key if case_id in shown]
        if not rows:
            continue
        name, phone = rows[-1][1], rows[-1][2]
        label = "".join(filter(None, [name, f"（{mask_phone(phone)}）" if phone else ""])) or "（未留姓名）"
        result.append(FrequentComplainant(label, key, tuple(r[0] for r in rows)))
    return sorted(result, key=lambda f: -len(f.case_ids))
