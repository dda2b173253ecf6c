"""Append-only audit log with a SHA-256 hash chain.

Each entry's hash covers its sequence number, time, actor, action, target, detail and the previous
entry's hash. `verify()` recomputes the chain and compares the newest entry with the head row, so an
edited, deleted (anywhere, including the newest) or reordered entry is found. Given the session it
also compares the log with the witness kept outside the database (app/witness.py: a cut-off tail
with the head row set back, an emptied log) and checks every case timeline (app/cases/history.py). Appends happen inside
the caller's transaction, so an action and its audit record commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import peewee

from app import clock
from models.audit import AuditEntry, AuditHead, detail_text, entry_digest
from models.chain import stored_hex

if TYPE_CHECKING:
    from app.session import Session

GENESIS = "0" * 64


_digest = entry_digest


def record(
    actor: str,
    action: str,
    target: str = "",
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry. Must run inside a transaction (the caller's, or its own)."""
    db = AuditHead._meta.database  # the bound database (the proxy, or a migration target)
    bound = db.obj if isinstance(db, peewee.DatabaseProxy) else db
    server_kept = bool(getattr(bound, "app_user", None))  # a server user's own role: the server keeps the head
    with db.atomic():
        if server_kept:  # the head locked by the server's function (the role may not lock it itself)
            row = db.execute_sql("SELECT seq, hash FROM cd_audit_head()").fetchone()
            seq, prev = (row[0], stored_hex(row[1])) if row else (0, GENESIS)
        else:
            query = AuditHead.select().where(AuditHead.id == 1)
            if bound.for_update:  # PostgreSQL: lock the head row
                query = query.for_update()
            head = query.first()
            seq, prev = (head.seq, head.hash) if head else (0, GENESIS)
        seq += 1
        at_text = (at or clock.now()).isoformat(timespec="seconds")
        detail_json = detail_text(detail)
        digest = _digest(seq, at_text, actor, action, target, detail_json, prev)
        entry = AuditEntry.create(
            seq=seq, at=at_text, actor=actor, action=action, target=target, detail=detail_json, hash=digest
        )
        if server_kept:  # the server's trigger on the audit log has moved the head
            return entry
        if seq > 1:
            AuditHead.update(seq=seq, hash=digest).where(AuditHead.id == 1).execute()
        else:
            AuditHead.create(id=1, seq=seq, hash=digest)
        return entry


@dataclass(frozen=True)
class VerifyReport:
    """The audit chain's result; when verified with a session, also the witness and the timelines."""

    ok: bool
    entries: int
    first_bad_seq: int | None = None
    problem: str = ""
    timelines: tuple[int, int] | None = None  # (cases, events) checked; None when not checked
    timeline_breaks: tuple[str, ...] = ()  # where each case's timeline breaks, in Chinese
    witness: str = ""  # the witness check's finding ("" when not checked)
    witness_ok: bool = True
    identifier_key: str = ""  # local: the stored identifier public key not the one the verifier's slot trusts

    @property
    def message(self) -> str:
        if self.first_bad_seq is None:
            lines = [f"审计日志共 {self.entries} 条记录，哈希链校验通过"]
        else:
            lines = [f"审计日志已被篡改：第 {self.first_bad_seq} 条记录{self.problem}"]
        if self.witness:
            lines.append(self.witness if self.witness_ok else f"审计见证不符：{self.witness}")
        if self.identifier_key:
            lines.append(f"标识密钥不符：{self.identifier_key}")
        if self.timelines is not None:
            cases, events = self.timelines
            if self.timeline_breaks:
                lines.append(f"案件时间线被改动：{len(self.timeline_breaks)} 处（共检查 {cases} 个案件、{events} 条记录）")
                lines.extend(f"  {where}" for where in self.timeline_breaks)
            else:
                lines.append(f"案件时间线完整：{cases} 个案件、{events} 条记录，哈希链校验通过")
        return "\n".join(lines)


ChainRow = tuple[int, str, str, str, str, str, "str | bytes"]
"""(seq, at, actor, action, target, detail, hash), in stored order; the hash as hex text or its bytes."""


def verify(batch: int = 5000, *, session: Session | None = None) -> VerifyReport:
    """The audit chain; given the session, also its witness (local mode) and every case timeline."""
    chain = verify_chain(batch)
    if session is None:
        return chain
    from app import key_pins, witness
    from app.cases import history

    found = witness.check(session, chain.entries if chain.ok else _stored_count())
    timelines = history.check_all()
    breaks = tuple(b.message for b in timelines.breaks)
    key_problem = key_pins.verify_problem(session)
    return replace(
        chain,
        ok=chain.ok and found.ok and not breaks and not key_problem,
        identifier_key=key_problem,
        timelines=(timelines.cases, timelines.events),
        timeline_breaks=breaks,
        witness=found.message,
        witness_ok=found.ok,
    )


def _stored_count() -> int:
    return AuditEntry.select().count()


def verify_chain(batch: int = 5000) -> VerifyReport:
    """Walk the chain in sequence order; report the first entry that does not fit."""

    def rows() -> Iterator[ChainRow]:
        last = 0
        while True:
            page = list(AuditEntry.select().where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch))
            if not page:
                return
            for row in page:
                yield (row.seq, row.at, row.actor, row.action, row.target, row.detail, row.hash)
            last = page[-1].seq

    head = AuditHead.get_or_none(AuditHead.id == 1)
    return verify_rows(rows(), (head.seq, head.hash) if head else None)


def verify_rows(rows: Iterable[ChainRow], head: tuple[int, str | bytes] | None) -> VerifyReport:
    """The chain check over rows read from anywhere (this database, or a backup being restored)."""
    expected_seq = 1
    prev = GENESIS
    for seq, at, actor, action, target, detail, stored in rows:
        if seq != expected_seq:
            problem = "之前的记录缺失（序号不连续）" if seq > expected_seq else "顺序被调换"
            return VerifyReport(False, expected_seq - 1, expected_seq, problem)
        # The hash covers the previous entry's hash too: an entry edited, or one whose predecessor
        # was replaced or moved, no longer fits.
        digest = _digest(seq, at, actor, action, target, detail, prev)
        if stored_hex(stored) != digest:
            return VerifyReport(False, expected_seq - 1, seq, "的内容或前序记录与哈希不符（记录被修改、删除或调换）")
        prev = digest
        expected_seq += 1
    count = expected_seq - 1
    head_seq, head_hash = head if head else (0, GENESIS)
    if head_seq != count or stored_hex(head_hash) != prev:
        return VerifyReport(False, count, count + 1, "及之后的记录缺失（与链尾记录不符）")
    return VerifyReport(True, count)


def next_entry(
    head: tuple[int, str | bytes] | None, actor: str, action: str, target: str, detail: dict[str, Any], at: datetime
) -> ChainRow:
    """The entry that would follow `head` (for appending to a database not bound to the models)."""
    seq, prev = (head[0] + 1, stored_hex(head[1])) if head else (1, GENESIS)
    at_text = at.isoformat(timespec="seconds")
    detail_json = detail_text(detail)
    digest = _digest(seq, at_text, actor, action, target, detail_json, prev)
    return (seq, at_text, actor, action, target, detail_json, digest)
