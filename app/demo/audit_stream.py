"""The bulk path's audit log: one entry per operation as the services write it (app/audit.py), in
the order the service path runs the steps — by time, then case, then step — chained to the log the
database already holds.

Cases are replayed in registration order, chunk by chunk, but a case's later steps (its reply, its
归档 months later) come after many later registrations. Entries wait here until no case still to
be replayed can come before them: every later case registers at or after the last registration
replayed, so what sorts before that moment is final."""

from __future__ import annotations

from bisect import bisect_left
from datetime import datetime
from typing import Any

from app import audit

Entry = tuple[int, tuple[datetime, str, str, str, dict[str, Any]]]


def order_key(at: datetime, case_index: int, step: int, sub: int = 1) -> int:
    """The service path's order (time, case, step), as one integer; `sub` orders the operations of
    one step (a letter issued, 0, before the reply that sends it, 1)."""
    moment = (at.toordinal() * 86400 + at.hour * 3600 + at.minute * 60 + at.second) * 1_000_000 + at.microsecond
    return (((moment << 26) | case_index) << 8 | step) << 1 | sub


class AuditStream:
    """Collects audit entries in any order and releases them chained, in the service path's order."""

    def __init__(self, head: tuple[int, str] | None) -> None:
        self.head = head  # the newest (seq, hash) released so far
        self.pending: list[Entry] = []  # sorted by key
        self.batch: list[Entry] = []

    def add(self, key: int, at: datetime, actor: str, action: str, target: str, detail: dict[str, Any]) -> None:
        self.batch.append((key, (at, actor, action, target, detail)))

    def release(self, before: int | None = None) -> list[audit.ChainRow]:
        """The entries that sort before `before` (all when None), chained after the last released."""
        self.batch.sort()
        merged = self.pending + self.batch  # two sorted runs: the sort below merges them
        merged.sort()
        self.batch = []
        cut = len(merged) if before is None else bisect_left(merged, (before,))
        out, self.pending = merged[:cut], merged[cut:]
        rows = []
        head = self.head
        for _key, (at, actor, action, target, detail) in out:
            row = audit.next_entry(head, actor, action, target, detail, at)
            rows.append(row)
            head = (row[0], row[-1])
        self.head = head
        return rows
