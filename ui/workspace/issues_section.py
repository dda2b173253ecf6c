"""投诉事项: the issues of the case with their category, department and finding, the buttons that
change them, and the case finding (derived from the issues, or overridden with a reason)."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from app.cases.issues import IssueRecord
from app.cases.rules import RULES, RuleName
from app.cases.views import CaseView
from app.policy import Decision
from ui.table_model import MUTED, Column, RowTableModel
from ui.workspace.widgets import FieldGrid, fit_rows, heading, hint, selected_row, table_view

# Buttons under the table: those that act on the selected issue, and 新增 which does not.
ROW_RULES = (RuleName.EDIT_ISSUE, RuleName.REMOVE_ISSUE, RuleName.ISSUE_FINDING)
# Short button texts, so the tab fits a 1024-pixel window beside the timeline.
BUTTON_TEXTS = {
    RuleName.ADD_ISSUE: "新增事项…",
    RuleName.EDIT_ISSUE: "修改…",
    RuleName.REMOVE_ISSUE: "删除…",
    RuleName.ISSUE_FINDING: "认定…",
    RuleName.OVERRIDE_FINDING: "改定案件结论…",
}
NO_DECISION = Decision(False, "")
_FIT, _STRETCH = QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch


def issue_model(parent: QObject | None = None) -> RowTableModel[IssueRecord]:
    return RowTableModel(
        [
            Column("序号", lambda i: f"事项{i.seq}"),
            Column("事项", lambda i: i.summary or "—", tooltip=lambda i: i.summary),
            Column("投诉类别", lambda i: i.category_path or "未分类", tooltip=lambda i: i.category_path),
            Column("责任科室", lambda i: i.department or "未指定"),
            Column(
                "认定", lambda i: i.finding_label or "待认定", colour=lambda i: None if i.finding else MUTED
            ),
        ],
        parent,
    )


def finding_text(view: CaseView) -> str:
    """案件结论 as the tab states it."""
    finding = view.case_finding
    if finding is None:
        return ""
    if finding.overridden:
        derived = finding.derived_label or "尚未全部认定"
        return f"案件结论：{finding.label}（已改定；各事项得出：{derived}）"
    if finding.finding:
        return f"案件结论：{finding.label}（由各事项得出）"
    return "案件结论：待各事项全部认定后得出"


class IssuesSection(QWidget):
    """Emits `action_requested(rule_name, issue or None)` for its buttons."""

    action_requested = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = issue_model(self)
        self.view = table_view(self.model)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        for column, mode in enumerate((_FIT, _STRETCH, _STRETCH, _FIT, _FIT)):
            header.setSectionResizeMode(column, mode)  # the texts share the width; no sideways scrolling
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.doubleClicked.connect(lambda _i: self._request(RuleName.EDIT_ISSUE))
        self.add_button = QPushButton(BUTTON_TEXTS[RuleName.ADD_ISSUE])
        self.add_button.clicked.connect(lambda: self.action_requested.emit(RuleName.ADD_ISSUE, None))
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.add_button)
        for name in ROW_RULES:
            button = QPushButton(BUTTON_TEXTS[name])
            button.setAccessibleName(RULES[name].title)
            button.clicked.connect(lambda _c=False, n=name: self._request(n))
            self.buttons[name] = button
            bar.addWidget(button)
        bar.addStretch(1)
        for button in (self.add_button, *self.buttons.values()):
            button.setAutoDefault(False)
        self.detail = FieldGrid("所选事项", columns=1)

        self.finding = QLabel()
        self.finding.setObjectName("findingLine")
        self.finding.setWordWrap(True)
        self.override_reason = hint("")
        self.override_button = QPushButton(BUTTON_TEXTS[RuleName.OVERRIDE_FINDING])
        self.override_button.setAutoDefault(False)
        self.override_button.clicked.connect(
            lambda: self.action_requested.emit(RuleName.OVERRIDE_FINDING, None)
        )
        finding_row = QHBoxLayout()
        finding_row.addWidget(self.finding, 1)
        finding_row.addWidget(self.override_button)
        self.finding_box = QWidget()
        box = QVBoxLayout(self.finding_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        box.addLayout(finding_row)
        box.addWidget(self.override_reason)

        self.note = hint(
            "一次投诉反映多个问题时逐项登记：每个事项有自己的类别、责任科室和认定；统计时案件在各事项的类别和科室下各计一次。"
        )
        self._decisions: Mapping[str, Decision] = {}
        self._handling = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(heading("投诉事项"))
        layout.addWidget(self.view)
        layout.addLayout(bar)
        layout.addWidget(self.finding_box)
        layout.addSpacing(4)
        layout.addWidget(self.detail)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def set_view(self, view: CaseView, decisions: Mapping[str, Decision]) -> None:
        current = self.selected()
        self._decisions, self._handling = decisions, view.handling_visible
        self.model.set_rows(view.issues)
        fit_rows(self.view)
        for column in (3, 4):  # 责任科室 and 认定 are the office's
            self.view.setColumnHidden(column, not view.handling_visible)
        ids = [i.id for i in view.issues]
        if ids:
            self.view.selectRow(ids.index(current.id) if current is not None and current.id in ids else 0)
        self._enable(self.add_button, decisions.get(RuleName.ADD_ISSUE, NO_DECISION))
        self.add_button.setVisible(view.handling_visible)
        for button in self.buttons.values():
            button.setVisible(view.handling_visible)
        self.finding_box.setVisible(view.handling_visible)
        self.finding.setText(finding_text(view))
        finding = view.case_finding
        overridden = finding is not None and finding.overridden
        self.override_reason.setVisible(overridden)
        self.override_reason.setText(f"改定理由：{finding.override_reason}" if overridden and finding else "")
        self._enable(self.override_button, decisions.get(RuleName.OVERRIDE_FINDING, NO_DECISION))
        self._selection_changed()

    @staticmethod
    def _enable(button: QPushButton, decision: Decision) -> None:
        button.setEnabled(bool(decision))
        button.setToolTip("" if decision else decision.reason)

    def selected(self) -> IssueRecord | None:
        row = selected_row(self.view)
        return self.model.row(row) if row is not None else None

    def _selection_changed(self, *_args: object) -> None:
        issue = self.selected()
        for name, button in self.buttons.items():
            decision = self._decisions.get(name, NO_DECISION)
            if issue is None:
                decision = Decision(False, "请先选择一个事项")
            elif name == RuleName.REMOVE_ISSUE and decision and self.model.rowCount() < 2:
                decision = Decision(False, "案件至少保留一个投诉事项")
            self._enable(button, decision)
        self.detail.setVisible(issue is not None and self._handling)
        if issue is not None:
            self.detail.title.setText(issue.heading())
            self.detail.set_rows([("需科室答复的问题", issue.questions), ("认定说明", issue.finding_note)])

    def _request(self, name: str) -> None:
        issue = self.selected()
        if issue is not None and self.buttons[name].isEnabled():
            self.action_requested.emit(name, issue)
