"""Schema step 37: a case's handling texts move out of the case row into `case_handling`.

调查核实情况 (`facts`), 处理意见 (`resolution`), 整改措施 (`rectification`) and the approval comment
were columns of `case`, so every list, board, queue count and statistics scan of the case table read
them (~360 bytes per handled case). They now live in `case_handling` (models.cases.CaseHandling,
1:1, keyed by the case id), as the narrative did in step 12 (models/storage_step.py).

The step copies the texts as they are stored, in keyset batches of case ids with the progress
reported: a restricted case's sealed texts (`r1:` boxes, models/sealed_content.py) stay sealed and
no plain text is made. Only cases with a text get a row (the services make it at the first write
that sets one, app/cases/handling.py).

Then the four columns leave the case row. SQLite: the case table is made again from its model (the
rows copied in batches, the old table dropped, the new one renamed, its indexes and triggers made
again from their stored SQL), with foreign keys not enforced for the step (`foreign_keys_off`, the
generalized ALTER TABLE procedure: dropping the old table would otherwise delete every row that
refers to a case). `ALTER TABLE … DROP COLUMN` would shorten each row where it stands, leaving the
table's pages less than half full, so that a scan would read as many pages as before until a
`VACUUM`. Where foreign keys cannot be switched off (the upgrade called inside a transaction) the
step drops the columns instead. With `secure_delete` the old table's pages are zeroed. PostgreSQL
drops the columns from its catalogue (the values stay in the existing row versions until each row
is written again or the table is rewritten, `VACUUM FULL`). A database without the columns (made
by the current models) is left as it is, so the step may run again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import peewee
from playhouse.migrate import SchemaMigrator

from models.search_index import is_sqlite
from models.storage_step import _columns, _id_batches, report

COLUMNS = ("facts", "resolution", "rectification", "approval_comment")
MOVE_TEXT = "正在迁移处理意见"
CASE_TABLE_TEXT = "正在整理案件表"
INDEX_TEXT = "正在重建案件表的索引"
REBUILT = "case_rebuilt"


@contextmanager
def foreign_keys_off(db: peewee.Database) -> Iterator[None]:
    """SQLite, outside a transaction: foreign keys not enforced for the block (a step that makes a
    table again, ensure_schema), as they were after it. Elsewhere nothing changes (inside a
    transaction the pragma does nothing; the step reads it and keeps to what is safe)."""
    if not is_sqlite(db) or db.in_transaction():
        yield
        return
    before = db.execute_sql("PRAGMA foreign_keys").fetchone()[0]
    db.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA foreign_keys = {int(before)}")


def _rebuild_case_table(db: peewee.Database) -> None:
    """SQLite: `case` made again from its model with its rows, indexes and triggers (foreign keys off)."""
    from models.cases import Case

    attached = [
        sql
        for (sql,) in db.execute_sql(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'case' AND type IN ('index', 'trigger')"
            " AND sql IS NOT NULL ORDER BY type, rowid"
        ).fetchall()
    ]
    sql, params = Case._schema._create_table(safe=False).query()
    db.execute_sql(sql.replace('CREATE TABLE "case"', f'CREATE TABLE "{REBUILT}"', 1), params)
    names = ", ".join(f'"{f.column_name}"' for f in Case._meta.sorted_fields)
    for low, high in _id_batches(db, "case", CASE_TABLE_TEXT):
        db.execute_sql(
            f'INSERT INTO "{REBUILT}" ({names}) SELECT {names} FROM "case" WHERE id > ? AND id <= ?', (low, high)
        )
    db.execute_sql('DROP TABLE "case"')
    db.execute_sql(f'ALTER TABLE "{REBUILT}" RENAME TO "case"')
    for done, statement in enumerate(attached):
        report(done, len(attached), INDEX_TEXT)
        db.execute_sql(statement)
    report(len(attached), len(attached), INDEX_TEXT)


def move_handling_texts(db: peewee.Database, migrator: SchemaMigrator) -> None:  # noqa: ARG001
    """v37: see the module's docstring."""
    from models.cases import CaseHandling

    db.create_tables([CaseHandling], safe=True)
    present = [c for c in COLUMNS if c in _columns(db, "case")]
    if not present:
        return
    picked = ", ".join(c if c in present else "''" for c in COLUMNS)
    some_text = " OR ".join(f"{c} <> ''" for c in present)
    param = "?" if is_sqlite(db) else "%s"
    for low, high in _id_batches(db, "case", MOVE_TEXT):
        db.execute_sql(
            f"INSERT INTO case_handling (case_id, {', '.join(COLUMNS)}) SELECT id, {picked} FROM \"case\""
            f" WHERE id > {param} AND id <= {param} AND ({some_text})",
            (low, high),
        )
    if is_sqlite(db) and not db.execute_sql("PRAGMA foreign_keys").fetchone()[0]:
        _rebuild_case_table(db)
        return
    for done, column in enumerate(present):
        report(done, len(present), CASE_TABLE_TEXT)
        db.execute_sql(f'ALTER TABLE "case" DROP COLUMN {column}')
    report(len(present), len(present), CASE_TABLE_TEXT)
