"""The duplicate panel: it appears 400 ms after a phone, ID number or 门诊号/住院号 of an earlier case
is typed; 关联 links on saving, 作为重复并入 registers and merges, 打开 asks to open the case."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.cases import acceptance as app_acceptance
from app.cases import views
from tests.support.cases import ID_NUMBER, PHONE
from tests.support.desk import Desk
from tests.ui.helpers import type_text
from ui.intake import intake_page
from ui.intake.intake_page import IntakePage
from ui.workspace.header import CaseHeader

from .conftest import register_earlier


def fill_rest(page: IntakePage) -> None:
    type_text(page.full_form.complainant_name, "王秀英")
    type_text(page.full_form.narrative, "再次反映停车场排队时间长，上次投诉后仍未改善。")


def test_typing_a_known_phone_shows_the_earlier_case_and_link_links_it(
    qtbot: QtBot, desk: Desk, make_page
) -> None:
    earlier = register_earlier(desk, datetime(2026, 3, 2, 10, 0))
    page: IntakePage = make_page(desk["clerk"])
    panel = page.full_form.duplicates
    assert not panel.isVisible()

    page.full_form.phone.setFocus()
    qtbot.keyClicks(page.full_form.phone, PHONE)
    assert not panel.isVisible()  # looked up only once typing pauses
    qtbot.waitUntil(panel.isVisible, timeout=2000)
    assert panel.title.text() == "发现 1 件可能重复的既往投诉"
    row = [panel.model.data(panel.model.index(0, c)) for c in range(panel.model.columnCount())]
    assert row[1:5] == [earlier.case_no, "2026-03-02 10:00", "待受理", "电话"]
    assert row[5].startswith("门诊停车场排队近一小时")
    assert not panel.merge_button.isEnabled()  # a clerk does not merge
    assert panel.merge_button.toolTip() == "只有医患沟通办公室专员、主任/分管院领导可以合并重复投诉"

    qtbot.mouseClick(panel.link_button, Qt.MouseButton.LeftButton)
    assert panel.linked_ids() == [earlier.case_id]
    assert panel.model.data(panel.model.index(0, 0)) == "已关联"
    assert panel.link_button.text() == "取消关联"

    fill_rest(page)
    with qtbot.waitSignal(page.registered) as signal:
        page.save_button.click()
    case = views.open_case(desk["officer"], signal.args[0])
    assert [no for _id, no in case.links] == [earlier.case_no]
    assert "已关联 1 件既往案件" in page.banner.details.text()
    assert not panel.isVisible()


def test_id_number_and_record_number_find_earlier_cases_too(
    qtbot: QtBot, desk: Desk, make_page
) -> None:
    by_id = register_earlier(
        desk,
        datetime(2026, 2, 20, 9, 0),
        complainant_phone="13770561234",
        complainant_id_number=ID_NUMBER,
    )
    by_record = register_earlier(
        desk,
        datetime(2026, 3, 5, 9, 0),
        complainant_phone="13770561235",
        patient_record_no="ZY2026001873",
    )
    page: IntakePage = make_page(desk["clerk"])
    page.full_form.id_number.setText(ID_NUMBER)
    page.full_form.record_no.setText("zy2026001873")
    panel = page.full_form.duplicates
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=2000)
    matched = {c.case_no: c.matched_on for c in panel.model.rows()}
    assert matched == {by_id.case_no: "身份证号", by_record.case_no: "门诊号/住院号"}
    page.full_form.id_number.clear()
    page.full_form.record_no.clear()
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=2000)


def test_open_asks_for_the_earlier_case(qtbot: QtBot, desk: Desk, make_page) -> None:
    earlier = register_earlier(desk, datetime(2026, 3, 2, 10, 0))
    page: IntakePage = make_page(desk["clerk"])
    page.look_for_duplicates(PHONE, "", "")
    with qtbot.waitSignal(page.open_case_requested) as signal:
        page.full_form.duplicates.open_button.click()
    assert signal.args == [earlier.case_id]


def test_an_officer_records_a_repeat_complaint_merged_into_the_earlier_case(
    qtbot: QtBot, desk: Desk, make_page, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = register_earlier(desk, datetime(2026, 3, 2, 10, 0))
    questions: list[str] = []

    def confirm(_parent: object, _title: str, text: str, _yes: str) -> bool:
        questions.append(text)
        return True

    monkeypatch.setattr(intake_page, "confirm", confirm)
    page: IntakePage = make_page(desk["officer"])
    page.full_form.phone.setText(PHONE)
    panel = page.full_form.duplicates
    qtbot.waitUntil(panel.isVisible, timeout=2000)
    fill_rest(page)
    assert panel.merge_button.isEnabled()
    with qtbot.waitSignal(page.registered) as signal:
        panel.merge_button.click()
    assert earlier.case_no in questions[0] and "已合并" in questions[0]
    new = views.open_case(desk["officer"], signal.args[0])
    assert (new.state, new.merged_into) == ("merged", earlier.case_no)
    assert f"已作为重复投诉并入 {earlier.case_no}" in page.banner.details.text()


def test_declining_the_merge_saves_nothing(
    qtbot: QtBot, desk: Desk, make_page, monkeypatch: pytest.MonkeyPatch
) -> None:
    register_earlier(desk, datetime(2026, 3, 2, 10, 0))
    monkeypatch.setattr(intake_page, "confirm", lambda *_args: False)
    page: IntakePage = make_page(desk["officer"])
    page.look_for_duplicates(PHONE, "", "")
    fill_rest(page)
    with qtbot.assertNotEmitted(page.registered):
        page.full_form.duplicates.merge_button.click()
    assert page.full_form.complainant_name.text() == "王秀英"


def test_a_repeat_of_an_earlier_case_is_marked_at_intake(qtbot: QtBot, desk: Desk, make_page) -> None:
    earlier = register_earlier(desk, datetime(2026, 3, 2, 10, 0))
    app_acceptance.accept(desk["officer"], earlier.case_id)
    page: IntakePage = make_page(desk["clerk"])
    panel = page.full_form.duplicates
    page.full_form.phone.setText(PHONE)
    qtbot.waitUntil(panel.isVisible, timeout=2000)
    assert panel.state_line.text() == (
        f"所选前案 {earlier.case_no} 于 2026-03-02 接待，当前状态：已受理/待转办，仍在办理中。"
    )
    qtbot.mouseClick(panel.repeat_button, Qt.MouseButton.LeftButton)
    assert panel.model.data(panel.model.index(0, 0)) == "重复投诉"
    assert panel.repeat_ids() == [earlier.case_id] and panel.linked_ids() == []
    assert panel.repeat_button.text() == "取消重复投诉"
    fill_rest(page)
    with qtbot.waitSignal(page.registered) as signal:
        page.save_button.click()
    header = CaseHeader()
    qtbot.addWidget(header)
    header.set_view(views.open_case(desk["officer"], signal.args[0]))
    assert not header.repeat.isHidden() and header.repeat.text() == "重复投诉 第2次（共2次）"
    assert earlier.case_no in header.repeat.toolTip() and "已受理/待转办" in header.repeat.toolTip()
    header.set_view(views.open_case(desk["officer"], earlier.case_id))
    assert header.repeat.text() == "已被重复投诉 1 次"
