"""Every item model of the workspace passes qtmodeltester with real rows."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.cases import documents, follow_up, overlays
from tests.support.desk import Desk
from ui.workspace.widgets import TONE_TEXT


def test_every_workspace_model(qtmodeltester, desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("replied")
    follow_up.follow_up(
        desk["officer"],
        case_id,
        method="phone",
        satisfaction="dissatisfied",
        remarks="投诉人不接受处理结果",
        outcome="external",
        external_route="people_mediation",
    )
    overlays.add_attachment(desk["officer"], case_id, "病历.pdf", b"%PDF-1.4 stub", "门诊病历")
    documents.issue(desk["officer"], case_id, "followup")
    documents.issue(desk["officer"], case_id, "followup")
    ws = open_workspace(desk["officer"], case_id)
    models = {
        "assignments": ws.assignments.model,
        "followups": ws.followup.followups,
        "routes": ws.followup.routes,
        "attachments": ws.attachments.model,
        "printables": ws.documents.printables,
        "issued": ws.documents.issued_model,
    }
    for name, model in models.items():
        assert model.rowCount() > 0, name
        qtmodeltester.check(model)
    assert ws.followup.routes.index(0, 2).data() == "进行中"
    assert ws.followup.followups.index(0, 3).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert [d.reprint for d in ws.documents.issued_model.rows()] == [True, False]


def test_department_deadline_colour(desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("in_progress")
    desk.clock.advance(days=6)  # past the 3 working days a department has
    ws = open_workspace(desk["officer"], case_id)
    index = ws.assignments.model.index(0, 2)
    assert "已逾期" in index.data()
    assert index.data(Qt.ItemDataRole.ForegroundRole) == TONE_TEXT["red"]
    assert ws.header.deadline.property("tone") in ("green", "amber", "red")
