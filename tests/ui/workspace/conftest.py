"""Fixtures of the workspace tests: a settable clock, a session per role on one database, cases."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from pytestqt.qtbot import QtBot

from app import auth, clock
from app.cases.states import State
from app.session import Session
from tests.support.cases import DEPARTMENTS, START, FakeClock, register, walk
from tests.support.sessions import session_as
from ui.workspace import CaseWorkspace


@pytest.fixture
def fake_clock() -> Iterator[FakeClock]:
    fake = FakeClock(START)
    clock.set_clock(fake)
    yield fake
    clock.set_clock(None)


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
        return register(by or self.clerk, **overrides)

    def walk(self, case_id: int, state: str, departments: tuple[str, ...] = DEPARTMENTS) -> None:
        """Move a case along the main path through the services until it is in `state`."""
        walk(self.officer, self.manager, case_id, state, departments)

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
