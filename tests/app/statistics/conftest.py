"""A small office whose March 2026 figures are known by hand (tests/app/statistics/test_indicators.py
lists them), built through the services with the test clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest

from app.cases import acceptance, follow_up, issues, overlays, reply, routing
from app.cases.issues import IssueInput
from app.cases.states import State
from app.session import Session
from models.cases import Assignment
from tests.support.cases import FakeClock
from tests.support.desk import Desk, open_desk

PEOPLE = {
    "clerk": ("zhaomin", "赵敏", ["clerk"]),
    "officer": ("linxw", "林晓雯", ["officer"]),
    "officer2": ("wangzq", "王志强", ["officer"]),
    "manager": ("chenlx", "陈立新", ["manager"]),
}
TODAY = datetime(2026, 3, 20, 17, 0)


@pytest.fixture
def desk(admin_session: Session, fake_clock: FakeClock) -> Desk:
    return open_desk(admin_session, fake_clock, new=PEOPLE)


@dataclass
class March:
    """The ids of the hand-computed cases (letters as in test_indicators.py)."""

    a: int
    b: int
    c: int
    d: int
    e: int
    f: int


def _at(desk: Desk, day: int, hour: int = 9) -> None:
    desk.clock.set(datetime(2026, 3, day, hour, 0))


def _assignments(case_id: int) -> list[Assignment]:
    return list(Assignment.select().where(Assignment.case == case_id).order_by(Assignment.id))


def build_march(desk: Desk) -> March:
    officer, manager = desk["officer"], desk["manager"]
    _at(desk, 10)
    # A: phone, 医疗质量, sent to two departments (its one issue follows the first), closed the same day
    a = desk.new_case(State.CLOSED, channel="phone", category="010101")
    # B: 12345 transfer, 护理质量, 不予受理
    b = desk.register(
        "clerk",
        channel="transfer",
        transfer_source="hotline_12345",
        transfer_reference="12345-0001",
        complainant_phone="",
        complainant_id_number="",
        category="020101",
    ).case_id
    acceptance.reject(officer, b, "out_of_scope")
    # C: visit, two issues (护理服务 / 护理部 and 诊断延误 / 心血管内科), accepted and left: its reply
    # (due 17 March) is overdue on the 20th
    c = desk.register(
        "clerk", complainant_phone="13800000003", complainant_id_number="", category="020201"
    ).case_id
    acceptance.accept(officer, c)
    issues.add_issue(officer, c, IssueInput("诊断延误", category="010101", department="cardiology"))
    # D: a duplicate merged into C (not counted)
    d = desk.register("clerk", complainant_phone="13800000004", complainant_id_number="").case_id
    overlays.merge(officer, d, c)
    # F: phone, resolved on the spot
    f = desk.register(
        "clerk", channel="phone", complainant_phone="13800000006", complainant_id_number="", category="020202"
    ).case_id
    acceptance.resolve_on_spot(officer, f, "当场向患者解释并致歉")
    # E: letter from A's complainant (a repeat), 重大, 医疗质量; late 签收 and 反馈, reply on its due day
    _at(desk, 12)
    e = desk.register(
        "clerk",
        channel="letter",
        complainant_address="南京市鼓楼区中山路1号",
        severity="major",
        category="010102",
    ).case_id
    _at(desk, 13)
    acceptance.accept(officer, e)
    routing.assign(officer, e, ["radiology"], "请核实")
    _at(desk, 17)
    routing.acknowledge(officer, _assignments(e)[0].id, "科室秘书")
    _at(desk, 19)
    routing.respond(officer, _assignments(e)[0].id, "已核实，情况属实。", "科主任")
    reply.save_draft(
        officer,
        e,
        facts="经核实情况属实。",
        finding="upheld",
        resolution="赔偿并致歉。",
        compensation=Decimal("5000"),
        base_revision=reply.current_revision(e),
    )
    reply.submit_for_approval(officer, e)
    reply.approve(manager, e, "同意")
    reply.record_reply(officer, e, "phone")
    _at(desk, 20)
    follow_up.follow_up(officer, e, method="phone", satisfaction="dissatisfied", outcome="reopen")
    desk.clock.set(TODAY)
    return March(a, b, c, d, e, f)


@pytest.fixture
def march(desk: Desk) -> March:
    return build_march(desk)
