"""The timeline of a restricted case sealed (local mode), and its hash chain kept (models/chain.py).

While a case is restricted, the summary and note of each of its timeline events are stored sealed to
the identifier key like its other texts (models/sealed_content.py). The chain covers the texts *as
stored*: an event's hash is `event_digest` over its sealed form, so anybody (an administrator
running `audit verify`, the workspace of any reader) checks the chain without the key, and what is
stored beside the sealed text is a hash of random ciphertext, not a digest of the short text that a
reader could confirm guesses against. Sealing or opening the texts of stored events therefore
computes the chain again from the first event changed (`rewrite`); the caller records the old and
the new head in the audit log (``{"chain": {case_no: new}, "resealed": {case_no: old}}``), and
`app.cases.history.check_all` checks that the old head is the one the log recorded last, so a
timeline cut short or rewritten before it was sealed is still found.

A chain already broken stays broken: the event where it breaks gets a random hash (neither the
digest of its new form nor its old hash, which could be a digest of the original plain text), so
the check still names that event.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import peewee

from models.chain import GENESIS, event_digest, head_text, stored_hex
from models.fields import CONTENT_PREFIX

Change = Callable[[str], "str | None"]
_COLUMNS = "id, case_id, seq, at, actor_id, action, summary, note, attachment_id, hash"


def sealed_texts(events: list[tuple[str, str, int | None]], seal: Callable[[str], str]) -> list[tuple]:
    """New events' texts as a restricted case stores them (before they are chained)."""
    return [(_sealed(summary, seal), _sealed(note, seal), attachment) for summary, note, attachment in events]


def _sealed(text: str, seal: Callable[[str], str]) -> str:
    if not text or text.startswith(CONTENT_PREFIX):
        return text
    return CONTENT_PREFIX + seal(text)


def seal_change(seal: Callable[[str], str]) -> Change:
    """`rewrite`'s change that seals a plain text."""

    def change(value: str) -> str | None:
        return None if value.startswith(CONTENT_PREFIX) else CONTENT_PREFIX + seal(value)

    return change


def open_change(open_box: Callable[[str], str | None]) -> Change:
    """`rewrite`'s change that stores a sealed text plain again (LookupError: a box that does not open)."""

    def change(value: str) -> str | None:
        if not value.startswith(CONTENT_PREFIX):
            return None
        text = open_box(value[len(CONTENT_PREFIX) :])
        if text is None:
            raise LookupError("a sealed timeline text does not open with the keys at hand")
        return text

    return change


def rewrite(db: peewee.Database, case_ids: list[int], change: Change) -> dict[int, tuple[str, str]]:
    """Apply `change` to the non-empty summaries and notes of the cases' events and chain them again
    from the first event changed. Returns {case id: (old head, new head)} (`models.chain.head_text`)
    for each timeline changed."""
    if not case_ids:
        return {}
    marks = ", ".join("?" * len(case_ids))
    rows = db.execute_sql(
        f"SELECT {_COLUMNS} FROM case_event WHERE case_id IN ({marks}) ORDER BY case_id, seq", case_ids
    ).fetchall()
    heads: dict[int, tuple[str, str]] = {}
    start = 0
    while start < len(rows):
        end = start
        while end < len(rows) and rows[end][1] == rows[start][1]:
            end += 1
        result = _rewrite_one(db, rows[start:end], change)
        if result:
            heads[rows[start][1]] = result
        start = end
    return heads


def _rewrite_one(db: peewee.Database, rows: list[tuple], change: Change) -> tuple[str, str] | None:
    """One case's events (in `seq` order): changed texts and the chain from the first change on."""
    old_prev = new_prev = GENESIS
    expected = 1
    broken = False
    updates: list[tuple] = []
    for event_id, case_id, seq, at, actor, action, summary, note, attachment, stored in rows:
        stored = stored_hex(stored)
        fits = not broken and seq == expected
        fits = fits and stored == event_digest(case_id, seq, at, actor, action, summary, note, attachment, old_prev)
        new_summary = (change(summary) if summary else None) or summary
        new_note = (change(note) if note else None) or note
        if not updates and (new_summary, new_note) == (summary, note):
            broken |= not fits  # before the first change: the row stays as it is, break and all
            old_prev = new_prev = stored
            expected = seq + 1
            continue
        if fits or broken:  # after a break nothing is checked: chained on, no old digest left behind
            digest = event_digest(case_id, seq, at, actor, action, new_summary, new_note, attachment, new_prev)
        else:  # the first event that does not fit: it keeps not fitting
            digest = secrets.token_bytes(32).hex()
        broken |= not fits
        old_prev, new_prev, expected = stored, digest, seq + 1
        updates.append((new_summary, new_note, bytes.fromhex(digest), event_id))
    if not updates:
        return None
    db.cursor().executemany("UPDATE case_event SET summary = ?, note = ?, hash = ? WHERE id = ?", updates)
    last = rows[-1][2]
    return head_text(last, old_prev), head_text(last, new_prev)
