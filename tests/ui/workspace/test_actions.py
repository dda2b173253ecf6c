"""The action bar follows the policy and the state table; dialogs keep what the user typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.cases import routing
from app.cases.rules import ON_HOLD_MESSAGE
from app.cases.views import open_case
from tests.support.desk import Desk
from tests.ui.helpers import type_text
from tests.ui.workspace.support import answer, dismiss, on_modal, when
from ui.workspace.dialogs import (
    AcknowledgeDialog,
    CaseNumberDialog,
    ExtensionDecisionDialog,
    ExtensionRequestDialog,
    RespondDialog,
    ReturnDialog,
    TextDialog,
)


def test_what_a_role_can_never_do_is_hidden(desk: Desk, open_workspace) -> None:
    """The officer is not shown the manager's 审批 / 退回修改 / 设置保密 at all; the manager is."""
    case_id = desk.new_case("pending_approval")
    bar = open_workspace(desk["officer"], case_id).action_bar
    for name in ("approve", "return_draft", "restrict"):
        assert not bar.is_shown(name), name
    # irrelevant in this state: hidden too
    for name in ("accept", "assign", "submit", "reply", "follow_up", "resume"):
        assert not bar.is_shown(name)
    assert bar.control("note").isEnabled() and bar.more.isVisible()
    manager = open_workspace(desk["manager"], case_id).action_bar
    assert manager.is_shown("approve") and manager.control("approve").isEnabled()
    assert manager.is_shown("restrict")


