"""Schema step 12: compact storage (see docs/documents-storage.md and docs/architecture.md).

* 投诉内容 and 诉求 move out of the case row into `case_text` (models.cases.CaseText);
* the trigram index becomes contentless: it no longer keeps a second copy of every text;
* indexes that no query needs are dropped.

Every part is done in keyset batches of case ids and reports its progress, so a database of a
million cases upgrades in minutes with a moving progress bar (`migration_progress`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import peewee
from playhouse.migrate import SchemaMigrator

from models.search_index import FTS_COLUMNS, FTS_TABLE, create_search_index, is_sqlite

Progress = Callable[[int, int, str], None]
_PROGRESS: ContextVar[Progress | None] = ContextVar("migration_progress", default=None)
BATCH = 20000

# Indexes no query uses, or whose columns lead another index already (checked with EXPLAIN QUERY
# PLAN over the queries of app/; see docs/documents-storage.md, "Indexes").
REDUNDANT_INDEXES = (
    # the leading column of a composite index
    "case_event_case_id",  # case_event (case_id, seq)
    "case_access_case_id",  # case_access (case_id, user_id)
    "case_link_case_id",  # case_link (case_id, other_id)
    "case_registered_by_id",  # case (registered_by_id, registered_at)
    "reply_promise_case_id",  # reply_promise (case_id, id)
    "draft_revision_case_id",  # draft_revision (case_id, number)
    "major_check_case_id",  # major_check (case_id, item)
    # nothing looks rows up by these; users are never deleted, attachments neither
    "case_event_attachment_id",
    "case_event_actor_id",
    "case_updated_by_id",
    "case_closed_by_id",
    "assignment_sent_by_id",
    "attachment_added_by_id",
    "extension_requested_by_id",
    "extension_decided_by_id",
    "follow_up_by_id",
    "case_issue_created_by_id",
    "reply_promise_by_id",
    "draft_revision_saved_by_id",
    "major_check_by_id",
)

# Schema step 32: indexes whose columns lead another index of the same table (the longer one serves
# every query the shorter one did; checked with EXPLAIN QUERY PLAN at 200,000 cases, see
# docs/documents-storage.md, "Indexes"). The models no longer make them.
PREFIX_INDEXES = (
    "case_state",  # case_work (state, on_hold, …)
    "assignment_state",  # assignment_state_due (state, due)
    "issue_stat_case_id",  # issue_stat (case_id, issue_no, department), unique
    "stat_person_key_case_id",  # stat_person_key (case_id, key), unique
    "user_role_user_id",  # user_role (user_id, role), unique
    "reminder_dismissal_user_id",  # reminder_dismissal (user_id, key), unique
    "rectification_case_rectification_id",  # rectification_case (rectification_id, case_id), unique
    "recurrence_rectification_id",  # recurrence (rectification_id, case_id), unique
)
# stat_person_key keyed by (key, received_day, case_id) in step 32: its index of (key, received_day)
# is the key's own order now
PERSON_KEY_INDEXES = ("stat_person_key_key_received_day",)


@contextmanager
def migration_progress(progress: Progress | None) -> Iterator[None]:
    """Send the steps' `progress(done, total, text)` calls to `progress` for the block."""
    token = _PROGRESS.set(progress)
    try:
        yield
    finally:
        _PROGRESS.reset(token)


def report(done: int, total: int, text: str) -> None:
    progress = _PROGRESS.get()
    if progress is not None:
        progress(done, total, text)


