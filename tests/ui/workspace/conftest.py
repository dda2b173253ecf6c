"""Fixtures of the workspace tests: a settable clock, a session per role on one database, cases."""

from __future__ import annotations

from collections.abc import Iterator
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
from ui.workspace import CaseWorkspace

# Tuesday 10 March 2026, 09:00: a working day, inside office hours.
START = datetime(2026, 3, 10, 9, 0)
PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"
DEPARTMENTS = ("cardiology", "nursing")


class FakeClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **kwargs: float) -> datetime:
        self.at += timedelta(**kwargs)
        return self.at


@pytest.fixture
def fake_clock() -> Iterator[FakeClock]:
    fake = FakeClock(START)
    clock.set_clock(fake)
    yield fake
    clock.set_clock(None)


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
class Desk:
    """One open database; sessions for the admin, two officers, a manager and a clerk."""

    admin: Session
    officer: Session
    officer2: Session
    manager: Session
    clerk: Session
    clock: FakeClock

    def register(self, by: Session | None = None, **overrides: object) -> int:
        return intake.register(by or self.clerk, form(**overrides)).case_id

    def walk(self, case_id: int, state: str, departments: tuple[str, ...] = DEPARTMENTS) -> None:
        """Move a case along the main path through the services until it is in `state`."""
        path = [
            State.REGISTERED,
            State.ACCEPTED,
            State.IN_PROGRESS,
            State.DRAFTING,
            State.PENDING_APPROVAL,
            State.APPROVED,
            State.REPLIED,
            State.AWAITING_SIGNOFF,
            State.CLOSED,
        ]
        officer, manager = self.officer, self.manager
        current = open_case(officer, case_id).state
        for step in path[path.index(State(current)) + 1 : path.index(State(state)) + 1]:
            if step == State.ACCEPTED:
                transitions.accept(officer, case_id)
            elif step == State.IN_PROGRESS:
                routing.assign(officer, case_id, list(departments), "请核实当日叫号情况")
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

    def case(self, state: str = State.REGISTERED, **overrides: object) -> int:
        case_id = self.register(**overrides)
        self.walk(case_id, state)
        return case_id


def _as(admin: Session, username: str) -> Session:
    return replace(admin, user=auth.current_user(username), slots=None, db_key=None)


@pytest.fixture
def desk(fake_clock: FakeClock, admin_session: Session) -> Desk:
    """王小明 and the clerk 赵敏 come with the database; 刘强 (officer) and 陈主任 (manager) are added."""
    officer2 = session_as(admin_session, "liuq", "officer", display_name="刘强")
    manager = session_as(admin_session, "chenzr", "manager", display_name="陈主任")
    return Desk(
        admin=admin_session,
        officer=_as(admin_session, "王小明"),
        officer2=officer2,
        manager=manager,
        clerk=_as(admin_session, "clerk"),
        clock=fake_clock,
    )


@pytest.fixture
def open_workspace(qtbot: QtBot):
    """open_workspace(session, case_id) → a shown 1280×800 CaseWorkspace."""

    def make(session: Session, case_id: int) -> CaseWorkspace:
        workspace = CaseWorkspace(session, case_id)
        qtbot.addWidget(workspace)
        workspace.resize(1280, 800)
        workspace.show()
        qtbot.waitExposed(workspace)
        return workspace

    return make
