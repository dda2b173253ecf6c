"""The hash chain of a case's timeline: each event's `hash` covers its content and the previous
event's hash (GENESIS for the first), so an edited, deleted or reordered event no longer fits.

Here (and not in app/) because the schema step that adds the column chains the existing events too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime

import peewee

GENESIS = "0" * 64


def _at_text(at: datetime | str) -> str:
    """The time as stored: SQLite keeps `str(datetime)`, PostgreSQL gives the same datetime back."""
    return at if isinstance(at, str) else at.isoformat(sep=" ")


def event_digest(
    case_id: int,
    seq: int,
    at: datetime | str,
    actor_id: int,
    action: str,
    summary: str,
    note: str,
    attachment_id: int | None,
    prev: str,
) -> str:
    canonical = json.dumps(
        [case_id, seq, _at_text(at), actor_id, action, summary, note or "", attachment_id, prev],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def event_batches(batch: int = 20000) -> Iterator[list[tuple]]:
    """Every stored event as (id, case, seq, at, actor, action, summary, note, attachment, hash),
    case by case in `seq` order, in keyset batches (never OFFSET)."""
    from models.cases import CaseEvent

    columns = (
        CaseEvent.id,
        CaseEvent.case,
        CaseEvent.seq,
        CaseEvent.at,
        CaseEvent.actor,
        CaseEvent.action,
        CaseEvent.summary,
        CaseEvent.note,
        CaseEvent.attachment,
        CaseEvent.hash,
    )
    last = (0, 0)
    while True:
        rows = list(
            CaseEvent.select(*columns)
            .where(peewee.Tuple(CaseEvent.case, CaseEvent.seq) > peewee.Tuple(*last))
            .order_by(CaseEvent.case, CaseEvent.seq)
            .limit(batch)
            .tuples()
        )
        if not rows:
            return
        yield rows
        last = (rows[-1][1], rows[-1][2])
