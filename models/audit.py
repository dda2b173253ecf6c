"""Append-only, hash-chained audit log."""

from __future__ import annotations

import peewee

from models.base import BaseModel


class AuditEntry(BaseModel):
    """`seq` runs 1, 2, 3… without gaps; `hash` = SHA-256 over the entry and `prev_hash`."""

    seq = peewee.IntegerField(unique=True)
    at = peewee.CharField(max_length=32)  # ISO-8601 text, hashed exactly as stored
    actor = peewee.CharField(max_length=32, index=True)  # the audit viewer filters by user
    action = peewee.CharField(max_length=48, index=True)
    target = peewee.CharField(max_length=64, default="", index=True)  # …and by case number
    detail = peewee.TextField(default="{}")
    prev_hash = peewee.CharField(max_length=64)
    hash = peewee.CharField(max_length=64)


class AuditHead(BaseModel):
    """Single row holding the newest seq and hash, updated in the same transaction as each append.

    It lets `verify` notice a deleted tail entry, which the chain alone cannot show.
    """

    id = peewee.IntegerField(primary_key=True)
    seq = peewee.IntegerField()
    hash = peewee.CharField(max_length=64)
