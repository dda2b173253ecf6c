"""Lossless drafts (处理意见): every saved revision kept (who, when, text) and readable from the case.

A save names the revision it was edited from (`base_revision`). When another officer saved a newer
revision meanwhile, the save is refused with `DraftConflict`, which carries their revision and the
text being saved, so the workspace can show both side by side and merge — nothing typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from peewee import fn

from app import clock
from app.errors import ConflictError
from app.policy import Action, sees_handling
from app.session import Session
from app.validation import FINDINGS
from app.write_path import CaseOperation, check, load_case
from models.accounts import User
from models.case_record import DraftRevision


@dataclass(frozen=True)
class DraftText:
    """The fields of a draft, as typed (amounts as text)."""

    facts: str = ""
    finding: str = ""
    resolution: str = ""
    refund: str = ""
    compensation: str = ""
    rectification: str = ""


@dataclass(frozen=True)
class HandlingDraft:
    """The handling texts a 拟稿 stores, as validated (kept in `case_handling`, app/cases/handling.py)."""

    facts: str
    resolution: str
    rectification: str


FIELD_LABELS: dict[str, str] = {
    "facts": "调查核实情况",
    "finding": "投诉是否成立",
    "resolution": "处理意见",
    "refund": "退费金额",
    "compensation": "赔偿金额",
    "rectification": "整改措施",
}


@dataclass(frozen=True)
class Revision:
    """One saved revision of the draft."""

    number: int
    saved_at: datetime
    saved_by: str
    text: DraftText
    merged_from: int | None = None

    @property
    def finding_label(self) -> str:
        return FINDINGS.get(self.text.finding, "")


class DraftConflict(ConflictError):
    """Another officer saved revision `theirs.number` after the one this save was edited from."""

    def __init__(self, theirs: Revision, mine: DraftText, base: int) -> None:
        super().__init__(theirs.saved_by, theirs.saved_at)
        self.message = (
            f"处理意见已被 {theirs.saved_by} 于 {theirs.saved_at:%Y-%m-%d %H:%M} 保存为第 {theirs.number} 版，"
            f"您是在第 {base} 版上修改的。请对照合并后再保存，您输入的内容不会丢失。"
        )
        self.theirs, self.mine, self.base = theirs, mine, base

    def __str__(self) -> str:
        return self.message


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _revision(row: DraftRevision, names: dict[int, str]) -> Revision:
    text = DraftText(
        row.facts,
        row.finding,
        row.resolution,
        _amount(row.refund_amount),
        _amount(row.compensation_amount),
        row.rectification,
    )
    return Revision(row.number, row.saved_at, names.get(row.saved_by_id, ""), text, row.merged_from)


def current_revision(case_id: int) -> int:
    """The number of the newest saved revision (0: none yet)."""
    return (
        DraftRevision.select(fn.MAX(DraftRevision.number)).where(DraftRevision.case == case_id).scalar() or 0
    )


def latest(case_id: int) -> Revision | None:
    row = (
        DraftRevision.select()
        .where(DraftRevision.case == case_id)
        .order_by(DraftRevision.number.desc())
        .first()
    )
    if row is None:
        return None
    return _revision(row, {row.saved_by_id: User.get_by_id(row.saved_by_id).display_name})


def store(
    op: CaseOperation, base_revision: int, typed: DraftText, texts: HandlingDraft, merged_from: int | None = None
) -> int:
    """Inside the 拟稿 operation (the case row is locked): refuse a stale base, else keep a revision
    of what the case now holds (its row and the handling `texts` being saved). Returns the new
    revision's number."""
    current = current_revision(op.case.id)
    if base_revision != current:
        theirs = latest(op.case.id)
        assert theirs is not None
        raise DraftConflict(theirs, typed, base_revision)
    case = op.case
    number = current + 1
    DraftRevision.create(
        case=case.id,
        number=number,
        saved_at=clock.now(),
        saved_by=op.session.user.id,
        facts=texts.facts,
        finding=case.finding,
        resolution=texts.resolution,
        refund_amount=case.refund_amount,
        compensation_amount=case.compensation_amount,
        rectification=texts.rectification,
        merged_from=merged_from,
    )
    return number


def revisions(session: Session, case_id: int) -> list[Revision]:
    """Every saved revision of the case's draft, newest first (for those who see the handling)."""
    case = load_case(case_id)
    case_facts = check(session, Action.VIEW_CASE, case)
    if not sees_handling(session.user, case_facts):
        return []
    rows = list(
        DraftRevision.select().where(DraftRevision.case == case_id).order_by(DraftRevision.number.desc())
    )
    names = {u.id: u.display_name for u in User.select().where(User.id.in_({r.saved_by_id for r in rows}))}
    return [_revision(r, names) for r in rows]
