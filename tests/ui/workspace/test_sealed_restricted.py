"""A restricted case sealed whole (local mode) reads as before in the workspace of a named officer:
the names, the 投诉事项 and the whole timeline opened, the hash chain intact (no warning)."""

from __future__ import annotations

from pathlib import Path

from app import auth
from tests.support.cases import FakeClock
from tests.support.sealed import (
    COMPLAINANT,
    ISSUE,
    NOTE_AFTER,
    NOTE_BEFORE,
    PATIENT,
    RESPONSE,
    login,
    sealed_office,
    whole_restricted_case,
)

PEOPLE = (
    ("manager1", "李主任", "manager"),
    ("officer1", "王专员", "officer"),
    ("clerk1", "赵文员", "clerk"),
)


def test_a_named_officer_reads_the_sealed_case_whole(tmp_path: Path, fake_clock: FakeClock, open_workspace) -> None:
    office = sealed_office(tmp_path / "sealed" / "complaints.db", PEOPLE)
    case_id = whole_restricted_case(office)
    officer = login(office, "officer1")
    assert officer.identifier_key  # from their own slot
    ws = open_workspace(officer, case_id)
    assert ws.info.complainant.values["姓名"].text() == COMPLAINANT
    assert ws.info.patient.values["患者姓名"].text() == PATIENT
    timeline = ws.timeline.browser.toPlainText()
    for text in (NOTE_BEFORE, NOTE_AFTER, RESPONSE, "护理部 已反馈", "设为保密案件"):
        assert text in timeline, text
    assert ws.timeline.warning.isHidden()
    ws.tabs.setCurrentIndex(next(i for i in range(ws.tabs.count()) if ws.tabs.tabText(i) == "投诉事项"))
    model = ws.issues.model
    assert ISSUE in [model.index(0, c).data() for c in range(model.columnCount())]
    stored_summary = officer.db.execute_sql("SELECT summary FROM case_issue WHERE case_id = ?", (case_id,))
    assert stored_summary.fetchone()[0].startswith("r1:")  # sealed below, whole above
    ws.close()
    auth.logout(officer)
