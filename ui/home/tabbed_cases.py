"""A home section of several case lists as tabs with their counts, e.g. the manager's 待审批,
待销项 and 延期待批, or 逾期 and 已上报重大."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from app.cases.board import QUEUE_FILTERS, Queue
from app.session import Session
from ui.cases.case_table import CaseTable
from ui.home.case_section import HOME_COLUMNS
from ui.home.section_card import SectionCard

# The order within a tab: the most urgent first, except 待销项 (the latest first).
ORDERS = {Queue.AWAITING_SIGN_OFF: "newest"}


class TabbedCases(SectionCard):
    """One tab per queue of `keys` (keys of app.cases.board.QUEUE_FILTERS). Emits
    `open_case_requested(case_id)`."""

    open_case_requested = Signal(int)

    def __init__(
        self, session: Session, title: str, keys: Sequence[str], hint: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(title, hint, parent)
        self.session = session
        self.keys = tuple(keys)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("caseTabs")
        self.tables: dict[str, CaseTable] = {}
        for key in self.keys:
            table = CaseTable(HOME_COLUMNS, stretch="category")
            table.open_requested.connect(self.open_case_requested)
            self.tables[key] = table
            self.tabs.addTab(table, QUEUE_FILTERS[key][0])
        self.body.addWidget(self.tabs, 1)

    def refresh(self) -> dict[str, int]:
        totals = {}
        for index, key in enumerate(self.keys):
            label, flt = QUEUE_FILTERS[key]
            totals[key] = self.tables[key].show_filter(self.session, flt, ORDERS.get(key, "urgency"))
            self.tabs.setTabText(index, f"{label}（{totals[key]}）")
        return totals

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(self.keys.index(key))
