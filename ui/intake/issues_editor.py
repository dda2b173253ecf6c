"""其他投诉事项 at intake: a complaint that raises several issues (the call bell AND the bill).

The first issue is the form's 投诉类别; each row here adds one more issue with its own one-line
summary and category. As soon as there is a second issue, every issue needs a summary, so the
first one's summary field appears too. Empty rows are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.cases.category_tree import CategoryLeaf
from app.cases.issues import SUMMARY_MAX, IssueInput
from ui.intake.category_picker import CategoryPicker

FIRST_PLACEHOLDER = "事项1概述，如：夜间呼叫铃无人应答"
ROW_PLACEHOLDER = "概述，如：已停用药品仍被计费"


def _summary_edit(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(SUMMARY_MAX)
    return edit


class _IssueRow(QWidget):
    """One more issue: its number, summary, category and a 删除 button."""

    remove_requested = Signal(object)

    def __init__(
        self, leaves: Sequence[CategoryLeaf], departments: Mapping[str, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.number = QLabel()
        self.number.setObjectName("fieldLabel")
        self.summary = _summary_edit(ROW_PLACEHOLDER)
        self.category = CategoryPicker(leaves, departments)
        self.remove_button = QToolButton()
        self.remove_button.setObjectName("fieldButton")
        self.remove_button.setText("删除")
        self.remove_button.setToolTip("删除这个投诉事项")
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(6)
        layout.setVerticalSpacing(4)
        layout.addWidget(self.number, 0, 0)
        layout.addWidget(self.summary, 0, 1)
        layout.addWidget(self.remove_button, 0, 2)
        layout.addWidget(self.category, 1, 1, 1, 2)
        layout.setColumnStretch(1, 1)

    def is_empty(self) -> bool:
        return not self.summary.text().strip() and not self.category.edit.text().strip()

    def issue(self) -> IssueInput:
        return IssueInput(summary=self.summary.text(), category=self.category.code())


class ExtraIssues(QWidget):
    """Emits `changed()` when an issue row comes or goes (the form re-lays its tab order)."""

    changed = Signal()

    def __init__(
        self, leaves: Sequence[CategoryLeaf], departments: Mapping[str, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._leaves, self._departments = list(leaves), dict(departments)
        self.first_summary = _summary_edit(FIRST_PLACEHOLDER)
        self.first_summary.hide()
        self.rows: list[_IssueRow] = []
        self.add_button = QPushButton("＋ 增加一个投诉事项")
        self.add_button.setAutoDefault(False)
        self.add_button.setToolTip("一次投诉反映多个问题（如护理和收费）时，逐项登记，分别转办和认定")
        self.add_button.clicked.connect(self.add_row)
        self._rows_box = QVBoxLayout()
        self._rows_box.setContentsMargins(0, 0, 0, 0)
        self._rows_box.setSpacing(8)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.add_button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.first_summary)
        layout.addLayout(self._rows_box)
        layout.addLayout(bar)
        self.setFocusProxy(self.add_button)

    def add_row(self) -> _IssueRow:
        row = _IssueRow(self._leaves, self._departments)
        row.remove_requested.connect(self._remove)
        self.rows.append(row)
        self._rows_box.addWidget(row)
        self._renumber()
        row.summary.setFocus()
        return row

    def _remove(self, row: _IssueRow) -> None:
        self.rows.remove(row)
        row.hide()
        row.deleteLater()
        self._renumber()
        self.add_button.setFocus()

    def _renumber(self) -> None:
        for number, row in enumerate(self.rows, start=2):
            row.number.setText(f"事项{number}")
        self.first_summary.setVisible(bool(self.rows))
        self.setFocusProxy(self.first_summary if self.rows else self.add_button)
        self.changed.emit()

    def issues(self, first_category: str) -> list[IssueInput]:
        """The issues to register: [] when the complaint has only the one of 投诉类别."""
        more = [row.issue() for row in self.rows if not row.is_empty()]
        if not more:
            return []
        return [IssueInput(summary=self.first_summary.text(), category=first_category), *more]

    def focus_widgets(self) -> list[QWidget]:
        """In tab order."""
        widgets: list[QWidget] = [self.first_summary] if self.rows else []
        for row in self.rows:
            widgets += [row.summary, row.category, row.remove_button]
        return [*widgets, self.add_button]

    def line_edits(self) -> list[QLineEdit]:
        return [self.first_summary, *(e for row in self.rows for e in (row.summary, row.category.edit))]

    def clear(self) -> None:
        for row in list(self.rows):
            self._remove(row)
        self.first_summary.clear()
