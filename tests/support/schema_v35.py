"""A current database taken back to how schema 35 left it (before step 37): a case's handling texts
(调查核实情况, 处理意见, 整改措施, the approval comment) in the case row, no `case_handling` table."""

from __future__ import annotations

import peewee

from models.handling_step import COLUMNS
from models.schema import SchemaVersion


def handling_in_case_row(db: peewee.Database) -> None:
    """The texts back in the case row as they are stored (a restricted case's sealed boxes as boxes)."""
    for column in COLUMNS:
        db.execute_sql(f"ALTER TABLE \"case\" ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
        db.execute_sql(
            f'UPDATE "case" SET {column} = coalesce((SELECT h.{column} FROM case_handling h'
            f' WHERE h.case_id = "case".id), \'\')'
        )
    db.execute_sql("DROP TABLE case_handling")


def as_v35(db: peewee.Database) -> None:
    handling_in_case_row(db)
    SchemaVersion.delete().execute()
    SchemaVersion.create(version=35, applied_at="2026-11-20 09:00:00")  # as a v35 build left it
