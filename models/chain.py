"""The hash chain of a case's timeline: each event's `hash` covers its content and the previous
event's hash (GENESIS for the first), so an edited, deleted or reordered event no longer fits.

Here (and not in app/) because the schema step that adds the column chains the existing events too.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from json.encoder import encode_basestring

import peewee

GENESIS = "0" * 64


class HashField(peewee.BlobField):
    """A SHA-256 digest, stored as its 32 bytes (a blob, `bytea` on PostgreSQL) and used as its hex
    text everywhere above the database: the chain computations, the witness, the audit viewer and
    its export see the same values as before. A value still stored as hex text (a row written
    before schema step 20) reads as it is."""

    def db_value(self, value):  # noqa: ANN001, ANN201 - peewee's field protocol
        if isinstance(value, str):
            value = bytes.fromhex(value)
        return super().db_value(value)

    def python_value(self, value):  # noqa: ANN001, ANN201
        return stored_hex(value)


def stored_hex(value: bytes | memoryview | str | None) -> str | None:
    """A stored digest as hex text, whether read back as a blob or (written before step 20) as text."""
    if value is None or isinstance(value, str):
        return value
    return bytes(value).hex()


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
    # The compact JSON array `json.dumps([...], ensure_ascii=False, separators=(",", ":"))`, written
    # out (five times faster: it is computed for every event written, and again by every check).
    canonical = (
        f"[{_integer(case_id)},{_integer(seq)},{_string(_at_text(at))},{_integer(actor_id)},"
        f"{_string(action)},{_string(summary)},{_string(note or '')},{_integer(attachment_id)},{_string(prev)}]"
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


_string = encode_basestring  # a JSON string, as json.dumps(..., ensure_ascii=False) writes it


def _integer(value: int | None) -> str:
    """A JSON number (or null), as json.dumps writes an int (or None)."""
    if value is None:
        return "null"
    if type(value) is not int:
        return json.dumps(value)
    return str(value)


def head_text(seq: int, digest: str) -> str:
    """A case's timeline head as an audit entry records it: the newest event's number and the first
    16 bytes of its hash, base64url (``"12:<22 characters>"``). 128 bits vouch for the timeline as
    the whole hash did (finding a rewritten timeline with the same 128-bit prefix is out of reach)
    at a third of the 64 hex characters that entries written before kept; `same_head` reads both."""
    return f"{seq}:{base64.urlsafe_b64encode(bytes.fromhex(digest)[:16]).rstrip(b'=').decode('ascii')}"


def same_head(recorded: str, seq: int, digest: str) -> bool:
    """Whether a head recorded in the audit log (either form) is that of the timeline whose newest
    event is `seq` with hash `digest` (hex)."""
    if len(recorded.partition(":")[2]) == 64:  # written before the short form: the whole hash
        return recorded == f"{seq}:{digest}"
    return recorded == head_text(seq, digest)


def _event_columns() -> tuple:
    """(id, case, seq, at, actor, action, summary, note, attachment, hash), the texts as stored
    (sealed ones stay sealed: the chain covers them so, models/sealed_timeline.py)."""
    from models.cases import CaseEvent

    return (
        CaseEvent.id,
        CaseEvent.case,
        CaseEvent.seq,
        CaseEvent.at,
        CaseEvent.actor,
        CaseEvent.action,
        as_stored(CaseEvent.summary),
        as_stored(CaseEvent.note),
        CaseEvent.attachment,
        CaseEvent.hash,
    )


def as_stored(field: peewee.Field) -> peewee.Node:
    """A text column read as stored, past its field's conversion (NULL read as "")."""
    return peewee.fn.COALESCE(field, "").coerce(False)


def short_head(recorded: str) -> str:
    """A head recorded in the audit log in the short form (`head_text`), whichever form it was written in."""
    seq, _sep, digest = recorded.partition(":")
    if len(digest) != 64 or not seq.isdigit():
        return recorded
    try:
        return head_text(int(seq), digest)
    except ValueError:  # not hex: kept as it is, so it compares unequal
        return recorded


def event_batches(batch: int = 20000) -> Iterator[list[tuple]]:
    """Every stored event as `_event_columns`, case by case in `seq` order, in keyset batches (never OFFSET)."""
    from models.cases import CaseEvent

    last = (0, 0)
    while True:
        rows = list(
            CaseEvent.select(*_event_columns())
            .where(peewee.Tuple(CaseEvent.case, CaseEvent.seq) > peewee.Tuple(*last))
            .order_by(CaseEvent.case, CaseEvent.seq)
            .limit(batch)
            .tuples()
        )
        if not rows:
            return
        yield rows
        last = (rows[-1][1], rows[-1][2])


def case_events(case_id: int) -> list[tuple]:
    """One case's events as `event_batches` gives them, in `seq` order (the workspace's check)."""
    from models.cases import CaseEvent

    query = CaseEvent.select(*_event_columns()).where(CaseEvent.case == case_id).order_by(CaseEvent.seq)
    return list(query.tuples())
