"""转办与科室反馈: the departments the case was sent to, with 登记签收 / 登记反馈 / 退回改派 per row."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.cases.rules import RULES, RuleName
from app.cases.states import OPEN_ASSIGNMENT_STATES, AssignmentState
from app.cases.views import AssignmentView, CaseView
from app.policy import Decision
from ui.workspace.models import assignment_model
from ui.workspace.widgets import FieldGrid, fit_rows, heading, hint, selected_row, table_view

# rule name → assignment states in which the row action makes sense, and why not otherwise
ROW_ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    RuleName.ACKNOWLEDGE: (frozenset({AssignmentState.SENT}), "该科室已签收或已反馈"),
    RuleName.RESPOND: (OPEN_ASSIGNMENT_STATES, "该科室已反馈或已退回"),
    RuleName.RETURN: (OPEN_ASSIGNMENT_STATES, "该科室已反馈或已退回"),
}


class AssignmentsSection(QWidget):
    """Emits `action_requested(rule_name, assignment)` for the selected row's buttons."""

    action_requested = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = assignment_model(self)
        self.view = table_view(self.model, widths=(92, 58, 120, 96))
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.doubleClicked.connect(lambda _i: self._default_action())
        self.empty = hint("尚未转办科室。受理后点击上方“转办科室”，可同时转办多个科室。")
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        bar.setSpacing(8)
        for name in ROW_ACTIONS:
            button = QPushButton(RULES[name].title + "…")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, n=name: self._request(n))
            self.buttons[name] = button
            bar.addWidget(button)
        bar.addStretch(1)
        self.detail = FieldGrid("所选科室", columns=1)
        self._decisions: Mapping[str, Decision] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(heading("转办科室"))
        layout.addWidget(self.empty)
        layout.addWidget(self.view)
        layout.addLayout(bar)
        layout.addSpacing(6)
        layout.addWidget(self.detail)
        layout.addStretch(1)

    def set_view(self, view: CaseView, decisions: Mapping[str, Decision]) -> None:
        current = self.selected()
        self._decisions = decisions
        self.model.set_rows(view.assignments)
        fit_rows(self.view)
        has_rows = bool(view.assignments)
        self.empty.setVisible(not has_rows)
        self.view.setVisible(has_rows)
        rows = [a.id for a in view.assignments]
        if has_rows:
            keep = rows.index(current.id) if current is not None and current.id in rows else None
            self.view.selectRow(keep if keep is not None else self._first_open(view.assignments))
        self._selection_changed()

    @staticmethod
    def _first_open(assignments: tuple[AssignmentView, ...]) -> int:
        return next((i for i, a in enumerate(assignments) if a.state in OPEN_ASSIGNMENT_STATES), 0)

    def selected(self) -> AssignmentView | None:
        row = selected_row(self.view)
        return self.model.row(row) if row is not None else None

    def _selection_changed(self, *_args: object) -> None:
        assignment = self.selected()
        for name, button in self.buttons.items():
            decision = self._decisions.get(name, Decision(False, ""))
            states, not_now = ROW_ACTIONS[name]
            if assignment is None:
                button.setEnabled(False)
                button.setToolTip("请先选择一个科室")
            elif not decision:
                button.setEnabled(False)
                button.setToolTip(decision.reason)
            elif assignment.state not in states:
                button.setEnabled(False)
                button.setToolTip(not_now)
            else:
                button.setEnabled(True)
                button.setToolTip("")
        self.detail.setVisible(assignment is not None)
        if assignment is not None:
            self.detail.title.setText(f"所选科室：{assignment.department}")
            rows = [("需答复的问题", assignment.questions), ("科室反馈", assignment.response)]
            if assignment.return_reason:
                rows.append(("退回原因", assignment.return_reason))
            self.detail.set_rows(rows)

    def _default_action(self) -> None:
        for name in (RuleName.RESPOND, RuleName.ACKNOWLEDGE):
            if self.buttons[name].isEnabled():
                self._request(name)
                return

    def _request(self, name: str) -> None:
        assignment = self.selected()
        if assignment is not None and self.buttons[name].isEnabled():
            self.action_requested.emit(name, assignment)
