"""A current database taken back to how schema 11 left it (before step 12, compact storage)."""

from __future__ import annotations

import peewee

from app.cases import search
from models.cases import Case
from models.schema import SchemaVersion
from models.search_index import FTS_COLUMNS, FTS_TABLE, is_sqlite
from models.storage_step import REDUNDANT_INDEXES
from tests.support.schema_v35 import handling_in_case_row


def _old_index_sql(db: peewee.Database) -> None:
    """The trigram table as schema 11 created it: with its own copy of every text."""
    db.execute_sql(f"DROP TABLE {FTS_TABLE}")
    db.execute_sql(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({', '.join(FTS_COLUMNS)}, tokenize = 'trigram')"
    )


def as_v11(db: peewee.Database) -> None:
    """Take a current database back to how schema 11 left it: the texts in the case row, the trigram
    index holding a copy of them (SQLite) or pg_trgm indexes on the case row (PostgreSQL), the
    single-column indexes that step 12 drops; the handling texts in the case row (before step 37)."""
    rows = [(case, *search._fts_text(case)) for case in Case.select()]
    handling_in_case_row(db)
    db.execute_sql("ALTER TABLE \"case\" ADD COLUMN content TEXT NOT NULL DEFAULT ''")
    db.execute_sql("ALTER TABLE \"case\" ADD COLUMN demands TEXT NOT NULL DEFAULT ''")
    db.execute_sql(
        'UPDATE "case" SET content = (SELECT t.content FROM case_text t WHERE t.case_id = "case".id),'
        ' demands = (SELECT t.demands FROM case_text t WHERE t.case_id = "case".id)'
    )
    db.execute_sql("DROP TABLE case_text")
    if is_sqlite(db):
        _old_index_sql(db)
        insert = f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(FTS_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)"
        for case, *values in rows:
            db.execute_sql(insert, (case.id, *values))
    else:
        for column in ("content", "demands"):
            db.execute_sql(f'CREATE INDEX case_{column}_trgm ON "case" USING gin ({column} gin_trgm_ops)')
    tables = db.get_tables()
    for name in REDUNDANT_INDEXES:  # peewee's names: <table>_<column>
        table = max((t for t in tables if name.startswith(f"{t}_")), key=len)
        db.execute_sql(f'CREATE INDEX "{name}" ON "{table}" ("{name[len(table) + 1 :]}")')
    SchemaVersion.delete().execute()
    SchemaVersion.create(version=11, applied_at="2026-11-01 09:00:00")  # as a v11 build left it
