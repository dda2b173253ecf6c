"""授予标识密钥 (local mode): the identifier key reaches an account only by a manager's audited act,
never because `user_role` says so. Tested as the attacks: a clerk writing a role row with plain SQL
using their own key slot, and an administrator creating a puppet manager."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import auth, key_grants, sealing, users
from app.cases import views
from app.errors import PermissionDenied, ValidationError
from app.keyslots import KeySlotFile
from models.audit import AuditEntry
from models.database import EncryptedDatabase
from models.fields import LOCAL_PREFIX
from models.sealed_content import Opener
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, USER_PASSWORD
from tests.support.cases import PHONE, FakeClock, register
from tests.support.sealed import login, sealed_office

NEW_PASSWORD = "Zhang2026#grant"


@pytest.fixture
def office(db_path: Path, fake_clock: FakeClock) -> Path:
    """A manager and an officer holding the key, another officer and a clerk."""
    return sealed_office(
        db_path,
        (
            ("manager1", "李主任", "manager"),
            ("officer1", "王专员", "officer"),
            ("officer2", "钱专员", "officer"),
            ("clerk1", "赵文员", "clerk"),
        ),
    )


def _sql(office: Path, username: str, sql: str, *params: object) -> list[tuple]:
    """Plain SQL on the database file, opened with `username`'s own key slot (no application)."""
    db = EncryptedDatabase(office, KeySlotFile.load(office).unwrap_user(username, USER_PASSWORD))
    db.connect()
    try:
        with db.atomic():
            return db.execute_sql(sql, params).fetchall()
    finally:
        db.close()


def _clerks_keys(office: Path) -> dict[str, str]:
    """Every identifier key the clerk's slot opens (with the clerk's own password)."""
    slots = KeySlotFile.load(office)
    slot, slot_private = slots.opened[slots.unwrap_user("clerk1", USER_PASSWORD)]
    return sealing.open_grants(slot, slot_private)


def _sealed_phone_box(office: Path, case_id: int) -> str:
    sql = 'SELECT c.phone FROM complainant c JOIN "case" k ON k.complainant_id = c.id WHERE k.id = ?'
    value = _sql(office, "clerk1", sql, case_id)[0][0]
    assert value.startswith(LOCAL_PREFIX)
    return value[len(LOCAL_PREFIX) :].split(":")[1]


def test_a_role_row_written_with_sql_brings_the_clerk_no_key(office: Path) -> None:
    """The insider review's attack: the clerk gives themselves the officer role with plain SQL,
    the officer and the manager sign in, the clerk removes the row again. Their slot holds nothing,
    and with the role row in place the manager sees an account whose role no audited change gave."""
    officer = login(office, "officer1")
    case_id = register(officer)
    auth.logout(officer)
    clerk_id = _sql(office, "clerk1", "SELECT id FROM user WHERE username = 'clerk1'")[0][0]
    _sql(office, "clerk1", "INSERT INTO user_role (user_id, role) VALUES (?, 'officer')", clerk_id)

    for holder in ("officer1", "manager1"):
        auth.logout(login(office, holder))
    clerk = login(office, "clerk1")  # the application takes the row at its word: an officer now
    assert clerk.identifier_key is None  # …but no key comes with it
    auth.logout(clerk)
    manager = login(office, "manager1")
    waiting = {w.username: w for w in key_grants.pending(manager)}
    assert waiting["clerk1"].given_by == "" and waiting["clerk1"].given_at is None
    assert not waiting["clerk1"].ready
    with pytest.raises(ValidationError, match="没有授予此角色的记录"):  # refused (and nothing granted)
        key_grants.grant(manager, "clerk1")
    auth.logout(manager)

    _sql(office, "clerk1", "DELETE FROM user_role WHERE user_id = ? AND role = 'officer'", clerk_id)
    assert _clerks_keys(office) == {}
    file = KeySlotFile.load(office)
    assert not file.slots[file.user_slot_id("clerk1")].get(sealing.SLOT_FIELD)
    slots = KeySlotFile.load(office)
    _slot, clerks_private = slots.opened[slots.unwrap_user("clerk1", USER_PASSWORD)]
    assert Opener(clerks_private).open(_sealed_phone_box(office, case_id)) is None
    manager = login(office, "manager1")  # the office still reads it
    assert views.open_case(manager, case_id).complainant_phone == PHONE
    auth.logout(manager)


