"""The statistics rows kept by every case write equal a full recount, also after random service
operations; a database upgraded from before the tables existed gets them filled."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime

import peewee

from app.cases import acceptance, documents, follow_up, overlays, reply, routing, sign_off
from app.cases.states import State
from app.statistics import conditions, cube, indicators, periods, scorecard, sources, store
from app.statistics.facts import StatRows
from app.write_path import ensure_unlocked
from models import migrations
from models.cases import Assignment, Case, ExternalRoute
from models.schema import SchemaVersion
from models.statistics import (
    AssignmentStat,
    CaseStat,
    IssuedReport,
    IssueStat,
    StatCube,
    StatFlow,
    StatPersonKey,
)
from tests.support.cases import draft
from tests.support.desk import Desk

_IGNORE = {"id"}


def _stored() -> dict[str, list[dict]]:
    def rows(model, order) -> list[dict]:
        return [
            {k: v for k, v in r.items() if k not in _IGNORE} for r in model.select().order_by(*order).dicts()
        ]

    return {
        "case": rows(CaseStat, [CaseStat.case]),
        "issues": rows(IssueStat, [IssueStat.case, IssueStat.issue_no, IssueStat.department]),
        "assignments": rows(AssignmentStat, [AssignmentStat.assignment]),
        "persons": rows(StatPersonKey, [StatPersonKey.case, StatPersonKey.key]),
    }


def _recounted(rows: list[StatRows]) -> dict[str, list[dict]]:
    def norm(items: list[dict]) -> list[dict]:
        return [{k: v for k, v in i.items() if k not in _IGNORE} for i in items]

    return {
        "case": sorted(norm([r.case for r in rows]), key=lambda r: r["case"]),
        "issues": sorted(
            norm([i for r in rows for i in r.issues]),
            key=lambda r: (r["case"], r["issue_no"], r["department"] or 0),
        ),
        "assignments": sorted(norm([a for r in rows for a in r.assignments]), key=lambda r: r["assignment"]),
        "persons": sorted(norm([p for r in rows for p in r.persons]), key=lambda r: (r["case"], r["key"])),
    }


def _normalise(stored: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Foreign keys come back as ids, booleans as bool."""
    for table in stored.values():
        for row in table:
            for k, v in row.items():
                if isinstance(v, bool):
                    row[k] = bool(v)
    stored["issues"].sort(key=lambda r: (r["case"], r["issue_no"], r["department"] or 0))
    return stored


def _as_manager(desk: Desk) -> None:
    """The test's own reads as the manager, who sees every case (on a shared server the last service
    call leaves its user's connection in place; locally a no-op)."""
    ensure_unlocked(desk["manager"])


def _random_step(desk: Desk, rng: random.Random, case_id: int) -> None:
    officer, manager = desk["officer"], desk["manager"]
    case = Case.get_by_id(case_id)
    state = case.state
    if case.on_hold:
        overlays.resume(officer, case_id, "恢复")
        return
    if state == State.REGISTERED and rng.random() < 0.15:
        documents.issue(officer, case_id, "receipt")  # 受理（回执） counts from the first receipt
    elif state == State.REGISTERED:
        rng.choice([lambda: acceptance.accept(officer, case_id), lambda: acceptance.reject(officer, case_id, "out_of_scope"),
                    lambda: acceptance.resolve_on_spot(officer, case_id, "当场解释")])()  # fmt: skip
    elif state == State.ACCEPTED:
        routing.assign(
            officer, case_id, rng.sample(["cardiology", "nursing", "radiology"], rng.randint(1, 2)), "请核实"
        )
    elif state == State.IN_PROGRESS:
        row = (
            Assignment.select()
            .where((Assignment.case == case_id) & Assignment.state.in_(["sent", "acknowledged"]))
            .first()
        )
        if row is None:
            return
        choice = rng.random()
        if choice < 0.3 and row.state == "sent":
            routing.acknowledge(officer, row.id, "秘书")
        elif choice < 0.45:
            routing.return_assignment(officer, row.id, "不属本科室", ["pharmacy"])
        elif choice < 0.55:
            overlays.hold(officer, case_id, "待补充材料")
        else:
            routing.respond(officer, row.id, "已核实。", "主任")
    elif state == State.DRAFTING:
        draft(officer, case_id)
        reply.submit_for_approval(officer, case_id)
    elif state == State.PENDING_APPROVAL:
        reply.approve(manager, case_id, "同意")
    elif state == State.APPROVED:
        reply.record_reply(officer, case_id, "phone")
    elif state == State.REPLIED:
        satisfaction = rng.choice(["satisfied", "basically_satisfied", "dissatisfied"])
        outcome = (
            rng.choice(["reopen", "external", "sign_off"]) if satisfaction == "dissatisfied" else "sign_off"
        )
        route = rng.choice(["people_mediation", "litigation"]) if outcome == "external" else ""
        follow_up.follow_up(officer, case_id, method="phone", satisfaction=satisfaction, outcome=outcome,
                            external_route=route)  # fmt: skip
    elif state == State.AWAITING_SIGN_OFF:
        ongoing = ExternalRoute.get_or_none(
            (ExternalRoute.case == case_id) & (ExternalRoute.status == "ongoing")
        )
        if ongoing is not None and rng.random() < 0.5:
            follow_up.update_external_route(officer, ongoing.id, "concluded", "调解达成协议")
            return
        sign_off.sign_off(manager, case_id, reason="外部途径仍在进行，院内处理已完毕" if ongoing else "")
    elif state == State.CLOSED and not case.restricted:
        overlays.restrict(manager, case_id, True, [])


