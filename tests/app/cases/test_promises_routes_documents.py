"""A record that keeps its word: promised reply dates and their changes (3), external routes that
gate 销项 (5), and documents that say what happened (8)."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from app import settings
from app.cases import documents, follow_up, overlays, promises, reply, routing, sign_off
from app.cases.states import State
from app.cases.views import available_actions
from app.errors import TransitionError, ValidationError
from models.case_record import ReplyPromise
from models.cases import Case, ExternalRoute, IssuedDocument
from tests.app.cases.conftest import audit_ok, summaries, timeline
from tests.support.desk import Desk


def _text(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


# -- 3. promises ----------------------------------------------------------------------------------


def test_reply_date_changes_are_recorded_and_the_receipt_keeps_its_promise(desk: Desk) -> None:
    officer, manager = desk["officer"], desk["manager"]
    case_id = desk.new_case(State.ACCEPTED)
    receipt, pdf = documents.issue(desk["clerk"], case_id, "receipt")
    assert "2026年3月17日前" in _text(pdf)  # 5 working days from Tuesday 10 March

    routing.assign(officer, case_id, ["cardiology", "nursing"])  # two departments: 10 working days
    assert summaries(case_id)[-1] == "答复期限调整为 2026-03-24：转办科室变化，答复期限相应调整"
    ext = overlays.request_extension(officer, case_id, 3, "需等待医学会专家意见")
    overlays.decide_extension(manager, ext, True)
    assert Case.get_by_id(case_id).reply_due == date(2026, 3, 27)

    rows = list(ReplyPromise.select().where(ReplyPromise.case == case_id).order_by(ReplyPromise.id))
    assert [(r.previous, r.due, r.reason) for r in rows] == [
        (None, date(2026, 3, 17), "accepted"),
        (date(2026, 3, 17), date(2026, 3, 24), "departments"),
        (date(2026, 3, 24), date(2026, 3, 27), "extension"),
    ]
    assert rows[2].note == "需等待医学会专家意见"
    listed = promises.promises(officer, case_id)
    assert [p.reason for p in listed][-1] == "经批准延期"

    # A 补打 of the receipt reproduces the stored original: still 17 March, with the 补打 mark.
    again, reprinted = documents.issue(desk["clerk"], case_id, "receipt")
    assert again.reprint and again.number == receipt.number
    text = _text(reprinted)
    assert "2026年3月17日前" in text and "2026年3月27日" not in text and "补打" in text

    # The 延期告知书 tells the complainant the new date and why, from the date on the receipt.
    notice, notice_pdf = documents.issue(officer, case_id, "notice")
    text = _text(notice_pdf)
    assert "投诉办理延期告知书" in text and "原定于2026年3月17日前" in text and "2026年3月27日前" in text
    assert "转办科室变化，答复期限相应调整；经批准延期" in text and "需等待医学会专家意见" in text
    assert "2026年3月24日" not in text  # a date never told to the complainant is not mentioned
    # The next change is told from the notice's date.
    ext = overlays.request_extension(officer, case_id, 2, "等待鉴定意见")
    overlays.decide_extension(manager, ext, True)
    text = _text(documents.preview(officer, case_id, "notice"))
    assert "原定于2026年3月27日前" in text and "2026年3月31日前" in text and "等待鉴定意见" in text
    assert not notice.reprint and notice.number == f"{Case.get_by_id(case_id).case_no}-02"
    audit_ok()


def test_no_notice_without_a_change_and_no_receipt_for_a_rejected_case(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.new_case(State.ACCEPTED)
    with pytest.raises(TransitionError, match="答复期限没有调整过"):
        documents.issue(officer, case_id, "notice")
    rejected = desk.new_case(State.REJECTED)
    with pytest.raises(TransitionError, match="不能打印投诉受理回执"):
        documents.issue(officer, rejected, "receipt")
    with pytest.raises(TransitionError, match="不能打印投诉受理回执"):
        documents.preview(officer, rejected, "receipt")
    assert documents.issue(officer, rejected, "rejection")[0].kind == "rejection"


def test_night_duty_receipt_says_when_the_office_accepts(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 3, 13, 22, 30))  # Friday night
    case_id = desk.register("night_duty", channel="phone").case_id
    _info, pdf = documents.issue(desk["night_duty"], case_id, "receipt")
    text = _text(pdf)
    assert "正式受理" in text and "2026年3月16日08:00上班后" in text  # Monday morning
    assert "登记时间" in text


def test_reopened_case_gets_a_fresh_configurable_period(desk: Desk) -> None:
    officer = desk["officer"]
    settings.update(desk["admin"], {"reopen_reply_workdays": 7})
    case_id = desk.new_case(State.REPLIED, departments=1)
    desk.clock.set(datetime(2026, 4, 20, 9, 0))  # long after the first reply date
    follow_up.follow_up(officer, case_id, method="phone", satisfaction="dissatisfied", outcome="reopen")
    case = Case.get_by_id(case_id)
    assert case.state == State.IN_PROGRESS and case.reply_due == date(2026, 4, 29)  # 7 working days
    assert (
        summaries(case_id)[-1]
        == "答复期限调整为 2026-04-29：投诉人对处理结果不满意，重新处理并重新计算答复期限"
    )
    view = available_actions(officer, case_id)  # the case is open again and not overdue
    assert view["draft"]
    from app.cases.views import open_case

    assert open_case(officer, case_id).deadline.colour == "green"


# -- 5. external routes ---------------------------------------------------------------------------


def test_ongoing_external_route_needs_the_managers_reason_to_sign_off(desk: Desk) -> None:
    officer, manager = desk["officer"], desk["manager"]
    case_id = desk.new_case(State.REPLIED, departments=1)
    follow_up.follow_up(
        officer,
        case_id,
        method="phone",
        satisfaction="dissatisfied",
        outcome="external",
        external_route="people_mediation",
    )
    with pytest.raises(ValidationError, match="人民调解仍在进行中，销项须写明理由"):
        sign_off.sign_off(manager, case_id)
    assert Case.get_by_id(case_id).state == State.AWAITING_SIGN_OFF
    sign_off.sign_off(manager, case_id, reason="院内处理已完结，调解结果另行记录")
    assert summaries(case_id)[-1] == "销项（已办结）"
    case = Case.get_by_id(case_id)
    assert case.state == State.CLOSED and case.close_reason == "院内处理已完结，调解结果另行记录"
    assert timeline(case_id)[-1].note == "人民调解进行中销项，理由：院内处理已完结，调解结果另行记录"

    # The route's outcome is added after closure, as a new event.
    route = ExternalRoute.get(ExternalRoute.case == case_id)
    follow_up.update_external_route(officer, route.id, "concluded", "调解达成协议，医院补偿 3000 元")
    assert summaries(case_id)[-1] == "人民调解：已结束"
    # The 回访记录 shows the route and its status.
    _info, pdf = documents.issue(officer, case_id, "followup")
    text = _text(pdf)
    assert "外部途径" in text and "人民调解：已结束" in text and "调解达成协议" in text
    audit_ok()


def test_sign_off_without_routes_needs_no_reason(desk: Desk) -> None:
    case_id = desk.new_case(State.AWAITING_SIGN_OFF)
    sign_off.sign_off(desk["manager"], case_id)
    assert Case.get_by_id(case_id).state == State.CLOSED


# -- 8. documents say what happened ---------------------------------------------------------------


def test_preview_issues_nothing(desk: Desk) -> None:
    case_id = desk.new_case(State.APPROVED)
    before = summaries(case_id)
    pdf = documents.preview(desk["officer"], case_id, "result")
    assert "预览稿（未出具）" in _text(pdf) and "文书号" not in _text(pdf)
    assert IssuedDocument.select().count() == 0 and summaries(case_id) == before


def test_letter_delivery_needs_the_issued_letter(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.new_case(State.APPROVED)
    with pytest.raises(TransitionError, match="处理结果告知书尚未出具"):
        reply.record_reply(officer, case_id, "in_person", letter_delivered=True)
    with pytest.raises(TransitionError, match="处理结果告知书尚未出具"):
        reply.record_reply(officer, case_id, "letter")
    documents.preview(officer, case_id, "result")  # a preview is not an issue
    with pytest.raises(TransitionError, match="处理结果告知书尚未出具"):
        reply.record_reply(officer, case_id, "letter")
    documents.issue(officer, case_id, "result")
    reply.record_reply(officer, case_id, "in_person", letter_delivered=True)
    assert Case.get_by_id(case_id).state == State.REPLIED
    assert summaries(case_id)[-1] == "已当面答复投诉人，待回访"


def test_a_reply_without_the_letter_is_still_possible(desk: Desk) -> None:
    case_id = desk.new_case(State.APPROVED)
    reply.record_reply(desk["officer"], case_id, "phone")
    assert Case.get_by_id(case_id).state == State.REPLIED


def test_refund_and_compensation_on_the_letter(desk: Desk) -> None:
    officer, manager = desk["officer"], desk["manager"]
    case_id = desk.new_case(State.DRAFTING)
    reply.save_draft(
        officer,
        case_id,
        facts="经核实，停用药品仍计费。",
        finding="upheld",
        resolution="退还多收药费并致歉。",
        refund="86.50",
        compensation="",
        base_revision=reply.current_revision(case_id),
    )
    reply.submit_for_approval(officer, case_id)
    reply.approve(manager, case_id)
    text = _text(documents.issue(officer, case_id, "result")[1])
    assert "退费金额：人民币86.50元" in text and "赔偿" not in text and "补偿" not in text
    assert Case.get_by_id(case_id).refund_amount == Decimal("86.50")


def test_a_new_approval_is_a_new_original_of_the_letter(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.new_case(State.APPROVED)
    first, _ = documents.issue(officer, case_id, "result")
    again, _ = documents.issue(officer, case_id, "result")
    assert again.reprint and again.number == first.number
    reply.record_reply(officer, case_id, "letter")
    follow_up.follow_up(officer, case_id, method="phone", satisfaction="dissatisfied", outcome="reopen")
    reply.save_draft(
        officer,
        case_id,
        facts="再次核实：叫号系统故障属实，已更换设备。",
        finding="upheld",
        resolution="再次致歉并说明整改情况。",
        base_revision=reply.current_revision(case_id),
    )
    reply.submit_for_approval(officer, case_id)
    reply.approve(desk["manager"], case_id)
    second, _ = documents.issue(officer, case_id, "result")
    assert not second.reprint and second.number != first.number
