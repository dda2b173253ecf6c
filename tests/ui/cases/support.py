"""Shared by the board, case-list, home and main-window tests: a session per role on one database,
a settable clock, cases walked to any state through the services, and a shown main window.

The conftest of each of those test folders imports the fixtures from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from app import auth, clock
from app.cases import intake, routing, transitions
from app.cases.intake import IntakeForm
from app.cases.states import State
from app.cases.views import open_case
from app.session import Session
from tests.support.sessions import session_as
from ui.main_window import MainWindow

# Tuesday 10 March 2026, 09:00: a working day, inside office hours.
START = datetime(2026, 3, 10, 9, 0)
PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"
DEPARTMENTS = ("cardiology", "nursing")
MAIN_PATH = (
    State.REGISTERED,
    State.ACCEPTED,
    State.IN_PROGRESS,
    State.DRAFTING,
    State.PENDING_APPROVAL,
    State.APPROVED,
    State.REPLIED,
    State.AWAITING_SIGNOFF,
    State.CLOSED,
)


class FakeClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at

    def advance(self, **kwargs: float) -> datetime:
        self.at += timedelta(**kwargs)
        return self.at


def form(**overrides: object) -> IntakeForm:
    values: dict[str, object] = {
        "channel": "visit",
        "content": "患者在门诊候诊三小时无人叫号，询问护士站被告知系统故障，态度生硬。",
        "complainant_name": "张桂兰",
        "complainant_phone": PHONE,
        "complainant_id_number": ID_NUMBER,
        "patient_name": "李建国",
        "demands": "要求医院道歉并改进叫号流程",
    }
    values.update(overrides)
    return IntakeForm(**values)  # type: ignore[arg-type]


@dataclass
class Office:
    """One open database: the admin, two officers, a manager, a clerk and a night-duty user."""

    admin: Session
    officer: Session  # 王小明
    officer2: Session  # 刘强
    manager: Session  # 陈主任
    clerk: Session  # 赵敏
    night: Session  # 孙立军
    clock: FakeClock

    def register(self, by: Session | None = None, **overrides: object) -> int:
        return intake.register(by or self.clerk, form(**overrides)).case_id

    def case(self, state: str = State.REGISTERED, **overrides: object) -> int:
        case_id = self.register(**overrides)
        self.walk(case_id, state)
        return case_id

    def walk(self, case_id: int, state: str) -> None:
        """Move a case along the main path through the services until it is in `state`."""
        officer, manager = self.officer, self.manager
        current = open_case(manager, case_id).state
        for step in MAIN_PATH[MAIN_PATH.index(State(current)) + 1 : MAIN_PATH.index(State(state)) + 1]:
            if step == State.ACCEPTED:
                transitions.accept(officer, case_id)
            elif step == State.IN_PROGRESS:
                routing.assign(officer, case_id, list(DEPARTMENTS), "请核实当日叫号情况")
            elif step == State.DRAFTING:
                for a in open_case(officer, case_id).assignments:
                    routing.respond(officer, a.id, "已核实，系统故障属实。", "科室主任")
            elif step == State.PENDING_APPROVAL:
                transitions.save_draft(
                    officer,
                    case_id,
                    facts="经核实，当日叫号系统故障。",
                    finding="partly_upheld",
                    resolution="向患者致歉，完善人工叫号预案。",
                )
                transitions.submit_for_approval(officer, case_id)
            elif step == State.APPROVED:
                transitions.approve(manager, case_id, "同意")
            elif step == State.REPLIED:
                transitions.record_reply(officer, case_id, "phone")
            elif step == State.AWAITING_SIGNOFF:
                transitions.follow_up(officer, case_id, method="phone", satisfaction="satisfied")
            elif step == State.CLOSED:
                transitions.sign_off(manager, case_id)


def _as(admin: Session, username: str) -> Session:
    return replace(admin, user=auth.current_user(username), slots=None, db_key=None)


@pytest.fixture
def fake_clock() -> Iterator[FakeClock]:
    fake = FakeClock(START)
    clock.set_clock(fake)
    yield fake
    clock.set_clock(None)


@pytest.fixture
def office(fake_clock: FakeClock, admin_session: Session) -> Office:
    """王小明 (officer) and 赵敏 (clerk) come with the database; the others are added here."""
    return Office(
        admin=admin_session,
        officer=_as(admin_session, "王小明"),
        officer2=session_as(admin_session, "liuq", "officer", display_name="刘强"),
        manager=session_as(admin_session, "chenzr", "manager", display_name="陈主任"),
        clerk=_as(admin_session, "clerk"),
        night=session_as(admin_session, "sunlj", "night_duty", display_name="孙立军"),
        clock=fake_clock,
    )


@pytest.fixture
def main_window(qtbot: QtBot) -> Callable[[Session], MainWindow]:
    """main_window(session) → a shown 1280×800 MainWindow (no idle lock)."""

    def make(session: Session) -> MainWindow:
        window = MainWindow(session, idle_timeout_ms=0)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)  # shortcuts only reach the active window
        return window

    return make
