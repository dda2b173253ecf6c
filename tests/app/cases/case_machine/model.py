"""What the machine believes: the rights of each role (DESIGN §1), the model of one case, working days."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import chinese_calendar
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
)

from app.cases.states import State
from app.errors import ComplaintDeskError

from ..conftest import (
    ANY_STATE_RULES,
    LEGAL,
    PEOPLE,
)

S = State
USERS = [*PEOPLE, "admin"]
ROLE_SETS: dict[str, frozenset[str]] = {key: frozenset(roles) for key, (_u, _d, roles) in PEOPLE.items()}
ROLE_SETS["admin"] = frozenset({"admin"})
# Mostly the people who move a case on, but every role gets its turn.
ACTORS = st.sampled_from(
    ["officer"] * 5 + ["manager"] * 3 + [u for u in USERS if u not in ("officer", "manager")]
)
DEPARTMENTS = ["cardiology", "nursing", "radiology"]
OPEN = frozenset(State) - {S.CLOSED, S.REJECTED, S.MERGED}
FINAL = frozenset({S.CLOSED, S.REJECTED, S.MERGED})
AFTER_DRAFTING = frozenset({S.DRAFTING, S.PENDING_APPROVAL, S.APPROVED, S.REPLIED, S.AWAITING_SIGN_OFF})
RULE_STATES = {**LEGAL, **dict.fromkeys(ANY_STATE_RULES, frozenset(State))}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
EXAMPLES = int(os.environ.get("CASE_MACHINE_EXAMPLES", "500"))

# DESIGN §1: which roles may take each action (on a case they can see).
OFFICE = frozenset({"officer", "manager"})
GRANTS: dict[str, frozenset[str]] = {
    "accept": OFFICE,
    "reject": OFFICE,
    "resolve_on_spot": OFFICE,
    "assign": frozenset({"officer"}),
    "acknowledge": frozenset({"officer"}),
    "respond": frozenset({"officer"}),
    "return": frozenset({"officer"}),
    "draft": frozenset({"officer"}),
    "submit": frozenset({"officer"}),
    "approve": frozenset({"manager"}),
    "return_draft": frozenset({"manager"}),
    "reply": frozenset({"officer"}),
    "follow_up": frozenset({"officer"}),
    "external_route": frozenset({"officer"}),
    "sign_off": frozenset({"manager"}),
    "close_unresolvable": frozenset({"manager"}),
    "archive": frozenset({"manager"}),
    "hold": OFFICE,
    "resume": OFFICE,
    "request_extension": frozenset({"officer"}),
    "decide_extension": frozenset({"manager"}),
    "escalate": OFFICE,
    "major_check": OFFICE,  # the 重大 checklist (ticked only on a major case: test_major_checklist.py)
    "restrict": frozenset({"manager"}),
    "merge": OFFICE,
    "link": OFFICE,
    "note": OFFICE,
    "attachment": OFFICE | {"clerk", "night_duty"},  # the intake roles: on their own intake only
    "view": OFFICE | {"clerk", "night_duty"},
    "register": OFFICE | {"clerk", "night_duty"},
    "correct": OFFICE | {"clerk", "night_duty"},  # by state and day: `permitted`
    "add_issue": OFFICE,
    "edit_issue": OFFICE,
    "remove_issue": OFFICE,
    "issue_finding": frozenset({"officer"}),
    "override_finding": OFFICE,
}

OK = None
Expected = tuple[type[ComplaintDeskError], str] | None


@dataclass
class Model:
    """What the test believes about one case."""

    id: int
    case_no: str
    registered_by: str
    registered_on: date
    night: bool
    state: str = S.REGISTERED
    on_hold: bool = False
    restricted: bool = False
    named: set[str] = field(default_factory=set)
    officer: str | None = None
    escalated: bool = False
    archived: bool = False
    reroutes: int = 0
    reopens: int = 0
    # 再处理 counts a fresh reply period from the reopening (app/cases/promises.py): its day, and the
    # extension and hold days granted before it (no longer counted)
    period_start: date | None = None
    days_before_period: int = 0
    has_draft: bool = False
    accepted: bool = False
    writes: int = 0
    merged_into: int | None = None
    close_kind: str = ""
    assignments: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (department, state)
    extensions: dict[int, tuple[int, str]] = field(default_factory=dict)  # id -> (workdays, state)
    routes: list[int] = field(default_factory=list)
    links: set[int] = field(default_factory=set)
    hold_since: datetime | None = None
    paused: int = 0  # working days spent on hold, counted on each resume

    def open_assignments(self) -> dict[int, str]:
        return {aid: dept for aid, (dept, st_) in self.assignments.items() if st_ in ("sent", "acknowledged")}


def workdays_between(a: date, b: date) -> int:
    """Working days in (a, b] by the official 2026 calendar (民法典 Art. 201: the first day is not counted)."""
    return sum(chinese_calendar.is_workday(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


def withdraw(m) -> None:
    """Closing or merging a case withdraws its department replies still outstanding."""
    for aid, (dept, state) in list(m.assignments.items()):
        if state in ("sent", "acknowledged"):
            m.assignments[aid] = (dept, "withdrawn")


def add_workdays(start: date, n: int) -> date:

    day = start
    while n:
        day += timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


def after_hours(at: datetime) -> bool:
    return not chinese_calendar.is_workday(at.date()) or not (time(8, 0) <= at.time() < time(17, 30))


cases = Bundle("cases")  # the case ids the rules draw from (one bundle, shared by every part)
