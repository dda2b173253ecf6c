"""管理 → 备份与恢复 driven as an administrator: 立即备份 in the background, saving the automatic
backup settings, restoring to a new file through the credentials dialog, the stale warning on the
manager's home and the automatic backup at the day's first login."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app import auth
from app.records import backup
from app.session import Session
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, USER_PASSWORD
from tests.support.sessions import session_as
from ui.records.backup_page import BackupPage
from ui.records.backup_reminder import BackupReminder, start_automatic_backup


@pytest.fixture
def infos(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    for module in ("backup_page", "restore_dialog"):
        monkeypatch.setattr(
            f"ui.records.{module}.QMessageBox.information", lambda parent, title, text: shown.append(text)
        )
    return shown


def _page(qtbot: QtBot, session: Session) -> BackupPage:
    page = BackupPage(session)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    return page


def test_back_up_now_then_restore_to_a_new_file(
    qtbot: QtBot, admin_session: Session, tmp_path: Path, infos: list[str]
) -> None:
    page = _page(qtbot, admin_session)
    assert "还没有备份" in page.status.text()
    page.folder.setText(str(tmp_path / "share"))
    page.generations.setValue(5)
    page.save_settings()
    assert (
        backup.backup_settings().folder == str(tmp_path / "share")
        and backup.backup_settings().generations == 5
    )
    page.back_up_now()
    outcome = page.operation.wait()
    assert outcome and outcome.ok
    assert "备份文件" in infos[-1]
    (made,) = (tmp_path / "share").glob("*.cdbackup")
    assert page.facts.values["备份文件"].text() == made.name
    assert "最近一次备份" in page.status.text()

    target = tmp_path / "restored.db"
    dialog = page.restore(made, target)
    assert dialog is not None
    dialog.password.setText(ADMIN_PASSWORD)
    dialog.ok_button.click()
    outcome = page.restore_flow.operation.wait()
    assert outcome and outcome.ok, outcome
    assert "已恢复到新数据库" in infos[-1]
    auth.logout(admin_session)
    auth.logout(auth.login_local(target, ADMIN, ADMIN_PASSWORD))


def test_a_damaged_backup_is_refused_on_the_page(
    qtbot: QtBot, admin_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warned: list[str] = []
    monkeypatch.setattr("ui.common.QMessageBox.warning", lambda parent, title, text: warned.append(text))
    page = _page(qtbot, admin_session)
    bad = tmp_path / "bad.cdbackup"
    bad.write_bytes(b"PK\x03\x04 not really")
    assert page.restore(bad, tmp_path / "x.db") is None
    assert not (tmp_path / "x.db").exists()
    assert warned == ["备份文件已损坏或不是本软件的备份文件，不能恢复"]


def test_stale_warning_and_automatic_backup(
    qtbot: QtBot, admin_session: Session, tmp_path: Path, fake_clock
) -> None:
    manager = session_as(admin_session, "chenlx", "manager")
    reminder = BackupReminder(manager)
    qtbot.addWidget(reminder)
    reminder.refresh()
    assert not reminder.isHidden() and "还没有备份" in reminder.text.text()
    assert reminder.button is None and "提醒系统管理员" in reminder.text.text()

    backup.save_backup_settings(admin_session, backup.BackupSettings(str(tmp_path / "auto"), 7, True, 3))
    told: list[str] = []
    operation = start_automatic_backup(reminder, admin_session, told.append)
    assert operation is not None and operation.wait().ok
    assert told and "自动备份已完成" in told[0]
    assert reminder.isHidden()  # the DATABASE change refreshed it
    assert start_automatic_backup(reminder, admin_session, told.append) is None  # once a day


def test_first_use_wizard_restores_a_backup_then_logs_in(
    qtbot: QtBot, db_path: Path, tmp_path: Path, infos: list[str]
) -> None:
    """The database is gone: 从备份恢复 in the first-use wizard writes it anew and leads to the login."""
    from ui.setup_wizard import SetupWizard

    session = auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)
    made = backup.take_backup(session, tmp_path / "share").path
    auth.logout(session)
    for leftover in db_path.parent.glob(db_path.name + "*"):
        leftover.unlink()
    wizard = SetupWizard(db_path)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.choice_page.restore_from_backup(made, db_path)
    dialog = wizard.choice_page.restore_flow.dialog
    dialog.username.setText(ADMIN)
    dialog.password.setText(ADMIN_PASSWORD)
    dialog.ok_button.click()
    outcome = wizard.choice_page.restore_flow.operation.wait()
    assert outcome and outcome.ok
    assert wizard.existing_database == db_path and not wizard.isVisible()
    auth.logout(auth.login_local(db_path, "王小明", USER_PASSWORD))
