"""Restricted cases' content sealed in local mode, tested as the attack: a clerk unwraps their own key
slot, opens a copy of the SQLCipher file with plain SQL (every table, the text indexes' shadow tables,
a plain export, every decrypted page) and looks for the marker texts of a restricted case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app import auth, key_grants, sealedbox, sealing, users
from app.cases import acceptance, overlays, reply, search, views
from app.errors import ValidationError
from app.keyslots import KeySlotFile
from models.cases import Case, CaseText
from models.fields import CONTENT_PREFIX
from models.migrations import SCHEMA_VERSION, STEPS, ensure_schema
from models.schema import SchemaVersion
from models.sealed_content import Opener
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, USER_PASSWORD
from tests.support.cases import FakeClock, register
from tests.support.sealed import OFFICE, login, probe, restored_copy, sealed_office

NARRATIVE = "保密叙述标记丙丁戊己庚辛壬癸"
DEMANDS = "保密诉求标记子丑寅卯辰巳午未"
FACTS = "保密事实标记天地玄黄宇宙洪荒"
PHONE = "13655550199"
ID_NUMBER = "320106198805170416"
MARKERS = (NARRATIVE, DEMANDS, FACTS, PHONE, ID_NUMBER)


_login = login


@pytest.fixture
def office(db_path: Path, fake_clock: FakeClock) -> Path:
    """A manager, two officers and a clerk; the manager has signed in once (the identifier key exists)."""
    return sealed_office(db_path, OFFICE)


def _restricted_case(office: Path) -> int:
    """Registered by the clerk with the markers, accepted and drafted by the officer, then made 保密
    by the manager with the officer named."""
    clerk = _login(office, "clerk1")
    case_id = register(
        clerk, content=NARRATIVE, demands=DEMANDS, complainant_phone=PHONE, complainant_id_number=ID_NUMBER
    )
    auth.logout(clerk)
    officer = _login(office, "officer1")
    acceptance.accept(officer, case_id)
    auth.logout(officer)
    manager = _login(office, "manager1")
    overlays.restrict(manager, case_id, True, ["officer1"])
    auth.logout(manager)
    return case_id


def _draft(office: Path, case_id: int, username: str, facts: str) -> None:
    """拟稿 by `username` with `facts` (in its own sign-in)."""
    session = _login(office, username)
    try:
        reply.save_draft(
            session,
            case_id,
            facts=facts,
            finding="upheld",
            resolution="致歉",
            base_revision=reply.current_revision(case_id),
        )
    finally:
        auth.logout(session)


def _probe(office: Path, tmp_path: Path, username: str = "clerk1", password: str = USER_PASSWORD) -> None:
    probe(office, tmp_path, MARKERS, username, password)


@pytest.mark.parametrize(
    ("username", "password"), [("clerk1", USER_PASSWORD), ("night1", USER_PASSWORD), (ADMIN, ADMIN_PASSWORD)]
)
def test_a_clerks_key_finds_no_restricted_text_anywhere(
    office: Path, tmp_path: Path, username: str, password: str
) -> None:
    """The clerk's, the night duty's and the administrator's own slots: none holds the identifier key."""
    case_id = _restricted_case(office)
    _draft(office, case_id, "officer1", FACTS)
    _probe(office, tmp_path, username, password)

    officer = _login(office, "officer1")  # named: reads it all in the application
    view = views.open_case(officer, case_id)
    assert (view.content, view.demands, view.complainant_phone) == (NARRATIVE, DEMANDS, PHONE)
    assert view.facts == FACTS
    auth.logout(officer)


def test_the_office_finds_a_restricted_case_by_number_and_identifier_not_by_its_text(office: Path) -> None:
    case_id = _restricted_case(office)
    case_no = Case.get_by_id(case_id).case_no
    manager = _login(office, "manager1")
    assert search.search(manager, case_no) == [case_id]
    assert search.search(manager, PHONE) == [case_id]
    assert search.search(manager, ID_NUMBER) == [case_id]
    assert search.search(manager, NARRATIVE[4:10]) == []  # the text index holds the number only
    # nor the names; the holder finds the case by them, opened from the sealed names (app/cases/sealed_names.py)
    assert search.search(manager, "张桂兰") == [case_id]
    auth.logout(manager)


