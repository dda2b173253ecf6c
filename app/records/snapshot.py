"""The encrypted database file itself, below the models: an online copy (SQLite backup API on an open
SQLCipher connection, same key, so the copy never exists unencrypted) and the checks a copy must
pass (SQLCipher page HMACs, SQLite integrity, row counts, the audit chain)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from app import audit
from models.chain import stored_hex
from models.schema import ALL_MODELS


class SnapshotError(Exception):
    """The copy does not open with the key, or fails a check (message in Chinese)."""


def table_names() -> list[str]:
    return [model._meta.table_name for model in ALL_MODELS]


def open_encrypted(path: Path, key: bytes) -> sqlcipher.Connection:
    """A raw connection to an encrypted file (not bound to the models); SnapshotError for a wrong key."""
    conn = sqlcipher.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError:
        conn.close()
        raise SnapshotError("密钥不能打开该数据库文件") from None
    return conn


def copy_online(source: Path, key: bytes, target: Path) -> None:
    """Copy the database file `source` to `target` in one step of the backup API, on a connection of
    its own: one read transaction, begun now, so the copy is the database as it stood at one moment
    (every commit made before the call included) while other connections keep writing (WAL). A
    shared connection could still hold an older read snapshot open."""
    conn = open_encrypted(source, key)
    dest = sqlcipher.connect(str(target), isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        dest.execute("PRAGMA cipher_log_level = NONE")
        dest.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        dest.close()
        conn.close()


def entry_hashes(conn: sqlcipher.Connection) -> Callable[[int], str | None]:
    """`seq → hash` of the audit entries of a database not bound to the models (None: no such entry)."""

    def entry_hash(seq: int) -> str | None:
        row = conn.execute("SELECT hash FROM audit_entry WHERE seq = ?", (seq,)).fetchone()
        return stored_hex(row[0]) if row else None

    return entry_hash


@dataclass(frozen=True)
class Checked:
    counts: dict[str, int]
    audit_entries: int
    audit_head: tuple[int, str] | None
    schema_version: int


def check(conn: sqlcipher.Connection) -> Checked:
    """Every check of a copy; SnapshotError naming the first that fails."""
    bad_pages = conn.execute("PRAGMA cipher_integrity_check").fetchall()
    if bad_pages:
        raise SnapshotError(f"加密页校验失败（{len(bad_pages)} 处），文件已损坏")
    result = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
    if result != ["ok"]:
        raise SnapshotError("数据库结构校验失败：" + "；".join(result[:3]))
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    counts = {
        name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        for name in table_names()
        if name in present
    }
    head_row = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    head = (head_row[0], stored_hex(head_row[1])) if head_row else None
    # the rowid: `id` in a copy made before schema step 32, `seq` (the key) after it
    rows = conn.execute("SELECT seq, at, actor, action, target, detail, hash FROM audit_entry ORDER BY rowid")
    report = audit.verify_rows(rows, head)
    if not report.ok:
        raise SnapshotError(report.message)
    version = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
    return Checked(counts, report.entries, head, int(version))


def append_audit(conn: sqlcipher.Connection, actor: str, action: str, target: str, detail: dict, at) -> None:
    """Append one chained audit entry to a database that is not bound to the models."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
        entry = audit.next_entry((row[0], row[1]) if row else None, actor, action, target, detail, at)
        columns = {c[1] for c in conn.execute("PRAGMA table_info(audit_entry)")}
        if "prev_hash" in columns:  # a copy made before schema step 20: hashes as hex text, twice
            digest: str | bytes = entry[-1]
            values = (*entry[:-1], stored_hex(row[1]) if row else audit.GENESIS, digest)
            names = "seq, at, actor, action, target, detail, prev_hash, hash"
        else:
            digest = bytes.fromhex(entry[-1])
            values = (*entry[:-1], digest)
            names = "seq, at, actor, action, target, detail, hash"
        conn.execute(f"INSERT INTO audit_entry ({names}) VALUES ({', '.join('?' * len(values))})", values)
        if row:
            conn.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (entry[0], digest))
        else:
            conn.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)", (entry[0], digest))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def admin_usernames(conn: sqlcipher.Connection) -> set[str]:
    rows = conn.execute(
        "SELECT u.username FROM \"user\" u JOIN user_role r ON r.user_id = u.id WHERE r.role = 'admin' AND u.active"
    )
    return {row[0] for row in rows}
