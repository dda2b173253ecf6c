"""Checking the hash chain of case timelines (models/chain.py).

`case_problem` checks one case's events as they are read for the workspace (a warning shows above
the timeline); `check_all` walks every timeline for `complaintdesk audit verify` and names each case
and event where a chain breaks. The audit entries of case writes carry each case's chain head
(``detail["chain"]``): `check_all` compares the newest one with the stored timeline, so a timeline
rewritten with recomputed hashes, or cut short, is found too, since the audit log itself is chained
and witnessed outside the database (app/witness.py).

The restriction (保密) of a case must agree with its chained timeline: the last restrict or lift event
(`RESTRICTION_EVENTS`) says whether it is restricted. A flag changed with plain SQL (which would open
a restricted case to everyone) shows on open and in `audit verify` like a broken chain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from models.audit import AuditEntry
from models.cases import Case
from models.chain import GENESIS, case_events, event_batches, event_digest, same_head, short_head
from models.fields import CONTENT_PREFIX

RESTRICT_SUMMARY = "设为保密案件"
LIFT_SUMMARY = "取消保密"
AUTO_RESTRICT_SUMMARY = "重大投诉，按系统设置自动设为保密案件"
# timeline summary -> the restriction it leaves (overlays.restrict, major.restrict_if_configured)
RESTRICTION_EVENTS = {RESTRICT_SUMMARY: True, LIFT_SUMMARY: False, AUTO_RESTRICT_SUMMARY: True}
FLAG_PROBLEM = {
    True: "案件被标为保密，但时间线中没有设为保密的记录",
    False: "案件的保密标记被取消，但时间线中没有取消保密的记录（保密标记可能被直接改动）",
}


@dataclass(frozen=True)
class TimelineBreak:
    case_no: str
    seq: int  # 0: the case row disagrees with its whole timeline (the restriction flag)
    problem: str

    @property
    def message(self) -> str:
        if not self.seq:
            return f"案件 {self.case_no}：{self.problem}"
        return f"案件 {self.case_no} 的时间线第 {self.seq} 条{self.problem}"


@dataclass
class _Walk:
    """One case's chain, fed event by event in `seq` order."""

    case_id: int
    expected: int = 1
    prev: str = GENESIS
    broken: tuple[int, str] | None = None
    restricted: bool = False  # as the chained events say (the last restrict or lift event)

    def feed(self, row: tuple) -> None:
        """`row`: (id, case, seq, at, actor, action, summary, note, attachment, hash)."""
        _id, _case, seq, at, actor, action, summary, note, attachment, stored = row
        if self.broken:
            return
        if seq != self.expected:
            self.broken = (self.expected, "缺失（序号不连续，记录被删除）")
            return
        digest = event_digest(self.case_id, seq, at, actor, action, summary, note, attachment, self.prev)
        if stored != digest:
            self.broken = (seq, "与哈希不符（记录被修改、删除或调换）")
            return
        self.prev = digest
        self.expected += 1
        # a sealed entry was written (or sealed) while the case was restricted: its summary is not
        # readable without the key, its being sealed tells (models/sealed_timeline.py)
        sealed = summary.startswith(CONTENT_PREFIX)
        self.restricted = True if sealed else RESTRICTION_EVENTS.get(summary, self.restricted)

    @property
    def head(self) -> tuple[int, str]:
        """The newest event's number and hash (hex)."""
        return self.expected - 1, self.prev


def case_problem(case_id: int, restricted: bool | None = None) -> str:
    """A Chinese description of the first break in one case's timeline, "" when it is intact (read
    as stored: a restricted case's sealed texts are checked sealed, by any reader). Given the case's
    `restricted` flag, it must agree with the timeline's last restrict or lift event."""
    walk = _Walk(case_id)
    for row in case_events(case_id):
        walk.feed(row)
    if walk.broken:
        seq, problem = walk.broken
        return f"时间线第 {seq} 条{problem}：此案件的历史记录可能被改动，请联系系统管理员核查"
    if restricted is not None and bool(restricted) != walk.restricted:
        return f"{FLAG_PROBLEM[bool(restricted)]}：此案件的记录可能被改动，请联系系统管理员核查"
    return ""