def test_lifting_the_restriction_stores_the_texts_plain_and_indexes_them_again(office: Path) -> None:
    case_id = _restricted_case(office)
    manager = _login(office, "manager1")
    sealed = manager.db.execute_sql("SELECT content FROM case_text WHERE case_id = ?", (case_id,)).fetchone()
    assert sealed[0].startswith(CONTENT_PREFIX)
    overlays.restrict(manager, case_id, False)
    stored = manager.db.execute_sql(
        "SELECT content, demands FROM case_text WHERE case_id = ?", (case_id,)
    ).fetchone()
    assert stored == (NARRATIVE, DEMANDS)
    assert search.search(manager, NARRATIVE[4:10]) == [case_id]
    auth.logout(manager)


def test_a_major_case_is_sealed_when_the_office_takes_it(office: Path) -> None:
    """重大 at intake: restricted (and sealed) at 受理, in the same transaction as the timeline entry."""
    clerk = _login(office, "clerk1")
    case_id = register(clerk, content=NARRATIVE, demands=DEMANDS, severity="major")
    auth.logout(clerk)
    officer = _login(office, "officer1")
    acceptance.accept(officer, case_id)
    row = officer.db.execute_sql("SELECT content FROM case_text WHERE case_id = ?", (case_id,)).fetchone()
    assert Case.get_by_id(case_id).restricted and row[0].startswith(CONTENT_PREFIX)
    assert views.open_case(officer, case_id).content == NARRATIVE  # the officer who took it is named
    auth.logout(officer)


def test_lifting_needs_the_key_and_loses_nothing_without_it(office: Path) -> None:
    """A manager whose slot has not been given the key yet cannot lift the restriction: refused in
    Chinese, the case stays restricted and sealed."""
    case_id = _restricted_case(office)
    admin = auth.login_local(office, ADMIN, ADMIN_PASSWORD)
    users.add_user(admin, "manager2", "孙主任", ["manager"], USER_PASSWORD, must_change_password=False)
    auth.logout(admin)
    manager2 = _login(office, "manager2")
    assert manager2.identifier_key is None
    with pytest.raises(ValidationError, match="没有标识密钥"):
        overlays.restrict(manager2, case_id, False)
    assert Case.get_by_id(case_id).restricted
    assert CaseText.get_by_id(case_id).content != NARRATIVE  # a placeholder: the key is not there
    auth.logout(manager2)


def test_an_officer_stripped_of_the_role_cannot_open_what_is_sealed_afterwards(
    office: Path, tmp_path: Path
) -> None:
    """Key rotation: the officer copies their key slot, loses the role; content sealed after that is
    sealed to a new key, which their old slot cannot open. What was sealed before, it still opens."""
    before = _restricted_case(office)
    old_copy = tmp_path / "old" / "complaints.db"  # the officer's copy of the slot file, taken before
    old_copy.parent.mkdir()
    shutil.copyfile(KeySlotFile.sidecar_for(office), KeySlotFile.sidecar_for(old_copy))
    old_public = sealing.stored_public()
    admin = auth.login_local(office, ADMIN, ADMIN_PASSWORD)
    users.set_roles(admin, "officer2", ["clerk"])
    assert sealing.stored_public() != old_public  # a new identifier key
    auth.logout(admin)
    after = _restricted_case(office)

    # the copied slot, opened with officer2's password: every identifier key it holds
    copy = KeySlotFile.load(old_copy)
    slot, slot_private = copy.opened[copy.unwrap_user("officer2", USER_PASSWORD)]
    stolen = [sealedbox.open_sealed(slot_private, box) for box in slot[sealing.SLOT_FIELD].values()]
    assert stolen and all(stolen)
    opener = Opener(*stolen)
    clerk = _login(office, "clerk1")
    sql = "SELECT case_id, content FROM case_text WHERE case_id IN (?, ?)"
    texts = dict(clerk.db.execute_sql(sql, (before, after)).fetchall())
    auth.logout(clerk)
    # what they could already have copied, and what they cannot open
    assert opener.open(texts[before][len(CONTENT_PREFIX) :]) == NARRATIVE
    assert opener.open(texts[after][len(CONTENT_PREFIX) :]) is None

    for username in ("manager1", "officer1"):  # the office reads both, old and new
        session = _login(office, username)
        assert views.open_case(session, before).content == NARRATIVE
        assert views.open_case(session, after).content == NARRATIVE
        auth.logout(session)


def test_disabling_a_holder_rotates_the_key_and_new_officers_get_every_key(office: Path) -> None:
    before = _restricted_case(office)
    old_public = sealing.stored_public()
    admin = auth.login_local(office, ADMIN, ADMIN_PASSWORD)
    users.set_active(admin, "officer2", False)
    assert sealing.stored_public() != old_public
    users.add_user(admin, "officer3", "吴专员", ["officer"], USER_PASSWORD, must_change_password=False)
    auth.logout(admin)
    after = _restricted_case(office)
    manager = _login(office, "manager1")
    key_grants.grant(manager, "officer3")  # the manager's act: officer3 gets the current and the older key
    overlays.restrict(manager, before, True, ["officer1", "officer3"])
    overlays.restrict(manager, after, True, ["officer1", "officer3"])
    auth.logout(manager)
    officer3 = _login(office, "officer3")
    assert views.open_case(officer3, before).content == NARRATIVE
    assert views.open_case(officer3, after).content == NARRATIVE
    auth.logout(officer3)


