"""The 投诉事项 tab: issues listed, added, found and the case finding overridden through its dialogs;
转办 of a multi-issue case goes issue by issue."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.cases import acceptance, issues
from app.cases.category_tree import category_leaves
from app.cases.issues import IssueInput
from models.cases import Assignment
from tests.support.desk import Desk
from tests.ui.helpers import type_text
from tests.ui.workspace.support import dismiss, on_modal
from ui.workspace.dialogs import TextDialog
from ui.workspace.issue_dialogs import FindingDialog, IssueDialog, IssueRouteDialog, OverrideDialog

BELL = IssueInput(summary="夜间呼叫铃无人应答", category="020202")
DRUG = IssueInput(summary="已停用药品仍被计费", category="040101")


def _two_issue_case(desk: Desk) -> int:
    case_id = desk.register("clerk", issues=[BELL, DRUG]).case_id
    acceptance.accept(desk["officer"], case_id)
    return case_id


def _cells(ws, row: int) -> list[str]:
    model = ws.issues.model
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_findings_per_issue_and_the_override(qtbot: QtBot, desk: Desk, open_workspace) -> None:
    case_id = _two_issue_case(desk)
    ws = open_workspace(desk["officer"], case_id)
    ws.tabs.setCurrentIndex(ws.TAB_ISSUES)
    assert _cells(ws, 0) == ["事项1", "夜间呼叫铃无人应答", _cells(ws, 0)[2], "护理部", "待认定"]
    assert ws.issues.finding.text() == "案件结论：待各事项全部认定后得出"

    for row, finding in ((0, "upheld"), (1, "not_upheld")):
        ws.issues.view.selectRow(row)

        def find(dialog: FindingDialog, value: str = finding) -> None:
            dialog.choice.set_value(value)
            type_text(dialog.note_edit, "核实属实" if value == "upheld" else "与事实不符")
            dialog.ok_button.click()

        on_modal(FindingDialog, find)
        ws.issues.buttons["issue_finding"].click()
    assert [_cells(ws, r)[4] for r in (0, 1)] == ["成立", "不成立"]
    assert ws.issues.finding.text() == "案件结论：部分成立（由各事项得出）"
    assert ws.timeline.items[0].summary == "案件结论（由各事项得出）：部分成立"

    seen: list[str] = []

    def override(dialog: OverrideDialog) -> None:
        dialog.combo.setCurrentIndex(dialog.combo.findData("upheld"))
        on_modal(QMessageBox, dismiss(seen))
        dialog.ok_button.click()  # no reason yet: refused, the dialog stays open
        assert dialog.isVisible() and "改定理由" in seen[0]
        type_text(dialog.reason_edit, "收费问题系停药医嘱执行延误所致")
        dialog.ok_button.click()

    on_modal(OverrideDialog, override)
    ws.issues.override_button.click()
    assert ws.issues.finding.text() == "案件结论：成立（已改定；各事项得出：部分成立）"
    assert ws.issues.override_reason.text() == "改定理由：收费问题系停药医嘱执行延误所致"


def test_add_and_remove_an_issue(qtbot: QtBot, desk: Desk, open_workspace) -> None:
    case_id = desk.register("clerk", category="020202").case_id
    ws = open_workspace(desk["officer"], case_id)
    ws.tabs.setCurrentIndex(ws.TAB_ISSUES)
    remove = ws.issues.buttons["remove_issue"]
    assert not remove.isEnabled() and remove.toolTip() == "案件至少保留一个投诉事项"
    leaf = next(leaf for leaf in category_leaves() if leaf.code == "040101")

    def add(dialog: IssueDialog) -> None:
        type_text(dialog.summary_edit, "已停用药品仍被计费")
        dialog.category.set_leaf(leaf)
        assert dialog.department.code() == "pricing"  # the category's default department
        dialog.ok_button.click()

    on_modal(IssueDialog, add)
    ws.issues.add_button.click()
    assert ws.issues.model.rowCount() == 2 and _cells(ws, 1)[1] == "已停用药品仍被计费"

    ws.issues.view.selectRow(1)
    on_modal(TextDialog, lambda d: (type_text(d.text_edit, "与事项1重复登记"), d.ok_button.click()))
    ws.issues.buttons["remove_issue"].click()
    assert ws.issues.model.rowCount() == 1
    assert ws.timeline.items[0].summary == "删除投诉事项2：已停用药品仍被计费"


def test_assigning_a_multi_issue_case_routes_issue_by_issue(qtbot: QtBot, desk: Desk, open_workspace) -> None:
    case_id = _two_issue_case(desk)
    ws = open_workspace(desk["officer"], case_id)

    def route(dialog: IssueRouteDialog) -> None:
        assert [issue.seq for issue, _c, _q in dialog.rows] == [1, 2]
        assert [combo.code() for _i, combo, _q in dialog.rows] == ["nursing", "pricing"]
        dialog.rows[1][1].set_code("finance")
        type_text(dialog.rows[1][2], "停药后为何仍计费？")
        dialog.ok_button.click()

    on_modal(IssueRouteDialog, route)
    ws.action_bar.control("assign").click()
    assert ws.view.state == "in_progress"
    assert {a.department for a in ws.view.assignments} == {"护理部", "财务科"}
    assert Assignment.select().where(Assignment.case == case_id).count() == 2
    assert issues.issues_of(case_id)[1].questions == "停药后为何仍计费？"
