"""Admin pages driven through their buttons and dialogs; item models checked with qtmodeltester."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from app import auth, settings, users
from app.account import ActivityEntry
from app.departments import DepartmentInfo
from app.errors import AuthError
from app.session import Session
from app.users import UserInfo
from tests.ui.helpers import type_text, when_modal
from ui.admin.departments_page import DepartmentDialog, DepartmentsPage, departments_model
from ui.admin.settings_page import SettingsPage
from ui.admin.user_dialogs import AddUserDialog, OneTimePasswordDialog
from ui.admin.users_page import UsersPage, users_model
from ui.home.welcome_page import activity_model


@pytest.fixture
def warnings_shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace the modal QMessageBox.warning used by show_error; collect the messages."""
    shown: list[str] = []
    monkeypatch.setattr("ui.common.QMessageBox.warning", lambda parent, title, text: shown.append(text))
    return shown


def _page(qtbot: QtBot, page: QWidget) -> QWidget:
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def _row_texts(page: UsersPage | DepartmentsPage, column: int) -> list[str]:
    return [page.proxy.index(r, column).data() for r in range(page.proxy.rowCount())]


# -- users ---------------------------------------------------------------------------------------


def test_admin_adds_a_user_through_the_dialog(qtbot: QtBot, admin_session: Session) -> None:
    page = _page(qtbot, UsersPage(admin_session))
    assert "王小明" in _row_texts(page, 1)
    seen: dict[str, str] = {}

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, AddUserDialog)
        qtbot.keyClicks(dialog.username_edit, "lihong")
        type_text(dialog.display_edit, "李红")
        qtbot.keyClicks(dialog.phone_edit, "13912345678")
        dialog.role_checks.boxes["clerk"].setChecked(True)
        dialog.role_checks.boxes["night_duty"].setChecked(True)
        seen["password"] = dialog.password()
        dialog.generated.copy_button.click()
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_modal(fill)
    qtbot.mouseClick(page.toolbar.itemAt(2).widget(), Qt.MouseButton.LeftButton)  # 添加用户
    assert "lihong" in _row_texts(page, 0)
    assert page.selected().username == "lihong"
    assert page.notice.text() == "已添加用户“李红（lihong）”。"
    assert page.selected().roles == ("clerk", "night_duty")
    assert _row_texts(page, 2)[_row_texts(page, 0).index("lihong")] == "督查股文员、总值班"

    session = auth.login_local(admin_session.database_path, "lihong", seen["password"])
    assert session.user.must_change_password


def test_validation_error_keeps_the_dialog_and_focuses_the_field(
    qtbot: QtBot, admin_session: Session, warnings_shown: list[str]
) -> None:
    dialog = AddUserDialog(admin_session)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.username_edit, "王小明")
    type_text(dialog.display_edit, "另一个王小明")
    dialog.role_checks.boxes["officer"].setChecked(True)
    dialog.ok_button.click()
    assert warnings_shown == ["用户名：“王小明”已存在"]
    assert dialog.isVisible()
    assert dialog.focusWidget() is dialog.username_edit
    assert dialog.display_edit.text() == "另一个王小明", "nothing typed is lost"

    dialog.username_edit.setText("wangxm2")
    dialog.role_checks.boxes["officer"].setChecked(False)
    dialog.ok_button.click()
    assert warnings_shown[-1] == "角色：至少选择一个角色"
    assert dialog.focusWidget() is dialog.role_checks.boxes["officer"]

    dialog.role_checks.boxes["officer"].setChecked(True)
    dialog.manual_radio.setChecked(True)
    qtbot.keyClicks(dialog.manual_edit, "abc")
    dialog.ok_button.click()
    assert warnings_shown[-1] == "密码：至少需要 8 个字符"
    assert dialog.focusWidget() is dialog.manual_edit
    dialog.manual_edit.setText("Typed2026pw")
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.added is not None and dialog.added.display_name == "另一个王小明"


