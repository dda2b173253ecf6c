"""One board column: the state's name and total above its lazily loaded cards."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.cases.board import BoardFilter, Column
from app.cases.states import STATE_LABELS
from app.session import Session
from ui.board.card_list import CardListView
from ui.board.column_model import ColumnModel

COLUMN_WIDTH = 236
NARROW_WIDTH = 124  # an empty column while a filter is on: room for the cards that do match


class BoardColumn(QFrame):
    def __init__(self, session: Session, state: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boardColumn")
        self.setFixedWidth(COLUMN_WIDTH)
        self.state = state
        self.model = ColumnModel(session, state, self)
        self.view = CardListView(self.model)
        self.view.setAccessibleName(STATE_LABELS[state])
        self.view.drag_hover.connect(self.set_drop_target)
        self.title = QLabel(STATE_LABELS[state])
        self.title.setObjectName("columnTitle")
        self.count = QLabel("0")
        self.count.setObjectName("columnCount")
        self.count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty = QLabel("暂无案件")
        self.empty.setObjectName("hint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        header = QHBoxLayout()
        header.setContentsMargins(10, 8, 10, 4)
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 4)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.empty)
        layout.addWidget(self.view, 1)

    def set_column(self, column: Column, flt: BoardFilter) -> None:
        self.model.set_column(column, flt)
        self.count.setText(f"{column.total:,}")
        self.empty.setVisible(column.total == 0)
        narrow = column.total == 0 and flt != BoardFilter()
        self.empty.setText("无符合筛选的案件" if narrow else "暂无案件")
        self.empty.setWordWrap(narrow)
        self.setFixedWidth(NARROW_WIDTH if narrow else COLUMN_WIDTH)

    def set_drop_target(self, hovering: bool) -> None:
        self.setProperty("dropTarget", hovering)
        self.style().unpolish(self)
        self.style().polish(self)
