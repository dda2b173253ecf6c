"""编辑用户 (self-grant boxes disabled and refused) and the office-hours time pickers of 系统设置."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTime
from PySide6.QtWidgets import QTimeEdit
from pytestqt.qtbot import QtBot

from app import settings, users
from app.session import Session
from tests.ui.helpers import type_text
from ui.admin.settings_page import SettingsPage
from ui.admin.user_dialogs import EditUserDialog


def _user(session: Session, username: str) -> users.UserInfo:
    return next(u for u in users.list_users(session) if u.username == username)


def test_edit_dialog_saves_name_phone_and_roles(qtbot: QtBot, admin_session: Session) -> None:
    dialog = EditUserDialog(admin_session, _user(admin_session, "clerk"))
    qtbot.addWidget(dialog)
    dialog.display_edit.clear()
    type_text(dialog.display_edit, "赵敏敏")
    dialog.phone_edit.setText("13900001111")
    dialog.role_checks.boxes["officer"].setChecked(True)
    dialog.submit()
    saved = _user(admin_session, "clerk")
    assert (saved.display_name, saved.phone, saved.roles) == ("赵敏敏", "13900001111", ("officer", "clerk"))


def test_own_account_cannot_get_case_roles(
    qtbot: QtBot, admin_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr("ui.common.QMessageBox.warning", lambda parent, title, text: shown.append(text))
    dialog = EditUserDialog(admin_session, _user(admin_session, "admin"))
    qtbot.addWidget(dialog)
    boxes = dialog.role_checks.boxes
    assert (
        not boxes["officer"].isEnabled() and not boxes["manager"].isEnabled() and boxes["admin"].isEnabled()
    )
    boxes["officer"].setEnabled(True)  # even if the box were ticked, the service refuses
    boxes["officer"].setChecked(True)
    dialog.submit()
    assert len(shown) == 1 and shown[0].startswith("不能为自己授予案件角色（医患沟通办公室专员）")
    assert _user(admin_session, "admin").roles == ("admin",)


def test_office_hours_use_time_pickers_and_end_must_follow_start(
    qtbot: QtBot, admin_session: Session
) -> None:
    page = SettingsPage(admin_session)
    qtbot.addWidget(page)
    start, end = page.fields["office_hours_start"], page.fields["office_hours_end"]
    assert isinstance(start.editor, QTimeEdit) and start.value() == "08:00" and end.value() == "17:30"
    end.editor.setTime(QTime(7, 30))
    assert end.error.text() == "下班时间必须晚于上班时间"
    assert not page.save_button.isEnabled()
    end.editor.setTime(QTime(18, 0))
    assert not end.error.text() and page.save_button.isEnabled()
    page.save()
    assert settings.get("office_hours_end") == "18:00"


def test_the_settings_form_scrolls_in_a_short_window(qtbot: QtBot, admin_session: Session) -> None:
    page = SettingsPage(admin_session)
    qtbot.addWidget(page)
    page.resize(1024 - 168, 700 - 120)  # the page's share of a 1024×700 main window
    page.show()
    qtbot.waitExposed(page)
    assert page.minimumSizeHint().height() <= 580  # the form scrolls; the window keeps its size
    assert page.height() == 580
    assert page.fields["major_auto_restrict"].visibleRegion().isEmpty()  # below the fold until scrolled to
    page.scroll.ensureWidgetVisible(page.save_button)
    qtbot.waitUntil(lambda: not page.save_button.visibleRegion().isEmpty())
