"""The main window's reminders: the 提醒 page, its count on the rail, desktop notifications of new
lines, and the daily digest."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from app.reminders.compute import ReminderList, take_digest
from app.session import Session
from ui.navigation import NavigationRail
from ui.operations import run
from ui.reminders.digest import DigestDialog
from ui.reminders.notifier import DesktopNotifier
from ui.reminders.page import ReminderPage

RAIL_KEY = "reminders"


class ReminderController(QObject):
    def __init__(
        self, session: Session, rail: NavigationRail, title: str, window: QWidget, open_case: Callable[[int], object]
    ) -> None:
        super().__init__(window)
        self.session = session
        self.rail = rail
        self.window = window
        self.notifier = DesktopNotifier(title, self)
        self.page = ReminderPage(session, self.notifier.available)
        self.page.changed.connect(self._changed)
        self.page.open_case_requested.connect(open_case)
        if self.page.reminders is not None:
            self._changed(self.page.reminders)

    def refresh(self) -> None:
        self.page.refresh()

    def _changed(self, reminders: ReminderList) -> None:
        """The rail's 提醒 count, and a desktop notification of new lines for users who want one."""
        self.rail.set_count(RAIL_KEY, reminders.count or None, reminders.tone)
        self.notifier.update(reminders, self.page.notify_on)
        self.rail.list.viewport().update()

    def show_digest(self, show_all: Callable[[], object]) -> DigestDialog | None:
        """今日提醒摘要 at the first login of the working day (not modal: the window stays usable)."""
        outcome = run(self.window, lambda: take_digest(self.session), quiet=True)
        if not outcome or outcome.value is None:
            return None
        dialog = DigestDialog(outcome.value, self.window)
        dialog.show_all.connect(show_all)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def close(self) -> None:
        self.notifier.close()
