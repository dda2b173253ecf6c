"""重复投诉 on a sealed local database: the repeat keys are exact (two people whose coarse look-up
indexes collide are no repeat of each other), made only by holders of the identifier key; what the
front desk writes waits as a pending key that a holder settles; and nobody who opens the file with a
low role's key can test a phone number against the keys."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from app import auth, sealed_data, sealing, users
from app.cases import acceptance, documents
from app.errors import PermissionDenied
from app.keyslots import KeySlotFile
from app.statistics import person_keys, service, store
from models.accounts import Setting
from models.audit import AuditEntry
from models.database import EncryptedDatabase, close_current
from models.fields import current_cipher
from models.statistics import CaseStat, StatPersonKey
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, HOSPITAL, USER_PASSWORD
from tests.support.cases import FakeClock, register
from tests.support.sealed import login, sealed_office

PEOPLE = (("manager1", "李主任", "manager"), ("officer1", "王专员", "officer"), ("clerk1", "赵文员", "clerk"))
FIRST = "13600007777"


@pytest.fixture
def office(db_path: Path, fake_clock: FakeClock) -> Path:
    return sealed_office(db_path, PEOPLE)


def _twin(first: str = FIRST) -> str:
    """Another phone number with the same mask and the same bucket: the same coarse look-up index."""
    sealer = current_cipher()
    wanted = sealer.blind("phone", first)
    return next(
        n for n in (f"136{i:04d}7777" for i in range(1, 10000)) if n != first and sealer.blind("phone", n) == wanted
    )


def _case(session: auth.Session, phone: str) -> int:
    return register(session, complainant_phone=phone, complainant_id_number="", patient_record_no="")


def _repeat(case_id: int) -> bool:
    return CaseStat.get(CaseStat.case == case_id).is_repeat


def _keys(case_id: int) -> set[str]:
    return {k for (k,) in StatPersonKey.select(StatPersonKey.key).where(StatPersonKey.case == case_id).tuples()}


def _recounted_flags() -> dict[int, bool]:
    return {r.case["case"]: r.case["is_repeat"] for r in store.recount()}


def test_people_whose_coarse_indexes_collide_are_no_repeats(office: Path, fake_clock: FakeClock) -> None:
    officer = login(office, "officer1")
    twin = _twin()
    first = _case(officer, FIRST)
    fake_clock.advance(days=1)
    other = _case(officer, twin)
    fake_clock.advance(days=1)
    again = _case(officer, FIRST)
    assert (_repeat(first), _repeat(other), _repeat(again)) == (False, False, True)
    assert _keys(first) == _keys(again) != _keys(other)
    assert all(k.startswith(person_keys.EXACT) for k in _keys(first) | _keys(other))
    assert _recounted_flags() == {first: False, other: False, again: True}  # the recount agrees
    auth.logout(officer)


def test_the_front_desk_leaves_pending_keys_that_a_holder_settles(office: Path, fake_clock: FakeClock) -> None:
    clerk = login(office, "clerk1")
    first = _case(clerk, FIRST)
    assert {k[0] for k in _keys(first)} == {person_keys.PENDING}  # the front desk makes no key
    auth.logout(clerk)
    officer = login(office, "officer1")
    acceptance.accept(officer, first)  # a holder's write makes it exact
    exact = _keys(first)
    assert {k[0] for k in exact} == {person_keys.EXACT}
    auth.logout(officer)
    fake_clock.advance(days=2)
    clerk = login(office, "clerk1")
    documents.issue(clerk, first, "receipt")  # a write of the first case by the front desk ...
    assert _keys(first) == exact  # ... keeps its exact key: its phone is the one the key was made from
    again = _case(clerk, FIRST)
    assert {k[0] for k in _keys(again)} == {person_keys.PENDING} and not _repeat(again)
    assert not service.repeat_keys_pending(clerk)
    with pytest.raises(PermissionDenied):
        service.settle_repeat_keys(clerk, lambda *_: None)
    auth.logout(clerk)

    officer = login(office, "officer1")
    assert service.repeat_keys_pending(officer)
    assert service.settle_repeat_keys(officer, lambda *_: None) == 1
    assert _keys(again) == exact and _repeat(again) and not _repeat(first)
    assert _recounted_flags() == {first: False, again: True}
    assert not service.repeat_keys_pending(officer)
    entry = AuditEntry.select().order_by(AuditEntry.seq.desc()).get()
    assert entry.action == "statistics.repeat_keys_settled" and json.loads(entry.detail)["cases"] == 1
    auth.logout(officer)


def test_a_low_role_reading_the_file_cannot_test_a_number_against_the_keys(
    office: Path, fake_clock: FakeClock
) -> None:
    """The clerk holds the database key and the look-up index key, sees the mask 136****7777 and the
    key rows: no hash or HMAC they can compute of the ten thousand numbers the mask leaves open is
    among the keys, and the repeat secret is stored sealed to the identifier key."""
    officer = login(office, "officer1")
    _case(officer, FIRST)
    fake_clock.advance(days=1)
    _case(officer, FIRST)
    auth.logout(officer)
    close_current()
    key = KeySlotFile.load(office).unwrap_user("clerk1", USER_PASSWORD)
    db = EncryptedDatabase(office, key)
    db.connect()
    try:
        stored = {row[0] for row in db.execute_sql("SELECT key FROM stat_person_key")}
        setting = dict(db.execute_sql("SELECT key, value FROM setting").fetchall())
    finally:
        db.close()
    index_key = base64.b64decode(json.loads(setting[sealing.INDEX_SETTING]))
    box = json.loads(setting[sealing.REPEAT_SETTING])
    guesser = sealing.LocalSealer(sealing.sealedbox.new_keypair()[1], index_key)
    candidates = [f"136{i:04d}7777" for i in range(10000)]
    for n in candidates:
        tried = {
            person_keys.hashed("phone", n),
            person_keys.hashed("phone", guesser.blind("phone", n)),
            person_keys.exact(index_key, "phone", n),
        }
        assert not tried & stored, n
    assert len(base64.b64decode(box)) > 32 + 12 + 32  # an ephemeral key, a nonce, the sealed secret


def test_a_database_sealed_with_coarse_keys_is_recounted_with_exact_ones(
    office: Path, fake_clock: FakeClock
) -> None:
    """A database from before the repeat secret: its keys were the coarse indexes (two people shared
    one). The first holder's sign-in makes the secret and asks for a recount; the manager's recount
    makes exact keys."""
    officer = login(office, "officer1")
    other = _case(officer, _twin())
    fake_clock.advance(days=1)
    first = _case(officer, FIRST)
    Setting.delete().where(Setting.key == sealing.REPEAT_SETTING).execute()
    StatPersonKey.update(key=person_keys.hashed("phone", "136****7777|3"), source="").execute()
    CaseStat.update(is_repeat=True).where(CaseStat.case == first).execute()
    auth.logout(officer)

    manager = login(office, "manager1")
    assert Setting.get_or_none(Setting.key == sealing.REPEAT_SETTING) is not None
    assert service.rebuild_pending(manager)
    service.rebuild(manager, lambda *_: None)
    assert not _repeat(first) and not _repeat(other)
    assert all(k.startswith(person_keys.EXACT) for k in _keys(first) | _keys(other))
    auth.logout(manager)


def test_the_first_sealing_leaves_no_hash_of_a_plain_number(db_path: Path, fake_clock: FakeClock) -> None:
    """Cases registered before the identifier key existed had keys hashed from the plain numbers: the
    sealing pass asks for the recount, which replaces them."""
    admin, _recovery = auth.create_local_database(db_path, ADMIN, "周建国", ADMIN_PASSWORD, HOSPITAL)
    for username, name, role in PEOPLE:
        users.add_user(admin, username, name, [role], USER_PASSWORD, must_change_password=False)
    auth.logout(admin)
    clerk = login(db_path, "clerk1")
    case_id = _case(clerk, FIRST)
    assert _keys(case_id) == {person_keys.hashed("phone", FIRST)}  # not sealed yet: the value's hash
    auth.logout(clerk)
    manager = login(db_path, "manager1")  # the first holder: the identifier key, the sealing pass
    assert not sealed_data.pending() and service.rebuild_pending(manager)
    service.rebuild(manager, lambda *_: None)
    keys = _keys(case_id)
    assert len(keys) == 1 and next(iter(keys)).startswith(person_keys.EXACT)
    assert not StatPersonKey.select().where(StatPersonKey.key == person_keys.hashed("phone", FIRST)).exists()
    auth.logout(manager)
