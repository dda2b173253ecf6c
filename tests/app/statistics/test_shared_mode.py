"""The statistics on a shared PostgreSQL database: the same hand-computed March, kept in the same
transactions, equal to a recount (identifiers are sealed there: repeats go by their blind index)."""

from __future__ import annotations

from app.reports import service as reports
from app.statistics import periods, store
from models.statistics import StatCube
from tests.app.statistics import test_store as kept_locally
from tests.app.statistics.conftest import PEOPLE, TODAY, build_march
from tests.app.statistics.test_store import _cube_of, _cube_table, _normalise, _recounted, _stored
from tests.support.cases import FakeClock
from tests.support.desk import open_desk


def test_march_on_postgresql(shared_admin, fake_clock: FakeClock) -> None:
    session, _key = shared_admin
    desk = open_desk(session, fake_clock, new=PEOPLE)
    build_march(desk)
    source = reports.prepare(desk["manager"], periods.month(2026, 3))
    f = source.figures
    assert f.received == 5 and f.merged == 1 and f.repeats.count == 1
    assert (f.completion.on_time.count, f.completion.late.count) == (3, 1)
    assert {t.label: t.count for t in f.categories1} == {"护理质量": 3, "医疗质量": 3}
    assert f.backlog.count == 3 and f.overdue.count == 1
    assert _normalise(_stored()) == _recounted(store.recount())
    assert StatCube.select().count() > 0 and _cube_table() == _cube_of(store.recount())
    custom = reports.compute(periods.custom(periods.month(2026, 3).start, TODAY.date()), TODAY.date())
    assert custom.figures.received == 5 and custom.figures.completion.late.count == 1
    assert reports.issue(desk["manager"], source, source.draft, "xlsx").total == 5


def test_cube_and_flows_equal_a_full_recount_after_random_operations_on_postgresql(
    shared_admin, fake_clock: FakeClock
) -> None:
    """The server keeps keys, repeat flags, cube and flows itself (models/server_statistics.py): after
    random service operations by clerk, officer and manager they equal a recount made in Python."""
    session, _key = shared_admin
    desk = open_desk(session, fake_clock, new=PEOPLE)
    kept_locally.test_maintained_rows_equal_a_full_recount_after_random_operations(desk)  # rows, keys, flags
    assert _cube_table() == _cube_of(store.recount())


def test_period_end_flows_on_postgresql(shared_admin, fake_clock: FakeClock) -> None:
    session, _key = shared_admin
    desk = open_desk(session, fake_clock, new=PEOPLE)
    kept_locally.test_period_end_snapshots_from_the_flows_equal_a_count_on_every_day(desk)
