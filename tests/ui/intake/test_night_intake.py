"""总值班: after hours the page opens on the short form; a case logged at 23:40 on a Friday is a
night intake, accepted by the next working day (Monday), and the office takes it over then."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.cases import acceptance, views
from app.session import Session
from tests.support.desk import Desk
from tests.support.sessions import session_as
from tests.ui.helpers import type_text
from ui.intake.intake_page import IntakePage

FRIDAY_NIGHT = datetime(2026, 3, 13, 23, 40)
MONDAY_MORNING = datetime(2026, 3, 16, 8, 30)


def test_night_duty_logs_a_case_at_2340_through_the_short_form(
    qtbot: QtBot, desk: Desk, make_page
) -> None:
    desk.clock.set(FRIDAY_NIGHT)
    page: IntakePage = make_page(desk["night_duty"])
    assert page.is_night_form()
    form = page.night_form
    assert "预计受理日期 <b>2026-03-16（星期一）</b>" in form.notice.text()
    assert page.header.title.text() == "总值班夜间登记"
    assert list(form.channel.buttons) == ["phone", "visit"] and form.channel.value() == "phone"
    assert QApplication.focusWidget() is form.complainant_name

    type_text(form.complainant_name, "陈丽")
    qtbot.keyClick(form.complainant_name, Qt.Key.Key_Return)  # Enter moves on, it never submits
    assert QApplication.focusWidget() is form.phone
    qtbot.keyClicks(form.phone, "15850123456")
    type_text(form.patient_name, "陈建华")
    form.location.set_code("emergency")
    form.severity.set_value("major")
    assert "即时上报院领导" in form.fields.cells["severity"].hint.text()
    type_text(form.narrative, "父亲在急诊留观室输液时从床上跌落，头部着地，家属称床栏未拉起。")

    with qtbot.waitSignal(page.registered) as signal:
        page.save_button.click()
    result = page.banner.result()
    assert result is not None and result.night_intake and result.accept_due == date(2026, 3, 16)
    assert "2026-03-16（星期一）" in page.banner.details.text()
    assert "办公室将于下一个工作日上午接手" in page.banner.details.text()
    assert form.is_blank()

    case = views.open_case(desk["night_duty"], signal.args[0])
    assert case.night_intake and case.severity == "major" and case.escalated_at == FRIDAY_NIGHT
    assert (case.visit_department, case.patient_name, case.channel_label) == ("急诊科", "陈建华", "来电")

    # the office takes it over on Monday morning; night duty no longer sees it then
    desk.clock.set(MONDAY_MORNING)
    acceptance.accept(desk["officer"], case.id)
    assert views.open_case(desk["officer"], case.id).state == "accepted"


def test_the_short_form_refuses_a_missing_phone_at_the_field(
    qtbot: QtBot, desk: Desk, make_page
) -> None:
    desk.clock.set(FRIDAY_NIGHT)
    page: IntakePage = make_page(desk["night_duty"])
    form = page.night_form
    type_text(form.complainant_name, "陈丽")
    type_text(form.narrative, "急诊候诊时间过长。")
    with qtbot.assertNotEmitted(page.registered):
        page.save_button.click()
    assert form.fields.cells["complainant_phone"].hint.text() == "联系电话：不能为空"
    assert QApplication.focusWidget() is form.phone


def test_an_officer_with_night_duty_switches_forms_after_hours(
    admin_session: Session, desk: Desk, make_page
) -> None:
    both = session_as(admin_session, "hezy", "officer", "night_duty")
    page: IntakePage = make_page(both)
    assert not page.is_night_form()  # office hours: the full form
    desk.clock.set(FRIDAY_NIGHT)
    page.refresh_mode()
    assert page.is_night_form()
    page.night_form.full_form_button.click()
    assert not page.is_night_form() and page.short_form_button.isVisible()
    page.refresh_mode()
    assert not page.is_night_form()  # the user's choice stands
    page.short_form_button.click()
    assert page.is_night_form()


def test_the_night_form_records_when_the_call_came_and_names_its_own_fields(
    qtbot: QtBot, desk: Desk, make_page
) -> None:
    """The case is received at 23:40 (the call), not at 23:58 (when the form is saved); a wrong
    地点/科室 is refused under that name, and the refusal goes once the field is corrected."""
    from PySide6.QtCore import QDateTime

    desk.clock.set(FRIDAY_NIGHT)
    page: IntakePage = make_page(desk["night_duty"])
    form = page.night_form
    cell = form.fields.cells["received_at"]
    assert not cell.isHidden() and form.received_time.value() is None  # follows the clock
    qtbot.keyClicks(form.phone, "15850123456")  # the call is being taken: 23:40 it is
    desk.clock.set(datetime(2026, 3, 13, 23, 58))
    form.received_time.show_now()  # the clock ticks on; the field no longer follows it
    assert form.received_time.value() == FRIDAY_NIGHT
    type_text(form.complainant_name, "陈丽")
    type_text(form.narrative, "急诊候诊两小时无人处理。")
    form.location.setEditText("不存在的病区")

    with qtbot.assertNotEmitted(page.registered):
        page.save_button.click()
    hint = form.fields.cells["visit_department"].hint
    assert hint.is_error() and hint.text() == "地点/科室：请从列表中选择科室"
    assert page.status.isVisible() and "地点/科室：请从列表中选择科室" in page.status.text()
    type_text(form.location.lineEdit(), "急诊")  # corrected: the refusal goes, here and below
    assert not hint.isVisible() and not page.status.isVisible()

    with qtbot.waitSignal(page.registered) as signal:
        page.save_button.click()
    case = views.open_case(desk["night_duty"], signal.args[0])
    assert case.received_at == FRIDAY_NIGHT and case.visit_department == "急诊科"
    assert form.received_time.value() is None  # the next call starts from the clock again
    form.received_time.edit.setDateTime(QDateTime(datetime(2026, 3, 13, 23, 10)))  # or is set by hand
    assert form.received_time.value() == datetime(2026, 3, 13, 23, 10)
