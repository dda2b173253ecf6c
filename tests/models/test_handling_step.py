"""Schema step 37: a case's handling texts (调查核实情况, 处理意见, 整改措施, the approval comment) move
out of the case row into `case_handling`, on SQLite and PostgreSQL. A restricted case's sealed texts
move as the boxes they are (no plain text in the file, for any key slot but a holder's); on a server
its handling row is as closed to the roles that may not see the case as the case itself."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from app import auth
from app.cases import acceptance, overlays, reply, views
from app.cases.states import State
from app.session import Session
from models.database import open_local
from models.fields import CONTENT_PREFIX
from models.handling_step import CASE_TABLE_TEXT, COLUMNS, INDEX_TEXT, MOVE_TEXT
from models.migrations import SCHEMA_VERSION, current_version, ensure_schema
from tests.support.accounts import ADMIN, ADMIN_PASSWORD
from tests.support.cases import DEPARTMENTS, FakeClock, register, walk
from tests.support.desk import open_desk
from tests.support.pg_server import plain_sql
from tests.support.schema_v35 import as_v35
from tests.support.sealed import OFFICE, login, probe, sealed_office
from tests.support.sessions import session_as

FACTS = "保密核实标记青山隐隐水迢迢"
RESOLUTION = "保密意见标记秋尽江南草未凋"
RECTIFY = "保密整改标记二十四桥明月夜"
COMMENT = "保密审批标记玉人何处教吹箫"
MARKERS = (FACTS, RESOLUTION, RECTIFY, COMMENT)
PLAIN = ("经核实叫号系统故障两小时。", "向患者致歉。", "信息科巡检叫号系统", "同意")
SELECT = "SELECT case_id, facts, resolution, rectification, approval_comment FROM case_handling ORDER BY case_id"


def _handle(officer, manager, case_id: int, texts: tuple[str, str, str, str]) -> None:
    facts, resolution, rectification, comment = texts
    reply.save_draft(
        officer, case_id, facts=facts, finding="upheld", resolution=resolution, rectification=rectification, base_revision=0
    )
    reply.submit_for_approval(officer, case_id)
    reply.approve(manager, case_id, comment)


def _rows_of_cases(db) -> dict[str, int]:
    """The number of rows of the case table, of every table that refers to it (but the one the step
    fills) and its tally."""
    tables = ["case", "case_tally"] + [
        t
        for t in db.get_tables()
        if t != "case_handling" and any(fk.dest_table == "case" for fk in db.get_foreign_keys(t))
    ]
    counts = {t: db.execute_sql(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    counts["tally"] = db.execute_sql("SELECT group_concat(state || restricted || n) FROM case_tally").fetchone()[0]
    return counts


def test_v37_inside_a_transaction_drops_the_columns_where_they_stand(admin_session, fake_clock) -> None:
    """Called inside a transaction, foreign keys cannot be switched off: the step keeps the case table
    and drops the columns from it (nothing that refers to a case is touched)."""
    roles = ("clerk", "officer", "manager")
    desk = open_desk(admin_session, fake_clock, new={role: (role, f"{role}同事", [role]) for role in roles})
    handled, registered = desk.new_case(State.APPROVED), desk.new_case()
    db = admin_session.db
    stored = db.execute_sql(SELECT).fetchall()
    as_v35(db)
    rows_before = _rows_of_cases(db)
    heard: list[tuple[int, int, str]] = []
    with db.atomic():
        assert ensure_schema(db, progress=lambda *call: heard.append(call)) == 35
    assert INDEX_TEXT not in {text for _done, _total, text in heard}
    assert not set(COLUMNS) & _columns(db)
    assert db.execute_sql(SELECT).fetchall() == stored and [row[0] for row in stored] == [handled]
    assert _rows_of_cases(db) == rows_before
    assert views.open_case(desk["officer"], handled).approval_comment == "同意"
    assert views.open_case(desk["officer"], registered).facts == ""


def _columns(db) -> set[str]:
    return {c.name for c in db.get_columns("case")}


def _schema(db) -> dict[str, list[tuple[str, str, bool]]]:
    return {
        table: sorted((c.name, c.data_type.upper(), c.null) for c in db.get_columns(table))
        for table in sorted(db.get_tables())
        if not table.startswith("sqlite_")
    }


@pytest.fixture
def office(db_path: Path, fake_clock: FakeClock) -> Path:
    return sealed_office(db_path, OFFICE)


@contextmanager
def _signed_in(office: Path, username: str) -> Iterator[Session]:
    """One sign-in at a time, as at a workstation (each installs its own sealer)."""
    session = login(office, username)
    try:
        yield session
    finally:
        auth.logout(session)


def _handle_locally(office: Path, case_id: int, texts: tuple[str, str, str, str]) -> None:
    facts, resolution, rectification, comment = texts
    with _signed_in(office, "officer1") as officer:
        reply.save_draft(
            officer, case_id, facts=facts, finding="upheld", resolution=resolution, rectification=rectification,
            base_revision=0,
        )
        reply.submit_for_approval(officer, case_id)
    with _signed_in(office, "manager1") as manager:
        reply.approve(manager, case_id, comment)


def test_v37_moves_the_texts_and_keeps_a_restricted_cases_sealed(office: Path, tmp_path: Path) -> None:
    with _signed_in(office, "clerk1") as clerk:
        secret, plain, untouched = (register(clerk) for _ in range(3))
    with _signed_in(office, "officer1") as officer:
        for case_id in (secret, plain):
            acceptance.accept(officer, case_id)
    with _signed_in(office, "manager1") as manager:
        overlays.restrict(manager, secret, True, ["officer1"])
    _handle_locally(office, secret, (FACTS, RESOLUTION, RECTIFY, COMMENT))
    _handle_locally(office, plain, PLAIN)
    manager = login(office, "manager1")
    db = manager.db
    stored = {row[0]: row[1:] for row in db.execute_sql(SELECT).fetchall()}
    assert set(stored) == {secret, plain}  # a case never handled has no row
    assert all(text.startswith(CONTENT_PREFIX) for text in stored[secret])
    assert stored[plain] == PLAIN
    with db.atomic():
        as_v35(db)
    assert set(COLUMNS) <= _columns(db) and "case_handling" not in db.get_tables()
    rows_before = _rows_of_cases(db)

    heard: list[tuple[int, int, str]] = []
    assert ensure_schema(db, progress=lambda *call: heard.append(call)) == 35
    assert current_version(db) == SCHEMA_VERSION
    assert not set(COLUMNS) & _columns(db)
    assert {row[0]: row[1:] for row in db.execute_sql(SELECT).fetchall()} == stored  # the boxes as they were
    assert {MOVE_TEXT, CASE_TABLE_TEXT, INDEX_TEXT} <= {text for _done, _total, text in heard}  # made again
    assert _rows_of_cases(db) == rows_before  # the case table made again: every row that refers to it kept
    assert db.execute_sql("PRAGMA foreign_keys").fetchone() == (1,)
    assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    assert all(done <= total for done, total, _text in heard)
    view = views.open_case(manager, secret)
    assert (view.facts, view.resolution, view.rectification, view.approval_comment) == (
        FACTS,
        RESOLUTION,
        RECTIFY,
        COMMENT,
    )
    assert views.open_case(manager, plain).rectification == PLAIN[2]
    assert views.open_case(manager, untouched).facts == ""
    # the upgraded database is written as any: lifting the restriction opens the moved texts
    overlays.restrict(manager, secret, False)
    assert db.execute_sql(SELECT).fetchall()[0][1:] == (FACTS, RESOLUTION, RECTIFY, COMMENT)
    overlays.restrict(manager, secret, True, ["officer1"])
    assert db.execute_sql(SELECT).fetchall()[0][1].startswith(CONTENT_PREFIX)
    auth.logout(manager)
    for username, password in (("clerk1", None), ("night1", None), (ADMIN, ADMIN_PASSWORD)):
        probe(office, tmp_path, MARKERS, username, *([password] if password else []))

    fresh = open_local(tmp_path / "fresh.db", secrets.token_bytes(32))
    ensure_schema(fresh)
    fresh_schema = _schema(fresh)
    fresh.close()
    upgraded = open_local(office, auth_key(office))
    assert _schema(upgraded) == fresh_schema
    upgraded.close()


def auth_key(path: Path) -> bytes:
    from app.keyslots import KeySlotFile

    return KeySlotFile.load(path).unwrap_user(ADMIN, ADMIN_PASSWORD)


def test_v37_upgrades_a_shared_database_and_its_policy(shared_admin, pg_params, pg_server) -> None:
    """The owner upgrades; the policy reinstalled on `case_handling` is the case's: an unnamed officer,
    a clerk and night duty read nothing of a restricted case's texts with plain SQL, and the front
    desk changes no handling text of any case."""
    from app import shared
    from models.database import connect_postgres
    from models.schema import ALL_MODELS

    admin, key = shared_admin
    people = {name: session_as(admin, name, name) for name in ("clerk", "officer", "manager", "night_duty")}
    people["officer2"] = session_as(admin, "officer2", "officer")
    officer, manager = people["officer"], people["manager"]
    secret, plain, untouched = (register(people["clerk"]) for _ in range(3))
    for case_id in (secret, plain):
        walk(officer, manager, case_id, State.DRAFTING, DEPARTMENTS[:1])
    overlays.restrict(manager, secret, True, ["officer"])
    _handle(officer, manager, secret, (FACTS, RESOLUTION, RECTIFY, COMMENT))
    _handle(officer, manager, plain, PLAIN)

    owner = connect_postgres(pg_params, pg_server.password)
    with owner.bind_ctx(ALL_MODELS, bind_refs=False, bind_backrefs=False):
        as_v35(owner)
        assert set(COLUMNS) <= _columns(owner)
    owner.close()
    assert shared.upgrade_shared_database(pg_params, pg_server.password, key) == 35
    owner = connect_postgres(pg_params, pg_server.password)
    assert not set(COLUMNS) & _columns(owner)
    rows = owner.execute_sql(SELECT).fetchall()
    owner.close()
    assert rows == [(secret, FACTS, RESOLUTION, RECTIFY, COMMENT), (plain, *PLAIN)]

    assert views.open_case(officer, secret).approval_comment == COMMENT
    assert views.open_case(manager, plain).facts == PLAIN[0]
    for name in ("clerk", "officer2", "night_duty"):
        with plain_sql(pg_params, name) as conn:
            assert conn.execute("SELECT count(*) FROM case_handling WHERE case_id = %s", (secret,)).fetchone() == (0,)
            found = conn.execute("SELECT count(*) FROM case_handling WHERE facts LIKE '%%保密%%'").fetchone()
            assert found == (0,), name
    for name in ("officer", "manager"):
        with plain_sql(pg_params, name) as conn:
            assert conn.execute("SELECT facts FROM case_handling WHERE case_id = %s", (secret,)).fetchone() == (FACTS,)
    night = register(people["night_duty"])  # their own night intake: the one case night duty sees
    insert = (
        "INSERT INTO case_handling (case_id, facts, resolution, rectification, approval_comment)"
        " VALUES (%s, '伪造', '', '', '')"
    )
    with plain_sql(pg_params, "clerk") as conn:  # an unrestricted case: what the case's own policy shows
        assert conn.execute("SELECT facts FROM case_handling WHERE case_id = %s", (plain,)).fetchone() == (PLAIN[0],)
    update = "UPDATE case_handling SET resolution = '改写' WHERE case_id = %s"
    delete = "DELETE FROM case_handling WHERE case_id = %s"
    attempts = {
        "clerk": ((update, plain), (delete, plain), (insert, untouched)),
        "night_duty": ((insert, night),),  # their intake has no handling row to change
    }
    for name, refused in attempts.items():
        with plain_sql(pg_params, name) as conn:
            for sql, case_id in refused:
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="无权修改案件的办理状态和结论"):
                    conn.execute(sql, (case_id,))
            for case_id in (secret, plain) if name == "night_duty" else (secret,):  # rows they do not see
                assert conn.execute(update, (case_id,)).rowcount == 0
    owner = connect_postgres(pg_params, pg_server.password)
    assert owner.execute_sql(SELECT).fetchall() == rows  # nothing the front desk tried was written
    owner.close()
