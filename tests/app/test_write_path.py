"""The one write path: refusal before validation, a second check inside the transaction, the idle
lock, audited reads, and registration with attachments and merge as one all-or-nothing call."""

from __future__ import annotations

import pytest

from app import settings, users
from app.cases import acceptance, board, intake, overlays, search, views
from app.errors import PermissionDenied, SessionLockedError, ValidationError
from app.session import Session
from models.audit import AuditEntry
from models.cases import Attachment, Case, CaseEvent
from tests.support.cases import FakeClock, form, register
from tests.support.desk import Desk, open_desk


@pytest.fixture
def desk(admin_session: Session, fake_clock: FakeClock) -> Desk:
    roles = {name: (name, f"{name}同事", (name,)) for name in ("clerk", "officer", "manager")}
    return open_desk(admin_session, fake_clock, existing={"admin": "admin"}, new=roles)


def _last_audit() -> AuditEntry:
    return AuditEntry.select().order_by(AuditEntry.seq.desc()).get()


def test_a_forbidden_call_with_bad_input_is_refused_and_audited_not_validated(desk) -> None:
    case_id = register(desk["clerk"])
    with pytest.raises(PermissionDenied):
        acceptance.reject(desk["clerk"], case_id, reason_code="no-such-reason", note="x" * 100_000)
    entry = _last_audit()
    assert (entry.actor, entry.action) == ("clerk", "denied")


def test_an_account_disabled_elsewhere_cannot_write_with_its_open_session(desk) -> None:
    case_id = register(desk["clerk"])
    officer = desk["officer"]  # signed in before the admin disabled the account
    users.set_active(desk["admin"], "officer", False)
    events = CaseEvent.select().where(CaseEvent.case == case_id).count()
    with pytest.raises(PermissionDenied, match="账户已停用"):
        acceptance.accept(officer, case_id)
    assert Case.get_by_id(case_id).state == "registered"
    assert CaseEvent.select().where(CaseEvent.case == case_id).count() == events
    entry = _last_audit()
    assert (entry.actor, entry.action) == ("officer", "denied")


def test_a_locked_session_refuses_every_service_call(desk) -> None:
    case_id = register(desk["clerk"])
    officer = desk["officer"]
    officer.locked = True
    with pytest.raises(SessionLockedError):
        acceptance.accept(officer, case_id)
    with pytest.raises(SessionLockedError):
        overlays.add_note(officer, case_id, "锁屏后不能写")
    for read in (
        lambda: board.board(officer),
        lambda: board.queue_counts(officer),
        lambda: search.search(officer, "投诉"),
        lambda: views.open_case(officer, case_id),
    ):
        with pytest.raises(SessionLockedError):
            read()
    desk["admin"].locked = True
    with pytest.raises(SessionLockedError):
        settings.update(desk["admin"], {"hospital_name": "别的医院"})


def test_opening_an_attachment_is_audited(desk) -> None:
    reg = intake.register(desk["clerk"], form(), [("来信扫描件.png", b"\x89PNG scan")])
    attachment = Attachment.get(Attachment.case == reg.case_id)
    name, _mime, data = overlays.attachment_data(desk["officer"], attachment.id)
    assert (name, data) == ("来信扫描件.png", b"\x89PNG scan")
    entry = _last_audit()
    assert (entry.actor, entry.action, entry.target) == ("officer", "case.attachment_opened", reg.case_no)


def test_registration_with_a_refused_attachment_writes_nothing(desk) -> None:
    settings.update(desk["admin"], {"attachment_max_mb": 1})
    too_big = b"0" * (2 * 1024 * 1024)
    before = (Case.select().count(), Attachment.select().count(), CaseEvent.select().count())
    with pytest.raises(ValidationError, match="超过上限"):
        intake.register(desk["clerk"], form(), [("小.png", b"small"), ("大.pdf", too_big)])
    assert (Case.select().count(), Attachment.select().count(), CaseEvent.select().count()) == before
    reg = intake.register(desk["clerk"], form(), [("小.png", b"small")])
    assert reg.case_no.endswith("000001")  # the number was not used up by the refused attempt


def test_registration_merged_into_an_earlier_case_in_one_call(desk) -> None:
    first = register(desk["clerk"])
    reg = intake.register(desk["officer"], form(), merge_into=first)
    assert Case.get_by_id(reg.case_id).state == "merged"
    summaries = [e.summary for e in CaseEvent.select().where(CaseEvent.case == first)]
    assert any(reg.case_no in s for s in summaries)
