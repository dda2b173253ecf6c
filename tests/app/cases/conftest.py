"""Fixtures of the case tests: a desk (tests/support/desk.py) on a copy of one template database
with a user per role, the state table of DESIGN §4 written out independently, and helpers that
observe the database."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app import audit, auth, clock, users
from app.cases.intake import IntakeForm
from app.cases.states import State
from app.errors import PermissionDenied
from app.keyslots import KeySlotFile
from app.session import Session
from models.audit import AuditEntry
from models.case_record import CASE_RECORD_MODELS
from models.cases import CASE_MODELS, CaseEvent, CaseIssue, Extension
from models.database import close_current, database_proxy, open_local
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, HOSPITAL, USER_PASSWORD, use_cheap_kdf, use_real_kdf
from tests.support.cases import START, FakeClock, form
from tests.support.desk import Desk, open_desk

# role key -> (username, display name, roles)
PEOPLE: dict[str, tuple[str, str, list[str]]] = {
    "officer": ("linxw", "林晓雯", ["officer"]),
    "officer2": ("wangzq", "王志强", ["officer"]),
    "clerk": ("zhaomin", "赵敏", ["clerk"]),
    "clerk2": ("qianli", "钱丽", ["clerk"]),
    "night_duty": ("sunjh", "孙建华", ["night_duty"]),
    "manager": ("chenlx", "陈立新", ["manager"]),
    "multi": ("liuyf", "刘一帆", ["clerk", "night_duty"]),
    "officer_admin": ("heyw", "何宇文", ["officer", "admin"]),
}


def make_form(**overrides: object) -> IntakeForm:
    """The sample 来访 complaint of tests/support/cases.py without an ID number (tests add one where
    they need it); keyword arguments replace fields."""
    return form(**{"complainant_id_number": "", **overrides})


@dataclass(frozen=True)
class Template:
    """A database with its admin and the users of PEOPLE, made once and copied for each test."""

    path: Path
    key: bytes


def make_template(directory: Path) -> Template:
    use_cheap_kdf()  # session-scoped: made before the per-test cheap_kdf fixture runs
    clock.set_clock(FakeClock(START))
    try:
        path = directory / "template.db"
        admin, _recovery = auth.create_local_database(path, ADMIN, "周建国", ADMIN_PASSWORD, HOSPITAL)
        for username, display, roles in PEOPLE.values():
            users.add_user(admin, username, display, roles, USER_PASSWORD, must_change_password=False)
        key = admin.db_key
        admin.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        close_current()
    finally:
        clock.set_clock(None)
        use_real_kdf()
    assert key is not None
    return Template(path, key)


def open_copy(template: Template, path: Path) -> Session:
    """Copy the template database (and its key slot file) to `path`, open it, return the admin session."""
    shutil.copyfile(template.path, path)
    shutil.copyfile(KeySlotFile.sidecar_for(template.path), KeySlotFile.sidecar_for(path))
    db = open_local(path, template.key)
    return Session(
        user=auth.current_user(ADMIN),
        db=db,
        backend="local",
        location=path.name,
        database_path=path,
        slots=KeySlotFile.load(path),
        db_key=template.key,
    )


def remove_copy(path: Path) -> None:
    close_current()
    for leftover in (path, KeySlotFile.sidecar_for(path), Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def desk_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return make_template(tmp_path_factory.mktemp("template"))


@pytest.fixture
def desk(fake_clock: FakeClock, db_path: Path, desk_template: Template) -> Desk:
    """A fresh copy of the template database with a session for every role of PEOPLE; the clock at START."""
    existing = {key: username for key, (username, _display, _roles) in PEOPLE.items()}
    return open_desk(open_copy(desk_template, db_path), fake_clock, existing=existing, form=make_form)


# --------------------------------------------------------------------------- the state table

# DESIGN §4, written out independently of the code: in which states each action is legal.
OPEN = frozenset(State) - {State.CLOSED, State.REJECTED, State.MERGED}
FINAL = frozenset({State.CLOSED, State.REJECTED, State.MERGED})
LEGAL: dict[str, frozenset[str]] = {
    "accept": frozenset({State.REGISTERED}),
    "reject": frozenset({State.REGISTERED, State.ACCEPTED}),
    "resolve_on_spot": frozenset({State.REGISTERED}),
    "assign": frozenset({State.ACCEPTED, State.IN_PROGRESS}),
    "acknowledge": frozenset({State.IN_PROGRESS}),
    "respond": frozenset({State.IN_PROGRESS}),
    "return": frozenset({State.IN_PROGRESS}),
    "draft": frozenset({State.ACCEPTED, State.IN_PROGRESS, State.DRAFTING}),
    "submit": frozenset({State.DRAFTING}),
    "approve": frozenset({State.PENDING_APPROVAL}),
    "return_draft": frozenset({State.PENDING_APPROVAL}),
    "reply": frozenset({State.APPROVED}),
    "follow_up": frozenset({State.REPLIED}),
    "sign_off": frozenset({State.AWAITING_SIGN_OFF}),
    "close_unresolvable": OPEN - {State.REGISTERED},
    "archive": FINAL,
    "hold": OPEN,
    "resume": OPEN,
    "request_extension": frozenset(
        {State.ACCEPTED, State.IN_PROGRESS, State.DRAFTING, State.PENDING_APPROVAL, State.APPROVED}
    ),
    "decide_extension": OPEN,
    "escalate": OPEN,
    "merge": OPEN,
    "attachment": OPEN,
    "restrict": frozenset(State) - {State.MERGED},  # 保密 also protects a closed case's record
    "major_check": frozenset(State) - {State.MERGED, State.REJECTED},  # a settlement may follow 销项
    # 投诉事项 change until the reply goes for approval; findings while drafting is possible
    "add_issue": frozenset({State.REGISTERED, State.ACCEPTED, State.IN_PROGRESS, State.DRAFTING}),
    "edit_issue": frozenset({State.REGISTERED, State.ACCEPTED, State.IN_PROGRESS, State.DRAFTING}),
    "remove_issue": frozenset({State.REGISTERED, State.ACCEPTED, State.IN_PROGRESS, State.DRAFTING}),
    "issue_finding": frozenset({State.ACCEPTED, State.IN_PROGRESS, State.DRAFTING}),
    "override_finding": frozenset(
        {State.ACCEPTED, State.IN_PROGRESS, State.DRAFTING, State.PENDING_APPROVAL}
    ),
}
# Rules that work in any state, and the ones that also work on a case on hold (待补充材料).
# (Who may correct the registration in which state is the policy's: see test_corrections.py.)
ANY_STATE_RULES = frozenset({"external_route", "link", "note", "correct"})
ON_HOLD_ALLOWED = frozenset(
    {"resume", "decide_extension", "escalate", "merge", "attachment", "close_unresolvable"}
    | {"restrict", "external_route", "link", "note", "correct"}
    | {"add_issue", "edit_issue", "remove_issue", "major_check"}
)


# --------------------------------------------------------------------------- observing the database


def case_data() -> dict[str, list[tuple]]:
    """Every row of every case-domain table, for "nothing was written" comparisons (raw SQL: fast)."""
    data = {}
    for model in [*CASE_MODELS, *CASE_RECORD_MODELS]:
        table = model._meta.table_name
        data[table] = database_proxy.execute_sql(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
    return data


def audit_count() -> int:
    table = AuditEntry._meta.table_name
    return database_proxy.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def last_audit() -> AuditEntry:
    return AuditEntry.select().order_by(AuditEntry.seq.desc()).first()


def timeline(case_id: int) -> list[CaseEvent]:
    return list(CaseEvent.select().where(CaseEvent.case == case_id).order_by(CaseEvent.seq))


def summaries(case_id: int) -> list[str]:
    return [e.summary for e in timeline(case_id)]


def audit_ok() -> bool:
    report = audit.verify()
    assert report.ok, report.message
    return True


def day(text: str) -> date:
    return date.fromisoformat(text)


def first_issue(case_id: int) -> int:
    """The id of the case's first 投诉事项."""
    return CaseIssue.select().where(CaseIssue.case == case_id).order_by(CaseIssue.seq).first().id


def pending_extension(case_id: int) -> int:
    """The id of the case's 延期 request awaiting the manager's decision."""
    return Extension.get((Extension.case == case_id) & (Extension.state == "pending")).id


def assert_denied(desk: Desk, role: str, call: Callable[[], Any], reason: str, target: str) -> None:
    """`call` is refused with `reason` in Chinese, writes nothing, and adds exactly the audited denial."""
    before, audits = case_data(), audit_count()
    with pytest.raises(PermissionDenied) as info:
        call()
    assert info.value.message == reason
    assert re.search(r"[\u4e00-\u9fff]", info.value.message)
    assert case_data() == before, "a refused action wrote something"
    assert audit_count() == audits + 1
    denial = last_audit()
    assert (denial.actor, denial.action, denial.target) == (desk[role].user.username, "denied", target)
    assert reason in denial.detail
