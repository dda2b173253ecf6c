"""A home section listing the cases of one filter (lazily), e.g. the officer's work by urgency."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

from app.cases.board import BoardFilter, CaseCard
from app.session import Session
from ui.cases.case_table import CaseTable
from ui.home.section_card import SectionCard
from ui.table_model import Column

HOME_COLUMNS = ("case_no", "deadline", "complainant", "category", "state", "severity", "officer")


class CaseSection(SectionCard):
    """Emits `open_case_requested(case_id)`."""

    open_case_requested = Signal(int)

    def __init__(
        self,
        session: Session,
        title: str,
        flt: BoardFilter,
        *,
        order: str = "newest",
        hint: str = "",
        empty: str = "暂无案件。",
        columns: Sequence[str | Column[CaseCard]] = HOME_COLUMNS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, hint, parent)
        self.session = session
        self.flt = flt
        self.order = order
        self.table = CaseTable(columns, stretch="category")
        self.table.open_requested.connect(self.open_case_requested)
        self.empty = QLabel(empty)
        self.empty.setObjectName("emptyNote")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.body.addWidget(self.stack, 1)
        self.total = 0

    def refresh(self) -> int:
        self.total = self.table.show_filter(self.session, self.flt, self.order)
        self.set_count(self.total)
        self.stack.setCurrentWidget(self.table if self.total else self.empty)
        return self.total
