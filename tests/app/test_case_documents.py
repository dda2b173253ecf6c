"""Issued documents: rendered from the case, stored with SHA-256, reprints stamped 补打 and logged."""

from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfReader

from app import audit
from app.cases import acceptance, documents, intake, routing
from app.cases.views import open_case
from app.errors import PermissionDenied, TransitionError, ValidationError
from models.audit import AuditEntry
from models.cases import CaseEvent, IssuedDocument
from tests.support.sessions import session_as


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def people(admin_session):
    return {role: session_as(admin_session, role, role) for role in ("clerk", "officer", "manager")}


@pytest.fixture
def case_id(people) -> int:
    form = intake.IntakeForm(
        channel="visit",
        content="门诊候诊时间过长，护士态度生硬，要求说明情况并道歉。",
        complainant_name="王秀英",
        complainant_phone="13912345678",
        patient_name="李建华",
    )
    return intake.register(people["clerk"], form).case_id


def test_receipt_then_reprint_is_stamped_and_logged(people, case_id) -> None:
    clerk = people["clerk"]
    first, pdf = documents.issue(clerk, case_id, "receipt")
    assert not first.reprint and first.sha256 == hashlib.sha256(pdf).hexdigest()
    text = _text(pdf)
    view = open_case(clerk, case_id)
    assert view.case_no in text and view.query_code in text and "补打" not in text
    again, pdf2 = documents.issue(clerk, case_id, "receipt")
    assert again.reprint and "补打" in _text(pdf2)
    assert documents.stored_pdf(clerk, first.id) == pdf
    summaries = [
        e.summary for e in CaseEvent.select().where(CaseEvent.case == case_id).order_by(CaseEvent.seq)
    ]
    assert summaries[-2:] == ["出具投诉受理回执", "补打投诉受理回执"]
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.seq)]
    assert "case.print" in actions and "case.reprint" in actions
    assert audit.verify().ok


def test_a5_receipt_only(people, case_id) -> None:
    info, pdf = documents.issue(people["clerk"], case_id, "receipt", page_size="A5")
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert round(float(box.width)) == 420 and info.page_size == "A5"
    with pytest.raises(ValidationError, match="只有受理回执可用 A5 纸"):
        documents.issue(people["clerk"], case_id, "registration", page_size="A5")


def test_letters_need_the_right_state_and_role(people, case_id) -> None:
    with pytest.raises(PermissionDenied, match="只有"):
        documents.issue(people["clerk"], case_id, "result")
    with pytest.raises(TransitionError, match="不能打印"):
        documents.issue(people["officer"], case_id, "rejection")
    acceptance.reject(people["officer"], case_id, "out_of_scope", "属于医保政策咨询")
    info, pdf = documents.issue(people["officer"], case_id, "rejection")
    assert "不属于投诉管理部门职权范围" in _text(pdf)
    assert IssuedDocument.select().where(IssuedDocument.case == case_id).count() == 1


def test_dispatch_note_per_department(people, case_id) -> None:
    officer = people["officer"]
    acceptance.accept(officer, case_id)
    routing.assign(officer, case_id, ["outpatient", "nursing"], "请核实候诊秩序\n请说明护士沟通情况")
    view = open_case(officer, case_id)
    info, pdf = documents.issue(officer, case_id, "dispatch", assignment_id=view.assignments[0].id)
    text = _text(pdf)
    assert view.assignments[0].department in text and "请核实候诊秩序" in text
    assert info.department == view.assignments[0].department
