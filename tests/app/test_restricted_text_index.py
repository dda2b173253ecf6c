"""A case restricted at run time leaves no term of its old text in the text index: not in any
segment of the FTS5 shadow tables (contentless_delete keeps a deleted row's terms until its segment
is merged), not in a freed page, not in the WAL. Tested as the attack: a clerk unwraps their own key
slot and decodes every leaf page of every index, then every page of the file and of its WAL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app import auth
from app.cases import acceptance, intake, overlays, search
from app.keyslots import KeySlotFile
from models.cases import Case
from models.database import EncryptedDatabase, close_current
from models.search_index import PAIRS
from tests.support.accounts import USER_PASSWORD
from tests.support.cases import FakeClock, form
from tests.support.fts_pages import index_terms
from tests.support.pages import decrypted_pages, decrypted_wal
from tests.support.sealed import login, sealed_office

MARKER = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
NARRATIVE = f"术后出现并发症{MARKER}，要求赔偿"
# the other cases' texts: common characters only (none of the marker's)
COMMON = "患者在门诊候诊三小时无人叫号询问护士站被告知系统故障态度生硬要求医院道歉并改进流程药房收费窗口排队"
OTHERS = 300
# the narrative's trigrams with a marker character in them (the others, 并发症, are in the category names)
TRIGRAMS = {t for i in range(len(NARRATIVE) - 2) if set(t := NARRATIVE[i : i + 3]) & set(MARKER)}
PAIRS_OF_CHARS = {MARKER[i : i + 2] for i in range(len(MARKER) - 1)}


@pytest.fixture
def office(db_path: Path, fake_clock: FakeClock) -> Iterator[Path]:
    """The office, and another workstation's connection kept open all along: the WAL file stays
    (the last connection to close would copy it into the file and remove it)."""
    sealed_office(
        db_path,
        (("manager1", "李主任", "manager"), ("officer1", "王专员", "officer"), ("clerk1", "赵文员", "clerk")),
    )
    elsewhere = EncryptedDatabase(db_path, KeySlotFile.load(db_path).unwrap_user("manager1", USER_PASSWORD))
    elsewhere.connect()
    yield db_path
    elsewhere.close()


def _other(i: int) -> str:
    return "".join(COMMON[(i * 7 + k * 3) % len(COMMON)] for k in range(40))


def _register_with_others(office: Path, **fields: object) -> int:
    """The marker case, then OTHERS cases indexed after it (their segments merge over it)."""
    assert not set(MARKER) & set(COMMON)
    clerk = login(office, "clerk1")
    case_id = intake.register(clerk, form(content=NARRATIVE, **fields)).case_id
    for i in range(OTHERS):
        intake.register(clerk, form(content=_other(i), complainant_phone=f"1380000{i:04d}"))
    auth.logout(clerk)
    return case_id


def _found(office: Path) -> set[str]:
    """What of the marker a clerk's key finds: index terms, pieces of text in pages and WAL frames."""
    close_current()
    key = KeySlotFile.load(office).unwrap_user("clerk1", USER_PASSWORD)
    db = EncryptedDatabase(office, key)
    db.connect()
    try:
        terms = set()
        for trigram_table, chars_table in PAIRS:
            terms |= index_terms(db, trigram_table) & TRIGRAMS
            terms |= index_terms(db, chars_table) & (set(MARKER) | PAIRS_OF_CHARS)
        plain = decrypted_pages(office, key) + decrypted_wal(office, key)
        assert Path(f"{office}-wal").exists()
    finally:
        db.close()
    pieces = {p for p in TRIGRAMS | PAIRS_OF_CHARS if p.encode("utf-8") in plain}
    return terms | pieces


def test_a_major_case_restricted_at_acceptance_leaves_no_term_of_its_text(office: Path) -> None:
    case_id = _register_with_others(office, severity="major")
    found = _found(office)
    assert (
        found >= TRIGRAMS | PAIRS_OF_CHARS and set(MARKER) <= found
    )  # the probe sees them while the case is open

    officer = login(office, "officer1")
    acceptance.accept(officer, case_id)  # 重大: restricted (and sealed) at 受理
    assert Case.get_by_id(case_id).restricted
    auth.logout(officer)
    assert _found(office) == set()

    manager = login(office, "manager1")  # the office still finds the others, and the case by number
    assert len(search.search(manager, _other(5)[:6])) >= 1
    assert search.search(manager, Case.get_by_id(case_id).case_no) == [case_id]
    assert search.search(manager, MARKER[3:9]) == []
    auth.logout(manager)


def test_a_case_restricted_by_the_manager_leaves_no_term_of_its_text(office: Path) -> None:
    case_id = _register_with_others(office)
    officer = login(office, "officer1")
    acceptance.accept(officer, case_id)
    auth.logout(officer)
    assert _found(office) >= TRIGRAMS

    manager = login(office, "manager1")
    overlays.restrict(manager, case_id, True, ["officer1"])
    auth.logout(manager)
    assert _found(office) == set()


def test_a_sealed_case_is_found_by_its_number_only_not_by_its_stored_text(office: Path) -> None:
    """Search reads the texts themselves to check a long term or a term with punctuation: a
    restricted case's stored texts are sealed, and nothing of them, nor of the ciphertext, finds it."""
    clerk = login(office, "clerk1")
    case_id = intake.register(clerk, form(content=NARRATIVE)).case_id
    auth.logout(clerk)
    manager = login(office, "manager1")
    acceptance.accept(manager, case_id)
    overlays.restrict(manager, case_id, True, ["officer1"])
    case_no = Case.get_by_id(case_id).case_no  # YH-2026-000001
    stored = Case._meta.database.execute_sql("SELECT content FROM case_text WHERE case_id = ?", (case_id,))
    sealed = stored.fetchone()[0]
    assert sealed.startswith("r1:")
    for text in (
        MARKER[3:9],  # its narrative: a long term
        MARKER[3:5],  # a pair
        f"{MARKER[3:9]}，",  # with punctuation: the texts are read
        f"{sealed[:8]} -",  # a piece of the ciphertext with a term its number holds (both read)
        f"{sealed[10:18]} -",
    ):
        assert search.search(manager, text) == [], text
    assert search.search(manager, case_no[2:]) == [case_id]  # "-2026-000001": trigrams, then the number
    assert search.search(manager, f"{case_no[2:]} -") == [case_id]  # read in the texts: the number
    auth.logout(manager)
