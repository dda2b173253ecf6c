"""Schema step 32, the audit log: `seq` becomes the table's primary key (see docs/documents-storage.md).

Every entry had two numbers that run 1, 2, 3… in the same order: the row id and `seq`, the chain's
sequence number, with a unique index of its own. Now `seq` is the key: on SQLite the rowid itself,
so the row no longer stores a second number, the unique index of `seq` is gone, and every other
index of the log (actor, action, target) lists its entries in `seq` order (a secondary index ends
with the rowid): "this user's newest entries" is read from the index as it stands instead of
every entry of the user sorted.

SQLite cannot change a table's key: the table is made again from the model and the entries copied in
batches of 20,000 with the progress reported, then the indexes made; the hashes and every stored
value are copied unchanged (the chain verifies as before). PostgreSQL drops `id` and makes `seq` the
primary key in place. A log already converted is left alone, so the step may run again.
"""

from __future__ import annotations

import peewee

from models.search_index import is_sqlite
from models.storage_step import _columns, _id_batches, report

TABLE = "audit_entry"
COLUMNS = ("seq", "at", "actor", "action", "target", "detail", "hash")


def _rebuild_sqlite(db: peewee.Database) -> None:
    from models.audit import AuditEntry

    old = f"{TABLE}_before_v32"
    for index in db.get_indexes(TABLE):
        db.execute_sql(f'DROP INDEX IF EXISTS "{index.name}"')
    db.execute_sql(f'ALTER TABLE "{TABLE}" RENAME TO "{old}"')
    AuditEntry._schema.create_table(safe=False)
    names = ", ".join(f'"{c}"' for c in COLUMNS)
    for low, high in _id_batches(db, old, "正在整理审计日志"):
        db.execute_sql(
            f'INSERT INTO "{TABLE}" ({names}) SELECT {names} FROM "{old}" WHERE id > ? AND id <= ? ORDER BY seq',
            (low, high),
        )
    db.execute_sql(f'DROP TABLE "{old}"')
    report(0, 1, "正在重建审计日志的索引")
    AuditEntry._schema.create_indexes(safe=True)
    report(1, 1, "正在重建审计日志的索引")


def _in_place_postgres(db: peewee.Database) -> None:
    report(0, 1, "正在整理审计日志")
    db.execute_sql(f'ALTER TABLE "{TABLE}" DROP COLUMN id')  # its primary key and sequence go with it
    db.execute_sql('DROP INDEX IF EXISTS "audit_entry_seq"')
    db.execute_sql(f'ALTER TABLE "{TABLE}" ADD PRIMARY KEY (seq)')
    report(1, 1, "正在整理审计日志")


def seq_as_key(db: peewee.Database) -> None:
    """v32: the audit log keyed by `seq` (see the module's docstring)."""
    if "id" not in _columns(db, TABLE):
        return  # already done
    if is_sqlite(db):
        _rebuild_sqlite(db)
    else:
        _in_place_postgres(db)
