"""The audit log as the schemas before step 32 kept it: a row id beside `seq`, and `seq` unique."""

from __future__ import annotations

import peewee

from models.search_index import is_sqlite

# SQLite: the table and the index of `seq` as peewee made them before step 32
TABLE_SQL = (
    'CREATE TABLE "audit_entry" ("id" INTEGER NOT NULL PRIMARY KEY, "seq" INTEGER NOT NULL,'
    ' "at" VARCHAR(32) NOT NULL, "actor" VARCHAR(32) NOT NULL, "action" VARCHAR(48) NOT NULL,'
    ' "target" VARCHAR(64) NOT NULL, "detail" TEXT NOT NULL, "hash" BLOB NOT NULL)'
)
SEQ_INDEX_SQL = 'CREATE UNIQUE INDEX "audit_entry_seq" ON "audit_entry" ("seq")'
COLUMNS = '"seq", "at", "actor", "action", "target", "detail", "hash"'


def index_statements(db: peewee.Database) -> list[str]:
    """The audit log's other indexes as they stand (SQLite)."""
    rows = db.execute_sql("SELECT sql FROM sqlite_master WHERE tbl_name = 'audit_entry' AND type = 'index'")
    return [r[0] for r in rows.fetchall() if r[0]]


def as_before_v32(db: peewee.Database) -> None:
    """Take a current audit log back to that layout, every entry kept (ids 1, 2, 3… in seq order)."""
    if not is_sqlite(db):
        db.execute_sql("ALTER TABLE audit_entry DROP CONSTRAINT audit_entry_pkey")
        db.execute_sql("ALTER TABLE audit_entry ADD COLUMN id SERIAL PRIMARY KEY")
        db.execute_sql('CREATE UNIQUE INDEX "audit_entry_seq" ON "audit_entry" ("seq")')
        return
    indexes = index_statements(db)
    db.execute_sql('ALTER TABLE "audit_entry" RENAME TO "audit_entry_new"')
    names = db.execute_sql("SELECT name FROM sqlite_master WHERE tbl_name = 'audit_entry_new' AND type = 'index'")
    for (name,) in names.fetchall():
        db.execute_sql(f'DROP INDEX "{name}"')
    db.execute_sql(TABLE_SQL)
    db.execute_sql(f'INSERT INTO "audit_entry" ({COLUMNS}) SELECT {COLUMNS} FROM "audit_entry_new" ORDER BY seq')
    db.execute_sql('DROP TABLE "audit_entry_new"')
    for statement in [SEQ_INDEX_SQL, *indexes]:
        db.execute_sql(statement)
