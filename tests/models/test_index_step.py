"""Schema step 32 (fewer bytes per case): a database built at the previous schema loses the indexes
whose columns lead another index, ends with the layout of a new database, and is read and written
as before; the step may run again. The same on a shared PostgreSQL database."""

from __future__ import annotations

import secrets
from pathlib import Path

import peewee
import pytest

from app import audit
from app.cases.states import State
from app.errors import DatabaseOpenError
from app.session import Session
from app.statistics import repeats
from models import migrations
from models.audit import AuditEntry
from models.cases import Case
from models.database import open_local
from models.schema import SchemaVersion
from models.statistics import CaseStat
from models.storage_step import PREFIX_INDEXES
from tests.support import schema_v31
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
    schema_v31.person_keys_before_v32(db)
    for name, (table, column) in OLD_INDEXES.items():
        db.execute_sql(f'CREATE INDEX "{name}" ON {table} ("{column}")')
    schema_v31.as_before_v32(db)
    SchemaVersion.update(version=BEFORE).where(SchemaVersion.version >= STEP).execute()


def _indexes(db: peewee.Database) -> dict[str, str]:
    return {i.name: i.sql for table in db.get_tables() for i in db.get_indexes(table)}


def _entries(db: peewee.Database) -> list[tuple]:
    return db.execute_sql(f"SELECT {schema_v31.COLUMNS} FROM audit_entry ORDER BY seq").fetchall()


def _audit_columns(db: peewee.Database) -> set[str]:
    return {c.name for c in db.get_columns("audit_entry")}


def _person_keys(db: peewee.Database) -> list[tuple]:
    return db.execute_sql("SELECT case_id, key, received_day FROM stat_person_key ORDER BY 1, 2").fetchall()


def _table_sql(db: peewee.Database, table: str) -> str:
    return db.execute_sql("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]


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
    assert "id" not in _audit_columns(db) and "audit_entry_seq" not in _indexes(db)
    entries, keys = _entries(db), _person_keys(db)
    assert len(entries) > 5 and keys
    assert _table_sql(db, "stat_person_key").endswith("WITHOUT ROWID")
    _as_before_step(db)
    assert _person_keys(db) == keys and "WITHOUT ROWID" not in _table_sql(db, "stat_person_key")
    assert set(PREFIX_INDEXES) <= set(_indexes(db)) and "audit_entry_seq" in _indexes(db)
    assert "id" in _audit_columns(db) and _entries(db) == entries
    assert audit.verify(session=admin_session).ok  # the old layout is a valid log

    heard: list[tuple[int, int, str]] = []
    assert migrations.ensure_schema(db, progress=lambda *call: heard.append(call)) == BEFORE
    assert migrations.current_version(db) == migrations.SCHEMA_VERSION
    steps = {"正在精简索引", "正在整理审计日志", "正在重建审计日志的索引", "正在整理重复投诉的标识索引"}
    assert steps <= {text for _d, _t, text in heard}
    upgraded = _indexes(db)
    assert not set(PREFIX_INDEXES) & set(upgraded)
    # the log keyed by seq: every entry and hash as it was, the chain and the witness verify
    assert "id" not in _audit_columns(db) and "audit_entry_seq" not in upgraded
    assert db.execute_sql("SELECT count(*) FROM audit_entry WHERE rowid <> seq").fetchone()[0] == 0
    assert _entries(db) == entries
    assert audit.verify(session=admin_session).ok
    # the complainants' keys: every row kept, the table ordered by its key, no (key, day) index
    assert _person_keys(db) == keys and "stat_person_key_key_received_day" not in upgraded
    person_keys = _table_sql(db, "stat_person_key")
    assert person_keys.endswith("WITHOUT ROWID") and 'PRIMARY KEY ("key", "received_day", "case_id")' in person_keys
    # run again (a step interrupted and repeated): nothing left to do, nothing broken
    SchemaVersion.delete().where(SchemaVersion.version >= STEP).execute()
    assert migrations.ensure_schema(db) == BEFORE
    assert _indexes(db) == upgraded

    # the upgraded database is written and read as any: assignments, statistics rows, person keys
    desk.walk(registered, State.IN_PROGRESS)
    desk.walk(handled, State.CLOSED)
    assert Case.get_by_id(registered).state == State.IN_PROGRESS
    assert Case.get_by_id(handled).state == State.CLOSED
    again = desk.new_case(State.REGISTERED)  # the same complainant: a repeat, found by the keys
    assert repeats.keys_of([again]) == repeats.keys_of([registered]) != set()
    assert repeats.cases_with(repeats.keys_of([again])) == {registered, handled, again}
    assert CaseStat.get_by_id(again).is_repeat
    assert AuditEntry.select().count() > len(entries) and audit.verify(session=admin_session).ok
    plan = str(db.execute_sql(f"EXPLAIN QUERY PLAN {_newest_of('officer')}").fetchall())
    assert "audit_entry_actor" in plan and "TEMP B-TREE" not in plan  # in seq order from the index

    fresh = open_local(tmp_path / "fresh.db", secrets.token_bytes(32))  # binds the models: last
    migrations.ensure_schema(fresh)
    assert _indexes(fresh) == upgraded
    assert _table_sql(fresh, "stat_person_key") == person_keys


def _newest_of(actor: str) -> str:
    """The audit viewer's page of one user's newest entries (app.audit_log.entries)."""
    sql, params = AuditEntry.select().where(AuditEntry.actor == actor).order_by(AuditEntry.seq.desc()).limit(51).sql()
    return sql.replace("?", "'{}'").format(*params)


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
        entries, keys = _entries(owner), _person_keys(owner)
        _as_before_step(owner)
        assert "id" in _audit_columns(owner) and _entries(owner) == entries
        assert "id" in {c.name for c in owner.get_columns("stat_person_key")} and _person_keys(owner) == keys
        assert set(PREFIX_INDEXES) <= set(_indexes(owner))
    owner.close()
    with pytest.raises(DatabaseOpenError, match="需要升级"):
        shared.login_shared(pg_params, key, ADMIN, ADMIN_PASSWORD)
    assert shared.upgrade_shared_database(pg_params, pg_server.password, key) == BEFORE
    owner = connect_postgres(pg_params, pg_server.password)
    assert not set(PREFIX_INDEXES) & set(_indexes(owner)) and "audit_entry_seq" not in _indexes(owner)
    assert "id" not in _audit_columns(owner) and _entries(owner) == entries
    assert "id" not in {c.name for c in owner.get_columns("stat_person_key")} and _person_keys(owner) == keys
    assert "stat_person_key_key_received_day" not in _indexes(owner)
    assert owner.get_primary_keys("stat_person_key") == ["key", "received_day", "case_id"]
    owner.close()
    session = shared.login_shared(pg_params, key, ADMIN, ADMIN_PASSWORD)
    assert session.user.username == ADMIN
    with session.db.bind_ctx([AuditEntry], bind_refs=False, bind_backrefs=False):
        assert audit.verify_chain().ok  # the sign-in appended after the upgrade, chained
        assert audit.verify_chain().entries == len(entries) + 1
