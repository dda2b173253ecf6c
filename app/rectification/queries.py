"""Reading 整改 items: the list with its filters, one item in full, the items of a case, and which
steps the user may take on an item (with the policy's reason when not)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import peewee

from app import clock
from app.cases.visibility import visible
from app.db_errors import translated
from app.errors import NotFoundError, ValidationError
from app.policy import Action, Actor, can
from app.rectification.states import (
    FINAL_STATES,
    OPEN_STATES,
    SOURCES,
    STATE_LABELS,
    STEP_RULES,
    is_overdue,
    state_label,
)
from app.session import Session
from app.write_path import check, ensure_unlocked, load_case, operation, require
from models.accounts import User
from models.cases import Case, Category
from models.organisation import Department
from models.rectification import (
    Rectification,
    RectificationAttachment,
    RectificationCase,
    RectificationEvent,
    Recurrence,
)

PAGE_SIZE = 100
REDACTED = "受限案件"


@dataclass(frozen=True)
class RectFilter:
    department: str = ""  # department code
    state: str = ""  # a RectState, or "" for all
    overdue_only: bool = False
    recurred_only: bool = False
    open_only: bool = False  # not yet 已落实 / 未落实


@dataclass(frozen=True)
class ItemRow:
    id: int
    number: str
    state: str
    state_label: str  # 逾期 for an open item past due
    department: str
    department_code: str
    category: str
    measure: str
    due: date
    due_provisional: bool
    overdue: bool
    recurred: bool
    source: str
    case_nos: str
    created_at: datetime
    version: int


def _rows(query: peewee.ModelSelect, user: Actor, now: datetime) -> list[ItemRow]:
    items = list(query.objects())
    if not items:
        return []
    ids = [i.id for i in items]
    shown = {
        c.id
        for c in visible(
            user, Case.select(Case.id).join(RectificationCase).where(RectificationCase.rectification.in_(ids))
        )
    }
    case_nos: dict[int, list[str]] = {}
    for link in (
        RectificationCase.select(RectificationCase.rectification, Case.id, Case.case_no)
        .join(Case)
        .where(RectificationCase.rectification.in_(ids))
        .order_by(Case.case_no)
        .objects()
    ):
        case_nos.setdefault(link.rectification_id, []).append(link.case_no if link.id in shown else REDACTED)
    return [
        ItemRow(
            id=i.id,
            number=i.number,
            state=i.state,
            state_label=state_label(i.state, i.due, now),
            department=i.department_name,
            department_code=i.department_code,
            category=i.category_path or "",
            measure=i.measure,
            due=i.due,
            due_provisional=i.due_provisional,
            overdue=is_overdue(i.state, i.due, now),
            recurred=i.recurred,
            source=SOURCES.get(i.source, i.source),
            case_nos="、".join(case_nos.get(i.id, [])),
            created_at=i.created_at,
            version=i.version,
        )
        for i in items
    ]


def _base() -> peewee.ModelSelect:
    return (
        Rectification.select(
            Rectification,
            Department.name.alias("department_name"),
            Department.code.alias("department_code"),
            Category.path.alias("category_path"),
        )
        .join(Department)
        .switch(Rectification)
        .join(Category, peewee.JOIN.LEFT_OUTER, on=(Rectification.category == Category.id))
    )


def _where(query: peewee.ModelSelect, flt: RectFilter, today: date) -> peewee.ModelSelect:
    if flt.department:
        query = query.where(Department.code == flt.department)
    if flt.state:
        query = query.where(Rectification.state == flt.state)
    if flt.overdue_only:
        query = query.where(Rectification.state.in_(sorted(OPEN_STATES)) & (Rectification.due < today))
    if flt.recurred_only:
        query = query.where(Rectification.recurred == True)  # noqa: E712
    if flt.open_only:
        query = query.where(Rectification.state.not_in(sorted(FINAL_STATES)))
    return query


def item_list(
    session: Session, flt: RectFilter | None = None, before_id: int | None = None, limit: int = PAGE_SIZE
) -> list[ItemRow]:
    """Items newest first; `before_id` pages on (keyset: the last id of the previous page)."""
    require(session, Action.VIEW_RECTIFICATION)
    now = clock.now()
    with translated():
        query = _where(_base(), flt or RectFilter(), now.date())
        if before_id is not None:
            query = query.where(Rectification.id < before_id)
        return _rows(query.order_by(Rectification.id.desc()).limit(limit), session.user, now)


def item_count(session: Session, flt: RectFilter | None = None) -> int:
    require(session, Action.VIEW_RECTIFICATION)
    with translated():
        query = Rectification.select(Rectification.id).join(Department)
        return _where(query, flt or RectFilter(), clock.now().date()).count()


def case_items(session: Session, case_id: int) -> list[ItemRow]:
    """The items covering a case (for its workspace); empty for users who do not see 整改."""
    if not can(session.user, Action.VIEW_RECTIFICATION):
        return []
    with translated():
        ids = RectificationCase.select(RectificationCase.rectification).where(
            RectificationCase.case == case_id
        )
        query = _base().where(Rectification.id.in_(ids)).order_by(Rectification.id)
        return _rows(query, session.user, clock.now())


def case_recurrences(case_id: int) -> list[str]:
    """整改后复发 marks of a case: the numbers of the items it recurred after."""
    with translated():
        return [
            r.number
            for r in Recurrence.select(Rectification.number)
            .join(Rectification)
            .where(Recurrence.case == case_id)
            .order_by(Rectification.number)
            .objects()
        ]


@dataclass(frozen=True)
class ItemEvent:
    at: datetime
    actor: str
    summary: str
    note: str


@dataclass(frozen=True)
class ItemCase:
    id: int
    case_no: str  # 受限案件 for a case the user may not see
    visible: bool


@dataclass(frozen=True)
class ItemFile:
    id: int
    filename: str
    size: int
    added_at: datetime


@dataclass(frozen=True)
class ItemDetail:
    row: ItemRow
    problem: str
    evidence: str
    verification_note: str
    verified: bool
    close_reason: str
    cases: tuple[ItemCase, ...]
    events: tuple[ItemEvent, ...]
    files: tuple[ItemFile, ...]
    recurrences: tuple[tuple[str, datetime], ...]  # (case number, detected at)
    steps: dict[str, str]  # step → "" when the user may take it, else why not


def item_detail(session: Session, item_id: int) -> ItemDetail:
    require(session, Action.VIEW_RECTIFICATION, target=str(item_id))
    now = clock.now()
    with translated():
        rows = _rows(_base().where(Rectification.id == item_id), session.user, now)
        if not rows:
            raise NotFoundError("整改项不存在")
        item = Rectification.get_by_id(item_id)
        links = list(
            Case.select(Case.id, Case.case_no)
            .join(RectificationCase)
            .where(RectificationCase.rectification == item_id)
            .order_by(Case.case_no)
        )
        shown = {
            c.id
            for c in visible(session.user, Case.select(Case.id).where(Case.id.in_([c.id for c in links])))
        }
        events = (
            RectificationEvent.select(RectificationEvent, User.display_name)
            .join(User)
            .where(RectificationEvent.rectification == item_id)
            .order_by(RectificationEvent.at, RectificationEvent.id)
            .objects()
        )
        files = RectificationAttachment.select(
            RectificationAttachment.id,
            RectificationAttachment.filename,
            RectificationAttachment.size,
            RectificationAttachment.added_at,
        ).where(RectificationAttachment.rectification == item_id)
        recurrences = (
            Recurrence.select(Recurrence.detected_at, Case.case_no)
            .join(Case)
            .where(Recurrence.rectification == item_id)
            .order_by(Recurrence.detected_at)
            .objects()
        )
        return ItemDetail(
            row=rows[0],
            problem=item.problem,
            evidence=item.evidence,
            verification_note=item.verification_note,
            verified=item.verified_at is not None,
            close_reason=item.close_reason,
            cases=tuple(
                ItemCase(c.id, c.case_no if c.id in shown else REDACTED, c.id in shown) for c in links
            ),
            events=tuple(ItemEvent(e.at, e.display_name, e.summary, e.note) for e in events),
            files=tuple(ItemFile(f.id, f.filename, f.size, f.added_at) for f in files),
            recurrences=tuple((r.case_no, r.detected_at) for r in recurrences),
            steps=available_steps(session.user, item),
        )


def available_steps(user: Actor, item: Rectification) -> dict[str, str]:
    """For each step: "" when the user may take it now, else the reason (for a disabled button)."""
    steps = {}
    for name, (action, states, label) in STEP_RULES.items():
        decision = can(user, action)
        if not decision:
            steps[name] = decision.reason
        elif item.state not in states:
            steps[name] = f"整改项{STATE_LABELS[item.state]}，不能{label}"
        elif name == "submit" and not item.evidence.strip():
            steps[name] = "请先登记科室的整改情况"
        elif name == "verify" and item.verified_at is not None:
            steps[name] = "已验证，待主任关闭"
        else:
            steps[name] = ""
    return steps


def read_stored(
    session: Session, model: type[peewee.Model], row_id: int, audit_action: str, missing: str
) -> Any:
    """A stored file of an item (evidence, an issued notice), its access audited with its SHA-256."""
    with operation(session, Action.VIEW_RECTIFICATION, audit_action, target=str(row_id)) as op:
        row = model.get_or_none(model.id == row_id)
        if row is None:
            raise NotFoundError(missing)
        op.target = Rectification.get_by_id(row.rectification_id).number
        op.detail["sha256"] = row.sha256
        return row


def attachment_data(session: Session, attachment_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of an evidence file; the access is audited."""
    row = read_stored(
        session, RectificationAttachment, attachment_id, "rectification.file_view", "整改材料不存在"
    )
    return row.filename, bytes(row.data)


