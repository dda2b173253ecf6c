"""总值班交班: 交班 on every waiting case and a stored 交班单 (read back with pypdf) in one transaction;
the office opens it (audited) and confirms 接班."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from pypdf import PdfReader

from app import handover
from app.cases import queues
from app.errors import PermissionDenied, ValidationError
from app.session import Session
from models.administration import Handover, HandoverCase
from models.audit import AuditEntry
from models.cases import Case, CaseEvent
from tests.support.cases import FakeClock
from tests.support.desk import Desk, open_desk

NIGHT = datetime(2026, 3, 16, 22, 40)  # a Monday night


@pytest.fixture
def desk(admin_session: Session, fake_clock: FakeClock) -> Desk:
    fake_clock.set(NIGHT)
    roles = {"night_duty": "刘静", "officer": "王小明", "clerk": "赵敏", "manager": "张伟"}
    return open_desk(admin_session, fake_clock, new={r: (r, name, [r]) for r, name in roles.items()})


def _night(desk: Desk) -> dict[str, int]:
    ids = {}
    for severity, content in (
        ("minor", "夜间挂号窗口无人，等待四十分钟。"),
        ("major", "患者家属反映急诊抢救不及时，患者病情加重。"),
        ("serious", "住院部夜班护士态度生硬，拒绝家属探视。"),
    ):
        desk.clock.advance(minutes=25)
        ids[severity] = desk.register("night_duty", severity=severity, content=content).case_id
    return ids


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_hand_over_records_each_case_and_stores_the_sheet(desk: Desk) -> None:
    ids = _night(desk)
    shift = handover.shift_cases(desk["night_duty"])
    assert [c.severity for c in shift] == ["major", "serious", "minor"], "most urgent first"
    desk.clock.set(datetime(2026, 3, 17, 7, 50))
    info, pdf = handover.hand_over(desk["night_duty"], "急诊那件已电话报告张院长。")
    assert (info.case_count, info.major, info.handed_by) == (3, 1, "刘静")
    assert info.number == f"JB-20260317-{info.id:04d}"

    text = _text(pdf)
    numbers = [Case.get_by_id(ids[s]).case_no for s in ("major", "serious", "minor")]
    positions = [text.index(n) for n in numbers]
    assert positions == sorted(positions), "the 交班单 lists the major case first"
    for expected in ("总值班交班单", info.number, "刘静", "重大", "共 3 件", "急诊那件已电话报告张院长", "接班人签名"):
        assert expected in text

    stored = Handover.get_by_id(info.id)
    assert bytes(stored.data) == pdf and stored.sha256 == info.sha256
    assert {r.case_id for r in HandoverCase.select()} == set(ids.values())
    for case_id in ids.values():
        last = CaseEvent.select().where(CaseEvent.case == case_id).order_by(CaseEvent.seq.desc()).first()
        assert (last.action, last.summary) == ("handover", "交班") and info.number in last.note
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.seq.desc()).limit(4)]
    assert actions == ["handover.made", "case.handover", "case.handover", "case.handover"]

    # the shift is empty now: nothing more to hand over, the summary card says 0
    assert handover.shift_cases(desk["night_duty"]) == []
    assert queues.handover(desk["night_duty"]).total == 0
    with pytest.raises(ValidationError, match="本班没有待交班的投诉"):
        handover.hand_over(desk["night_duty"])


def test_the_office_opens_the_sheet_and_takes_over(desk: Desk) -> None:
    _night(desk)
    info, pdf = handover.hand_over(desk["night_duty"])
    officer = desk["officer"]
    assert [p.id for p in handover.pending(officer)] == [info.id]
    assert handover.handover_pdf(officer, info.id) == pdf
    assert AuditEntry.select().order_by(AuditEntry.seq.desc()).first().action == "handover.opened"
    assert handover.handover_pdf(desk["night_duty"], info.id) == pdf, "its author may print it again"

    taken = handover.take_over(officer, info.id)
    assert taken.taken_over_by == "王小明" and taken.taken_over_at is not None
    assert handover.pending(desk["manager"]) == []
    with pytest.raises(ValidationError, match="已由 王小明 于"):
        handover.take_over(desk["manager"], info.id)


def test_who_may_hand_over_and_take_over(desk: Desk) -> None:
    _night(desk)
    for role in ("clerk", "officer", "admin"):
        with pytest.raises(PermissionDenied):
            handover.hand_over(desk[role])
    info, _pdf = handover.hand_over(desk["night_duty"])
    for role in ("clerk", "admin"):
        with pytest.raises(PermissionDenied):
            handover.handover_pdf(desk[role], info.id)
    with pytest.raises(PermissionDenied):
        handover.take_over(desk["night_duty"], info.id)
    assert Handover.get_by_id(info.id).taken_over_at is None
