"""The header's clocks and flags: provisional deadlines, re-route flag, restriction lock."""

from __future__ import annotations

from datetime import datetime

from app.cases import overlays, routing
from app.cases.views import open_case
from tests.support.desk import Desk


def test_deadline_in_a_year_without_calendar_data_is_provisional(desk: Desk, open_workspace) -> None:
    desk.clock.at = datetime(2026, 12, 28, 10, 0)  # the reply falls due in 2027: no holiday data yet
    case_id = desk.new_case("accepted")
    ws = open_workspace(desk["officer"], case_id)
    assert ws.header.deadline.text().endswith("（暂定）")
    assert "暂定" in ws.header.deadline.toolTip()


def test_rerouted_more_than_three_times_is_flagged(desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("in_progress")
    for target in ("outpatient", "pharmacy", "laboratory", "radiology"):
        current = next(a for a in open_case(desk["officer"], case_id).assignments if a.state == "sent")
        routing.return_assignment(desk["officer"], current.id, "不属于本科室职责", [target])
    ws = open_workspace(desk["officer"], case_id)
    assert not ws.header.flagged.isHidden()
    assert ws.header.flagged.text() == "退改超过3次"
    assert ws.info.outcome.values["退回改派次数"].text() == "4 次"


def test_restricted_case_shows_the_lock_to_those_who_may_see_it(desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("accepted")
    overlays.restrict(desk["manager"], case_id, True, ["liuq"])
    ws = open_workspace(desk["manager"], case_id)
    assert not ws.header.restricted.isHidden()
    assert "保密" in ws.header.restricted.text()
