"""First-run wizard: validation blocks 下一步, the database is created, the key must be acknowledged."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from app import auth
from tests.ui.helpers import type_text
from ui.setup_pages.local import CONFIRM_TEXT
from ui.setup_wizard import SetupWizard

GOOD_PASSWORD = "Admin2026ok"


def _button(wizard: SetupWizard, which: QWizard.WizardButton):
    return wizard.button(which)


def _next(qtbot: QtBot, wizard: SetupWizard, which=QWizard.WizardButton.NextButton) -> None:
    """Press the real 下一步 (or 创建数据库) button, which must be enabled."""
    button = _button(wizard, which)
    assert button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_wizard_creates_a_database_that_logs_in(qtbot: QtBot, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "hospital" / "complaintdesk.db"
    wizard = SetupWizard(path)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    assert _button(wizard, QWizard.WizardButton.NextButton).text() == "下一步"
    assert _button(wizard, QWizard.WizardButton.CancelButton).text() == "取消"

    _next(qtbot, wizard)  # welcome → hospital
    assert wizard.currentPage() is wizard.hospital_page
    assert not _button(wizard, QWizard.WizardButton.NextButton).isEnabled()
    type_text(wizard.hospital_page.name_edit, "江宁市第一人民医院")
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.database_page
    assert wizard.database_page.path_edit.text() == str(path)
    _next(qtbot, wizard)

    page = wizard.admin_page
    assert wizard.currentPage() is page
    type_text(page.display_edit, "周建国")
    qtbot.keyClicks(page.password_edit, "short1")
    qtbot.keyClicks(page.confirm_edit, "short1")
    assert page.username_edit.text() == "admin"
    _next(qtbot, wizard, QWizard.WizardButton.CommitButton)
    assert wizard.currentPage() is page, "a weak password must not pass"
    assert page.error.text() == "密码：系统管理员和主任的密码至少需要 10 个字符"
    assert wizard.focusWidget() is page.password_edit
    assert not path.exists()

    page.password_edit.setText(GOOD_PASSWORD)
    page.confirm_edit.setText(GOOD_PASSWORD + "x")
    _next(qtbot, wizard, QWizard.WizardButton.CommitButton)
    assert wizard.currentPage() is page
    assert page.error.text() == "两次输入的密码不一致"

    page.confirm_edit.setText(GOOD_PASSWORD)
    assert _button(wizard, QWizard.WizardButton.CommitButton).text() == "创建数据库"
    _next(qtbot, wizard, QWizard.WizardButton.CommitButton)
    recovery = wizard.recovery_page
    assert wizard.currentPage() is recovery
    assert path.exists()
    assert re.fullmatch(r"([A-Z2-7]{4}-){12}[A-Z2-7]{4}", recovery.key)
    assert recovery.key.split("-")[0] in recovery.key_label.text()

    finish = _button(wizard, QWizard.WizardButton.FinishButton)
    assert finish.text() == "完成"
    assert not finish.isEnabled()
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert wizard.isVisible(), "the recovery key must be acknowledged before leaving"

    sheet = tmp_path / "sheet"
    opened: list[str] = []
    monkeypatch.setattr(
        "ui.setup_pages.local.QFileDialog.getSaveFileName", lambda *args, **kwargs: (str(sheet), "")
    )
    monkeypatch.setattr(
        "ui.setup_pages.local.QDesktopServices.openUrl", lambda url: opened.append(url.toLocalFile())
    )
    recovery.sheet_button.click()
    assert opened == [str(sheet) + ".pdf"]
    assert Path(opened[0]).read_bytes().startswith(b"%PDF")
    assert "已保存恢复密钥单" in recovery.sheet_notice.text()

    recovery.copy_button.click()
    assert QApplication.clipboard().text() == recovery.key
    assert recovery.confirm_box.text() == CONFIRM_TEXT
    recovery.confirm_box.setChecked(True)
    assert finish.isEnabled()
    finish.click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.session is not None and wizard.session.user.display_name == "周建国"
    auth.logout(wizard.session)

    session = auth.login_local(path, "admin", GOOD_PASSWORD)
    assert session.user.roles == frozenset({"admin"})
    auth.logout(session)


def test_existing_database_location_is_refused(qtbot: QtBot, db_path: Path) -> None:
    wizard = SetupWizard(db_path)
    qtbot.addWidget(wizard)
    wizard.show()
    _next(qtbot, wizard)
    wizard.hospital_page.name_edit.setText("某医院")
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.database_page
    assert "已有数据库文件" in wizard.database_page.error.text()


def test_cancel_before_creation_leaves_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    wizard = SetupWizard(path)
    qtbot.addWidget(wizard)
    wizard.show()
    _button(wizard, QWizard.WizardButton.CancelButton).click()
    assert wizard.result() == QWizard.DialogCode.Rejected
    assert not path.exists()
