"""The whole lifecycle through the workspace's widgets: the officer routes, records the departments'
replies, drafts and submits; the manager approves; the officer replies and follows up; the manager
signs off."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.cases.views import open_case
from tests.support.desk import Desk
from tests.ui.helpers import type_text
from tests.ui.workspace.support import answer, on_modal
from ui.operations import bus
from ui.workspace.dialogs import (
    AcknowledgeDialog,
    AssignDialog,
    FollowUpDialog,
    ReplyDialog,
    RespondDialog,
    TextDialog,
)


def test_officer_routes_records_replies_drafts_and_submits(qtbot: QtBot, desk: Desk, open_workspace) -> None:
    case_id = desk.register("clerk").case_id
    ws = open_workspace(desk["officer"], case_id)
    bar = ws.action_bar
    assert ws.header.number.text() == ws.view.case_no
    assert ws.header.state.text() == "待受理"
    assert ws.header.deadline.text().startswith("受理：")

    on_modal(TextDialog, lambda d: (type_text(d.text_edit, "已电话联系投诉人"), d.ok_button.click()))
    with qtbot.waitSignal(bus().data_changed):
        bar.control("accept").click()
    assert ws.view.state == "accepted"
    assert ws.header.deadline.text().startswith("答复：")
    assert not bar.is_shown("accept")

    def route(dialog: AssignDialog) -> None:
        dialog.picker.set_checked(["cardiology", "nursing"])
        type_text(dialog.questions_edit, "请核实当日候诊及叫号情况")
        dialog.ok_button.click()

    on_modal(AssignDialog, route)
    bar.control("assign").click()
    assert ws.view.state == "in_progress"
    assert ws.assignments.model.rowCount() == 2
    assert [a.state_label for a in ws.view.assignments] == ["待签收", "待签收"]
    assert "剩 3 工作日" in ws.assignments.model.index(0, 2).data()  # the full text is the tooltip
    assert "剩余 3 个工作日" in ws.assignments.model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)

    ws.tabs.setCurrentIndex(ws.TAB_ASSIGNMENTS)
    ws.assignments.view.selectRow(0)
    on_modal(AcknowledgeDialog, lambda d: (type_text(d.by_edit, "郑国华"), d.ok_button.click()))
    ws.assignments.buttons["acknowledge"].click()
    assert ws.view.assignments[0].state_label == "已签收"
    assert ws.view.assignments[0].acknowledged_by == "郑国华"

    for row, text in ((0, "当日叫号系统故障，属实。"), (1, "护士站已作解释，态度问题属实。")):
        ws.assignments.view.selectRow(row)

        def reply(dialog: RespondDialog, text: str = text) -> None:
            type_text(dialog.response_edit, text)
            type_text(dialog.responder_edit, "科室主任")
            dialog.ok_button.click()

        on_modal(RespondDialog, reply)
        ws.assignments.buttons["respond"].click()
    assert ws.view.state == "drafting"
    assert [a.response for a in ws.view.assignments] == [
        "当日叫号系统故障，属实。",
        "护士站已作解释，态度问题属实。",
    ]

    bar.control("draft").click()
    assert ws.tabs.currentIndex() == ws.TAB_HANDLING
    form = ws.handling
    assert form.editable and form.save_button.isVisibleTo(ws)
    type_text(form.facts_edit, "经调取叫号系统日志，当日叫号系统故障两小时。")
    (combo,) = form.findings.combos()
    combo.setCurrentIndex(combo.findData("partly_upheld"))
    type_text(form.resolution_edit, "向患者致歉；门诊部完善人工叫号预案。")
    form.amount_edit.setFocus()
    qtbot.keyClicks(form.amount_edit, "1234.5")
    assert form.capitals.text() == "大写：壹仟贰佰叁拾肆元伍角"
    type_text(form.rectification_edit, "门诊部完善系统故障时的人工叫号预案")
    assert form.is_dirty()
    with qtbot.waitSignal(bus().data_changed):
        form.save_button.click()
    saved = open_case(desk["officer"], case_id)
    assert saved.facts == "经调取叫号系统日志，当日叫号系统故障两小时。"
    assert saved.compensation_amount == Decimal("1234.50")
    assert not form.is_dirty()
    assert form.amount_edit.text() == "1234.50"

    on_modal(QMessageBox, answer("提交"))
    bar.control("submit").click()
    assert ws.view.state == "pending_approval"
    assert not form.editable and form.form_box.isHidden()
    assert form.summary.values["案件结论"].text() == "部分成立（由各事项得出）"
    assert form.summary.values["投诉事项认定"].text().endswith("：部分成立")
    assert form.summary.values["赔偿金额"].text() == "1,234.50 元（壹仟贰佰叁拾肆元伍角）"
    assert form.summary.values["退费金额"].text() == "无"
    assert ws.timeline.items[0].summary == "提交主任审批"


def test_manager_approves_and_signs_off(qtbot: QtBot, desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("pending_approval")
    manager = open_workspace(desk["manager"], case_id)
    assert manager.action_bar.control("approve").isEnabled()
    assert manager.action_bar.control("return_draft").isEnabled()
    on_modal(TextDialog, lambda d: (type_text(d.text_edit, "同意，请尽快答复。"), d.ok_button.click()))
    manager.action_bar.control("approve").click()
    assert manager.view.state == "approved"
    assert manager.view.approval_comment == "同意，请尽快答复。"

    officer = open_workspace(desk["officer"], case_id)

    def reply(dialog: ReplyDialog) -> None:
        dialog.method_combo.setCurrentIndex(dialog.method_combo.findData("phone"))
        type_text(dialog.note_edit, "已电话告知处理结果")
        dialog.ok_button.click()

    on_modal(ReplyDialog, reply)
    officer.action_bar.control("reply").click()
    assert officer.view.state == "replied"

    def follow(dialog: FollowUpDialog) -> None:
        dialog.method_combo.setCurrentIndex(dialog.method_combo.findData("phone"))
        dialog.satisfaction.buttons["satisfied"].click()
        assert not dialog.outcome.buttons["reopen"].isEnabled()  # only when 不满意
        type_text(dialog.remarks_edit, "投诉人表示满意")
        dialog.ok_button.click()

    on_modal(FollowUpDialog, follow)
    officer.action_bar.control("follow_up").click()
    assert officer.view.state == "awaiting_sign_off"
    assert officer.followup.followups.rowCount() == 1
    assert not officer.action_bar.control("sign_off").isEnabled()

    manager.reload()
    on_modal(TextDialog, lambda d: d.ok_button.click())
    with qtbot.waitSignal(bus().data_changed):
        manager.action_bar.control("sign_off").click()
    assert manager.view.state == "closed"
    assert manager.header.state.text() == "已销项 · 已办结"
    assert manager.header.deadline.isHidden()
    shown = [n for n in manager.action_bar.buttons if manager.action_bar.is_shown(n)]
    assert shown == ["archive"]
    assert manager.timeline.items[0].summary == "销项（已办结）"


def test_unsatisfied_follow_up_reopens_the_case(qtbot: QtBot, desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("replied")
    ws = open_workspace(desk["officer"], case_id)

    def follow(dialog: FollowUpDialog) -> None:
        dialog.method_combo.setCurrentIndex(dialog.method_combo.findData("visit"))
        dialog.satisfaction.buttons["dissatisfied"].click()
        dialog.outcome.buttons["reopen"].click()
        assert not dialog.route_combo.isEnabled()
        dialog.ok_button.click()

    on_modal(FollowUpDialog, follow)
    ws.action_bar.control("follow_up").click()
    assert ws.view.state == "in_progress"
    assert ws.header.reopened.text() == "再处理 1 次" and not ws.header.reopened.isHidden()


def test_linked_case_opens_on_click(qtbot: QtBot, desk: Desk, open_workspace) -> None:
    first = desk.register("clerk").case_id
    second = desk.register("clerk", content="同一投诉人就候诊问题再次来电。").case_id
    from app.cases import overlays

    overlays.link(desk["officer"], second, first)
    ws = open_workspace(desk["officer"], second)
    with qtbot.waitSignal(ws.open_case_requested) as signal:
        ws.info.links.linkActivated.emit(f"case:{first}")
    assert signal.args == [first]
    shortcuts = {s.key().toString(): s for s in ws.findChildren(QShortcut)}
    assert {"F5", "Ctrl+W", "Alt+1", "Alt+7"} <= set(shortcuts)
    with qtbot.waitSignal(ws.closed):
        shortcuts["Ctrl+W"].activated.emit()
    shortcuts["Alt+7"].activated.emit()
    assert ws.tabs.currentIndex() == ws.TAB_DOCUMENTS
