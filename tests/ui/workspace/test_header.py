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


def test_many_chips_wrap_within_a_narrow_window(desk: Desk, open_workspace, qtbot) -> None:
    """A major, restricted, re-routed case at 1024×700: the chips take a second line instead of
    pushing the header (and its buttons) past the window's edge."""
    case_id = desk.new_case("in_progress", severity="major")
    for target in ("outpatient", "pharmacy", "laboratory", "radiology"):
        current = next(a for a in open_case(desk["officer"], case_id).assignments if a.state == "sent")
        routing.return_assignment(desk["officer"], current.id, "不属于本科室职责", [target])
    overlays.restrict(desk["manager"], case_id, True, ["liuq"])
    ws = open_workspace(desk["manager"], case_id)
    header = ws.header
    shown = [chip for chip in header.chips if not chip.isHidden()]
    assert len(shown) >= 6  # state, deadline, 外报, 重大, 保密, 退改超过3次
    one_line = header.chips[0].parentWidget().layout().sizeHint().width()

    ws.resize(1024, 700)
    qtbot.waitUntil(lambda: ws.width() == 1024)
    assert ws.minimumSizeHint().width() <= 1024
    assert header.width() <= 1024
    for widget in [*shown, ws.reload_button]:
        right = widget.mapTo(header, widget.rect().topRight()).x()
        assert 0 < right <= header.width(), widget.text()
    rows = {chip.mapTo(header, chip.rect().topLeft()).y() for chip in shown}
    assert one_line > header.chips[0].parentWidget().width()  # one line would not fit…
    assert len(rows) >= 2  # …so the chips wrapped, none cut off
    assert header.facts.mapTo(header, header.facts.rect().topLeft()).y() >= max(rows) + shown[0].height()
