"""Dialogs of the 投诉事项 tab: an issue (new or edited), its finding, the case finding's override,
and routing a multi-issue case issue by issue."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from app.cases.category_tree import CategoryLeaf
from app.cases.issues import SUMMARY_MAX, CaseFinding, IssueInput, IssueRecord
from app.cases.routing import IssueRoute
from app.departments import DepartmentInfo
from app.validation import FINDINGS
from ui.intake.category_picker import CategoryPicker
from ui.intake.department_combo import DepartmentCombo
from ui.workspace.dialogs import ActionDialog, RadioChoice, choice_combo
from ui.workspace.widgets import text_box

KEEP_DERIVED = "按各事项得出（不改定）"


def _leaf(leaves: Sequence[CategoryLeaf], code: str) -> CategoryLeaf | None:
    return next((leaf for leaf in leaves if leaf.code == code), None)


class IssueDialog(ActionDialog):
    """新增 / 修改投诉事项: summary, category (its default department fills in), department, questions."""

    def __init__(
        self,
        leaves: Sequence[CategoryLeaf],
        departments: Sequence[DepartmentInfo],
        issue: IssueRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = f"修改投诉事项{issue.seq}" if issue else "新增投诉事项"
        super().__init__(title, "保存" if issue else "新增", parent)
        names = {d.code: d.name for d in departments}
        self.summary_edit = QLineEdit(issue.summary if issue else "")
        self.summary_edit.setMaxLength(SUMMARY_MAX)
        self.summary_edit.setPlaceholderText("一句话说明这个事项，如：已停用药品仍被计费")
        self.form.addRow("事项概述", self.summary_edit)
        self.fields["issue_summary"] = self.summary_edit
        self.category = CategoryPicker(leaves, names)
        self.category.set_leaf(_leaf(leaves, issue.category_code) if issue else None)
        self.category.chosen.connect(self._category_chosen)
        self.form.addRow("投诉类别", self.category)
        self.fields["issue_category"] = self.category.edit
        self.department = DepartmentCombo(departments)
        self.department.set_code(issue.department_code if issue else "")
        self.form.addRow("责任科室", self.department)
        self.fields["issue_department"] = self.department
        self.questions_edit = text_box(
            "每行一个问题，打印在该科室的转办单上", 3, issue.questions if issue else ""
        )
        self.form.addRow("需科室答复的问题", self.questions_edit)
        self.fields["questions"] = self.questions_edit
        self._default = (
            _leaf(leaves, issue.category_code).default_department_code
            if issue and issue.category_code
            else ""
        )
        self.finish_layout("选择类别后自动带出其默认责任科室，可改。已转办的科室不会因修改而重新转办。")
        self.setMinimumWidth(560)

    def _category_chosen(self, leaf: CategoryLeaf | None) -> None:
        """A department still at the old category's default follows the new category."""
        if leaf is None:
            return
        if self.department.code() in ("", self._default):
            self.department.set_code(leaf.default_department_code)
        self._default = leaf.default_department_code

    def issue(self) -> IssueInput:
        return IssueInput(
            summary=self.summary_edit.text(),
            category=self.category.code(),
            department=self.department.code(),
            questions=self.questions_edit.toPlainText(),
        )


class FindingDialog(ActionDialog):
    """认定一个投诉事项, with the explanation the result letter prints under it."""

    def __init__(self, issue: IssueRecord, parent: QWidget | None = None) -> None:
        super().__init__(f"认定投诉事项{issue.seq}", "保存认定", parent)
        self.add_info("投诉事项", issue.title)
        self.choice = RadioChoice(FINDINGS, issue.finding)
        self.form.addRow("认定", self.choice)
        self.fields["finding"] = self.choice
        self.note_edit = self.add_text("note", "认定说明", "核实到的情况，将逐项写入处理结果告知书", rows=4)
        self.note_edit.setPlainText(issue.finding_note)
        self.finish_layout(
            "全部事项认定后，案件结论自动得出：全部成立为成立，部分成立为部分成立，全部不成立为不成立。"
        )

    def finding(self) -> str:
        return self.choice.value()

    def note(self) -> str:
        return self.note_edit.toPlainText()


class OverrideDialog(ActionDialog):
    """改定案件结论 with a reason, or return to the derived one."""

    def __init__(self, finding: CaseFinding, parent: QWidget | None = None) -> None:
        super().__init__("改定案件结论", "保存", parent)
        self.add_info("各事项得出", finding.derived_label or "尚未全部认定")
        self.combo: QComboBox = choice_combo(
            {"": KEEP_DERIVED, **FINDINGS}, finding.finding if finding.overridden else "", placeholder=False
        )
        self.form.addRow("案件结论", self.combo)
        self.fields["finding"] = self.combo
        self.reason_edit = self.add_text("note", "改定理由", "为什么案件结论与各事项得出的不同", rows=4)
        self.finish_layout("改定后，各事项认定再有变化也不影响改定的结论；选“按各事项得出”即取消改定。")

    def finding(self) -> str:
        return str(self.combo.currentData() or "")

    def reason(self) -> str:
        return self.reason_edit.toPlainText()


class IssueRouteDialog(ActionDialog):
    """转办 issue by issue: a department (and questions) per issue; each department gets one 转办单."""

    def __init__(
        self,
        issues: Sequence[IssueRecord],
        departments: Sequence[DepartmentInfo],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("按投诉事项转办", "转办", parent)
        self.rows: list[tuple[IssueRecord, DepartmentCombo, QPlainTextEdit]] = []
        for issue in issues:
            heading = QLabel(issue.heading())
            heading.setObjectName("sectionHeading")
            heading.setWordWrap(True)
            self.form.addRow(heading)
            combo = DepartmentCombo(departments)
            combo.set_code(issue.department_code)
            self.form.addRow("责任科室", combo)
            questions = text_box("对该事项需科室答复的问题，每行一个（可不填）", 2, issue.questions)
            self.form.addRow("需答复的问题", questions)
            self.rows.append((issue, combo, questions))
        if self.rows:
            self.fields["departments"] = self.rows[0][1]
        self.general_edit = self.add_text("questions", "各科室均需答复", "每行一个问题（可不填）", rows=2)
        self.finish_layout("同一科室的事项合并在一张转办单上；已有未反馈转办的科室不重复转办。")
        self.setMinimumWidth(560)

    def routes(self) -> list[IssueRoute]:
        return [
            IssueRoute(issue.id, combo.code(), questions.toPlainText())
            for issue, combo, questions in self.rows
        ]

    def questions(self) -> str:
        return self.general_edit.toPlainText()
