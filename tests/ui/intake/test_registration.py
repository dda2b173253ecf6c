"""The full intake form: the clerk's visit complaint with a printed receipt, keyboard behaviour, inline
and service validation (nothing typed is lost), attachments, 清空."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.cases import documents, views
from tests.support.cases import ID_NUMBER, PHONE
from tests.support.desk import Desk
from tests.ui.helpers import type_text
from ui.intake import intake_page
from ui.intake.intake_page import IntakePage

NARRATIVE = "3 月 9 日上午在心内科门诊候诊两小时，医生问诊不到两分钟，询问检查结果时态度生硬。"


def fill_visit(page: IntakePage) -> None:
    """A visit complaint typed the way a clerk types it (Chinese through the input method)."""
    form = page.full_form
    form.channel.set_value("visit")
    type_text(form.complainant_name, "王秀英")
    form.relation.setCurrentIndex(form.relation.findData("child"))
    form.phone.setText(PHONE)
    form.id_number.setText(ID_NUMBER)
    type_text(form.patient_name, "李建平")
    form.record_no.setText("MZ20260309118")
    form.visit_department.set_code("cardiology")
    form.visit_date.set_value(date(2026, 3, 9))
    type_text(form.narrative, NARRATIVE)
    type_text(form.demands, "希望医生道歉并重新解释检查结果。")


@pytest.fixture
def fake_printer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The print dialog is answered at once: the chosen "printer" writes a PDF file."""
    out = tmp_path / "printed.pdf"

    def exec_(dialog: QPrintDialog) -> int:
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(out))
        return 1

    monkeypatch.setattr(QPrintDialog, "exec", exec_)
    return out


def test_clerk_registers_a_visit_complaint_and_prints_the_receipt(
    qtbot: QtBot, desk: Desk, make_page, fake_printer: Path
) -> None:
    clerk = desk["clerk"]
    page = make_page(clerk)
    assert not page.is_night_form()
    fill_visit(page)
    page.paper.set_value("A5")

    with qtbot.waitSignal(page.registered) as signal:
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    case_id = signal.args[0]

    issued = documents.issued_documents(clerk, case_id)
    assert [(d.kind, d.page_size, d.reprint) for d in issued] == [("receipt", "A5", False)]
    assert re.fullmatch(r"[0-9a-f]{64}", issued[0].sha256)
    assert fake_printer.read_bytes().startswith(b"%PDF")

    case = views.open_case(desk["officer"], case_id)
    assert (case.channel_label, case.complainant_name, case.patient_name) == ("来访", "王秀英", "李建平")
    assert (case.complainant_phone, case.complainant_id_number) == (PHONE, ID_NUMBER)
    assert case.content == NARRATIVE and case.visit_department == "心血管内科"
    assert case.visit_date == date(2026, 3, 9)

    banner = page.banner
    assert banner.isVisible()
    assert banner.case_no.text() == case.case_no and banner.query_code.text() == case.query_code
    assert "受理回执已打印（A5）" in banner.details.text()
    # the form is empty for the next complainant, the channel kept, the cursor on the first field
    form = page.full_form
    assert form.is_blank() and form.channel.value() == "visit"
    assert QApplication.focusWidget() is form.complainant_name
    # the paper choice is remembered at this workstation
    assert intake_page.preferences().value("receipt_page_size") == "A5"
    assert make_page(clerk).paper.value() == "A5"


def test_a_cancelled_print_dialog_issues_nothing(
    qtbot: QtBot, desk: Desk, make_page, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QPrintDialog, "exec", lambda _dialog: 0)
    page = make_page(desk["clerk"])
    fill_visit(page)
    with qtbot.waitSignal(page.registered) as signal:
        page.print_button.click()
    assert documents.issued_documents(desk["clerk"], signal.args[0]) == []
    assert "未打印回执" in page.banner.details.text()


