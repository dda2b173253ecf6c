"""管理 → 节假日: the year view, importing a notice with confirmation, editing a day, and the
reminder on the admin's and the manager's home from 1 November."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app import account, clock
from app.deadlines import calendar
from app.deadlines.calendar import DayKind, DaySource
from app.deadlines.notice import parse_notice
from app.session import Session
from tests.app.test_calendar_import import NOTICE_2027
from tests.support.cases import FakeClock
from tests.support.sessions import session_as
from tests.ui.helpers import type_text, when_modal
from ui.admin.calendar_grid import COLOURS, day_tooltip
from ui.admin.calendar_page import CalendarPage, DayDialog
from ui.home import RoleHome
from ui.home.calendar_reminder import CalendarReminder
from ui.main_window import MainWindow
from ui.operations import bus, run

DECEMBER = datetime(2026, 12, 4, 9, 30)


@pytest.fixture
def warnings_shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr("ui.common.QMessageBox.warning", lambda parent, title, text: shown.append(text))
    return shown


@pytest.fixture
def december() -> FakeClock:
    fake = FakeClock(DECEMBER)
    clock.set_clock(fake)
    return fake


def _page(qtbot: QtBot, session: Session, size: tuple[int, int] = (1280, 800)) -> CalendarPage:
    page = CalendarPage(session)
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_the_page_opens_on_next_year_in_december_all_provisional(
    qtbot: QtBot, admin_session: Session, december: FakeClock
) -> None:
    page = _page(qtbot, admin_session)
    assert page.year == 2027 and page.year_spin.value() == 2027
    assert "暂定" in page.status.text()
    january = page.grid.months[0]
    assert len(january.days) == 31 and january.days[0].source == DaySource.PROVISIONAL
    assert january.days[0].kind == DayKind.WORKDAY  # 1 January 2027 guessed a workday
    assert not page.edit_button.isEnabled()
    page.year_spin.setValue(2026)
    assert "内置" in page.status.text()
    first = page.grid.months[0].days[0]
    assert (first.kind, first.note) == (DayKind.HOLIDAY, "元旦")
    assert day_tooltip(first) == "2026年1月1日 星期四\n放假 · 元旦\n来源：内置节假日数据"
    assert page.grid.months[0].day_at(page.grid.months[0].cell_rect(0).center()) == first
    assert set(COLOURS) == set(DayKind)


def test_a_wrong_weekday_is_refused_then_the_notice_is_confirmed_and_saved(
    qtbot: QtBot, admin_session: Session, december: FakeClock, warnings_shown: list[str]
) -> None:
    page = _page(qtbot, admin_session)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert page.panel.isVisible()
    page.panel.text_edit.setPlainText(NOTICE_2027.replace("2月20日（周六）", "2月20日（周日）"))
    qtbot.mouseClick(page.panel.parse_button, Qt.MouseButton.LeftButton)
    assert warnings_shown and "第4行：2月20日注明星期日，但2027年的这一天是星期六" in warnings_shown[-1]
    assert not page.panel.save_button.isEnabled() and page.preview is None

    page.panel.text_edit.setPlainText(NOTICE_2027)
    qtbot.mouseClick(page.panel.parse_button, Qt.MouseButton.LeftButton)
    assert page.panel.save_button.isEnabled()
    result = page.panel.result.toPlainText()
    assert "2027年：放假 10 天，调休上班 1 天" in result and "放假：2月5日至2月11日（7天）" in result
    assert "预览" in page.status.text()
    assert page.grid.months[0].days[0].kind == DayKind.HOLIDAY  # shown before saving
    assert not calendar.calendar().has_official_data(2027)  # …but nothing saved yet

    with qtbot.waitSignal(bus().data_changed, check_params_cb=lambda kind, _id: kind == "calendar"):
        qtbot.mouseClick(page.panel.save_button, Qt.MouseButton.LeftButton)
    assert not page.panel.isVisible()
    assert calendar.calendar().has_official_data(2027)
    assert page.status.text() == "2027年：已录入国务院办公厅通知"
    assert "已保存2027 年节假日安排" in page.notice.text()
    assert page.grid.months[0].days[0].source == DaySource.OVERRIDE


def test_editing_the_text_after_parsing_needs_a_new_parse_and_cancel_restores(
    qtbot: QtBot, admin_session: Session, december: FakeClock
) -> None:
    page = _page(qtbot, admin_session)
    page.open_import()
    page.panel.text_edit.setPlainText(NOTICE_2027)
    page.panel.parse()
    assert page.panel.save_button.isEnabled()
    type_text(page.panel.text_edit, "改")
    assert not page.panel.save_button.isEnabled() and "重新解析" in page.panel.result.toPlainText()
    assert page.grid.months[0].days[0].source == DaySource.PROVISIONAL
    page.panel.parse()
    qtbot.mouseClick(page.panel.cancel_button, Qt.MouseButton.LeftButton)
    assert not page.panel.isVisible() and "暂定" in page.status.text()


def test_a_gb18030_text_file_is_opened_into_the_paste_box(
    qtbot: QtBot, admin_session: Session, december: FakeClock, tmp_path: Path
) -> None:
    page = _page(qtbot, admin_session)
    page.open_import()
    path = tmp_path / "通知.txt"
    path.write_bytes(NOTICE_2027.encode("gb18030"))
    page.panel.load_file(path)
    assert page.panel.text_edit.toPlainText() == NOTICE_2027


def test_a_day_is_edited_with_a_note_by_double_click(
    qtbot: QtBot, admin_session: Session, december: FakeClock
) -> None:
    page = _page(qtbot, admin_session)
    page.year_spin.setValue(2026)
    may = page.grid.months[4]
    index = 5  # 6 May 2026, a Wednesday
    assert may.days[index].day == date(2026, 5, 6)
    seen: list[str] = []

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, DayDialog)
        seen.append(dialog.windowTitle())
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(DayKind.HOLIDAY))
        type_text(dialog.note_edit, "本市调休")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_modal(fill)
    qtbot.mouseDClick(may, Qt.MouseButton.LeftButton, pos=may.cell_rect(index).center())
    assert seen == ["修改 2026-05-06"]
    day = page.grid.months[4].days[index]
    assert (day.kind, day.source, day.note) == (DayKind.HOLIDAY, DaySource.OVERRIDE, "本市调休")
    assert "已修改 2026-05-06" in page.notice.text()
    assert page.grid.selected_day is not None and page.grid.selected_day.day == date(2026, 5, 6)


def test_the_reminder_shows_from_november_until_next_year_is_entered(
    qtbot: QtBot, admin_session: Session, december: FakeClock
) -> None:
    manager = session_as(admin_session, "chenzr", "manager", display_name="陈主任")
    home = RoleHome(manager, account.account_summary(manager))
    qtbot.addWidget(home)
    home.show()
    reminder = home.calendar_reminder
    assert reminder is not None and reminder.isVisible()
    assert "2027年的节假日安排尚未录入" in reminder.text.text() and "请提醒系统管理员" in reminder.text.text()
    assert reminder.button is None

    window = MainWindow(admin_session, idle_timeout_ms=0)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    admin_reminder = window.home_page.findChild(CalendarReminder)
    assert admin_reminder is not None and admin_reminder.isVisible() and admin_reminder.button is not None
    qtbot.mouseClick(admin_reminder.button, Qt.MouseButton.LeftButton)
    assert isinstance(window.pages["admin"].show_tab("calendar"), CalendarPage)
    assert window.pages["admin"].current_key() == "calendar"

    run(None, lambda: calendar.import_notice(admin_session, parse_notice(NOTICE_2027)), changed=None)
    bus().data_changed.emit("calendar", None)
    assert not reminder.isVisible() and not admin_reminder.isVisible()

    december.set(datetime(2027, 10, 31, 9, 0))  # before November: no reminder for 2028 yet
    reminder.refresh()
    assert not reminder.isVisible()
    december.set(datetime(2027, 11, 1, 9, 0))
    reminder.refresh()
    assert reminder.isVisible() and "2028年" in reminder.text.text()
