"""总值班交班 and the office's 接班.

At the end of the night the 总值班 hands over the shift: every complaint they logged that still waits
for the office (the 待交班 queue) gets a 交班 event on its timeline, and a 交班单 (printing/documents/
handover.py) listing them most urgent first is rendered and stored with its SHA-256 — all in one
transaction. In the morning the office sees the handovers not yet taken over on its home, opens the
stored 交班单 (an audited read) and confirms 接班.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from app import clock
from app.cases import board
from app.cases.board import BoardFilter, Queue
from app.errors import NotFoundError, ValidationError
from app.letterhead import current as current_letterhead
from app.policy import Action, can
from app.session import Session
from app.validation import CHANNELS, SEVERITIES
from app.write_path import consequent_case_write, operation, require
from models.accounts import User
from models.administration import Handover, HandoverCase
from models.cases import Case, CaseText, Complainant
from printing.data import HandoverData, HandoverRow
from printing.render import render_document

URGENCY = {"major": 0, "serious": 1, "minor": 2}
NOTE_MAX = 500
SUMMARY_CHARS = 80


@dataclass(frozen=True)
class ShiftCase:
    id: int
    case_no: str
    received_at: datetime
    channel: str
    complainant: str
    severity: str  # minor / serious / major
    severity_label: str
    escalated: bool
    summary: str
    accept_due: date | None


@dataclass(frozen=True)
class HandoverInfo:
    id: int
    number: str
    handed_by: str
    handed_at: datetime
    case_count: int
    major: int
    sha256: str
    taken_over_by: str = ""
    taken_over_at: datetime | None = None


def handover_number(handover_id: int, at: datetime) -> str:
    return f"JB-{at:%Y%m%d}-{handover_id:04d}"


def shift_cases(session: Session) -> list[ShiftCase]:
    """The night-duty user's complaints waiting to be handed over, most urgent first."""
    require(session, Action.HAND_OVER)
    rows = list(board.filtered(session, BoardFilter(queue=Queue.MY_SHIFT), Case.select()))
    names = {
        c.id: c.name for c in Complainant.select().where(Complainant.id.in_([r.complainant_id for r in rows]))
    }
    texts = dict(
        CaseText.select(CaseText.case, CaseText.content)
        .where(CaseText.case.in_([r.id for r in rows]))
        .tuples()
    )
    rows.sort(key=lambda c: (URGENCY.get(c.severity, 3), c.escalated_at is None, c.received_at))
    return [
        ShiftCase(
            c.id,
            c.case_no,
            c.received_at,
            CHANNELS.get(c.channel, c.channel),
            names.get(c.complainant_id) or "—",
            c.severity,
            SEVERITIES.get(c.severity, c.severity),
            c.escalated_at is not None,
            " ".join(texts.get(c.id, "").split())[:SUMMARY_CHARS],
            c.accept_due,
        )
        for c in rows
    ]


def _info(row: Handover, names: dict[int, str] | None = None) -> HandoverInfo:
    names = names or {}
    cases = list(
        Case.select(Case.severity)
        .join(HandoverCase, on=(HandoverCase.case == Case.id))
        .where(HandoverCase.handover == row.id)
    )
    who = names.get(row.handed_by_id) or User.get_by_id(row.handed_by_id).display_name
    taker = ""
    if row.taken_over_by_id:
        taker = names.get(row.taken_over_by_id) or User.get_by_id(row.taken_over_by_id).display_name
    return HandoverInfo(
        row.id,
        handover_number(row.id, row.handed_at),
        who,
        row.handed_at,
        len(cases),
        sum(1 for c in cases if c.severity == "major"),
        row.sha256,
        taker,
        row.taken_over_at,
    )


