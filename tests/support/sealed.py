"""A local office for the sealing tests: a new database, users by role, the manager's first sign-in
(which makes the identifier key) and the manager's grant of it to every officer and manager."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from app import auth, key_grants, users
from app.keyslots import KeySlotFile
from app.session import Session
from models.database import EncryptedDatabase, close_current
from models.fields import CONTENT_PREFIX
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, HOSPITAL, USER_PASSWORD
from tests.support.pages import decrypted_pages

# Marker texts of a restricted case (whole_restricted_case): none may be found below the application.
COMPLAINANT = "欧阳标记甲"
PATIENT = "司马标记乙"
ISSUE = "保密事项标记鸿雁长飞光不度"
NOTE_BEFORE = "保密备注标记鱼龙潜跃水成文"
NOTE_AFTER = "保密备注标记昨夜闲潭梦落花"
RESPONSE = "保密反馈标记江流宛转绕芳甸"
MARKERS = (COMPLAINANT, PATIENT, ISSUE, NOTE_BEFORE, NOTE_AFTER, RESPONSE)


# A manager, two officers, a clerk and a night duty (sealed_office's people for the sealing tests).
OFFICE = (
    ("manager1", "李主任", "manager"),
    ("officer1", "王专员", "officer"),
    ("officer2", "钱专员", "officer"),
    ("clerk1", "赵文员", "clerk"),
    ("night1", "孙值班", "night_duty"),
)


def login(path: Path, username: str) -> Session:
    return auth.login_local(path, username, USER_PASSWORD)


def sealed_office(db_path: Path, people: tuple[tuple[str, str, str], ...]) -> Path:
    """`people` as (username, display name, role), the manager `manager1` among them; the manager
    signs in once, so the identifier key exists, and grants it to the other officers and managers."""
    admin, _recovery = auth.create_local_database(db_path, ADMIN, "周建国", ADMIN_PASSWORD, HOSPITAL)
    for username, name, role in people:
        users.add_user(admin, username, name, [role], USER_PASSWORD, must_change_password=False)
    auth.logout(admin)
    grant_all(db_path)
    return db_path


def grant_all(db_path: Path, manager: str = "manager1") -> None:
    """`manager` signs in and grants the identifier key to every account waiting for it."""
    session = login(db_path, manager)
    for waiting in key_grants.pending(session):
        key_grants.grant(session, waiting.username)
    auth.logout(session)


def plain_copy(path: Path, key: bytes, target: Path) -> Path:
    """A copy of the file opened with `key` and exported to a plain SQLite file (sqlcipher_export)."""
    copy = target.with_suffix(".copy.db")
    copy.unlink(missing_ok=True)
    shutil.copyfile(path, copy)
    db = EncryptedDatabase(copy, key)
    db.connect()
    try:
        db.execute_sql(f"ATTACH DATABASE '{target}' AS plain KEY ''")
        db.execute_sql("SELECT sqlcipher_export('plain')")
        db.execute_sql("DETACH DATABASE plain")
    finally:
        db.close()
    return target


def every_value(path: Path, key: bytes) -> str:
    """Every value of every table, the text indexes' shadow tables included, read with plain SQL."""
    db = EncryptedDatabase(path, key)
    db.connect()
    try:
        tables = [r[0] for r in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert "case_fts_data" in tables and "case_chars_data" in tables
        values = []
        for table in tables:
            for row in db.execute_sql(f'SELECT * FROM "{table}"'):
                values += [
                    v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                    for v in row
                    if v is not None
                ]
        return "\n".join(values)
    finally:
        db.close()


def probe(
    path: Path, tmp_path: Path, markers: Iterable[str], username: str = "clerk1", password: str = USER_PASSWORD
) -> None:
    """The insider's attack with `username`'s own key slot: plain SQL over every table, a plain
    export and every decrypted page; none of `markers` may be found."""
    close_current()
    key = KeySlotFile.load(path).unwrap_user(username, password)
    text = every_value(path, key)
    assert CONTENT_PREFIX in text  # sealed values are there, for the holders
    target = tmp_path / f"plain-{username}.db"
    target.unlink(missing_ok=True)
    plain = plain_copy(path, key, target).read_bytes()
    assert plain.startswith(b"SQLite format 3")
    pages = decrypted_pages(path, key)
    for marker in markers:
        assert marker not in text, marker
        assert marker.encode("utf-8") not in plain, marker
        assert marker.encode("utf-8") not in pages, marker


def whole_restricted_case(office: Path) -> int:
    """Registered by clerk1 with marker names and 投诉事项; accepted by officer1 with a note; made 保密
    by manager1 (officer1 named); then a note and the 护理部's reply while restricted."""
    from app.cases import acceptance, overlays, routing
    from app.cases.issues import IssueInput
    from models.cases import Assignment
    from tests.support.cases import register

    clerk = login(office, "clerk1")
    case_id = register(
        clerk, complainant_name=COMPLAINANT, patient_name=PATIENT, issues=[IssueInput(summary=ISSUE, category="020202")]
    )
    auth.logout(clerk)
    officer = login(office, "officer1")
    acceptance.accept(officer, case_id)
    overlays.add_note(officer, case_id, NOTE_BEFORE)
    auth.logout(officer)
    manager = login(office, "manager1")
    overlays.restrict(manager, case_id, True, ["officer1"])
    auth.logout(manager)
    officer = login(office, "officer1")
    overlays.add_note(officer, case_id, NOTE_AFTER)
    routing.assign(officer, case_id, ["nursing"], "请核实")
    routing.respond(officer, Assignment.get(Assignment.case == case_id).id, RESPONSE, "护理部")
    auth.logout(officer)
    return case_id


def restored_copy(office: Path, tmp_path: Path) -> Path:
    """The office's database backed up by the administrator and restored to a new file."""
    from app.records import backup, restore
    from app.records.restore import Credentials

    admin = auth.login_local(office, ADMIN, ADMIN_PASSWORD)
    result = backup.take_backup(admin, tmp_path / "备份")
    auth.logout(admin)
    target = tmp_path / "restored" / "complaints.db"
    restore.restore_backup(result.path, target, Credentials(ADMIN, ADMIN_PASSWORD))
    close_current()
    return target
