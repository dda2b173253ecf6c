"""Schema version stamp and upgrade steps (playhouse.migrate).

A new database is created from the current models and stamped with SCHEMA_VERSION. An older database
is upgraded one step at a time, each step in its own transaction. Each step is written against the
schema as it stood at that version, never against the current model classes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import peewee
from playhouse.migrate import SchemaMigrator

from models.schema import ALL_MODELS, SchemaVersion

SCHEMA_VERSION = 2


class SchemaTooNewError(Exception):
    def __init__(self, found: int) -> None:
        super().__init__(f"schema {found} is newer than {SCHEMA_VERSION}")
        self.found = found


def _v2_departments(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v2: the department table (责任科室)."""

    class Department(peewee.Model):  # frozen as of v2
        code = peewee.CharField(max_length=16, unique=True)
        name = peewee.CharField(max_length=32, unique=True)
        kind = peewee.CharField(max_length=16, default="clinical")
        phone = peewee.CharField(max_length=32, default="")
        head_name = peewee.CharField(max_length=32, default="")
        active = peewee.BooleanField(default=True)
        sort_order = peewee.IntegerField(default=0)

        class Meta:
            database = db
            table_name = "department"

    db.create_tables([Department])


STEPS: dict[int, Callable[[peewee.Database, SchemaMigrator], None]] = {
    2: _v2_departments,
}


def current_version(db: peewee.Database) -> int | None:
    """The stamped version, or None for an empty database."""
    if not db.table_exists("schema_version"):
        return None
    row = SchemaVersion.select(peewee.fn.MAX(SchemaVersion.version)).scalar()
    return int(row or 0)


def ensure_schema(db: peewee.Database, now: datetime | None = None) -> int:
    """Create or upgrade the schema; return the version found before (0 for a new database)."""
    now = now or datetime.now()
    found = current_version(db)
    if found is None:
        with db.atomic():
            db.create_tables(ALL_MODELS)
            SchemaVersion.create(version=SCHEMA_VERSION, applied_at=now)
        return 0
    if found > SCHEMA_VERSION:
        raise SchemaTooNewError(found)
    migrator = SchemaMigrator.from_database(db)
    for version in range(found + 1, SCHEMA_VERSION + 1):
        with db.atomic():
            STEPS[version](db, migrator)
            SchemaVersion.create(version=version, applied_at=now)
    return found
