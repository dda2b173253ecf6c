"""The home's queue tiles as a list model over app.cases.board.QueueCount (label, live count)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from app.cases.board import Queue, QueueCount

Index = QModelIndex | QPersistentModelIndex
QueueRole = Qt.ItemDataRole.UserRole + 10  # the QueueCount
CountRole = Qt.ItemDataRole.UserRole + 11  # its count (int)
ToneRole = Qt.ItemDataRole.UserRole + 12  # red / amber / blue: how urgent a non-empty queue is

RED_QUEUES = frozenset({Queue.OVERDUE, Queue.ESCALATED, Queue.DEPT_LATE})
AMBER_QUEUES = frozenset({Queue.DUE_TODAY, Queue.EXTENSIONS, Queue.PENDING_APPROVAL, Queue.MY_SHIFT, Queue.REGISTERED})


def tone(queue: QueueCount) -> str:
    if queue.count and queue.key in RED_QUEUES:
        return "red"
    if queue.count and queue.key in AMBER_QUEUES:
        return "amber"
    return "blue"


class QueueModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._queues: list[QueueCount] = []

    def set_queues(self, queues: Sequence[QueueCount]) -> None:
        """New counts: the same queues update in place, a different set resets the model."""
        queues = list(queues)
        if [q.key for q in queues] == [q.key for q in self._queues]:
            self._queues = queues
            if queues:
                self.dataChanged.emit(self.index(0), self.index(len(queues) - 1))
            return
        self.beginResetModel()
        self._queues = queues
        self.endResetModel()

    def queues(self) -> list[QueueCount]:
        return list(self._queues)

    def queue(self, key: str) -> QueueCount | None:
        return next((q for q in self._queues if q.key == key), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        return 0 if parent.isValid() else len(self._queues)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._queues)):
            return None
        queue = self._queues[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return queue.label
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{queue.label}：{queue.count} 件，点击查看列表"
        if role == QueueRole:
            return queue
        if role == CountRole:
            return queue.count
        if role == ToneRole:
            return tone(queue)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
