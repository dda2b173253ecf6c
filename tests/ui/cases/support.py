"""Shared by the board, case-list, home and main-window tests: a session per role on one database,
cases walked to any state through the services, and a shown main window.

The conftest of each of those test folders imports the fixtures from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from pytestqt.qtbot import QtBot

from app.cases.states import State
from app.session import Session
from tests.support.cases import FakeClock, register, walk
from tests.support.sessions import session_as, session_for
from ui.main_window import MainWindow


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
        return register(by or self.clerk, **overrides)

    def case(self, state: str = State.REGISTERED, **overrides: object) -> int:
        case_id = self.register(**overrides)
        self.walk(case_id, state)
        return case_id

    def walk(self, case_id: int, state: str) -> None:
        """Move a case along the main path through the services until it is in `state`."""
        walk(self.officer, self.manager, case_id, state)


@pytest.fixture
def office(fake_clock: FakeClock, admin_session: Session) -> Office:
    """王小明 (officer) and 赵敏 (clerk) come with the database; the others are added here."""
    return Office(
        admin=admin_session,
        officer=session_for(admin_session, "王小明"),
        officer2=session_as(admin_session, "liuq", "officer", display_name="刘强"),
        manager=session_as(admin_session, "chenzr", "manager", display_name="陈主任"),
        clerk=session_for(admin_session, "clerk"),
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
