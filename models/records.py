"""Records kept about the database itself: backups taken (or recorded, for a server), and the ledger
rows imported from an office's Excel 台账 (source file and row of each 历史导入 case)."""

from __future__ import annotations

import peewee

from models.accounts import User
from models.base import BaseModel
from models.cases import Case


class BackupRecord(BaseModel):
    """One backup: taken by the application (`manual` / `automatic`) or, in shared mode, a server-side
    backup (pg_dump) an administrator recorded as done (`server`)."""

    taken_at = peewee.DateTimeField(index=True)
    kind = peewee.CharField(max_length=16)  # manual / automatic / server
    file_name = peewee.CharField(max_length=200, default="")
    folder = peewee.CharField(max_length=400, default="")
    size = peewee.BigIntegerField(default=0)
    sha256 = peewee.CharField(max_length=64, default="")
    cases = peewee.IntegerField(default=0)
    note = peewee.CharField(max_length=200, default="")
    by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")


class ImportedRow(BaseModel):
    """A ledger row imported as a case (历史导入). `fingerprint` is the SHA-256 of the row's mapped
    values, so the same row imported again (same file or a re-saved copy) is recognised."""

    fingerprint = peewee.CharField(max_length=64, unique=True)
    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE")
    source_file = peewee.CharField(max_length=200)
    source_sha256 = peewee.CharField(max_length=64)
    sheet = peewee.CharField(max_length=64)
    row_number = peewee.IntegerField()
    imported_at = peewee.DateTimeField()
    imported_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")


RECORD_MODELS: list[type[peewee.Model]] = [BackupRecord, ImportedRow]