def department_choices(session: Session) -> list[tuple[str, str]]:
    """(code, name) of active departments, for the filter and the new-item form."""
    require(session, Action.VIEW_RECTIFICATION)
    with translated():
        return [
            (d.code, d.name)
            for d in Department.select(Department.code, Department.name)
            .where(Department.active == True)  # noqa: E712
            .order_by(Department.sort_order, Department.code)
        ]


def case_defaults(session: Session, case_id: int) -> tuple[str, str]:
    """The department code and category code a new item from this case starts with (the first
    department the case was sent to, else its category's default department)."""
    from models.cases import Assignment

    case = load_case(case_id)
    check(session, Action.CREATE_RECTIFICATION, case)
    with translated():
        assignment = (
            Assignment.select(Assignment.department)
            .where(Assignment.case == case_id)
            .order_by(Assignment.id)
            .first()
        )
        category = Category.get_or_none(Category.id == case.category_id) if case.category_id else None
        department_id = (
            assignment.department_id if assignment else (category.default_department_id if category else None)
        )
        department = Department.get_or_none(Department.id == department_id) if department_id else None
        return (department.code if department else "", category.code if category else "")


@dataclass(frozen=True)
class IssueChoice:
    """A 投诉事项 of a case an item may come from (found 成立 / 部分成立)."""

    id: int
    label: str  # "事项1：夜间呼叫无人应答（成立）"
    department_code: str
    category_code: str


