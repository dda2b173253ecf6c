"""Fixtures of the workspace tests: the desk (a session per role on one database, the clock) and a
shown case workspace."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.session import Session
from tests.support.cases import FakeClock
from tests.support.desk import Desk, open_desk
from ui.workspace import CaseWorkspace


@pytest.fixture
def desk(fake_clock: FakeClock, admin_session: Session) -> Desk:
    """王小明 (officer) and the clerk 赵敏 come with the database; 刘强 (officer) and 陈主任 (manager)
    are added."""
    return open_desk(
        admin_session,
        fake_clock,
        existing={"officer": "王小明", "clerk": "clerk"},
        new={"officer2": ("liuq", "刘强", ["officer"]), "manager": ("chenzr", "陈主任", ["manager"])},
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
