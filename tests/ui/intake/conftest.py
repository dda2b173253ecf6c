"""Fixtures of the intake page tests: a clerk, an officer and a night-duty user on one database, the
clock on a working morning, and a shown IntakePage for any of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from pytestqt.qtbot import QtBot

from app import clock
from app.cases import intake
from app.cases.intake import IntakeForm, Registered
from app.session import Session
from tests.support.sessions import session_as
from ui.intake.intake_page import IntakePage

# Tuesday 10 March 2026, 09:00: a working day, inside office hours.
MORNING = datetime(2026, 3, 10, 9, 0)
PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"  # GB 11643 check digit X


@pytest.fixture
def desk(admin_session: Session) -> dict[str, Session]:
    """Sessions of a clerk, an officer and a night-duty user (users added at the real time)."""
    people = {
        "clerk": session_as(admin_session, "qianli", "clerk", display_name="钱丽"),
        "officer": session_as(admin_session, "linxw", "officer", display_name="林晓雯"),
        "night_duty": session_as(admin_session, "sunjh", "night_duty", display_name="孙建华"),
    }
    clock.set_clock(lambda: MORNING)
    return people


@pytest.fixture
def make_page(qtbot: QtBot) -> Callable[[Session], IntakePage]:
    def make(session: Session) -> IntakePage:
        page = IntakePage(session)
        qtbot.addWidget(page)
        page.resize(1280, 800)
        page.show()
        qtbot.waitExposed(page)
        page.activateWindow()
        qtbot.waitUntil(page.isActiveWindow)  # keyboard focus only exists in the active window
        return page

    return make


def register_earlier(session: Session, at: datetime, **fields: object) -> Registered:
    """An earlier complaint registered straight through the service."""
    clock.set_clock(lambda: at)
    values: dict[str, object] = {
        "channel": "phone",
        "complainant_name": "王秀英",
        "complainant_phone": PHONE,
        "content": "门诊停车场排队近一小时，保安指挥混乱。",
    }
    values.update(fields)
    try:
        return intake.register(session, IntakeForm(**values))  # type: ignore[arg-type]
    finally:
        clock.set_clock(lambda: MORNING)
