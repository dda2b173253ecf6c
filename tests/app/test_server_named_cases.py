"""Shared mode: the lists read the caller's namings through the server's `cd_named_cases()`
(app/cases/visibility.py). The function answers each role with its own rows of case_access and
nothing else, the lists still show a restricted case to the officer named on it and to no other
officer, and a server at the step before gets the function on upgrade (schema step 31)."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.cases import board, overlays
from app.cases.board import BoardFilter
from app.cases.states import State
from app.reminders import compute
from app.reminders.kinds import ReminderKind
from models import migrations
from tests.support.accounts import ADMIN, ADMIN_PASSWORD
from tests.support.cases import FakeClock
from tests.support.desk import open_desk
from tests.support.pg_server import plain_sql

PEOPLE = {
    "clerk": ("clerk", "前台文员", ["clerk"]),
    "officer": ("linxw", "林晓雯", ["officer"]),  # named on the restricted case
    "officer2": ("wangzq", "王志强", ["officer"]),  # not named
    "manager": ("zhaomin", "赵敏", ["manager"]),
    "night": ("night", "总值班", ["night_duty"]),
}
NAMED = "SELECT cd_named_cases() ORDER BY 1"


def test_each_role_gets_only_its_own_namings(shared_admin, fake_clock: FakeClock, pg_params) -> None:
    desk = open_desk(shared_admin[0], fake_clock, new=PEOPLE)
    secret = desk.new_case(State.IN_PROGRESS, departments=1)
    other = desk.new_case(State.ACCEPTED)
    overlays.restrict(desk["manager"], secret, True, ["linxw"])
    overlays.restrict(desk["manager"], other, True, ["wangzq"])
    found = {}
    for username in ("linxw", "wangzq", "clerk", "zhaomin", "night"):
        with plain_sql(pg_params, username) as conn:
            found[username] = [row[0] for row in conn.execute(NAMED).fetchall()]
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:
        found[ADMIN] = [row[0] for row in conn.execute(NAMED).fetchall()]
    assert found == {"linxw": [secret], "wangzq": [other], "clerk": [], "zhaomin": [], "night": [], ADMIN: []}


def test_lists_and_reminders_show_a_restricted_case_to_the_named_officer_only(
    shared_admin, fake_clock: FakeClock
) -> None:
    """林晓雯 handles and is named on a restricted case whose 转办 is late: her list and her reminder
    list carry it in full; 王志强 (not named) sees a placeholder in the list; the front desk nothing."""
    desk = open_desk(shared_admin[0], fake_clock, new=PEOPLE)
    secret = desk.new_case(State.IN_PROGRESS, departments=1)
    overlays.restrict(desk["manager"], secret, True, ["linxw"])
    everything = BoardFilter(include_final=True)
    shown = {
        role: [(c.id, c.redacted) for c in board.case_list(desk[role], everything)]
        for role in ("officer", "officer2", "clerk")
    }
    assert shown == {"officer": [(secret, False)], "officer2": [(secret, True)], "clerk": []}
    desk.clock.set(datetime(2026, 4, 9, 10, 0))  # a working morning, the 转办 long late
    late = {
        role: [line.case_id for line in compute.reminder_list(desk[role]).items if line.kind == ReminderKind.DEPT_LATE]
        for role in ("officer", "officer2")
    }
    assert late == {"officer": [secret], "officer2": []}


def test_a_server_at_the_step_before_gets_the_function_on_upgrade(
    shared_admin, pg_params, pg_server, fake_clock: FakeClock
) -> None:
    from app import shared
    from app.errors import DatabaseOpenError

    session, key = shared_admin
    session.db.close()
    before = max(v for v in migrations.STEPS if v < 31)
    with pg_server.connect(pg_params.dbname, autocommit=True) as owner:  # as a step-30 build left it
        owner.execute("DROP FUNCTION cd_named_cases()")
        owner.execute("UPDATE schema_version SET version = %s", (before,))
    with pytest.raises(DatabaseOpenError, match="需要升级"):
        shared.login_shared(pg_params, key, ADMIN, ADMIN_PASSWORD)
    assert shared.upgrade_shared_database(pg_params, pg_server.password, key) == before
    admin = shared.login_shared(pg_params, key, ADMIN, ADMIN_PASSWORD)
    desk = open_desk(admin, fake_clock, new=PEOPLE)
    secret = desk.new_case(State.ACCEPTED)
    overlays.restrict(desk["manager"], secret, True, ["linxw"])
    assert [c.redacted for c in board.case_list(desk["officer"]) if c.id == secret] == [False]
    with plain_sql(pg_params, "linxw") as conn:
        assert conn.execute(NAMED).fetchall() == [(secret,)]