def test_a_grant_entry_written_into_the_slot_file_opens_nothing_after_a_rotation(office: Path) -> None:
    """The clerk goes further: a role row and, in their own slot, an entry for the current key (a
    copy of the officer's box). The administrator then takes officer2's role, so the key is rotated
    to every slot that holds the old one: the clerk's entry gets the new key sealed inside the old
    one, which the clerk never held. Sealed after the rotation, the officer's case stays closed."""
    clerk_id = _sql(office, "clerk1", "SELECT id FROM user WHERE username = 'clerk1'")[0][0]
    _sql(office, "clerk1", "INSERT INTO user_role (user_id, role) VALUES (?, 'officer')", clerk_id)
    with KeySlotFile.update(office) as slots:
        copied = dict(slots.slots[slots.user_slot_id("officer1")][sealing.SLOT_FIELD])
        slots.slots[slots.user_slot_id("clerk1")][sealing.SLOT_FIELD] = copied
    admin = auth.login_local(office, ADMIN, ADMIN_PASSWORD)
    users.set_roles(admin, "officer2", ["clerk"])
    auth.logout(admin)
    file = KeySlotFile.load(office)
    new_id = sealing.key_id(sealing.stored_public())
    assert new_id in file.slots[file.user_slot_id("clerk1")][sealing.SLOT_FIELD]  # it did reach the entry
    officer = login(office, "officer1")
    case_id = register(officer)
    assert officer.identifier_key is not None
    auth.logout(officer)

    keys = _clerks_keys(office)
    assert keys == {}  # neither the copied boxes (sealed to officer1) nor the nested one open
    clerk = login(office, "clerk1")
    assert clerk.identifier_key is None
    auth.logout(clerk)
    for holder in ("officer1", "manager1"):  # the real holders open the nested key
        session = login(office, holder)
        assert session.identifier_key is not None
        assert views.open_case(session, case_id).complainant_phone == PHONE
        auth.logout(session)


def test_a_puppet_manager_made_by_the_administrator_gets_nothing_until_a_manager_grants(office: Path) -> None:
    admin = auth.login_local(office, ADMIN, ADMIN_PASSWORD)
    users.add_user(admin, "puppet", "傀儡主任", ["manager"], USER_PASSWORD)  # the admin knows this password
    auth.logout(admin)
    officer = login(office, "officer1")
    case_id = register(officer)
    auth.logout(officer)

    puppet = login(office, "puppet")
    assert puppet.identifier_key is None
    auth.change_own_password(puppet, USER_PASSWORD, NEW_PASSWORD)
    assert views.open_case(puppet, case_id).complainant_phone != PHONE
    auth.logout(puppet)
    file = KeySlotFile.load(office)
    assert not file.slots[file.user_slot_id("puppet")].get(sealing.SLOT_FIELD)
    for holder in ("officer1", "manager1"):
        auth.logout(login(office, holder))
    puppet = auth.login_local(office, "puppet", NEW_PASSWORD)
    assert puppet.identifier_key is None
    with pytest.raises(ValidationError, match="没有标识密钥"):  # nor can it hand itself what it lacks
        key_grants.grant(puppet, "puppet")
    auth.logout(puppet)

    manager = login(office, "manager1")
    waiting = {w.username: w for w in key_grants.pending(manager)}
    assert waiting["puppet"].given_by == "周建国" and waiting["puppet"].given_at is not None
    key_grants.grant(manager, "puppet")  # the real manager decides
    auth.logout(manager)
    puppet = auth.login_local(office, "puppet", NEW_PASSWORD)
    assert views.open_case(puppet, case_id).complainant_phone == PHONE
    auth.logout(puppet)


