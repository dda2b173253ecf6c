"""下达整改: the form of a new 整改 item, from a case's finding (its 投诉事项 found 成立 / 部分成立) or,
for a manager, from a statistics alert over several cases named by their numbers."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox, QWidget

from app.cases.queues import filter_choices
from app.rectification import queries
from app.rectification.items import DEFAULT_WORKDAYS, MAX_WORKDAYS, NewItem
from app.session import Session
from app.statistics.service import RectificationDraft
from ui.operations import run
from ui.workspace.dialogs import ActionDialog, choice_combo

BY_CASE_FINDING = "按案件结论"


class NewItemDialog(ActionDialog):
    def __init__(
        self,
        session: Session,
        *,
        case_id: int | None = None,
        case_no: str = "",
        draft: RectificationDraft | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`draft`: what a statistics alert suggests (its cases, department or category, figures)."""
        super().__init__("下达整改" if case_id else "按统计预警下达整改", "下达整改", parent)
        self.session = session
        self.case_id = case_id
        departments = run(self, lambda: queries.department_choices(session), quiet=True)
        self.issue_combo: QComboBox | None = None
        self.cases_edit: QLineEdit | None = None
        self.category_combo: QComboBox | None = None
        self.issues: list[queries.IssueChoice] = []
        if case_id is not None:
            self.add_info("涉及案件", case_no)
            found = run(self, lambda: queries.issue_choices(session, case_id), quiet=True)
            self.issues = list(found.value) if found else []
            self.issue_combo = QComboBox()
            self.issue_combo.addItem(BY_CASE_FINDING, None)
            for issue in self.issues:
                self.issue_combo.addItem(issue.label, issue.id)
            self.form.addRow("依据事项", self.issue_combo)
            self.fields["issue"] = self.issue_combo
        else:
            self.cases_edit = QLineEdit()
            self.cases_edit.setPlaceholderText("案件编号，多个用逗号或空格分隔")
            self.form.addRow("涉及案件", self.cases_edit)
            self.fields["case_ids"] = self.cases_edit
            choices = run(self, lambda: filter_choices(session), quiet=True)
            categories = {c.code: c.path for c in choices.value.categories} if choices else {}
            self.category_combo = choice_combo(categories)
            self.form.addRow("投诉类别", self.category_combo)
            self.fields["category"] = self.category_combo
        self.department_combo = choice_combo(dict(departments.value) if departments else {})
        self.form.addRow("责任科室", self.department_combo)
        self.fields["department"] = self.department_combo
        self.problem_edit = self.add_text("problem", "存在问题", "调查核实发现的问题（可不填）", rows=3)
        self.measure_edit = self.add_text("measure", "整改要求", "科室应采取的整改措施", rows=4)
        self.workdays_spin = QSpinBox()
        self.workdays_spin.setRange(1, MAX_WORKDAYS)
        self.workdays_spin.setValue(DEFAULT_WORKDAYS)
        self.workdays_spin.setSuffix(" 个工作日")
        self.form.addRow("整改期限", self.workdays_spin)
        self.fields["due_workdays"] = self.workdays_spin
        if draft is not None:
            self._fill(draft)
        if self.issue_combo is not None:
            self.issue_combo.currentIndexChanged.connect(self._issue_chosen)
            if self.issues:
                self.issue_combo.setCurrentIndex(1)
        self.finish_layout("期限按工作日计算（节假日顺延）。下达后可在整改项中打印整改通知单送责任科室。")
        self.setMinimumWidth(540)

    def _fill(self, draft: RectificationDraft) -> None:
        self.cases_edit.setText("，".join(draft.case_nos))  # type: ignore[union-attr]
        for combo, code in ((self.department_combo, draft.department), (self.category_combo, draft.category)):
            if combo is not None and code and combo.findData(code) >= 0:
                combo.setCurrentIndex(combo.findData(code))
        self.problem_edit.setPlainText(draft.problem)

    def _issue_chosen(self) -> None:
        chosen = next((i for i in self.issues if i.id == self.issue_combo.currentData()), None)  # type: ignore[union-attr]
        if chosen is not None and chosen.department_code:
            self.department_combo.setCurrentIndex(
                max(self.department_combo.findData(chosen.department_code), 0)
            )

    def new_item(self) -> NewItem:
        """The item as filled in (the case numbers of an alert are looked up here)."""
        if self.case_id is not None:
            case_ids: tuple[int, ...] = (self.case_id,)
            source = "finding"
        else:
            case_ids = queries.cases_by_numbers(self.session, self.cases_edit.text())  # type: ignore[union-attr]
            source = "alert"
        return NewItem(
            department=self.department_combo.currentData() or "",
            measure=self.measure_edit.toPlainText(),
            case_ids=case_ids,
            problem=self.problem_edit.toPlainText(),
            due_workdays=self.workdays_spin.value(),
            category=(self.category_combo.currentData() or "") if self.category_combo is not None else "",
            source=source,
            issue_id=self.issue_combo.currentData() if self.issue_combo is not None else None,
        )
