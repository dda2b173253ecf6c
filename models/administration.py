"""Administration data added with schema step 7: letterhead images and the night-duty handovers."""

from __future__ import annotations

import peewee

from models.accounts import User
from models.base import BaseModel
from models.cases import Case


class LetterheadImage(BaseModel):
    """The hospital's logo or seal (`kind` logo / seal), stored as PNG whatever was uploaded."""

    kind = peewee.CharField(max_length=8, primary_key=True)
    png = peewee.BlobField()
    sha256 = peewee.CharField(max_length=64)
    width = peewee.IntegerField()
    height = peewee.IntegerField()
    updated_at = peewee.DateTimeField()
    updated_by = peewee.CharField(max_length=32)


class Handover(BaseModel):
    """交班: a night-duty shift handed to the office, with its printed 交班单 (bytes + SHA-256)."""

    handed_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    handed_at = peewee.DateTimeField(index=True)
    note = peewee.TextField(default="")
    sha256 = peewee.CharField(max_length=64)
    data = peewee.BlobField()
    taken_over_at = peewee.DateTimeField(null=True)
    taken_over_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")


class HandoverCase(BaseModel):
    """One case of a handover (a case is handed over once)."""

    handover = peewee.ForeignKeyField(Handover, backref="cases", on_delete="CASCADE")
    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE", unique=True)


ADMINISTRATION_MODELS: list[type[peewee.Model]] = [LetterheadImage, Handover, HandoverCase]
