"""Full-text index of cases: FTS5 trigram (rowid = case id) locally, pg_trgm on a shared server."""

from __future__ import annotations

import peewee

FTS_TABLE = "case_fts"
FTS_COLUMNS = ("case_no", "people", "content", "departments", "category")


def is_sqlite(db: peewee.Database) -> bool:
    return isinstance(db, peewee.SqliteDatabase)


def create_search_index(db: peewee.Database) -> None:
    """SQLite: the FTS5 trigram table. PostgreSQL: pg_trgm GIN indexes on the narrative and demands."""
    if not is_sqlite(db):
        db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in ("content", "demands"):
            db.execute_sql(
                f'CREATE INDEX IF NOT EXISTS case_{column}_trgm ON "case" USING gin ({column} gin_trgm_ops)'
            )
        return
    if is_sqlite(db):
        db.execute_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            + ", ".join(FTS_COLUMNS)
            + ", tokenize = 'trigram')"
        )