def test_enter_in_a_field_moves_on_and_never_submits(
    qtbot: QtBot, desk: Desk, make_page
) -> None:
    page = make_page(desk["clerk"])
    form = page.full_form
    form.complainant_name.setFocus()
    with qtbot.assertNotEmitted(page.registered):
        type_text(form.complainant_name, "王秀英")
        qtbot.keyClick(form.complainant_name, Qt.Key.Key_Return)
        assert QApplication.focusWidget() is form.relation
        form.phone.setFocus()
        qtbot.keyClicks(form.phone, PHONE)
        qtbot.keyClick(form.phone, Qt.Key.Key_Enter)
        assert QApplication.focusWidget() is form.id_number
        qtbot.keyClick(form.id_number, Qt.Key.Key_Return)
        qtbot.wait(50)
    assert not page.banner.isVisible()
    assert form.complainant_name.text() == "王秀英" and form.phone.text() == PHONE


def test_ctrl_s_saves_from_anywhere_in_the_form(qtbot: QtBot, desk: Desk, make_page) -> None:
    page = make_page(desk["clerk"])
    fill_visit(page)
    page.full_form.narrative.setFocus()
    with qtbot.waitSignal(page.registered):
        qtbot.keyClick(page.full_form.narrative, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.banner.isVisible()


def test_tab_order_follows_the_form(qtbot: QtBot, desk: Desk, make_page) -> None:
    page = make_page(desk["clerk"])
    form = page.full_form
    expected = [
        form.received,
        form.complainant_name,
        form.relation,
        form.phone,
        form.id_number,
        form.address,
        form.patient_name,
        form.record_no,
        form.visit_department,
        form.visit_date.edit,
        form.category.edit,
        form.extra_issues.add_button,
        form.severity,
        form.narrative,
        form.demands,
        form.attachments.add_button,
    ]
    form.channel.setFocus()
    for widget in expected:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is widget or widget.isAncestorOf(focused), widget.accessibleName()


def test_a_bad_phone_is_told_in_chinese_and_keeps_every_text(
    qtbot: QtBot, desk: Desk, make_page
) -> None:
    page = make_page(desk["clerk"])
    fill_visit(page)
    form = page.full_form
    form.phone.setFocus()
    form.phone.clear()
    qtbot.keyClicks(form.phone, "1391234")
    hint = form.fields.cells["complainant_phone"].hint
    assert not hint.isVisible()  # still typing: no nagging
    form.address.setFocus()  # leaving the field checks it
    assert hint.is_error() and hint.text() == "联系电话：手机号码应为 11 位（现有 7 位）"

    with qtbot.assertNotEmitted(page.registered):
        page.save_button.click()
    assert QApplication.focusWidget() is form.phone
    assert page.status.isVisible() and "联系电话：手机号码应为 11 位（现有 7 位）" in page.status.text()
    assert form.phone.text() == "1391234"
    assert form.complainant_name.text() == "王秀英" and form.narrative.toPlainText() == NARRATIVE
    assert form.id_number.text() == ID_NUMBER and form.record_no.text() == "MZ20260309118"
    assert form.phone.selectedText() == "1391234"  # selected, ready to be typed over
    qtbot.keyClick(form.phone, Qt.Key.Key_End)
    qtbot.keyClicks(form.phone, "5678")  # corrected while typing: the message goes at once
    assert not hint.is_error() and not page.status.isVisible()  # below the field and in the bar
    with qtbot.waitSignal(page.registered):
        page.save_button.click()


def test_an_id_number_with_a_wrong_check_digit_is_hinted(
    qtbot: QtBot, desk: Desk, make_page
) -> None:
    page = make_page(desk["clerk"])
    form = page.full_form
    form.id_number.setFocus()
    qtbot.keyClicks(form.id_number, "110105194912310021")
    hint = form.fields.cells["complainant_id_number"].hint
    assert hint.is_error() and hint.text() == "身份证号码：校验位不正确，请核对号码"
    form.id_number.backspace()
    qtbot.keyClicks(form.id_number, "X")
    assert not hint.is_error()


def test_refusals_of_the_service_point_at_their_field(
    qtbot: QtBot, desk: Desk, make_page
) -> None:
    page = make_page(desk["clerk"])
    fill_visit(page)
    form = page.full_form
    form.visit_date.set_value(date(2026, 3, 11))  # tomorrow
    with qtbot.assertNotEmitted(page.registered):
        page.save_button.click()
    assert form.fields.cells["visit_date"].hint.text() == "就诊日期：不能晚于今天"
    assert QApplication.focusWidget() is form.visit_date.edit

    form.visit_date.edit.setText("3月9号")
    page.save_button.click()
    assert "格式应为 年-月-日" in form.fields.cells["visit_date"].hint.text()

    form.visit_date.edit.setText("2026年3月9日")
    type_text(form.category.edit, "态度")
    form.category.hide_popup()
    page.save_button.click()
    assert form.fields.cells["category"].hint.text() == "投诉类别：请从列表中选择到最末一级类别"
    assert form.narrative.toPlainText() == NARRATIVE


def test_required_fields_left_empty_are_named(qtbot: QtBot, desk: Desk, make_page) -> None:
    page = make_page(desk["clerk"])
    form = page.full_form
    type_text(form.complainant_name, "王秀英")
    page.save_button.click()
    assert form.fields.cells["complainant_phone"].hint.text() == "联系电话：不能为空"
    assert QApplication.focusWidget() is form.phone


def test_attachments_are_listed_removed_and_stored_after_registration(
    qtbot: QtBot, desk: Desk, make_page, tmp_path: Path
) -> None:
    scan = tmp_path / "投诉信扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8" + b"x" * 3000)
    empty = tmp_path / "空文件.m4a"
    empty.write_bytes(b"")
    page = make_page(desk["clerk"])
    panel = page.full_form.attachments
    panel.add_files([scan, photo, empty, scan])
    assert [(a.filename, a.kind) for a in panel.attachments()] == [
        ("投诉信扫描件.pdf", "扫描件"),
        ("现场照片.jpg", "照片"),
    ]
    assert panel.error.isVisible() and "空文件.m4a：文件为空" in panel.error.text()
    assert panel.model.data(panel.model.index(1, 2)) == "3 KB"

    panel.view.setFocus()
    panel.view.selectRow(0)
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert [a.filename for a in panel.attachments()] == ["现场照片.jpg"]

    fill_visit(page)
    with qtbot.waitSignal(page.registered) as signal:
        page.save_button.click()
    case = views.open_case(desk["officer"], signal.args[0])
    assert [(a.filename, a.size) for a in case.attachments] == [("现场照片.jpg", 3002)]
    assert "已保存 1 个附件" in page.banner.details.text()
    assert panel.attachments() == []


