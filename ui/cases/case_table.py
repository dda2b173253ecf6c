"""A read-only table of cases over a CaseTableModel: fixed row height (smooth lazy scrolling),
double-click or Enter opens the case."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.cases import board
from app.cases.board import BoardFilter, CaseCard
from app.session import Session
from ui.cases.case_model import COLUMNS, WIDTHS, CaseTableModel
from ui.cases.presentation import CaseIdRole
from ui.table_model import Column

ROW_HEIGHT = 30


class CaseTable(QTableView):
    """`open_requested(case_id)` on double-click or Enter; `columns` are keys of case_model.COLUMNS
    (or ready Column objects, e.g. a home list's extra column)."""

    open_requested = Signal(int)

    def __init__(
        self, columns: Sequence[str | Column[CaseCard]], parent: QWidget | None = None, stretch: str = ""
    ) -> None:
        super().__init__(parent)
        specs = [COLUMNS[c] if isinstance(c, str) else c for c in columns]
        self.case_model = CaseTableModel(specs, self)
        self.setModel(self.case_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(not stretch)
        for index, column in enumerate(columns):
            if isinstance(column, str):
                self.setColumnWidth(index, WIDTHS[column])
            if column == stretch:
                header.setSectionResizeMode(index, QHeaderView.ResizeMode.Stretch)
        self.doubleClicked.connect(lambda index: self._open(index.row()))

    def show_filter(self, session: Session, flt: BoardFilter, order: str = "newest") -> int:
        """List the cases of `flt` (first page now, the rest as the view scrolls); returns the total."""
        current = self.current_case_id()
        total = board.case_count(session, flt)
        self.case_model.set_source(total, partial(board.case_list, session, flt, order=order))
        if current is not None:
            self.select_case(current)
        return total

    def select_case(self, case_id: int) -> bool:
        """Make the (loaded) row of `case_id` current; False when it is not listed."""
        row = self.case_model.row_of(case_id)
        if row is None:
            return False
        self.setCurrentIndex(self.case_model.index(row, 0))
        return True

    def current_case_id(self) -> int | None:
        index = self.currentIndex()
        return index.data(CaseIdRole) if index.isValid() else None

    def _open(self, row: int) -> None:
        if 0 <= row < self.case_model.rowCount():
            self.open_requested.emit(self.case_model.card(row).id)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex().row())
            return
        super().keyPressEvent(event)
