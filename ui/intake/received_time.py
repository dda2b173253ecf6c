"""接待时间: when the complainant came or called. It follows the clock (to the minute) until the
user changes it; 现在 sets it back. Both the full form and the night-duty form use it."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, QTimer
from PySide6.QtWidgets import QDateTimeEdit, QHBoxLayout, QToolButton, QWidget

from app import clock

FOLLOW_MS = 30_000


class _ReceivedEdit(QDateTimeEdit):
    """Tab leaves the field instead of walking through year, month, day, hour and minute
    (Left/Right still move between them, Up/Down change one)."""

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002, N802 - Qt override
        return QWidget.focusNextPrevChild(self, next)


class ReceivedTime(QWidget):
    """`value()` is the time the user set (or `hold` fixed), or None while it still follows the
    clock (the service then takes the moment of saving)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = _ReceivedEdit()
        self.edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.edit.setCalendarPopup(True)
        self.now_button = QToolButton()
        self.now_button.setObjectName("fieldButton")
        self.now_button.setText("现在")
        self.now_button.setToolTip("接待时间改回当前时间")
        self.now_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.now_button.clicked.connect(self.reset)
        self.setFocusProxy(self.edit)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.edit, 1)
        row.addWidget(self.now_button)
        self.touched = False
        self._showing_now = False
        self.show_now()
        self.edit.dateTimeChanged.connect(self._edited)
        self._timer = QTimer(self)
        self._timer.setInterval(FOLLOW_MS)
        self._timer.timeout.connect(self.show_now)
        self._timer.start()

    def value(self) -> datetime | None:
        return self.edit.dateTime().toPython() if self.touched else None

    def hold(self) -> None:
        """Stop following the clock at the current minute (the complaint is being taken now)."""
        if not self.touched:
            self.show_now()
            self.touched = True

    def reset(self) -> None:
        self.touched = False
        self.show_now()

    def show_now(self) -> None:
        """Keep an untouched time at the current minute."""
        if self.touched:
            return
        now = clock.now()
        self._showing_now = True
        self.edit.setDateTime(QDateTime(now.date(), now.time().replace(second=0, microsecond=0)))
        self._showing_now = False

    def _edited(self) -> None:
        if not self._showing_now:
            self.touched = True
