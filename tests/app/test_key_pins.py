"""The identifier public key swapped with plain SQL (local mode), tested as the attack: a clerk
unwraps their own key slot and replaces the `_identifier_public_key` setting with a key pair of their
own. Nobody may seal to it: holders and non-holders refuse, the sign-in is audited and alarmed, and
`audit verify` reports it. A legitimate rotation still reaches every slot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import audit, auth, key_pins, sealedbox, sealing, users
from app.account import account_summary
from app.cases import views
from app.keyslots import KeySlotFile
from models.audit import AuditEntry
from models.cases import Complainant
from models.database import EncryptedDatabase, close_current
from models.sealed_content import Opener
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, USER_PASSWORD
from tests.support.cases import FakeClock, register
from tests.support.sealed import login, sealed_office

PHONE = "13800001111"
PEOPLE = (
    ("manager1", "李主任", "manager"),
    ("officer1", "王专员", "officer"),
    ("officer2", "钱专员", "officer"),
    ("clerk1", "赵文员", "clerk"),
)


@pytest.fixture
def office(db_path: Path, fake_clock: FakeClock) -> Path:
    """Everybody has signed in once (their slots pinned the key); the night duty user is added
    afterwards (their new slot is pinned when it is made)."""
    sealed_office(db_path, PEOPLE)
    for username, _name, _role in PEOPLE[1:]:
        auth.logout(login(db_path, username))
    admin = auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)
    users.add_user(admin, "night1", "孙值班", ["night_duty"], USER_PASSWORD, must_change_password=False)
    auth.logout(admin)
    close_current()
    return db_path


def _swap(path: Path) -> str:
    """The clerk's own key pair in place of the identifier key; returns its private half."""
    private, public = sealedbox.new_keypair()
    key = KeySlotFile.load(path).unwrap_user("clerk1", USER_PASSWORD)
    db = EncryptedDatabase(path, key)
    db.connect()
    try:
        db.execute_sql("UPDATE setting SET value = ? WHERE key = ?", (json.dumps(public), sealing.PUBLIC_SETTING))
    finally:
        db.close()
    return private


@pytest.mark.parametrize("username", ["officer1", "manager1", "clerk1", "night1"])
def test_nobody_seals_to_a_swapped_identifier_key(office: Path, username: str) -> None:
    clerk_private = _swap(office)
    session = login(office, username)
    try:
        assert session.key_alarm == key_pins.MISMATCH
        assert account_summary(session).identifier_key_alarm == key_pins.MISMATCH
        assert not account_summary(session).identifier_key_pending  # no "wait for a grant" instead
        alarm = AuditEntry.select().where(AuditEntry.action == "identifiers.key_mismatch").get()
        assert alarm.actor == username
        before = Complainant.select().count()
        with pytest.raises(key_pins.KeyMismatchError) as refused:
            register(session, complainant_phone=PHONE, content="登记内容")
        assert "标识密钥告警" in refused.value.message
        assert Complainant.select().count() == before  # nothing written, nothing sealed to the clerk's key
    finally:
        auth.logout(session)
        close_current()
    clerk_key = KeySlotFile.load(office).unwrap_user("clerk1", USER_PASSWORD)
    db = EncryptedDatabase(office, clerk_key)
    db.connect()
    try:
        stored = [row[0] for row in db.execute_sql("SELECT phone FROM complainant")]
    finally:
        db.close()
    opener = Opener(clerk_private)
    assert not [v for v in stored if v.startswith("s1:") and opener.open(v.split(":")[2]) is not None]


def test_audit_verify_reports_the_swapped_key(office: Path) -> None:
    _swap(office)
    manager = login(office, "manager1")
    try:
        report = audit.verify(session=manager)
        assert not report.ok and "标识密钥不符" in report.message
    finally:
        auth.logout(manager)


def test_a_holder_still_reads_what_was_sealed_before_the_swap(office: Path) -> None:
    officer = login(office, "officer1")
    case_id = register(officer, complainant_phone=PHONE)
    auth.logout(officer)
    close_current()
    _swap(office)
    manager = login(office, "manager1")
    try:
        assert views.open_case(manager, case_id).complainant_phone == PHONE
    finally:
        auth.logout(manager)


def test_a_legitimate_rotation_reaches_holders_and_the_others(office: Path) -> None:
    """An officer loses the role: the administrator's rotation offers the new key to every slot;
    the clerk and night duty take it from the offer, the holders from their grants."""
    admin = auth.login_local(office, ADMIN, ADMIN_PASSWORD)
    users.set_roles(admin, "officer2", ["clerk"])
    auth.logout(admin)
    close_current()
    for username in ("clerk1", "night1", "officer1", "manager1", "officer2"):
        session = login(office, username)
        try:
            assert session.key_alarm == ""
            register(session, complainant_phone=PHONE)
            assert audit.verify(session=session).identifier_key == ""
        finally:
            auth.logout(session)
            close_current()
    slots = KeySlotFile.load(office)
    pins = {slots.slots[slots.user_slot_id(name)][key_pins.PIN_FIELD]["key"] for name in ("clerk1", "night1", "officer1", "manager1")}
    assert len(pins) == 1


def test_a_forged_offer_from_the_clerks_own_slot_is_refused(office: Path) -> None:
    """The clerk swaps the key and writes an offer from their own slot into the night duty's slot:
    only an administrator's slot may offer a key."""
    _swap(office)
    slots = KeySlotFile.load(office)
    clerk_private = slots.opened[slots.unwrap_user("clerk1", USER_PASSWORD)][1]
    db = EncryptedDatabase(office, slots.unwrap_user("clerk1", USER_PASSWORD))
    db.connect()
    try:
        row = db.execute_sql("SELECT value FROM setting WHERE key = ?", (sealing.PUBLIC_SETTING,)).fetchone()
    finally:
        db.close()
    public = json.loads(row[0])
    with KeySlotFile.update(office) as file:
        key_pins.offer_all(file, file.user_slot_id("clerk1"), clerk_private, public)
    night = login(office, "night1")
    try:
        assert night.key_alarm == key_pins.MISMATCH
        with pytest.raises(key_pins.KeyMismatchError):
            register(night, complainant_phone=PHONE)
    finally:
        auth.logout(night)
