"""The 整改 tab of 统计分析: per department the items ordered, closed as 已落实 / 未落实, the 落实率,
the overdue items and the recurrences of the period; double-click a department for its items."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.rectification import figures as rectification
from app.rectification.figures import RectificationFigures

TOTAL = "合计"


class RectificationFiguresTab(QWidget):
    """Emits `department_requested(name)` to list that department's 整改 items."""

    department_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        note = QLabel(
            "　".join(text for _name, text in rectification.NAMED_DEFINITIONS[1:])
            + "　双击科室查看其整改项。"
        )
        note.setObjectName("pageSubtitle")
        note.setWordWrap(True)
        self.table = QTableWidget(0, len(rectification.COLUMNS))
        self.table.setObjectName("rectificationFigures")
        self.table.setHorizontalHeaderLabels(rectification.COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(rectification.COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemActivated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)

    def show_figures(self, figures: RectificationFigures) -> None:
        self.table.setRowCount(0)
        for line in rectification.rows(figures):
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, text in enumerate(line):
                cell = QTableWidgetItem(text)
                if column:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if line[0] != TOTAL:
                    cell.setToolTip(f"双击查看{line[0]}的整改项")
                self.table.setItem(row, column, cell)

    def _activated(self, item: QTableWidgetItem) -> None:
        name = self.table.item(item.row(), 0).text()
        if name != TOTAL:
            self.department_requested.emit(name)
