"""登录 dialog driven with real key presses and input-method text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app import auth, users
from tests.support.accounts import ADMIN_PASSWORD, USER_PASSWORD
from tests.ui.helpers import type_text
from ui.login_dialog import LoginDialog
from ui.password_dialog import ChangePasswordDialog


def _dialog(qtbot: QtBot, path: Path, username: str = "") -> LoginDialog:
    dialog = LoginDialog(path, username)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _submit(qtbot: QtBot, dialog: LoginDialog, password: str) -> None:
    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)


def test_chinese_username_wrong_then_right_password(qtbot: QtBot, db_path: Path) -> None:
    dialog = _dialog(qtbot, db_path)
    assert dialog.database_label.text() == "complaints.db"
    type_text(dialog.username_edit, "王小明")
    assert dialog.username_edit.text() == "王小明"

    _submit(qtbot, dialog, "Wrong2026pw")
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert dialog.error.text() == "用户名或密码错误"
    assert dialog.password_edit.text() == ""
    assert dialog.session is None

    _submit(qtbot, dialog, USER_PASSWORD)
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.session is not None
    assert dialog.session.user.username == "王小明"
    assert dialog.session.user.display_name == "王小明"
    auth.logout(dialog.session)


def test_unknown_user_is_told_the_same_as_a_wrong_password(qtbot: QtBot, db_path: Path) -> None:
    dialog = _dialog(qtbot, db_path)
    qtbot.keyClicks(dialog.username_edit, "nobody")
    _submit(qtbot, dialog, USER_PASSWORD)
    assert dialog.error.text() == "用户名或密码错误"


def test_empty_fields_are_asked_for(qtbot: QtBot, db_path: Path) -> None:
    dialog = _dialog(qtbot, db_path)
    qtbot.keyClick(dialog.username_edit, Qt.Key.Key_Return)
    assert dialog.error.text() == "请输入用户名"
    qtbot.keyClicks(dialog.username_edit, "admin")
    qtbot.keyClick(dialog.username_edit, Qt.Key.Key_Return)
    assert dialog.error.text() == "请输入密码"


def test_lockout_after_five_failures(qtbot: QtBot, db_path: Path) -> None:
    dialog = _dialog(qtbot, db_path, username="clerk")
    for _ in range(4):
        _submit(qtbot, dialog, "Wrong2026pw")
        assert dialog.error.text() == "用户名或密码错误"
    _submit(qtbot, dialog, "Wrong2026pw")
    assert "账户已锁定至" in dialog.error.text()
    _submit(qtbot, dialog, USER_PASSWORD)  # even the right password waits for the lockout
    assert "账户已锁定至" in dialog.error.text()
    assert dialog.session is None


def test_missing_database_file_is_reported(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, tmp_path / "gone.db", username="admin")
    _submit(qtbot, dialog, ADMIN_PASSWORD)
    assert dialog.error.text() == "找不到数据库文件：gone.db"


def test_choose_another_database(qtbot: QtBot, db_path: Path, tmp_path: Path, monkeypatch) -> None:
    dialog = _dialog(qtbot, tmp_path / "other.db", username="admin")
    monkeypatch.setattr(
        "ui.login_dialog.QFileDialog.getOpenFileName", lambda *args, **kwargs: (str(db_path), "")
    )
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert dialog.database == db_path
    assert dialog.database_label.text() == "complaints.db"
    _submit(qtbot, dialog, ADMIN_PASSWORD)
    assert dialog.session is not None
    auth.logout(dialog.session)


def test_escape_cancels(qtbot: QtBot, db_path: Path) -> None:
    dialog = _dialog(qtbot, db_path)
    qtbot.keyClick(dialog.username_edit, Qt.Key.Key_Escape)
    assert dialog.result() == LoginDialog.DialogCode.Rejected
    assert not dialog.isVisible()


def test_forced_password_change(qtbot: QtBot, admin_session) -> None:
    users.reset_password(admin_session, "clerk", "Temp2026pw")
    auth.logout(admin_session)
    session = auth.login_local(admin_session.database_path, "clerk", "Temp2026pw")
    assert session.user.must_change_password

    dialog = ChangePasswordDialog(session, forced=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.old_edit, "Temp2026pw")
    qtbot.keyClicks(dialog.new_edit, "Mine2026pw")
    qtbot.keyClicks(dialog.confirm_edit, "Mine2026px")
    qtbot.keyClick(dialog.confirm_edit, Qt.Key.Key_Return)
    assert dialog.error.text() == "两次输入的新密码不一致"

    dialog.confirm_edit.clear()
    qtbot.keyClicks(dialog.confirm_edit, "short1")
    dialog.new_edit.setText("short1")
    qtbot.keyClick(dialog.confirm_edit, Qt.Key.Key_Return)
    assert dialog.error.text() == "密码：至少需要 8 个字符"

    dialog.new_edit.setText("Mine2026pw")
    dialog.confirm_edit.setText("Mine2026pw")
    qtbot.keyClick(dialog.confirm_edit, Qt.Key.Key_Return)
    assert dialog.result() == ChangePasswordDialog.DialogCode.Accepted
    assert not session.user.must_change_password
    auth.logout(session)
    auth.logout(auth.login_local(admin_session.database_path, "clerk", "Mine2026pw"))


def test_an_older_database_is_upgraded_in_the_background_then_opened(qtbot: QtBot, db_path: Path) -> None:
    """A database of the previous schema: the login window runs the upgrade on a worker thread with
    a progress dialog, then logs in."""
    from models import migrations
    from tests.support.schema_v11 import as_v11

    session = auth.login_local(db_path, "王小明", USER_PASSWORD)
    as_v11(session.db)
    auth.logout(session)

    dialog = _dialog(qtbot, db_path)
    type_text(dialog.username_edit, "王小明")
    _submit(qtbot, dialog, USER_PASSWORD)
    qtbot.waitUntil(lambda: dialog.session is not None, timeout=60_000)
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    db = dialog.session.db
    assert migrations.current_version(db) == migrations.SCHEMA_VERSION
    assert "content" not in {c.name for c in db.get_columns("case")}
    auth.logout(dialog.session)
