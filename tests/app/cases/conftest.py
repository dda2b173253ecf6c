"""Fixtures of the case tests: one encrypted database with a user per role, a settable clock, and
helpers that register a complaint and walk it to any state of DESIGN §4."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytest

from app import audit, auth, clock, passwords, users
from app.cases import acceptance, follow_up, intake, overlays, reply, routing, sign_off
from app.cases.intake import IntakeForm, Registered
from app.cases.states import State
from app.keyslots import KdfParams, KeySlotFile
from app.session import Session
from models.audit import AuditEntry
from models.cases import CASE_MODELS, Assignment, Case, CaseEvent
from models.database import close_current, database_proxy, open_local
from tests.support.cases import FakeClock

# Tuesday 10 March 2026, 09:00: a working day, inside office hours.
START = datetime(2026, 3, 10, 9, 0)

PASSWORD = "Desk2026pass"
ADMIN = "admin"
ADMIN_PASSWORD = "Kestrel-Harbor-2026"
HOSPITAL = "江宁市第一人民医院"
CHEAP_KDF = KdfParams(time_cost=1, memory_cost=8 * 1024, parallelism=1)

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

PHONE = "13912345678"
# GB 11643 check digit of 11010519491231002 is X.
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def fake_clock() -> Iterator[FakeClock]:
    fake = FakeClock(START)
    clock.set_clock(fake)
    yield fake
    clock.set_clock(None)


def make_form(**overrides: object) -> IntakeForm:
    """A valid 来访 complaint; keyword arguments replace fields."""
    values: dict[str, object] = {
        "channel": "visit",
        "content": "患者在门诊候诊三小时无人叫号，询问护士站被告知系统故障，态度生硬。",
        "complainant_name": "张桂兰",
        "complainant_phone": PHONE,
        "patient_name": "李建国",
        "demands": "要求医院道歉并改进叫号流程",
    }
    values.update(overrides)
    return IntakeForm(**values)  # type: ignore[arg-type]


@dataclass
class Desk:
    """The open database and one session per role (all on the same connection)."""

    db_path: Path
    admin: Session
    clock: FakeClock
    sessions: dict[str, Session] = field(default_factory=dict)
    spare: int = 0  # another open case, for merge and link targets

    def __getitem__(self, role: str) -> Session:
        return self.admin if role == "admin" else self.sessions[role]

    def user_id(self, role: str) -> int:
        return self[role].user.id

    def register(self, role: str = "officer", **overrides: object) -> Registered:
        return intake.register(self[role], make_form(**overrides))

    def new_case(
        self, state: str = State.REGISTERED, *, departments: int = 2, by: str = "clerk", **overrides: object
    ) -> int:
        """Register a complaint (by the clerk, unless `by` says otherwise) and walk it to `state`."""
        case_id = self.register(by, **overrides).case_id
        walk(self, case_id, state, departments=departments)
        return case_id


def session_for(admin: Session, username: str) -> Session:
    """Another user's session on the already open database (one connection per process)."""
    return Session(
        user=auth.current_user(username),
        db=admin.db,
        backend="local",
        location=admin.location,
        database_path=admin.database_path,
    )


def build_desk(admin: Session, db_path: Path, fake: FakeClock) -> Desk:
    desk = Desk(db_path, admin, fake)
    for key, (username, _display, _roles) in PEOPLE.items():
        desk.sessions[key] = session_for(admin, username)
    return desk


@dataclass(frozen=True)
class Template:
    """A database with its admin and the users of PEOPLE, made once and copied for each test."""

    path: Path
    key: bytes


def make_template(directory: Path) -> Template:
    passwords.set_cost(CHEAP_KDF)
    clock.set_clock(FakeClock(START))
    try:
        path = directory / "template.db"
        admin, _recovery = auth.create_local_database(path, ADMIN, "周建国", ADMIN_PASSWORD, HOSPITAL)
        for username, display, roles in PEOPLE.values():
            users.add_user(admin, username, display, roles, PASSWORD, must_change_password=False)
        key = admin.db_key
        admin.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        close_current()
    finally:
        clock.set_clock(None)
        passwords.set_cost(passwords.DEFAULT_KDF)
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
    """A fresh copy of the template database, with the clock at START."""
    return build_desk(open_copy(desk_template, db_path), db_path, fake_clock)


# --------------------------------------------------------------------------- walking a case

DEPARTMENTS = ["cardiology", "nursing", "radiology", "pharmacy", "laboratory", "outpatient"]
MAIN_PATH = [
    State.REGISTERED,
    State.ACCEPTED,
    State.IN_PROGRESS,
    State.DRAFTING,
    State.PENDING_APPROVAL,
    State.APPROVED,
    State.REPLIED,
    State.AWAITING_SIGN_OFF,
    State.CLOSED,
]


def draft(desk: Desk, case_id: int) -> None:
    reply.save_draft(
        desk["officer"],
        case_id,
        facts="经调取叫号系统日志及护士站值班记录，当日 9:10–11:40 叫号系统故障。",
        finding="partly_upheld",
        resolution="向患者致歉；门诊部完善系统故障时的人工叫号预案。",
    )


def walk(desk: Desk, case_id: int, state: str, *, departments: int = 2) -> None:
    """Move a case from where it stands along the main path (or to a side exit) until it is in `state`."""
    officer, manager = desk["officer"], desk["manager"]
    if state == Case.get_by_id(case_id).state:
        return
    if state == State.REJECTED:
        acceptance.reject(officer, case_id, "out_of_scope")
        return
    if state == State.MERGED:
        target = desk.register(content="同一投诉人就同一事项再次来访，要求尽快答复。").case_id
        overlays.merge(officer, case_id, target)
        return
    current = Case.get_by_id(case_id).state
    steps = MAIN_PATH[MAIN_PATH.index(State(current)) + 1 : MAIN_PATH.index(State(state)) + 1]
    for step in steps:
        if step == State.ACCEPTED:
            acceptance.accept(officer, case_id)
        elif step == State.IN_PROGRESS:
            routing.assign(officer, case_id, DEPARTMENTS[:departments], "请核实当日叫号情况")
        elif step == State.DRAFTING:
            for a in Assignment.select().where(Assignment.case == case_id):
                routing.respond(officer, a.id, "已核实，系统故障属实。", "科室主任")
        elif step == State.PENDING_APPROVAL:
            draft(desk, case_id)
            reply.submit_for_approval(officer, case_id)
        elif step == State.APPROVED:
            reply.approve(manager, case_id, "同意")
        elif step == State.REPLIED:
            reply.record_reply(officer, case_id, "phone")
        elif step == State.AWAITING_SIGN_OFF:
            follow_up.follow_up(officer, case_id, method="phone", satisfaction="satisfied")
        elif step == State.CLOSED:
            sign_off.sign_off(manager, case_id)
    assert Case.get_by_id(case_id).state == state


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
}
# Rules that work in any state, and the ones that also work on a case on hold (待补充材料).
ANY_STATE_RULES = frozenset({"external_route", "link", "note"})
ON_HOLD_ALLOWED = frozenset(
    {"resume", "decide_extension", "escalate", "merge", "attachment", "close_unresolvable"}
    | {"restrict", "external_route", "link", "note"}
)


# --------------------------------------------------------------------------- observing the database


def case_data() -> dict[str, list[tuple]]:
    """Every row of every case-domain table, for "nothing was written" comparisons (raw SQL: fast)."""
    data = {}
    for model in CASE_MODELS:
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
