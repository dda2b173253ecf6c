"""轮换数据库密钥 on the 数据库与工作站 page: confirmed, run in the background, the window keeps working."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app import auth
from models.audit import AuditEntry
from tests.support.accounts import ADMIN, ADMIN_PASSWORD
from ui.server_mode import admin_page
from ui.server_mode.admin_page import DatabasePage


def test_rotate_key_button_rekeys_and_the_session_keeps_reading(
    qtbot: QtBot, admin_session, db_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(admin_page, "confirm", lambda *args: True)
    page = DatabasePage(admin_session)
    qtbot.addWidget(page)
    page.show()
    assert page.rekey_button is not None and page.rekey_button.isEnabled()
    before = admin_session.db_key
    page.rekey_button.click()
    operation = page.rekey_operation
    assert operation is not None
    qtbot.waitUntil(lambda: operation.outcome is not None, timeout=30_000)
    assert operation.outcome and admin_session.db_key != before
    qtbot.waitUntil(lambda: "已轮换数据库密钥" in page.notice.text(), timeout=5_000)
    assert AuditEntry.select().where(AuditEntry.action == "database.rekeyed").count() == 1  # GUI thread reads
    auth.logout(admin_session)
    auth.logout(auth.login_local(db_path, ADMIN, ADMIN_PASSWORD))
