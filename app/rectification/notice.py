"""整改通知单: rendered from the item, stored with it (bytes + SHA-256), logged on the item, on every
covered case's timeline and in the audit. A later print of the same item is a 补打 reprint."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import peewee

from app import clock
from app.cases.documents import letterhead
from app.db_errors import translated
from app.errors import NotFoundError
from app.policy import Action
from app.rectification.items import log_step
from app.rectification.queries import read_stored
from app.session import Session
from app.validation import FINDINGS
from app.write_path import operation, require
from models.accounts import User
from models.cases import Case, Category
from models.organisation import Department
from models.rectification import Rectification, RectificationCase, RectificationDocument
from printing.data import RectificationNoticeData
from printing.render import render_document

TITLE = "整改通知单"


@dataclass(frozen=True)
class NoticeInfo:
    id: int
    reprint: bool
    sha256: str
    issued_at: datetime
    issued_by: str


def _item(item_id: int) -> Rectification:
    item = Rectification.get_or_none(Rectification.id == item_id)
    if item is None:
        raise NotFoundError("整改项不存在")
    return item


def _case_lines(item: Rectification) -> list[str]:
    rows = (
        Case.select(Case.case_no, Case.finding, Category.path.alias("category_path"))
        .join(RectificationCase, on=(RectificationCase.case == Case.id))
        .switch(Case)
        .join(Category, peewee.JOIN.LEFT_OUTER, on=(Case.category == Category.id))
        .where(RectificationCase.rectification == item.id)
        .order_by(Case.case_no)
        .objects()
    )
    lines = []
    for row in rows:
        finding = f"（{FINDINGS[row.finding]}）" if row.finding in FINDINGS else ""
        lines.append(f"{row.case_no}　{row.category_path or '未分类'}{finding}")
    return lines


def notice_data(item: Rectification, session: Session, now: datetime) -> RectificationNoticeData:
    officer = User.get_by_id(session.user.id)
    return RectificationNoticeData(
        case_no=item.number,
        department=Department.get_by_id(item.department_id).name,
        measure=item.measure,
        due=item.due,
        due_workdays=item.due_workdays,
        due_provisional=item.due_provisional,
        problem=item.problem,
        cases=_case_lines(item),
        officer_name=officer.display_name,
        officer_phone=officer.phone or None,
        issued_at=now,
    )


def issue(session: Session, item_id: int) -> tuple[NoticeInfo, bytes]:
    """Render, store and log the notice; a second print of the same item is marked 补打."""
    require(session, Action.VIEW_RECTIFICATION, target=str(item_id))
    now = clock.now()
    with operation(session, Action.PRINT_LETTERS, "rectification.print", target=str(item_id)) as op:
        item = _item(item_id)
        reprint = (
            RectificationDocument.select().where(RectificationDocument.rectification == item.id).exists()
        )
        pdf = render_document(
            notice_data(item, session, now),
            letterhead(),
            reprint=reprint,
            reprinted_at=now if reprint else None,
        )
        digest = hashlib.sha256(pdf).hexdigest()
        row = RectificationDocument.create(
            rectification=item.id,
            reprint=reprint,
            sha256=digest,
            data=pdf,
            issued_at=now,
            issued_by=session.user.id,
        )
        log_step(
            session, item, "print", f"{'补打' if reprint else '打印'}{TITLE}", f"文件指纹 {digest[:16]}…"
        )
        op.target = item.number
        op.detail.update(sha256=digest, reprint=reprint)
    return NoticeInfo(row.id, reprint, digest, now, session.user.display_name), pdf


def notices(session: Session, item_id: int) -> list[NoticeInfo]:
    require(session, Action.VIEW_RECTIFICATION, target=str(item_id))
    with translated():
        rows = (
            RectificationDocument.select(RectificationDocument, User.display_name)
            .join(User)
            .where(RectificationDocument.rectification == item_id)
            .order_by(RectificationDocument.issued_at, RectificationDocument.id)
            .objects()
        )
        return [NoticeInfo(r.id, r.reprint, r.sha256, r.issued_at, r.display_name) for r in rows]


def stored_notice(session: Session, document_id: int) -> bytes:
    """The stored bytes of an issued notice, exactly as printed; the access is audited."""
    row = read_stored(
        session, RectificationDocument, document_id, "rectification.document_view", "文件不存在"
    )
    return bytes(row.data)
