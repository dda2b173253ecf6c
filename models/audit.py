"""Append-only, hash-chained audit log (the chain and its checks: app/audit.py)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any

import peewee

from models.base import BaseModel
from models.chain import GENESIS, HashField, stored_hex


class AuditEntry(BaseModel):
    """`seq` runs 1, 2, 3… without gaps; `hash` = SHA-256 over the entry and the previous entry's
    hash (not stored again beside it: the chain check reads it from the previous entry).

    `seq` is the primary key (schema step 32, models/audit_step.py): on SQLite the rowid, so each
    index below lists its entries in `seq` order, newest last."""

    seq = peewee.IntegerField(primary_key=True)
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


_DETAIL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def detail_text(detail: dict[str, Any] | None) -> str:
    """An entry's detail as stored (and hashed): compact JSON with sorted keys."""
    return _DETAIL.encode(detail or {})


def entry_digest(seq: int, at: str, actor: str, action: str, target: str, detail: str, prev: str) -> str:
    # The compact JSON array `json.dumps([...], ensure_ascii=False, separators=(",", ":"))`, written
    # out (several times faster; every entry is hashed when written and again by every verify).
    s = encode_basestring
    canonical = f"[{int(seq)},{s(at)},{s(actor)},{s(action)},{s(target)},{s(detail)},{s(prev)}]"
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append_entry(db: peewee.Database, actor: str, action: str, target: str, detail: dict[str, Any]) -> None:
    """Append one entry with plain SQL (inside the caller's transaction), for a schema step or a
    pass below the application that must leave its mark in the log (app.audit.record otherwise)."""
    head = db.execute_sql("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    seq, prev = (head[0] + 1, stored_hex(head[1])) if head else (1, GENESIS)
    at = datetime.now().isoformat(timespec="seconds")
    text = detail_text(detail)
    digest = entry_digest(seq, at, actor, action, target, text, prev)
    db.execute_sql(
        "INSERT INTO audit_entry (seq, at, actor, action, target, detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor, action, target, text, bytes.fromhex(digest)),
    )
    if head:
        db.execute_sql("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (seq, bytes.fromhex(digest)))
    else:
        db.execute_sql("INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)", (seq, bytes.fromhex(digest)))