def test_reset_password_shows_it_once(qtbot: QtBot, admin_session: Session, monkeypatch) -> None:
    page = _page(qtbot, UsersPage(admin_session))
    page.select_key("clerk")
    shown: list[str] = []
    monkeypatch.setattr("ui.admin.users_page.confirm", lambda *args: True)
    monkeypatch.setattr(OneTimePasswordDialog, "exec", lambda self: shown.append(self.secret.value()) or 1)
    page.reset_password()
    assert len(shown) == 1
    session = auth.login_local(admin_session.database_path, "clerk", shown[0])
    assert session.user.must_change_password


def test_disable_enable_and_unlock(qtbot: QtBot, admin_session: Session, monkeypatch) -> None:
    page = _page(qtbot, UsersPage(admin_session))
    monkeypatch.setattr("ui.admin.users_page.confirm", lambda *args: True)
    passwords_shown: list[str] = []
    monkeypatch.setattr(
        OneTimePasswordDialog, "exec", lambda self: passwords_shown.append(self.secret.value()) or 1
    )
    page.select_key("clerk")
    assert page.active_button.text() == "停用"
    page.active_button.click()
    assert page.selected().active is False
    assert _row_texts(page, 3)[_row_texts(page, 0).index("clerk")] == "停用"
    assert page.active_button.text() == "启用"
    page.active_button.click()
    assert page.selected().active is True
    assert len(passwords_shown) == 1

    for _ in range(5):
        with pytest.raises(AuthError):
            auth.login_local(admin_session.database_path, "王小明", "Wrong2026pw")
    page.refresh()
    page.select_key("王小明")
    assert _row_texts(page, 3)[_row_texts(page, 0).index("王小明")].startswith("锁定至 ")
    assert page.unlock_button.isEnabled()
    page.unlock_button.click()
    assert page.selected().locked_until is None
    assert not page.unlock_button.isEnabled()


def test_service_refusal_is_shown(qtbot: QtBot, admin_session: Session, warnings_shown, monkeypatch) -> None:
    page = _page(qtbot, UsersPage(admin_session))
    monkeypatch.setattr("ui.admin.users_page.confirm", lambda *args: True)
    page.select_key("admin")
    page.active_button.click()
    assert warnings_shown == ["状态：不能停用当前登录的账户"]


def test_filter_narrows_the_list(qtbot: QtBot, admin_session: Session) -> None:
    page = _page(qtbot, UsersPage(admin_session))
    type_text(page.filter_edit, "督查")
    assert _row_texts(page, 0) == ["clerk"]


# -- departments ---------------------------------------------------------------------------------


def test_departments_add_edit_disable(
    qtbot: QtBot, admin_session: Session, warnings_shown: list[str], monkeypatch
) -> None:
    page = _page(qtbot, DepartmentsPage(admin_session))
    seeded = page.model.rowCount()

    def add(dialog: QWidget) -> None:
        assert isinstance(dialog, DepartmentDialog)
        qtbot.keyClicks(dialog.code_edit, "sleep")
        type_text(dialog.name_edit, "睡眠医学科")
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("clinical"))
        qtbot.keyClicks(dialog.phone_edit, "3201")
        type_text(dialog.head_edit, "郑国华")
        type_text(dialog.aliases_edit, "睡眠科、睡眠门诊")
        dialog.ok_button.click()

    when_modal(add)
    page.add_department()
    assert page.model.rowCount() == seeded + 1
    type_text(page.filter_edit, "睡眠")
    assert _row_texts(page, 1) == ["睡眠医学科"]
    assert _row_texts(page, 2) == ["睡眠科、睡眠门诊"]
    assert _row_texts(page, 3) == ["临床"]
    assert _row_texts(page, 5) == ["郑国华"]
    page.filter_edit.clear()
    type_text(page.filter_edit, "睡眠门诊")  # the filter reads the aliases too
    assert _row_texts(page, 1) == ["睡眠医学科"]

    dialog = DepartmentDialog(admin_session, None)
    qtbot.addWidget(dialog)
    dialog.code_edit.setText("sleep")
    dialog.name_edit.setText("睡眠科")
    dialog.ok_button.click()
    assert warnings_shown == ["科室代码：“sleep”已存在"]
    assert dialog.isVisible() or dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.focusWidget() is dialog.code_edit

    page.select_key("sleep")
    edit = DepartmentDialog(admin_session, page.selected())
    qtbot.addWidget(edit)
    assert edit.code_edit.isReadOnly()
    edit.kind_combo.setCurrentIndex(edit.kind_combo.findData("technical"))
    edit.ok_button.click()
    assert edit.result() == QDialog.DialogCode.Accepted
    page.refresh()
    assert _row_texts(page, 3) == ["医技"]
    assert edit.aliases_edit.text() == "睡眠科、睡眠门诊"  # the edit dialog shows the stored aliases

    taken = DepartmentDialog(admin_session, page.selected())
    qtbot.addWidget(taken)
    taken.aliases_edit.setText("心内")
    taken.ok_button.click()
    assert warnings_shown[-1] == "别名：“心内”已指向科室“心血管内科”"
    assert taken.focusWidget() is taken.aliases_edit

    monkeypatch.setattr("ui.admin.departments_page.confirm", lambda *args: True)
    page.select_key("sleep")
    page.active_button.click()
    assert _row_texts(page, 6) == ["停用"]
    assert page.active_button.text() == "启用"


