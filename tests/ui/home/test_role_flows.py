"""One flow per role through the real main window: the clerk registers and reprints a receipt from the
home; night duty logs a complaint at 23:40 and the officer takes it over the next working morning
from the board; the officer routes, records the departments' replies and drafts; the manager approves
and signs off from the home."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.cases import board, documents
from app.cases.board import BoardFilter
from app.cases.category_tree import category_leaves
from app.cases.views import open_case
from tests.ui.cases.support import Office
from tests.ui.helpers import type_text
from tests.ui.workspace.support import answer, on_modal
from ui.cases.case_table import CaseTable
from ui.workspace.dialogs import AssignDialog, FollowUpDialog, ReplyDialog, RespondDialog, TextDialog
from ui.workspace.print_preview import DocumentPrinter


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The printer dialog is accepted at once; the issued PDF's title is remembered."""
    titles: list[str] = []

    def fake_print(self, title: str, page_size: str, source, changed=None) -> bool:
        assert source()[:4] == b"%PDF"
        titles.append(f"{title} {page_size}")
        return True

    monkeypatch.setattr(DocumentPrinter, "print", fake_print)
    return titles


def _open_row(qtbot: QtBot, table: CaseTable, case_id: int) -> None:
    row = table.case_model.row_of(case_id)
    assert row is not None, "the case is listed"
    table.setFocus()
    table.setCurrentIndex(table.case_model.index(row, 0))
    QTest.keyClick(table, Qt.Key.Key_Return)


def test_clerk_registers_and_reprints_the_receipt_from_the_home(
    qtbot: QtBot, office: Office, main_window, printed: list[str]
) -> None:
    window = main_window(office.clerk)
    assert window.rail.keys() == ["home", "intake", "cases"]
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "intake"
    page = window.pages["intake"]
    form = page.full_form
    form.channel.set_value("visit")
    type_text(form.complainant_name, "王秀英")
    form.phone.setText("13770561234")
    type_text(form.patient_name, "李建平")
    form.category.set_leaf(next(leaf for leaf in category_leaves() if leaf.code == "010301"))
    type_text(form.narrative, "父亲住院期间夜间用药调整未告知家属，次日出现低血压，要求科室解释。")
    with qtbot.waitSignal(page.registered) as signal:
        page.save()
    case_id = signal.args[0]

    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "home"
    desk = window.home_page.intake_desk
    assert desk.table.case_model.rowCount() == 1
    assert desk.table.case_model.card(0).complainant == "王秀英"  # the clerk's own registration of today, as the case shows it
    assert window.rail.count("home") == 1
    desk.select_case(case_id)
    assert desk.print_button.text() == "打印回执"
    desk.print_button.click()
    assert desk.print_button.text() == "补打回执"
    desk.print_button.click()
    issued = documents.issued_documents(office.clerk, case_id)
    assert sorted((d.kind, d.reprint) for d in issued) == [("receipt", False), ("receipt", True)]
    assert len(printed) == 2 and printed[0].startswith("受理回执")
    receipts = desk.table.case_model.columnCount() - 1
    assert desk.table.case_model.index(0, receipts).data() == "已打印 2 份"


def test_night_duty_logs_at_2340_and_the_officer_takes_over_next_morning(
    qtbot: QtBot, office: Office, main_window, printed: list[str]
) -> None:
    office.clock.set(datetime(2026, 3, 10, 23, 40))
    night = main_window(office.night)
    page = night.show_page("intake")
    assert page.is_night_form()
    form = page.night_form
    form.channel.set_value("phone")
    type_text(form.complainant_name, "陈丽")
    form.phone.setText("15850123456")
    type_text(form.patient_name, "陈建华")
    form.location.set_code("emergency")
    form.severity.set_value("major")
    type_text(form.narrative, "23:10 来电：父亲在急诊留观室输液时从床上跌落，家属称床栏未拉起。")
    with qtbot.waitSignal(page.registered) as signal:
        page.save(print_receipt=True)
    case_id = signal.args[0]
    assert printed == ["受理回执 A4"] or printed == ["受理回执 A5"]

    home = night.show_page("home")
    assert [home.night_shift.table.case_model.card(r).id for r in range(1)] == [case_id]
    assert home.handover.numbers["major"].text() == "1"
    assert night.rail.count("home") == 1

    office.clock.set(datetime(2026, 3, 11, 8, 35))  # Wednesday, the next working morning
    officer = main_window(office.officer)
    tiles = {q.key: q.count for q in officer.home_page.tiles.queue_model.queues()}
    assert tiles["registered"] == 1
    board_page = officer.show_page("board")
    cards = board_page.columns["registered"].model.cards()
    assert [c.id for c in cards] == [case_id] and cards[0].complainant == "陈丽"
    on_modal(TextDialog, lambda d: (type_text(d.text_edit, "已电话联系家属"), d.ok_button.click()))
    assert board_page.move_case(case_id, "registered", "accepted")
    view = open_case(office.officer, case_id)
    assert view.state == "accepted" and view.officer == "王小明"
    assert board.case_count(office.night, BoardFilter(include_final=True)) == 0  # taken over

    night.show_page("cases")
    night._data_changed("case", case_id)
    night.show_page("home")
    assert home.night_shift.stack.currentWidget() is home.night_shift.empty
    assert home.handover.numbers["total"].text() == "0"


