"""The list of cards inside a board column: drag source, drop target, and keyboard access
(Enter opens, the context menu — also Shift+F10 — offers 打开 and 移到 another column)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QDrag, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QFrame, QListView, QMenu, QWidget

from app.cases.board import BOARD_MOVES
from app.cases.states import STATE_LABELS
from ui.board.card_delegate import CardDelegate
from ui.board.column_model import ColumnModel, read_card_mime
from ui.cases.presentation import CardRole


class CardListView(QListView):
    """Signals: `open_requested(case_id)`, `move_requested(case_id, from_state, to_state)` (a drop
    on this column or a 移到 menu choice), `drag_hover(bool)` while a card hovers over it."""

    open_requested = Signal(int)
    move_requested = Signal(int, str, str)
    drag_hover = Signal(bool)

    def __init__(self, model: ColumnModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.column_model = model
        self.setModel(model)
        self.setItemDelegate(CardDelegate(self))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self.doubleClicked.connect(self._open)

    @property
    def state(self) -> str:
        return self.column_model.state

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(index.data(CardRole).id)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            return
        super().keyPressEvent(event)

    # -- drag source -----------------------------------------------------------------------------

    def startDrag(self, supported: Qt.DropAction) -> None:  # noqa: N802 - Qt override
        """Drag the current card, shown as itself under the mouse pointer."""
        index = self.currentIndex()
        mime = self.column_model.mimeData([index]) if index.isValid() else None
        if mime is None:
            return
        rect = self.visualRect(index)
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.setPixmap(self.viewport().grab(rect))
        drag.setHotSpot(self.viewport().mapFromGlobal(self.cursor().pos()) - rect.topLeft())
        drag.exec(Qt.DropAction.CopyAction)

    # -- drop target -----------------------------------------------------------------------------

    def _foreign_card(self, event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> tuple[int, str] | None:
        data = read_card_mime(event.mimeData())
        return data if data is not None and data[1] != self.state else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if self._foreign_card(event) is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.drag_hover.emit(True)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt override
        if self._foreign_card(event) is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def dragLeaveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.drag_hover.emit(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        self.drag_hover.emit(False)
        card = self._foreign_card(event)
        if card is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.move_requested.emit(card[0], card[1], self.state)

    # -- keyboard and mouse menu -----------------------------------------------------------------

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt override
        by_mouse = event.reason() == QContextMenuEvent.Reason.Mouse
        index = self.indexAt(event.pos()) if by_mouse else self.currentIndex()
        if not index.isValid():
            return
        self.setCurrentIndex(index)
        where = (
            event.globalPos() if by_mouse else self.viewport().mapToGlobal(self.visualRect(index).center())
        )
        self.card_menu(index).exec(where)

    def card_menu(self, index: QModelIndex) -> QMenu:
        card = index.data(CardRole)
        menu = QMenu(self)
        menu.addAction("打开案件", lambda: self.open_requested.emit(card.id))
        targets = [to for (source, to) in BOARD_MOVES if source == self.state]
        if targets:
            move = menu.addMenu("移到")
            for target in targets:
                move.addAction(
                    STATE_LABELS[target],
                    lambda t=target: self.move_requested.emit(card.id, self.state, t),
                )
        return menu
