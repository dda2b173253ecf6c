"""One board column's cards as a lazy list model: the board query gives the first page and the
total, fetchMore continues with app.cases.board.column_pages after it. Cards can be dragged (mime data: the
case id and the column it left)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt

from app.cases import board
from app.cases.board import PAGE_SIZE, BoardFilter, CaseCard, Column
from app.cases.keyset import KeysetPages
from app.session import Session
from ui.cases.presentation import CardRole, CaseIdRole, tooltip

Index = QModelIndex | QPersistentModelIndex
CARD_MIME = "application/x-complaintdesk-case"


def card_mime(case_id: int, state: str) -> QMimeData:
    mime = QMimeData()
    mime.setData(CARD_MIME, json.dumps({"id": case_id, "state": state}).encode())
    return mime


def read_card_mime(mime: QMimeData) -> tuple[int, str] | None:
    """(case id, from state) of a dragged card, or None for anything else."""
    if not mime.hasFormat(CARD_MIME):
        return None
    try:
        data = json.loads(bytes(mime.data(CARD_MIME).data()).decode())
        return int(data["id"]), str(data["state"])
    except (ValueError, KeyError, TypeError):
        return None


class ColumnModel(QAbstractListModel):
    def __init__(self, session: Session, state: str, parent: Any = None, page_size: int = PAGE_SIZE) -> None:
        super().__init__(parent)
        self.session = session
        self.state = state
        self.page_size = page_size
        self.flt = BoardFilter()
        self.total = 0
        self._cards: list[CaseCard] = []
        self._pages: KeysetPages | None = None

    def set_column(self, column: Column, flt: BoardFilter) -> None:
        """Show a column of app.cases.board.board() (its first page and total) under `flt`."""
        self.beginResetModel()
        self.flt = flt
        self.total = column.total
        self._cards = list(column.cards)
        self._pages = None
        self.endResetModel()

    def cards(self) -> Sequence[CaseCard]:
        return tuple(self._cards)

    def card(self, row: int) -> CaseCard:
        return self._cards[row]

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802 - Qt signature
        return not parent.isValid() and len(self._cards) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802 - Qt signature
        if not self.canFetchMore(parent):
            return
        if self._pages is None:  # the board read the first page: continue after it
            self._pages = board.column_pages(self.session, self.state, self.flt)
            self._pages.skip(len(self._cards))
        known = {c.id for c in self._cards}
        page = self._pages.next_page(self.page_size)
        cards = [c for c in page if c.id not in known][: self.total - len(self._cards)]
        if not cards:
            self.total = len(self._cards)  # the column shrank since it was counted
            return
        first = len(self._cards)
        self.beginInsertRows(QModelIndex(), first, first + len(cards) - 1)
        self._cards.extend(cards)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        return 0 if parent.isValid() else len(self._cards)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._cards)):
            return None
        card = self._cards[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{board.REDACTED}" if card.redacted else f"{card.case_no} {card.complainant}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return board.REDACTED if card.redacted else f"{card.case_no}，{card.category}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(card)
        if role == CardRole:
            return card
        if role == CaseIdRole:
            return card.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802 - Qt override
        return Qt.DropAction.CopyAction

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802 - Qt override
        return Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt override
        return [CARD_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData | None:  # noqa: N802 - Qt override
        rows = [i.row() for i in indexes if i.isValid()]
        if not rows:
            return None
        return card_mime(self._cards[rows[0]].id, self.state)
