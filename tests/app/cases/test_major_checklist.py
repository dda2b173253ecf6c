"""重大 cases (6): the checklist of 《医疗纠纷预防和处理条例》 with who/when, the Art. 28 report clock,
automatic 保密 (a setting, on by default), and 上报 that happens once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app import settings
from app.cases import acceptance, corrections, documents, major, overlays, views
from app.cases.states import State
from app.errors import PermissionDenied, TransitionError, ValidationError
from models.cases import Case
from tests.app.cases.conftest import audit_ok, last_audit, summaries, timeline
from tests.support.desk import Desk


def test_a_major_complaint_is_restricted_once_the_office_accepts_it(desk: Desk) -> None:
    case_id = desk.register("clerk", severity="major").case_id
    case = Case.get_by_id(case_id)
    assert case.escalated_at == desk.clock.at and not case.restricted
    documents.issue(desk["clerk"], case_id, "receipt")  # the front desk prints its 受理回执
    acceptance.accept(desk["officer"], case_id)
    assert Case.get_by_id(case_id).restricted
    assert summaries(case_id)[-2:] == ["受理投诉，答复期限 2026-03-17", major.AUTO_RESTRICT_SUMMARY]
    assert views.open_case(desk["officer"], case_id).named_officers == ("林晓雯",)  # the accepting officer
    for role in ("officer2", "clerk"):
        with pytest.raises(PermissionDenied, match="受限案件"):
            views.open_case(desk[role], case_id)
    assert views.open_case(desk["manager"], case_id).restricted
    audit_ok()


def test_the_setting_turns_automatic_restriction_off(desk: Desk) -> None:
    settings.update(desk["admin"], {"major_auto_restrict": False})
    case_id = desk.register("clerk", severity="major").case_id
    acceptance.accept(desk["officer"], case_id)
    assert not Case.get_by_id(case_id).restricted
    assert views.open_case(desk["officer2"], case_id).severity == "major"


def test_escalation_restricts_and_the_action_is_gone_once_escalated(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.new_case(State.ACCEPTED)
    assert views.available_actions(officer, case_id)["escalate"]
    overlays.escalate(officer, case_id, "涉及可能的医疗过失")
    case = Case.get_by_id(case_id)
    assert case.severity == "major" and case.restricted
    assert summaries(case_id)[-2:] == ["按重大投诉上报院领导", major.AUTO_RESTRICT_SUMMARY]
    decision = views.available_actions(officer, case_id)["escalate"]
    assert not decision and decision.reason == "该案件已按重大投诉上报"
    with pytest.raises(TransitionError, match="该案件已上报"):
        overlays.escalate(officer, case_id, "再次上报")


def test_checklist_ticks_with_who_and_when_and_the_report_clock(desk: Desk) -> None:
    settings.update(desk["admin"], {"major_report_hours": 6})
    officer, manager = desk["officer"], desk["manager"]
    case_id = desk.new_case(State.ACCEPTED, by="officer")
    escalated = desk.clock.at
    overlays.escalate(officer, case_id, "患者术后死亡，家属聚集")
    assert major.checklist(officer, desk.new_case(State.ACCEPTED)) is None  # not a major case

    listed = major.checklist(officer, case_id)
    assert listed is not None and listed.open_count == len(major.ITEMS)
    assert listed.report_due == escalated + timedelta(hours=6)
    assert listed.report_status is not None and listed.report_status.colour == "green"
    desk.clock.set(escalated + timedelta(hours=7))
    assert major.checklist(officer, case_id).report_status.overdue

    major.tick(manager, case_id, "leadership", note="已电话报告分管副院长")
    major.tick(officer, case_id, "authority_report", note="已书面报告区卫健委医政科")
    major.tick(officer, case_id, "autopsy_told", note="已告知家属尸检应在死亡后 48 小时内进行")
    major.tick(officer, case_id, "settlement", status="not_applicable")
    with pytest.raises(ValidationError, match="每方代表人数不超过 5 人"):
        major.tick(officer, case_id, "representatives", value="6")
    with pytest.raises(ValidationError, match="每方代表人数不超过 5 人"):
        major.tick(officer, case_id, "representatives", value="")
    major.tick(officer, case_id, "representatives", value="4")
    with pytest.raises(ValidationError, match="不能标为不适用"):
        major.tick(officer, case_id, "leadership", status="not_applicable")
    with pytest.raises(ValidationError, match="说明：不能为空"):
        major.tick(officer, case_id, "settlement")
    major.tick(officer, case_id, "settlement", note="2026-03-12 签署和解协议书，编号 HJ-2026-003")

    listed = major.checklist(officer, case_id)
    states = {s.item.key: s for s in listed.items}
    assert (states["leadership"].by, states["leadership"].at) == ("陈立新", escalated + timedelta(hours=7))
    assert states["representatives"].value == "4"
    assert states["settlement"].status == "done" and "HJ-2026-003" in states["settlement"].note
    assert listed.report_status is None  # reported: the clock stops
    assert listed.open_count == 3  # routes, sealing and copying not yet told
    assert summaries(case_id)[-2] == "重大投诉事项：协商时每方代表不超过 5 人（投诉方代表人数 4 人）"
    audit_ok()


def test_only_the_office_ticks_and_only_on_major_cases(desk: Desk) -> None:
    case_id = desk.new_case(State.ACCEPTED)
    with pytest.raises(TransitionError, match="只有重大投诉有此清单"):
        major.tick(desk["officer"], case_id, "leadership")
    overlays.escalate(desk["manager"], case_id, "上报")
    with pytest.raises(PermissionDenied):
        major.tick(desk["clerk"], case_id, "leadership")
    with pytest.raises(ValidationError, match="未知的清单事项"):
        major.tick(desk["manager"], case_id, "nothing")


def test_a_severity_corrected_to_major_restricts_the_case_as_at_acceptance(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.new_case(State.ACCEPTED)
    assert not Case.get_by_id(case_id).restricted
    corrections.correct(officer, case_id, {"severity": "major"}, "核实后涉及患者重度损害")
    assert json.loads(last_audit().detail)["restricted"] is True
    case = Case.get_by_id(case_id)
    assert case.severity == "major" and case.restricted
    assert summaries(case_id)[-2:] == ["更正登记信息：严重程度", major.AUTO_RESTRICT_SUMMARY]
    note = views.open_case(officer, case_id).timeline[1].note
    assert "严重程度：一般 → 重大" in note and "严重程度已改为重大，请按重大投诉上报院领导" in note
    assert views.open_case(officer, case_id).named_officers == ("林晓雯",)
    with pytest.raises(PermissionDenied, match="受限案件"):
        views.open_case(desk["officer2"], case_id)
    assert views.available_actions(officer, case_id)["escalate"]  # 上报 is still to be done
    audit_ok()


def test_a_major_correction_before_acceptance_restricts_at_acceptance(desk: Desk) -> None:
    case_id = desk.register("clerk").case_id
    corrections.correct(desk["clerk"], case_id, {"severity": "major"}, "登记时选错")
    assert not Case.get_by_id(case_id).restricted  # the front desk can still print the receipt
    assert "受理时将按系统设置自动设为保密案件" in timeline(case_id)[-1].note
    documents.issue(desk["clerk"], case_id, "receipt")
    acceptance.accept(desk["officer"], case_id)
    assert Case.get_by_id(case_id).restricted
    assert summaries(case_id)[-1] == major.AUTO_RESTRICT_SUMMARY


def test_a_major_correction_with_automatic_restriction_off_restricts_nothing(desk: Desk) -> None:
    settings.update(desk["admin"], {"major_auto_restrict": False})
    case_id = desk.new_case(State.ACCEPTED)
    corrections.correct(desk["officer"], case_id, {"severity": "major"}, "核实后涉及患者重度损害")
    assert not Case.get_by_id(case_id).restricted
    assert summaries(case_id)[-1] == "更正登记信息：严重程度"
    assert views.open_case(desk["officer2"], case_id).severity == "major"