def test_maintained_rows_equal_a_full_recount_after_random_operations(desk: Desk) -> None:
    rng = random.Random(12)
    desk.clock.set(datetime(2026, 3, 2, 9, 0))
    phones = ["13800000001", "13800000002", "13800000003"]
    cases = []
    for _ in range(14):
        desk.clock.advance(hours=rng.randint(1, 30))
        cases.append(desk.register("clerk", complainant_phone=rng.choice(phones), complainant_id_number="",
                                   category=rng.choice(["010101", "020101", "020201"])).case_id)  # fmt: skip
    overlays.merge(desk["officer"], cases[-1], cases[0])
    for _ in range(120):
        desk.clock.advance(hours=rng.randint(1, 20))
        case_id = rng.choice(cases)
        _as_manager(desk)
        if Case.get_by_id(case_id).state not in (State.REJECTED, State.MERGED):
            _random_step(desk, rng, case_id)
    for route, concluded in (("people_mediation", False), ("litigation", True)):  # 外部途径 for sure
        routed = desk.new_case(State.REPLIED)
        follow_up.follow_up(desk["officer"], routed, method="phone", satisfaction="dissatisfied",
                            outcome="external", external_route=route)  # fmt: skip
        if concluded:
            row = ExternalRoute.get(ExternalRoute.case == routed)
            follow_up.update_external_route(desk["officer"], row.id, "concluded", "判决驳回")
    _as_manager(desk)
    assert CaseStat.select().count() == Case.select().count()
    assert _normalise(_stored()) == _recounted(store.recount())
    assert CaseStat.select().where(CaseStat.is_repeat == True).count() > 0  # noqa: E712
    assert CaseStat.select().where(CaseStat.external != "").count() > 0


def test_rebuild_restores_the_same_rows(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 3, 10, 9, 0))
    for state in (State.CLOSED, State.IN_PROGRESS, State.REJECTED):
        desk.new_case(state)
        desk.clock.advance(days=1)
    before = _normalise(_stored())
    for model in (CaseStat, IssueStat, AssignmentStat, StatPersonKey):
        model.delete().execute()
    assert store.rebuild() == 3
    assert _normalise(_stored()) == before


def test_upgrade_from_before_the_statistics_tables_fills_them(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 3, 10, 9, 0))
    desk.new_case(State.CLOSED)
    desk.new_case(State.ACCEPTED, complainant_phone="13800000009", complainant_id_number="")
    before = _normalise(_stored())
    db = Case._meta.database
    db.drop_tables([CaseStat, IssueStat, AssignmentStat, StatPersonKey, IssuedReport])
    SchemaVersion.update(version=8).execute()  # as a build before step 9 left it

    found = migrations.ensure_schema(db)
    assert found == 8 and migrations.current_version(db) == migrations.SCHEMA_VERSION
    assert store.rebuild_pending()  # recounted after login, in the background (ui/statistics/rebuild.py)
    store.rebuild()
    assert not store.rebuild_pending()
    assert _normalise(_stored()) == before


def _cube_table() -> dict[tuple[int, str], list[int]]:
    cells = {(r.month, r.key): [r.n, r.amount] for r in StatCube.select() if r.n or r.amount}
    return cells | {(r.day, cube.FLOW + r.key): [r.n, 0] for r in StatFlow.select() if r.n}


def _cube_of(rows: list[StatRows]) -> dict[tuple[int, str], list[int]]:
    cells: dict = defaultdict(lambda: [0, 0])
    for r in rows:
        cube.contributions(r, cells)
    return {k: v for k, v in cells.items() if v[0] or v[1]}


