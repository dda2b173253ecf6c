"""Append-only, hash-chained audit log."""

from __future__ import annotations

import peewee

from models.base import BaseModel
from models.chain import HashField


class AuditEntry(BaseModel):
    """`seq` runs 1, 2, 3… without gaps; `hash` = SHA-256 over the entry and the previous entry's
    hash (not stored again beside it: the chain check reads it from the previous entry)."""

    seq = peewee.IntegerField(unique=True)
    at = peewee.CharField(max_length=32)  # ISO-8601 text, hashed exactly as stored
    actor = peewee.CharField(max_length=32, index=True)  # the audit viewer filters by user
    action = peewee.CharField(max_length=48, index=True)
    target = peewee.CharField(max_length=64, default="", index=True)  # …and by case number
    detail = peewee.TextField(default="{}")
    hash = HashField()


class AuditHead(BaseModel):
    """Single row holding the newest seq and hash, updated in the same transaction as each append.

    It lets `verify` notice a deleted tail entry, which the chain alone cannot show.
    """

    id = peewee.IntegerField(primary_key=True)
    seq = peewee.IntegerField()
    hash = HashField()


# A user's logins, newest first (the previous login on the home, 最近账户活动): a few entries per user,
# while the same user's other entries run into the millions (ten or so per case they handle). The
# partial index lists only the logins; a query names the action as a literal so the planner uses it.
LOGIN_ACTION = "login.ok"
LOGIN_INDEX = "audit_entry_login"
AuditEntry.add_index(
    AuditEntry.index(
        AuditEntry.actor,
        AuditEntry.seq,
        where=AuditEntry.action == peewee.SQL(f"'{LOGIN_ACTION}'"),
        name=LOGIN_INDEX,
    )
)


def create_login_index(db: peewee.Database) -> None:
    """The logins' index (LOGIN_INDEX) on a database made before it."""
    db = getattr(db, "obj", db)
    index = next(i for i in AuditEntry._meta.indexes if getattr(i, "_name", None) == LOGIN_INDEX)
    db.execute_sql(*AuditEntry._schema._create_index(index, safe=True).query())
