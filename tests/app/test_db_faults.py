"""Database faults met mid-session become typed errors with a Chinese message and lose nothing.

Writes map faults in the write path; reads are mapped where every call enters (the UI operation
runner, the CLI), which `db_errors.translated()` stands for here.

Each fault is produced for real: another connection holding the SQLCipher file's write lock, a
database that reaches its page limit (SQLite's "database or disk is full"), a file that is not a
database, and a PostgreSQL backend terminated by the server (as at a server shutdown).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from app import db_errors, settings
from app.cases import intake
from app.errors import ConnectionLostError, DatabaseBusyError, DatabaseDamagedError, DiskError
from app.session import Session
from models.cases import Attachment, Case
from models.database import database_proxy
from tests.support.cases import form
from tests.support.sessions import session_as


def _writer_holding_the_lock(session: Session) -> sqlcipher.Connection:
    """A second connection to the same encrypted file, inside a write transaction."""
    other = sqlcipher.connect(str(session.database_path), isolation_level=None)
    other.execute(f"PRAGMA key = \"x'{session.db_key.hex()}'\"")
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE setting SET value = value WHERE key = 'hospital_name'")
    return other


def test_a_write_while_another_workstation_holds_the_lock_is_refused_as_busy(admin_session: Session) -> None:
    database_proxy.obj.execute_sql("PRAGMA busy_timeout = 50")
    before = settings.get("hospital_name")
    other = _writer_holding_the_lock(admin_session)
    try:
        with pytest.raises(DatabaseBusyError) as caught:
            settings.update(admin_session, {"hospital_name": "江宁市第二人民医院"})
        assert "其他工作站" in caught.value.message and caught.value.retryable
        assert "稍" in caught.value.advice
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert settings.get("hospital_name") == before  # nothing half-written
    settings.update(admin_session, {"hospital_name": "江宁市第二人民医院"})  # 重试 now succeeds
    assert settings.get("hospital_name") == "江宁市第二人民医院"


def test_a_full_disk_is_told_as_such_and_rolls_back(admin_session: Session) -> None:
    clerk = session_as(admin_session, "clerk", "clerk")
    db = database_proxy.obj
    pages = db.execute_sql("PRAGMA page_count").fetchone()[0]
    db.execute_sql(f"PRAGMA max_page_count = {pages}")  # no room for one more page: SQLITE_FULL
    scan = bytes(range(256)) * 1024  # a 256 KB scan needs new pages
    with pytest.raises(DiskError) as caught:
        intake.register(clerk, form(), [("来信扫描件.png", scan)])
    assert caught.value.message.startswith("磁盘空间已满") and "清理" in caught.value.advice
    db.execute_sql("PRAGMA max_page_count = 1073741823")
    assert Case.select().count() == 0 and Attachment.select().count() == 0  # nothing half-written
    assert intake.register(clerk, form(), [("来信扫描件.png", scan)]).case_no


def test_classify_recognises_driver_errors_and_leaves_bugs_alone(tmp_path: Path) -> None:
    damaged = tmp_path / "not-a-database.db"
    damaged.write_bytes(b"this is a text file, not an encrypted database" * 100)
    conn = sqlcipher.connect(str(damaged))
    conn.execute("PRAGMA key = \"x'" + "00" * 32 + "'\"")
    with pytest.raises(sqlcipher.DatabaseError) as raw:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert isinstance(db_errors.classify(raw.value), DatabaseDamagedError)
    assert isinstance(db_errors.classify(sqlite3.OperationalError("database is locked")), DatabaseBusyError)
    assert isinstance(db_errors.classify(sqlite3.OperationalError("disk I/O error")), DiskError)
    assert db_errors.classify(sqlite3.OperationalError("no such column: x")) is None  # a bug
    assert db_errors.classify(ValueError("database is locked")) is None  # not a database error


@pytest.mark.postgres
def test_a_terminated_server_connection_is_lost_then_reconnected(shared_admin, pg_server) -> None:
    session, _key = shared_admin
    before = settings.get("hospital_name")
    pid = database_proxy.obj.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    with pg_server.connect("postgres", autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(ConnectionLostError) as caught, db_errors.translated():
        settings.update(session, {"hospital_name": "江宁市第二人民医院"})
    assert "连接已断开" in caught.value.message and "重新连接" in caught.value.advice
    db_errors.reconnect()
    assert settings.get("hospital_name") == before
    settings.update(session, {"hospital_name": "江宁市第二人民医院"})
    assert settings.get("hospital_name") == "江宁市第二人民医院"
