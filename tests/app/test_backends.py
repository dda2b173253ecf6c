"""The service layer, run unchanged against both backends: a local SQLCipher file and PostgreSQL.

One parametrized suite: the whole lifecycle with its timeline and audit chain, refusals, search and
duplicate detection, optimistic-lock conflicts, documents and the board read models.
"""

from __future__ import annotations

import pytest

from app import audit
from app.cases import (
    acceptance,
    board,
    documents,
    follow_up,
    intake,
    overlays,
    reply,
    routing,
    search,
    sign_off,
)
from app.cases.views import open_case
from app.errors import ConflictError, PermissionDenied, TransitionError
from models.cases import CaseEvent
from tests.support.sessions import session_as


@pytest.fixture(params=["local", "postgresql"])
def team(request):
    """Sessions per role on a fresh database of the given backend."""
    if request.param == "local":
        admin = request.getfixturevalue("admin_session")
    else:
        admin = request.getfixturevalue("shared_admin")[0]
    people = {role: session_as(admin, role, role) for role in ("clerk", "officer", "manager", "night_duty")}
    people["officer2"] = session_as(admin, "officer2", "officer")
    people["backend"] = request.param
    return people


def _register(session, phone="13912345678", content="候诊三小时无人解释，护士态度生硬。"):
    return intake.register(
        session,
        intake.IntakeForm(
            channel="visit",
            content=content,
            complainant_name="王秀英",
            complainant_phone=phone,
            patient_name="李建华",
            patient_record_no="MZ20260311",
        ),
    )


def test_whole_lifecycle(team) -> None:
    clerk, officer, manager = team["clerk"], team["officer"], team["manager"]
    reg = _register(clerk)
    acceptance.accept(officer, reg.case_id)
    routing.assign(officer, reg.case_id, ["outpatient", "nursing"], "请核实候诊秩序")
    for a in open_case(officer, reg.case_id).assignments:
        routing.acknowledge(officer, a.id, "科室秘书")
        routing.respond(officer, a.id, "经核实情况属实，已对当事护士批评教育。", "科主任")
    reply.save_draft(
        officer,
        reg.case_id,
        facts="经调查属实",
        finding="upheld",
        resolution="当面致歉",
        compensation="200",
        rectification="加强候诊秩序管理",
        base_revision=0,
    )
    reply.submit_for_approval(officer, reg.case_id)
    reply.return_draft(manager, reg.case_id, "补充整改时限")
    reply.save_draft(
        officer,
        reg.case_id,
        facts="经调查属实",
        finding="upheld",
        resolution="当面致歉",
        compensation="200",
        rectification="一周内完成候诊秩序整改",
        base_revision=1,
    )
    reply.submit_for_approval(officer, reg.case_id)
    reply.approve(manager, reg.case_id, "同意")
    reply.record_reply(officer, reg.case_id, "phone")
    follow_up.follow_up(officer, reg.case_id, method="phone", satisfaction="satisfied")
    sign_off.sign_off(manager, reg.case_id)
    view = open_case(manager, reg.case_id)
    assert view.state == "closed" and view.finding_label == "成立"
    seqs = [e.seq for e in CaseEvent.select().where(CaseEvent.case == reg.case_id).order_by(CaseEvent.seq)]
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 16
    with pytest.raises(TransitionError, match="已销项"):
        reply.approve(manager, reg.case_id)
    assert audit.verify().ok


def test_refusals_write_nothing(team) -> None:
    reg = _register(team["clerk"])
    before = open_case(team["manager"], reg.case_id).version
    with pytest.raises(PermissionDenied, match="只有"):
        acceptance.accept(team["clerk"], reg.case_id)
    with pytest.raises(PermissionDenied):
        reply.approve(team["officer"], reg.case_id)
    assert open_case(team["manager"], reg.case_id).version == before


def test_search_duplicates_and_visibility(team) -> None:
    first = _register(team["clerk"])
    second = _register(team["clerk"], content="收费窗口多收检查费用，要求退费。")
    found = intake.find_duplicates(team["officer"], phone="139-1234-5678")
    assert {c.case_id for c in found} == {first.case_id, second.case_id}
    assert search.search(team["officer"], "多收检查费") == [second.case_id]
    assert set(search.search(team["officer"], "MZ20260311")) == {first.case_id, second.case_id}
    acceptance.accept(team["manager"], second.case_id)
    overlays.restrict(team["manager"], second.case_id, True, ["officer2"])
    assert search.search(team["officer"], "多收检查费") == []
    assert search.search(team["officer2"], "多收检查费") == [second.case_id]
    cards = board.case_list(team["officer"])  # both backends: the workload shows, as 受限案件
    assert [(c.redacted, c.complainant, c.category) for c in cards if c.id == second.case_id] == [(True, "", "受限案件")]


def test_conflict_names_who_changed_the_case(team) -> None:
    reg = _register(team["clerk"])
    stale = open_case(team["officer"], reg.case_id).version
    acceptance.accept(team["officer2"], reg.case_id)
    with pytest.raises(ConflictError, match="officer2同事"):
        acceptance.reject(team["officer"], reg.case_id, "out_of_scope", expected_version=stale)
    assert open_case(team["officer"], reg.case_id).state == "accepted"


def test_documents_and_board(team) -> None:
    reg = _register(team["clerk"])
    info, pdf = documents.issue(team["clerk"], reg.case_id, "receipt")
    again, _ = documents.issue(team["clerk"], reg.case_id, "receipt")
    assert pdf.startswith(b"%PDF") and again.reprint and not info.reprint
    assert documents.stored_pdf(team["clerk"], info.id) == pdf
    columns = {c.state: c for c in board.board(team["officer"])}
    assert columns["registered"].total == 1 and columns["registered"].cards[0].case_no == reg.case_no
    counts = {q.key: q.count for q in board.queue_counts(team["officer"])}
    assert counts["registered"] == 1
