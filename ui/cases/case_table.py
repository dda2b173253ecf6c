"""A read-only table of cases over a CaseTableModel: fixed row height (smooth lazy scrolling),
double-click or Enter opens the case; optionally sorted by a header click (in the database)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.cases import board
from app.cases.board import SORT_COLUMNS, BoardFilter, CaseCard
from app.session import Session
from ui.cases.case_model import COLUMNS, WIDTHS, CaseTableModel
from ui.cases.presentation import CaseIdRole
from ui.table_model import Column

ROW_HEIGHT = 30


class CaseTable(QTableView):
    """`open_requested(case_id)` on double-click or Enter; `columns` are keys of case_model.COLUMNS
    (or ready Column objects, e.g. a home list's extra column)."""

    open_requested = Signal(int)
    sort_changed = Signal()

    def __init__(
        self,
        columns: Sequence[str | Column[CaseCard]],
        parent: QWidget | None = None,
        stretch: str | tuple[str, ...] = "",
        sortable: bool = False,
    ) -> None:
        super().__init__(parent)
        self.keys = [c if isinstance(c, str) else "" for c in columns]
        self.order = "newest"  # board.list_keys: "newest" or a sorted column
        self.descending = False
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
            if column in ((stretch,) if isinstance(stretch, str) else stretch):
                header.setSectionResizeMode(index, QHeaderView.ResizeMode.Stretch)
        self.doubleClicked.connect(lambda index: self._open(index.row()))
        if sortable:
            header.setSectionsClickable(True)
            header.setSortIndicatorClearable(True)
            header.setSortIndicatorShown(False)
            header.sectionClicked.connect(self._header_clicked)
            header.setToolTip("点击编号、受理时间、严重程度、状态或期限的列标题排序，再点一次倒序，第三次恢复按时间从新到旧")

    def _header_clicked(self, section: int) -> None:
        """Ascending, descending, then back to newest first; columns the database cannot sort stay put."""
        key = self.keys[section]
        if key not in SORT_COLUMNS:
            self._show_indicator()
            return
        if self.order != key:
            self.order, self.descending = key, False
        elif not self.descending:
            self.descending = True
        else:
            self.order, self.descending = "newest", False
        self._show_indicator()
        self.sort_changed.emit()

    def _show_indicator(self) -> None:
        header = self.horizontalHeader()
        if self.order in self.keys:
            header.setSortIndicatorShown(True)
            descending = Qt.SortOrder.DescendingOrder if self.descending else Qt.SortOrder.AscendingOrder
            header.setSortIndicator(self.keys.index(self.order), descending)
        else:
            header.setSortIndicatorShown(False)

    def show_filter(self, session: Session, flt: BoardFilter, order: str = "") -> int:
        """List the cases of `flt` (first page now, the rest as the view scrolls) in `order` (default:
        the header's sort, newest first when none); returns the total."""
        current = self.current_case_id()
        total = board.case_count(session, flt)
        sort = (order, False) if order else (self.order, self.descending)
        pages = board.case_pages(session, flt, order=sort[0], descending=sort[1])
        self.case_model.set_source(total, pages.next_page)
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
