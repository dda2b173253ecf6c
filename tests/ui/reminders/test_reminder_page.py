"""The 提醒 page in the main window: the rail count, opening a case, 已阅, no tray offscreen, the
daily digest, and nothing raised after office hours."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.cases.states import State
from tests.ui.cases.support import Office
from ui.reminders.digest import DigestDialog
from ui.reminders.page import ReminderPage


def test_manager_sees_approvals_opens_one_and_marks_another_read(
    qtbot: QtBot, office: Office, main_window
) -> None:
    first = office.case(State.PENDING_APPROVAL)
    office.case(State.PENDING_APPROVAL)
    window = main_window(office.manager)
    assert window.rail.count("reminders") == 2
    page = window.show_page("reminders")
    assert isinstance(page, ReminderPage)
    assert page.summary.text().startswith("共 2 条：待审批 2")
    assert page.tree.topLevelItem(0).text(0) == "待审批（2）"
    assert page.current_reminder().case_id == first

    page.open_button.click()
    assert window.current_page_key() == "case" and window.workspace.case_id == first
    window.close_case()
    assert window.current_page_key() == "reminders"

    page.dismiss_button.click()
    assert window.rail.count("reminders") == 1
    assert "另有 1 条已阅" in page.summary.text()


def test_no_tray_offscreen_so_the_switch_is_off_and_says_why(
    qtbot: QtBot, office: Office, main_window
) -> None:
    window = main_window(office.officer)
    page = window.show_page("reminders")
    assert not window.reminders.notifier.available  # the offscreen platform has no system tray
    assert not page.notify_box.isEnabled() and not page.notify_box.isChecked()
    assert "没有系统托盘" in page.notify_box.toolTip()


class FakeTray:
    """Stands for the system tray of a desktop (the offscreen platform has none)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    def showMessage(self, title: str, text: str) -> None:  # noqa: N802 - Qt's name
        self.messages.append((title, text))


def test_new_lines_are_notified_when_turned_on(
    qtbot: QtBot, office: Office, main_window, monkeypatch
) -> None:
    window = main_window(office.manager)
    notifier = window.reminders.notifier
    tray = FakeTray()
    notifier.available = True  # as on a desktop with a tray
    monkeypatch.setattr(notifier, "_tray", lambda: tray)
    page = window.reminders.page
    page.notify_box.setEnabled(True)
    page.notify_box.setChecked(True)
    office.case(State.PENDING_APPROVAL)
    window.refresh_counts()
    ((title, text),) = tray.messages
    assert title == "医患投诉工作台：1 条新提醒" and "答复意见待审批" in text
    window.refresh_counts()
    assert len(tray.messages) == 1, "a line is told once"
    page.notify_box.setChecked(False)
    office.case(State.PENDING_APPROVAL)
    window.refresh_counts()
    assert len(tray.messages) == 1, "turned off: not told"


def test_after_office_hours_nothing_is_counted(qtbot: QtBot, office: Office, main_window) -> None:
    office.case(State.PENDING_APPROVAL)
    office.clock.set(datetime(2026, 3, 10, 18, 0))
    window = main_window(office.manager)
    assert window.rail.count("reminders") is None
    page = window.show_page("reminders")
    assert page.tree.topLevelItemCount() == 0
    assert "现在不在办公时间" in page.summary.text() and "03月11日 08:00" in page.summary.text()


def test_the_digest_opens_once_at_the_first_login_of_the_day(
    qtbot: QtBot, office: Office, main_window
) -> None:
    office.case(State.PENDING_APPROVAL)
    window = main_window(office.manager)
    dialog = window.reminders.show_digest(lambda: window.show_page("reminders"))
    assert isinstance(dialog, DigestDialog) and dialog.isVisible()
    assert "今天共有 <b>1</b> 条提醒" in dialog.body.text()
    dialog.all_button.click()
    assert window.current_page_key() == "reminders"
    assert window.reminders.show_digest(lambda: None) is None
    assert not any(isinstance(w, DigestDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
