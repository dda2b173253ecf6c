"""On time or late across a holiday, a 调休 working Saturday and time on hold (the reply stage)."""

from __future__ import annotations

from datetime import date, datetime

from app.cases import acceptance, documents, overlays, reply, routing
from app.cases.states import State
from app.statistics import indicators, periods, service
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


def _respond_stage(period: periods.Period, today: date) -> tuple[int, int]:
    rate = next(r for r in indicators.compute(period, today, 12).stages if r.key == "timeliness_respond")
    return rate.on_time.count, rate.late.count


def _transfer(desk: Desk, case_id: int) -> Assignment:
    routing.assign(desk["officer"], case_id, ["cardiology"], "请核实")
    return Assignment.get(Assignment.case == case_id)


def test_department_feedback_clock_excludes_time_on_hold(desk: Desk) -> None:
    """转办 Tue 10 Mar: 反馈 due Fri 13 Mar (3 working days). On hold Wed 11 → Mon 16 Mar pauses
    3 working days (12, 13, 16), so the department's clock runs to Wed 18 Mar: a 反馈 that day is on
    time. The same 反馈 date without a hold is late; while on hold an overdue transfer is not late."""
    officer = desk["officer"]
    desk.clock.set(datetime(2026, 3, 10, 9, 0))
    held = desk.register("clerk").case_id
    plain = desk.register("clerk", complainant_phone="13800000002", complainant_id_number="").case_id
    for case_id in (held, plain):
        acceptance.accept(officer, case_id)
    held_transfer, plain_transfer = _transfer(desk, held), _transfer(desk, plain)
    assert held_transfer.due == date(2026, 3, 13)
    desk.clock.set(datetime(2026, 3, 11, 10, 0))
    overlays.hold(officer, held, "待科室补充病历")
    march = periods.month(2026, 3)
    assert _respond_stage(march, date(2026, 3, 16)) == (0, 1)  # only the transfer not on hold
    desk.clock.set(datetime(2026, 3, 16, 9, 0))
    overlays.resume(officer, held, "病历已补")
    desk.clock.set(datetime(2026, 3, 18, 15, 0))
    for transfer in (held_transfer, plain_transfer):
        routing.respond(officer, transfer.id, "已核实。", "科主任")
    assert _respond_stage(march, date(2026, 3, 25)) == (1, 1)
    late = indicators.compute(march, date(2026, 3, 25), 12).stages
    assert next(r for r in late if r.key == "timeliness_acknowledge").late.count == 2  # 签收 never recorded


def test_feedback_across_the_spring_festival_with_a_hold(desk: Desk) -> None:
    """转办 Fri 13 Feb 2026: Sat 14 Feb is a 调休 working day, 15–23 Feb the holiday, so the third
    working day is Wed 25 Feb. On hold Tue 24 → Thu 26 Feb (25, 26: 2 working days): due Fri 27 Feb."""
    officer = desk["officer"]
    desk.clock.set(datetime(2026, 2, 13, 9, 0))
    case_id = desk.register("clerk").case_id
    acceptance.accept(officer, case_id)
    transfer = _transfer(desk, case_id)
    assert transfer.due == date(2026, 2, 25)
    desk.clock.set(datetime(2026, 2, 24, 9, 0))
    overlays.hold(officer, case_id, "待补充材料")
    desk.clock.set(datetime(2026, 2, 26, 9, 0))
    overlays.resume(officer, case_id, "材料已补")
    desk.clock.set(datetime(2026, 2, 27, 16, 0))
    routing.respond(officer, transfer.id, "已核实。", "科主任")
    assert _respond_stage(periods.month(2026, 2), date(2026, 3, 5)) == (1, 0)


def test_receipt_timeliness_counts_from_the_first_receipt_issued(desk: Desk) -> None:
    """Letters received Fri 13 Feb 2026 are due for 受理 the next working day, the 调休 Saturday
    14 Feb. One gets its 受理回执 that Saturday (on time, although 受理 itself waits until after the
    holiday); the other is accepted on Tue 24 Feb with no receipt (late)."""
    officer = desk["officer"]
    desk.clock.set(datetime(2026, 2, 13, 10, 0))
    with_receipt = desk.register(
        "clerk", channel="letter", complainant_address="南京市鼓楼区中山路1号"
    ).case_id
    without = desk.register(
        "clerk", channel="letter", complainant_address="南京市鼓楼区中山路2号",
        complainant_phone="13800000002", complainant_id_number="",
    ).case_id  # fmt: skip
    assert Case.get_by_id(with_receipt).accept_due == date(2026, 2, 14)
    desk.clock.set(datetime(2026, 2, 14, 9, 30))
    documents.issue(officer, with_receipt, "receipt")
    documents.issue(officer, with_receipt, "receipt")  # a 补打 changes nothing
    desk.clock.set(datetime(2026, 2, 24, 9, 0))
    for case_id in (with_receipt, without):
        acceptance.accept(officer, case_id)
    rate = next(
        r
        for r in indicators.compute(periods.month(2026, 2), date(2026, 3, 5), 12).stages
        if r.key == "timeliness_accept"
    )
    assert (rate.on_time.count, rate.late.count) == (1, 1)
    on_time = service.drill_ids(periods.month(2026, 2), rate.on_time.measure, date(2026, 3, 5))
    assert on_time == [with_receipt]
