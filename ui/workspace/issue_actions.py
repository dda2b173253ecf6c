"""What the 投诉事项 tab's buttons do: open the dialog, call the one service (app/cases/issues.py)."""

from __future__ import annotations

from collections.abc import Callable

from app import departments
from app.cases import issues
from app.cases.category_tree import category_leaves
from app.cases.issues import IssueRecord
from app.cases.rules import RuleName
from ui.workspace.actions import Workspace, _text
from ui.workspace.issue_dialogs import FindingDialog, IssueDialog, OverrideDialog


def _version(ws: Workspace) -> int:
    return ws.view.version


def add_issue(ws: Workspace, _issue: IssueRecord | None = None) -> None:
    dialog = IssueDialog(
        category_leaves(), departments.list_departments(include_inactive=False), None, ws.dialog_parent()
    )
    ws.run_dialog(
        dialog,
        lambda: issues.add_issue(ws.session, ws.case_id, dialog.issue(), expected_version=_version(ws)),
    )


def edit_issue(ws: Workspace, issue: IssueRecord | None) -> None:
    if issue is None:
        return
    dialog = IssueDialog(
        category_leaves(), departments.list_departments(include_inactive=False), issue, ws.dialog_parent()
    )
    ws.run_dialog(
        dialog, lambda: issues.edit_issue(ws.session, issue.id, dialog.issue(), expected_version=_version(ws))
    )


def remove_issue(ws: Workspace, issue: IssueRecord | None) -> None:
    if issue is None:
        return
    _text(
        ws,
        f"删除投诉事项{issue.seq}",
        "删除原因",
        "删除",
        lambda reason: issues.remove_issue(ws.session, issue.id, reason, expected_version=_version(ws)),
        placeholder="如：与事项1为同一问题，登记重复",
        note=f"将删除“{issue.title}”。删除记入时间线，不能撤销；如需要可再新增。",
    )


def set_finding(ws: Workspace, issue: IssueRecord | None) -> None:
    if issue is None:
        return
    dialog = FindingDialog(issue, ws.dialog_parent())
    ws.run_dialog(
        dialog,
        lambda: issues.set_finding(
            ws.session, issue.id, dialog.finding(), dialog.note(), expected_version=_version(ws)
        ),
    )


def override_finding(ws: Workspace, _issue: IssueRecord | None = None) -> None:
    finding = ws.view.case_finding
    if finding is None:
        return
    dialog = OverrideDialog(finding, ws.dialog_parent())
    ws.run_dialog(
        dialog,
        lambda: issues.override_finding(
            ws.session, ws.case_id, dialog.finding(), dialog.reason(), expected_version=_version(ws)
        ),
    )


ISSUE_ACTIONS: dict[str, Callable[[Workspace, IssueRecord | None], None]] = {
    RuleName.ADD_ISSUE: add_issue,
    RuleName.EDIT_ISSUE: edit_issue,
    RuleName.REMOVE_ISSUE: remove_issue,
    RuleName.ISSUE_FINDING: set_finding,
    RuleName.OVERRIDE_FINDING: override_finding,
}
