"""受理日期 filter of the case list: a preset (今天, 最近 7 天, 本月 …) or a chosen range of days."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from app import clock

PRESETS = (
    ("", "全部日期"),
    ("today", "今天"),
    ("week", "最近 7 天"),
    ("month30", "最近 30 天"),
    ("this_month", "本月"),
    ("last_month", "上月"),
    ("this_year", "今年"),
    ("custom", "指定日期…"),
)


def preset_range(preset: str, today: date) -> tuple[date | None, date | None]:
    """The first and last day (both included) a preset stands for; (None, None) for 全部日期."""
    if preset == "today":
        return today, today
    if preset == "week":
        return today - timedelta(days=6), today
    if preset == "month30":
        return today - timedelta(days=29), today
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if preset == "this_year":
        return today.replace(month=1, day=1), today
    return None, None


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setFixedWidth(112)
    return edit


class DateRangeFilter(QWidget):
    """Emits `changed`; `value()` is (first day, last day), either None when open-ended."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preset = QComboBox()
        for key, text in PRESETS:
            self.preset.addItem(text, key)
        self.preset.setToolTip("按受理时间筛选")
        self.start = _date_edit()
        self.end = _date_edit()
        self.start.setToolTip("起始日期（含）")
        self.end.setToolTip("截止日期（含）")
        self.dash = QLabel("至")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(QLabel("受理日期"))
        for widget in (self.preset, self.start, self.dash, self.end):
            layout.addWidget(widget)
        self._show_custom(False)
        self.preset.currentIndexChanged.connect(self._preset_changed)
        self.start.dateChanged.connect(self._start_changed)
        self.end.dateChanged.connect(self._end_changed)

    def value(self) -> tuple[date | None, date | None]:
        key = self.preset.currentData()
        if key == "custom":
            return self.start.date().toPython(), self.end.date().toPython()
        return preset_range(key, clock.now().date())

    def is_default(self) -> bool:
        return not self.preset.currentData()

    def set_range(self, start: date | None, end: date | None) -> None:
        """Show a range (both None: 全部日期) without emitting `changed`."""
        self.blockSignals(True)
        try:
            if start is None and end is None:
                self.preset.setCurrentIndex(0)
            else:
                today = clock.now().date()
                self.preset.setCurrentIndex(self.preset.findData("custom"))
                self.start.setDate(QDate(start or end or today))
                self.end.setDate(QDate(end or today))
        finally:
            self.blockSignals(False)

    def _show_custom(self, shown: bool) -> None:
        for widget in (self.start, self.dash, self.end):
            widget.setVisible(shown)

    def _preset_changed(self) -> None:
        custom = self.preset.currentData() == "custom"
        if custom:  # start from the last 7 days, a range worth narrowing
            start, end = preset_range("week", clock.now().date())
            for edit, day in ((self.start, start), (self.end, end)):
                edit.blockSignals(True)
                edit.setDate(QDate(day))
                edit.blockSignals(False)
        self._show_custom(custom)
        self.changed.emit()

    def _start_changed(self, day: QDate) -> None:
        if day > self.end.date():
            self.end.setDate(day)  # emits through _end_changed
            return
        self.changed.emit()

    def _end_changed(self, day: QDate) -> None:
        if day < self.start.date():
            self.start.blockSignals(True)
            self.start.setDate(day)
            self.start.blockSignals(False)
        self.changed.emit()
