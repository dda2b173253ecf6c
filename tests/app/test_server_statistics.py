"""Shared mode: the statistics aggregates (monthly cube, day-by-day flows, identifier keys of repeat
complaints) are kept by the server from the per-case rows (models/server_statistics.py). Tried with
plain SQL as each application role: no role writes them, a role forges per-case rows only of the
cases it may write, and whatever it sends the aggregates stay the sum of the per-case rows."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import psycopg
import pytest

from app import shared
from app.cases import intake
from app.errors import PermissionDenied
from app.policy import _ROLE_GRANTS, Action
from app.statistics import cube, service, store
from app.write_path import ensure_unlocked
from models.server_policy import STATISTICS_READERS, app_group
from models.server_statistics import DERIVED
from models.statistics import CaseStat
from tests.app import test_server_enforcement
from tests.app.statistics.test_store import _cube_of, _cube_table
from tests.app.test_cli import cli
from tests.app.test_server_enforcement import plain_sql
from tests.support.accounts import USER_PASSWORD

office = test_server_enforcement.office  # the same fixture: one user per role, a restricted and a plain case
LOW_ROLES = ("clerk", "officer", "night_duty")
_FORGERIES = (
    "INSERT INTO stat_cube (month, key, n, amount) VALUES (202603, 'received', 500, 0)",
    "INSERT INTO stat_cube (month, key, n, amount) VALUES (209901, 'forged', 1, 0)",
    "UPDATE stat_cube SET n = n + 100",
    "DELETE FROM stat_cube",
    "TRUNCATE stat_cube",
    "INSERT INTO stat_flow (key, day, n) VALUES ('backlog', 739000, 50)",
    "UPDATE stat_flow SET n = 0",
    "DELETE FROM stat_flow",
    "TRUNCATE stat_flow",
    "INSERT INTO stat_person_key (case_id, key, received_day) SELECT case_id, 'forged', received_day FROM case_stat",
    "UPDATE stat_person_key SET key = 'x'",
    "DELETE FROM stat_person_key",
    "TRUNCATE stat_person_key",
    # the server's own bookkeeping and helpers
    "INSERT INTO stat_rebuild VALUES (txid_current())",
    "DELETE FROM stat_pending_cell",
    """SELECT cd_stat_add('[[202603, "received", 500, 0]]'::jsonb)""",
    "SELECT * FROM cd_stat_cells(1)",
    "SELECT cd_stat_rebuild()",  # 重建统计数据: the manager's
)


def _consistent() -> bool:
    """As the manager (who sees every case): the cube and flows equal the sum of what each stored
    per-case row set adds (cube.contributions)."""
    ids = [r[0] for r in CaseStat.select(CaseStat.case).tuples()]
    return _cube_table() == _cube_of(cube.stored_rows(ids))


def _figures() -> dict:
    return {key: n for key, n in _cube_table().items() if n != [0, 0]}


@pytest.mark.parametrize("name", LOW_ROLES)
def test_no_application_role_writes_the_aggregates(office, pg_params, name) -> None:
    people, _secret, _plain = office
    ensure_unlocked(people["manager"])
    before = _figures()
    assert before and _consistent()
    with plain_sql(pg_params, name) as conn:
        for sql in _FORGERIES:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
        seen = [conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in DERIVED]
        if name == "officer":  # 查看统计报表: officers and managers read the figures
            assert seen[0] > 0 and seen[1] > 0 and seen[2] > 0
        else:
            assert seen == [0, 0, 0]
    ensure_unlocked(people["manager"])
    assert _figures() == before


def test_the_grants_leave_every_aggregate_read_only(office, pg_params, pg_server) -> None:
    assert set(STATISTICS_READERS) == {str(role) for role in _ROLE_GRANTS[Action.VIEW_STATISTICS]}
    with pg_server.connect(pg_params.dbname) as owner:
        rows = owner.execute(
            "SELECT table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee = %s",
            (app_group(pg_params.dbname),),
        ).fetchall()
    rights: dict[str, set[str]] = {}
    for table, privilege in rows:
        rights.setdefault(table, set()).add(privilege)
    for table in DERIVED:
        assert rights[table] == {"SELECT"}, table
    for table in ("stat_pending_case", "stat_pending_cell", "stat_rebuild"):
        assert table not in rights


def test_per_case_rows_of_a_case_the_role_cannot_write_cannot_be_forged(office, pg_params) -> None:
    people, secret, plain = office
    ensure_unlocked(people["manager"])
    before = _figures()
    for name in ("clerk", "night_duty", "officer2"):  # the restricted case names only `officer`
        with plain_sql(pg_params, name) as conn:
            for table in ("case_stat", "issue_stat", "assignment_stat"):
                assert (
                    conn.execute(
                        f"UPDATE {table} SET received_day = 1 WHERE case_id = %s", (secret,)
                    ).rowcount
                    == 0
                )
                assert conn.execute(f"DELETE FROM {table} WHERE case_id = %s", (secret,)).rowcount == 0
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                conn.execute(
                    "INSERT INTO issue_stat (case_id, issue_no, received_day, finding, first_category1, "
                    "first_category2, first_department, first_issue) VALUES (%s, 9, 739000, 'upheld', 1, 1, 1, 1)",
                    (secret,),
                )
    with plain_sql(pg_params, "night_duty") as conn:  # not their intake: the office's case
        assert (
            conn.execute("UPDATE case_stat SET severity = 'major' WHERE case_id = %s", (plain,)).rowcount == 0
        )
    ensure_unlocked(people["manager"])
    assert _figures() == before and _consistent()


def test_the_one_statement_store_of_a_case_s_rows_runs_as_its_caller(office, pg_params) -> None:
    """cd_stat_store (a case write's rows in one statement) is no back door: it deletes and inserts
    as the caller, so a role that may not write the restricted case forges none of its rows, and
    the figures stay the sum of the stored rows."""
    people, secret, plain = office
    ensure_unlocked(people["manager"])
    before = _figures()
    forged = json.dumps([{"case_id": secret, "issue_no": 9, "received_day": 739000, "finding": "upheld",
                          "first_category1": 1, "first_category2": 1, "first_department": 1, "first_issue": 1}])
    for name in ("clerk", "night_duty", "officer2"):  # the restricted case names only `officer`
        with plain_sql(pg_params, name) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                conn.execute("SELECT cd_stat_store(%s, '[]', %s::jsonb, '[]')", (secret, forged))
            conn.execute("SELECT cd_stat_store(%s, '[]', '[]', '[]')", (secret,))  # deletes nothing it cannot see
    ensure_unlocked(people["manager"])
    assert _figures() == before and _consistent()
    assert CaseStat.select().where(CaseStat.case == secret).count() == 1
    with plain_sql(pg_params, "clerk") as conn:  # a case the clerk may write: its rows, and the figures follow
        conn.execute("SELECT cd_stat_store(%s, '[]', '[]', '[]')", (plain,))
    ensure_unlocked(people["manager"])
    assert CaseStat.select().where(CaseStat.case == plain).count() == 0 and _consistent()
    store.refresh(plain)  # the next write puts its true rows back
    assert _consistent() and _cube_table() == _cube_of(store.recount())


def test_forged_rows_of_a_writable_case_move_the_figures_only_with_those_rows(office, pg_params) -> None:
    """A clerk may rewrite the rows of a case they may write (the app does, in every write): the cube
    follows those rows exactly, even with the deferred settling forced to run at once."""
    people, _secret, plain = office
    with plain_sql(pg_params, "clerk") as conn:
        conn.execute(
            "UPDATE case_stat SET severity = 'major', compensation_fen = 5000000 WHERE case_id = %s", (plain,)
        )
        with conn.transaction():
            conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
            conn.execute("UPDATE case_stat SET closed_day = received_day + 3 WHERE case_id = %s", (plain,))
            conn.execute("UPDATE case_stat SET channel = 'letter' WHERE case_id = %s", (plain,))
        with conn.transaction():
            conn.execute("DELETE FROM issue_stat WHERE case_id = %s", (plain,))
            conn.execute("DELETE FROM case_stat WHERE case_id = %s", (plain,))
    ensure_unlocked(people["manager"])
    assert _consistent()
    assert not any(key == "channel:letter" for _, key in _figures())
    # the next write of the case puts its true rows back, and the figures with them
    store.refresh(plain)
    assert _consistent() and _cube_table() == _cube_of(store.recount())


def test_two_writers_of_one_case_are_settled_one_after_the_other(office, pg_params, pg_server) -> None:
    """Two transactions changing different rows of one case: the second waits for the case's lock
    until the first commits, so what it notes as the case's cells is what the cube then holds."""
    people, _secret, plain = office
    with plain_sql(pg_params, "clerk") as first, plain_sql(pg_params, "officer") as second:

        def other() -> None:
            with second.transaction():
                second.execute("UPDATE issue_stat SET finding = 'upheld' WHERE case_id = %s", (plain,))

        with first.transaction():
            first.execute("UPDATE case_stat SET severity = 'major' WHERE case_id = %s", (plain,))
            waiting = threading.Thread(target=other)
            waiting.start()
            with pg_server.connect(pg_params.dbname, autocommit=True) as owner:
                for _ in range(600):  # until the second writer waits for the case (not a timing check)
                    if owner.execute(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    ).fetchone()[0]:
                        break
                    time.sleep(0.05)
                else:
                    pytest.fail("the second writer never waited for the first")
        waiting.join()
    ensure_unlocked(people["manager"])
    assert any(key.startswith("dept_upheld:") for _, key in _figures()) and _consistent()


def test_the_full_recount_runs_for_the_manager_only(office, pg_params) -> None:
    people, _secret, _plain = office
    with pytest.raises(PermissionDenied):
        service.rebuild(people["officer"], lambda *_: None)
    for name in LOW_ROLES:
        with plain_sql(pg_params, name) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="重建统计数据"):
                conn.execute("SELECT cd_stat_rebuild()")
    with plain_sql(pg_params, "manager") as conn:  # the manager's own role: the cube is put right
        conn.execute("UPDATE case_stat SET is_repeat = NOT is_repeat")
    assert service.rebuild(people["manager"], lambda *_: None) == 2
    ensure_unlocked(people["manager"])
    assert _consistent() and _cube_table() == _cube_of(store.recount())


