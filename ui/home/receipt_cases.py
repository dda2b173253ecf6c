"""A home list of intake cases with their 受理回执: 打印回执 or 补打回执 for the selected case.

Used by the clerk (today's registrations) and by night duty (the cases of the shift). Printing goes
through app.cases.documents.issue, so a second copy is stamped 补打 and logged.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from app.cases import documents, queues
from app.cases.board import BoardFilter, CaseCard
from app.session import Session
from ui.common import make_primary
from ui.home.case_section import CaseSection
from ui.intake.intake_page import PAPER_KEY, preferences
from ui.operations import Change, Kind
from ui.table_model import Column
from ui.workspace.print_preview import DocumentPrinter

RECEIPT = "受理回执"
INTAKE_COLUMNS = ("case_no", "received_at", "complainant", "category", "severity", "state")
RECEIPT_WIDTH = 92


class ReceiptCases(CaseSection):
    """Emits `printed(case_id)` after a receipt was issued and printed."""

    printed = Signal(int)

    def __init__(
        self,
        session: Session,
        title: str,
        flt: BoardFilter,
        *,
        hint: str = "",
        empty: str = "",
        columns: tuple[str, ...] = INTAKE_COLUMNS,
        parent: QWidget | None = None,
    ) -> None:
        receipt_column = Column("回执", lambda card: self._receipt_text(card), align_center=True)
        super().__init__(
            session, title, flt, hint=hint, empty=empty, columns=(*columns, receipt_column), parent=parent
        )
        self.table.setColumnWidth(len(columns), RECEIPT_WIDTH)
        self._receipts: dict[int, int] = {}
        self.printer = DocumentPrinter(self)  # keeps its QPrinter referenced (DESIGN §9)
        self.print_button = make_primary(QPushButton("打印回执"))
        self.print_button.setAutoDefault(False)
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_selected)
        self.heading.addWidget(self.print_button)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_button())
        self.table.case_model.rowsInserted.connect(lambda *_: self._load_receipts())
        self.table.case_model.modelReset.connect(self._load_receipts)

    def _receipt_text(self, card: CaseCard) -> str:
        count = self._receipts.get(card.id, 0)
        return f"已打印 {count} 份" if count else "未打印"

    def _load_receipts(self) -> None:
        model = self.table.case_model
        ids = [model.card(row).id for row in range(model.rowCount())]
        self._receipts = queues.receipt_counts(self.session, ids)
        self._update_button()

    def _update_button(self) -> None:
        case_id = self.table.current_case_id()
        self.print_button.setEnabled(case_id is not None)
        reprint = case_id is not None and self._receipts.get(case_id, 0) > 0
        self.print_button.setText("补打回执" if reprint else "打印回执")
        self.print_button.setToolTip(
            "再次打印会出具一份标注“补打”的回执，并记入案件时间线" if reprint else "打印所选案件的受理回执"
        )

    def print_selected(self) -> bool:
        """Ask for a printer, then issue (store and log) the receipt and print it."""
        case_id = self.table.current_case_id()
        if case_id is None:
            return False
        page_size = str(preferences().value(PAPER_KEY, "A4"))  # the paper the intake page uses
        source = lambda: documents.issue(self.session, case_id, "receipt", page_size=page_size)[1]  # noqa: E731
        if not self.printer.print(RECEIPT, page_size, source, Change(Kind.DOCUMENTS, case_id)):
            return False
        self._load_receipts()
        self.table.viewport().update()
        self.printed.emit(case_id)
        return True

    def select_case(self, case_id: int) -> None:
        if self.table.select_case(case_id):
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
