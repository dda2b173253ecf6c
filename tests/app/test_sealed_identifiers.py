"""Sealed identifiers in local mode, tested as the attack: a clerk unwraps their own key slot, opens
the SQLCipher file with plain SQL (and decrypts every page by hand) and looks for full numbers."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from app import auth, key_grants, sealed_data, sealing, users
from app.account import account_summary
from app.cases import intake, search, views
from app.keyslots import KeySlotFile, parse_recovery_key
from models.database import EncryptedDatabase, close_current
from models.migrations import SCHEMA_VERSION, STEPS, ensure_schema
from models.schema import SchemaVersion
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, HOSPITAL, USER_PASSWORD
from tests.support.cases import ID_NUMBER, PHONE, FakeClock, register
from tests.support.pages import decrypted_pages
from tests.support.sealed import login, sealed_office

ADDRESS = "江苏省南京市鼓楼区中山北路三二一号"
RECORD = "MZ2026031000471"
OTHER_PHONE = "13655557777"
OTHER_ID = "320106198805170416"
SECRETS = (PHONE, ID_NUMBER, ADDRESS, RECORD, OTHER_PHONE, OTHER_ID)


_login = login


@pytest.fixture
def office(db_path: Path, fake_clock: FakeClock) -> Path:
    """A manager, an officer and a clerk; the manager has signed in once (the identifier key exists)."""
    return sealed_office(
        db_path,
        (
            ("manager1", "李主任", "manager"),
            ("officer1", "王专员", "officer"),
            ("clerk1", "赵文员", "clerk"),
        ),
    )


def _cases(office: Path) -> tuple[int, int]:
    """One case registered by the officer (somebody else's, for the clerk), one by the clerk."""
    officer = _login(office, "officer1")
    theirs = register(
        officer,
        complainant_phone=OTHER_PHONE,
        complainant_id_number=OTHER_ID,
        complainant_address=ADDRESS,
        patient_record_no=RECORD,
    )
    auth.logout(officer)
    clerk = _login(office, "clerk1")
    own = register(clerk)
    auth.logout(clerk)
    return theirs, own


def _all_text(path: Path, key: bytes) -> str:
    """Every value of every table, read with plain SQL."""
    db = EncryptedDatabase(path, key)
    db.connect()
    try:
        tables = [r[0] for r in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table'")]
        values = []
        for table in tables:
            for row in db.execute_sql(f'SELECT * FROM "{table}"'):
                values += [str(v) for v in row if v is not None]
        return "\n".join(values)
    finally:
        db.close()


def test_a_clerks_key_reads_no_full_identifier_with_plain_sql_or_in_any_page(office: Path) -> None:
    _cases(office)
    close_current()
    clerk_key = KeySlotFile.load(office).unwrap_user("clerk1", USER_PASSWORD)
    text = _all_text(office, clerk_key)
    mask = base64.b64encode(b"139****5678").decode()
    assert f"s1:{mask}:" in text  # the mask is stored beside the sealed value, for the roles that see masks
    for secret in SECRETS:
        assert secret not in text, secret
    pages = decrypted_pages(office, clerk_key)
    assert b"SQLite format" not in pages[:16] and pages[:2] == b"\x10\x00"  # really decrypted: page size 4096
    for secret in SECRETS:
        assert secret.encode("utf-8") not in pages, secret
    assert not Path(f"{office}-wal").exists() or not Path(f"{office}-wal").stat().st_size


def test_the_clerks_slot_holds_no_identifier_key_the_office_slots_do(office: Path) -> None:
    slots = json.loads(KeySlotFile.sidecar_for(office).read_text(encoding="utf-8"))["slots"]
    file = KeySlotFile.load(office)
    granted = {sid for sid, slot in slots.items() if slot.get(sealing.SLOT_FIELD)}
    assert granted == {file.user_slot_id("manager1"), file.user_slot_id("officer1"), "recovery"}


def test_the_office_sees_full_identifiers_and_the_clerk_masks(office: Path, fake_clock: FakeClock) -> None:
    theirs, own = _cases(office)
    officer = _login(office, "officer1")
    view = views.open_case(officer, theirs)
    assert (view.complainant_phone, view.complainant_id_number) == (OTHER_PHONE, OTHER_ID)
    assert (view.complainant_address, view.patient_record_no) == (ADDRESS, RECORD)
    assert views.open_case(officer, own).complainant_phone == PHONE
    assert search.search(officer, OTHER_ID) == [theirs]  # exact look-up through the blind index
    auth.logout(officer)

    clerk = _login(office, "clerk1")
    mine = views.open_case(clerk, own)
    assert (mine.complainant_phone, mine.complainant_id_number) == (PHONE, ID_NUMBER)  # registered today
    other = views.open_case(clerk, theirs)
    assert other.complainant_phone == "136****7777"
    assert other.complainant_address == "江苏省南京市****" and other.patient_record_no == "MZ***********71"
    auth.logout(clerk)

    fake_clock.advance(days=1)
    clerk = _login(office, "clerk1")
    assert views.open_case(clerk, own).complainant_phone == "139****5678"  # the next day: masked
    auth.logout(clerk)


def test_the_clerks_duplicate_check_finds_other_peoples_cases_masked(office: Path) -> None:
    theirs, _own = _cases(office)
    clerk = _login(office, "clerk1")
    found = intake.find_duplicates(clerk, phone=OTHER_PHONE)
    assert [c.case_id for c in found] == [theirs]
    assert OTHER_PHONE not in repr(found) and OTHER_ID not in repr(found)
    new_case = register(clerk, complainant_phone=OTHER_PHONE)  # intake still writes
    auth.logout(clerk)
    officer = _login(office, "officer1")
    assert views.open_case(officer, new_case).complainant_phone == OTHER_PHONE
    auth.logout(officer)


def test_grants_follow_roles(office: Path) -> None:
    """An officer added by the administrator holds no key, whoever signs in, until a manager grants
    it; a role change takes it away at once."""
    admin = auth.login_local(office, ADMIN, ADMIN_PASSWORD)
    users.add_user(admin, "officer2", "钱专员", ["officer"], USER_PASSWORD, must_change_password=False)
    file = KeySlotFile.load(office)
    assert sealing.SLOT_FIELD not in file.slots[file.user_slot_id("officer2")]
    auth.logout(admin)
    early = _login(office, "officer2")  # before a manager granted: masks, and the home says why
    assert early.identifier_key is None and account_summary(early).identifier_key_pending
    auth.logout(early)
    for holder in ("officer1", "manager1"):  # holders signing in grant nothing by themselves
        auth.logout(_login(office, holder))
    file = KeySlotFile.load(office)
    assert not file.slots[file.user_slot_id("officer2")].get(sealing.SLOT_FIELD)
    manager = _login(office, "manager1")
    assert [w.username for w in key_grants.pending(manager)] == ["officer2"]
    key_grants.grant(manager, "officer2")
    assert key_grants.pending(manager) == []
    auth.logout(manager)
    officer2 = _login(office, "officer2")
    assert officer2.identifier_key is not None and not account_summary(officer2).identifier_key_pending
    auth.logout(officer2)

    admin = auth.login_local(office, ADMIN, ADMIN_PASSWORD)
    users.set_roles(admin, "officer2", ["clerk"])
    file = KeySlotFile.load(office)
    assert sealing.SLOT_FIELD not in file.slots[file.user_slot_id("officer2")]
    auth.logout(admin)
    assert _login(office, "officer2").identifier_key is None


def test_upgrade_of_a_previous_schema_database_seals_its_identifiers(
    db_path: Path, fake_clock: FakeClock
) -> None:
    """A database of the step before: identifiers in plain text with plain indexes. The first sign-in
    of a manager after the upgrade makes the key and seals them; the office still reads them."""
    admin, _recovery = auth.create_local_database(db_path, ADMIN, "周建国", ADMIN_PASSWORD, HOSPITAL)
    users.add_user(admin, "manager1", "李主任", ["manager"], USER_PASSWORD, must_change_password=False)
    users.add_user(admin, "clerk1", "赵文员", ["clerk"], USER_PASSWORD, must_change_password=False)
    auth.logout(admin)
    clerk = _login(db_path, "clerk1")
    case_id = register(clerk, complainant_address=ADDRESS, patient_record_no=RECORD)
    db = clerk.db
    before = max(v for v in STEPS if v < 13)  # the step before sealing
    db.execute_sql('CREATE INDEX "complainant_phone" ON "complainant" ("phone")')
    SchemaVersion.delete().execute()
    SchemaVersion.create(version=before, applied_at="2026-03-01 09:00:00")
    auth.logout(clerk)
    key = KeySlotFile.load(db_path).unwrap_user("clerk1", USER_PASSWORD)
    assert PHONE in _all_text(db_path, key)  # as the previous version left it

    manager = _login(db_path, "manager1")
    assert ensure_schema(manager.db) == SCHEMA_VERSION
    assert views.open_case(manager, case_id).complainant_phone == PHONE
    indexes = [r[0] for r in manager.db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index'")]
    assert "complainant_phone" not in indexes
    auth.logout(manager)
    close_current()
    text = _all_text(db_path, key)
    pages = decrypted_pages(db_path, key)
    for secret in (PHONE, ID_NUMBER, ADDRESS, RECORD):
        assert secret not in text and secret.encode("utf-8") not in pages, secret


def test_key_rotation_backup_and_restore_keep_the_office_reading(office: Path, tmp_path: Path) -> None:
    """Disabling a user re-encrypts the database (the grants move with the slots); a backup carries
    the slot file, so the restored copy opens for the officer in full and for the clerk masked."""
    from app.records import backup, restore
    from app.records.restore import Credentials

    theirs, _own = _cases(office)
    admin = auth.login_local(office, ADMIN, ADMIN_PASSWORD)
    users.add_user(admin, "clerk2", "孙文员", ["clerk"], USER_PASSWORD, must_change_password=False)
    users.set_active(admin, "clerk2", False)  # rekeys the database
    result = backup.take_backup(admin, tmp_path / "备份")
    auth.logout(admin)
    officer = _login(office, "officer1")
    assert views.open_case(officer, theirs).complainant_id_number == OTHER_ID
    auth.logout(officer)

    target = tmp_path / "restored" / "complaints.db"
    restore.restore_backup(result.path, target, Credentials(ADMIN, ADMIN_PASSWORD))
    close_current()
    officer = _login(target, "officer1")
    assert views.open_case(officer, theirs).complainant_id_number == OTHER_ID
    auth.logout(officer)
    clerk_key = KeySlotFile.load(target).unwrap_user("clerk1", USER_PASSWORD)
    assert OTHER_ID not in _all_text(target, clerk_key)


def test_the_recovery_key_keeps_the_identifier_key(db_path: Path, fake_clock: FakeClock) -> None:
    """The recovery slot holds the identifier key; after a recovery (new recovery key) it still does."""
    admin, recovery = auth.create_local_database(db_path, ADMIN, "周建国", ADMIN_PASSWORD, HOSPITAL)
    users.add_user(admin, "manager1", "李主任", ["manager"], USER_PASSWORD, must_change_password=False)
    auth.logout(admin)
    auth.logout(_login(db_path, "manager1"))
    session, new_recovery = auth.recover_with_key(db_path, recovery, ADMIN, "Another-Passw0rd!x")
    assert session.identifier_key is None  # the administrator does not keep it
    auth.logout(session)
    file = KeySlotFile.load(db_path)
    key = file.unwrap_recovery(parse_recovery_key(new_recovery))
    auth.logout(_login(db_path, "manager1"))  # the database is open again, for the public key
    assert sealed_data.key_from(file.opened[key]) is not None


def test_stored_files_are_sealed_from_the_clerk_and_open_for_the_office(
    office: Path, fake_clock: FakeClock
) -> None:
    """Issued PDFs and attachments carry full identifiers (登记表, an ID card scan): sealed like them."""
    from app.cases import documents, overlays

    theirs, own = _cases(office)
    scan = b"ID-CARD-SCAN " + OTHER_ID.encode()
    officer = _login(office, "officer1")
    info, pdf = documents.issue(officer, theirs, "registration")
    attachment = overlays.add_attachment(officer, theirs, "身份证.jpg", scan, "身份证复印件")
    auth.logout(officer)
    clerk = _login(office, "clerk1")
    own_info, own_pdf = documents.issue(clerk, own, "registration")
    assert documents.stored_pdf(clerk, own_info.id) == own_pdf  # their own, today: the original
    auth.logout(clerk)
    close_current()

    clerk_key = KeySlotFile.load(office).unwrap_user("clerk1", USER_PASSWORD)
    pages = decrypted_pages(office, clerk_key)
    assert b"%PDF" not in pages and b"ID-CARD-SCAN" not in pages

    officer = _login(office, "officer1")
    assert documents.stored_pdf(officer, info.id) == pdf
    assert overlays.attachment_data(officer, attachment)[2] == scan
    auth.logout(officer)
    fake_clock.advance(days=1)
    clerk = _login(office, "clerk1")
    masked = documents.stored_pdf(clerk, own_info.id)  # the next day: a masked copy, rendered again
    assert masked.startswith(b"%PDF") and masked != own_pdf
    auth.logout(clerk)


def test_the_look_up_index_does_not_unmask_a_phone_offline(office: Path) -> None:
    """The clerk has the index key (the duplicate check needs it) and sees the mask 136****7777: trying
    all ten thousand numbers the mask leaves open against the stored index leaves hundreds standing."""
    _cases(office)
    close_current()
    key = KeySlotFile.load(office).unwrap_user("clerk1", USER_PASSWORD)
    db = EncryptedDatabase(office, key)
    db.connect()
    try:
        index_key = json.loads(
            db.execute_sql("SELECT value FROM setting WHERE key = ?", (sealing.INDEX_SETTING,)).fetchone()[0]
        )
        stored = {row[0] for row in db.execute_sql("SELECT phone_index FROM complainant")}
    finally:
        db.close()
    guesser = sealing.LocalSealer(sealing.sealedbox.new_keypair()[1], base64.b64decode(index_key))
    standing = [n for n in (f"136{i:04d}7777" for i in range(10000)) if guesser.blind("phone", n) in stored]
    assert OTHER_PHONE in standing and len(standing) > 300
