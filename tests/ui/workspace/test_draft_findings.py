"""投诉事项认定 in the 处理意见 form: a finding and a note per issue, the case finding derived as the
officer chooses, 改定案件结论 refused without a reason (nothing typed lost), then saved with the draft."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.cases import issues
from app.cases.issues import IssueInput
from app.cases.states import State
from tests.support.desk import Desk
from tests.ui.helpers import type_text
from tests.ui.workspace.support import dismiss, on_modal

BELL = IssueInput(summary="夜间呼叫铃无人应答", category="020202")
DRUG = IssueInput(summary="已停用药品仍被计费", category="040101")
REASON = "计费问题系护理执行停药医嘱延误所致，整体成立"


def test_each_issue_is_found_in_the_draft_form_and_the_case_finding_follows(
    qtbot: QtBot, desk: Desk, open_workspace
) -> None:
    case_id = desk.new_case(State.DRAFTING, issues=[BELL, DRUG])
    ws = open_workspace(desk["officer"], case_id)
    ws.action_bar.control("draft").click()
    form = ws.handling
    box = form.findings
    bell, drug = box.combos()
    assert bell.currentText() == "待认定" and box.case_label.text() == "案件结论：待各事项认定后得出"
    assert not box.override_combo.isEnabled() and not box.override_reason.isEnabled()

    type_text(form.facts_edit, "调取呼叫系统记录与收费明细核实。")
    type_text(form.resolution_edit, "向投诉人致歉，退还多收的一天药费。")
    bell.setCurrentIndex(bell.findData("upheld"))
    assert box.case_label.text() == "案件结论：待各事项认定后得出"
    drug.setCurrentIndex(drug.findData("not_upheld"))
    assert box.case_label.text() == "案件结论（由各事项得出）：部分成立"
    first_note, second_note = box.notes()
    type_text(first_note, "呼叫 23:52，00:29 方有护士应答。")
    type_text(second_note, "停药后未再计费，所计为另一药品。")
    assert form.is_dirty() and form.draft().finding == "partly_upheld"
    if os.environ.get("COMPLAINTDESK_SHOT_DIR"):  # for looking at the form by eye
        form.grab().save(str(Path(os.environ["COMPLAINTDESK_SHOT_DIR"]) / "draft_findings.png"))

    box.override_check.setChecked(True)
    box.override_combo.setCurrentIndex(box.override_combo.findData("upheld"))
    assert box.case_label.text() == "案件结论：成立（已改定；各事项得出：部分成立）"
    seen: list[str] = []
    on_modal(QMessageBox, dismiss(seen))
    form.save_button.click()  # no reason: refused, nothing written, nothing typed lost
    qtbot.waitUntil(lambda: bool(seen))
    assert "改定理由" in seen[0]
    assert [i.finding for i in issues.issues_of(case_id)] == ["", ""]
    assert first_note.toPlainText() == "呼叫 23:52，00:29 方有护士应答。" and form.is_dirty()

    type_text(box.override_reason, REASON)
    form.save_button.click()
    saved = issues.issues_of(case_id)
    assert [(i.finding, i.finding_note) for i in saved] == [
        ("upheld", "呼叫 23:52，00:29 方有护士应答。"),
        ("not_upheld", "停药后未再计费，所计为另一药品。"),
    ]
    finding = issues.case_finding(case_id)
    assert (finding.finding, finding.derived, finding.override_reason) == ("upheld", "partly_upheld", REASON)
    assert not form.is_dirty()
    assert box.override_check.isChecked() and box.override_reason.text() == REASON
    assert ws.view.finding == "upheld"

    # withdrawn in the form: the derived finding applies again
    box.override_check.setChecked(False)
    assert box.case_label.text() == "案件结论（由各事项得出）：部分成立"
    form.save_button.click()
    assert issues.case_finding(case_id).finding == "partly_upheld" and not form.is_dirty()