def test_monthly_cube_equals_a_recount_and_a_scan_after_random_operations(desk: Desk) -> None:
    test_maintained_rows_equal_a_full_recount_after_random_operations(desk)
    assert _cube_table() == _cube_of(store.recount())
    today = desk.clock.at.date()
    for period in (
        periods.month(2026, 3),
        periods.month(2026, 4),
        periods.quarter(2026, 1),
        periods.year(2026),
    ):
        from_cube = sources.cube_inputs(period, today.toordinal(), 12)
        scanned = indicators.scan_inputs(period, today.toordinal(), 12)
        assert {k: from_cube.scan[k] for k in scanned.scan} == scanned.scan, period
        assert from_cube.issues == scanned.issues and from_cube.assignments == scanned.assignments
        assert {k: v for k, v in from_cube.handlers.items() if v} == {
            k: v for k, v in scanned.handlers.items() if v
        }
        assert sorted(from_cube.compensation_departments) == sorted(scanned.compensation_departments)
        assert from_cube.trend == scanned.trend


def test_scorecard_from_the_cube_equals_the_scan(desk: Desk) -> None:
    test_maintained_rows_equal_a_full_recount_after_random_operations(desk)
    as_of = desk.clock.at.date().toordinal()
    for period in (periods.month(2026, 3), periods.quarter(2026, 1), periods.year(2026)):
        assert scorecard._cube_counts(period, as_of) == {
            key: {d: n for d, n in per.items() if n} for key, per in scorecard._counts(period, as_of).items()
        }, period


def test_period_end_snapshots_from_the_flows_equal_a_count_on_every_day(desk: Desk) -> None:
    """期末未结 and 期末逾期 read from the day-by-day flows equal a count of the rows (conditions.py),
    on every day from before the first case to after the last write."""
    test_maintained_rows_equal_a_full_recount_after_random_operations(desk)
    first = CaseStat.select(peewee.fn.MIN(CaseStat.received_day)).scalar()
    last = desk.clock.at.date().toordinal()
    seen = set()
    for day in range(first - 2, last + 3):
        period = periods.custom(date.fromordinal(first - 3), date.fromordinal(day))
        backlog = CaseStat.select().where(conditions.backlog(period, last + 10)).count()
        overdue = CaseStat.select().where(conditions.overdue(period, last + 10)).count()
        assert (cube.snapshot("backlog", day), cube.snapshot("overdue", day)) == (backlog, overdue), day
        seen.add((backlog > 0, overdue > 0))
    assert (True, True) in seen  # the fixture has days with both figures above zero
    assert StatFlow.select().count() > 0


def test_external_routes_from_the_cube_equal_the_join(desk: Desk) -> None:
    test_maintained_rows_equal_a_full_recount_after_random_operations(desk)
    today = desk.clock.at.date().toordinal()
    last = desk.clock.at.date()
    for period in (periods.month(last.year, last.month), periods.year(2026)):
        from_cube = sources.cube_inputs(period, today, 12).external
        assert from_cube and from_cube == indicators.scan_external(conditions.counted(period))


def test_upgrade_to_step_15_marks_the_statistics_for_a_rebuild_that_restores_them(desk: Desk) -> None:
    """A database of the step before (no flows, no external routes in the rows) is upgraded and
    marked; the rebuild gives the rows and cube a fresh database keeps."""
    from playhouse.migrate import SchemaMigrator, migrate

    desk.clock.set(datetime(2026, 3, 10, 9, 0))
    desk.new_case(State.IN_PROGRESS)
    routed = desk.new_case(State.REPLIED, complainant_phone="13800000009", complainant_id_number="")
    follow_up.follow_up(desk["officer"], routed, method="phone", satisfaction="dissatisfied",
                        outcome="external", external_route="petition")  # fmt: skip
    before, cells = _normalise(_stored()), _cube_table()
    db = Case._meta.database
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.drop_column("case_stat", "external"), migrator.drop_column("assignment_stat", "on_hold"))
    db.drop_tables([StatFlow])
    SchemaVersion.delete().execute()
    SchemaVersion.create(version=11, applied_at="2026-03-01 09:00:00")

    assert migrations.ensure_schema(db) == 11
    assert store.rebuild_pending() and StatFlow.select().count() == 0
    assert store.rebuild() == 2
    assert not store.rebuild_pending()
    assert _normalise(_stored()) == before and _cube_table() == cells
    assert any(key == "external:petition:ongoing" for _, key in cells)
