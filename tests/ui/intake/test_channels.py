"""The form follows the channel: required marks, visible groups, and the service's refusals."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.cases import views
from tests.support.desk import Desk
from tests.ui.helpers import type_text
from ui.intake.full_form import FullIntakeForm
from ui.intake.intake_page import IntakePage

NARRATIVE = "来信反映住院期间护士态度生硬，夜间呼叫长时间无人应答。"


def required(form: FullIntakeForm, key: str) -> bool:
    return "*" in form.fields.labels[key].text()


def shown(form: FullIntakeForm, key: str) -> bool:
    return not form.fields.cells[key].isHidden()


def test_a_letter_needs_an_address_not_a_phone(qtbot: QtBot, desk: Desk, make_page) -> None:
    page: IntakePage = make_page(desk["clerk"])
    form = page.full_form
    form.channel.set_value("letter")
    assert required(form, "complainant_address") and required(form, "complainant_name")
    assert not required(form, "complainant_phone")
    type_text(form.complainant_name, "周美华")
    type_text(form.narrative, NARRATIVE)
    with qtbot.assertNotEmitted(page.registered):
        page.save_button.click()
    assert form.fields.cells["complainant_address"].hint.text() == "联系地址：不能为空"
    assert QApplication.focusWidget() is form.address

    type_text(form.address, "江宁区天元中路 88 号")
    with qtbot.waitSignal(page.registered) as signal:
        page.save_button.click()
    case = views.open_case(desk["officer"], signal.args[0])
    assert (case.channel_label, case.complainant_address) == ("来信", "江宁区天元中路 88 号")
    assert page.full_form.channel.value() == "letter"  # kept for the next letter


def test_a_transfer_needs_its_source_and_reference(qtbot: QtBot, desk: Desk, make_page) -> None:
    page: IntakePage = make_page(desk["clerk"])
    form = page.full_form
    assert not shown(form, "transfer_source") and not shown(form, "transfer_reference")
    form.channel.set_value("transfer")
    assert shown(form, "transfer_source") and shown(form, "transfer_reference")
    assert required(form, "transfer_source") and required(form, "transfer_reference")
    assert not required(form, "complainant_name") and not required(form, "complainant_phone")
    type_text(form.narrative, NARRATIVE)

    page.save_button.click()
    assert form.fields.cells["transfer_source"].hint.text() == "转办单位：不能为空"
    assert QApplication.focusWidget() is form.transfer_source
    form.transfer_source.setCurrentIndex(form.transfer_source.findData("hotline_12345"))
    page.save_button.click()
    assert form.fields.cells["transfer_reference"].hint.text() == "转办编号：不能为空"
    assert QApplication.focusWidget() is form.transfer_reference

    form.transfer_reference.setText("12345-2026-0310-001")
    with qtbot.waitSignal(page.registered) as signal:
        page.save_button.click()
    case = views.open_case(desk["officer"], signal.args[0])
    assert case.transfer_source_label == "12345 政务服务便民热线"
    assert case.transfer_reference == "12345-2026-0310-001"
    assert QApplication.focusWidget() is form.transfer_source  # where the next transfer starts


def test_internal_and_online_channels_show_their_fields(desk: Desk, make_page) -> None:
    form = make_page(desk["clerk"]).full_form
    assert not shown(form, "source_department") and not shown(form, "complainant_email")
    form.channel.set_value("internal")
    assert shown(form, "source_department") and required(form, "source_department")
    form.channel.set_value("online")
    assert not shown(form, "source_department")
    assert shown(form, "complainant_email") and shown(form, "complainant_online_account")
    assert form.contact_note.isVisibleTo(form)
    form.channel.set_value("email")
    assert required(form, "complainant_email") and not shown(form, "complainant_online_account")


def test_switching_channel_never_hides_what_was_typed(desk: Desk, make_page) -> None:
    form = make_page(desk["clerk"]).full_form
    form.channel.set_value("transfer")
    form.transfer_reference.setText("卫健委 2026-031")
    form.channel.set_value("visit")
    assert shown(form, "transfer_reference") and form.transfer_reference.text() == "卫健委 2026-031"
    assert not shown(form, "transfer_source")


def test_online_needs_one_way_to_reach_the_complainant(
    qtbot: QtBot, desk: Desk, make_page
) -> None:
    page: IntakePage = make_page(desk["clerk"])
    form = page.full_form
    form.channel.set_value("online")
    type_text(form.complainant_name, "网友“江宁小李”")
    type_text(form.narrative, NARRATIVE)
    page.save_button.click()
    assert (
        form.fields.cells["complainant_phone"].hint.text()
        == "联系方式：电话、邮箱、地址或网络账号至少填写一项"
    )
    type_text(form.online_account, "微博 @江宁小李")
    with qtbot.waitSignal(page.registered):
        page.save_button.click()
