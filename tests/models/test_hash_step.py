"""Schema step 20: a database built at the previous schema (hashes as 64 hex characters, the audit
log's `prev_hash`) upgrades to 32-byte hashes without `prev_hash`; its chains verify as before, the
witness still matches, and an edit, truncation or insertion after the upgrade is still found."""

from __future__ import annotations

import secrets
from pathlib import Path

import peewee

from app import audit, auth
from app.cases import history
from app.cases.states import State
from app.cases.views import open_case
from app.session import Session
from models import migrations
from models.audit import AuditEntry, AuditHead
from models.cases import Case, CaseEvent
from models.database import open_local
from models.schema import SchemaVersion
from tests.support import schema_v31
from tests.support.accounts import ADMIN, ADMIN_PASSWORD
from tests.support.cases import FakeClock
from tests.support.desk import open_desk

ROLES = ("clerk", "officer", "manager")


def _layout(db: peewee.Database) -> dict[str, list[tuple[str, str, bool]]]:
    return {
        t: sorted((c.name, c.data_type.upper(), c.null) for c in db.get_columns(t))
        for t in ("case_event", "audit_entry", "audit_head")
    }


def _indexes(db: peewee.Database) -> set[tuple[str, str]]:
    return {(t, i.name) for t in ("case_event", "audit_entry") for i in db.get_indexes(t)}


def as_v18(db: peewee.Database) -> None:
    """Take the hash columns back to how schema 18 kept them: hex text, and `prev_hash` beside each
    audit entry's hash (the tables made with the old column types, as a v18 build made them)."""
    for table in ("case_event", "audit_entry", "audit_head"):
        sql = db.execute_sql("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        if table == "audit_entry":  # with a row id beside seq, as before step 32
            sql = schema_v31.TABLE_SQL
        old = '"hash" VARCHAR(64) NOT NULL'
        if table == "audit_entry":
            old = '"prev_hash" VARCHAR(64) NOT NULL, ' + old
        indexes = [
            r[0]
            for r in db.execute_sql(
                "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql LIKE 'CREATE%INDEX%'", (table,)
            )
        ]
        db.execute_sql(f'ALTER TABLE "{table}" RENAME TO "{table}_new"')
        for index in db.get_indexes(f"{table}_new"):
            db.execute_sql(f'DROP INDEX "{index.name}"')
        db.execute_sql(sql.replace('"hash" BLOB NOT NULL', old))
        for statement in indexes + ([schema_v31.SEQ_INDEX_SQL] if table == "audit_entry" else []):
            db.execute_sql(statement)
        if table == "audit_entry":
            db.execute_sql(
                "INSERT INTO audit_entry (seq, at, actor, action, target, detail, prev_hash, hash)"
                " SELECT seq, at, actor, action, target, detail,"
                " COALESCE((SELECT lower(hex(p.hash)) FROM audit_entry_new p WHERE p.seq = e.seq - 1), ?),"
                " lower(hex(hash)) FROM audit_entry_new e ORDER BY seq",
                (audit.GENESIS,),
            )
        else:
            columns = ", ".join(f'"{c.name}"' for c in db.get_columns(f"{table}_new"))
            values = columns.replace('"hash"', 'lower(hex("hash"))')
            db.execute_sql(f'INSERT INTO "{table}" ({columns}) SELECT {values} FROM "{table}_new"')
        db.execute_sql(f'DROP TABLE "{table}_new"')
    SchemaVersion.delete().execute()
    SchemaVersion.create(version=18, applied_at="2026-11-20 09:00:00")  # as a v18 build left it


def test_v20_stores_the_chain_hashes_as_bytes(
    admin_session: Session, fake_clock: FakeClock, tmp_path: Path, db_path: Path
) -> None:
    desk = open_desk(admin_session, fake_clock, new={role: (role, f"{role}同事", [role]) for role in ROLES})
    ids = [desk.new_case(State.REGISTERED), desk.new_case(State.IN_PROGRESS), desk.new_case(State.CLOSED)]
    db = Case._meta.database
    events = {e.id: e.hash for e in CaseEvent.select()}
    entries = {e.seq: e.hash for e in AuditEntry.select()}
    as_v18(db)
    assert "prev_hash" in {c.name for c in db.get_columns("audit_entry")}
    assert {r[0] for r in db.execute_sql("SELECT DISTINCT typeof(hash) FROM case_event")} == {"text"}
    assert audit.verify(session=admin_session).ok  # the old layout is a valid database

    heard: list[tuple[int, int, str]] = []
    assert migrations.ensure_schema(db, progress=lambda *call: heard.append(call)) == 18
    assert migrations.current_version(db) == migrations.SCHEMA_VERSION
    assert {"正在压缩时间线的哈希", "正在压缩审计日志的哈希"} <= {text for _d, _t, text in heard}
    for table in ("case_event", "audit_entry", "audit_head"):
        kinds = db.execute_sql(f"SELECT DISTINCT typeof(hash), length(hash) FROM {table}").fetchall()
        assert kinds == [("blob", 32)], table
    assert {e.id: e.hash for e in CaseEvent.select()} == events  # the same hashes, read as hex
    assert {e.seq: e.hash for e in AuditEntry.select()} == entries

    report = audit.verify(session=admin_session)
    assert report.ok and report.timelines and report.timelines[1] == len(events), report.message
    auth.logout(admin_session)  # the witness written before the upgrade matches the upgraded log
    session = auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)
    assert audit.verify(session=session).ok
    assert not AuditEntry.select().where(AuditEntry.action == "audit.witness_mismatch").exists()

    # after the upgrade, edits are found as before: an event's text, an audit entry, a cut-off tail
    db.execute_sql("UPDATE case_event SET summary = '改过' WHERE case_id = ? AND seq = 2", (ids[1],))
    assert "第 2 条" in open_case(desk["officer"], ids[1]).timeline_problem
    newest = AuditHead.get_by_id(1).seq
    db.execute_sql("DELETE FROM audit_entry WHERE seq = ?", (newest,))
    assert audit.verify().first_bad_seq == newest
    db.execute_sql("UPDATE audit_entry SET target = 'x' WHERE seq = 3")
    assert audit.verify().first_bad_seq == 3

    upgraded = _layout(db), _indexes(db)
    fresh = open_local(tmp_path / "fresh.db", secrets.token_bytes(32))  # binds the models to it
    migrations.ensure_schema(fresh)
    assert (_layout(fresh), _indexes(fresh)) == upgraded
    fresh.close()


