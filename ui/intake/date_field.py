"""A date that may be left empty (就诊日期): typed as 2026-03-10 (or 2026/3/10, 20260310,
2026年3月10日), or picked from a calendar with the button beside it."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from app import clock
from app.errors import ValidationError

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def parse_date(text: str) -> date | None:
    """The date written in `text`, None for an empty text; ValueError when it is not a date."""
    text = text.strip()
    if not text:
        return None
    compact = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    match = compact or _DATE.fullmatch(text)
    if match is None:
        raise ValueError(text)
    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def read_date(text: str) -> tuple[date | None, bool]:
    """(the date, or None for an empty text; True), or (None, False) when `text` is not a date."""
    try:
        return parse_date(text), True
    except ValueError:  # input parsing only (a malformed or impossible date such as 2026-02-30)
        return None, False


class OptionalDateEdit(QWidget):
    """`value()` is a date or None; a malformed text raises ValidationError naming `field`."""

    def __init__(self, field: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field, self.label = field, label
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("年-月-日，可不填")
        self.edit.setMaxLength(16)
        self.button = QToolButton()
        self.button.setObjectName("fieldButton")
        self.button.setText("日历")
        self.button.setToolTip("从日历中选择日期")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(False)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._prepare_calendar)
        self.button.setMenu(menu)
        self.setFocusProxy(self.edit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)

    def value(self) -> date | None:
        value, ok = read_date(self.edit.text())
        if not ok:
            raise ValidationError(self.field, self.label, "格式应为 年-月-日，例如 2026-03-10")
        return value

    def set_value(self, value: date | None) -> None:
        self.edit.setText(value.isoformat() if value else "")

    def _prepare_calendar(self) -> None:
        current, _ok = read_date(self.edit.text())
        today = clock.now().date()
        self.calendar.setMaximumDate(QDate(today.year, today.month, today.day))
        shown = current or today
        self.calendar.setSelectedDate(QDate(shown.year, shown.month, shown.day))

    def _picked(self, picked: QDate) -> None:
        self.set_value(date(picked.year(), picked.month(), picked.day()))
        self.button.menu().hide()
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)
