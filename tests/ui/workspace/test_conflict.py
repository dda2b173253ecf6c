"""A stale save: the workspace names who changed the case, and 重新载入 keeps what the user typed."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.cases import acceptance, overlays, reply
from app.cases.views import open_case
from tests.support.desk import Desk
from tests.ui.helpers import type_text
from tests.ui.workspace.support import answer, on_modal, when
from ui.operations import bus
from ui.workspace.dialogs import TextDialog

TYPED = "经调取监控，当日候诊区无人引导，属实。"


def test_conflict_on_the_draft_form_reloads_and_keeps_the_typed_draft(
    qtbot: QtBot, desk: Desk, open_workspace
) -> None:
    case_id = desk.new_case("drafting")
    ws = open_workspace(desk["officer"], case_id)
    ws.action_bar.control("draft").click()
    type_text(ws.handling.facts_edit, TYPED)
    ws.handling.finding_combo.setCurrentIndex(ws.handling.finding_combo.findData("upheld"))
    stale = ws.view.version

    desk.clock.advance(minutes=7)
    reply.save_draft(desk["officer2"], case_id, facts="另一位专员写的内容", finding="", resolution="")

    seen: list[str] = []
    on_modal(QMessageBox, answer("重新载入", seen))
    ws.handling.save_button.click()
    assert seen == ["该案件已被 刘强 于 2026-03-10 09:07 修改。"]
    assert ws.view.version > stale
    assert ws.handling.facts_edit.toPlainText() == TYPED
    assert ws.handling.finding_combo.currentData() == "upheld"
    assert ws.handling.is_dirty()
    assert ws.timeline.items[0].actor == "刘强"  # the reloaded history shows the other change

    with qtbot.waitSignal(bus().data_changed):
        ws.handling.save_button.click()
    assert open_case(desk["officer"], case_id).facts == TYPED


def test_conflict_in_a_dialog_keeps_it_open_with_its_text(desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("in_progress")
    ws = open_workspace(desk["officer"], case_id)
    seen: list[str] = []
    kept: list[str] = []

    stale = ws.view.version

    def act(dialog: TextDialog) -> None:
        type_text(dialog.text_edit, "等待投诉人补充病历")
        overlays.escalate(desk["manager"], case_id, "涉及医疗过失")  # meanwhile, someone else

        def retry() -> None:
            kept.append(dialog.text())
            dialog.ok_button.click()

        on_modal(QMessageBox, answer("重新载入", seen))
        when(lambda: ws.view.version != stale and QApplication.activeModalWidget() is dialog, retry)
        dialog.ok_button.click()

    on_modal(TextDialog, act)
    ws.action_bar.control("hold").trigger()
    assert seen == ["该案件已被 陈主任 于 2026-03-10 09:00 修改。"]
    assert kept == ["等待投诉人补充病历"]
    view = open_case(desk["officer"], case_id)
    assert view.on_hold and view.hold_reason == "等待投诉人补充病历"
    assert ws.view.on_hold and not ws.header.escalated.isHidden()


def test_cancelled_conflict_changes_nothing(desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("registered")
    ws = open_workspace(desk["officer"], case_id)
    overlays.add_note(
        desk["officer2"], case_id, "已与投诉人约定面谈时间"
    )  # no version change: notes are not stale
    acceptance.accept(desk["officer2"], case_id)

    def act(dialog: TextDialog) -> None:
        on_modal(QMessageBox, answer("取消"))
        when(lambda: QApplication.activeModalWidget() is dialog, dialog.reject)
        dialog.ok_button.click()

    on_modal(TextDialog, act)
    ws.action_bar.control("accept").click()
    assert ws.view.state == "registered"  # not reloaded: the user chose 取消
    assert open_case(desk["officer"], case_id).officer == "刘强"
