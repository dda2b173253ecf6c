"""Shared layout for the admin list pages: header, filter, buttons, notice line and a table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import ComplaintDeskError
from app.session import Session
from ui.common import PageHeader, make_primary, show_error
from ui.table_model import RowTableModel

NOTICE_MS = 8000


class TablePage(QWidget):
    """Subclasses provide the model columns, `load()` and `key()`, and add their buttons."""

    def __init__(
        self,
        session: Session,
        title: str,
        subtitle: str,
        model: RowTableModel,
        filter_hint: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.session = session
        self.model = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self._selection_buttons: list[QPushButton] = []
        self._sized = False  # columns fitted to the first rows, then left to the user

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(filter_hint)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(280)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)

        self.toolbar = QHBoxLayout()
        self.toolbar.setSpacing(8)
        self.toolbar.addWidget(self.filter_edit)
        self.toolbar.addStretch(1)

        self.notice = QLabel()
        self.notice.setObjectName("noticeLabel")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.setInterval(NOTICE_MS)
        self._notice_timer.timeout.connect(self.notice.hide)

        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(
            -1, Qt.SortOrder.AscendingOrder
        )  # the service's order until a header is clicked
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(34)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.view.selectionModel().selectionChanged.connect(self.update_buttons)
        self.view.doubleClicked.connect(lambda _index: self.activated())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 18)
        layout.setSpacing(12)
        layout.addWidget(PageHeader(title, subtitle))
        layout.addLayout(self.toolbar)
        layout.addWidget(self.notice)
        layout.addWidget(self.view, 1)

    # -- subclass hooks --------------------------------------------------------------------------

    def load(self) -> list[Any]:
        raise NotImplementedError

    def key(self, row: Any) -> str:
        raise NotImplementedError

    def activated(self) -> None:
        """Double-click on a row."""

    def update_buttons(self) -> None:
        has_selection = self.selected() is not None
        for button in self._selection_buttons:
            button.setEnabled(has_selection)

    # -- helpers ---------------------------------------------------------------------------------

    def add_button(
        self, text: str, slot: Callable[[], None], *, needs_selection: bool = True, primary: bool = False
    ) -> QPushButton:
        button = QPushButton(text)
        if primary:
            make_primary(button)
        button.clicked.connect(slot)
        if needs_selection:
            self._selection_buttons.append(button)
            button.setEnabled(False)
        self.toolbar.addWidget(button)
        return button

    def selected(self) -> Any | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row(self.proxy.mapToSource(rows[0]).row())

    def select_key(self, key: str) -> None:
        for source_row, item in enumerate(self.model.rows()):
            if self.key(item) == key:
                index = self.proxy.mapFromSource(self.model.index(source_row, 0))
                if index.isValid():
                    self.view.selectRow(index.row())
                return

    def refresh(self) -> None:
        """Reload the rows from the service, keeping the selected row."""
        current = self.selected()
        try:
            rows = self.load()
        except ComplaintDeskError as exc:
            show_error(self, exc)
            return
        self.model.set_rows(rows)
        if not self._sized:
            self.view.resizeColumnsToContents()
            for column in range(self.model.columnCount() - 1):
                self.view.setColumnWidth(column, max(self.view.columnWidth(column) + 24, 96))
            self._sized = True
        if current is not None:
            self.select_key(self.key(current))
        self.update_buttons()

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()
        self._notice_timer.start()

    def run(self, action: Callable[[], object]) -> bool:
        """Call a service; show its Chinese refusal in a message box. True when it went through."""
        try:
            action()
        except ComplaintDeskError as exc:
            show_error(self, exc)
            return False
        return True

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.refresh()
