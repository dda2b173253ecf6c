"""Full-text index of cases. SQLite: an FTS5 table with the trigram tokenizer (rowid = case id)."""

from __future__ import annotations

import peewee

FTS_TABLE = "case_fts"
FTS_COLUMNS = ("case_no", "people", "content", "departments", "category")


def is_sqlite(db: peewee.Database) -> bool:
    return isinstance(db, peewee.SqliteDatabase)


def create_search_index(db: peewee.Database) -> None:
    if is_sqlite(db):
        db.execute_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            + ", ".join(FTS_COLUMNS)
            + ", tokenize = 'trigram')"
        )
