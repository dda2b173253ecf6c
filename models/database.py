"""Opening the database: SQLCipher file (local mode) or PostgreSQL over TLS (shared mode).

All models bind to `database_proxy`; `open_local()` initialises it for the current process.
"""

from __future__ import annotations

import hashlib
import os
import socket
import ssl
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import peewee
from playhouse.sqlcipher_ext import SqlCipherDatabase
from sqlcipher3 import dbapi2 as sqlcipher

database_proxy = peewee.DatabaseProxy()

KEY_BYTES = 32
# SQLite's page cache per connection, in KiB (negative: a size, not a page count). It holds
# decrypted pages, so what it keeps is not decrypted again; see "Speed at a million cases" in
# docs/architecture.md for how the size was chosen.
PAGE_CACHE = -65536


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
                "cache_size": PAGE_CACHE,
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


TLS_MODES = ("require", "verify-ca", "verify-full")  # never a connection without TLS


@dataclass(frozen=True)
class ServerParams:
    """Where the shared PostgreSQL database is. The password is never stored with these.

    `cert_sha256` pins the server certificate (SHA-256 of its DER bytes, hex) for `require`, where
    libpq itself checks no certificate; it travels in the (authenticated) enrollment file.
    """

    host: str
    port: int = 5432
    dbname: str = "complaintdesk"
    user: str = "complaintdesk"
    sslmode: str = "require"  # require (with cert_sha256) | verify-ca | verify-full
    sslrootcert: str = ""  # CA file for verify-ca / verify-full
    cert_sha256: str = ""

    @property
    def location(self) -> str:
        return f"{self.host}:{self.port}/{self.dbname}"


class ServerError(Exception):
    """Connecting failed. `kind` is unreachable | auth | tls | insecure | cert_changed | other."""

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


def server_certificate(host: str, port: int, timeout: float = 8) -> bytes:
    """The DER certificate the PostgreSQL server at host:port presents (SSLRequest, then TLS).

    Only read here, not trusted: the caller compares its fingerprint with the pinned one.
    """
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(struct.pack("!ii", 8, 80877103))  # SSLRequest
            if sock.recv(1) != b"S":
                raise ServerError("tls", "the server does not offer TLS")
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            with context.wrap_socket(sock, server_hostname=host) as tls:
                der = tls.getpeercert(binary_form=True)
    except ssl.SSLError as exc:
        raise ServerError("tls", str(exc)) from None
    except OSError as exc:
        raise ServerError("unreachable", str(exc)) from None
    if not der:
        raise ServerError("tls", "no server certificate")
    return der


def certificate_fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def _pinned_root(params: ServerParams) -> tuple[str, str] | None:
    """Check the pinned certificate; for a self-signed one, a CA file holding just it, so that
    libpq's own connection is verified against the very same certificate (sslmode verify-ca)."""
    der = server_certificate(params.host, params.port)
    if certificate_fingerprint(der) != params.cert_sha256.lower():
        raise ServerError("cert_changed", "the server certificate is not the pinned one")
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    if cert.issuer != cert.subject:
        return None
    fd, path = tempfile.mkstemp(prefix="complaintdesk-pin-", suffix=".crt")
    with os.fdopen(fd, "wb") as fh:
        fh.write(ssl.DER_cert_to_PEM_cert(der).encode("ascii"))
    return "verify-ca", path


def connect_postgres(params: ServerParams, password: str) -> peewee.PostgresqlDatabase:
    """Connect over TLS, never without, without binding the models (e.g. as a migration target).

    With a pinned certificate the server must present exactly that one (ServerError cert_changed).
    """
    if params.sslmode not in TLS_MODES:
        raise ServerError("insecure", f"sslmode {params.sslmode} does not encrypt")
    options = {
        "host": params.host,
        "port": params.port,
        "user": params.user,
        "password": password,
        "sslmode": params.sslmode,
        "connect_timeout": 8,
        "application_name": "ComplaintDesk",
        # No JIT compilation: every statement of the application is short, but the planner's
        # estimates of row-level security sub-plans pass jit_above_cost and a statement then spent
        # 60 ms compiling before a 10 ms run. Sent with the connection, no extra round trip.
        "options": "-c jit=off",
    }
    if params.sslrootcert:
        options["sslrootcert"] = params.sslrootcert
    pinned_file = None
    if params.cert_sha256:
        pinned = _pinned_root(params)
        if pinned is not None and params.sslmode == "require":
            options["sslmode"], options["sslrootcert"] = pinned
            pinned_file = pinned[1]
        elif pinned is not None:
            os.unlink(pinned[1])
    db = peewee.PostgresqlDatabase(params.dbname, prefer_psycopg3=True, **options)
    try:
        db.connect()
    except peewee.OperationalError as exc:
        raise ServerError(_classify(str(exc)), str(exc)) from None
    finally:
        if pinned_file:
            os.unlink(pinned_file)
    return db


def open_postgres(params: ServerParams, password: str) -> peewee.PostgresqlDatabase:
    """Connect and bind the models to the server database."""
    db = connect_postgres(params, password)
    database_proxy.initialize(db)
    return db



# ANALYZE reads this many rows of each index (SQLite's analysis_limit): statistics good enough for
# the planner in milliseconds, where a full ANALYZE reads every index of every table. The case
# table alone is analyzed in full (seconds at a million cases), after a bulk load or an upgrade.
ANALYSIS_LIMIT = 1000


def analyze(db: peewee.Database) -> None:
    """Give the query planner fresh statistics (sqlite_stat1): after a bulk load or an upgrade.

    Without them SQLite takes every index as selective, e.g. an index led by the state for a state most cases
    are in. PostgreSQL's autovacuum analyzes on its own; a bulk copy is analyzed at once."""
    db = getattr(db, "obj", db)  # a DatabaseProxy: the database behind it
    if not isinstance(db, peewee.SqliteDatabase):
        db.execute_sql("ANALYZE")
        return
    db.execute_sql(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
    db.execute_sql("ANALYZE")
    # The case table in full: a sample cannot tell that most cases are in one state (closed).
    db.execute_sql("PRAGMA analysis_limit = 0")
    db.execute_sql('ANALYZE "case"')


def optimize(db: peewee.Database) -> None:
    """Refresh the statistics of tables that grew or shrank a lot (SQLite's `PRAGMA optimize`, run
    when a connection closes); a database never analyzed is analyzed."""
    db = getattr(db, "obj", db)
    if not isinstance(db, peewee.SqliteDatabase):
        return
    stats = db.execute_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()
    if stats is None or db.execute_sql("SELECT 1 FROM sqlite_stat1 LIMIT 1").fetchone() is None:
        analyze(db)
        return
    db.execute_sql(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
    db.execute_sql("PRAGMA optimize")


def close_current() -> None:
    """Close the process's database, if one is open (refreshing the planner's statistics first)."""
    obj = database_proxy.obj
    if obj is not None and not obj.is_closed():
        try:
            optimize(obj)
        except peewee.DatabaseError:
            pass  # a read-only or damaged file still closes
        obj.close()