# -- settings ------------------------------------------------------------------------------------


def test_settings_page_validates_inline_and_saves(qtbot: QtBot, admin_session: Session) -> None:
    page = _page(qtbot, SettingsPage(admin_session))
    for key, definition in settings.DEFINITIONS.items():
        if not key.startswith("_"):
            assert key in page.fields
            assert page.fields[key].definition.label == definition.label

    name = page.fields["office_name"]
    name.editor.setText("医患\x01办")
    assert name.error.text() == "不能包含控制字符"
    assert not page.save_button.isEnabled()
    name.editor.setText("")
    type_text(name.editor, "医患关系办公室")
    assert name.error.text() == ""
    assert page.save_button.isEnabled()

    with qtbot.waitSignal(page.saved, timeout=2000) as blocker:
        page.fields["idle_lock_minutes"].editor.setValue(5)
        page.save_button.click()
    assert blocker.args[0]["office_name"] == "医患关系办公室"
    assert settings.get("idle_lock_minutes") == 5
    assert page.notice.text() == "设置已保存。"


def test_settings_saved_from_main_window_refresh_it(qtbot: QtBot, admin_session: Session) -> None:
    from ui.main_window import MainWindow

    window = MainWindow(admin_session)
    qtbot.addWidget(window)
    page = window.show_page("settings")
    page.fields["hospital_name"].editor.setText("江宁市第二人民医院")
    page.fields["idle_lock_minutes"].editor.setValue(3)
    page.save_button.click()
    assert "江宁市第二人民医院" in window.windowTitle()
    assert window.idle.timeout_ms == 3 * 60_000


# -- item models ---------------------------------------------------------------------------------


def test_item_models(qtmodeltester, admin_session: Session) -> None:
    model = users_model()
    model.set_rows(users.list_users(admin_session))
    qtmodeltester.check(model)
    locked = UserInfo("x", "某", ("officer",), True, True, datetime(2026, 3, 1, 9, 30), None, "")
    model.set_rows([locked])
    assert model.index(0, 3).data() == "锁定至 09:30"
    assert model.index(0, 4).data() == "从未登录"
    assert model.index(0, 3).data(Qt.ItemDataRole.ForegroundRole) is not None
    qtmodeltester.check(model)

    departments = departments_model()
    departments.set_rows(
        [
            DepartmentInfo("XNK", "心血管内科", "clinical", "3201", "郑国华", True),
            DepartmentInfo("ZWK", "总务科", "administrative", "", "", False),
        ]
    )
    qtmodeltester.check(departments)
    assert departments.index(1, 3).data() == "职能"

    activity = activity_model()
    activity.set_rows([ActivityEntry(datetime(2026, 3, 1, 9, 30), "登录失败（密码错误）", True)])
    qtmodeltester.check(activity)
    empty = activity_model()
    qtmodeltester.check(empty)


def test_services_refuse_even_if_a_page_were_opened(
    qtbot: QtBot, officer_session: Session, warnings_shown: list[str]
) -> None:
    """The menu hides admin pages from others; the services refuse them too, in Chinese."""
    _page(qtbot, UsersPage(officer_session))
    assert warnings_shown == ["只有系统管理员可以管理用户"]
