"""整改 in the UI: 下达整改 from a case's 整改 tab, the item dialog's steps by role, the 整改 page's
filters, and the 整改通知单 preview."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.cases.states import State
from app.rectification import items
from app.rectification.items import NewItem
from app.rectification.states import RectState
from models.cases import CaseEvent
from models.rectification import Rectification
from tests.ui.cases.support import Office
from tests.ui.workspace.support import on_modal
from ui.rectification.item_dialog import ItemDialog
from ui.rectification.list_page import RectificationPage
from ui.rectification.new_item import NewItemDialog
from ui.workspace.dialogs import TextDialog
from ui.workspace.print_preview import PDF_AVAILABLE, PrintPreviewDialog

MEASURE = "修订夜间呼叫应答制度，全科护士培训并考核。"


def item_for(office: Office, department: str = "nursing", workdays: int = 10) -> tuple[int, int]:
    case_id = office.case(State.CLOSED, category="020202")
    return case_id, items.create(office.officer, NewItem(department, MEASURE, (case_id,), due_workdays=workdays))


def test_an_officer_orders_rectification_from_a_case(qtbot: QtBot, office: Office, main_window) -> None:
    case_id = office.case(State.CLOSED, category="020202")
    window = main_window(office.officer)
    workspace = window.open_case(case_id)
    tabs = workspace.tabs
    assert tabs.isTabVisible(workspace.TAB_RECTIFICATION) and tabs.tabText(workspace.TAB_RECTIFICATION) == "整改"
    section = workspace.rectification
    tabs.setCurrentIndex(workspace.TAB_RECTIFICATION)
    assert section.empty.isVisible() and section.new_button.isEnabled()

    def fill(dialog: NewItemDialog) -> None:
        assert dialog.issue_combo.currentText().startswith("事项1")  # the issue found 部分成立
        assert dialog.department_combo.currentData() == "nursing"  # its department
        dialog.measure_edit.setPlainText(MEASURE)
        dialog.workdays_spin.setValue(5)
        dialog.ok_button.click()

    on_modal(NewItemDialog, fill)
    section.new_button.click()
    assert section.model.rowCount() == 1
    row = section.model.row(0)
    assert (row.number, row.state_label, row.department) == ("ZG-2026-0001", "待整改", "护理部")
    assert CaseEvent.select().where(CaseEvent.summary.startswith("整改 ZG-2026-0001")).count() == 1
    assert any("整改 ZG-2026-0001" in item.summary for item in workspace.view.timeline)


def test_the_item_dialog_offers_the_officers_steps(qtbot: QtBot, office: Office) -> None:
    _case_id, item_id = item_for(office)
    dialog = ItemDialog(office.officer, item_id)
    qtbot.addWidget(dialog)
    buttons = dialog.buttons
    assert buttons["start"].isEnabled() and buttons["record"].isEnabled()
    assert buttons["close_done"].isHidden(), "the manager's step is not offered to the office"
    assert buttons["submit"].toolTip() == "请先登记科室的整改情况"
    buttons["start"].click()
    assert dialog.state_chip.text() == "整改中"

    def record(text_dialog) -> None:
        text_dialog.text_edit.setPlainText("已修订制度并培训 26 人。")
        text_dialog.ok_button.click()

    on_modal(TextDialog, record)
    buttons["record"].click()
    assert "已修订制度并培训 26 人。" in dialog.texts.values["整改情况"].text()
    buttons["submit"].click()
    assert Rectification.get_by_id(item_id).state == RectState.AWAITING_VERIFICATION
    assert buttons["verify_pass"].isEnabled() and not buttons["record"].isEnabled()


def test_the_manager_closes_a_verified_item(qtbot: QtBot, office: Office) -> None:
    _case_id, item_id = item_for(office)
    items.record(office.officer, item_id, "已整改")
    items.submit(office.officer, item_id)
    items.verify(office.officer, item_id, True, "抽查合格")
    dialog = ItemDialog(office.manager, item_id)
    qtbot.addWidget(dialog)
    assert dialog.buttons["verify_pass"].isHidden()
    def agree(text_dialog) -> None:
        text_dialog.text_edit.setPlainText("同意")
        text_dialog.ok_button.click()

    on_modal(TextDialog, agree)
    dialog.buttons["close_done"].click()
    assert Rectification.get_by_id(item_id).state == RectState.DONE
    assert dialog.state_chip.text() == "已落实"
    assert [b for b, button in dialog.buttons.items() if button.isEnabled() and not button.isHidden()] == ["print"]


def test_printing_the_notice_shows_its_preview(qtbot: QtBot, office: Office) -> None:
    _case_id, item_id = item_for(office)
    dialog = ItemDialog(office.officer, item_id)
    qtbot.addWidget(dialog)
    if PDF_AVAILABLE:
        seen: list[str] = []

        def close(preview: PrintPreviewDialog) -> None:
            seen.append(preview.windowTitle())
            preview.reject()

        on_modal(PrintPreviewDialog, close)
    dialog.buttons["print"].click()
    assert any("整改通知单" in e.summary for e in dialog.detail.events)
    if PDF_AVAILABLE:
        assert seen == ["打印预览 — ZG-2026-0001 整改通知单"]


def test_the_page_filters_by_department_state_and_overdue(qtbot: QtBot, office: Office, main_window) -> None:
    item_for(office, "nursing", workdays=2)
    item_for(office, "cardiology", workdays=20)
    office.clock.set(datetime(2026, 3, 16, 9, 0))
    window = main_window(office.manager)
    assert "rectification" in window.entry_keys
    page = window.show_page("rectification")
    assert isinstance(page, RectificationPage)
    assert page.new_button.isVisible()
    assert page.model.rowCount() == 2 and page.count_label.text() == "共 2 项"
    page.overdue_box.setChecked(True)
    assert [page.model.row(r).number for r in range(page.model.rowCount())] == ["ZG-2026-0001"]
    assert page.model.row(0).state_label == "逾期"
    page.overdue_box.setChecked(False)
    page.department_combo.setCurrentIndex(page.department_combo.findData("cardiology"))
    assert [page.model.row(r).department for r in range(page.model.rowCount())] == ["心血管内科"]
    page.show_department("nursing", overdue_only=True)
    assert page.model.rowCount() == 1 and page.overdue_box.isChecked()
    page.state_combo.setCurrentIndex(page.state_combo.findData(RectState.DONE))
    assert page.model.rowCount() == 0 and page.empty.isVisible()


def test_officers_do_not_get_the_alert_button(qtbot: QtBot, office: Office, main_window) -> None:
    window = main_window(office.officer)
    page = window.show_page("rectification")
    assert not page.new_button.isVisible()
    assert QApplication.activeModalWidget() is None
