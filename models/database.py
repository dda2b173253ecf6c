"""Opening the database: SQLCipher file (local mode) or PostgreSQL over TLS (shared mode).

All models bind to `database_proxy`; `open_local()` initialises it for the current process.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import peewee
from playhouse.sqlcipher_ext import SqlCipherDatabase
from sqlcipher3 import dbapi2 as sqlcipher

database_proxy = peewee.DatabaseProxy()

KEY_BYTES = 32


class WrongKeyError(Exception):
    """The key does not open this file (or the file is not a SQLCipher database)."""


class EncryptedDatabase(SqlCipherDatabase):
    """SQLCipher database opened with a raw 256-bit key, WAL and foreign keys on.

    The raw key is passed as ``x'hex'`` so SQLCipher skips its own key derivation: the key is
    random and already strong; password stretching happens in the key slots instead.
    """

    def __init__(self, path: str | Path, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("database key must be 32 bytes")
        self._raw_key = key.hex()
        super().__init__(
            str(path),
            lock_type="IMMEDIATE",  # writers queue at BEGIN instead of deadlocking mid-transaction
            pragmas={
                "journal_mode": "wal",
                "foreign_keys": 1,
                "busy_timeout": 10000,
                "synchronous": "normal",
                "secure_delete": 1,
                "temp_store": "memory",
                # 64 MB of (decrypted) page cache: the board and the home queues read every open
                # case; with the default 2 MB each read decrypts those pages again.
                "cache_size": -65536,
            },
        )

    def _connect(self):  # noqa: ANN202 - peewee's signature
        conn = sqlcipher.connect(self.database, isolation_level=None, **self.connect_params)
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f"PRAGMA key = \"x'{self._raw_key}'\"")
            # A wrong key only fails on the first real read.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            self._add_conn_hooks(conn)
        except sqlcipher.DatabaseError as exc:
            conn.close()
            raise WrongKeyError(str(exc)) from None
        except BaseException:
            conn.close()
            raise
        return conn


def open_local(path: str | Path, key: bytes) -> EncryptedDatabase:
    """Open (creating if absent) the encrypted file and bind the models to it."""
    db = EncryptedDatabase(path, key)
    try:
        db.connect()
    except peewee.OperationalError as exc:
        raise WrongKeyError(str(exc)) from None
    database_proxy.initialize(db)
    return db


@dataclass(frozen=True)
class ServerParams:
    """Where the shared PostgreSQL database is. The password is never stored with these."""

    host: str
    port: int = 5432
    dbname: str = "complaintdesk"
    user: str = "complaintdesk"
    sslmode: str = "require"  # require | verify-full | disable (loopback testing only)
    sslrootcert: str = ""  # CA file for verify-full

    @property
    def location(self) -> str:
        return f"{self.host}:{self.port}/{self.dbname}"


class ServerError(Exception):
    """Connecting failed. `kind` is unreachable | auth | tls | other."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind


def _classify(message: str) -> str:
    text = message.lower()
    if (
        "password authentication failed" in text
        or "no password supplied" in text
        or "role" in text
        and "does not exist" in text
    ):
        return "auth"
    if "certificate" in text or "ssl" in text or "tls" in text:
        return "tls"
    if (
        "connection refused" in text
        or "could not translate host" in text
        or "timeout" in text
        or "no route" in text
        or "could not connect" in text
        or "name or service" in text
    ):
        return "unreachable"
    if "database" in text and "does not exist" in text:
        return "no_database"
    return "other"


def connect_postgres(params: ServerParams, password: str) -> peewee.PostgresqlDatabase:
    """Connect over TLS (unless disabled) without binding the models (e.g. as a migration target)."""

    options = {
        "host": params.host,
        "port": params.port,
        "user": params.user,
        "password": password,
        "sslmode": params.sslmode,
        "connect_timeout": 8,
        "application_name": "ComplaintDesk",
    }
    if params.sslrootcert:
        options["sslrootcert"] = params.sslrootcert
    db = peewee.PostgresqlDatabase(params.dbname, prefer_psycopg3=True, **options)
    try:
        db.connect()
    except peewee.OperationalError as exc:
        raise ServerError(_classify(str(exc)), str(exc)) from None
    return db


def open_postgres(params: ServerParams, password: str) -> peewee.PostgresqlDatabase:
    """Connect and bind the models to the server database."""
    db = connect_postgres(params, password)
    database_proxy.initialize(db)
    return db



def close_current() -> None:
    """Close the process's database, if one is open."""
    obj = database_proxy.obj
    if obj is not None and not obj.is_closed():
        obj.close()
