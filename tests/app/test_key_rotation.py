"""Key rotation: disabling a user, using the recovery key, or the admin action re-keys the database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app import auth, keyrotation, users
from app.errors import AuthError, DatabaseOpenError, PermissionDenied
from app.keyslots import KeySlotFile
from models.audit import AuditEntry
from models.database import WrongKeyError, close_current, open_local
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, USER_PASSWORD
from tests.support.sessions import session_as


def _steal(db_path: Path, old_keys: bytes, where: Path) -> Path:
    """What a former user holds: a copy of the current database file next to an old .keys copy."""
    where.mkdir()
    copy = where / db_path.name
    shutil.copyfile(db_path, copy)
    KeySlotFile.sidecar_for(copy).write_bytes(old_keys)
    return copy


def _opens_with_old_slot(copy: Path, username: str, password: str) -> bool:
    key = KeySlotFile.load(copy).unwrap_user(username, password)
    try:
        open_local(copy, key)
    except WrongKeyError:
        return False
    close_current()
    return True


def test_an_old_keys_copy_opens_nothing_after_a_user_is_disabled(admin_session, db_path: Path, tmp_path: Path) -> None:
    for name in ("officer1", "officer2"):
        users.add_user(admin_session, name, name, ["officer"], USER_PASSWORD, must_change_password=False)
    old_keys = KeySlotFile.sidecar_for(db_path).read_bytes()  # taken by officer1 before leaving
    users.set_active(admin_session, "officer1", False)
    auth.logout(admin_session)
    copy = _steal(db_path, old_keys, tmp_path / "stolen")
    assert not _opens_with_old_slot(copy, "officer1", USER_PASSWORD)
    with pytest.raises((AuthError, DatabaseOpenError)):
        auth.login_local(copy, "officer1", USER_PASSWORD)
    for name, password in (("officer2", USER_PASSWORD), (ADMIN, ADMIN_PASSWORD)):
        auth.logout(auth.login_local(db_path, name, password))  # the others are carried over
    session = auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)
    rekeyed = AuditEntry.get(AuditEntry.action == "database.rekeyed")
    assert '"reason":"user.disabled"' in rekeyed.detail
    auth.logout(session)


def test_the_recovery_key_is_spent_by_its_use(recovery_key: str, db_path: Path, tmp_path: Path) -> None:
    old_keys = KeySlotFile.sidecar_for(db_path).read_bytes()
    session, new_key = auth.recover_with_key(db_path, recovery_key, ADMIN, "Recovered-Pine-789")
    auth.logout(session)
    with pytest.raises(AuthError, match="恢复密钥不正确"):
        auth.recover_with_key(db_path, recovery_key, ADMIN, "Another-Cedar-2468")
    copy = _steal(db_path, old_keys, tmp_path / "stolen")
    with pytest.raises((AuthError, DatabaseOpenError)):
        auth.recover_with_key(copy, recovery_key, ADMIN, "Another-Cedar-2468")
    session, newer_key = auth.recover_with_key(db_path, new_key, ADMIN, "Another-Cedar-2468")
    assert newer_key not in (new_key, recovery_key)
    auth.logout(session)


def test_admin_rotation_reports_progress_and_is_audited(admin_session, db_path: Path) -> None:
    users.add_user(admin_session, "officer1", "林晓雯", ["officer"], USER_PASSWORD, must_change_password=False)
    steps: list[tuple[int, int, str]] = []
    before = admin_session.db_key
    new_recovery = keyrotation.rotate_database_key(admin_session, progress=lambda *s: steps.append(s))
    assert new_recovery is None and admin_session.db_key != before
    assert steps[0][0] == 0 and steps[-1][0] == steps[-1][1] and "重新加密数据库" in [s[2] for s in steps]
    assert AuditEntry.select().where(AuditEntry.action == "database.rekeyed").count() == 1
    officer = session_as(admin_session, "clerk1", "clerk")
    with pytest.raises(PermissionDenied):
        keyrotation.rotate_database_key(officer)
    auth.logout(admin_session)
    auth.logout(auth.login_local(db_path, "officer1", USER_PASSWORD))
    auth.logout(auth.login_local(db_path, ADMIN, ADMIN_PASSWORD))


def test_kill_at_each_save_of_a_rotation_leaves_the_database_open_to_everyone(tmp_path: Path) -> None:
    from tests.app.test_keyslot_attacks import _new_database, _run_worker, _works

    for nth, when in ((1, "before"), (1, "after"), (2, "before"), (2, "after")):
        db = _new_database(tmp_path / f"rotate-{nth}-{when}.db")
        assert _run_worker("crash_at_save", str(db), "rotate", str(nth), when, ADMIN, ADMIN_PASSWORD) == 9
        assert _works(db, ADMIN, ADMIN_PASSWORD), f"kill {when} save {nth}"
        assert KeySlotFile.load(db).rotation is None
