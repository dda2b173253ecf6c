"""投诉事项认定 in the 处理意见 form: one row per issue (its finding and the office's note, printed
issue by issue in the 处理结果告知书), the case finding derived from them as the rule in
app/cases/issues.py gives it, and 改定案件结论 with its reason. Saved with the draft
(`reply.save_draft(issue_findings=…, override=…)`)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.cases.issues import CaseFinding, FindingChoice, IssueFinding, IssueRecord, derive_finding
from app.validation import FINDINGS
from ui.workspace.dialogs import choice_combo
from ui.workspace.widgets import hint, text_box

PENDING = "待认定"


class _IssueRow(QFrame):
    """One issue: what it is, its finding and its note."""

    def __init__(self, issue: IssueRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("issueFindingRow")
        self.issue_id = issue.id
        title = QLabel(issue.heading())
        title.setObjectName("issueTitle")
        title.setWordWrap(True)
        where = " · ".join(part for part in (issue.category_path, issue.department) if part)
        self.combo = choice_combo(FINDINGS, issue.finding)
        self.combo.setItemText(0, PENDING)
        self.combo.setMinimumWidth(140)
        self.combo.setAccessibleName(f"事项{issue.seq}认定")
        self.note = text_box(
            "认定说明：核实到的情况（逐项写入处理结果告知书）", rows=3, text=issue.finding_note
        )
        self.note.setAccessibleName(f"事项{issue.seq}认定说明")
        self.note.setFixedHeight(self.note.minimumHeight())  # rows of its own height, not the page's
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 4)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.addWidget(title, 0, 0, 1, 2)
        if where:
            grid.addWidget(hint(where), 1, 0, 1, 2)
        grid.addWidget(self.combo, 2, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.note, 2, 1)
        grid.setColumnStretch(1, 1)

    def value(self) -> IssueFinding:
        return IssueFinding(self.combo.currentData() or "", self.note.toPlainText())

    def set_value(self, value: IssueFinding) -> None:
        self.combo.setCurrentIndex(max(self.combo.findData(value.finding), 0))
        self.note.setPlainText(value.note)


class IssueFindingsBox(QWidget):
    """Emits `changed` on every edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_IssueRow] = []
        self._loaded_findings: dict[int, IssueFinding] = {}
        self._loaded_override = FindingChoice("")
        self.rows_box = QVBoxLayout()
        self.rows_box.setSpacing(8)
        self.case_label = QLabel()
        self.case_label.setObjectName("caseFinding")
        self.case_label.setWordWrap(True)
        self.override_check = QCheckBox("改定案件结论")
        self.override_check.setToolTip("不采用由各事项得出的结论时勾选，并写明理由")
        self.override_combo = choice_combo(FINDINGS)
        self.override_combo.setMinimumWidth(140)
        self.override_combo.setAccessibleName("改定后的案件结论")
        self.override_reason = QLineEdit()
        self.override_reason.setPlaceholderText("改定理由（必填，记入时间线）")
        self.override_reason.setAccessibleName("改定理由")
        override_row = QHBoxLayout()
        override_row.setSpacing(10)
        override_row.addWidget(self.override_check)
        override_row.addWidget(self.override_combo)
        override_row.addWidget(self.override_reason, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(self.rows_box)
        layout.addWidget(self.case_label)
        layout.addLayout(override_row)
        self.override_check.toggled.connect(self._changed)
        self.override_combo.currentIndexChanged.connect(self._changed)
        self.override_reason.textChanged.connect(self._changed)
        self._changed()

    # -- loading ---------------------------------------------------------------------------------

    def set_issues(
        self, issues: tuple[IssueRecord, ...], finding: CaseFinding | None, keep: bool = False
    ) -> None:
        """Show the case's issues and its override; with `keep`, what the user typed stays for the
        issues still there (a reload after another officer's save loses nothing)."""
        typed = self.findings() if keep else {}
        typed_override = (
            self.override_check.isChecked(),
            self.override_combo.currentData(),
            self.override_reason.text(),
        )
        for row in self._rows:
            self.rows_box.removeWidget(row)
            row.deleteLater()
        self._rows = []
        for issue in issues:
            row = _IssueRow(issue, self)
            if issue.id in typed:
                row.set_value(typed[issue.id])
            row.combo.currentIndexChanged.connect(self._changed)
            row.note.textChanged.connect(self._changed)
            self.rows_box.addWidget(row)
            self._rows.append(row)
        self._loaded_findings = {i.id: IssueFinding(i.finding, i.finding_note) for i in issues}
        overridden = finding is not None and finding.overridden
        self._loaded_override = (
            FindingChoice(finding.finding, finding.override_reason) if overridden else FindingChoice("")
        )
        if keep:
            checked, value, reason = typed_override
        else:
            checked, value, reason = overridden, self._loaded_override.finding, self._loaded_override.reason
        self.override_check.setChecked(checked)
        self.override_combo.setCurrentIndex(max(self.override_combo.findData(value or ""), 0))
        self.override_reason.setText(reason)
        self._changed()

    # -- values ----------------------------------------------------------------------------------

    def findings(self) -> dict[int, IssueFinding]:
        return {row.issue_id: row.value() for row in self._rows}

    def derived(self) -> str:
        return derive_finding(value.finding for value in self.findings().values())

    def override(self) -> FindingChoice | None:
        """改定 as the form says; None when it is as loaded (nothing to record)."""
        if self.override_check.isChecked():
            choice = FindingChoice(self.override_combo.currentData() or "", self.override_reason.text())
        else:
            choice = FindingChoice("")
        loaded = self._loaded_override
        same = (choice.finding, choice.reason.strip()) == (loaded.finding, loaded.reason)
        return None if same else choice

    def case_finding(self) -> str:
        """The case finding the form gives: the override when ticked, else the derived one."""
        if self.override_check.isChecked():
            return self.override_combo.currentData() or ""
        return self.derived()

    def is_dirty(self) -> bool:
        typed = {key: IssueFinding(v.finding, v.note.strip()) for key, v in self.findings().items()}
        return typed != self._loaded_findings or self.override() is not None

    def widgets(self) -> dict[str, QWidget]:
        """Field name → widget, for focusing the field a refusal names."""
        found: dict[str, QWidget] = {"override": self.override_combo}
        for row in self._rows:
            found[f"finding_{row.issue_id}"] = row.combo
        if self._rows:
            found["finding"] = self._rows[0].combo
        return found

    def combos(self) -> list[QComboBox]:
        return [row.combo for row in self._rows]

    def notes(self) -> list[QPlainTextEdit]:
        return [row.note for row in self._rows]

    def _changed(self, *_args: object) -> None:
        ticked = self.override_check.isChecked()
        self.override_combo.setEnabled(ticked)
        self.override_reason.setEnabled(ticked)
        derived = FINDINGS.get(self.derived(), "")
        if ticked:
            chosen = FINDINGS.get(self.override_combo.currentData() or "", "请选择")
            basis = f"各事项得出：{derived}" if derived else "各事项尚未全部认定"
            text = f"案件结论：{chosen}（已改定；{basis}）"
        elif derived:
            text = f"案件结论（由各事项得出）：{derived}"
        else:
            text = "案件结论：待各事项认定后得出"
        self.case_label.setText(text)
        self.changed.emit()
