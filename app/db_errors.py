"""Database faults met during normal work, turned into typed errors with Chinese messages.

Driver errors reach the services wrapped by peewee (`peewee.OperationalError` and friends) with the
driver's own exception as `__cause__` / `orig`. `classify` maps the ones a user can do something
about — SQLite busy/locked, disk full or I/O error, "file is not a database", a PostgreSQL
connection lost or server shut down, a lock or serialization timeout — to `app.errors.DatabaseFault`
subclasses. Anything else is a bug and keeps propagating to the crash dialog.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import peewee

from app.errors import (
    ConnectionLostError,
    DatabaseBusyError,
    DatabaseDamagedError,
    DatabaseFault,
    DiskError,
)
from models.database import database_proxy

_BUSY = ("database is locked", "database table is locked", "database schema is locked", "busy")
_FULL = ("database or disk is full", "disk is full", "no space left")
_IO = ("disk i/o error", "unable to open database file", "attempt to write a readonly database")
_DAMAGED = ("file is not a database", "database disk image is malformed", "file is encrypted")
# PostgreSQL SQLSTATE classes: 08 connection exception, 57P0x operator intervention (shutdown).
_PG_LOST_STATES = ("57P01", "57P02", "57P03")
_PG_BUSY_STATES = ("40001", "40P01", "55P03", "57014")
_PG_LOST_TEXT = (
    "server closed the connection",
    "connection is closed",
    "connection already closed",
    "the connection is lost",
    "terminating connection",
    "consuming input failed",
    "could not receive data",
    "could not send data",
    "connection refused",
    "connection timed out",
    "ssl syscall error",
    "ssl connection has been closed",
)


def _driver_error(exc: BaseException) -> BaseException:
    return getattr(exc, "orig", None) or exc.__cause__ or exc


def classify(exc: BaseException) -> DatabaseFault | None:
    """The typed fault for a database exception, or None when it is not one a user can act on.

    The chain of causes is followed: after SQLITE_FULL or an I/O error SQLite rolls the transaction
    back by itself, so what peewee raises last is "no such savepoint" or "cannot rollback", with
    the real fault as its context."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        fault = _classify_one(link)
        if fault is not None:
            return fault
        link = link.__cause__ or link.__context__
    return None


def _classify_one(exc: BaseException) -> DatabaseFault | None:
    if isinstance(exc, DatabaseFault):
        return exc
    driver = _driver_error(exc)
    module = type(driver).__module__ or ""
    text = str(exc).lower()
    if module.startswith("psycopg"):
        state = getattr(driver, "sqlstate", None) or ""
        if state in _PG_BUSY_STATES:
            return DatabaseBusyError()
        if state.startswith("08") or state in _PG_LOST_STATES or any(t in text for t in _PG_LOST_TEXT):
            return ConnectionLostError()
        if type(driver).__name__ in ("OperationalError", "InterfaceError") and not state:
            return ConnectionLostError()
        if state == "53100":
            return DiskError(full=True)
        return None
    if not isinstance(exc, peewee.DatabaseError | peewee.InterfaceError) and module.split(".")[0] not in (
        "sqlite3",
        "sqlcipher3",
    ):
        return None
    if any(t in text for t in _BUSY):
        return DatabaseBusyError()
    if any(t in text for t in _FULL):
        return DiskError(full=True)
    if any(t in text for t in _IO):
        return DiskError(full=False)
    if any(t in text for t in _DAMAGED):
        return DatabaseDamagedError()
    return None


@contextmanager
def translated() -> Iterator[None]:
    """Re-raise database faults inside the block as typed `DatabaseFault` errors."""
    try:
        yield
    except (peewee.PeeweeException, OSError) as exc:
        fault = classify(exc)
        if fault is None:
            raise
        raise fault from exc


def close_thread_connection() -> None:
    """Close this thread's connection (peewee keeps one per thread): a worker thread's, when its task ends."""
    db = database_proxy.obj
    if db is not None and not db.is_closed():
        db.close()


def reconnect() -> None:
    """Shared mode: drop the broken connection and open a new one with the same settings.

    Raises ConnectionLostError while the server still cannot be reached."""
    db = database_proxy.obj
    try:
        db.close()
    except peewee.PeeweeException:
        pass  # the old connection is already gone: closing it only reports that
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT 1")
    except peewee.PeeweeException as exc:
        try:
            db.close()
        except peewee.PeeweeException:
            pass
        raise ConnectionLostError() from exc