def test_a_new_officer_reads_identifiers_once_a_manager_granted_the_key(office: Path) -> None:
    """The normal path: the administrator adds an officer, the officer chooses their password, the
    manager grants; the grant is audited with the account's name and who gave the role."""
    admin = auth.login_local(office, ADMIN, ADMIN_PASSWORD)
    users.add_user(admin, "officer3", "孙专员", ["officer"], USER_PASSWORD)
    auth.logout(admin)
    officer = login(office, "officer1")
    case_id = register(officer)
    auth.logout(officer)

    manager = login(office, "manager1")
    with pytest.raises(ValidationError, match="初始密码"):
        key_grants.grant(manager, "officer3")  # the administrator still knows the password
    auth.logout(manager)
    new = login(office, "officer3")
    auth.change_own_password(new, USER_PASSWORD, NEW_PASSWORD)
    auth.logout(new)

    manager = login(office, "manager1")
    (waiting,) = key_grants.pending(manager)
    assert (waiting.username, waiting.roles, waiting.given_by, waiting.ready) == (
        "officer3",
        ("officer",),
        "周建国",
        True,
    )
    key_grants.grant(manager, "officer3")
    auth.logout(manager)
    entry = AuditEntry.get((AuditEntry.action == "identifiers.key_granted") & (AuditEntry.target == "officer3"))
    assert (entry.actor, entry.target) == ("manager1", "officer3")
    assert json.loads(entry.detail)["role_given_by"] == ADMIN

    officer3 = auth.login_local(office, "officer3", NEW_PASSWORD)
    assert views.open_case(officer3, case_id).complainant_phone == PHONE
    auth.change_own_password(officer3, NEW_PASSWORD, "Sun2026#second")  # a new slot keeps the key
    auth.logout(officer3)
    officer3 = auth.login_local(office, "officer3", "Sun2026#second")
    assert officer3.identifier_key is not None
    auth.logout(officer3)


def test_only_a_manager_holding_the_key_grants_and_only_to_office_roles(office: Path) -> None:
    officer = login(office, "officer1")
    with pytest.raises(PermissionDenied):
        key_grants.grant(officer, "officer2")
    with pytest.raises(PermissionDenied):
        key_grants.pending(officer)
    auth.logout(officer)
    admin = auth.login_local(office, ADMIN, ADMIN_PASSWORD)
    with pytest.raises(PermissionDenied):
        key_grants.grant(admin, "officer2")
    auth.logout(admin)
    manager = login(office, "manager1")
    with pytest.raises(ValidationError, match="没有专员或主任角色"):
        key_grants.grant(manager, "clerk1")
    auth.logout(manager)
    file = KeySlotFile.load(office)
    assert not file.slots[file.user_slot_id("clerk1")].get(sealing.SLOT_FIELD)
    granted = AuditEntry.select().where(AuditEntry.action == "identifiers.key_granted")
    assert sorted(e.target for e in granted) == ["officer1", "officer2"]  # the office's, none of these


def test_the_first_manager_holds_the_key_from_the_start_and_a_clerk_cannot_make_one(
    db_path: Path, fake_clock: FakeClock
) -> None:
    """On a new database the key is made at the first manager's sign-in and sealed to their slot and
    the recovery slot. A clerk who wrote themselves a manager role first makes none: the key needs
    a slot file with no grant in it *and* is made only for the manager role, and the clerk's forged
    row is found in the manager's list."""
    sealed_office(db_path, (("manager1", "李主任", "manager"), ("clerk1", "赵文员", "clerk")))
    file = KeySlotFile.load(db_path)
    granted = {sid for sid, slot in file.slots.items() if slot.get(sealing.SLOT_FIELD)}
    assert granted == {file.user_slot_id("manager1"), "recovery"}
    public = sealing.stored_public()
    clerk_id = _sql(db_path, "clerk1", "SELECT id FROM user WHERE username = 'clerk1'")[0][0]
    _sql(db_path, "clerk1", "INSERT INTO user_role (user_id, role) VALUES (?, 'manager')", clerk_id)
    clerk = login(db_path, "clerk1")
    assert clerk.identifier_key is None and sealing.stored_public() == public
    auth.logout(clerk)
    assert _clerks_keys(db_path) == {}
