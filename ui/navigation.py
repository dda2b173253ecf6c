"""The navigation rail on the left of the main window: icon, name and a live count per entry.

The main window adds only the entries that work for the user (see MainWindow); Ctrl+1…Ctrl+5
select them in order. Arrow keys move within the rail, and selecting an entry emits `selected(key)`.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

Index = QModelIndex | QPersistentModelIndex
KeyRole = Qt.ItemDataRole.UserRole + 20
CountRole = Qt.ItemDataRole.UserRole + 21  # int or None
ToneRole = Qt.ItemDataRole.UserRole + 22  # red / amber / neutral

RAIL_WIDTH = 168
ROW_HEIGHT = 46
ICON = 20
BACKGROUND = "#123B5E"
TEXT = QColor("#DCE8F2")
SELECTED_TEXT = QColor("#FFFFFF")
SELECTED_BACKGROUND = QColor("#1D5686")
HOVER_BACKGROUND = QColor("#184A73")
ACCENT = QColor("#6EC1F0")
PILLS = {"red": QColor("#D93A2F"), "amber": QColor("#D08A12"), "neutral": QColor(255, 255, 255, 46)}

# Line icons on a 24×24 grid, stroked in the text colour.
_PATHS = {
    "home": "M3.5 11 12 4l8.5 7M5.5 9.5V20h5v-5.5h3V20h5V9.5",
    "intake": "M6 3.5h8l4 4V20.5H6zM14 3.5v4h4M12 10.5v6M9 13.5h6",
    "board": "M3.5 4.5h5v15h-5zM10 4.5h4.5v10H10zM16 4.5h4.5v7H16z",
    "cases": "M9 6.5h11M9 12h11M9 17.5h11M4.5 6.5h1M4.5 12h1M4.5 17.5h1",
    "admin": "M4 7h9M17 7h3M4 17h3M11 17h9M15 5v4M9 15v4",
    "bell": "M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 2h-15zM10 20.5h4",
    "rectify": "M5 4.5h14v16H5zM8.5 12l2.5 2.5 4.5-5",
    "chart": "M4 20.5h16M6.5 17V11M11 17V6.5M15.5 17v-4M20 17V9",
}
_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">'
    '<path d="{d}" fill="none" stroke="{c}" stroke-width="1.8" stroke-linecap="round" '
    'stroke-linejoin="round"/></svg>'
)


@cache
def rail_icon(name: str, colour: str) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(_SVG.format(d=_PATHS[name], c=colour).encode()))
    pixmap = QPixmap(QSize(ICON * 2, ICON * 2))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter)
    painter.end()
    pixmap.setDevicePixelRatio(2)
    return pixmap


class RailDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802 - Qt override
        return QSize(RAIL_WIDTH, ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hover = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected or hover:
            painter.fillRect(rect, SELECTED_BACKGROUND if selected else HOVER_BACKGROUND)
        if selected:
            painter.fillRect(QRect(rect.left(), rect.top() + 8, 3, rect.height() - 16), ACCENT)
        colour = SELECTED_TEXT if selected else TEXT
        icon = rail_icon(index.data(Qt.ItemDataRole.DecorationRole), colour.name())
        painter.drawPixmap(rect.left() + 18, rect.top() + (rect.height() - ICON) // 2, icon)
        font = QFont(option.font)
        font.setPointSizeF(option.font.pointSizeF() + 0.5)
        font.setWeight(QFont.Weight.DemiBold if selected else QFont.Weight.Normal)
        painter.setFont(font)
        painter.setPen(colour)
        text_rect = rect.adjusted(18 + ICON + 12, 0, -10, 0)
        count = index.data(CountRole)
        if count is not None:
            text_rect.setRight(self._pill(painter, option.font, rect, count, index.data(ToneRole)) - 6)
        text = QFontMetrics(font).elidedText(
            index.data(Qt.ItemDataRole.DisplayRole), Qt.TextElideMode.ElideRight, text_rect.width()
        )
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), text)
        painter.restore()

    def _pill(self, painter: QPainter, font: QFont, rect: QRect, count: int, tone: str) -> int:
        """The count badge at the right; returns its left edge."""
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() - 1)
        small.setWeight(QFont.Weight.DemiBold)
        metrics = QFontMetrics(small)
        text = f"{count:,}" if count < 100_000 else "10万+"
        width = max(metrics.horizontalAdvance(text) + 12, 22)
        height = metrics.height() + 2
        box = QRectF(rect.right() - 12 - width, rect.top() + (rect.height() - height) / 2, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PILLS.get(tone, PILLS["neutral"]))
        painter.drawRoundedRect(box, height / 2, height / 2)
        painter.setPen(QColor("#FFFFFF"))
        painter.setFont(small)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)
        return int(box.left())


class NavigationRail(QFrame):
    """Emits `selected(key)` when the user picks an entry."""

    selected = Signal(str)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigationRail")
        self.setFixedWidth(RAIL_WIDTH)
        self.setStyleSheet(
            f"QFrame#navigationRail {{ background: {BACKGROUND}; }}"
            "QLabel#railTitle { color: #FFFFFF; font-weight: 600; padding: 16px 18px 12px 18px; }"
            "QListWidget#railList { background: transparent; border: none; outline: 0; }"
        )
        self.title = QLabel(title)
        self.title.setObjectName("railTitle")
        self.list = QListWidget()
        self.list.setObjectName("railList")
        self.list.setItemDelegate(RailDelegate(self.list))
        self.list.setMouseTracking(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAccessibleName("导航")
        self.list.currentItemChanged.connect(self._changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        self._quiet = False

    def add_entry(self, key: str, text: str, icon: str, tooltip: str = "") -> None:
        item = QListWidgetItem(text)
        item.setData(KeyRole, key)
        item.setData(Qt.ItemDataRole.DecorationRole, icon)
        item.setData(CountRole, None)
        item.setData(ToneRole, "neutral")
        item.setToolTip(tooltip or text)
        self.list.addItem(item)

    def keys(self) -> list[str]:
        return [self.list.item(row).data(KeyRole) for row in range(self.list.count())]

    def _item(self, key: str) -> QListWidgetItem | None:
        return next(
            (self.list.item(r) for r in range(self.list.count()) if self.list.item(r).data(KeyRole) == key),
            None,
        )

    def text(self, key: str) -> str:
        item = self._item(key)
        return item.text() if item is not None else ""

    def count(self, key: str) -> int | None:
        item = self._item(key)
        return item.data(CountRole) if item is not None else None

    def set_count(self, key: str, count: int | None, tone: str = "neutral") -> None:
        """Show `count` next to the entry (None hides it)."""
        item = self._item(key)
        if item is not None:
            item.setData(CountRole, count)
            item.setData(ToneRole, tone)

    def current_key(self) -> str:
        item = self.list.currentItem()
        return item.data(KeyRole) if item is not None else ""

    def select(self, key: str) -> None:
        """Mark `key` as the current entry without emitting `selected` (the window already shows it)."""
        item = self._item(key)
        self._quiet = True
        try:
            if item is None:
                self.list.clearSelection()
                self.list.setCurrentRow(-1)
            else:
                self.list.setCurrentItem(item)
        finally:
            self._quiet = False

    def _changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is not None and not self._quiet:
            self.selected.emit(current.data(KeyRole))