def test_a_single_extra_action_is_a_button_not_a_menu(desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("in_progress")
    bar = open_workspace(desk["clerk"], case_id).action_bar  # the front desk may only add attachments
    assert bar.more.isHidden() and not bar.single.isHidden()
    assert bar.single.text() == bar.control("attachment").text() and bar.single.isEnabled()
    triggered: list[str] = []
    bar.triggered.disconnect()  # the workspace would open its file dialog
    bar.triggered.connect(triggered.append)
    bar.single.click()
    assert triggered == ["attachment"]
    officer = open_workspace(desk["officer"], case_id).action_bar
    assert officer.single.isHidden() and officer.more.isVisible()


def test_on_hold_pauses_actions_and_shows_the_paused_clock(desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("in_progress")
    ws = open_workspace(desk["officer"], case_id)
    on_modal(TextDialog, lambda d: (type_text(d.text_edit, "等待投诉人补充病历"), d.ok_button.click()))
    ws.action_bar.control("hold").trigger()
    assert ws.view.on_hold
    assert not ws.header.on_hold.isHidden()
    assert ws.header.deadline.text().startswith("答复：已暂停")
    assert ws.header.deadline.property("tone") == "paused"
    assign = ws.action_bar.control("assign")
    assert ws.action_bar.is_shown("assign") and not assign.isEnabled()
    assert assign.toolTip() == ON_HOLD_MESSAGE
    assert not ws.action_bar.is_shown("hold")
    on_modal(TextDialog, lambda d: d.ok_button.click())
    ws.action_bar.control("resume").click()
    assert not ws.view.on_hold and ws.header.on_hold.isHidden()


def test_assignment_row_actions_follow_the_row_state(desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("in_progress")
    first = open_case(desk["officer"], case_id).assignments[0]
    routing.acknowledge(desk["officer"], first.id, "郑国华")
    ws = open_workspace(desk["officer"], case_id)
    ws.assignments.view.selectRow(0)
    buttons = ws.assignments.buttons
    assert not buttons["acknowledge"].isEnabled()
    assert buttons["acknowledge"].toolTip() == "该科室已签收或已反馈"
    assert buttons["respond"].isEnabled() and buttons["return"].isEnabled()
    assert "请核实当日叫号情况" in ws.assignments.detail.values["需答复的问题"].text()

    manager = open_workspace(desk["manager"], case_id)
    manager.assignments.view.selectRow(1)
    assert not manager.assignments.buttons["acknowledge"].isEnabled()
    assert (
        manager.assignments.buttons["acknowledge"].toolTip() == "只有医患沟通办公室专员可以登记科室签收与反馈"
    )

    def reroute(dialog: ReturnDialog) -> None:
        type_text(dialog.reason_edit, "不属于本科室职责")
        dialog.picker.set_checked(["outpatient"])
        dialog.ok_button.click()

    on_modal(ReturnDialog, reroute)
    buttons["return"].click()
    states = [(a.department, a.state_label) for a in ws.view.assignments]
    assert states[0][1] == "退回" and states[-1] == ("门诊部", "待签收")
    assert ws.view.reroute_count == 1


def test_enter_never_submits_and_escape_asks_before_discarding(
    qtbot: QtBot, desk: Desk, open_workspace
) -> None:
    case_id = desk.new_case("in_progress")
    ws = open_workspace(desk["officer"], case_id)
    ws.assignments.view.selectRow(0)
    events: list[str] = []

    def act(dialog: AcknowledgeDialog) -> None:
        type_text(dialog.by_edit, "郑国华")
        qtbot.keyClick(dialog.by_edit, Qt.Key.Key_Return)
        assert dialog.isVisible(), "Enter must not submit"
        events.append("enter kept the dialog open")

        def keep_typing(box: QMessageBox) -> None:
            events.append(box.text())
            answer("取消")(box)
            when(
                lambda: QApplication.activeModalWidget() is dialog,
                lambda: (events.append(dialog.by_name()), dialog.ok_button.click()),
            )

        on_modal(QMessageBox, keep_typing)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    on_modal(AcknowledgeDialog, act)
    ws.assignments.buttons["acknowledge"].click()
    assert events == ["enter kept the dialog open", "已填写的内容尚未保存，确定放弃吗？", "郑国华"]
    assert ws.view.assignments[0].acknowledged_by == "郑国华"


def test_a_refusal_keeps_the_dialog_and_what_was_typed(desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("in_progress")
    ws = open_workspace(desk["officer"], case_id)
    ws.assignments.view.selectRow(0)
    seen: list[str] = []
    kept: list[str] = []

    def act(dialog: RespondDialog) -> None:
        type_text(dialog.responder_edit, "科室主任")

        def after_error(box: QMessageBox) -> None:
            dismiss(seen)(box)
            kept.append(dialog.responder())
            kept.append("open" if dialog.isVisible() else "closed")
            dialog.reject()

        on_modal(QMessageBox, after_error)
        dialog.ok_button.click()  # the response is empty

    on_modal(RespondDialog, act)
    ws.assignments.buttons["respond"].click()
    assert seen == ["科室反馈意见：不能为空"]
    assert kept == ["科室主任", "open"]
    assert ws.view.assignments[0].state == "sent"


def test_extension_requested_by_officer_and_decided_by_manager(desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("in_progress")
    officer = open_workspace(desk["officer"], case_id)
    due = officer.view.reply_due

    def request(dialog: ExtensionRequestDialog) -> None:
        dialog.days.setValue(3)
        type_text(dialog.reason_edit, "需等待医学鉴定结论")
        dialog.ok_button.click()

    on_modal(ExtensionRequestDialog, request)
    officer.action_bar.control("request_extension").trigger()
    assert not officer.action_bar.is_shown("request_extension")
    assert "待审批" in officer.info.deadlines.values["延期申请"].text()
    assert not officer.action_bar.is_shown("decide_extension")  # the manager's, never the officer's

    manager = open_workspace(desk["manager"], case_id)
    on_modal(ExtensionDecisionDialog, lambda d: d.ok_button.click())
    manager.action_bar.control("decide_extension").click()
    assert manager.view.reply_due > due
    assert "已批准" in manager.info.deadlines.values["延期申请"].text()


def test_escalation_starts_the_external_report_clock(desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("accepted")
    ws = open_workspace(desk["officer"], case_id)
    assert ws.header.external.isHidden()
    on_modal(TextDialog, lambda d: (type_text(d.text_edit, "涉及可能的医疗过失"), d.ok_button.click()))
    ws.action_bar.control("escalate").trigger()
    assert not ws.header.escalated.isHidden()
    assert ws.header.external.text() == "外报：剩余 12 小时"
    assert ws.header.severity.text() == "重大"
    assert not ws.action_bar.is_shown("escalate")


def test_merge_by_case_number(desk: Desk, open_workspace) -> None:
    target = desk.register("clerk").case_id
    duplicate = desk.register("clerk", content="同一事项再次来访").case_id
    target_no = open_case(desk["officer"], target).case_no
    ws = open_workspace(desk["officer"], duplicate)

    def merge(dialog: CaseNumberDialog) -> None:
        dialog.number_edit.setText(target_no.lower())
        dialog.ok_button.click()

    on_modal(CaseNumberDialog, merge)
    ws.action_bar.control("merge").trigger()
    assert ws.view.state == "merged"
    assert ws.info.outcome.values["已合并至"].text() == target_no


def test_note_on_a_closed_case_is_a_correction(desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("closed")
    ws = open_workspace(desk["officer"], case_id)
    assert not ws.handling.editable
    titles: list[str] = []
    on_modal(
        TextDialog,
        lambda d: (
            titles.append(d.windowTitle()),
            type_text(d.text_edit, "回访电话号码记录有误，已更正"),
            d.ok_button.click(),
        ),
    )
    ws.timeline.note_button.click()
    assert titles == ["补充更正说明"]
    assert ws.timeline.items[0].summary == "补充更正说明"


def test_dissatisfied_moves_the_follow_up_conclusion_off_sign_off(qtbot: QtBot) -> None:
    from app.dictionaries import external_routes
    from ui.workspace.dialogs import FollowUpDialog

    dialog = FollowUpDialog(external_routes())
    qtbot.addWidget(dialog)
    assert dialog.outcome.value() == "sign_off"
    dialog.satisfaction.buttons["dissatisfied"].click()
    assert dialog.outcome.value() == "reopen"  # not 报请销项 any more
    dialog.outcome.buttons["external"].click()
    assert dialog.route_combo.isEnabled()
    dialog.satisfaction.buttons["satisfied"].click()
    assert dialog.outcome.value() == "sign_off" and not dialog.outcome.buttons["reopen"].isEnabled()
    dialog.satisfaction.buttons["dissatisfied"].click()
    assert dialog.outcome.value() == "reopen"
    dialog.outcome.buttons["sign_off"].click()  # the office may still close it, when the user says so
    assert dialog.outcome.value() == "sign_off" and dialog.values()["outcome"] == "sign_off"
