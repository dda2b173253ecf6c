"""投诉事项 at intake: a walk-in complaint that raises two issues is registered with both."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.cases import issues
from app.cases.category_tree import category_leaves
from tests.support.desk import Desk
from tests.ui.helpers import type_text
from tests.ui.intake.test_registration import fill_visit


def _leaf(code: str):
    return next(leaf for leaf in category_leaves() if leaf.code == code)


def test_a_second_issue_registers_both(qtbot: QtBot, desk: Desk, make_page) -> None:
    page = make_page(desk["clerk"])
    fill_visit(page)
    form = page.full_form
    editor = form.extra_issues
    assert editor.first_summary.isHidden() and not editor.rows
    form.category.set_leaf(_leaf("020202"))
    row = editor.add_row()
    assert not editor.first_summary.isHidden() and row.number.text() == "事项2"
    type_text(row.summary, "已停用药品仍被计费")
    row.category.set_leaf(_leaf("040101"))

    with qtbot.waitSignal(page.registered) as saved:  # the first issue has no summary: refused, then fixed
        page.save_button.click()
        assert form.fields.cells["issues"].hint.text() == "事项概述：不能为空"
        type_text(editor.first_summary, "夜间呼叫铃无人应答")
        page.save_button.click()
    case_id = saved.args[0]
    assert [(i.seq, i.summary, i.category_code) for i in issues.issues_of(case_id)] == [
        (1, "夜间呼叫铃无人应答", "020202"),
        (2, "已停用药品仍被计费", "040101"),
    ]
    assert not editor.rows and editor.first_summary.isHidden()  # the form is empty for the next one


def test_an_empty_extra_row_is_ignored_and_a_row_can_be_removed(qtbot: QtBot, desk: Desk, make_page) -> None:
    page = make_page(desk["clerk"])
    fill_visit(page)
    editor = page.full_form.extra_issues
    editor.add_row()
    second = editor.add_row()
    assert second.number.text() == "事项3"
    second.remove_button.click()
    assert len(editor.rows) == 1 and editor.rows[0].number.text() == "事项2"
    with qtbot.waitSignal(page.registered) as saved:
        page.save_button.click()
    (only,) = issues.issues_of(saved.args[0])
    assert only.seq == 1
