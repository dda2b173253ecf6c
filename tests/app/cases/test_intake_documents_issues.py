"""The 登记表 and the 受理回执 of a complaint with several issues list them — category and department,
and on the 登记表 the questions put to the departments for readers who see the handling — read back
with pypdf; a single-issue complaint's documents stay as they were."""

from __future__ import annotations

import io
import os
from pathlib import Path

from pypdf import PdfReader

from app.cases import acceptance, documents, issues, routing
from app.cases.issues import IssueInput
from app.cases.routing import IssueRoute
from models.cases import Category
from tests.support.desk import Desk

BELL = IssueInput(summary="夜间呼叫铃无人应答", category="020202")
DRUG = IssueInput(summary="已停用药品仍被计费", category="040101")
QUESTION = "呼叫记录显示几点应答？"


def _keep(name: str, pdf: bytes) -> None:
    """With COMPLAINTDESK_SHOT_DIR set, keep the PDF there to render and look at."""
    if os.environ.get("COMPLAINTDESK_SHOT_DIR"):
        (Path(os.environ["COMPLAINTDESK_SHOT_DIR"]) / name).write_bytes(pdf)


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")


def _path(code: str) -> str:
    return Category.get(Category.code == code).path


def test_the_receipt_and_the_registration_form_list_several_issues(desk: Desk) -> None:
    clerk = desk["clerk"]
    case_id = desk.register("clerk", channel="visit", issues=[BELL, DRUG]).case_id
    bell, drug = issues.issues_of(case_id)

    _, receipt = documents.issue(clerk, case_id, "receipt")
    _keep("receipt_two_issues.pdf", receipt)
    text = _text(receipt)
    assert "投诉事项事项1：夜间呼叫铃无人应答（" in text  # the row lists each issue
    for issue in (bell, drug):
        assert f"事项{issue.seq}：{issue.summary}" in text
        assert issue.department in text
    assert _path("020202").replace(" ", "") in text.replace(" ", "")

    _, registration = documents.issue(clerk, case_id, "registration")
    text = _text(registration)
    for header in ("投诉事项", "投诉类别", "责任科室"):
        assert header in text
    assert "需科室核实的问题" not in text  # nothing asked yet, and a clerk does not see the questions
    assert "事项1：夜间呼叫铃无人应答" in text and "事项2：已停用药品仍被计费" in text
    assert bell.department in text and drug.department in text


def test_the_registration_form_lists_the_questions_for_the_office_only(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.register("clerk", channel="visit", issues=[BELL, DRUG]).case_id
    acceptance.accept(officer, case_id)
    bell, drug = issues.issues_of(case_id)
    routing.route_issues(
        officer, case_id, [IssueRoute(bell.id, "nursing", QUESTION), IssueRoute(drug.id, "收费处")]
    )

    info, registration = documents.issue(officer, case_id, "registration")
    _keep("registration_two_issues.pdf", registration)
    text = _text(registration)
    assert "需科室核实的问题" in text and f"1. {QUESTION}" in text
    assert "护理部" in text and "财务科" in text  # the departments the issues were routed to

    _, receipt = documents.issue(officer, case_id, "receipt")
    assert QUESTION not in _text(receipt)  # the complainant's receipt never carries them

    # the front desk that registered it reads the stored form without the office's questions
    copy = _text(documents.stored_pdf(desk["clerk"], info.id))
    assert "事项1：夜间呼叫铃无人应答" in copy and QUESTION not in copy
    assert _text(documents.stored_pdf(officer, info.id)) == text  # the office gets the stored original


def test_a_single_issue_complaint_lists_no_issues(desk: Desk) -> None:
    clerk = desk["clerk"]
    case_id = desk.register("clerk", category="020202").case_id
    _, receipt = documents.issue(clerk, case_id, "receipt")
    _, registration = documents.issue(clerk, case_id, "registration")
    assert "事项1：" not in _text(receipt)
    assert "责任科室" not in _text(registration)