def issue_choices(session: Session, case_id: int) -> list[IssueChoice]:
    """The case's issues found 成立 or 部分成立 (what a new item from a finding may cite)."""
    from app.cases.issues import issues_of
    from app.rectification.items import UPHELD

    check(session, Action.CREATE_RECTIFICATION, load_case(case_id))
    with translated():
        return [
            IssueChoice(i.id, f"{i.heading()}（{i.finding_label}）", i.department_code, i.category_code)
            for i in issues_of(case_id)
            if i.finding in UPHELD
        ]


def cases_by_numbers(session: Session, text: str) -> tuple[int, ...]:
    """The cases named by their numbers (separated by spaces, commas or 、) that the user may see."""
    import re

    numbers = [n for n in re.split(r"[\s,，、;；]+", text.strip().upper()) if n]
    if not numbers:
        raise ValidationError("case_ids", "涉及案件", "请填写案件编号")
    with translated():
        found = {
            c.case_no: c.id
            for c in visible(ensure_unlocked(session).user, Case.select(Case.id, Case.case_no)).where(
                Case.case_no.in_(numbers)
            )
        }
    missing = [n for n in numbers if n not in found]
    if missing:
        raise ValidationError("case_ids", "涉及案件", f"找不到案件：{'、'.join(missing)}")
    return tuple(dict.fromkeys(found[n] for n in numbers))
