"""主任's home section: 待审批, 待销项, 延期待批, 逾期 and 已上报重大 as tabs with their counts."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from app.cases.board import QUEUE_FILTERS
from app.session import Session
from ui.cases.case_table import CaseTable
from ui.home.case_section import HOME_COLUMNS
from ui.home.section_card import SectionCard

TABS = ("pending_approval", "awaiting_signoff", "extensions", "overdue", "escalated")
# The order within each tab: the longest-waiting or most urgent first.
ORDERS = {"pending_approval": "urgency", "awaiting_signoff": "newest", "extensions": "urgency"}


class OversightSection(SectionCard):
    """Emits `open_case_requested(case_id)`."""

    open_case_requested = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("审批与督办", "双击或按回车打开案件，在案件中审批、销项或审批延期。", parent)
        self.session = session
        self.tabs = QTabWidget()
        self.tabs.setObjectName("oversightTabs")
        self.tables: dict[str, CaseTable] = {}
        for key in TABS:
            table = CaseTable(HOME_COLUMNS, stretch="category")
            table.open_requested.connect(self.open_case_requested)
            self.tables[key] = table
            self.tabs.addTab(table, QUEUE_FILTERS[key][0])
        self.body.addWidget(self.tabs, 1)

    def refresh(self) -> dict[str, int]:
        totals = {}
        for index, key in enumerate(TABS):
            label, flt = QUEUE_FILTERS[key]
            totals[key] = self.tables[key].show_filter(self.session, flt, ORDERS.get(key, "urgency"))
            self.tabs.setTabText(index, f"{label}（{totals[key]}）")
        self.count.clear()
        return totals

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(TABS.index(key))
