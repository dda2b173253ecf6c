"""登录 to the server: what is asked, and a clear Chinese message for every kind of failure."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken

from app import shared, users
from app.appconfig import WorkstationConfig
from app.shared import SharedConnection
from models.database import close_current
from models.fields import install_cipher
from tests.support.accounts import ADMIN, ADMIN_PASSWORD
from tests.support.pg_server import _write_tls
from tests.ui.helpers import when_modal
from tests.ui.server_mode.conftest import PASSPHRASE
from ui import application
from ui.application import GuiController, run_gui
from ui.login_dialog import LoginDialog
from ui.main_window import MainWindow
from ui.server_mode.enrollment import EnrollmentImportDialog


@pytest.fixture
def server(shared_admin, pg_params, pg_server):
    """The admin of the shared database adds a clerk, then everybody is logged out."""
    session, data_key = shared_admin
    users.add_user(session, "clerk", "赵敏", ["clerk"], "Clerk2026ok", must_change_password=False)
    close_current()
    install_cipher(None)
    return pg_params, data_key, pg_server.password


def _dialog(qtbot: QtBot, connection: SharedConnection | None, tmp_path: Path, username: str = ADMIN):
    dialog = LoginDialog(tmp_path / "local.db", username, connection=connection)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _submit(qtbot: QtBot, dialog: LoginDialog, password: str = ADMIN_PASSWORD) -> None:
    dialog.password_edit.setText(password)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)


def _expect(dialog: LoginDialog, text: str) -> None:
    assert dialog.session is None and dialog.isVisible()
    assert dialog.error.isVisible() and text in dialog.error.text(), dialog.error.text()


def test_each_failure_is_told_in_chinese(qtbot: QtBot, server, tmp_path: Path) -> None:
    params, key, _owner_password = server
    dialog = _dialog(qtbot, SharedConnection(params, data_key=key), tmp_path)
    assert dialog.database_label.text() == f"服务器 · {shared.server_label(params)}"
    assert not dialog.passphrase_edit.isVisible(), "the keyring holds the data key; no server login is asked"
    assert dialog.enroll_button.text() == "重新导入工作站注册文件…"

    _submit(qtbot, dialog, "Wrong2026pw")
    _expect(dialog, "用户名或密码错误")
    assert dialog.focusWidget() is dialog.password_edit

    cases = [
        (dataclasses.replace(params, port=1), key, "无法连接数据库服务器"),
        (dataclasses.replace(params, dbname="no_such_db"), key, "还没有初始化"),
        (params, b"\1" * 32, "本工作站的数据密钥与该数据库不符"),
    ]
    other_ca = tmp_path / "tls" / "ca.crt"
    other_ca.parent.mkdir()
    _write_tls(other_ca.parent)
    cases.append((dataclasses.replace(params, sslrootcert=str(other_ca)), key, "加密连接失败（TLS）"))
    for target, data_key, message in cases:
        dialog.connection = SharedConnection(target, data_key=data_key)
        _submit(qtbot, dialog)
        _expect(dialog, message)


def test_lockout_on_the_server(qtbot: QtBot, server, tmp_path: Path) -> None:
    params, key, _owner_password = server
    dialog = _dialog(qtbot, SharedConnection(params, data_key=key), tmp_path, "clerk")
    for _ in range(5):
        _submit(qtbot, dialog, "Wrong2026pw")
    _expect(dialog, "账户已锁定至")


def test_no_enrollment_yet_points_to_the_import(qtbot: QtBot, server, tmp_path: Path) -> None:
    params, _key, _owner_password = server
    dialog = _dialog(qtbot, SharedConnection(params), tmp_path)
    _expect(dialog, "还没有导入工作站注册文件")
    _submit(qtbot, dialog)
    _expect(dialog, "还没有导入工作站注册文件")


def test_import_from_the_login_dialog_then_log_in(
    qtbot: QtBot, enrollment_file: Path, pg_params, pg_server, file_dialogs, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, None, tmp_path)
    assert dialog.database_label.text() == "local.db"
    assert dialog.enroll_button.text() == "连接医院服务器：导入工作站注册文件…"
    file_dialogs(open_path=enrollment_file)

    def fill(importer: EnrollmentImportDialog) -> None:
        form = importer.form
        assert not importer.connect_button.isEnabled()
        form.browse_button.click()
        form.passphrase_edit.setText(PASSPHRASE)
        assert importer.connect_button.isEnabled()
        qtbot.keyClick(form.passphrase_edit, Qt.Key.Key_Return)

    when_modal(fill)
    qtbot.mouseClick(dialog.enroll_button, Qt.MouseButton.LeftButton)
    assert dialog.connection is not None and dialog.connection.params == pg_params
    assert dialog.database_label.text().startswith("服务器 · ")
    assert not dialog.passphrase_edit.isVisible()
    _submit(qtbot, dialog)
    assert dialog.session is not None and dialog.session.server == pg_params
    assert WorkstationConfig.load().is_shared


def test_wrong_passphrase_then_right_one(
    qtbot: QtBot, enrollment_file: Path, pg_params, pg_server, tmp_path: Path
) -> None:
    connection = SharedConnection(pg_params, str(enrollment_file))
    dialog = _dialog(qtbot, connection, tmp_path)
    assert dialog.passphrase_edit.isVisible(), "no keyring in the test run: the file's passphrase is asked"
    _submit(qtbot, dialog)
    _expect(dialog, "请输入工作站注册口令")
    dialog.passphrase_edit.setText("wrong passphrase")
    _submit(qtbot, dialog)
    _expect(dialog, "注册口令错误")
    assert dialog.focusWidget() is dialog.passphrase_edit and dialog.passphrase_edit.text() == ""
    dialog.passphrase_edit.setText(PASSPHRASE)
    _submit(qtbot, dialog)
    assert dialog.session is not None


def test_switch_to_a_local_file(qtbot: QtBot, server, db_path: Path, tmp_path: Path, monkeypatch) -> None:
    params, key, _password = server
    dialog = _dialog(qtbot, SharedConnection(params, data_key=key), tmp_path)
    monkeypatch.setattr("ui.login_dialog.QFileDialog.getOpenFileName", lambda *a, **k: (str(db_path), ""))
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert dialog.connection is None and dialog.database_label.text() == db_path.name
    assert not dialog.passphrase_edit.isVisible()


def test_start_in_shared_mode_opens_the_server_login(
    qapp: QApplication, server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """run_gui: the workstation settings say "server"; the main window shows 服务器 · host/db."""
    params, key, _owner_password = server
    WorkstationConfig().use_server(params)
    seen: list[LoginDialog] = []
    windows: list[MainWindow] = []

    def login_exec(dialog: LoginDialog) -> int:
        seen.append(dialog)
        assert dialog.connection is not None and dialog.connection.params == params
        dialog.connection.data_key = key
        dialog.session = dialog.connection.login(ADMIN, ADMIN_PASSWORD)
        return 1

    labels: list[str] = []

    def quit_at_once(self: QApplication) -> int:
        windows.extend(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        labels.extend(w.database_label.text() for w in windows)
        return 0

    monkeypatch.setattr(LoginDialog, "exec", login_exec)
    monkeypatch.setattr(QApplication, "exec", quit_at_once)
    monkeypatch.setattr(application.sys, "excepthook", application.sys.excepthook)
    assert run_gui() == 0
    assert len(seen) == 1 and len(windows) == 1
    assert labels == [f"服务器 · {shared.server_label(params)}"]
    assert not Shiboken.isValid(windows[0])  # destroyed on quitting (ui.application.dispose_windows)
    config = WorkstationConfig.load()
    assert config.is_shared and config.last_username == ADMIN
    qapp.setQuitOnLastWindowClosed(True)


def test_logging_in_again_asks_only_the_user(qtbot: QtBot, server, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a logout the controller keeps this run's data key: no second passphrase."""
    params, key, _owner_password = server
    controller = GuiController(Path("unused.db"), remember=False)
    controller.connection = SharedConnection(params, data_key=key)
    seen: list[LoginDialog] = []

    def login_exec(dialog: LoginDialog) -> int:
        seen.append(dialog)
        return 0

    monkeypatch.setattr(LoginDialog, "exec", login_exec)
    assert not controller.login()
    assert seen[0].connection is controller.connection
    assert not seen[0].passphrase_edit.isVisibleTo(seen[0])
