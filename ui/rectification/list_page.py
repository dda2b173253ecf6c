"""整改 page: every item with filters (责任科室, 状态, 只看逾期, 只看复发); double-click opens the item.
A manager also starts an item from a statistics alert here (按统计预警下达整改)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.policy import Action, can
from app.rectification import items, queries
from app.rectification.queries import ItemRow, RectFilter
from app.rectification.states import STATE_LABELS
from app.session import Session
from ui.common import make_primary
from ui.operations import Change, Kind, run
from ui.rectification.columns import ITEM_COLUMNS, item_table
from ui.rectification.item_dialog import ItemDialog
from ui.rectification.new_item import NewItemDialog
from ui.table_model import RowTableModel

ALL = "全部"
PAGE = 500  # items a page shows at once; the count says how many match


class RectificationPage(QWidget):
    """Emits `open_case_requested(case_id)` when the user opens a case from an item."""

    open_case_requested = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("page")
        title = QLabel("整改")
        title.setObjectName("pageTitle")
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.new_button = make_primary(QPushButton("按统计预警下达整改…"))
        self.new_button.setVisible(bool(can(session.user, Action.RECTIFY_FROM_ALERT)))
        self.new_button.clicked.connect(self.new_from_alert)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.count_label)
        head.addStretch(1)
        head.addWidget(self.new_button)

        self.department_combo = QComboBox()
        self.department_combo.addItem(ALL, "")
        departments = run(self, lambda: queries.department_choices(session), quiet=True)
        for code, name in departments.value if departments else []:
            self.department_combo.addItem(name, code)
        self.state_combo = QComboBox()
        self.state_combo.addItem(ALL, "")
        for state, label in STATE_LABELS.items():
            self.state_combo.addItem(label, state)
        self.overdue_box = QCheckBox("只看逾期")
        self.recurred_box = QCheckBox("只看整改后复发")
        filters = QHBoxLayout()
        for label, widget in (("责任科室", self.department_combo), ("状态", self.state_combo)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
            filters.addSpacing(10)
        filters.addWidget(self.overdue_box)
        filters.addWidget(self.recurred_box)
        filters.addStretch(1)
        for widget in (self.department_combo, self.state_combo):
            widget.currentIndexChanged.connect(self.refresh)
        for box in (self.overdue_box, self.recurred_box):
            box.toggled.connect(self.refresh)

        self.model: RowTableModel[ItemRow] = RowTableModel(ITEM_COLUMNS, self)
        self.table = item_table(self.model)
        self.table.doubleClicked.connect(lambda index: self.open_item(self.model.row(index.row()).id))
        self.empty = QLabel("没有符合条件的整改项。整改项在案件“整改”页中依据查实的投诉事项下达。")
        self.empty.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self.refresh()

    def current_filter(self) -> RectFilter:
        return RectFilter(
            department=self.department_combo.currentData() or "",
            state=self.state_combo.currentData() or "",
            overdue_only=self.overdue_box.isChecked(),
            recurred_only=self.recurred_box.isChecked(),
        )

    def show_department(self, department: str, overdue_only: bool = False) -> None:
        """Drill-down from elsewhere (a department's 考核 line): that department's items, by its code
        or its name."""
        index = self.department_combo.findData(department)
        if index < 0:
            index = self.department_combo.findText(department)
        for widget in (self.department_combo, self.state_combo, self.overdue_box):
            widget.blockSignals(True)
        self.department_combo.setCurrentIndex(max(index, 0))
        self.state_combo.setCurrentIndex(0)
        self.overdue_box.setChecked(overdue_only)
        for widget in (self.department_combo, self.state_combo, self.overdue_box):
            widget.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        flt = self.current_filter()
        outcome = run(
            self,
            lambda: (queries.item_list(self.session, flt, limit=PAGE), queries.item_count(self.session, flt)),
            quiet=True,
        )
        if not outcome:
            return
        rows, total = outcome.value
        self.model.set_rows(rows)
        shown = f"，显示最新 {len(rows)} 项" if total > len(rows) else ""
        self.count_label.setText(f"共 {total} 项{shown}")
        self.empty.setVisible(not rows)

    def open_item(self, item_id: int) -> None:
        dialog = ItemDialog(self.session, item_id, self)
        dialog.open_case_requested.connect(self.open_case_requested.emit)
        dialog.exec()
        dialog.deleteLater()
        self.refresh()

    def new_from_alert(self) -> None:
        dialog = NewItemDialog(self.session, parent=self)
        dialog.perform = lambda: items.create(self.session, dialog.new_item())
        dialog.change = Change(Kind.CASES)
        accepted = dialog.exec()
        dialog.deleteLater()
        if accepted:
            self.refresh()


def rectification_page(session: Session, open_case: Callable[[int], object]) -> RectificationPage:
    """The page as the main window shows it: a case opened from an item opens in the workspace."""
    page = RectificationPage(session)
    page.open_case_requested.connect(open_case)
    return page