def hand_over(session: Session, note: str = "") -> tuple[HandoverInfo, bytes]:
    """交班: record 交班 on each waiting case and store the 交班单, in one transaction."""
    with operation(session, Action.HAND_OVER, "handover.made") as op:
        text = (note or "").strip()
        if len(text) > NOTE_MAX:
            raise ValidationError("note", "交班说明", f"不能超过 {NOTE_MAX} 个字")
        cases = shift_cases(session)
        if not cases:
            raise ValidationError("cases", "交班", "本班没有待交班的投诉")
        now = clock.now()
        row = Handover.create(handed_by=session.user.id, handed_at=now, note=text, sha256="", data=b"")
        number = handover_number(row.id, now)
        data = HandoverData(
            number=number,
            handed_by=session.user.display_name,
            cases=[
                HandoverRow(
                    c.case_no,
                    c.received_at,
                    c.channel,
                    c.complainant,
                    c.severity_label,
                    c.summary,
                    c.escalated,
                    c.accept_due,
                )
                for c in cases
            ],
            note=text,
            issued_at=now,
        )
        pdf = render_document(data, current_letterhead())
        row.sha256 = hashlib.sha256(pdf).hexdigest()
        row.data = pdf
        row.save()
        for case in cases:
            HandoverCase.create(handover=row.id, case=case.id)
            with consequent_case_write(session, case.id, "handover", Action.HAND_OVER) as case_op:
                case_op.event("交班", note=f"总值班 {session.user.display_name} 交班（交班单 {number}）")
                case_op.detail["handover"] = number
        op.target = number
        op.detail.update(cases=len(cases), sha256=row.sha256)
    return _info(Handover.get_by_id(row.id)), pdf


def pending(session: Session) -> list[HandoverInfo]:
    """Handovers the office has not yet taken over, oldest first (the morning's 接班)."""
    require(session, Action.TAKE_OVER)
    rows = list(Handover.select().where(Handover.taken_over_at.is_null()).order_by(Handover.handed_at))
    return [_info(row) for row in rows]


def my_handovers(session: Session, limit: int = 5) -> list[HandoverInfo]:
    """The night-duty user's own latest handovers (to print their 交班单 again)."""
    require(session, Action.HAND_OVER)
    rows = (
        Handover.select()
        .where(Handover.handed_by == session.user.id)
        .order_by(Handover.handed_at.desc())
        .limit(limit)
    )
    return [_info(row) for row in rows]


def _get(handover_id: int) -> Handover:
    row = Handover.get_or_none(Handover.id == handover_id)
    if row is None:
        raise NotFoundError("交班记录不存在")
    return row


def handover_pdf(session: Session, handover_id: int) -> bytes:
    """The stored 交班单 (its SHA-256 checked): for the office, or the 总值班 who made it. Audited."""
    row = _get(handover_id)
    own = row.handed_by_id == session.user.id and can(session.user, Action.HAND_OVER)
    action = Action.HAND_OVER if own else Action.TAKE_OVER
    number = handover_number(row.id, row.handed_at)
    with operation(session, action, "handover.opened", target=number):
        data = bytes(row.data)
        if hashlib.sha256(data).hexdigest() != row.sha256:
            raise ValidationError("handover", "交班单", "存档文件校验失败（SHA-256 不符）")
    return data


def take_over(session: Session, handover_id: int) -> HandoverInfo:
    """接班: the office confirms it has received the night's cases."""
    row = _get(handover_id)
    number = handover_number(row.id, row.handed_at)
    with operation(session, Action.TAKE_OVER, "handover.taken_over", target=number) as op:
        current = Handover.get_by_id(row.id)
        if current.taken_over_at is not None:
            who = User.get_by_id(current.taken_over_by_id).display_name
            raise ValidationError(
                "handover", "接班", f"该交班已由 {who} 于 {current.taken_over_at:%H:%M} 接班"
            )
        Handover.update(taken_over_at=clock.now(), taken_over_by=session.user.id).where(
            Handover.id == row.id
        ).execute()
        op.detail["cases"] = HandoverCase.select().where(HandoverCase.handover == row.id).count()
    return _info(Handover.get_by_id(row.id))
