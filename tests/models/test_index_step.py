"""Schema step 32 (fewer bytes per case): a database built at the previous schema loses the indexes
whose columns lead another index, ends with the layout of a new database, and is read and written
as before; the step may run again. The same on a shared PostgreSQL database."""

from __future__ import annotations

import secrets
from pathlib import Path

import peewee
import pytest

from app.cases.states import State
from app.errors import DatabaseOpenError
from app.session import Session
from models import migrations
from models.cases import Case
from models.database import open_local
from models.schema import SchemaVersion
from models.storage_step import PREFIX_INDEXES
from tests.support.accounts import ADMIN, ADMIN_PASSWORD
from tests.support.cases import FakeClock
from tests.support.desk import open_desk

STEP = 32
BEFORE = max(v for v in migrations.STEPS if v < STEP)  # the version such a database is stamped with
# The indexes as the schema before step 32 made them (peewee's names and columns).
OLD_INDEXES = {
    "case_state": ('"case"', "state"),
    "assignment_state": ("assignment", "state"),
    "issue_stat_case_id": ("issue_stat", "case_id"),
    "stat_person_key_case_id": ("stat_person_key", "case_id"),
    "user_role_user_id": ("user_role", "user_id"),
    "reminder_dismissal_user_id": ("reminder_dismissal", "user_id"),
    "rectification_case_rectification_id": ("rectification_case", "rectification_id"),
    "recurrence_rectification_id": ("recurrence", "rectification_id"),
}


def _as_before_step(db: peewee.Database) -> None:
    for name, (table, column) in OLD_INDEXES.items():
        db.execute_sql(f'CREATE INDEX "{name}" ON {table} ("{column}")')
    SchemaVersion.update(version=BEFORE).where(SchemaVersion.version >= STEP).execute()


def _indexes(db: peewee.Database) -> dict[str, str]:
    return {i.name: i.sql for table in db.get_tables() for i in db.get_indexes(table)}


def test_the_step_list_and_the_old_layout_agree() -> None:
    assert set(PREFIX_INDEXES) == set(OLD_INDEXES)


def test_v32_drops_the_prefix_indexes_and_matches_a_new_database(
    admin_session: Session, fake_clock: FakeClock, tmp_path: Path
) -> None:
    roles = ("clerk", "officer", "manager")
    desk = open_desk(admin_session, fake_clock, new={role: (role, f"{role}同事", [role]) for role in roles})
    registered = desk.new_case(State.REGISTERED)
    handled = desk.new_case(State.IN_PROGRESS)
    db = Case._meta.database
    assert not set(PREFIX_INDEXES) & set(_indexes(db))  # a new database never has them
    _as_before_step(db)
    assert set(PREFIX_INDEXES) <= set(_indexes(db))

    heard: list[tuple[int, int, str]] = []
    assert migrations.ensure_schema(db, progress=lambda *call: heard.append(call)) == BEFORE
    assert migrations.current_version(db) == migrations.SCHEMA_VERSION
    assert "正在精简索引" in {text for _done, _total, text in heard}
    upgraded = _indexes(db)
    assert not set(PREFIX_INDEXES) & set(upgraded)
    # run again (a step interrupted and repeated): nothing left to do, nothing broken
    SchemaVersion.delete().where(SchemaVersion.version >= STEP).execute()
    assert migrations.ensure_schema(db) == BEFORE
    assert _indexes(db) == upgraded

    # the upgraded database is written and read as any: assignments, statistics rows, person keys
    desk.walk(registered, State.IN_PROGRESS)
    desk.walk(handled, State.CLOSED)
    assert Case.get_by_id(registered).state == State.IN_PROGRESS
    assert Case.get_by_id(handled).state == State.CLOSED

    fresh = open_local(tmp_path / "fresh.db", secrets.token_bytes(32))  # binds the models: last
    migrations.ensure_schema(fresh)
    assert _indexes(fresh) == upgraded


def _case_state_plan(db: peewee.Database) -> str:
    sql = 'EXPLAIN QUERY PLAN SELECT id FROM "case" WHERE state = ? ORDER BY id LIMIT 5'
    return str(db.execute_sql(sql, (State.IN_PROGRESS,)).fetchall())


def test_a_state_alone_is_read_from_the_open_work_index(admin_session: Session) -> None:
    """Without case_state a lookup by state still reads an index: case_work leads with the state."""
    db = Case._meta.database
    assert "case_work" in _case_state_plan(db)


def test_v32_upgrades_a_shared_database(shared_admin, pg_params, pg_server) -> None:
    """PostgreSQL: the owner's upgrade drops the same indexes; the database opens and works."""
    from app import shared
    from models.database import connect_postgres
    from models.schema import ALL_MODELS

    session, key = shared_admin
    session.db.close()
    owner = connect_postgres(pg_params, pg_server.password)
    with owner.bind_ctx(ALL_MODELS, bind_refs=False, bind_backrefs=False):
        assert not set(PREFIX_INDEXES) & set(_indexes(owner))
        _as_before_step(owner)
        assert set(PREFIX_INDEXES) <= set(_indexes(owner))
    owner.close()
    with pytest.raises(DatabaseOpenError, match="需要升级"):
        shared.login_shared(pg_params, key, ADMIN, ADMIN_PASSWORD)
    assert shared.upgrade_shared_database(pg_params, pg_server.password, key) == BEFORE
    owner = connect_postgres(pg_params, pg_server.password)
    assert not set(PREFIX_INDEXES) & set(_indexes(owner))
    owner.close()
    session = shared.login_shared(pg_params, key, ADMIN, ADMIN_PASSWORD)
    assert session.user.username == ADMIN
