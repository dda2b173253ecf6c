"""The 重大事项 tab: shown for a major case only, ticks recorded through their dialog (a refused value
keeps the dialog open with what was typed), the Art. 28 report deadline; 上报 gone once escalated."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.cases import overlays
from tests.support.desk import Desk
from tests.ui.helpers import type_text
from tests.ui.workspace.support import dismiss, on_modal
from ui.workspace.major_section import MajorTickDialog


def test_checklist_tab_ticks_and_refuses_more_than_five_representatives(
    qtbot: QtBot, desk: Desk, open_workspace
) -> None:
    case_id = desk.new_case("accepted")
    ws = open_workspace(desk["manager"], case_id)
    assert not ws.tabs.isTabVisible(ws.TAB_MAJOR)
    assert ws.action_bar.is_shown("escalate")

    overlays.escalate(desk["manager"], case_id, "患者术后死亡，家属聚集")
    ws.reload()
    assert ws.tabs.isTabVisible(ws.TAB_MAJOR)
    assert not ws.action_bar.is_shown("escalate")  # 上报 happens once
    ws.tabs.setCurrentIndex(ws.TAB_MAJOR)
    section = ws.major
    assert "向卫生主管部门报告时限" in section.report_line.text() and "剩余" in section.report_line.text()
    assert section.status_chips["representatives"].text() == "未完成"

    # Six representatives: refused with the article's rule, the dialog stays with the typed value.
    seen: list[str] = []
    kept: list[str] = []

    def six(dialog: MajorTickDialog) -> None:
        type_text(dialog.value_edit, "6")
        on_modal(QMessageBox, dismiss(seen))
        dialog.ok_button.click()
        kept.append(dialog.value())
        kept.append("open" if dialog.isVisible() else "closed")
        dialog.value_edit.clear()
        type_text(dialog.value_edit, "4")
        type_text(dialog.note_edit, "投诉方推举 4 名代表在医患沟通室协商")
        dialog.ok_button.click()

    on_modal(MajorTickDialog, six)
    section.buttons["representatives"].click()
    assert kept == ["6", "open"]
    assert seen and "每方代表人数不超过 5 人" in seen[0]
    assert section.status_chips["representatives"].text() == "已完成"
    assert "投诉方代表人数 4 人" in section.detail_labels["representatives"].text()
    assert "陈主任" in section.detail_labels["representatives"].text()
    assert ws.timeline.items[0].summary == "重大投诉事项：协商时每方代表不超过 5 人（投诉方代表人数 4 人）"

    # Not applicable: the patient did not die.
    def not_applicable(dialog: MajorTickDialog) -> None:
        dialog.na_radio.setChecked(True)
        dialog.ok_button.click()

    on_modal(MajorTickDialog, not_applicable)
    section.buttons["autopsy_told"].click()
    assert section.status_chips["autopsy_told"].text() == "不适用"

    # Reported: the clock line says so.
    on_modal(MajorTickDialog, lambda d: (type_text(d.note_edit, "已书面报告区卫健委"), d.ok_button.click()))
    section.buttons["authority_report"].click()
    assert section.report_line.text().startswith("向卫生主管部门报告：已报告")
