"""数据库与工作站 page: what it shows, who may use it; 迁移到服务器 in the background with progress,
取消 and a report."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from app import audit, auth, shared, users
from app.appconfig import WorkstationConfig
from app.demo import create_demo_database
from app.session import Session
from models.database import close_current
from models.fields import install_cipher
from tests.support.accounts import ADMIN_PASSWORD, USER_PASSWORD
from tests.ui.helpers import when_modal
from tests.ui.server_mode.conftest import PASSPHRASE, all_bytes, secret_forms
from ui.server_mode import admin_page
from ui.server_mode.admin_page import DatabasePage
from ui.server_mode.migration_dialog import CANCELLED, MUST_EXPORT, MigrationDialog


def _facts(widget: QWidget) -> str:
    """All visible label texts of a widget."""
    return " ".join(label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget))


def _page(qtbot: QtBot, session: Session) -> DatabasePage:
    page = DatabasePage(session)
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()
    return page


def test_wiring_for_the_admin_menu() -> None:
    assert (admin_page.PAGE_KEY, admin_page.MENU_TEXT) == ("database", "数据库与工作站")
    assert admin_page.REQUIRED_ACTION == "manage_settings"


def test_local_page_offers_migration_to_admins_only(qtbot: QtBot, admin_session, db_path: Path) -> None:
    page = _page(qtbot, admin_session)
    text = _facts(page)
    assert "本地加密数据库" in text and db_path.name in text and "迁移到医院服务器" in text
    assert page.migrate_button is not None and page.migrate_button.isEnabled()
    assert page.export_button is None and page.forget_button is None
    auth.logout(admin_session)
    officer = auth.login_local(db_path, "王小明", USER_PASSWORD)
    page = _page(qtbot, officer)
    assert page.migrate_button is not None and not page.migrate_button.isEnabled()
    assert page.migrate_button.toolTip() == "只有系统管理员可以修改系统设置"


def test_shared_page_exports_and_forgets(
    qtbot: QtBot,
    shared_admin,
    pg_params,
    pg_server,
    memory_keyring,
    file_dialogs,
    tmp_path: Path,
    monkeypatch,
) -> None:
    session, data_key = shared_admin
    shared.remember_data_key(pg_params, data_key)
    page = _page(qtbot, session)
    text = _facts(page)
    assert "医院服务器" in text and f"{pg_params.host}:{pg_params.port}" in text and pg_params.dbname in text
    assert "ca.crt" in text and pg_server.password not in text
    assert page.secrets is not None
    assert "本人的数据库角色" in page.secrets.values["服务器登录"].text()
    assert page.secrets.values["数据密钥"].text() == "已保存在系统钥匙串"
    assert page.migrate_button is None

    saved = tmp_path / "new-station"
    file_dialogs(save_path=saved)

    def export(dialog) -> None:
        dialog.form.passphrase_edit.setText(PASSPHRASE)
        dialog.form.confirm_edit.setText(PASSPHRASE)
        dialog.form.save_button.click()
        assert dialog.isVisible(), "the dialog stays open to show where the file went"
        assert "已保存注册文件" in dialog.form.notice.text()
        dialog.close_button.click()

    when_modal(export)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert shared.import_enrollment(saved.with_suffix(".cdenroll").read_bytes(), PASSPHRASE)[1] == data_key
    assert "已导出工作站注册文件" in page.notice.text()

    asked: list[str] = []
    monkeypatch.setattr(
        "ui.server_mode.admin_page.confirm", lambda _p, _t, text, _y: asked.append(text) or True
    )
    qtbot.mouseClick(page.forget_button, Qt.MouseButton.LeftButton)
    assert "重新导入工作站注册文件" in asked[0]
    assert memory_keyring.items == {}
    assert "重新导入" in page.secrets.values["数据密钥"].text()
    close_current()
    install_cipher(None)


@pytest.fixture
def demo_session(tmp_path: Path) -> Session:
    session, _info = create_demo_database(tmp_path / "demo.db", USER_PASSWORD)
    return session


def _fill(qtbot: QtBot, form, params, password: str, own_password: str = "") -> None:
    qtbot.keyClicks(form.host_edit, params.host)
    form.port_edit.clear()
    qtbot.keyClicks(form.port_edit, str(params.port))
    form.dbname_edit.setText(params.dbname)
    form.user_edit.setText(params.user)
    form.ca_edit.setText(params.sslrootcert)
    form.password_edit.setText(password)
    dialog = form.window()
    if own_password and hasattr(dialog, "own_password_edit"):
        dialog.own_password_edit.setText(own_password)


def test_migration_dialog_moves_the_demo_database(
    qtbot: QtBot,
    demo_session: Session,
    pg_params,
    pg_server,
    file_dialogs,
    tmp_path: Path,
    workstation_folders,
) -> None:
    dialog = MigrationDialog(demo_session)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "demo.db" in _facts(dialog)
    _fill(qtbot, dialog.form, pg_params, "not-the-password")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert not dialog.running and "本人的登录密码" in dialog.form.error.text()
    dialog.own_password_edit.setText(USER_PASSWORD)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert not dialog.running, "the server is checked before anything is copied"
    assert dialog.form.error.text() == "数据库服务器的用户名或密码错误"
    assert dialog.form.isEnabled() and dialog.report is None

    dialog.form.password_edit.setText(pg_server.password)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    operation = dialog.operation
    assert operation is not None
    steps: list[tuple[int, int, str]] = []
    operation.thread.progress.connect(lambda done, total, text: steps.append((done, total, text)))
    assert dialog.running and not dialog.form.isEnabled(), "the copy runs in the background"
    assert operation.thread.isRunning() or operation.outcome is not None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible(), "no closing while the worker runs"
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60_000)
    report = dialog.report
    assert report is not None and report.ok
    assert operation.last_progress[1] == len(report.tables), "per-table progress reached the dialog"
    assert steps and steps == sorted(steps) and steps[-1][:2] == (len(report.tables) - 1, len(report.tables))
    assert "正在复制数据表" in operation.last_progress[2]
    assert dialog.result_page.isVisible() and not dialog.setup_page.isVisible()
    assert dialog.result_title.text() == "全部数据表行数一致，迁移完成"
    model = dialog.report_view.model()
    shown = [[model.index(r, c).data() for c in range(4)] for r in range(model.rowCount())]
    assert [row[0] for row in shown] == [t.table for t in report.tables]
    assert all(row[3] == "一致" and row[1] == row[2] for row in shown)
    assert {"user", "audit_entry", "case"} <= {row[0] for row in shown}

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.close_error.text() == MUST_EXPORT
    assert not dialog.done_button.isEnabled()
    assert dialog.switch_box.isChecked()
    saved = tmp_path / "usb" / "server.cdenroll"
    saved.parent.mkdir()
    file_dialogs(save_path=saved)
    dialog.export_form.passphrase_edit.setText(PASSPHRASE)
    dialog.export_form.confirm_edit.setText(PASSPHRASE)
    qtbot.keyClick(dialog.export_form.confirm_edit, Qt.Key.Key_Return)
    assert dialog.isVisible(), "Enter saves the file; it does not also close the dialog"
    assert "本工作站下次登录时将连接服务器，每次需要输入注册口令" in dialog.export_form.notice.text()
    assert dialog.done_button.isEnabled() and not dialog.switch_box.isEnabled()
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == MigrationDialog.DialogCode.Accepted

    config = WorkstationConfig.load()
    assert config.is_shared and config.server_params() == pg_params and config.enrollment_path
    for secret in (pg_server.password.encode(), PASSPHRASE.encode(), *secret_forms(report.data_key)):
        assert secret not in all_bytes(workstation_folders)

    # The local session still works; the server now holds the same users, reachable with the file.
    assert audit.verify().ok
    auth.logout(demo_session)
    connection = shared.SharedConnection.from_config(config)
    assert connection is not None
    connection.unlock(PASSPHRASE)
    admin = connection.login(demo_session.user.username, USER_PASSWORD)  # the migrating admin's role
    assert audit.verify().ok
    users.reset_password(admin, "officer", "Temp-Pass-2026x")  # the others get a temporary password
    auth.logout(admin)
    session = connection.login("officer", "Temp-Pass-2026x")
    assert session.user.roles == {"officer"} and session.user.must_change_password
    auth.logout(session)


def test_migration_refuses_a_non_empty_server(
    qtbot: QtBot, shared_admin, pg_params, pg_server, tmp_path: Path
) -> None:
    close_current()
    install_cipher(None)
    session, _info = create_demo_database(tmp_path / "demo.db", ADMIN_PASSWORD)
    dialog = MigrationDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(qtbot, dialog.form, pg_params, pg_server.password, ADMIN_PASSWORD)
    qtbot.mouseClick(dialog.form.test_button, Qt.MouseButton.LeftButton)
    assert "已经初始化" in dialog.form.result.text()
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert not dialog.running and dialog.operation is None
    assert "不会覆盖已有数据" in dialog.form.error.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    auth.logout(session)


def test_migration_can_be_cancelled_and_leaves_the_server_empty(
    qtbot: QtBot, demo_session: Session, pg_params, pg_server
) -> None:
    dialog = MigrationDialog(demo_session)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(qtbot, dialog.form, pg_params, pg_server.password, USER_PASSWORD)
    outcomes: list[bool] = []
    dialog.ran.connect(outcomes.append)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    operation = dialog.operation
    assert operation is not None and dialog.running
    operation.thread.progress.connect(lambda *_step: operation.cancel())  # 取消 at the first table
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert outcomes == [False] and dialog.report is None
    assert operation.outcome is not None and type(operation.outcome.error).__name__ == "OperationCancelled"
    assert dialog.form.error.text() == CANCELLED and dialog.form.isEnabled()
    assert shared.probe_server(pg_params, pg_server.password).empty, "the copy was rolled back"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    auth.logout(demo_session)
