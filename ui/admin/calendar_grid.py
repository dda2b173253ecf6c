"""The 节假日 year view: twelve small month grids, one colour per kind of day, and the legend."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QToolTip, QWidget

from app.deadlines.calendar import KIND_LABELS, SOURCE_LABELS, CalendarDay, DayKind, DaySource

WEEKDAYS = "一二三四五六日"
# (background, text) per kind of day
COLOURS: dict[str, tuple[str, str]] = {
    DayKind.HOLIDAY: ("#F6C9CC", "#8E1B23"),
    DayKind.MAKEUP_WORKDAY: ("#FBDDA0", "#6E4300"),
    DayKind.WEEKEND: ("#E6EAEF", "#5C6B7A"),
    DayKind.WORKDAY: ("#FFFFFF", "#1F2D3D"),
}
OVERRIDE_MARK = "#17669E"
CELL_W, CELL_H, TITLE_H, HEAD_H, PAD = 26, 22, 24, 20, 4


def day_tooltip(day: CalendarDay) -> str:
    """2027年1月1日 星期五 / 放假 · 元旦 / 来源：管理员录入."""
    kind = KIND_LABELS[day.kind] + (f" · {day.note}" if day.note else "")
    return (
        f"{day.day.year}年{day.day.month}月{day.day.day}日 星期{WEEKDAYS[day.day.weekday()]}\n"
        f"{kind}\n来源：{SOURCE_LABELS[day.source]}"
    )


class MonthGrid(QWidget):
    """One month: title, weekday header (一 … 日) and the days in their colours; click selects,
    double-click asks to edit (`day_activated`)."""

    day_clicked = Signal(object)
    day_activated = Signal(object)

    def __init__(self, month: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.month = month
        self.days: list[CalendarDay] = []
        self.selected: date | None = None
        self.today: date | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(f"{month}月")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(7 * CELL_W + 2 * PAD, TITLE_H + HEAD_H + 6 * CELL_H + PAD)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.sizeHint()

    def set_days(self, days: Sequence[CalendarDay], today: date | None = None) -> None:
        self.days = list(days)
        self.today = today
        self.update()

    def _offset(self) -> int:
        return self.days[0].day.weekday() if self.days else 0

    def cell_rect(self, index: int) -> QRect:
        slot = index + self._offset()
        row, column = divmod(slot, 7)
        return QRect(PAD + column * CELL_W, TITLE_H + HEAD_H + row * CELL_H, CELL_W - 2, CELL_H - 2)

    def day_at(self, point: QPoint) -> CalendarDay | None:
        for index, day in enumerate(self.days):
            if self.cell_rect(index).contains(point):
                return day
        return None

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor("#123B5E"))
        title = QRect(PAD, 0, 7 * CELL_W, TITLE_H)
        painter.drawText(title, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{self.month}月")
        painter.setFont(font)
        for column, name in enumerate(WEEKDAYS):
            painter.setPen(QColor("#8A97A5" if column >= 5 else "#4A5A6A"))
            rect = QRect(PAD + column * CELL_W, TITLE_H, CELL_W - 2, HEAD_H)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, name)
        for index, day in enumerate(self.days):
            self._paint_day(painter, index, day, bold)
        painter.end()

    def _paint_day(self, painter: QPainter, index: int, day: CalendarDay, bold: QFont) -> None:
        rect = self.cell_rect(index)
        background, text = COLOURS[day.kind]
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(background))
        painter.drawRoundedRect(rect, 3, 3)
        if day.source == DaySource.PROVISIONAL:
            painter.setPen(QPen(QColor("#B7C2CD"), 1, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 3, 3)
        if day.source == DaySource.OVERRIDE:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(OVERRIDE_MARK))
            painter.drawEllipse(QRect(rect.right() - 6, rect.top() + 2, 4, 4))
        if day.day == self.selected or day.day == self.today:
            colour = OVERRIDE_MARK if day.day == self.selected else "#1F2D3D"
            painter.setPen(QPen(QColor(colour), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 3, 3)
        painter.setFont(bold if day.kind in (DayKind.HOLIDAY, DayKind.MAKEUP_WORKDAY) else self.font())
        painter.setPen(QColor(text))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(day.day.day))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            day = self.day_at(event.pos())
            if day is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), day_tooltip(day), self)
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        day = self.day_at(event.position().toPoint())
        if day is not None:
            self.day_clicked.emit(day)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        day = self.day_at(event.position().toPoint())
        if day is not None:
            self.day_activated.emit(day)


class YearGrid(QWidget):
    """Twelve MonthGrids, four to a row (three when narrow); `selected_day` is the last one clicked."""

    day_selected = Signal(object)
    day_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.months = [MonthGrid(m) for m in range(1, 13)]
        self.selected_day: CalendarDay | None = None
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(8)
        self._columns = 0
        for month in self.months:
            month.day_clicked.connect(self.select)
            month.day_activated.connect(self._activated)
        self._place(4)

    def _place(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for month in self.months:
            self.grid.removeWidget(month)
        for index, month in enumerate(self.months):
            self.grid.addWidget(month, index // columns, index % columns, Qt.AlignmentFlag.AlignTop)

    def fit(self, width: int) -> None:
        """Four months to a row when `width` (the visible width) allows, down to two."""
        spacing = self.grid.horizontalSpacing()
        month = self.months[0].sizeHint().width() + spacing
        self._place(max(2, min(4, (width + spacing) // month)))

    def set_days(self, days: Sequence[CalendarDay], today: date | None = None) -> None:
        for month in self.months:
            month.set_days([d for d in days if d.day.month == month.month], today)
        by_date = {d.day: d for d in days}
        current = self.selected_day.day if self.selected_day else None
        self.selected_day = by_date.get(current) if current else None
        self._mark()

    def select(self, day: CalendarDay) -> None:
        self.selected_day = day
        self._mark()
        self.day_selected.emit(day)

    def _activated(self, day: CalendarDay) -> None:
        self.select(day)
        self.day_activated.emit(day)

    def _mark(self) -> None:
        for month in self.months:
            month.selected = self.selected_day.day if self.selected_day else None
            month.update()


def legend() -> QWidget:
    """Colour swatches for each kind of day, the override dot and the dashed provisional border."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(14)
    for kind in (DayKind.HOLIDAY, DayKind.MAKEUP_WORKDAY, DayKind.WEEKEND, DayKind.WORKDAY):
        background, text = COLOURS[kind]
        swatch = QLabel(KIND_LABELS[kind])
        swatch.setStyleSheet(
            f"background: {background}; color: {text}; border: 1px solid #D5DCE3; border-radius: 3px;"
            " padding: 2px 8px;"
        )
        row.addWidget(swatch)
    dot = QLabel(f"<span style='color:{OVERRIDE_MARK}'>●</span> 管理员录入")
    row.addWidget(dot)
    dashed = QLabel("虚线框：暂定（按周一至周五）")
    dashed.setStyleSheet("color: #5C6B7A;")
    row.addWidget(dashed)
    row.addStretch(1)
    return box