def audited_heads(batch: int = 5000, resealed_breaks: dict[str, str] | None = None) -> dict[str, str]:
    """The newest timeline head the audit log recorded for each case number.

    An entry of a timeline chained again when its texts were sealed or opened
    (models/sealed_timeline.py) also names the head it replaced (``"resealed"``): when that is not
    the head recorded before it, the timeline was changed before it was chained again, and the
    case number goes into `resealed_breaks` with the replaced head."""
    heads: dict[str, str] = {}
    last = 0
    while True:
        rows = list(
            AuditEntry.select(AuditEntry.seq, AuditEntry.detail)
            .where((AuditEntry.seq > last) & AuditEntry.detail.contains('"chain"'))
            .order_by(AuditEntry.seq)
            .limit(batch)
            .tuples()
        )
        if not rows:
            return heads
        for _seq, detail in rows:
            try:
                chain = json.loads(detail).get("chain") or {}
            except (ValueError, AttributeError):
                continue
            if isinstance(chain, dict):
                _check_resealed(json.loads(detail).get("resealed"), heads, resealed_breaks)
                heads.update({str(k): str(v) for k, v in chain.items()})
        last = rows[-1][0]


def _check_resealed(resealed: object, heads: dict[str, str], breaks: dict[str, str] | None) -> None:
    if breaks is None or not isinstance(resealed, dict):
        return
    for case_no, old in resealed.items():
        before = heads.get(str(case_no))
        if before is not None and short_head(before) != str(old):
            breaks.setdefault(str(case_no), str(old))


@dataclass
class TimelineReport:
    cases: int = 0
    events: int = 0
    breaks: list[TimelineBreak] = field(default_factory=list)


def check_all(batch: int = 20000) -> TimelineReport:
    """Walk every case's timeline; compare each head with the one the audit log recorded."""
    report = TimelineReport()
    heads: dict[int, tuple[int, str]] = {}
    broken: dict[int, tuple[int, str]] = {}
    restricted_by_timeline: set[int] = set()
    walk: _Walk | None = None

    def close(done: _Walk | None) -> None:
        if done is None:
            return
        report.cases += 1
        if done.broken:
            broken[done.case_id] = done.broken
        elif done.restricted:
            restricted_by_timeline.add(done.case_id)
        heads[done.case_id] = done.head

    for rows in event_batches(batch):
        for row in rows:
            if walk is None or row[1] != walk.case_id:
                close(walk)
                walk = _Walk(row[1])
            walk.feed(row)
        report.events += len(rows)
    close(walk)

    resealed: dict[str, str] = {}
    audited = audited_heads(resealed_breaks=resealed)
    numbers = _ids_of(list(audited))
    flagged = {case_id for (case_id,) in Case.select(Case.id).where(Case.restricted == True).tuples()}  # noqa: E712
    disagree = {
        case_id: FLAG_PROBLEM[case_id in flagged]
        for case_id in (flagged ^ restricted_by_timeline) - set(broken)
    }
    names = {case_id: no for no, case_id in _ids_of_ids([*broken, *disagree]).items()}
    for case_id, (seq, problem) in sorted(broken.items()):
        report.breaks.append(TimelineBreak(names.get(case_id, f"#{case_id}"), seq, problem))
    for case_id, problem in sorted(disagree.items()):
        report.breaks.append(TimelineBreak(names.get(case_id, f"#{case_id}"), 0, problem))
    for case_no, head in sorted(audited.items()):
        case_id = numbers.get(case_no)
        seq = int(head.split(":", 1)[0]) if ":" in head else 0
        if case_id is None:
            report.breaks.append(TimelineBreak(case_no, seq, "所属的案件已不存在（案件记录被删除）"))
        elif case_id not in broken and not same_head(head, *heads.get(case_id, (0, GENESIS))):
            report.breaks.append(
                TimelineBreak(case_no, seq, "与审计日志记录的时间线不符（记录被截断或整条时间线被重算）")
            )
    for case_no, old in sorted(resealed.items()):
        seq = int(old.split(":", 1)[0]) if ":" in old else 0
        report.breaks.append(
            TimelineBreak(case_no, seq, "在密封或解除密封之前已与审计日志记录的时间线不符（记录被截断或整条时间线被重算）")
        )
    return report


_CHUNK = 500


def _ids_of(case_nos: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i in range(0, len(case_nos), _CHUNK):
        chunk = case_nos[i : i + _CHUNK]
        found.update(Case.select(Case.case_no, Case.id).where(Case.case_no.in_(chunk)).tuples())
    return found


def _ids_of_ids(case_ids: list[int]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i in range(0, len(case_ids), _CHUNK):
        chunk = case_ids[i : i + _CHUNK]
        found.update(Case.select(Case.case_no, Case.id).where(Case.id.in_(chunk)).tuples())
    return found
