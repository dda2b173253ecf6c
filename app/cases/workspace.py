"""Small reads the case workspace needs beyond `views.open_case`: the officers a restricted case can
name, the documents that can be issued now, the Chinese capitals of a compensation amount, and the
department replies as the draft quotes them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.cases.documents import CASE_DOCUMENTS, KIND_ACTIONS, check_available, kind_title
from app.cases.states import AssignmentState
from app.errors import ComplaintDeskError, ValidationError
from app.policy import Action, Role, can
from app.session import Session
from app.validation import validate_amount
from app.write_path import check, load_case, require
from models.accounts import User, UserRole
from models.cases import Assignment, IssuedDocument
from models.organisation import Department
from printing.money import rmb_upper


@dataclass(frozen=True)
class Officer:
    username: str
    display_name: str


def officers(session: Session) -> list[Officer]:
    """Active 医患沟通办公室专员 who may be named on a restricted case (for whoever may restrict)."""
    require(session, Action.RESTRICT)
    rows = (
        User.select(User.username, User.display_name)
        .join(UserRole)
        .where((UserRole.role == Role.OFFICER) & (User.active == True))  # noqa: E712
        .order_by(User.display_name, User.username)
        .distinct()
    )
    return [Officer(u.username, u.display_name) for u in rows]


@dataclass(frozen=True)
class Printable:
    """A document the user may issue from the case now; `issued` counts the earlier issues."""

    kind: str
    title: str
    assignment_id: int | None
    department: str
    issued: int

    @property
    def page_sizes(self) -> tuple[str, ...]:
        return ("A4", "A5") if self.kind == "receipt" else ("A4",)


def printable_documents(session: Session, case_id: int) -> list[Printable]:
    """Every document kind (a 转办单 per department) the policy and the case's state allow now."""
    case = load_case(case_id)
    case_facts = check(session, Action.VIEW_CASE, case)
    counts = Counter(
        (d.kind, d.assignment_id)
        for d in IssuedDocument.select(IssuedDocument.kind, IssuedDocument.assignment).where(
            IssuedDocument.case == case_id
        )
    )
    result: list[Printable] = []
    for kind in CASE_DOCUMENTS:
        if not can(session.user, KIND_ACTIONS[kind], case_facts):
            continue
        targets: list[tuple[Assignment | None, str]] = [(None, "")]
        if kind == "dispatch":
            targets = [
                (a, Department.get_by_id(a.department_id).name)
                for a in Assignment.select()
                .where((Assignment.case == case_id) & (Assignment.state != AssignmentState.RETURNED))
                .order_by(Assignment.id)
            ]
        for assignment, department in targets:
            try:
                check_available(kind, case, assignment)
            except ComplaintDeskError:
                continue
            assignment_id = assignment.id if assignment is not None else None
            result.append(
                Printable(kind, kind_title(kind), assignment_id, department, counts[(kind, assignment_id)])
            )
    return result


def amount_in_capitals(text: str) -> str:
    """`壹仟贰佰叁拾肆元伍角` for a valid amount, "" for none; ValidationError (Chinese) otherwise."""
    amount = validate_amount(text, field="compensation", label="赔偿/退费金额", required=False)
    return rmb_upper(amount) if amount is not None else ""


def capitals_hint(text: str) -> str:
    """What the draft form shows under the amount while typing: 大写 or why the amount is wrong."""
    try:
        capitals = amount_in_capitals(text)
    except ValidationError as exc:
        return exc.message
    return f"大写：{capitals}" if capitals else ""


def reply_quote(department: str, responded_at: datetime | None, responder: str, response: str) -> str:
    """A department's reply as the draft's 调查核实情况 quotes it:
    "心血管内科反馈（2026年3月13日，郑国华）：当日 9:10–11:40 …"."""
    when = f"{responded_at.year}年{responded_at.month}月{responded_at.day}日" if responded_at else ""
    source = "，".join(part for part in (when, responder) if part)
    return f"{department}反馈" + (f"（{source}）" if source else "") + "：" + response.strip()


def replies_quote(replies: Sequence[tuple[str, datetime | None, str, str]]) -> str:
    """Every reply, one paragraph each, in the order given (department, when, who, text)."""
    return "\n".join(reply_quote(*reply) for reply in replies if reply[3].strip())
