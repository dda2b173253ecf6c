"""今日打印: the documents the user issued today, first prints and 补打 reprints (the front desk's log)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.cases import queues
from app.cases.queues import PrintRecord
from app.session import Session
from ui.home.section_card import SectionCard
from ui.table_model import MUTED, WARNING, Column, RowTableModel


def print_model(parent: QWidget | None = None) -> RowTableModel[PrintRecord]:
    return RowTableModel(
        [
            Column("时间", lambda r: r.issued_at.strftime("%H:%M")),
            Column("编号", lambda r: r.case_no),
            Column("文书", lambda r: r.title),
            Column(
                "方式",
                lambda r: "补打" if r.reprint else "首次",
                colour=lambda r: WARNING if r.reprint else MUTED,
                align_center=True,
            ),
        ],
        parent,
    )


class PrintLog(SectionCard):
    """Emits `open_case_requested(case_id)` when a row is activated (double-click or Enter)."""

    open_case_requested = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("今日打印", "本人今天打印的回执和登记表；补打的回执上注明“补打”。", parent)
        self.session = session
        self.model = print_model(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(30)
        header = self.view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((64, 132, 0, 64)):
            if width:
                self.view.setColumnWidth(column, width)
        self.view.activated.connect(lambda index: self._open(index.row()))
        self.body.addWidget(self.view, 1)

    def refresh(self) -> int:
        records = queues.todays_prints(self.session)
        self.model.set_rows(records)
        self.set_count(len(records), "份")
        return len(records)

    def _open(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.open_case_requested.emit(self.model.row(row).case_id)
