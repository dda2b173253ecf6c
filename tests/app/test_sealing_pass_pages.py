"""The sealing pass after the fact (values written before any officer or manager had signed in, as
a demo database built with `sealed=False` and an upgraded database leave them), tested as the
attack: with the clerk's own key every page of the file is decrypted, unused space and free pages
included, and searched for every identifier the cases were written with."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app import auth, sealed_data, settings
from app.demo import create_demo_database
from app.keyslots import KeySlotFile
from models.database import close_current
from tests.support.accounts import USER_PASSWORD
from tests.support.cases import FakeClock
from tests.support.pages import decrypted_pages

CASES = 300
_COMPLAINANT = ("phone", "id_number", "address", "email", "online_account")


def _identifiers(session) -> set[str]:  # noqa: ANN001 - an open admin session
    """Every full identifier as written (plain: nobody holds the identifier key yet)."""
    db = session.db
    found = {
        value
        for row in db.execute_sql(f"SELECT {', '.join(_COMPLAINANT)} FROM complainant")
        for value in row
        if value
    }
    found |= {r[0] for r in db.execute_sql('SELECT patient_record_no FROM "case" WHERE patient_record_no <> \'\'')}
    return found


def test_the_first_sealing_pass_leaves_no_identifier_in_any_page(db_path: Path, fake_clock: FakeClock) -> None:
    fake_clock.set(datetime(2026, 11, 23, 16, 0))
    admin, _info = create_demo_database(db_path, USER_PASSWORD, CASES, seed=7, bulk=True, sealed=False)
    identifiers = _identifiers(admin)
    assert len(identifiers) >= CASES and not any(v.startswith("s1:") for v in identifiers)
    auth.logout(admin)
    close_current()

    manager = auth.login_local(db_path, "manager", USER_PASSWORD)  # the first holder: the key, the pass
    assert not sealed_data.pending() and not settings.get_internal(sealed_data.REBUILD_SETTING)
    auth.logout(manager)
    close_current()

    pages = decrypted_pages(db_path, KeySlotFile.load(db_path).unwrap_user("clerk", USER_PASSWORD))
    assert pages[:2] == b"\x10\x00"  # really decrypted (page size 4096)
    left = sorted(v for v in identifiers if v.encode("utf-8") in pages)
    assert left == []
    wal = Path(f"{db_path}-wal")
    assert not wal.exists() or not wal.stat().st_size


def test_a_rebuild_kept_from_running_is_done_at_the_next_sign_in(db_path: Path, fake_clock: FakeClock) -> None:
    """Another workstation reading keeps VACUUM from running: recorded, and done by the next sign-in."""
    fake_clock.set(datetime(2026, 11, 23, 16, 0))
    admin, _info = create_demo_database(db_path, USER_PASSWORD, 40, seed=3, bulk=True, sealed=False)
    identifiers = _identifiers(admin)
    auth.logout(admin)
    close_current()
    key = KeySlotFile.load(db_path).unwrap_user("clerk", USER_PASSWORD)

    from models.database import EncryptedDatabase

    reader = EncryptedDatabase(db_path, key)  # the other workstation, in the middle of a read
    reader.connect()
    reader.execute_sql("BEGIN")
    reader.execute_sql("SELECT COUNT(*) FROM complainant").fetchone()
    try:
        manager = auth.login_local(db_path, "manager", USER_PASSWORD)
        assert settings.get_internal(sealed_data.REBUILD_SETTING) is True
        auth.logout(manager)
        close_current()
    finally:
        reader.execute_sql("ROLLBACK")
        reader.close()

    officer = auth.login_local(db_path, "officer", USER_PASSWORD)
    assert not settings.get_internal(sealed_data.REBUILD_SETTING)
    auth.logout(officer)
    close_current()
    pages = decrypted_pages(db_path, key)
    assert [v for v in identifiers if v.encode("utf-8") in pages] == []
