"""The issues (投诉事项) of a case as the statistics count them: the one place that knows where they
come from (`models.cases.CaseIssue`, see docs/case-record.md).

Counting rule: a case counts once in totals and once under each distinct category and each
distinct department of its issues; findings are counted per issue and per case.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from models.cases import CaseIssue


@dataclass(frozen=True)
class CaseIssueFacts:
    issue_no: int
    category_id: int | None
    departments: tuple[int | None, ...]
    finding: str


def issues_by_case(case_ids: Iterable[int]) -> dict[int, list[CaseIssueFacts]]:
    """Each case's issues in `seq` order (no narrative read)."""
    result: dict[int, list[CaseIssueFacts]] = defaultdict(list)
    ids = list(case_ids)
    for start in range(0, len(ids), 500):
        for case_id, seq, category, department, finding in (
            CaseIssue.select(
                CaseIssue.case, CaseIssue.seq, CaseIssue.category, CaseIssue.department, CaseIssue.finding
            )
            .where(CaseIssue.case.in_(ids[start : start + 500]))
            .order_by(CaseIssue.case, CaseIssue.seq)
            .tuples()
        ):
            result[case_id].append(CaseIssueFacts(seq, category, (department,), finding or ""))
    return result