def test_server_upgrade_installs_the_server_kept_aggregates(
    office, pg_params, pg_server, tmp_path: Path
) -> None:
    """A server set up before: the aggregates writable by every role and kept by the application.
    `complaintdesk server-upgrade` closes them and installs the server's triggers and functions."""
    people, _secret, _plain = office
    group = app_group(pg_params.dbname)
    with pg_server.connect(pg_params.dbname, autocommit=True) as owner:
        for table in ("case_stat", "issue_stat", "assignment_stat"):
            owner.execute(f"DROP TRIGGER stat_before ON {table}; DROP TRIGGER stat_after ON {table}")
        owner.execute("DROP TABLE stat_pending_case, stat_pending_cell, stat_rebuild")
        owner.execute("DROP FUNCTION cd_stat_persons(integer), cd_stat_rebuild(), cd_stat_add(jsonb)")
        owner.execute(f'GRANT INSERT, UPDATE, DELETE ON stat_cube, stat_flow, stat_person_key TO "{group}"')
    with plain_sql(pg_params, "clerk") as conn:  # as it was: open to plain SQL
        conn.execute("UPDATE stat_cube SET n = n WHERE false")
    enrollment = tmp_path / "workstation.cdenroll"
    enrollment.write_bytes(
        shared.export_enrollment(pg_params, people["admin"].data_key, "correct horse battery")
    )
    url = (
        f"postgresql://{pg_params.user}@{pg_params.host}:{pg_params.port}/{pg_params.dbname}"
        f"?sslmode=verify-full&sslrootcert={pg_params.sslrootcert}"
    )
    result = cli("server-upgrade", "--to", url, "--enrollment", str(enrollment), "--password-stdin",
                 stdin=f"{pg_server.password}\ncorrect horse battery\n")  # fmt: skip
    assert result.returncode == 0, result.stderr
    with plain_sql(pg_params, "clerk") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE stat_cube SET n = n + 1")
    clerk = shared.login_shared(pg_params, people["admin"].data_key, "clerk", USER_PASSWORD)
    form = intake.IntakeForm(channel="phone", content="挂号排队过久。", complainant_name="刘洋",
                             complainant_phone="13912345678")  # fmt: skip
    intake.register(clerk, form)  # the third case by the same phone: a repeat, counted by the server
    manager = shared.login_shared(pg_params, people["admin"].data_key, "manager", USER_PASSWORD)
    ensure_unlocked(manager)
    assert _consistent() and _cube_table() == _cube_of(store.recount())
    assert CaseStat.select().where(CaseStat.is_repeat == True).count() == 2  # noqa: E712
    clerk.db.close()
    manager.db.close()
