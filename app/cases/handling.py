"""A case's handling texts: 调查核实情况, 处理意见, 整改措施 and the approval comment
(models.cases.CaseHandling, `case_handling`, kept beside the case row so that lists, boards and
statistics scan short rows).

A case has a row from the first write that sets one of them (拟稿, 当场解决, 审批, a ledger import
with a result); until then it reads as empty texts. Writes happen inside the case's writing
transaction (app/write_path.py), before the restriction is settled: a restricted case's texts are
sealed with the rest (models/sealed_content.py `CONTENT`).
"""

from __future__ import annotations

from collections.abc import Iterable

from models.cases import CaseHandling

FIELDS = ("facts", "resolution", "rectification", "approval_comment")


def of(case_id: int) -> CaseHandling:
    """The case's handling texts (an unsaved row of empty texts when it has none yet)."""
    row = CaseHandling.get_or_none(CaseHandling.case == case_id)
    return row if row is not None else CaseHandling(case=case_id)


def of_cases(case_ids: Iterable[int]) -> dict[int, CaseHandling]:
    """The handling texts of several cases, by case id (every id present)."""
    ids = list(case_ids)
    rows = {r.case_id: r for r in CaseHandling.select().where(CaseHandling.case.in_(ids))} if ids else {}
    return {i: rows.get(i) or CaseHandling(case=i) for i in ids}


def store(case_id: int, **texts: str) -> None:
    """Set some of the case's handling texts (the others stay as they are, or empty)."""
    unknown = set(texts) - set(FIELDS)
    if unknown:
        raise TypeError(f"not a handling text: {sorted(unknown)}")
    fields = CaseHandling._meta.fields
    values = {fields[name]: value for name, value in texts.items()}
    CaseHandling.insert({CaseHandling.case: case_id, **values}).on_conflict(
        conflict_target=[CaseHandling.case], update=values
    ).execute()
