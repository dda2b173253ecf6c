"""Main window: menus by policy, status bar, home page, idle lock and unlock, logout."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from app import auth
from app.session import Session
from tests.ui.conftest import HOSPITAL, PASSWORD
from ui.main_window import MainWindow


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
    assert _menu_titles(window) == ["文件(&F)", "账户(&A)", "管理(&M)", "帮助(&H)"]
    assert [a.text() for a in window.admin_menu.actions()] == ["用户管理", "科室管理", "系统设置"]
    assert window.user_label.text() == "周建国　系统管理员"
    assert window.database_label.text() == "本地加密库 · complaints.db"
    assert HOSPITAL in window.windowTitle()
    home = window.home_page
    assert "周建国" in home.greeting.text()
    assert HOSPITAL in home.place.text()
    assert home.activity_model.rowCount() >= 1
    assert home.activity_model.index(0, 1).data() == "登录"

    window.users_action.trigger()
    assert window.current_page_key() == "users"
    assert window.back_bar.isVisible()
    window.back_button.click()
    assert window.current_page_key() == "home"


def test_officer_does_not_see_the_admin_menu(qtbot: QtBot, officer_session: Session) -> None:
    window = _window(qtbot, officer_session)
    assert _menu_titles(window) == ["文件(&F)", "账户(&A)", "帮助(&H)"]
    assert window.admin_menu is None
    assert window.user_label.text() == "王小明　医患沟通办公室专员"
    buttons = [b.text() for b in window.home_page.findChildren(QPushButton)]
    assert not any("用户管理" in text for text in buttons)


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

    qtbot.keyClicks(lock.password_edit, PASSWORD)
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
    session = auth.login_local(db_path, "王小明", PASSWORD)
    window = _window(qtbot, session)
    with qtbot.waitSignal(window.closed, timeout=2000):
        window.quit_action.trigger()
