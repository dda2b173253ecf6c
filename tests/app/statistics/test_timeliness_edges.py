"""On time or late across a holiday, a 调休 working Saturday and time on hold (the reply stage)."""

from __future__ import annotations

from datetime import date, datetime

from app.cases import acceptance, overlays, reply, routing
from app.cases.states import State
from app.statistics import indicators, periods
from models.cases import Assignment, Case
from tests.support.cases import draft
from tests.support.desk import Desk


def _reply_on(desk: Desk, case_id: int, when: datetime) -> None:
    """Walk an accepted case to 已答复 with the reply recorded at `when`."""
    officer = desk["officer"]
    routing.assign(officer, case_id, ["cardiology"], "请核实")
    for a in Assignment.select().where(Assignment.case == case_id):
        routing.respond(officer, a.id, "已核实。", "科主任")
    draft(officer, case_id)
    reply.submit_for_approval(officer, case_id)
    reply.approve(desk["manager"], case_id, "同意")
    desk.clock.set(when)
    reply.record_reply(officer, case_id, "phone")


def _reply_stage(period: periods.Period, today: date) -> tuple[int, int]:
    rate = next(r for r in indicators.compute(period, today, 12).stages if r.key == "timeliness_reply")
    return rate.on_time.count, rate.late.count


def test_spring_festival_and_its_working_saturday(desk: Desk) -> None:
    """Received Fri 13 Feb 2026: Sat 14 Feb is a 调休 working day, 15–23 Feb the holiday, so the
    fifth working day is Fri 27 Feb. A reply that day is on time; one on Mon 2 Mar is late."""
    desk.clock.set(datetime(2026, 2, 13, 9, 0))
    on_time = desk.register("clerk").case_id
    late = desk.register("clerk", complainant_phone="13800000002", complainant_id_number="").case_id
    for case_id in (on_time, late):
        acceptance.accept(desk["officer"], case_id)
    assert Case.get_by_id(on_time).reply_due == date(2026, 2, 27)
    _reply_on(desk, on_time, datetime(2026, 2, 27, 16, 0))
    desk.clock.set(datetime(2026, 2, 27, 16, 30))
    _reply_on(desk, late, datetime(2026, 3, 2, 10, 0))
    assert _reply_stage(periods.month(2026, 2), date(2026, 3, 5)) == (1, 1)


def test_qingming_holiday_is_not_counted(desk: Desk) -> None:
    """Received Thu 2 Apr 2026; 4–6 Apr is 清明: the working days are 3, 7, 8, 9, 10 Apr, due the 10th."""
    desk.clock.set(datetime(2026, 4, 2, 9, 0))
    case_id = desk.register("clerk").case_id
    acceptance.accept(desk["officer"], case_id)
    assert Case.get_by_id(case_id).reply_due == date(2026, 4, 10)
    # not answered: not late on the due day, late the next working day
    assert _reply_stage(periods.month(2026, 4), date(2026, 4, 10)) == (0, 0)
    assert _reply_stage(periods.month(2026, 4), date(2026, 4, 13)) == (0, 1)


def test_time_on_hold_is_excluded(desk: Desk) -> None:
    """Received Tue 10 Mar, on hold Wed 11 to Fri 13 Mar (2 working days): due moves from 17 to
    19 Mar, so a reply on the 19th is on time; while on hold an overdue case is not counted late."""
    desk.clock.set(datetime(2026, 3, 10, 9, 0))
    case_id = desk.register("clerk").case_id
    officer = desk["officer"]
    acceptance.accept(officer, case_id)
    desk.clock.set(datetime(2026, 3, 11, 9, 0))
    overlays.hold(officer, case_id, "待补充病历资料")
    assert _reply_stage(periods.month(2026, 3), date(2026, 3, 25)) == (0, 0)  # paused: not late
    desk.clock.set(datetime(2026, 3, 13, 9, 0))
    overlays.resume(officer, case_id, "资料已补齐")
    assert Case.get_by_id(case_id).reply_due == date(2026, 3, 19)
    _reply_on(desk, case_id, datetime(2026, 3, 19, 15, 0))
    assert Case.get_by_id(case_id).state == State.REPLIED
    assert _reply_stage(periods.month(2026, 3), date(2026, 3, 25)) == (1, 0)
