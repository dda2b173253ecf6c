"""The rest of a restricted case sealed in local mode: its timeline (department replies, notes), its
投诉事项 and the complainant's and patient's names. Tested as the attack (a clerk's, night duty's or
administrator's own key slot, plain SQL over every table, the text indexes' shadow tables and every
decrypted page), and as the office's work: holders read and find everything, the hash chain still
verifies for the administrator, and a timeline changed before it was sealed is still found."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import audit, auth
from app.cases import acceptance, history, overlays, search, views
from models.cases import Case, CaseEvent
from models.fields import CONTENT_PREFIX
from models.migrations import SCHEMA_VERSION, ensure_schema
from models.schema import SchemaVersion
from models.sealed_content import RESEALED_ACTION
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, USER_PASSWORD
from tests.support.cases import FakeClock, register
from tests.support.sealed import (
    COMPLAINANT,
    ISSUE,
    MARKERS,
    NOTE_AFTER,
    NOTE_BEFORE,
    OFFICE,
    PATIENT,
    RESPONSE,
    login,
    probe,
    restored_copy,
    sealed_office,
    whole_restricted_case,
)

SLOTS = [("clerk1", USER_PASSWORD), ("night1", USER_PASSWORD), (ADMIN, ADMIN_PASSWORD)]


@pytest.fixture
def office(db_path: Path, fake_clock: FakeClock) -> Path:
    return sealed_office(db_path, OFFICE)


_restricted_case = whole_restricted_case


def _timeline_text(view: views.CaseView) -> str:
    return "\n".join(f"{item.summary}\n{item.note}" for item in view.timeline)


def _verified(office: Path) -> audit.VerifyReport:
    """`audit verify` as the administrator, who holds no identifier key."""
    admin = auth.login_local(office, ADMIN, ADMIN_PASSWORD)
    try:
        return audit.verify(session=admin)
    finally:
        auth.logout(admin)


@pytest.mark.parametrize(("username", "password"), SLOTS)
def test_no_slot_but_a_holders_finds_the_timeline_issues_or_names(
    office: Path, tmp_path: Path, username: str, password: str
) -> None:
    case_id = _restricted_case(office)
    probe(office, tmp_path, MARKERS, username, password)

    officer = login(office, "officer1")  # named: reads it all, as before
    view = views.open_case(officer, case_id)
    assert (view.complainant_name, view.patient_name) == (COMPLAINANT, PATIENT)
    assert [issue.summary for issue in view.issues] == [ISSUE]
    timeline = _timeline_text(view)
    assert all(marker in timeline for marker in (NOTE_BEFORE, NOTE_AFTER, RESPONSE, "护理部"))
    assert view.timeline_problem == ""
    auth.logout(officer)


def test_the_chain_verifies_for_the_administrator_over_the_sealed_texts(office: Path) -> None:
    case_id = _restricted_case(office)
    stored = CaseEvent.select().where(CaseEvent.case == case_id).count()
    sealed = CaseEvent.raw(
        "SELECT id FROM case_event WHERE case_id = ? AND substr(summary, 1, 3) = ?", case_id, CONTENT_PREFIX
    )
    assert len(list(sealed)) == stored  # every entry, also those written before the restriction
    report = _verified(office)
    assert report.ok, report.message
    assert history.case_problem(case_id) == ""


def test_lifting_the_restriction_opens_the_timeline_names_and_issues_and_keeps_the_chain(office: Path) -> None:
    case_id = _restricted_case(office)
    manager = login(office, "manager1")
    overlays.restrict(manager, case_id, False)
    db = manager.db
    notes = {r[0] for r in db.execute_sql("SELECT note FROM case_event WHERE case_id = ?", (case_id,))}
    assert {NOTE_BEFORE, NOTE_AFTER, RESPONSE} <= notes
    row = db.execute_sql(
        'SELECT c.patient_name, p.name, c.patient_name_index <> \'\', p.name_index <> \'\' FROM "case" c '
        "JOIN complainant p ON p.id = c.complainant_id WHERE c.id = ?",
        (case_id,),
    ).fetchone()
    assert row == (PATIENT, COMPLAINANT, 1, 1)
    issue = db.execute_sql("SELECT summary FROM case_issue WHERE case_id = ?", (case_id,)).fetchone()
    assert issue == (ISSUE,)
    assert search.search(manager, COMPLAINANT) == [case_id]  # the text index again
    auth.logout(manager)
    report = _verified(office)
    assert report.ok, report.message


def test_holders_find_a_restricted_case_by_name_and_others_do_not(office: Path) -> None:
    case_id = _restricted_case(office)
    db_row = Case.get_by_id(case_id)
    assert (db_row.patient_name_index, db_row.complainant.name_index) == ("", "")  # nothing to test guesses on
    for username, found in (("manager1", [case_id]), ("officer1", [case_id]), ("clerk1", [])):
        session = login(office, username)
        assert search.search(session, COMPLAINANT) == found, username
        assert search.search(session, PATIENT[:2]) == found, username
        assert search.search(session, ISSUE[2:8]) == [], username  # texts: never through the index
        auth.logout(session)


def test_a_holders_name_search_sees_a_case_restricted_since_the_last_search(office: Path) -> None:
    """The opened names are kept between searches only while nothing changed: a case restricted
    after a search (its names sealed, its index rows emptied) is found by the next one."""
    clerk = login(office, "clerk1")
    case_id = register(clerk, complainant_name=COMPLAINANT)
    auth.logout(clerk)
    manager = login(office, "manager1")
    assert search.search(manager, COMPLAINANT) == [case_id]  # through the text index
    overlays.restrict(manager, case_id, True, ["officer1"])
    stored = manager.db.execute_sql(
        'SELECT c.name FROM complainant c JOIN "case" k ON k.complainant_id = c.id WHERE k.id = ?', (case_id,)
    ).fetchone()[0]
    assert stored.startswith(CONTENT_PREFIX)  # sealed: only the name scan can find it now
    assert search.search(manager, COMPLAINANT) == [case_id]  # through the sealed names, read again
    auth.logout(manager)


def test_a_timeline_cut_short_before_the_restriction_is_still_found(office: Path) -> None:
    """The newest entry deleted with plain SQL, then the case made 保密: sealing chains the timeline
    again, but the head it replaced is not the one the audit log recorded, and verify says so."""
    clerk = login(office, "clerk1")
    case_id = register(clerk, complainant_name=COMPLAINANT)
    auth.logout(clerk)
    officer = login(office, "officer1")
    acceptance.accept(officer, case_id)
    overlays.add_note(officer, case_id, NOTE_BEFORE)
    newest = CaseEvent.select().where(CaseEvent.case == case_id).order_by(CaseEvent.seq.desc()).first()
    officer.db.execute_sql("DELETE FROM case_event WHERE id = ?", (newest.id,))
    auth.logout(officer)
    manager = login(office, "manager1")
    overlays.restrict(manager, case_id, True, ["officer1"])
    auth.logout(manager)
    report = _verified(office)
    assert not report.ok
    assert any("在密封或解除密封之前" in line for line in report.timeline_breaks), report.timeline_breaks


def test_an_edited_entry_stays_broken_when_it_is_sealed(office: Path) -> None:
    clerk = login(office, "clerk1")
    case_id = register(clerk)
    auth.logout(clerk)
    officer = login(office, "officer1")
    acceptance.accept(officer, case_id)
    overlays.add_note(officer, case_id, NOTE_BEFORE)
    officer.db.execute_sql(
        "UPDATE case_event SET note = ? WHERE case_id = ? AND seq = 2", ("改过的备注", case_id)
    )
    auth.logout(officer)
    manager = login(office, "manager1")
    overlays.restrict(manager, case_id, True, ["officer1"])
    problem = history.case_problem(case_id)
    assert problem.startswith("时间线第 2 条"), problem
    auth.logout(manager)


def test_upgrade_from_schema_26_seals_the_rest_and_records_the_new_heads(
    office: Path, tmp_path: Path, fake_clock: FakeClock
) -> None:
    """A database as schema 26 left it: the restricted case's timeline, issue and names plain (its
    other texts sealed by step 22). Step 29 seals them, reporting progress, chains the timeline
    again and records the heads; the administrator's verify passes and the probes find nothing."""
    case_id = _restricted_case(office)
    manager = login(office, "manager1")
    db = manager.db
    with db.atomic():  # as schema 26 stored them
        overlays_state = Case.get_by_id(case_id)
        db.execute_sql("UPDATE \"case\" SET restricted = 0 WHERE id = ?", (case_id,))
        from app import restricted_content

        plain_chain: dict = {}  # the plain timeline and its head, as the log recorded it then
        restricted_content.settle_timeline(Case.get_by_id(case_id), plain_chain, lifting=True)
        audit.record("manager1", "case.note", overlays_state.case_no, {"chain": plain_chain["chain"]})
        db.execute_sql(
            "UPDATE \"case\" SET restricted = 1, patient_name = ? WHERE id = ?", (PATIENT, case_id)
        )
        db.execute_sql(
            "UPDATE complainant SET name = ? WHERE id = ?", (COMPLAINANT, overlays_state.complainant_id)
        )
        db.execute_sql("UPDATE case_issue SET summary = ? WHERE case_id = ?", (ISSUE, case_id))
        for index in ("case_restricted_names", "complainant_sealed_name"):  # made by step 29
            db.execute_sql(f"DROP INDEX {index}")
        SchemaVersion.delete().execute()
        SchemaVersion.create(version=26, applied_at="2026-03-01 09:00:00")
    plain = db.execute_sql("SELECT note FROM case_event WHERE case_id = ?", (case_id,)).fetchall()
    assert (NOTE_AFTER,) in plain
    heard: list[tuple[int, int, str]] = []
    assert ensure_schema(db, progress=lambda done, total, text: heard.append((done, total, text))) == 26
    assert SchemaVersion.select().order_by(SchemaVersion.version.desc()).first().version == SCHEMA_VERSION
    assert (1, 1, "正在密封保密案件的内容") in heard
    entry = db.execute_sql(
        "SELECT detail FROM audit_entry WHERE action = ? ORDER BY seq DESC", (RESEALED_ACTION,)
    ).fetchone()
    assert Case.get_by_id(case_id).case_no in entry[0]
    view = views.open_case(manager, case_id)
    assert view.complainant_name == COMPLAINANT and NOTE_AFTER in _timeline_text(view)
    assert search.search(manager, COMPLAINANT) == [case_id]  # through the sealed names' indexes
    assert view.timeline_problem == ""
    auth.logout(manager)
    report = _verified(office)
    assert report.ok, report.message
    for username, password in SLOTS:
        probe(office, tmp_path, MARKERS, username, password)


