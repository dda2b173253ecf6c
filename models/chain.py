"""The hash chain of a case's timeline: each event's `hash` covers its content and the previous
event's hash (GENESIS for the first), so an edited, deleted or reordered event no longer fits.

Here (and not in app/) because the schema step that adds the column chains the existing events too.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

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
