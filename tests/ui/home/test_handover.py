"""交班 from the night-duty home (dialog, note, 交班单 stored) and 接班 on the office's home."""

from __future__ import annotations

from datetime import datetime

import pytest
from pytestqt.qtbot import QtBot

from app import handover
from tests.ui.cases.support import Office
from tests.ui.helpers import type_text
from tests.ui.home.test_role_homes import _home
from ui.home.handover_card import HandoverDialog
from ui.home.takeover_banner import handover_text


def _night(office: Office) -> None:
    office.clock.set(datetime(2026, 3, 10, 22, 10))
    office.register(by=office.night, channel="phone", severity="major", content="急诊留观患者跌倒。")
    office.clock.set(datetime(2026, 3, 10, 23, 40))
    office.register(by=office.night, channel="phone", content="病房夜间噪音大，无法入睡。")


def test_night_duty_hands_over_with_a_note(qtbot: QtBot, office: Office) -> None:
    _night(office)
    home = _home(qtbot, office.night)
    card = home.handover
    assert card.hand_over_button.isEnabled()
    dialog = HandoverDialog(office.night, card.summary, home)
    qtbot.addWidget(dialog)
    type_text(dialog.note_edit, "跌倒的患者已报告总值班院领导。")
    office.clock.set(datetime(2026, 3, 11, 7, 45))
    dialog.submit()
    assert dialog.info is not None and dialog.info.case_count == 2
    assert dialog.result_pdf is not None and dialog.result_pdf.startswith(b"%PDF")
    home.refresh()  # what the main window does on the change the dialog announced
    assert home.handover.numbers["total"].text() == "0"
    assert not card.hand_over_button.isEnabled()
    assert home.night_shift.count.text() == "0 件"


def test_office_home_shows_the_handover_until_taken_over(
    qtbot: QtBot, office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    _night(office)
    office.clock.set(datetime(2026, 3, 11, 7, 45))
    info, _pdf = handover.hand_over(office.night)
    home = _home(qtbot, office.officer)
    banner = home.takeover
    assert banner is not None and banner.isVisible()
    assert [i.id for i in banner.pending] == [info.id]
    assert handover_text(info) == "总值班 孙立军 于 3月11日 07:45 交班：夜间登记 2 件待受理，其中重大 1 件。"
    banner.take_over(info)
    assert not banner.isVisible() and banner.pending == []
    clerk_home = _home(qtbot, office.clerk)
    assert clerk_home.takeover is None, "the front desk does not take over"