def test_a_file_over_the_size_limit_is_refused(desk: Desk, make_page, tmp_path: Path) -> None:
    page = make_page(desk["clerk"])
    panel = page.full_form.attachments
    big = tmp_path / "录音.wav"
    big.write_bytes(b"\0" * (panel.max_mb * 1024 * 1024 + 1))
    panel.add_files([big])
    assert panel.attachments() == []
    assert f"超过上限 {panel.max_mb} MB" in panel.error.text()


def test_clear_asks_first_and_keeps_the_channel(
    desk: Desk, make_page, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([False, True])
    monkeypatch.setattr(intake_page, "confirm", lambda *_args: next(answers))
    page = make_page(desk["clerk"])
    page.full_form.channel.set_value("letter")
    type_text(page.full_form.complainant_name, "王秀英")
    page.clear_button.click()
    assert page.full_form.complainant_name.text() == "王秀英"
    page.clear_button.click()
    assert page.full_form.is_blank() and page.full_form.channel.value() == "letter"


def test_the_channel_row_is_one_tab_stop_moved_with_the_arrow_keys(
    qtbot: QtBot, desk: Desk, make_page
) -> None:
    page = make_page(desk["clerk"])
    channel = page.full_form.channel
    channel.setFocus()
    qtbot.keyClick(channel, Qt.Key.Key_Right)
    assert channel.value() == "phone"
    qtbot.keyClick(channel, Qt.Key.Key_End)
    assert channel.value() == "other"
    qtbot.keyClick(channel, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.full_form.received


def test_departments_are_found_by_pinyin_initials_and_unknown_names_refused(
    qtbot: QtBot, desk: Desk, make_page
) -> None:
    page = make_page(desk["clerk"])
    form = page.full_form
    completer = form.visit_department.completer()
    completer.setCompletionPrefix("xxgn")
    assert completer.completionCount() == 1 and completer.currentCompletion() == "心血管内科"
    fill_visit(page)
    form.visit_department.setEditText("睡眠科")  # no such department (心内 is an alias)
    with qtbot.assertNotEmitted(page.registered):
        page.save_button.click()
    assert form.fields.cells["visit_department"].hint.text() == "就诊科室：请从列表中选择科室"
    form.visit_department.setEditText("心血管内科")
    with qtbot.waitSignal(page.registered):
        page.save_button.click()


def test_a_name_the_documents_cannot_print_is_warned_about(qtbot: QtBot, desk: Desk, make_page) -> None:
    page = make_page(desk["clerk"])
    form = page.full_form
    type_text(form.complainant_name, "王秀英😀")
    form.phone.setFocus()  # leaving the field checks it
    hint = form.fields.cells["complainant_name"].hint
    assert hint.isVisible() and not hint.is_error()
    assert hint.text() == "“😀”无法打印，文书中将显示为 □；请改用文字或拼音"
    form.complainant_name.setFocus()
    form.complainant_name.setText("王秀英")
    form.phone.setFocus()
    assert not hint.isVisible()


def test_ctrl_shift_p_saves_and_previews_the_receipt(qtbot: QtBot, desk: Desk, make_page) -> None:
    """Ctrl+P prints at once; Ctrl+Shift+P shows the receipt first, as in the workspace."""
    from tests.ui.helpers import when_modal
    from ui.workspace.print_preview import PrintPreviewDialog

    page = make_page(desk["clerk"])
    fill_visit(page)
    shown: list[str] = []

    def look(dialog) -> None:
        assert isinstance(dialog, PrintPreviewDialog)
        shown.append(dialog.windowTitle())
        dialog.reject()

    when_modal(look)
    with qtbot.waitSignal(page.registered) as signal:
        both = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        qtbot.keyClick(page.full_form.narrative, Qt.Key.Key_P, both)
    case_no = views.open_case(desk["clerk"], signal.args[0]).case_no
    assert shown == [f"打印预览 — {case_no} 投诉受理回执"]
    # a preview closed without printing issues nothing (as in the workspace)
    assert documents.issued_documents(desk["clerk"], signal.args[0]) == []
    assert "受理回执未出具，可在案件的文书中打印" in page.banner.details.text()


def test_the_form_is_never_cut_at_the_right(qtbot: QtBot, desk: Desk, make_page) -> None:
    """In a 1024 px window the page is ~856 px wide: 投诉内容 goes below the rest, nothing scrolls sideways."""
    from PySide6.QtWidgets import QBoxLayout

    page = make_page(desk["clerk"])
    form = page.full_form
    for width, direction in ((1112, QBoxLayout.Direction.LeftToRight), (856, QBoxLayout.Direction.TopToBottom)):
        page.resize(width, 640)
        qtbot.waitUntil(lambda d=direction: form.columns.direction() == d)
        QApplication.processEvents()
        assert page.full_scroll.horizontalScrollBar().maximum() == 0, width
