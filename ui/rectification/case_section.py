"""The 整改 tab of a case's workspace: the items covering the case, its 整改后复发 marks, and
下达整改 once the case (or one of its 投诉事项) is found 成立 or 部分成立."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.cases.views import CaseView
from app.policy import Action, can
from app.rectification import items, queries
from app.rectification.items import UPHELD
from app.rectification.queries import ItemRow
from app.session import Session
from ui.operations import Change, Kind, run
from ui.rectification.columns import ITEM_COLUMNS, item_table
from ui.rectification.item_dialog import ItemDialog
from ui.rectification.new_item import NewItemDialog
from ui.table_model import RowTableModel
from ui.workspace.widgets import fit_rows, heading, hint

NOT_FOUND_YET = "案件或投诉事项认定为成立或部分成立后，才能据此下达整改"


class CaseRectificationSection(QWidget):
    """Emits `changed` after an item was created or worked on (the case's timeline has new lines)
    and `open_case_requested(case_id)` for a case opened from an item."""

    changed = Signal()
    open_case_requested = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id = 0
        self.case_no = ""
        self.recurrence = QLabel()
        self.recurrence.setObjectName("errorLabel")
        self.recurrence.setWordWrap(True)
        self.model: RowTableModel[ItemRow] = RowTableModel(ITEM_COLUMNS, self)
        self.table = item_table(self.model)
        self.table.doubleClicked.connect(lambda index: self.open_item(self.model.row(index.row()).id))
        self.empty = hint("本案尚无整改项。")
        self.new_button = QPushButton("下达整改…")
        self.new_button.setAutoDefault(False)
        self.new_button.clicked.connect(self.new_item)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(self.recurrence)
        layout.addWidget(heading("整改项（双击查看和办理）"))
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addStretch(1)

    @staticmethod
    def shown_to(session: Session) -> bool:
        return bool(can(session.user, Action.VIEW_RECTIFICATION))

    def set_view(self, view: CaseView) -> None:
        self.case_id, self.case_no = view.id, view.case_no
        outcome = run(
            self,
            lambda: (queries.case_items(self.session, view.id), queries.case_recurrences(view.id)),
            quiet=True,
        )
        rows, recurred = outcome.value if outcome else ([], [])
        self.model.set_rows(rows)
        fit_rows(self.table, 6)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.recurrence.setText(
            f"整改后复发：本案所在科室和类别已于此前按整改项 {'、'.join(recurred)} 整改落实。"
            if recurred
            else ""
        )
        self.recurrence.setVisible(bool(recurred))
        allowed = can(self.session.user, Action.CREATE_RECTIFICATION)
        found = view.finding in UPHELD or any(i.finding in UPHELD for i in view.issues)
        self.new_button.setVisible(bool(allowed))
        self.new_button.setEnabled(found)
        self.new_button.setToolTip("" if found else NOT_FOUND_YET)

    def new_item(self) -> None:
        dialog = NewItemDialog(self.session, case_id=self.case_id, case_no=self.case_no, parent=self)
        dialog.perform = lambda: items.create(self.session, dialog.new_item())
        dialog.change = Change(Kind.CASE, self.case_id)
        accepted = dialog.exec()
        dialog.deleteLater()
        if accepted:
            self.changed.emit()

    def open_item(self, item_id: int) -> None:
        dialog = ItemDialog(self.session, item_id, self)
        dialog.open_case_requested.connect(self.open_case_requested.emit)
        dialog.exec()
        dialog.deleteLater()
        self.changed.emit()