def test_a_restored_backup_keeps_the_timeline_and_names_sealed(office: Path, tmp_path: Path) -> None:
    case_id = _restricted_case(office)
    target = restored_copy(office, tmp_path)
    for username, password in SLOTS:
        probe(target, tmp_path, MARKERS, username, password)
    officer = login(target, "officer1")
    view = views.open_case(officer, case_id)
    assert view.patient_name == PATIENT and RESPONSE in _timeline_text(view)
    auth.logout(officer)


def test_a_receipt_on_a_sealed_timeline_still_counts_in_the_statistics(office: Path) -> None:
    """受理（回执）及时 counts from the first receipt, found on the timeline by its summary; a restricted
    case's timeline is sealed, so its issued documents tell instead: both twins count alike."""
    from app.cases import documents
    from models.statistics import CaseStat

    clerk = login(office, "clerk1")
    plain, restricted = register(clerk), register(clerk)
    auth.logout(clerk)
    manager = login(office, "manager1")
    overlays.restrict(manager, restricted, True, ["officer1"])
    for case_id in (plain, restricted):
        documents.issue(manager, case_id, "receipt")
    sealed = manager.db.execute_sql(
        "SELECT summary FROM case_event WHERE case_id = ? AND action = 'print'", (restricted,)
    ).fetchone()
    assert sealed[0].startswith(CONTENT_PREFIX)
    auth.logout(manager)
    twins = [CaseStat.get_by_id(case_id) for case_id in (plain, restricted)]
    assert twins[0].accepted_day is not None
    assert twins[0].accepted_day == twins[1].accepted_day


