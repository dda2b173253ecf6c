"""重复投诉: a case linked as a repeat of an earlier one (the same complainant, the same matter, again).

A repeat link is a `CaseLink` of kind "repeat" from the later case to the earlier one. Linked cases
form a group (the original and every repeat of it, however they were linked); each case knows its
place in it: the header says "重复投诉 第2次（共3次）", the original "已被重复投诉 2 次". Both timelines
record the link. Statistics count repeats through `is_repeat` / `repeat_case_ids`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import peewee

from app.cases.states import STATE_LABELS
from models.cases import Case, CaseLink

REPEAT = "repeat"
RELATED = "related"


def repeated_summary(earlier_case_no: str, earlier_state: str) -> str:
    """On the later case."""
    return f"标记为重复投诉：前案 {earlier_case_no}（{STATE_LABELS.get(earlier_state, earlier_state)}）"


def repeated_by_summary(later_case_no: str) -> str:
    """On the earlier case."""
    return f"收到重复投诉 {later_case_no}"


@dataclass(frozen=True)
class GroupCase:
    id: int
    case_no: str
    state_label: str
    received_at: datetime


@dataclass(frozen=True)
class RepeatGroup:
    """The cases of one matter in the order received; `rank` is this case's place (1 = the original)."""

    cases: tuple[GroupCase, ...]
    rank: int

    @property
    def total(self) -> int:
        return len(self.cases)

    @property
    def text(self) -> str:
        """What the header chip says."""
        if self.rank == 1:
            return f"已被重复投诉 {self.total - 1} 次"
        return f"重复投诉 第{self.rank}次（共{self.total}次）"


def group_of(case_id: int) -> RepeatGroup | None:
    """The repeat group of a case (None when it is in none). Groups are small: walked link by link."""
    seen, frontier = {case_id}, {case_id}
    while frontier:
        rows = CaseLink.select(CaseLink.case, CaseLink.other).where(
            (CaseLink.kind == REPEAT) & (CaseLink.case.in_(frontier) | CaseLink.other.in_(frontier))
        )
        found = {i for row in rows.tuples() for i in row} - seen
        seen |= found
        frontier = found
    if len(seen) == 1:
        return None
    cases = [
        GroupCase(c.id, c.case_no, STATE_LABELS.get(c.state, c.state), c.received_at)
        for c in Case.select(Case.id, Case.case_no, Case.state, Case.received_at)
        .where(Case.id.in_(seen))
        .order_by(Case.received_at, Case.id)
    ]
    rank = next(i for i, c in enumerate(cases, start=1) if c.id == case_id)
    return RepeatGroup(tuple(cases), rank)


def is_repeat(case_id: int) -> bool:
    """Linked as the repeat of an earlier case."""
    return CaseLink.select().where((CaseLink.case == case_id) & (CaseLink.kind == REPEAT)).exists()


def repeat_case_ids(cases: peewee.Select | None = None) -> peewee.Select:
    """A query of the ids of the cases (among `cases`, a query of case ids) that are repeats."""
    query = CaseLink.select(CaseLink.case).where(CaseLink.kind == REPEAT).distinct()
    return query.where(CaseLink.case.in_(cases)) if cases is not None else query
