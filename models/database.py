"""Opening the database: SQLCipher file (local mode) or PostgreSQL (shared mode).

All models bind to `database_proxy`; `open_local()` initialises it for the current process.
"""

from __future__ import annotations

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


def close_current() -> None:
    """Close the process's database, if one is open."""
    obj = database_proxy.obj
    if obj is not None and not obj.is_closed():
        obj.close()