def test_upgrade_of_a_previous_schema_database_seals_its_restricted_cases(
    office: Path, tmp_path: Path, fake_clock: FakeClock
) -> None:
    """A database of the step before: a restricted case with its texts plain and fully indexed. Step
    22 seals them (in its transaction, reporting progress); the office still reads them."""
    case_id = _restricted_case(office)
    manager = _login(office, "manager1")
    db = manager.db
    with manager.db.atomic():  # as the previous version stored it
        db.execute_sql(
            "UPDATE case_text SET content = ?, demands = ? WHERE case_id = ?", (NARRATIVE, DEMANDS, case_id)
        )
        db.execute_sql("DELETE FROM case_fts WHERE rowid = ?", (case_id,))
        db.execute_sql(
            "INSERT INTO case_fts (rowid, case_no, people, content, departments, category) VALUES (?, ?, '', ?, '', '')",
            (case_id, Case.get_by_id(case_id).case_no, f"{NARRATIVE}\n{DEMANDS}"),
        )
        SchemaVersion.delete().execute()
        SchemaVersion.create(version=max(v for v in STEPS if v < 22), applied_at="2026-03-01 09:00:00")
    assert search.search(manager, NARRATIVE[4:10]) == [case_id]
    heard: list[tuple[int, int, str]] = []
    assert ensure_schema(db, progress=lambda done, total, text: heard.append((done, total, text))) < 22
    assert SchemaVersion.select().order_by(SchemaVersion.version.desc()).first().version == SCHEMA_VERSION
    assert (1, 1, "正在密封保密案件的内容") in heard
    assert search.search(manager, NARRATIVE[4:10]) == []
    assert views.open_case(manager, case_id).content == NARRATIVE
    auth.logout(manager)
    _probe(office, tmp_path)


def test_a_backup_restored_keeps_restricted_texts_sealed_from_the_clerk(office: Path, tmp_path: Path) -> None:
    case_id = _restricted_case(office)
    target = restored_copy(office, tmp_path)
    _probe(target, tmp_path)
    manager = _login(target, "manager1")
    assert views.open_case(manager, case_id).content == NARRATIVE
    auth.logout(manager)


def test_an_officer_without_the_key_yet_cannot_store_the_placeholder_as_the_text(office: Path) -> None:
    """Named on a restricted case while their slot has no grant yet (it comes at a holder's next
    sign-in), an officer sees a placeholder; saving it back is refused in Chinese and the draft
    stays as it was."""
    case_id = _restricted_case(office)
    _draft(office, case_id, "officer1", FACTS)
    manager = _login(office, "manager1")
    overlays.restrict(manager, case_id, True, ["officer1", "officer2"])
    auth.logout(manager)
    with KeySlotFile.update(office) as slots:  # as an officer added since the last holder's sign-in
        slots.slots[slots.user_slot_id("officer2")].pop(sealing.SLOT_FIELD)
    officer2 = _login(office, "officer2")
    view = views.open_case(officer2, case_id)
    assert officer2.identifier_key is None and view.facts == sealing.SEALED_CONTENT
    with pytest.raises(ValidationError, match="没有标识密钥"):
        reply.save_draft(
            officer2,
            case_id,
            facts=view.facts,
            finding="upheld",
            resolution="致歉",
            base_revision=reply.current_revision(case_id),
        )
    auth.logout(officer2)
    officer = _login(office, "officer1")
    assert views.open_case(officer, case_id).facts == FACTS
    auth.logout(officer)


def test_list_cards_and_duplicate_candidates_show_the_opened_text_to_the_office(office: Path) -> None:
    """Lists and the duplicate check read a short piece of the narrative: for a restricted case the
    sealed text is read whole and opened (a piece of it would not open)."""
    from app.cases import board, intake

    case_id = _restricted_case(office)
    manager = _login(office, "manager1")
    assert [card.summary for card in board.cards_for(manager, [case_id])] == [NARRATIVE]
    found = intake.find_duplicates(manager, phone=PHONE)
    assert [(c.case_id, c.summary) for c in found] == [(case_id, NARRATIVE)]
    auth.logout(manager)
