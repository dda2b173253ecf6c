"""The setup wizard's server paths on a real PostgreSQL server: create, refuse, join."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from app import auth, shared
from app.appconfig import WorkstationConfig
from models.database import close_current
from models.fields import install_cipher
from tests.support.accounts import ADMIN, ADMIN_PASSWORD
from tests.ui.helpers import type_text
from tests.ui.server_mode.conftest import PASSPHRASE, all_bytes, secret_forms
from ui.login_dialog import LoginDialog
from ui.setup_wizard import JOIN, PAGE_ENROLLMENT, PAGE_JOIN, PAGE_SERVER, SERVER, SetupWizard

Button = QWizard.WizardButton


def _wizard(qtbot: QtBot, tmp_path: Path) -> SetupWizard:
    wizard = SetupWizard(tmp_path / "unused.db")
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def _press(qtbot: QtBot, wizard: SetupWizard, which: Button = Button.NextButton) -> None:
    button = wizard.button(which)
    assert button.isVisible() and button.isEnabled(), which
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _fill_server(qtbot: QtBot, form, params, password: str) -> None:
    qtbot.keyClicks(form.host_edit, params.host)
    form.port_edit.clear()
    qtbot.keyClicks(form.port_edit, str(params.port))
    form.dbname_edit.clear()
    qtbot.keyClicks(form.dbname_edit, params.dbname)
    form.user_edit.clear()
    qtbot.keyClicks(form.user_edit, params.user)
    assert form.sslmode_combo.currentData() == "verify-full", "the safe mode is the default"
    form.ca_edit.setText(params.sslrootcert)
    qtbot.keyClicks(form.password_edit, password)


def test_wizard_creates_a_server_database(
    qtbot: QtBot, tmp_path: Path, pg_params, pg_server, workstation_folders: Path, file_dialogs
) -> None:
    wizard = _wizard(qtbot, tmp_path)
    choice = wizard.choice_page
    assert [card.radio.text() for card in choice.cards.values()] == [
        "本地加密数据库(&L)",
        "连接医院服务器，新建共享数据库(&S)",
        "导入工作站注册文件，加入已有的共享数据库(&J)",
    ]
    qtbot.mouseClick(choice.cards[SERVER], Qt.MouseButton.LeftButton)  # anywhere on the card
    assert wizard.choice == SERVER
    _press(qtbot, wizard)
    assert wizard.currentId() == PAGE_SERVER
    form = wizard.server_page.form
    assert not wizard.button(Button.NextButton).isEnabled()

    _fill_server(qtbot, form, pg_params, "not-the-password")
    assert wizard.button(Button.NextButton).isEnabled()
    qtbot.mouseClick(form.test_button, Qt.MouseButton.LeftButton)
    assert form.error.text() == "数据库服务器的用户名或密码错误"
    assert form.password_edit.hasFocus()
    _press(qtbot, wizard)
    assert wizard.currentId() == PAGE_SERVER, "下一步 tests the connection too"

    form.password_edit.clear()
    qtbot.keyClicks(form.password_edit, pg_server.password)
    qtbot.mouseClick(form.test_button, Qt.MouseButton.LeftButton)
    assert form.result.isVisible() and form.result.text().startswith("连接成功")
    assert "空的" in form.result.text() and not form.error.isVisible()
    _press(qtbot, wizard)

    assert wizard.currentPage() is wizard.hospital_page
    type_text(wizard.hospital_page.name_edit, "江宁市第一人民医院")
    _press(qtbot, wizard)
    admin = wizard.admin_page
    assert wizard.currentPage() is admin, "no database file page on the server path"
    assert shared.server_label(pg_params) in admin.subTitle()
    type_text(admin.display_edit, "周建国")
    qtbot.keyClicks(admin.password_edit, ADMIN_PASSWORD)
    qtbot.keyClicks(admin.confirm_edit, ADMIN_PASSWORD)
    _press(qtbot, wizard, Button.CommitButton)

    page = wizard.enrollment_page
    assert wizard.currentId() == PAGE_ENROLLMENT
    assert wizard.session is not None and wizard.session.server == pg_params
    finish = wizard.button(Button.FinishButton)
    assert not finish.isEnabled(), "the enrollment file (the data key's backup) must be saved first"
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert wizard.isVisible()
    assert "没有系统钥匙串" in page.keyring_note.text()

    export = page.form
    qtbot.keyClicks(export.passphrase_edit, "short")
    qtbot.keyClicks(export.confirm_edit, "short")
    qtbot.mouseClick(export.save_button, Qt.MouseButton.LeftButton)
    assert export.error.text() == "注册口令：至少需要 10 个字符"
    export.passphrase_edit.setText(PASSPHRASE)
    export.confirm_edit.setText(PASSPHRASE + "x")
    qtbot.keyClick(export.confirm_edit, Qt.Key.Key_Return)
    assert export.error.text() == "两次输入的注册口令不一致"
    saved = tmp_path / "usb" / "注册文件"
    saved.parent.mkdir()
    file_dialogs(save_path=saved)
    export.confirm_edit.setText(PASSPHRASE)
    qtbot.keyClick(export.confirm_edit, Qt.Key.Key_Return)
    assert export.notice.text().startswith("已保存注册文件：注册文件.cdenroll")
    assert finish.isEnabled()
    _press(qtbot, wizard, Button.FinishButton)
    assert wizard.result() == QWizard.DialogCode.Accepted

    connection = wizard.connection
    assert connection is not None and connection.params == pg_params
    assert Path(connection.enrollment_path).read_bytes() == saved.with_suffix(".cdenroll").read_bytes()
    config = WorkstationConfig.load()
    assert config.is_shared and config.server_params() == pg_params
    data_key = wizard.session.data_key
    assert data_key is not None
    everything = all_bytes(workstation_folders)
    for secret in (pg_server.password.encode(), PASSPHRASE.encode(), *secret_forms(data_key)):
        assert secret not in everything
    params, key = shared.import_enrollment(saved.with_suffix(".cdenroll").read_bytes(), PASSPHRASE)
    assert params == pg_params and key == data_key
    auth.logout(wizard.session)


def test_an_initialised_server_database_is_not_created_again(
    qtbot: QtBot, tmp_path: Path, shared_admin, pg_params, pg_server
) -> None:
    close_current()
    install_cipher(None)
    wizard = _wizard(qtbot, tmp_path)
    wizard.choice_page.choose(SERVER)
    _press(qtbot, wizard)
    form = wizard.server_page.form
    _fill_server(qtbot, form, pg_params, pg_server.password)
    qtbot.mouseClick(form.test_button, Qt.MouseButton.LeftButton)
    assert "已经初始化" in form.result.text()
    _press(qtbot, wizard)
    assert wizard.currentId() == PAGE_SERVER
    assert "不会覆盖已有数据" in form.error.text()


def _join(qtbot: QtBot, tmp_path: Path, enrollment_file: Path, file_dialogs):
    wizard = _wizard(qtbot, tmp_path)
    radio = wizard.choice_page.cards[JOIN].radio
    radio.setFocus()
    qtbot.keyClick(radio, Qt.Key.Key_Space)  # keyboard only
    assert wizard.choice == JOIN
    _press(qtbot, wizard)
    assert wizard.currentId() == PAGE_JOIN
    finish = wizard.button(Button.FinishButton)
    assert finish.text() == "连接" and not finish.isEnabled()
    form = wizard.join_page.form
    file_dialogs(open_path=enrollment_file)
    qtbot.mouseClick(form.browse_button, Qt.MouseButton.LeftButton)
    assert form.file_edit.text() == str(enrollment_file)
    qtbot.keyClicks(form.passphrase_edit, "wrong passphrase")
    return wizard, form, finish


def test_second_workstation_joins_and_is_asked_each_session_without_keyring(
    qtbot: QtBot,
    tmp_path: Path,
    enrollment_file: Path,
    pg_params,
    pg_server,
    file_dialogs,
    workstation_folders,
) -> None:
    wizard, form, finish = _join(qtbot, tmp_path, enrollment_file, file_dialogs)
    assert f"{pg_params.host}:{pg_params.port}" in form.server_label.text()
    assert pg_params.dbname in form.server_label.text()
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert form.error.text() == "注册口令错误" and form.passphrase_edit.hasFocus()
    qtbot.keyClicks(form.passphrase_edit, PASSPHRASE)
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.session is None and wizard.connection is not None

    # The next start of the program: the workstation settings say "server"; no keyring, so the
    # passphrase is asked to unlock the data key (no server login exists on the workstation).
    connection = shared.SharedConnection.from_config(WorkstationConfig.load())
    assert connection is not None and connection.params == pg_params
    dialog = LoginDialog(tmp_path / "unused.db", ADMIN, connection=connection)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.database_label.text() == f"服务器 · {shared.server_label(pg_params)}"
    assert dialog.passphrase_edit.isVisible()
    qtbot.keyClicks(dialog.password_edit, ADMIN_PASSWORD)
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    assert dialog.session is not None, dialog.error.text()
    assert dialog.session.server == pg_params
    for secret in (pg_server.password.encode(), PASSPHRASE.encode(), *secret_forms(connection.data_key)):
        assert secret not in all_bytes(workstation_folders)
    auth.logout(dialog.session)


def test_second_workstation_with_keyring_is_not_asked_the_second_time(
    qtbot: QtBot, tmp_path: Path, enrollment_file: Path, pg_params, pg_server, file_dialogs, memory_keyring
) -> None:
    wizard, form, finish = _join(qtbot, tmp_path, enrollment_file, file_dialogs)
    form.passphrase_edit.setText(PASSPHRASE)
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.connection is not None and wizard.connection.enrollment_path == ""
    assert [name for _service, name in memory_keyring.items] == [f"data-key:{pg_params.location}"], (
        "only the data key is in the keyring: no server login"
    )

    connection = shared.SharedConnection.from_config(WorkstationConfig.load())
    dialog = LoginDialog(tmp_path / "unused.db", ADMIN, connection=connection)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.passphrase_edit.isVisible()
    qtbot.keyClicks(dialog.password_edit, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.session is not None, dialog.error.text()
    auth.logout(dialog.session)
