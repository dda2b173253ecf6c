"""The admin's statistics settings (targets, alert minimum, 考核 points) and the manager's alerts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from app.cases.issues import IssueInput
from app.errors import PermissionDenied, ValidationError
from app.statistics import alerts, config, periods, scorecard
from models.audit import AuditEntry
from models.cases import Case
from tests.app.statistics.conftest import TODAY, March
from tests.support.desk import Desk


def test_admin_sets_points_and_the_scorecard_follows(desk: Desk, march: March) -> None:
    cfg = replace(config.load(), weights={**config.DEFAULT_WEIGHTS, "major": 10.0}, completion_target=0.95)
    config.save(desk["admin"], cfg)
    assert config.load().weights["major"] == 10.0 and config.load().completion_target == 0.95
    scores = scorecard.compute(periods.month(2026, 3), TODAY.date().toordinal(), config.load())
    radiology = next(s for s in scores if s.department == "放射科")
    assert radiology.score == 18.5  # 13.5 with 5 points for 重大, now 10
    assert AuditEntry.select().where(AuditEntry.action == "statistics.config").count() == 1


def test_bad_settings_and_other_roles_are_refused(desk: Desk) -> None:
    with pytest.raises(ValidationError) as refused:
        config.save(desk["admin"], replace(config.load(), satisfaction_target=1.5))
    assert refused.value.field == "satisfaction_target"
    with pytest.raises(ValidationError):
        config.save(desk["admin"], replace(config.load(), weights={"major": 500.0}))
    with pytest.raises(PermissionDenied):
        config.save(desk["manager"], config.load())
    assert config.load() == config.StatisticsConfig()


def test_a_department_above_its_baseline_raises_an_alert(desk: Desk) -> None:
    """One cardiology case a month from May to October 2026, six in November: mean 1 + 2 sd (0) = 1."""
    for m in range(5, 11):
        desk.clock.set(datetime(2026, m, 12, 9, 0))
        desk.register("clerk", complainant_phone=f"1380000{m:04d}", complainant_id_number="",
                      issues=[IssueInput(category="010101", department="cardiology")])  # fmt: skip
    desk.clock.set(datetime(2026, 11, 2, 9, 0))
    for i in range(6):
        desk.clock.advance(hours=3)
        desk.register("clerk", complainant_phone=f"1390000{i:04d}", complainant_id_number="",
                      issues=[IssueInput(category="010101", department="cardiology")])  # fmt: skip
    found = alerts.surges(datetime(2026, 11, 20).date(), minimum=5)
    cardiology = next(a for a in found if a.kind == "department")
    assert cardiology.name == "心血管内科" and cardiology.count == 6 and cardiology.baseline == 1.0
    assert "超过近 6 个月基线" in cardiology.text
    assert alerts.surges(datetime(2026, 11, 20).date(), minimum=7) == []


def test_complainant_with_three_complaints_in_90_days(desk: Desk) -> None:
    ids = []
    for day in (0, 40, 85):
        desk.clock.set(datetime(2026, 9, 1, 9, 0) + timedelta(days=day))
        ids.append(desk.register("clerk", complainant_phone="13712345678", complainant_id_number="").case_id)
    found = alerts.frequent_complainants(datetime(2026, 11, 25).date())
    assert len(found) == 1 and list(found[0].case_ids) == ids
    assert "137****5678" in found[0].label and "近 90 天投诉 3 次" in found[0].text
    assert found[0].case_nos == tuple(Case.get_by_id(i).case_no for i in ids)
    assert alerts.frequent_complainants(datetime(2026, 12, 10).date()) == []  # the first fell out


def test_frequent_complainants_read_the_window_on_its_index(desk: Desk) -> None:
    """The window's keys come from a range of (received_day, key), not a walk of every key."""
    desk.register("clerk", complainant_phone="13712345678")
    db = Case._meta.database
    sql, params = alerts.frequent_keys(datetime(2026, 11, 25).date()).sql()
    plan = str(db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
    assert "stat_person_key_received_day_key" in plan and "received_day>? AND received_day<?" in plan


def _issue_rows_per_month(column: str, months: list[periods.Period]) -> dict[int, list[int]]:
    """The straightforward count: every issue row of the months, its first row per case and value."""
    from models.statistics import IssueStat

    counts: dict[int, list[int]] = {}
    for row in IssueStat.select():
        value = getattr(row, column)
        first = getattr(row, f"first_{column}")
        for index, m in enumerate(months):
            if value is not None and first and m.start.toordinal() <= row.received_day <= m.end.toordinal():
                counts.setdefault(value, [0] * len(months))[index] += 1
    return {k: v for k, v in counts.items() if any(v)}


def test_the_monthly_counts_of_the_alerts_equal_the_issue_rows(desk: Desk, march: March) -> None:
    """The surge alerts read the monthly cube; per department and category, month by month, it
    holds what the issue rows count (cases with several issues and departments, a merged duplicate,
    a restricted case, cases in other months)."""
    from app.cases import overlays

    for m, department in ((1, "cardiology"), (2, "radiology"), (2, "cardiology")):
        desk.clock.set(datetime(2026, m, 20, 10, 0))
        desk.register("clerk", complainant_phone=f"1360000{m:04d}", complainant_id_number="",
                      issues=[IssueInput("诊疗告知不充分", category="010101", department=department),
                              IssueInput("护理态度差", category="020101", department="radiology")])  # fmt: skip
    overlays.restrict(desk["manager"], march.e, True)
    months = periods.trailing_months(periods.month(2026, 3), alerts.BASELINE_MONTHS + 1)
    for kind in ("department", "category2"):
        cube = {k: v for k, v in alerts._monthly(kind, months).items() if any(v)}
        assert cube == _issue_rows_per_month(kind, months), kind
        assert cube  # the fixture has some of each