def test_officer_routes_records_replies_and_drafts_in_the_workspace(
    qtbot: QtBot, office: Office, main_window
) -> None:
    case_id = office.case("accepted")
    window = main_window(office.officer)
    work = window.home_page.office_work
    _open_row(qtbot, work.table, case_id)
    assert window.current_page_key() == "case"
    assert window.back_button.text() == "‹ 返回工作台"
    ws = window.workspace
    assert ws.view.complainant_phone == "13912345678"  # the office sees the full number

    def route(dialog: AssignDialog) -> None:
        dialog.picker.set_checked(["cardiology", "nursing"])
        type_text(dialog.questions_edit, "请核实当日候诊及叫号情况")
        dialog.ok_button.click()

    on_modal(AssignDialog, route)
    ws.action_bar.control("assign").click()
    assert ws.view.state == "in_progress"

    ws.tabs.setCurrentIndex(ws.TAB_ASSIGNMENTS)
    for row, text in ((0, "当日叫号系统故障，属实。"), (1, "护士站已作解释。")):
        ws.assignments.view.selectRow(row)

        def reply(dialog: RespondDialog, text: str = text) -> None:
            type_text(dialog.response_edit, text)
            dialog.ok_button.click()

        on_modal(RespondDialog, reply)
        ws.assignments.buttons["respond"].click()
    assert ws.view.state == "drafting"

    ws.action_bar.control("draft").click()
    form = ws.handling
    type_text(form.facts_edit, "经调取叫号系统日志，当日叫号系统故障两小时。")
    (combo,) = form.findings.combos()
    combo.setCurrentIndex(combo.findData("partly_upheld"))
    type_text(form.resolution_edit, "向患者致歉；门诊部完善人工叫号预案。")
    form.save_button.click()
    on_modal(QMessageBox, answer("提交"))
    ws.action_bar.control("submit").click()
    assert ws.view.state == "pending_approval"

    window.back_button.click()
    assert window.current_page_key() == "home" and window.workspace is None
    listed = {work.table.case_model.card(r).id: work.table.case_model.card(r) for r in range(work.total)}
    assert listed[case_id].state_label == "待审批"
    board_page = window.show_page("board")
    assert [c.id for c in board_page.columns["pending_approval"].model.cards()] == [case_id]


def test_manager_approves_and_signs_off_from_the_home(qtbot: QtBot, office: Office, main_window) -> None:
    case_id = office.case("pending_approval")
    window = main_window(office.manager)
    home = window.home_page
    section = home.approvals
    assert section.tabs.tabText(0) == "待审批（1）"
    _open_row(qtbot, section.tables["pending_approval"], case_id)
    ws = window.workspace
    on_modal(TextDialog, lambda d: (type_text(d.text_edit, "同意，请尽快答复。"), d.ok_button.click()))
    ws.action_bar.control("approve").click()
    assert ws.view.state == "approved"
    ws.close_button.click()
    assert window.current_page_key() == "home"
    assert section.tabs.tabText(0) == "待审批（0）"
    assert window.rail.count("home") == 0

    office.walk(case_id, "awaiting_sign_off")  # the officer replies and follows up meanwhile
    window._live_refresh()
    assert section.tabs.tabText(1) == "待销项（1）"
    section.show_tab("awaiting_sign_off")
    _open_row(qtbot, section.tables["awaiting_sign_off"], case_id)
    ws = window.workspace
    on_modal(TextDialog, lambda d: d.ok_button.click())
    ws.action_bar.control("sign_off").click()
    assert ws.view.state == "closed"
    window.close_case()
    assert section.tabs.tabText(1) == "待销项（0）"


def test_reply_and_follow_up_dialogs_run_from_board_drops(qtbot: QtBot, office: Office, main_window) -> None:
    approved = office.case("approved")
    window = main_window(office.officer)
    page = window.show_page("board")

    def reply(dialog: ReplyDialog) -> None:
        dialog.method_combo.setCurrentIndex(dialog.method_combo.findData("phone"))
        dialog.ok_button.click()

    on_modal(ReplyDialog, reply)
    assert page.move_case(approved, "approved", "replied")

    def follow(dialog: FollowUpDialog) -> None:
        dialog.method_combo.setCurrentIndex(dialog.method_combo.findData("phone"))
        dialog.satisfaction.buttons["satisfied"].click()
        dialog.ok_button.click()

    on_modal(FollowUpDialog, follow)
    assert page.move_case(approved, "replied", "awaiting_sign_off")
    assert open_case(office.officer, approved).state == "awaiting_sign_off"
    assert window.rail.count("board") == 1
