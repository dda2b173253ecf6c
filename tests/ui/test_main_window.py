"""Main window: menus by policy, status bar, home page, idle lock and unlock, logout."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app import auth
from app.cases import overlays
from app.session import Session
from tests.support.accounts import HOSPITAL, USER_PASSWORD
from tests.support.sessions import session_as
from tests.ui.cases import support
from tests.ui.cases.support import Office
from tests.ui.helpers import type_text
from tests.ui.workspace.support import answer, on_modal
from ui.home import RoleHome
from ui.home.welcome_page import HomePage
from ui.main_window import MainWindow
from ui.workspace.dialogs import TextDialog

# The fixtures of the board, list and home tests: a session per role (the clock is tests/conftest.py's).
office = support.office
main_window = support.main_window


def _window(qtbot: QtBot, session: Session, idle_ms: int = 0) -> MainWindow:
    window = MainWindow(session, idle_timeout_ms=idle_ms)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _menu_titles(window: MainWindow) -> list[str]:
    return [action.text() for action in window.menuBar().actions()]


def test_admin_sees_the_admin_menu_and_status(qtbot: QtBot, admin_session: Session) -> None:
    window = _window(qtbot, admin_session)
    assert _menu_titles(window) == ["文件(&F)", "转到(&G)", "账户(&A)", "管理(&M)", "帮助(&H)"]
    assert [a.text() for a in window.admin_menu.actions()] == [
        "用户管理",
        "科室管理",
        "投诉类别",
        "系统设置",
        "文书抬头",
        "节假日",
        "审计日志",
        "数据库与工作站",
        "备份与恢复",
    ]
    assert window.rail.keys() == ["home", "reminders", "admin"], "no case navigation without a case role"
    assert window.user_label.text() == "周建国　系统管理员"
    assert window.database_label.text() == "本地加密库 · complaints.db"
    assert HOSPITAL in window.windowTitle()
    home = window.home_page
    assert isinstance(home, HomePage)
    assert "周建国" in home.greeting.text()
    assert HOSPITAL in home.place.text()
    assert home.activity_model.rowCount() >= 1
    assert home.activity_model.index(0, 1).data() == "登录"

    window.users_action.trigger()
    assert window.current_page_key() == "admin"
    assert window.rail.current_key() == "admin"
    tabs = window.pages["admin"]
    assert tabs.current_key() == "users"
    assert window.show_page("departments") is tabs.pages["departments"]
    assert tabs.current_key() == "departments"
    window.go_actions["home"].trigger()
    assert window.current_page_key() == "home"


def test_officer_does_not_see_the_admin_menu(qtbot: QtBot, officer_session: Session) -> None:
    window = _window(qtbot, officer_session)
    assert _menu_titles(window) == ["文件(&F)", "转到(&G)", "账户(&A)", "帮助(&H)"]
    assert window.admin_menu is None
    assert window.rail.keys() == ["home", "intake", "board", "cases", "reminders", "statistics", "rectification"]
    assert isinstance(window.home_page, RoleHome)
    assert window.user_label.text() == "王小明　医患沟通办公室专员"
    buttons = [b.text() for b in window.home_page.findChildren(QPushButton)]
    assert not any("用户管理" in text for text in buttons)
    assert "登记投诉（Ctrl+N）" in buttons


def test_idle_lock_and_unlock(qtbot: QtBot, officer_session: Session) -> None:
    window = _window(qtbot, officer_session, idle_ms=60)
    qtbot.waitUntil(window.is_locked, timeout=3000)
    assert officer_session.locked
    assert not window.centralWidget().isEnabled()
    assert not window.lock_action.isEnabled()
    lock = window.lock_screen
    assert lock.geometry() == window.rect()
    assert any("王小明" in label.text() for label in lock.findChildren(QLabel))

    qtbot.keyClicks(lock.password_edit, "Wrong2026pw")
    qtbot.keyClick(lock.password_edit, Qt.Key.Key_Return)
    assert lock.error.text() == "密码错误"
    assert window.is_locked()

    qtbot.keyClicks(lock.password_edit, USER_PASSWORD)
    qtbot.keyClick(lock.password_edit, Qt.Key.Key_Return)
    assert not window.is_locked()
    assert not officer_session.locked
    assert window.centralWidget().isEnabled()
    assert window.idle.is_active(), "the idle timer counts again after unlocking"


def test_input_restarts_the_idle_countdown(qtbot: QtBot, officer_session: Session) -> None:
    window = _window(qtbot, officer_session, idle_ms=60_000)
    target = window.centralWidget()
    for give_input in (
        lambda: qtbot.keyClick(target, Qt.Key.Key_Shift),
        lambda: qtbot.mouseMove(target, QPoint(17, 23)),  # a point no other test moves to
        lambda: qtbot.mouseClick(target, Qt.MouseButton.LeftButton),
    ):
        qtbot.waitUntil(lambda: 0 < window.idle.remaining_ms() <= 59_700, timeout=3000)
        before = window.idle.remaining_ms()
        give_input()
        QApplication.processEvents()  # the restarted timer is registered by the event loop
        assert window.idle.remaining_ms() > before
    assert not window.is_locked()


def test_ctrl_l_locks_and_closes_open_dialogs(qtbot: QtBot, officer_session: Session) -> None:
    window = _window(qtbot, officer_session)
    dialog = QDialog(window)
    dialog.show()
    window.lock_action.trigger()
    assert window.is_locked()
    assert not dialog.isVisible()


def test_five_wrong_unlocks_force_logout(qtbot: QtBot, officer_session: Session) -> None:
    window = _window(qtbot, officer_session)
    window.lock()
    lock = window.lock_screen
    for _ in range(4):
        lock.password_edit.setText("Wrong2026pw")
        lock.try_unlock()
        assert lock.error.text() == "密码错误"
    lock.password_edit.setText("Wrong2026pw")
    with qtbot.waitSignal(window.logged_out, timeout=2000) as blocker:
        lock.try_unlock()
    assert "账户已锁定至" in blocker.args[0]
    assert not window.isVisible()


def test_logout_link_on_lock_screen(qtbot: QtBot, officer_session: Session) -> None:
    window = _window(qtbot, officer_session)
    window.lock()
    with qtbot.waitSignal(window.logged_out, timeout=2000) as blocker:
        window.lock_screen.logout_button.click()
    assert blocker.args == [""]


def test_logout_menu_returns_and_quit_closes(qtbot: QtBot, db_path, officer_session: Session) -> None:
    window = _window(qtbot, officer_session)
    with qtbot.waitSignal(window.logged_out, timeout=2000):
        window.logout_action.trigger()
    session = auth.login_local(db_path, "王小明", USER_PASSWORD)
    window = _window(qtbot, session)
    with qtbot.waitSignal(window.closed, timeout=2000):
        window.quit_action.trigger()


# -- navigation, the workspace in the stack, masking, live counts ---------------------------------


@pytest.mark.parametrize(
    ("roles", "entries"),
    [
        (("clerk",), ["home", "intake", "cases"]),
        (("night_duty",), ["home", "intake", "cases"]),
        (("manager",), ["home", "intake", "board", "cases", "reminders", "statistics", "rectification", "admin"]),  # 审计日志
        (("officer", "admin"), ["home", "intake", "board", "cases", "reminders", "statistics", "rectification", "admin"]),
    ],
)
def test_rail_entries_follow_the_policy(qtbot: QtBot, office: Office, roles, entries) -> None:
    window = _window(qtbot, session_as(office.admin, "someone", *roles))
    assert window.rail.keys() == entries
    assert [a.shortcut().toString() for a in window.go_actions.values()] == [
        f"Ctrl+{n}" for n in range(1, len(entries) + 1)
    ]


def test_keyboard_reaches_every_page(qtbot: QtBot, office: Office, main_window) -> None:
    office.register()
    window = main_window(office.officer)
    for number, key in enumerate(["home", "intake", "board", "cases"], start=1):
        QTest.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier)
        assert window.current_page_key() == key
        assert window.rail.current_key() == key
        assert window.pages[key].isAncestorOf(QApplication.focusWidget()), "the keyboard is in the page"
    board = window.pages["board"]
    assert QApplication.focusWidget() is not None
    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is board.columns["registered"].view
    window.go_actions["home"].trigger()
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "cases"
    assert QApplication.focusWidget() is window.pages["cases"].search_edit
    window.rail.list.setCurrentRow(2)  # arrow keys or a click on the rail
    assert window.current_page_key() == "board"


def test_a_home_tile_opens_the_list_of_its_queue(qtbot: QtBot, office: Office, main_window) -> None:
    office.register()
    office.case("accepted")
    window = main_window(office.officer)
    queue = window.home_page.tiles.queue_model.queue("due_today")
    window.home_page.queue_requested.emit(queue)
    page = window.pages["cases"]
    assert window.current_page_key() == "cases"
    assert page.queue_chip.text().startswith("今日到期")
    assert page.count_label.text() == "共 1 条"


def test_a_case_opens_in_the_stack_and_goes_back(qtbot: QtBot, office: Office, main_window) -> None:
    case_id = office.register()
    window = main_window(office.officer)
    page = window.show_page("cases")
    page.open_case_requested.emit(case_id)
    assert window.current_page_key() == "case"
    assert window.workspace.view.id == case_id
    assert window.back_button.text() == "‹ 返回案件列表" and window.back_bar.isVisible()
    assert window.rail.current_key() == ""
    window.back_button.click()
    assert window.current_page_key() == "cases" and window.workspace is None
    page.open_case_requested.emit(case_id)
    window.go_actions["board"].trigger()  # the rail leaves the case too
    assert window.current_page_key() == "board" and window.workspace is None


def test_a_write_in_the_workspace_refreshes_counts_and_boards(
    qtbot: QtBot, office: Office, main_window
) -> None:
    case_id = office.register()
    window = main_window(office.officer)
    board_page = window.show_page("board")
    assert board_page.columns["registered"].count.text() == "1"
    assert window.rail.count("board") == 1
    window.open_case(case_id)
    on_modal(TextDialog, lambda d: d.ok_button.click())
    window.workspace.action_bar.control("accept").click()
    assert window.rail.count("board") == 1
    assert {q.key: q.count for q in window.home_page.tiles.queue_model.queues()}["registered"] == 0
    window.close_case()
    assert window.current_page_key() == "board"
    assert board_page.columns["registered"].count.text() == "0"
    assert board_page.columns["accepted"].count.text() == "1"


def test_an_unsaved_draft_is_not_lost_by_leaving(qtbot: QtBot, office: Office, main_window) -> None:
    case_id = office.case("drafting")
    window = main_window(office.officer)
    workspace = window.open_case(case_id)
    workspace.action_bar.control("draft").click()
    type_text(workspace.handling.facts_edit, "经核实，当日叫号系统故障。")
    on_modal(QMessageBox, answer("取消"))
    window.go_actions["board"].trigger()
    assert window.current_page_key() == "case" and window.workspace is workspace
    on_modal(QMessageBox, answer("离开"))
    window.go_actions["board"].trigger()
    assert window.current_page_key() == "board"


def test_the_workspace_masks_for_the_front_desk_and_hides_restricted_cases(
    qtbot: QtBot, office: Office, main_window
) -> None:
    office.clock.set(datetime(2026, 3, 9, 10, 0))
    earlier = office.register(by=office.officer)
    secret = office.case("accepted")
    overlays.restrict(office.manager, secret, True, [])
    office.clock.set(datetime(2026, 3, 10, 9, 0))
    clerk = main_window(office.clerk)
    workspace = clerk.open_case(earlier)
    assert workspace.view.identifiers_masked
    assert workspace.view.complainant_phone == "139****5678"
    assert not workspace.view.handling_visible
    officer = main_window(office.officer2)
    listed = officer.show_page("cases")
    rows = [listed.table.case_model.card(r) for r in range(listed.table.case_model.rowCount())]
    assert [c.redacted for c in rows if c.id == secret] == [True]
    workspace = officer.open_case(secret)
    assert workspace.view is None
    assert workspace.denied.title.text() == "受限案件"


def test_idle_lock_covers_the_new_pages(qtbot: QtBot, office: Office) -> None:
    window = _window(qtbot, office.officer, idle_ms=80)
    window.show_page("board")
    qtbot.waitUntil(window.is_locked, timeout=3000)
    assert not window.rail.isEnabled() and not window.stack.isEnabled()
    assert not window.go_actions["cases"].isEnabled()
    window.lock_screen.password_edit.setText(USER_PASSWORD)
    window.lock_screen.try_unlock()
    assert not window.is_locked() and window.rail.isEnabled()
    assert window.current_page_key() == "board"
