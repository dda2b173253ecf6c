"""The cases behind one figure: exactly those, a page at a time; restricted cases the user may not
open show as 受限案件. Double-click (or Enter) opens a case."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.session import Session
from app.statistics import service
from app.statistics.conditions import Measure
from app.statistics.periods import Period
from ui.operations import run

COLUMNS = ("案件编号", "收到日期", "状态", "渠道", "类别", "严重程度")


class DrillDialog(QDialog):
    def __init__(
        self,
        session: Session,
        period: Period,
        measure: Measure,
        title: str,
        open_case: Callable[[int], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.period, self.measure, self.open_case = session, period, measure, open_case
        self.title = f"{period.label} · {title}"
        self.setWindowTitle(self.title)
        self.resize(860, 520)
        self.last_id = 0
        self.total = 0
        self.restricted_shown = False
        self.heading = QLabel(self.title)  # the figure these cases make: "2026年3月 · 外科 · 成立 — 12 件"
        self.heading.setObjectName("sectionTitle")
        self.heading.setWordWrap(True)
        self.info = QLabel()
        self.info.setObjectName("countLabel")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.itemActivated.connect(self._activated)
        self.more = QPushButton("加载更多")
        self.more.clicked.connect(self.load_more)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.info)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.more, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(buttons)
        self.load_more()

    def load_more(self) -> None:
        outcome = run(
            self, lambda: service.drill(self.session, self.period, self.measure, after=self.last_id)
        )
        if not outcome:
            return
        page = outcome.value
        self.total, self.last_id = page.total, page.last_id
        for row in page.rows:
            index = self.table.rowCount()
            self.table.insertRow(index)
            values = (
                row.case_no,
                row.received.isoformat() if row.received else "",
                row.state,
                row.channel,
                row.category,
                row.severity,
            )
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.case_id)
                if row.case_id is None:
                    self.restricted_shown = True
                    item.setForeground(Qt.GlobalColor.gray)
                    item.setToolTip("受限案件：您无权查看，但计入统计")
                self.table.setItem(index, column, item)
        shown = self.table.rowCount()
        self.heading.setText(f"{self.title} — {self.total} 件")
        self.info.setText(
            (f"已显示 {shown} 件，" if shown < self.total else "")
            + ("双击打开案件。" if self.total else "没有案件。")
            + ("灰色的受限案件计入统计，但您无权查看。" if self.restricted_shown else "")
        )
        self.more.setVisible(shown < self.total)

    def _activated(self, item: QTableWidgetItem) -> None:
        case_id = item.data(Qt.ItemDataRole.UserRole)
        if case_id:
            self.accept()
            self.open_case(case_id)
