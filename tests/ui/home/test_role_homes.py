"""The role homes: which sections each role gets, the queue tiles and their model, the officer's work
by urgency, the manager's tabs, the handover summary."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app import account
from app.cases import board, documents, overlays
from app.cases.board import QueueCount
from app.session import Session
from tests.ui.cases.support import Office
from ui.home import RoleHome
from ui.home.queue_model import CountRole, QueueModel, QueueRole, ToneRole


def _home(qtbot: QtBot, session: Session) -> RoleHome:
    home = RoleHome(session, account.account_summary(session))
    qtbot.addWidget(home)
    home.resize(1110, 720)
    home.show()
    qtbot.waitExposed(home)
    return home


def _tiles(home: RoleHome) -> dict[str, int]:
    return {q.key: q.count for q in home.tiles.queue_model.queues()}


def _ids(section) -> list[int]:
    model = section.table.case_model
    return [model.card(row).id for row in range(model.rowCount())]


def test_each_role_gets_its_own_sections(qtbot: QtBot, office: Office) -> None:
    officer = _home(qtbot, office.officer)
    assert officer.office_work is not None
    assert officer.approvals is None and officer.intake_desk is None and officer.night_shift is None
    assert list(_tiles(officer)) == ["registered", "due_today", "overdue", "dept_late", "replied", "on_hold"]
    manager = _home(qtbot, office.manager)
    assert manager.approvals is not None and manager.supervision is not None
    assert manager.office_work is None
    assert list(_tiles(manager)) == [
        "pending_approval",
        "awaiting_sign_off",
        "extensions",
        "overdue",
        "escalated",
    ]
    clerk = _home(qtbot, office.clerk)
    assert clerk.intake_desk is not None and clerk.office_work is None and clerk.night_shift is None
    assert list(_tiles(clerk)) == ["registered_today", "registered"]
    night = _home(qtbot, office.night)
    assert night.night_shift is not None and night.handover is not None and night.intake_desk is None
    assert list(_tiles(night)) == ["my_shift"]


def test_the_officers_work_is_ordered_by_urgency(qtbot: QtBot, office: Office) -> None:
    office.clock.set(datetime(2026, 2, 24, 9, 0))
    late = office.case("accepted")  # reply due 3 March: overdue on 10 March
    office.clock.set(datetime(2026, 3, 3, 9, 0))
    amber = office.case("in_progress")  # 10 working days from 3 March: 17 March
    office.clock.set(datetime(2026, 3, 9, 9, 0))
    green = office.case("accepted")  # 16 March
    office.clock.set(datetime(2026, 3, 10, 9, 0))
    fresh = office.register()  # not yet accepted: due today
    other = office.register(by=office.clerk)
    overlays.hold(office.officer, green, "等待投诉人补充材料")
    home = _home(qtbot, office.officer)
    ids = _ids(home.office_work)
    assert ids[0] == late
    assert ids.index(fresh) < ids.index(amber) and ids.index(other) < ids.index(amber)
    assert ids[-1] == green  # on hold: the clock is paused
    assert home.office_work.count.text() == "5 件"
    tiles = _tiles(home)
    assert tiles["overdue"] == 1 and tiles["registered"] == 2 and tiles["on_hold"] == 1
    assert home.headline() == (1, "red")


def test_queue_model_passes_the_model_tester(qtbot: QtBot, office: Office, qtmodeltester) -> None:
    office.case("pending_approval")
    model = QueueModel()
    queues = board.queue_counts(office.manager)
    model.set_queues(queues)
    qtmodeltester.check(model)
    index = model.index([q.key for q in queues].index("pending_approval"))
    assert index.data(CountRole) == 1
    assert index.data(ToneRole) == "amber"
    assert isinstance(index.data(QueueRole), QueueCount)
    assert index.data(Qt.ItemDataRole.DisplayRole) == "待审批"
    model.set_queues(queues[:2])
    assert model.rowCount() == 2
    qtmodeltester.check(model)


def test_a_tile_asks_for_its_list_by_click_or_enter(qtbot: QtBot, office: Office) -> None:
    office.register()
    home = _home(qtbot, office.officer)
    tiles = home.tiles
    index = tiles.queue_model.index(0)
    with qtbot.waitSignal(home.queue_requested) as signal:
        QTest.mouseClick(tiles.viewport(), Qt.MouseButton.LeftButton, pos=tiles.visualRect(index).center())
    assert signal.args[0].key == "registered" and signal.args[0].count == 1
    tiles.setCurrentIndex(tiles.queue_model.index(2))
    with qtbot.waitSignal(home.queue_requested) as signal:
        QTest.keyClick(tiles, Qt.Key.Key_Return)
    assert signal.args[0].key == "overdue"


def test_the_manager_sees_approvals_sign_offs_extensions_overdue_and_escalated(
    qtbot: QtBot, office: Office
) -> None:
    pending = office.case("pending_approval")
    signoff = office.case("awaiting_sign_off")
    extended = office.case("in_progress")
    overlays.request_extension(office.officer, extended, 5, "科室需调取外院病历")
    major = office.register(severity="major")  # a major case is escalated at once
    home = _home(qtbot, office.manager)
    section, watch = home.approvals, home.supervision
    assert _tabs(section) == ["待审批（1）", "待销项（1）", "延期待批（1）"]
    assert _tabs(watch) == ["逾期（0）", "已上报重大（1）"]
    assert _ids_of(section, "pending_approval") == [pending]
    assert _ids_of(section, "awaiting_sign_off") == [signoff]
    assert _ids_of(section, "extensions") == [extended]
    assert _ids_of(watch, "escalated") == [major]
    assert home.headline() == (1, "amber")
    with qtbot.waitSignal(home.open_case_requested) as signal:
        table = section.tables["pending_approval"]
        table.setCurrentIndex(table.case_model.index(0, 0))
        QTest.keyClick(table, Qt.Key.Key_Return)
    assert signal.args == [pending]


def _tabs(section) -> list[str]:
    return [section.tabs.tabText(i) for i in range(section.tabs.count())]


def _ids_of(section, key: str) -> list[int]:
    model = section.tables[key].case_model
    return [model.card(row).id for row in range(model.rowCount())]


def test_handover_summary_counts_the_shift_by_severity(qtbot: QtBot, office: Office) -> None:
    office.clock.set(datetime(2026, 3, 10, 22, 10))
    office.register(by=office.night, channel="phone", severity="major", content="急诊留观患者跌倒。")
    office.clock.set(datetime(2026, 3, 10, 23, 40))
    office.register(by=office.night, channel="phone", content="病房夜间噪音大，无法入睡。")
    office.register(by=office.clerk)  # not the night duty's
    home = _home(qtbot, office.night)
    assert home.night_shift.count.text() == "2 件"
    numbers = {key: label.text() for key, label in home.handover.numbers.items()}
    assert numbers == {"total": "2", "major": "1", "serious": "0", "minor": "1", "escalated": "1"}
    assert "重大投诉" in home.handover.advice.text()
    assert home.headline() == (2, "amber")


def test_the_clerks_print_log_lists_todays_prints(qtbot: QtBot, office: Office) -> None:
    case_id = office.register()
    documents.issue(office.clerk, case_id, "receipt")
    office.clock.advance(minutes=3)
    documents.issue(office.clerk, case_id, "receipt")
    home = _home(qtbot, office.clerk)
    log = home.print_log
    assert log.count.text() == "2 份"
    rows = [[log.model.index(r, c).data() for c in range(4)] for r in range(2)]
    assert rows[0][0] == "09:03" and rows[0][2] == "投诉受理回执" and rows[0][3] == "补打"
    assert rows[1][3] == "首次"
    with qtbot.waitSignal(home.open_case_requested) as signal:
        log.view.activated.emit(log.model.index(0, 1))
    assert signal.args == [case_id]


def test_empty_sections_say_so(qtbot: QtBot, office: Office) -> None:
    clerk = _home(qtbot, office.clerk)
    assert clerk.intake_desk.stack.currentWidget() is clerk.intake_desk.empty
    assert "Ctrl+N" in clerk.intake_desk.empty.text()
    assert not clerk.intake_desk.print_button.isEnabled()
