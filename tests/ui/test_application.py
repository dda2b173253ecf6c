"""run_gui routing: demo → login, missing database → wizard, existing → login → main window."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication, QLabel
from shiboken6 import Shiboken

from app import auth
from app.appconfig import WorkstationConfig
from tests.support.accounts import USER_PASSWORD
from ui import application
from ui.application import GuiController, run_gui
from ui.demo_dialog import DemoDialog
from ui.login_dialog import LoginDialog
from ui.main_window import MainWindow
from ui.password_dialog import ChangePasswordDialog
from ui.setup_wizard import SetupWizard


@pytest.fixture(autouse=True)
def restore_app_state(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    yield
    qapp.setQuitOnLastWindowClosed(True)
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow):
            widget.close()


def _login_as(username: str, record: list[str] | None = None):
    """LoginDialog.exec signing in as `username`; `record` gets the username the dialog offered."""

    def exec_(dialog: LoginDialog) -> int:
        if record is not None:
            record.append(dialog.username_edit.text())
        dialog.session = auth.login_local(dialog.database, username, USER_PASSWORD)
        return 1

    return exec_


def test_application_look(qapp: QApplication) -> None:
    sheet = qapp.styleSheet()
    assert "#17669E" in sheet
    qapp.setStyleSheet("")  # the style sheet wraps the base style; look underneath it
    try:
        assert qapp.style().name().lower() == "fusion"
    finally:
        application.configure_application(qapp)
    assert "Microsoft YaHei UI" in qapp.font().families()
    assert "WenQuanYi Micro Hei" in qapp.font().families()
    assert 10 <= qapp.font().pointSizeF() <= 11
    assert QFontInfo(qapp.font()).family() != ""
    assert "@ICONS@" not in application.style_sheet()


def test_demo_shows_users_then_login(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    demo_dialogs: list[DemoDialog] = []
    demo_texts: list[str] = []
    logins: list[str] = []
    folders: list[Path] = []

    def demo_exec(dialog: DemoDialog) -> int:
        demo_dialogs.append(dialog)
        demo_texts.append(" ".join(label.text() for label in dialog.findChildren(QLabel)))
        demo_texts.append(dialog.password.value())
        return 1

    def quit_at_once(self: QApplication) -> int:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        assert len(windows) == 1 and windows[0].demo
        assert windows[0].database_label.text().startswith("演示数据库 · ")
        folders.append(windows[0].session.database_path.parent)
        return 0

    monkeypatch.setenv("COMPLAINTDESK_PASSWORD", USER_PASSWORD)
    monkeypatch.setattr(DemoDialog, "exec", demo_exec)
    monkeypatch.setattr(LoginDialog, "exec", _login_as("officer", logins))
    monkeypatch.setattr(QApplication, "exec", quit_at_once)
    assert run_gui(demo=True) == 0
    assert len(demo_dialogs) == 1
    texts, password = demo_texts
    assert "一次性演示数据库" in texts and "程序退出时演示数据库会被删除" in texts
    assert "总值班" in texts and "night_duty" in texts
    assert password
    assert logins == ["officer"]
    assert folders and not folders[0].exists(), "the throwaway demo database is deleted on exit"


def test_missing_database_opens_the_wizard(
    qapp: QApplication, workstation_folders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wizards: list[SetupWizard] = []
    monkeypatch.setattr(SetupWizard, "exec", lambda self: wizards.append(self) or 0)
    assert run_gui() == 0
    assert wizards[0].database_path == workstation_folders / "data" / "complaintdesk.db"


def test_existing_database_login_then_main_window(
    qapp: QApplication, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[MainWindow] = []

    def quit_at_once(self: QApplication) -> int:
        shown.extend(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        return 0

    monkeypatch.setattr(LoginDialog, "exec", _login_as("王小明"))
    monkeypatch.setattr(QApplication, "exec", quit_at_once)
    assert run_gui(db=str(db_path)) == 0
    assert len(shown) == 1 and shown[0].session.user.username == "王小明"
    assert not Shiboken.isValid(shown[0]), "destroyed before run_gui returns, not in the teardown at exit"
    config = WorkstationConfig.load()
    assert config.last_username == "王小明" and config.database_path == str(db_path)


def test_cancelled_login_quits(qapp: QApplication, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LoginDialog, "exec", lambda self: 0)
    assert run_gui(db=str(db_path)) == 0


def test_forced_change_then_logout_returns_to_login(
    qtbot, qapp: QApplication, admin_session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import users

    users.reset_password(admin_session, "clerk", "Temp2026pw")
    auth.logout(admin_session)
    logins: list[LoginDialog] = []

    def login_exec(dialog: LoginDialog) -> int:
        logins.append(dialog)
        if len(logins) > 1:
            return 0  # the second time round the user cancels
        dialog.session = auth.login_local(dialog.database, "clerk", "Temp2026pw")
        return 1

    def change_exec(dialog: ChangePasswordDialog) -> int:
        auth.change_own_password(dialog.session, "Temp2026pw", "Mine2026pw")
        return 1

    monkeypatch.setattr(LoginDialog, "exec", login_exec)
    monkeypatch.setattr(ChangePasswordDialog, "exec", change_exec)
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", lambda: quits.append(True))
    controller = GuiController(admin_session.database_path, remember=True)
    assert controller.login()
    window = controller.window
    assert window is not None and not window.session.user.must_change_password
    window.logout_action.trigger()
    qtbot.waitUntil(lambda: len(logins) == 2, timeout=2000)
    assert logins[1].username_edit.text() == "clerk"
    qtbot.waitUntil(lambda: bool(quits), timeout=2000)


def test_wizard_can_open_an_existing_database_instead(
    qapp: QApplication, db_path: Path, workstation_folders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logins: list[LoginDialog] = []

    def wizard_exec(wizard: SetupWizard) -> int:
        monkeypatch.setattr(
            "ui.setup_wizard.QFileDialog.getOpenFileName", lambda *args, **kwargs: (str(db_path), "")
        )
        wizard.page(wizard.startId()).open_button.click()
        return 0

    monkeypatch.setattr(SetupWizard, "exec", wizard_exec)
    monkeypatch.setattr(LoginDialog, "exec", lambda self: logins.append(self) or 0)
    assert run_gui() == 0
    assert logins and logins[0].database == db_path


def test_every_window_gets_the_application_icon(qapp) -> None:
    from ui.application import DESKTOP_ID, application_icon

    icon = application_icon()
    assert not icon.isNull() and icon.pixmap(32, 32).width() == 32
    assert not qapp.windowIcon().isNull(), "configure_application sets it for every window"
    assert qapp.desktopFileName() == DESKTOP_ID
