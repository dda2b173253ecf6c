"""Every indicator on a small office whose March 2026 figures were worked out by hand.

As of 20 March 2026 17:00 (conftest.build_march):
  A 10 Mar  phone            医疗质量  心血管内科 (sent also to 护理部)  closed same day  部分成立  满意
  B 10 Mar  12345 transfer   护理质量  (default 护理部)   不予受理
  C 10 Mar  visit, two issues: 护理质量 / 护理部 and 医疗质量 / 心血管内科; accepted, reply due 17 Mar: overdue
  D 10 Mar  merged into C    (not counted)
  F 10 Mar  phone            护理质量  (default 护理部)   当场解决 (awaiting sign-off)
  E 12 Mar  letter, 重大, A's complainant (repeat); 医疗质量 放射科: accepted 13th (due 13th),
            签收 17th (due 16th: late), 反馈 19th (due 18th: late), 成立, 赔偿 5000 元,
            replied 19th (due 19th: on time), 回访 20th 不满意 → 再处理
"""

from __future__ import annotations

from datetime import date

from app.statistics import indicators, periods
from app.statistics.conditions import Measure
from app.statistics.indicators import Figures, Tally
from app.statistics.service import drill_ids
from models.cases import Category
from models.organisation import Department
from tests.app.statistics.conftest import TODAY, March

MARCH = periods.month(2026, 3)


def _figures() -> Figures:
    return indicators.compute(MARCH, TODAY.date(), 12)


def _by_label(tallies: list[Tally]) -> dict[str, int]:
    return {t.label: t.count for t in tallies}


def _ids(measure: Measure) -> set[int]:
    return set(drill_ids(MARCH, measure, TODAY.date()))


def test_received_outcomes_and_breakdowns(march: March) -> None:
    f = _figures()
    assert f.received == 5 and f.merged == 1
    assert _ids(Measure("received")) == {march.a, march.b, march.c, march.e, march.f}
    assert _by_label(f.outcomes) == {"已受理": 3, "当场解决": 1, "不予受理": 1, "待受理": 0}
    assert _by_label(f.channels) == {"来电": 2, "来访": 1, "来信": 1, "上级转办·12345": 1}
    assert _ids(Measure("channel", "transfer:hotline_12345")) == {march.b}
    assert _by_label(f.severities) == {"一般": 4, "重大": 1}
    assert _by_label(f.handlers) == {"林晓雯": 4, "未指定": 1}


def test_multi_department_case_counts_once_per_department_and_category(march: March) -> None:
    f = _figures()
    names = {d.code: d.name for d in Department.select()}
    assert _by_label(f.departments) == {names["nursing"]: 3, names["cardiology"]: 2, names["radiology"]: 1}
    assert _by_label(f.categories1) == {"护理质量": 3, "医疗质量": 3}
    nursing = Department.get(Department.code == "nursing").id
    assert _ids(Measure("department", str(nursing))) == {march.b, march.c, march.f}
    cardiology = Department.get(Department.code == "cardiology").id
    assert _ids(Measure("department", str(cardiology))) == {march.a, march.c}
    # the total counts C once although it sits under two departments and two categories
    assert sum(t.count for t in f.departments) == 6 and f.received == 5
    level2 = Category.get(Category.code == "0201").id
    assert _ids(Measure("category2", str(level2))) == {march.b}


def test_findings_per_case_and_per_issue(march: March) -> None:
    f = _figures()
    assert _by_label(f.findings_case) == {"成立": 1, "部分成立": 1}
    assert _by_label(f.findings_issue) == {"成立": 1, "部分成立": 1}
    assert f.issues == 6
    assert f.headline.upheld == 2 and f.headline.with_finding == 2 and f.headline.upheld_rate == 1.0
    assert _ids(Measure("finding_issue", "upheld")) == {march.e}


def test_timeliness_per_stage_on_the_working_day_calendar(march: March) -> None:
    f = _figures()
    stages = {r.key: (r.on_time.count, r.late.count) for r in f.stages}
    assert stages == {
        "timeliness_accept": (5, 0),
        "timeliness_acknowledge": (2, 1),
        "timeliness_respond": (2, 1),
        "timeliness_reply": (2, 1),
        "timeliness_follow_up": (2, 0),
    }
    assert _ids(Measure("timeliness_reply", "late")) == {march.c}
    assert _ids(Measure("timeliness_acknowledge", "late")) == {march.e}
    assert (f.completion.on_time.count, f.completion.late.count) == (3, 1)
    assert f.completion.rate == 0.75
    assert _ids(Measure("completion", "on_time")) == {march.a, march.e, march.f}


def test_satisfaction_reopening_compensation_repeat_major(march: March) -> None:
    f = _figures()
    assert _by_label(f.satisfaction) == {"满意": 1, "不满意": 1}
    assert f.headline.satisfaction_rate == 0.5
    assert f.reopened.count == 1 and f.reopen_times == 1
    assert f.compensation.count == 1 and f.compensation.amount_fen == 500_000
    assert {t.label: (t.count, t.amount_fen) for t in f.compensation_bands}["2千–2万元"] == (1, 500_000)
    radiology = Department.get(Department.code == "radiology")
    assert [(t.label, t.count, t.amount_fen) for t in f.compensation_departments] == [
        (radiology.name, 1, 500_000)
    ]
    assert _ids(Measure("compensation_department", str(radiology.id))) == {march.e}
    assert f.repeats.count == 1 and _ids(Measure("repeat")) == {march.e}
    assert f.major.count == 1 and f.major_reported_in_time == 1 and f.major_report_hours == 0


def test_backlog_and_overdue_at_period_end(march: March) -> None:
    f = _figures()
    assert f.backlog.count == 3 and _ids(Measure("backlog")) == {march.c, march.e, march.f}
    assert f.overdue.count == 1 and _ids(Measure("overdue")) == {march.c}


def test_previous_period_and_year_ago_and_trend(march: March) -> None:
    f = _figures()
    assert f.previous.period == periods.month(2026, 2) and f.previous.received == 0
    assert f.year_ago.period == periods.month(2025, 3) and f.year_ago.received == 0
    assert f.trend[-1] == ("26年3月", 5) and len(f.trend) == 12
    quarter = indicators.compute(periods.quarter(2026, 1), TODAY.date(), 12)
    assert quarter.received == 5 and quarter.previous.period == periods.quarter(2025, 4)


def test_every_tally_drills_down_to_exactly_its_cases(march: March) -> None:
    """A case-level figure and the list behind it have the same size."""
    f = _figures()
    tallies = [
        *f.outcomes, *f.channels, *f.categories1, *f.categories2, *f.departments, *f.severities, *f.handlers,
        *f.findings_case, *f.satisfaction, *f.compensation_bands, *f.compensation_departments,
        f.completion.on_time, f.completion.late, f.reopened, f.compensation, f.repeats, f.major, f.backlog,
        f.overdue,
    ]  # fmt: skip
    tallies += [
        s for r in f.stages if r.key in ("timeliness_accept", "timeliness_reply") for s in (r.on_time, r.late)
    ]
    for tally in tallies:
        assert len(_ids(tally.measure)) == tally.count, tally


def test_a_period_without_cases_has_zero_figures(march: March) -> None:
    f = indicators.compute(periods.month(2025, 7), date(2026, 3, 20), 12)
    assert f.received == 0 and f.completion.rate is None and f.headline.upheld_rate is None
    assert f.backlog.count == 0
