"""Desktop notifications of new reminders (QSystemTrayIcon), for users who turned them on.

Without a system tray (a plain X server, the offscreen platform) there is nothing to notify with:
`available` is False, the page's switch is disabled, and the reminders still show on the rail."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from app.reminders.compute import ReminderList
from ui.navigation import rail_icon

SHOWN_LINES = 3


class DesktopNotifier(QObject):
    def __init__(self, title: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray: QSystemTrayIcon | None = None
        self._known: set[str] | None = None
        self.last_message = ""

    def update(self, reminders: ReminderList, enabled: bool) -> str:
        """Tell of lines not seen at the previous update (none at the first); returns the message."""
        keys = {r.key for r in reminders.items}
        known = self._known if self._known is not None else keys
        self._known = keys
        fresh = [r for r in reminders.items if r.key not in known]
        if not fresh or not enabled or not self.available:
            return ""
        message = "\n".join(r.title for r in fresh[:SHOWN_LINES])
        if len(fresh) > SHOWN_LINES:
            message += f"\n另有 {len(fresh) - SHOWN_LINES} 条新提醒"
        self._tray().showMessage(f"{self.title}：{len(fresh)} 条新提醒", message)
        self.last_message = message
        return message

    def _tray(self) -> QSystemTrayIcon:
        if self.tray is None:
            self.tray = QSystemTrayIcon(QIcon(rail_icon("bell", "#123B5E")), self)
            self.tray.setToolTip(self.title)
            self.tray.show()
        return self.tray

    def close(self) -> None:
        if self.tray is not None:
            self.tray.hide()
