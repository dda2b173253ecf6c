"""A field hint that appears or goes away does not move anything on the intake form (no layout
jump): its line is kept for it; a message longer than the field shows whole in its tooltip."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.support.desk import Desk
from ui.intake.form_parts import FieldHint
from ui.intake.intake_page import IntakePage


def _y(widget: QWidget, page: IntakePage) -> int:
    return widget.mapTo(page, QPoint(0, 0)).y()


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _shot(page: IntakePage, name: str) -> None:
    if os.environ.get("COMPLAINTDESK_SHOT_DIR"):  # for looking at the form by eye
        page.grab().save(str(Path(os.environ["COMPLAINTDESK_SHOT_DIR"]) / name))


def test_hints_do_not_move_the_fields_at_1024x700(qtbot: QtBot, desk: Desk, make_page) -> None:
    page = make_page(desk["clerk"])
    page.resize(1024, 700)
    _settle()
    form = page.full_form
    below = [form.address, form.patient_name, form.record_no, form.visit_date, form.narrative]
    before = [_y(w, page) for w in below]
    height = form.height()
    _shot(page, "intake_hint_none.png")

    form.phone.setFocus()
    qtbot.keyClicks(form.phone, "1391234")
    form.address.setFocus()  # leaving the field checks it: the hint appears
    _settle()
    hint = form.fields.cells["complainant_phone"].hint
    assert hint.is_error() and hint.text() == "联系电话：手机号码应为 11 位（现有 7 位）"
    _shot(page, "intake_hint_phone.png")
    assert [_y(w, page) for w in below] == before and form.height() == height

    id_hint = form.fields.cells["complainant_id_number"].hint
    id_hint.show_error("身份证号码：校验位不正确，请核对号码；如为外籍人士证件，请在备注中写明证件类型和号码")
    _settle()
    assert [_y(w, page) for w in below] == before and form.height() == height
    assert id_hint.toolTip() == id_hint.text()  # too long for the line: whole in the tooltip
    _shot(page, "intake_hint_long.png")

    form.phone.setText("13912345678")
    id_hint.clear()
    _settle()
    assert not hint.isVisible() and not id_hint.isVisible()
    assert [_y(w, page) for w in below] == before and form.height() == height


def test_a_short_hint_shows_whole_without_a_tooltip(qtbot: QtBot) -> None:
    hint = FieldHint()
    qtbot.addWidget(hint)
    hint.resize(400, hint.sizeHint().height())
    hint.show_info("已选择：门诊部")
    assert hint.isVisibleTo(hint.parentWidget() or hint) or not hint.isHidden()
    assert hint.toolTip() == ""
