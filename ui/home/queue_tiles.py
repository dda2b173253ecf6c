"""A row of queue tiles (big count, label); clicking a tile or pressing Enter on it asks for its list."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.cases.board import QueueCount
from ui.home.queue_model import CountRole, QueueModel, QueueRole, ToneRole

Index = QModelIndex | QPersistentModelIndex
TILE = QSize(148, 76)
TONE_COLOURS = {"red": "#B3261E", "amber": "#A15C00", "blue": "#17669E"}


class TileDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802 - Qt override
        return TILE

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect).adjusted(3.5, 3.5, -3.5, -3.5)
        active = bool(option.state & (QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_MouseOver))
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus) and bool(
            option.state & QStyle.StateFlag.State_Selected
        )
        colour = QColor(TONE_COLOURS[index.data(ToneRole)])
        painter.setPen(QPen(QColor("#17669E") if focused else QColor("#DCE3EA"), 2 if focused else 1))
        painter.setBrush(QColor("#F3F8FC") if active else QColor("#FFFFFF"))
        painter.drawRoundedRect(rect, 8, 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(QRectF(rect.left() + 1, rect.top() + 10, 3, rect.height() - 20), 1.5, 1.5)

        big = QFont(option.font)
        big.setPointSizeF(option.font.pointSizeF() * 2)
        big.setWeight(QFont.Weight.DemiBold)
        painter.setFont(big)
        painter.setPen(colour)
        inner = rect.adjusted(16, 5, -10, -6)
        top = QRectF(inner.left(), inner.top(), inner.width(), inner.height() * 0.58)
        painter.drawText(
            top, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), f"{index.data(CountRole):,}"
        )
        painter.setFont(option.font)
        painter.setPen(QColor("#33475B"))
        bottom = QRectF(inner.left(), top.bottom(), inner.width(), inner.height() - top.height())
        label = painter.fontMetrics().elidedText(
            index.data(Qt.ItemDataRole.DisplayRole), Qt.TextElideMode.ElideRight, int(bottom.width())
        )
        painter.drawText(bottom, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), label)
        painter.restore()


class QueueTiles(QListView):
    """Emits `queue_requested(QueueCount)`."""

    queue_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queueTiles")
        self.queue_model = QueueModel(self)
        self.setModel(self.queue_model)
        self.setItemDelegate(TileDelegate(self))
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setSpacing(0)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMouseTracking(True)
        self.setFixedHeight(TILE.height() + 6)
        self.clicked.connect(self._request)

    def set_queues(self, queues: list[QueueCount]) -> None:
        self.queue_model.set_queues(queues)

    def _request(self, index: QModelIndex) -> None:
        if index.isValid():
            self.queue_requested.emit(index.data(QueueRole))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._request(self.currentIndex())
            return
        super().keyPressEvent(event)