def _id_batches(db: peewee.Database, table: str, text: str) -> Iterator[tuple[int, int]]:
    """(low, high] id ranges of `table` of BATCH ids each, reporting progress before each."""
    last = db.execute_sql(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"').fetchone()[0]
    low = 0
    while low < last:
        report(low, last, text)
        yield low, low + BATCH
        low += BATCH
    report(last, last, text)


def _columns(db: peewee.Database, table: str) -> set[str]:
    return {c.name for c in db.get_columns(table)}


def move_case_texts(db: peewee.Database) -> None:
    """Copy content and demands of every case into case_text, then drop them from the case row."""
    from models.cases import CaseText

    db.create_tables([CaseText])
    if "content" not in _columns(db, "case"):
        return
    param = "?" if is_sqlite(db) else "%s"
    for low, high in _id_batches(db, "case", "正在迁移投诉内容"):
        db.execute_sql(
            'INSERT INTO case_text (case_id, content, demands) SELECT id, content, demands FROM "case"'
            f" WHERE id > {param} AND id <= {param}",
            (low, high),
        )
    if not is_sqlite(db):  # the pg_trgm indexes of the old columns go with them
        for column in ("content", "demands"):
            db.execute_sql(f"DROP INDEX IF EXISTS case_{column}_trgm")
    report(0, 1, "正在整理案件表")
    for column in ("content", "demands"):
        db.execute_sql(f'ALTER TABLE "case" DROP COLUMN {column}')
    report(1, 1, "正在整理案件表")


def _fts_has_content(db: peewee.Database) -> bool:
    row = db.execute_sql("SELECT sql FROM sqlite_master WHERE name = ?", (FTS_TABLE,)).fetchone()
    return row is not None and "content = ''" not in row[0]


def contentless_text_index(db: peewee.Database) -> None:
    """SQLite: rebuild the trigram index without its content copy, from the rows it stored."""
    if not is_sqlite(db) or not _fts_has_content(db):
        return
    old = f"{FTS_TABLE}_old"
    db.execute_sql(f"ALTER TABLE {FTS_TABLE} RENAME TO {old}")
    create_search_index(db)
    columns = ", ".join(FTS_COLUMNS)
    stored = ", ".join(f"c{i}" for i in range(len(FTS_COLUMNS)))
    for low, high in _id_batches(db, f"{old}_content", "正在重建全文索引"):
        db.execute_sql(
            f"INSERT INTO {FTS_TABLE} (rowid, {columns}) SELECT id, {stored} FROM {old}_content"
            " WHERE id > ? AND id <= ?",
            (low, high),
        )
    db.execute_sql(f"DROP TABLE {old}")


def drop_redundant_indexes(db: peewee.Database, names: tuple[str, ...] = REDUNDANT_INDEXES) -> None:
    for name in names:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')


def compact_storage(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v12: case texts in case_text, a contentless trigram index, no redundant indexes, and the
    table of font files that compact stored documents are rebuilt with (existing documents stay
    whole PDFs and are read as before)."""
    from models.cases import DocumentFont

    db.create_tables([DocumentFont])
    move_case_texts(db)
    if not is_sqlite(db):
        create_search_index(db)
    contentless_text_index(db)
    drop_redundant_indexes(db)


def _table_sql(db: peewee.Database, table: str) -> str:
    row = db.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    return row[0] if row else ""


def without_rowid(db: peewee.Database, model: type[peewee.Model], text: str) -> None:
    """SQLite: `model`'s table made again WITHOUT ROWID, its rows stored in the order of its
    composite primary key (no rowid and no separate index of the key); its rows copied in batches
    with the progress reported under `text`, its indexes made after. A table already so is left
    alone. PostgreSQL has no such tables (`keyed_by_columns` gives it the same primary key)."""
    if not is_sqlite(db):
        return
    table = model._meta.table_name
    if _table_sql(db, table).rstrip().upper().endswith("WITHOUT ROWID"):
        return
    old = f"{table}_with_rowid"
    for index in db.get_indexes(table):
        if not index.name.startswith("sqlite_autoindex_"):
            db.execute_sql(f'DROP INDEX IF EXISTS "{index.name}"')
    db.execute_sql(f'ALTER TABLE "{table}" RENAME TO "{old}"')
    sql, params = model._schema._create_table(safe=False).query()
    db.execute_sql(f"{sql} WITHOUT ROWID", params)
    kept = {c.name for c in db.get_columns(old)}  # a column a later step adds keeps its default
    names = ", ".join(f'"{f.column_name}"' for f in model._meta.sorted_fields if f.column_name in kept)
    last = db.execute_sql(f'SELECT COALESCE(MAX(rowid), 0) FROM "{old}"').fetchone()[0]
    for low in range(0, last, BATCH):
        report(low, last, text)
        db.execute_sql(
            f'INSERT INTO "{table}" ({names}) SELECT {names} FROM "{old}" WHERE rowid > ? AND rowid <= ?',
            (low, low + BATCH),
        )
    report(last, last, text)
    db.execute_sql(f'DROP TABLE "{old}"')
    model._schema.create_indexes(safe=True)


def keyed_by_columns(db: peewee.Database, model: type[peewee.Model], dropped_indexes: tuple[str, ...]) -> None:
    """PostgreSQL: a table that had a serial `id` gets the model's composite primary key instead;
    the indexes the key replaces go. A table already so is left alone."""
    if is_sqlite(db) or "id" not in _columns(db, model._meta.table_name):
        return
    table = model._meta.table_name
    key = ", ".join(f'"{model._meta.fields[n].column_name}"' for n in model._meta.primary_key.field_names)
    db.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN id')  # its primary key and sequence go with it
    db.execute_sql(f'ALTER TABLE "{table}" ADD PRIMARY KEY ({key})')
    drop_redundant_indexes(db, dropped_indexes)
