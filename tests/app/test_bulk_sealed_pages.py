"""The demo's bulk path writes identifiers, restricted cases' texts and stored files sealed, as the
services write them, so no sealing pass and no rebuild of the file follow: tested as the attack of
test_sealing_pass_pages.py. The same cases are built twice from one seed, in plain text (nobody holds
the identifier key yet) and sealed; every page of the sealed file and of its WAL is decrypted with
the clerk's own key and searched for the plain copy's identifiers and restricted texts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app import auth, sealed_data, settings
from app.demo import create_demo_database
from app.keyslots import KeySlotFile
from app.session import Session
from models.database import close_current
from models.sealed_content import COMPLAINANT_OF, CONTENT
from tests.support.accounts import USER_PASSWORD
from tests.support.cases import FakeClock
from tests.support.pages import decrypted_pages, decrypted_wal

CASES = 300
SEED = 7
SHORTEST = 8  # shorter texts (names, stock phrases) may be part of another case's text


def _texts(session: Session, restricted: bool) -> set[str]:
    """Every text of the restricted (or the other) cases that sealed_content seals, and their
    timelines' entries, as stored in the plain copy."""
    db, found = session.db, set()
    marks = "restricted" if restricted else "NOT restricted"
    for table, (case_column, columns) in {**CONTENT, "case_event": ("case_id", ("summary", "note"))}.items():
        source = COMPLAINANT_OF if table == "complainant" else f'"{table}" t'
        case_column = "k.id" if table == "complainant" else f"t.{case_column}"
        for column in columns:
            found |= {
                value
                for (value,) in db.execute_sql(
                    f'SELECT t.{column} FROM {source} WHERE {case_column} IN (SELECT id FROM "case" WHERE {marks})'
                )
                if value
            }
    return found


def _identifiers(session: Session) -> set[str]:
    db, found = session.db, set()
    for table, (columns, _indexes) in sealed_data.IDENTIFIERS.items():
        for column in columns:
            found |= {value for (value,) in db.execute_sql(f'SELECT "{column}" FROM "{table}"') if value}
    return found


def test_the_bulk_path_leaves_no_identifier_or_restricted_text_in_any_page(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    fake_clock.set(datetime(2026, 11, 23, 16, 0))
    plain_path, sealed_path = tmp_path / "plain.db", tmp_path / "sealed.db"
    admin, _info = create_demo_database(plain_path, USER_PASSWORD, CASES, seed=SEED, bulk=True, sealed=False)
    identifiers = {v for v in _identifiers(admin) if len(v) >= SHORTEST}
    others = "\n\n".join(_texts(admin, False))  # a restricted case's text may be part of another's
    secret = {t for t in _texts(admin, True) if len(t) >= SHORTEST and t not in others}
    auth.logout(admin)
    close_current()
    assert len(identifiers) >= CASES and not any(v.startswith("s1:") for v in identifiers)
    assert len(secret) >= 20 and not any(t.startswith("r1:") for t in secret)  # narratives, notes, replies

    admin, _info = create_demo_database(sealed_path, USER_PASSWORD, CASES, seed=SEED, bulk=True)
    auth.logout(admin)
    close_current()
    key = KeySlotFile.load(sealed_path).unwrap_user("clerk", USER_PASSWORD)
    pages = decrypted_pages(sealed_path, key) + decrypted_wal(sealed_path, key)
    assert pages[:2] == b"\x10\x00"  # really decrypted (page size 4096)
    assert sorted(v for v in identifiers if v.encode("utf-8") in pages) == []
    assert sorted(t for t in secret if t.encode("utf-8") in pages) == []

    manager = auth.login_local(sealed_path, "manager", USER_PASSWORD)  # nothing left to seal or rebuild
    assert not sealed_data.pending() and not settings.get_internal(sealed_data.REBUILD_SETTING)
    auth.logout(manager)
    close_current()
