"""The small leaks of the insider probes, closed: the duplicate check cannot be used to unmask a phone
number (audited with masked identifiers, limited per hour for the front desk), a stored 登记表
follows the reader's masking, assignment look-ups and the action list need the case, department
filters do not show restricted cases, and an administrator cannot give themselves a case role."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from app import users
from app.cases import board, documents, intake, overlays, views
from app.cases.states import State
from app.errors import PermissionDenied
from app.validation import mask_id_number, mask_phone
from models.accounts import UserRole
from models.audit import AuditEntry
from tests.support.cases import ID_NUMBER, PHONE
from tests.support.desk import Desk
from tests.support.sessions import session_for


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _denials(username: str) -> list[dict]:
    rows = AuditEntry.select().where((AuditEntry.action == "denied") & (AuditEntry.actor == username))
    return [json.loads(r.detail) for r in rows]


# -- the duplicate check ---------------------------------------------------------------------------


def test_each_duplicate_check_is_audited_with_masked_identifiers(desk: Desk) -> None:
    earlier = desk.register("clerk", complainant_id_number=ID_NUMBER).case_id
    found = intake.find_duplicates(desk["clerk"], phone=PHONE, id_number=ID_NUMBER, record_no="ZY2026001")
    assert [c.case_id for c in found] == [earlier]
    entry = AuditEntry.select().where(AuditEntry.action == intake.DUPLICATE_CHECK_AUDIT).get()
    assert entry.actor == "zhaomin"
    detail = json.loads(entry.detail)
    assert detail == {
        "phone": mask_phone(PHONE),
        "id_number": mask_id_number(ID_NUMBER),
        "record_no": "ZY*****01",
        "matches": 1,
    }
    assert PHONE not in entry.detail and ID_NUMBER not in entry.detail


def test_half_typed_numbers_are_neither_audited_nor_counted(desk: Desk) -> None:
    for partial in ("1", "139", "1391234"):
        assert intake.find_duplicates(desk["clerk"], phone=partial) == []
    assert not AuditEntry.select().where(AuditEntry.action == intake.DUPLICATE_CHECK_AUDIT).exists()


def test_trying_every_middle_digit_of_a_masked_phone_is_stopped(desk: Desk) -> None:
    """The probe: a clerk sees 139****5678 and tries the middle digits one after the other."""
    target = desk.register("officer").case_id
    desk.clock.advance(days=1)
    assert views.open_case(desk["clerk"], target).complainant_phone == mask_phone(PHONE)
    tries = [f"139{n:04d}5678" for n in range(intake.DUPLICATE_CHECKS_PER_HOUR)]
    assert PHONE not in tries
    for phone in tries:
        assert intake.find_duplicates(desk["clerk"], phone=phone) == []
    with pytest.raises(PermissionDenied, match="查重过于频繁：每小时最多 30 次"):
        intake.find_duplicates(desk["clerk"], phone=PHONE)
    assert any("查重过于频繁" in d["reason"] for d in _denials("zhaomin"))
    # an hour later the desk can check again; the office is not limited at all
    desk.clock.advance(hours=1, minutes=1)
    assert [c.case_id for c in intake.find_duplicates(desk["clerk"], phone=PHONE)] == [target]
    for phone in tries:
        intake.find_duplicates(desk["officer"], phone=phone)
    assert [c.case_id for c in intake.find_duplicates(desk["officer"], phone=PHONE)] == [target]


# -- stored documents follow the reader's masking -------------------------------------------------


def test_a_clerk_reopening_yesterdays_registration_form_sees_masked_identifiers(desk: Desk) -> None:
    case_id = desk.register("clerk", complainant_id_number=ID_NUMBER).case_id
    info, pdf = documents.issue(desk["clerk"], case_id, "registration")
    assert PHONE in _text(pdf) and ID_NUMBER in _text(pdf)  # the day of registration: in full
    assert documents.stored_pdf(desk["clerk"], info.id) == pdf

    desk.clock.advance(days=1)
    copy = documents.stored_pdf(desk["clerk"], info.id)
    text = _text(copy)
    assert PHONE not in text and ID_NUMBER not in text
    assert mask_phone(PHONE) in text and mask_id_number(ID_NUMBER) in text
    assert views.open_case(desk["clerk"], case_id).case_no in text
    assert documents.stored_pdf(desk["officer"], info.id) == pdf  # the office gets the stored bytes


def test_a_receipt_has_no_identifiers_and_is_returned_as_stored(desk: Desk) -> None:
    case_id = desk.register("clerk").case_id
    info, pdf = documents.issue(desk["clerk"], case_id, "receipt")
    desk.clock.advance(days=2)
    assert documents.stored_pdf(desk["clerk"], info.id) == pdf


# -- reads that need the case ----------------------------------------------------------------------


def test_assignment_look_up_needs_the_right_to_print_the_case_letters(desk: Desk) -> None:
    case_id = desk.new_case(State.IN_PROGRESS)
    assert documents.assignment_for(desk["officer"], case_id, "cardiology") > 0
    with pytest.raises(PermissionDenied):
        documents.assignment_for(desk["clerk"], case_id, "cardiology")
    overlays.restrict(desk["manager"], case_id, True, ["linxw"])
    with pytest.raises(PermissionDenied, match="受限案件"):
        documents.assignment_for(desk["officer2"], case_id, "cardiology")
    assert documents.assignment_for(desk["officer"], case_id, "cardiology") > 0


def test_available_actions_of_a_case_the_user_may_not_see_are_refused(desk: Desk) -> None:
    case_id = desk.new_case(State.ACCEPTED)
    overlays.restrict(desk["manager"], case_id, True, ["linxw"])
    assert views.available_actions(desk["officer"], case_id)
    with pytest.raises(PermissionDenied, match="受限案件"):
        views.available_actions(desk["officer2"], case_id)
    assert any(d["action"] == "view_case" for d in _denials("wangzq"))


def test_department_filters_do_not_reveal_a_restricted_case(desk: Desk) -> None:
    secret = desk.new_case(State.IN_PROGRESS, departments=1)  # routed to cardiology
    overlays.restrict(desk["manager"], secret, True, ["linxw"])
    other = desk.new_case(State.IN_PROGRESS, departments=2)

    def listed(role: str, **flt: object) -> dict[int, bool]:
        cards = board.case_list(desk[role], board.BoardFilter(**flt))
        return {c.id: c.redacted for c in cards}

    assert listed("officer2")[secret] is True  # unfiltered: the workload shows, redacted
    by_department = listed("officer2", department="nursing")
    assert secret not in by_department and other in by_department
    assert secret not in listed("officer2", department="cardiology")
    assert board.case_count(desk["officer2"], board.BoardFilter(department="cardiology", include_final=True)) == 1
    assert secret not in listed("officer2", severity="minor")
    assert listed("officer", department="cardiology")[secret] is False  # named: sees it in full
    assert secret in listed("manager", department="cardiology")


# -- separation of duties --------------------------------------------------------------------------


def test_an_administrator_cannot_give_themselves_a_case_role(desk: Desk) -> None:
    admin = desk["admin"]
    with pytest.raises(PermissionDenied, match="不能为自己授予案件角色（医患沟通办公室专员）"):
        users.set_roles(admin, admin.user.username, ["admin", "officer"])
    roles = {r.role for r in UserRole.select().where(UserRole.user == admin.user.id)}
    assert roles == {"admin"}
    assert any("不能为自己授予案件角色" in d["reason"] for d in _denials(admin.user.username))

    other_admin = session_for(admin, "heyw")  # 何宇文: officer and admin
    users.set_roles(other_admin, admin.user.username, ["admin", "officer"])
    roles = {r.role for r in UserRole.select().where(UserRole.user == admin.user.id)}
    assert roles == {"admin", "officer"}
    # dropping a case role, or changing another user's roles, stays possible
    users.set_roles(admin, admin.user.username, ["admin"])
    users.set_roles(admin, "zhaomin", ["clerk", "night_duty"])


def test_roles_kept_are_not_a_grant(desk: Desk) -> None:
    both = session_for(desk["admin"], "heyw")
    users.set_roles(both, "heyw", ["officer", "admin"])  # unchanged: allowed
    with pytest.raises(PermissionDenied, match="主任/分管院领导"):
        users.set_roles(both, "heyw", ["officer", "admin", "manager"])
