"""An admin save while another program holds the database's write lock: a Chinese message with
重试, nothing typed is lost, and 重试 saves once the lock is gone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app import settings, users
from app.errors import DatabaseBusyError
from app.session import Session
from models.database import EncryptedDatabase
from tests.ui.helpers import type_text, when_modal
from ui.admin.settings_page import SettingsPage
from ui.admin.user_dialogs import AddUserDialog
from ui.failures import FAULT_TITLE

BUSY_TEXT = DatabaseBusyError().message


class WriteLock:
    """A second connection to the same SQLCipher file holding BEGIN IMMEDIATE (as another
    workstation or a backup program would); the session's own busy timeout is made short."""

    def __init__(self, session: Session) -> None:
        db = session.db
        db.execute_sql("PRAGMA busy_timeout = 100")
        self.other = EncryptedDatabase(db.database, bytes.fromhex(db._raw_key))
        self.other.connect()
        self.other.execute_sql("BEGIN IMMEDIATE")
        self.held = True

    def release(self) -> None:
        if self.held:
            self.other.execute_sql("ROLLBACK")
            self.held = False
        self.other.close()


@pytest.fixture
def write_lock(admin_session: Session) -> Iterator[WriteLock]:
    lock = WriteLock(admin_session)
    yield lock
    lock.release()


def _answer(seen: list[str], button: str, before: object = None) -> None:
    """On the next modal message box: note its text, run `before`, press `button`."""

    def press(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(f"{box.windowTitle()}|{box.text()}|{box.informativeText()}")
        labels = [b.text() for b in box.buttons()]
        assert "重试" in labels, labels
        if callable(before):
            before()
        next(b for b in box.findChildren(QPushButton) if b.text() == button).click()

    when_modal(press)


def test_add_user_while_the_database_is_locked(
    qtbot: QtBot, admin_session: Session, write_lock: WriteLock
) -> None:
    dialog = AddUserDialog(admin_session)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.username_edit, "lihong")
    type_text(dialog.display_edit, "李红")
    dialog.role_checks.boxes["clerk"].setChecked(True)
    password = dialog.password()

    seen: list[str] = []
    _answer(seen, "取消")
    dialog.ok_button.click()
    assert seen and seen[0].startswith(f"{FAULT_TITLE}|{BUSY_TEXT}")
    assert "数据库正被其他工作站" in seen[0] and "重试" in seen[0]
    assert dialog.isVisible() and dialog.added is None
    assert (dialog.username_edit.text(), dialog.display_edit.text()) == ("lihong", "李红")
    assert dialog.password() == password and dialog.role_checks.roles() == ["clerk"]

    _answer(seen, "重试", before=write_lock.release)  # the other program lets go; 重试 saves
    dialog.ok_button.click()
    assert len(seen) == 2
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.added is not None and dialog.added.username == "lihong"
    assert "lihong" in [u.username for u in users.list_users(admin_session)]


def test_settings_save_while_the_database_is_locked(
    qtbot: QtBot, admin_session: Session, write_lock: WriteLock
) -> None:
    page = SettingsPage(admin_session)
    qtbot.addWidget(page)
    page.show()
    field = page.fields["hospital_name"]
    field.editor.setText("江宁市第二人民医院")

    seen: list[str] = []
    _answer(seen, "取消")
    page.save_button.click()
    assert len(seen) == 1 and BUSY_TEXT in seen[0]
    assert field.value() == "江宁市第二人民医院", "the typed value stays"
    assert not page.notice.isVisible()
    write_lock.release()
    assert settings.get("hospital_name") != "江宁市第二人民医院"

    page.save_button.click()
    assert page.notice.text() == "设置已保存。"
    assert settings.get("hospital_name") == "江宁市第二人民医院"
