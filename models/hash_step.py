"""Schema step 20: the chain hashes stored as their 32 bytes, the audit log's `prev_hash` dropped.

Before, every timeline event and audit entry kept its SHA-256 as 64 hex characters, and each audit
entry kept its predecessor's hash a second time (`prev_hash`). The chain checks need neither: an
entry's hash covers the previous entry's hash, which the check reads from the previous entry
(app/audit.py `verify_rows`), so an edited, removed, inserted or moved entry no longer fits exactly
as before. Code above the database still sees hex text (models.chain.HashField), so the hashes
computed, witnessed and exported are unchanged.

SQLite cannot change a column's type: `case_event`, `audit_entry` and `audit_head` are rebuilt (the new table
created from the model, the rows copied in id batches with the progress reported, the old table
dropped). PostgreSQL converts the columns in place (`bytea`). Both in the step's transaction.
"""

from __future__ import annotations

import peewee
from playhouse.migrate import SchemaMigrator

from models.search_index import is_sqlite
from models.storage_step import _columns, _id_batches

_BLOB = "CASE WHEN typeof(hash) = 'text' THEN unhex(hash) ELSE hash END"


def _rebuild(db: peewee.Database, model: type[peewee.Model], text: str) -> None:
    """SQLite: the table made again from its model, the rows copied with their hashes as bytes."""
    table = model._meta.table_name
    columns = {c.name: c.data_type.upper() for c in db.get_columns(table)}
    if columns.get("hash") == "BLOB" and "prev_hash" not in columns:
        return  # already done (the step may run again on a database stamped past it without it)
    old = f"{table}_before_v20"
    for index in db.get_indexes(table):
        db.execute_sql(f'DROP INDEX IF EXISTS "{index.name}"')
    db.execute_sql(f'ALTER TABLE "{table}" RENAME TO "{old}"')
    db.create_tables([model])
    names = [f.column_name for f in model._meta.sorted_fields]
    columns = ", ".join(f'"{n}"' for n in names)
    values = ", ".join(_BLOB if n == "hash" else f'"{n}"' for n in names)
    for low, high in _id_batches(db, old, text):
        db.execute_sql(
            f'INSERT INTO "{table}" ({columns}) SELECT {values} FROM "{old}" WHERE id > ? AND id <= ?',
            (low, high),
        )
    db.execute_sql(f'DROP TABLE "{old}"')


def _to_bytea(db: peewee.Database, table: str) -> None:
    """PostgreSQL: the hash column converted in place (a column already bytea is left alone)."""
    kind = {c.name: c.data_type.lower() for c in db.get_columns(table)}["hash"]
    if kind != "bytea":
        db.execute_sql(f"ALTER TABLE \"{table}\" ALTER COLUMN hash TYPE bytea USING decode(hash, 'hex')")


def binary_chain_hashes(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v20: see the module's docstring."""
    from models.audit import AuditEntry, AuditHead
    from models.cases import CaseEvent

    if is_sqlite(db):
        _rebuild(db, CaseEvent, "正在压缩时间线的哈希")
        _rebuild(db, AuditEntry, "正在压缩审计日志的哈希")
        _rebuild(db, AuditHead, "正在压缩审计日志的哈希")
        return
    for table in ("case_event", "audit_entry", "audit_head"):
        _to_bytea(db, table)
    if "prev_hash" in _columns(db, "audit_entry"):
        db.execute_sql("ALTER TABLE audit_entry DROP COLUMN prev_hash")