FILE = "保密附件标记青枫浦上"
ATTACHED = "保密附件说明标记白云一片"
EXTENSION = "保密延期理由标记斜月沉沉"
HOLD = "保密暂停原因标记海雾碣石"


def test_the_other_free_texts_of_a_restricted_case_are_sealed_too(office: Path, tmp_path: Path) -> None:
    """An attachment's name and note, an extension's reason and the hold reason, written while the
    case is restricted: not below the application; the named officer reads them as written."""
    case_id = _restricted_case(office)
    officer = login(office, "officer1")
    overlays.add_attachment(officer, case_id, f"{FILE}.pdf", b"%PDF-1.4 scan", note=ATTACHED)
    overlays.request_extension(officer, case_id, 5, EXTENSION)
    overlays.hold(officer, case_id, HOLD)
    auth.logout(officer)
    probe(office, tmp_path, (*MARKERS, FILE, ATTACHED, EXTENSION, HOLD))

    officer = login(office, "officer1")
    view = views.open_case(officer, case_id)
    assert [(a.filename, a.note) for a in view.attachments] == [(f"{FILE}.pdf", ATTACHED)]
    assert [x.reason for x in view.extensions] == [EXTENSION]
    assert view.hold_reason == HOLD
    assert view.timeline_problem == ""
    auth.logout(officer)
