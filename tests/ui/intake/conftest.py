"""Fixtures of the intake page tests: the desk (a clerk, an officer and a night-duty user on one
database; the clock on a working morning) and a shown IntakePage for any of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from pytestqt.qtbot import QtBot

from app.cases import intake
from app.cases.intake import IntakeForm, Registered
from app.session import Session
from tests.support.cases import PHONE, FakeClock
from tests.support.desk import Desk, open_desk
from ui.intake.intake_page import IntakePage


@pytest.fixture
def desk(fake_clock: FakeClock, admin_session: Session) -> Desk:
    """A clerk, an officer and a night-duty user; the clock at START (Tuesday 09:00, office hours)."""
    return open_desk(
        admin_session,
        fake_clock,
        new={
            "clerk": ("qianli", "钱丽", ["clerk"]),
            "officer": ("linxw", "林晓雯", ["officer"]),
            "night_duty": ("sunjh", "孙建华", ["night_duty"]),
        },
    )


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


def register_earlier(desk: Desk, at: datetime, **fields: object) -> Registered:
    """An earlier complaint registered by the clerk straight through the service (the clock set back
    to `at` meanwhile)."""
    now = desk.clock.at
    desk.clock.set(at)
    values: dict[str, object] = {
        "channel": "phone",
        "complainant_name": "王秀英",
        "complainant_phone": PHONE,
        "content": "门诊停车场排队近一小时，保安指挥混乱。",
    }
    values.update(fields)
    try:
        return intake.register(desk["clerk"], IntakeForm(**values))  # type: ignore[arg-type]
    finally:
        desk.clock.set(now)
