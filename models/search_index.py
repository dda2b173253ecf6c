"""Full-text index of cases: FTS5 trigram (rowid = case id) locally, pg_trgm on a shared server.

Both FTS5 tables are contentless (`content = ''`, `contentless_delete = 1`): they hold the index
only, never a second copy of the text. The text itself lives in `case_text` (models.cases.CaseText)
and the case's own columns; a search that needs the text (LIKE for punctuation) reads it there.
"""

from __future__ import annotations

import peewee

FTS_TABLE = "case_fts"
FTS_COLUMNS = ("case_no", "people", "content", "departments", "category")
# 1–2 character queries: a contentless index with one token per character, queried as phrases.
CHAR_TABLE = "case_chars"
CHAR_COLUMNS = ("people", "content", "departments", "category")


def spaced(text: str) -> str:
    """One token per character for the character index (whitespace dropped, everything else kept)."""
    return " ".join(ch for ch in text if not ch.isspace())


def insert_rows_sql() -> tuple[str, str]:
    """The two INSERT statements the writers share: (trigram table, character table)."""
    trigram = (
        f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(FTS_COLUMNS)}) VALUES (?{', ?' * len(FTS_COLUMNS)})"
    )
    chars = (
        f"INSERT INTO {CHAR_TABLE} (rowid, {', '.join(CHAR_COLUMNS)}) VALUES (?{', ?' * len(CHAR_COLUMNS)})"
    )
    return trigram, chars


def char_row(row: tuple) -> tuple:
    """The character-index row for a trigram row (rowid, case_no, people, content, departments, category)."""
    return (row[0], *(spaced(value) for value in row[2:]))


def is_sqlite(db: peewee.Database | peewee.DatabaseProxy) -> bool:
    if isinstance(db, peewee.DatabaseProxy):
        db = db.obj
    return isinstance(db, peewee.SqliteDatabase)


def create_search_index(db: peewee.Database) -> None:
    """SQLite: the FTS5 trigram and character tables. PostgreSQL: pg_trgm GIN indexes on the
    narrative and demands (in case_text)."""
    if not is_sqlite(db):
        db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in ("content", "demands"):
            db.execute_sql(
                f"CREATE INDEX IF NOT EXISTS case_text_{column}_trgm ON case_text USING gin ({column} gin_trgm_ops)"
            )
        return
    db.execute_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        + ", ".join(FTS_COLUMNS)
        + ", content = '', contentless_delete = 1, tokenize = 'trigram')"
    )
    db.execute_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {CHAR_TABLE} USING fts5("
        + ", ".join(CHAR_COLUMNS)
        + ", content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0')"
    )
