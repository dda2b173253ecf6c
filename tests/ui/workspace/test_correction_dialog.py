"""更正登记信息 in the workspace: the dialog starts from the stored registration, sends only what
changed, needs a reason, and the timeline then shows before → after."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.cases.category_tree import category_leaves
from models.cases import Case, Category
from tests.support.desk import Desk
from tests.ui.helpers import type_text
from tests.ui.workspace.support import dismiss, on_modal
from ui.workspace.correction_dialog import CorrectionDialog


def test_the_officer_corrects_a_night_case_category(qtbot: QtBot, desk: Desk, open_workspace) -> None:
    desk.clock.set(datetime(2026, 3, 10, 8, 30))
    case_id = desk.register("clerk", category="").case_id
    ws = open_workspace(desk["officer"], case_id)
    action = ws.action_bar.control("correct")
    assert ws.action_bar.is_shown("correct") and action.isEnabled()
    leaf = next(leaf for leaf in category_leaves() if leaf.code == "020202")
    seen: list[str] = []

    def correct(dialog: CorrectionDialog) -> None:
        assert dialog.editors["patient_name"].text() == "李建国"  # the stored registration
        dialog.editors["category"].set_leaf(leaf)
        assert dialog.changes() == {"category": "020202"}
        on_modal(QMessageBox, dismiss(seen))
        dialog.ok_button.click()  # no reason: refused, everything stays
        assert dialog.isVisible() and dialog.changes() == {"category": "020202"}
        type_text(dialog.reason_edit, "登记时未分类，现补充")
        dialog.ok_button.click()

    on_modal(CorrectionDialog, correct)
    action.trigger()
    assert "更正原因" in seen[0]
    assert Case.get_by_id(case_id).category_id == Category.get(Category.code == "020202").id
    top = ws.timeline.items[0]
    assert top.summary == "更正登记信息：投诉类别"
    assert top.note.startswith(f"投诉类别：— → {leaf.path}")
    assert leaf.path in ws.header.facts.text()


def test_the_clerk_may_correct_only_their_own_registration_of_today(desk: Desk, open_workspace) -> None:
    case_id = desk.register("clerk").case_id
    ws = open_workspace(desk["clerk"], case_id)
    assert ws.action_bar.is_shown("correct") and ws.action_bar.control("correct").isEnabled()
    desk.clock.advance(days=1)
    later = open_workspace(desk["clerk"], case_id)
    assert not later.action_bar.is_shown("correct")  # the intake roles see only what they may do
