"""The audit log viewer: filters (user, case number, action, time range), keyset paging, the one-button
verification, the audited export — and an admin never sees a case entry's content."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app import audit_log
from app.audit_log import HIDDEN, AuditFilter
from app.cases import reply, views
from app.cases.states import State
from app.errors import PermissionDenied, ValidationError
from app.session import Session
from models.audit import AuditEntry
from tests.support.cases import FakeClock
from tests.support.desk import Desk, open_desk

ROLES = ("clerk", "officer", "manager")
FINDING_WORD = "partly_upheld"  # the finding, as the reply services audit it


@pytest.fixture
def desk(admin_session: Session, fake_clock: FakeClock) -> Desk:
    return open_desk(admin_session, fake_clock, new={r: (r, f"{r}同事", [r]) for r in ROLES})


def _all(session: Session, flt: AuditFilter) -> list[audit_log.AuditRow]:
    rows: list[audit_log.AuditRow] = []
    before = None
    while True:
        page = audit_log.entries(session, flt, before_seq=before, limit=7)
        rows += page.rows
        if not page.more:
            return rows
        before = page.rows[-1].seq


def test_find_who_opened_a_case_last_week(desk: Desk) -> None:
    case_id = desk.new_case(State.IN_PROGRESS)
    case_no = views.open_case(desk["officer"], case_id).case_no
    last_week = desk.clock.at - timedelta(days=7)
    desk.clock.set(last_week)
    views.open_case(desk["manager"], case_id)  # manager opens the case a week ago
    desk.clock.set(last_week + timedelta(days=8))
    views.open_case(desk["officer"], case_id)  # and the officer today

    week = AuditFilter(
        case_no=case_no.lower(),
        action="case.view",
        start=last_week.date(),
        end=last_week.date() + timedelta(days=6),
    )
    rows = _all(desk.admin, week)
    assert [(r.actor, r.action_label, r.target) for r in rows] == [("manager", "查看案件", case_no)]
    everyone = _all(desk.admin, AuditFilter(case_no=case_no, action="group:case_reads"))
    assert [r.actor for r in everyone][:2] == ["officer", "manager"], "newest first"
    by_user = _all(desk.admin, AuditFilter(user="manager"))
    assert by_user and {r.actor for r in by_user} == {"manager"} and by_user[0].actor_name == "manager同事"


def test_paging_returns_every_match_once_newest_first(desk: Desk) -> None:
    for _ in range(3):
        desk.new_case(State.ACCEPTED)
    rows = _all(desk.admin, AuditFilter())
    seqs = [r.seq for r in rows]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) == len(set(seqs)) == AuditEntry.select().count()
    groups = _all(desk.admin, AuditFilter(action="group:cases"))
    assert groups and all(r.action.startswith("case.") for r in groups)
    with pytest.raises(ValidationError, match="不能早于开始日期"):
        audit_log.entries(desk.admin, AuditFilter(start=date(2026, 3, 2), end=date(2026, 3, 1)))


def test_an_admin_sees_case_numbers_but_never_case_content(desk: Desk, tmp_path: Path) -> None:
    case_id = desk.new_case(State.PENDING_APPROVAL)
    reply.approve(desk["manager"], case_id, comment="同意")
    entries_with_content = AuditEntry.select().where(AuditEntry.detail.contains(FINDING_WORD)).count()
    assert entries_with_content, "the finding is in a case entry's detail"
    admin_rows = _all(desk.admin, AuditFilter())
    case_rows = [r for r in admin_rows if r.action.startswith("case.")]
    assert case_rows and all(r.detail == HIDDEN for r in case_rows)
    assert all(FINDING_WORD not in f"{r.detail}{r.target}{r.action_label}" for r in admin_rows)
    assert any(r.target.startswith("YH-") for r in case_rows), "the case number is shown"
    manager_rows = _all(desk["manager"], AuditFilter(action="group:cases"))
    assert any(FINDING_WORD in r.detail for r in manager_rows), "a manager reads the detail"

    out = tmp_path / "audit.xlsx"
    count = audit_log.export(desk.admin, AuditFilter(), out)
    sheet = load_workbook(out, read_only=True).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert count == len(admin_rows) and FINDING_WORD not in "".join(cells)
    assert HIDDEN in cells


def test_export_is_audited_with_its_filter(desk: Desk, tmp_path: Path) -> None:
    desk.new_case(State.ACCEPTED)
    flt = AuditFilter(user="officer", action="group:cases")
    expected = len(_all(desk["manager"], flt))
    count = audit_log.export(desk["manager"], flt, tmp_path / "officer.xlsx")
    assert count == expected > 0
    entry = AuditEntry.select().order_by(AuditEntry.seq.desc()).first()
    assert (entry.action, entry.actor) == ("audit.exported", "manager")
    assert '"user":"officer"' in entry.detail and f'"rows":{count}' in entry.detail
    rows = list(load_workbook(tmp_path / "officer.xlsx", read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "时间", "用户名") and len(rows) == count + 1
    assert all(r[2] == "officer" for r in rows[1:])


def test_verify_and_who_may_read_the_log(desk: Desk) -> None:
    report = audit_log.verify(desk.admin)
    assert report.ok and report.entries == AuditEntry.select().count()
    AuditEntry.update(detail='{"x":1}').where(AuditEntry.seq == 2).execute()
    assert not audit_log.verify(desk["manager"]).ok
    for role in ("officer", "clerk"):
        with pytest.raises(PermissionDenied):
            audit_log.entries(desk[role], AuditFilter())
    choices = audit_log.choices(desk.admin)
    assert ("manager", "manager同事（manager）") in choices.users
    assert ("group:case_reads", "查看案件和文书") in choices.actions
    assert ("user.added", "添加用户") in choices.actions


def test_labels_cover_case_rules() -> None:
    assert audit_log.action_label("case.accept") == "受理"
    assert audit_log.action_label("case.sign_off") == "销项"
    assert audit_log.action_label("something.new") == "something.new"
