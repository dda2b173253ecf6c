"""更正登记信息: a night-duty case without a category corrected the next morning; before → after on the
timeline, masked per reader; who may correct in which state; a closed case corrected as a new entry."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.cases import acceptance, corrections, issues, search, views
from app.cases.states import State
from app.errors import PermissionDenied, ValidationError
from models.cases import Case, CaseCorrection, Category, Complainant
from tests.support.cases import PHONE
from tests.support.desk import Desk

from .conftest import audit_count, case_data, last_audit, timeline

NIGHT = datetime(2026, 3, 10, 23, 40)  # Tuesday night
MORNING = datetime(2026, 3, 11, 8, 30)
NEW_PHONE = "13800001111"


def _night_case(desk: Desk) -> int:
    desk.clock.set(NIGHT)
    registered = desk.register("night_duty", channel="phone", complainant_phone=PHONE, category="")
    assert registered.night_intake
    return registered.case_id


def test_a_night_duty_case_gets_its_category_the_next_morning(desk: Desk) -> None:
    case_id = _night_case(desk)
    desk.clock.set(MORNING)
    changed = corrections.correct(desk["officer"], case_id, {"category": "020202"}, "夜间登记时未分类，核对后补充")
    assert changed == ["category"]
    entry = last_audit()
    assert (entry.action, entry.target) == ("case.correct", Case.get_by_id(case_id).case_no)
    assert "category" in entry.detail and PHONE not in entry.detail
    case = Case.get_by_id(case_id)
    assert case.category_id == Category.get(Category.code == "020202").id
    (issue,) = issues.issues_of(case_id)
    assert (issue.category_code, issue.department_code) == ("020202", "nursing")  # its default department

    event = timeline(case_id)[-1]
    assert event.summary == "更正登记信息：投诉类别" and event.action == "correct"
    view = views.open_case(desk["officer"], case_id)
    note = view.timeline[0].note
    path = Category.get(Category.code == "020202").path
    assert note.splitlines()[0] == f"投诉类别：— → {path}"
    assert "更正原因：夜间登记时未分类，核对后补充" in note
    assert "投诉事项1的责任科室随类别改为 护理部" in note
    assert corrections.TAMPERED not in note


def test_a_correction_needs_a_reason_and_a_change_and_valid_values(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.register("clerk").case_id
    before = case_data()
    with pytest.raises(ValidationError, match="更正原因"):
        corrections.correct(officer, case_id, {"patient_name": "李建华"}, "")
    with pytest.raises(ValidationError, match="没有需要更正的内容"):
        corrections.correct(officer, case_id, {"patient_name": "李建国"}, "核对")
    with pytest.raises(ValidationError) as err:
        corrections.correct(officer, case_id, {"complainant_phone": "1391234"}, "电话记错")
    assert err.value.field == "complainant_phone"
    with pytest.raises(ValidationError, match="不能晚于登记时间"):
        corrections.correct(officer, case_id, {"received_at": datetime(2026, 3, 10, 12, 0)}, "时间记错")
    with pytest.raises(ValidationError, match="不能为空"):
        corrections.correct(officer, case_id, {"content": "  "}, "清空")
    with pytest.raises(ValidationError, match="联系地址：不能为空"):  # a letter is answered by post
        corrections.correct(officer, case_id, {"channel": "letter"}, "来信登记成来访")
    assert case_data() == before


def test_several_fields_at_once_with_search_and_deadlines_following(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.register("clerk", channel="visit").case_id
    assert Case.get_by_id(case_id).accept_due.isoformat() == "2026-03-10"
    corrections.correct(
        officer,
        case_id,
        {
            "complainant_name": "张桂芝",
            "channel": "letter",
            "complainant_address": "江宁区天元中路 8 号",
            "received_at": datetime(2026, 3, 9, 16, 0),
        },
        "来信登记成来访，姓名写错",
    )
    case = Case.get_by_id(case_id)
    assert case.channel == "letter" and Complainant.get_by_id(case.complainant_id).name == "张桂芝"
    assert case.accept_due.isoformat() == "2026-03-10"  # a letter: by the next working day after 3-9
    assert search.search(officer, "张桂芝") == [case_id]
    note = views.open_case(officer, case_id).timeline[0].note
    assert "投诉渠道：来访 → 来信" in note and "接待时间：2026-03-10 09:00 → 2026-03-09 16:00" in note
    assert timeline(case_id)[-1].summary == "更正登记信息：投诉渠道、接待时间、投诉人姓名、联系地址"


def test_who_may_correct_in_which_state(desk: Desk) -> None:
    clerk_case = desk.register("clerk").case_id
    other_clerk = desk.register("clerk2").case_id
    corrections.correct(desk["clerk"], clerk_case, {"patient_name": "李建华"}, "患者姓名听错")  # own, same day
    with pytest.raises(PermissionDenied, match="只能更正本人登记的案件"):
        corrections.correct(desk["clerk"], other_clerk, {"patient_name": "王五"}, "改")
    desk.clock.advance(days=1)
    before, audits = case_data(), audit_count()
    with pytest.raises(PermissionDenied, match="只能当天更正本人登记的案件"):
        corrections.correct(desk["clerk"], clerk_case, {"patient_name": "李四"}, "改")
    assert case_data() == before and audit_count() == audits + 1  # the refusal is audited
    acceptance.accept(desk["officer"], other_clerk)
    desk.clock.set(datetime(2026, 3, 11, 10, 0))
    with pytest.raises(PermissionDenied, match="案件已受理"):
        corrections.correct(desk["clerk2"], other_clerk, {"patient_name": "王五"}, "改")
    corrections.correct(desk["officer"], other_clerk, {"patient_name": "王五"}, "核对身份证")  # open: officer
    for role in ("admin",):
        with pytest.raises(PermissionDenied):
            corrections.correct(desk[role], other_clerk, {"patient_name": "赵六"}, "改")


def test_night_duty_corrects_their_own_intake_until_the_office_accepts_it(desk: Desk) -> None:
    case_id = _night_case(desk)
    desk.clock.set(datetime(2026, 3, 11, 0, 20))  # after midnight, same shift
    corrections.correct(desk["night_duty"], case_id, {"demands": "要求护士长当面解释"}, "补记诉求")
    desk.clock.set(MORNING)
    acceptance.accept(desk["officer"], case_id)
    with pytest.raises(PermissionDenied):
        corrections.correct(desk["night_duty"], case_id, {"demands": "再改"}, "改")


def test_a_closed_case_is_corrected_only_by_a_manager_as_a_new_entry(desk: Desk) -> None:
    case_id = desk.new_case(State.CLOSED)
    registration = timeline(case_id)[0]
    with pytest.raises(PermissionDenied, match="案件已结束，只有主任/分管院领导可以更正"):
        corrections.correct(desk["officer"], case_id, {"patient_record_no": "ZY1"}, "改")
    corrections.correct(desk["manager"], case_id, {"patient_record_no": "zy2026000123"}, "住院号录错")
    assert Case.get_by_id(case_id).patient_record_no == "ZY2026000123"
    assert timeline(case_id)[-1].summary == "更正登记信息：门诊号/住院号（案件已结束，作为新记录补充）"
    first = timeline(case_id)[0]
    assert (first.summary, first.note, first.at) == (registration.summary, registration.note, registration.at)
    assert Case.get_by_id(case_id).state == State.CLOSED


def test_identifiers_in_a_correction_are_masked_for_readers_who_may_not_see_them(desk: Desk) -> None:
    case_id = desk.register("clerk", complainant_phone=PHONE).case_id
    corrections.correct(desk["clerk"], case_id, {"complainant_phone": NEW_PHONE}, "电话号码记错一位")
    today = views.open_case(desk["clerk"], case_id).timeline[0].note
    assert f"联系电话：{PHONE} → {NEW_PHONE}" in today  # the clerk's own registration, today
    desk.clock.advance(days=1)
    later = views.open_case(desk["clerk"], case_id).timeline[0].note
    assert "联系电话：139****5678 → 138****1111" in later
    assert PHONE not in later and NEW_PHONE not in later
    office = views.open_case(desk["officer"], case_id).timeline[0].note
    assert f"联系电话：{PHONE} → {NEW_PHONE}" in office
    # the form starts from the stored registration; masked identifiers are not offered
    assert corrections.registration(desk["clerk"], case_id).identifiers_masked
    assert corrections.registration(desk["clerk"], case_id).values["complainant_phone"] == ""
    assert corrections.registration(desk["officer"], case_id).values["complainant_phone"] == NEW_PHONE


def test_an_altered_correction_detail_is_flagged(desk: Desk) -> None:
    case_id = desk.register("clerk").case_id
    corrections.correct(desk["officer"], case_id, {"patient_name": "李建华"}, "姓名写错")
    CaseCorrection.update(before="王五").where(CaseCorrection.case == case_id).execute()
    note = views.open_case(desk["officer"], case_id).timeline[0].note
    assert corrections.TAMPERED in note
