"""Tables as the schemas before step 32 kept them: the audit log with a row id beside `seq` (and `seq`
unique), the complainants' keys with a row id and an index of (key, received_day)."""

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


PERSON_KEYS_SQL = (
    'CREATE TABLE "stat_person_key" ("id" INTEGER NOT NULL PRIMARY KEY, "case_id" INTEGER NOT NULL,'
    ' "key" VARCHAR(20) NOT NULL, "received_day" INTEGER NOT NULL,'
    ' FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE)'
)
PERSON_KEY_INDEXES_SQL = (
    'CREATE INDEX "stat_person_key_key_received_day" ON "stat_person_key" ("key", "received_day")',
    'CREATE UNIQUE INDEX "stat_person_key_case_id_key" ON "stat_person_key" ("case_id", "key")',
    'CREATE INDEX "stat_person_key_received_day_key" ON "stat_person_key" ("received_day", "key")',
)


def person_keys_before_v32(db: peewee.Database) -> None:
    """The complainants' keys back to a table with a row id, every row kept."""
    if not is_sqlite(db):
        db.execute_sql("ALTER TABLE stat_person_key DROP CONSTRAINT stat_person_key_pkey")
        db.execute_sql("ALTER TABLE stat_person_key ADD COLUMN id SERIAL PRIMARY KEY")
        db.execute_sql(PERSON_KEY_INDEXES_SQL[0])
        return
    db.execute_sql('ALTER TABLE "stat_person_key" RENAME TO "stat_person_key_new"')
    names = db.execute_sql("SELECT name FROM sqlite_master WHERE tbl_name = 'stat_person_key_new' AND type = 'index'")
    for (name,) in names.fetchall():
        if not name.startswith("sqlite_autoindex_"):
            db.execute_sql(f'DROP INDEX "{name}"')
    db.execute_sql(PERSON_KEYS_SQL)
    columns = '"case_id", "key", "received_day"'
    db.execute_sql(f'INSERT INTO "stat_person_key" ({columns}) SELECT {columns} FROM "stat_person_key_new"')
    db.execute_sql('DROP TABLE "stat_person_key_new"')
    for statement in PERSON_KEY_INDEXES_SQL:
        db.execute_sql(statement)


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
