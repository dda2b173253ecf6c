"""An upgraded database recounts its statistics after login on a worker thread with a progress
dialog; 取消 leaves the stored figures as they were and the database still marked."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.cases.states import State
from app.errors import OperationCancelled
from app.statistics import service, store
from models.accounts import Setting
from models.migrations import STATISTICS_REBUILD_SETTING
from models.statistics import CaseStat, StatCube, StatFlow
from tests.support.desk import Desk
from ui.statistics.rebuild import start_pending_rebuild


def _mark_pending(desk: Desk) -> None:
    """As an upgrade leaves it: marked, the flows not yet there."""
    Setting.create(
        key=STATISTICS_REBUILD_SETTING, value="true", updated_at=desk.clock.at, updated_by="system"
    )
    StatFlow.delete().execute()


def _cases(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 3, 10, 9, 0))
    for state in (State.CLOSED, State.IN_PROGRESS, State.REGISTERED):
        desk.new_case(state)


def test_the_recount_runs_in_the_background_after_login(qtbot: QtBot, desk: Desk) -> None:
    _cases(desk)
    flows = {(r.key, r.day): r.n for r in StatFlow.select() if r.n}
    _mark_pending(desk)
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    assert start_pending_rebuild(window, desk["clerk"]) is None  # not for a user without statistics
    running = start_pending_rebuild(window, desk["manager"])
    assert running is not None and running.dialog.windowTitle() == "重建统计数据"
    outcome = running.wait(30_000)
    assert outcome is not None and outcome.ok and outcome.value == 3
    assert running.last_progress is not None and "正在重建统计数据（3/3 件）" in running.last_progress[2]
    assert not store.rebuild_pending()
    assert {(r.key, r.day): r.n for r in StatFlow.select() if r.n} == flows
    assert start_pending_rebuild(window, desk["manager"]) is None  # done once


def test_a_cancelled_recount_leaves_everything_as_it_was(desk: Desk) -> None:
    _cases(desk)
    _mark_pending(desk)
    cube = sorted(StatCube.select().tuples())
    stats = CaseStat.select().count()

    def cancel(done: int, total: int, text: str) -> None:
        raise OperationCancelled()

    with pytest.raises(OperationCancelled):
        service.rebuild(desk["manager"], cancel)
    assert store.rebuild_pending() and StatFlow.select().count() == 0
    assert sorted(StatCube.select().tuples()) == cube and CaseStat.select().count() == stats


def test_the_page_says_when_the_recount_is_still_to_run_and_runs_it(qtbot: QtBot, desk: Desk) -> None:
    """Cancelled at login: the page warns that 期末未结 is off and offers 重建统计数据."""
    from ui.statistics import StatisticsPage

    _cases(desk)
    desk.new_case(State.ACCEPTED)
    _mark_pending(desk)
    page = StatisticsPage(desk["manager"])
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.computed is not None, timeout=20_000)
    assert page.computed.rebuild_pending and page.rebuild_button.isVisible()
    assert "尚未重建" in page.status.text() and page.computed.figures.backlog.count == 0  # no flows yet
    page.computed = None  # read again once the recount is done
    page.rebuild_button.click()
    qtbot.waitUntil(lambda: page.computed is not None and not page.computed.rebuild_pending, timeout=30_000)
    assert not page.rebuild_button.isVisible() and "尚未重建" not in page.status.text()
    assert page.computed.figures.backlog.count == 3  # in progress, registered, accepted: open


def test_only_the_manager_recounts_and_an_officer_is_told_so(qtbot: QtBot, desk: Desk) -> None:
    """A recount reads every case; on a shared server only the manager's role sees restricted ones."""
    from app.errors import PermissionDenied
    from ui.statistics import StatisticsPage

    _cases(desk)
    _mark_pending(desk)
    window = QWidget()
    qtbot.addWidget(window)
    assert start_pending_rebuild(window, desk["officer"]) is None
    with pytest.raises(PermissionDenied):
        service.rebuild(desk["officer"], lambda done, total, text: None)
    assert store.rebuild_pending()
    page = StatisticsPage(desk["officer"])
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.computed is not None, timeout=20_000)
    assert page.computed.recount_needed and not page.computed.rebuild_pending
    assert not page.rebuild_button.isVisible() and "请主任登录后重建" in page.status.text()
