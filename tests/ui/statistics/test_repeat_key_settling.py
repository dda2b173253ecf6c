"""After a holder of the identifier key signs in, the cases the front desk registered get their exact
repeat keys on a worker thread, with no dialog (app/statistics/person_keys.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app import auth
from app.statistics import person_keys
from models.statistics import CaseStat, StatPersonKey
from tests.support.cases import FakeClock, register
from tests.support.sealed import login, sealed_office
from ui.statistics.rebuild import start_repeat_key_settling

PEOPLE = (("manager1", "李主任", "manager"), ("officer1", "王专员", "officer"), ("clerk1", "赵文员", "clerk"))


def _first_letters(case_id: int) -> set[str]:
    return {k[0] for (k,) in StatPersonKey.select(StatPersonKey.key).where(StatPersonKey.case == case_id).tuples()}


def test_a_holders_sign_in_settles_the_front_desks_keys_quietly(
    qtbot: QtBot, tmp_path: Path, fake_clock: FakeClock
) -> None:
    db_path = sealed_office(tmp_path / "office.db", PEOPLE)
    clerk = login(db_path, "clerk1")
    first = register(clerk, complainant_id_number="", patient_record_no="")
    fake_clock.advance(days=1)
    again = register(clerk, complainant_id_number="", patient_record_no="")
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    assert start_repeat_key_settling(window, clerk) is None  # the front desk cannot make them
    auth.logout(clerk)
    officer = login(db_path, "officer1")
    assert _first_letters(first) == _first_letters(again) == {person_keys.PENDING}
    running = start_repeat_key_settling(window, officer)
    assert running is not None and not running.dialog.isVisible()  # quiet: no progress dialog
    outcome = running.wait(30_000)
    assert outcome is not None and outcome.ok and outcome.value == 2
    assert _first_letters(first) == _first_letters(again) == {person_keys.EXACT}
    assert CaseStat.get(CaseStat.case == again).is_repeat and not CaseStat.get(CaseStat.case == first).is_repeat
    assert start_repeat_key_settling(window, officer) is None  # nothing left
    auth.logout(officer)
