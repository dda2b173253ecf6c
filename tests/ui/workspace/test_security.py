"""Masking and restriction in the workspace: the clerk sees the intake part only, with identifiers
masked after the day of registration; a restricted case shows 受限案件 to officers not named."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from app.validation import mask_id_number, mask_phone
from tests.support.cases import ID_NUMBER, PHONE
from tests.support.desk import Desk
from tests.support.sessions import session_as
from tests.ui.workspace.support import on_modal
from ui.workspace.case_workspace import CaseWorkspace
from ui.workspace.dialogs import RestrictDialog


def _texts(widget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget))


def test_clerk_sees_the_intake_part_masked_after_the_day_of_registration(desk: Desk, open_workspace) -> None:
    case_id = desk.register("clerk").case_id
    desk.walk(case_id, "in_progress")
    today = open_workspace(desk["clerk"], case_id)
    assert today.info.complainant.values["联系电话"].text() == PHONE
    assert today.info.masked_hint.isHidden()

    desk.clock.advance(days=1)
    ws = open_workspace(desk["clerk"], case_id)
    grid = ws.info.complainant.values
    assert grid["联系电话"].text() == mask_phone(PHONE) == "139****5678"
    assert grid["身份证号"].text() == mask_id_number(ID_NUMBER)
    assert PHONE not in _texts(ws) and ID_NUMBER not in _texts(ws)
    assert not ws.info.masked_hint.isHidden()
    visible = [ws.tabs.tabText(i) for i in range(ws.tabs.count()) if ws.tabs.isTabVisible(i)]
    assert visible == ["投诉信息", "投诉事项", "附件", "文书"]
    assert ws.issues.view.isColumnHidden(3) and ws.issues.view.isColumnHidden(4)  # department, finding
    assert ws.issues.add_button.isHidden()
    assert ws.info.deadlines.isHidden()
    assert "承办专员" not in ws.info.intake.values
    shown = [n for n in [*ws.action_bar.buttons, *ws.action_bar.actions_] if ws.action_bar.is_shown(n)]
    assert shown == ["attachment"]  # only what the clerk may do; no disabled handling buttons
    assert {item.action for item in ws.timeline.items} == {"register"}
    assert [p.title for p in ws.documents.printables.rows()] == ["投诉受理回执", "投诉登记表"]

    officer = open_workspace(desk["officer"], case_id)
    assert officer.info.complainant.values["联系电话"].text() == PHONE


def test_restricted_case_is_refused_to_an_officer_not_named(desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("accepted")
    manager = open_workspace(desk["manager"], case_id)

    def restrict(dialog: RestrictDialog) -> None:
        names = [dialog.picker.list.item(i).text() for i in range(dialog.picker.list.count())]
        assert sorted(names) == sorted(["刘强", "王小明"])
        dialog.picker.set_checked(["liuq"])
        dialog.ok_button.click()

    on_modal(RestrictDialog, restrict)
    manager.action_bar.control("restrict").trigger()
    assert manager.view.restricted and manager.view.named_officers == ("刘强",)
    assert not manager.header.restricted.isHidden()

    named = open_workspace(desk["officer2"], case_id)
    assert named.view is not None and not named.header.restricted.isHidden()
    # 王小明 accepted the case (its officer), so he keeps access; a third officer does not.
    third = session_as(desk.admin, "sunl", "officer", display_name="孙丽")
    ws = open_workspace(third, case_id)
    assert ws.view is None
    assert ws.stack.currentWidget() is ws.denied
    assert ws.denied.title.text() == "受限案件"
    assert "张桂兰" not in _texts(ws) and "李建国" not in _texts(ws)
    assert ws.header.number.text() == ""  # nothing of the case was ever shown
    ws.trigger("accept")  # no view: actions do nothing


def test_missing_case_shows_a_clean_panel(desk: Desk, open_workspace) -> None:
    ws: CaseWorkspace = open_workspace(desk["officer"], 9999)
    assert ws.denied.title.text() == "案件不存在"
    assert ws.stack.currentWidget() is ws.denied


def test_a_broken_timeline_chain_shows_a_warning_above_the_timeline(desk: Desk, open_workspace) -> None:
    from models.database import database_proxy

    case_id = desk.new_case("in_progress")
    intact = open_workspace(desk["officer"], case_id)
    assert intact.timeline.warning.isHidden()

    database_proxy.execute_sql("UPDATE case_event SET summary = '受理（补记）' WHERE case_id = ? AND seq = 2", (case_id,))
    ws = open_workspace(desk["officer"], case_id)
    assert ws.timeline.warning.isVisible()
    assert "时间线第 2 条" in ws.timeline.warning.text() and "联系系统管理员" in ws.timeline.warning.text()
