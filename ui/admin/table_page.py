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

from app.session import Session
from ui import operations
from ui.common import PageHeader, make_primary
from ui.operations import Change, Kind
from ui.table_model import RowTableModel

NOTICE_MS = 8000


class TablePage(QWidget):
    """Subclasses provide the model columns, `load()` and `key()`, `kind` (what their writes
    change), and add their buttons. The rows are read again whenever that kind changes."""

    kind: Kind

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
        operations.bus().data_changed.connect(self._data_changed)

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
        outcome = operations.run(self, self.load)
        if not outcome:
            return
        self.model.set_rows(outcome.value or [])
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

    def change(self) -> Change:
        """What a write from this page announces to the window."""
        return Change(self.kind)

    def run(self, action: Callable[[], object]) -> bool:
        """Call a service through the operation runner (which shows any refusal and announces the
        change, so the rows are read again). True when it went through."""
        return operations.run(self, action, changed=self.change()).ok

    def _data_changed(self, kind: str, _case_id: object) -> None:
        if kind == self.kind and self.isVisible():
            self.refresh()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.refresh()