def test_v20_upgrades_a_shared_database(shared_admin, pg_params, pg_server, fake_clock: FakeClock) -> None:
    """PostgreSQL converts the columns in place (bytea); the chains verify as before."""
    from app import shared
    from models.database import connect_postgres
    from models.schema import ALL_MODELS

    session, key = shared_admin
    desk = open_desk(session, fake_clock, new={role: (role, f"{role}同事", [role]) for role in ROLES})
    desk.new_case(State.IN_PROGRESS)
    entries = {e.seq: e.hash for e in AuditEntry.select()}
    owner = connect_postgres(pg_params, pg_server.password)
    with owner.bind_ctx(ALL_MODELS, bind_refs=False, bind_backrefs=False):
        for table in ("case_event", "audit_entry", "audit_head"):
            owner.execute_sql(
                f"ALTER TABLE {table} ALTER COLUMN hash TYPE varchar(64) USING encode(hash, 'hex')"
            )
        owner.execute_sql("ALTER TABLE audit_entry ADD COLUMN prev_hash varchar(64) NOT NULL DEFAULT ''")
        SchemaVersion.delete().execute()
        SchemaVersion.create(version=18, applied_at="2026-11-20 09:00:00")
    owner.close()
    assert shared.upgrade_shared_database(pg_params, pg_server.password, key) == 18
    db = connect_postgres(pg_params, pg_server.password)
    for table in ("case_event", "audit_entry", "audit_head"):
        assert {c.name: c.data_type for c in db.get_columns(table)}["hash"] == "bytea"
    assert "prev_hash" not in {c.name for c in db.get_columns("audit_entry")}
    db.close()
    assert {e.seq: e.hash for e in AuditEntry.select() if e.seq in entries} == entries
    assert audit.verify().ok
    timelines = history.check_all()
    assert timelines.cases == 1 and timelines.events and not timelines.breaks
