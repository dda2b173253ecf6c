"""The issues (投诉事项) of a case as the statistics count them: the one place that knows where they
come from.

Counting rule (docs/statistics.md): a case counts once in totals and once under each of its issues'
categories and departments; findings are counted per issue and per case.

A case recorded before issues existed has one issue: the case's category and finding, its
departments being those it was sent to (转办, not returned), else the category's default
department, else the visit department.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.cases.states import AssignmentState


@dataclass(frozen=True)
class CaseIssueFacts:
    issue_no: int
    category_id: int | None
    departments: tuple[int | None, ...]
    finding: str


def case_level_issue(
    category_id: int | None,
    finding: str,
    assignment_departments: Sequence[tuple[int, str]],
    category_default_department: int | None,
    visit_department_id: int | None,
) -> CaseIssueFacts:
    """The single issue of a case without recorded issues. `assignment_departments`: (department
    id, assignment state) in sending order."""
    departments = tuple(
        dict.fromkeys(d for d, state in assignment_departments if state != AssignmentState.RETURNED)
    )
    if not departments:
        fallback = category_default_department or visit_department_id
        departments = (fallback,) if fallback else ()
    return CaseIssueFacts(1, category_id, departments, finding or "")
