"""Login, lockout, password change, recovery and disabled users on a real SQLCipher file."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app import audit, auth, clock, users
from app.errors import AuthError, DatabaseOpenError, LockedOutError, ValidationError
from app.keyslots import KeySlotFile
from models.audit import AuditEntry
from tests.conftest import ADMIN, ADMIN_PASSWORD, HOSPITAL

MARKER = "MARKER-赵小红-13912345678"


def _add_officer(session, name: str = "officer", password: str = "Lotus-Ridge-2026") -> None:
    users.add_user(session, name, "林晓雯", ["officer"], password)


def test_database_file_and_wal_hold_no_plaintext(admin_session, db_path: Path) -> None:
    users.add_user(admin_session, MARKER[:30], MARKER[:30], ["officer"], "Lotus-Ridge-2026", phone="13912345678")
    wal = Path(f"{db_path}-wal")
    assert wal.exists(), "WAL mode keeps a -wal file while the database is open"
    for path in (db_path, wal, KeySlotFile.sidecar_for(db_path)):
        data = path.read_bytes()
        for marker in ("MARKER", "赵小红", "13912345678", HOSPITAL, "officer"):
            if path.suffix == ".keys" and marker in ("MARKER", "赵小红"):
                continue  # the sidecar names its slots by username; checked separately below
            assert marker.encode("utf-8") not in data, f"{marker} leaked into {path.name}"
        assert b"SQLite format 3" not in data
    auth.logout(admin_session)
    assert b"13912345678" not in db_path.read_bytes()
    assert HOSPITAL.encode() not in db_path.read_bytes()


def test_wrong_password_says_only_username_or_password_wrong(recovery_key, db_path: Path) -> None:
    for username, password in ((ADMIN, "Wrong12345"), ("nobody", ADMIN_PASSWORD), ("", "")):
        with pytest.raises(AuthError) as info:
            auth.login_local(db_path, username, password)
        assert str(info.value) == "用户名或密码错误"


def test_login_opens_and_reports_roles(recovery_key, db_path: Path) -> None:
    session = auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)
    assert session.user.roles == {"admin"}
    assert session.backend == "local" and session.location == db_path.name
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.seq)]
    assert actions[-1] == "login.ok"


def test_missing_or_damaged_files_get_chinese_messages(tmp_path: Path, recovery_key, db_path: Path) -> None:
    with pytest.raises(DatabaseOpenError, match="找不到数据库文件"):
        auth.login_local(tmp_path / "none.db", ADMIN, ADMIN_PASSWORD)
    KeySlotFile.sidecar_for(db_path).write_text("{broken", encoding="utf-8")
    with pytest.raises(DatabaseOpenError, match="密钥文件已损坏"):
        auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)


def test_five_failures_lock_for_fifteen_minutes_then_unlock(recovery_key, db_path: Path) -> None:
    start = datetime(2026, 11, 23, 9, 0)
    clock.set_clock(lambda: start)
    for _ in range(4):
        with pytest.raises(AuthError) as info:
            auth.login_local(db_path, ADMIN, "Wrong12345")
        assert not isinstance(info.value, LockedOutError)
    with pytest.raises(LockedOutError):
        auth.login_local(db_path, ADMIN, "Wrong12345")
    with pytest.raises(LockedOutError, match="已锁定至 09:15"):
        auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)  # even the right password is refused now
    clock.set_clock(lambda: start + timedelta(minutes=15, seconds=1))
    session = auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)
    events = [(e.action, e.at) for e in AuditEntry.select().order_by(AuditEntry.seq)]
    failed = [a for a, _ in events if a == "login.failed"]
    assert len(failed) == 5, "failures recorded while the database was closed reach the audit log"
    assert ("account.locked", "2026-11-23T09:00:00") in events
    assert b"Wrong12345" not in KeySlotFile.sidecar_for(db_path).read_bytes()
    assert AuditEntry.get(AuditEntry.action == "login.failed").actor == ADMIN
    assert audit.verify().ok
    auth.logout(session)


def test_admin_can_lift_a_lockout(admin_session, db_path: Path) -> None:
    _add_officer(admin_session)
    for _ in range(5):
        with pytest.raises(AuthError):
            auth.login_local(db_path, "officer", "Wrong12345")  # fails before opening the database
    locked = next(u for u in users.list_users(admin_session) if u.username == "officer")
    assert locked.locked_until is not None
    users.unlock_user(admin_session, "officer")
    assert auth.login_local(db_path, "officer", "Lotus-Ridge-2026").user.username == "officer"


def test_password_change_rewraps_the_slot(admin_session, db_path: Path) -> None:
    slot_id = admin_session.slots.user_slot_id(ADMIN)
    before = KeySlotFile.load(db_path).slots[slot_id]
    auth.change_own_password(admin_session, ADMIN_PASSWORD, "NewSecret456")
    after = KeySlotFile.load(db_path).slots[slot_id]
    assert after["wrapped_private"] != before["wrapped_private"] and after["salt"] != before["salt"]
    auth.logout(admin_session)
    with pytest.raises(AuthError, match="用户名或密码错误"):
        auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)
    session = auth.login_local(db_path, ADMIN, "NewSecret456")
    assert session.user.username == ADMIN


def test_password_change_checks_old_password_and_rules(admin_session) -> None:
    with pytest.raises(AuthError, match="原密码错误"):
        auth.change_own_password(admin_session, "Wrong12345", "NewSecret456")
    with pytest.raises(ValidationError, match="密码：系统管理员和主任的密码至少需要 10 个字符"):
        auth.change_own_password(admin_session, ADMIN_PASSWORD, "short1")
    with pytest.raises(ValidationError, match="字母和数字"):
        auth.change_own_password(admin_session, ADMIN_PASSWORD, "onlyletters")


def test_recovery_key_opens_the_database_and_resets_admin(recovery_key, db_path: Path) -> None:
    session, new_key = auth.recover_with_key(
        db_path, recovery_key.lower().replace("-", " "), ADMIN, "Recovered-Pine-789"
    )
    assert session.user.username == ADMIN and new_key and new_key != recovery_key
    assert AuditEntry.select().where(AuditEntry.action == "recovery.used").count() == 1
    auth.logout(session)
    assert auth.login_local(db_path, ADMIN, "Recovered-Pine-789").user.username == ADMIN


def test_wrong_recovery_key_is_refused(recovery_key, db_path: Path) -> None:
    wrong = ("A" * 4 + "-") * 12 + "AAAA"
    with pytest.raises(AuthError, match="恢复密钥不正确"):
        auth.recover_with_key(db_path, wrong, ADMIN, "Recovered-Pine-789")
    with pytest.raises(AuthError, match="格式不正确"):
        auth.recover_with_key(db_path, "not-a-key", ADMIN, "Recovered-Pine-789")


def test_disabled_user_loses_slot_and_cannot_log_in(admin_session, db_path: Path) -> None:
    _add_officer(admin_session)
    users.set_active(admin_session, "officer", False)
    assert not KeySlotFile.load(db_path).has_user("officer")
    with pytest.raises(AuthError, match="用户名或密码错误"):
        auth.login_local(db_path, "officer", "Lotus-Ridge-2026")
    users.set_active(admin_session, "officer", True, "Again-Cedar-2345")
    assert auth.login_local(db_path, "officer", "Again-Cedar-2345").user.must_change_password


def test_admin_reset_gives_a_new_slot(admin_session, db_path: Path) -> None:
    _add_officer(admin_session)
    users.reset_password(admin_session, "officer", "Temp-Orchid-3456")
    with pytest.raises(AuthError):
        auth.login_local(db_path, "officer", "Lotus-Ridge-2026")
    assert auth.login_local(db_path, "officer", "Temp-Orchid-3456").user.username == "officer"


def test_chinese_username_logs_in(admin_session, db_path: Path) -> None:
    users.add_user(admin_session, "王小明", "王小明", ["clerk"], "Willow-Clerk-2345")
    auth.logout(admin_session)
    assert auth.login_local(db_path, " 王小明 ", "Willow-Clerk-2345").user.roles == {"clerk"}


def test_existing_database_is_never_overwritten(admin_session, db_path: Path) -> None:
    auth.logout(admin_session)
    size = db_path.stat().st_size
    with pytest.raises(DatabaseOpenError, match="已存在"):
        auth.create_local_database(db_path, ADMIN, "x", ADMIN_PASSWORD, HOSPITAL)
    assert db_path.stat().st_size == size


def test_failed_creation_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    with pytest.raises(ValidationError, match="医院名称"):
        auth.create_local_database(target, ADMIN, "x", ADMIN_PASSWORD, "")
    with pytest.raises(ValidationError, match="密码"):
        auth.create_local_database(target, ADMIN, "x", "weak", HOSPITAL)
    assert list(tmp_path.iterdir()) == []


def test_idle_lock_and_unlock(admin_session, db_path: Path) -> None:
    start = datetime(2026, 11, 23, 10, 0)
    clock.set_clock(lambda: start)
    admin_session.touch()
    clock.set_clock(lambda: start + timedelta(minutes=9, seconds=59))
    assert not admin_session.idle_expired(10)
    clock.set_clock(lambda: start + timedelta(minutes=10))
    assert admin_session.idle_expired(10)
    auth.lock(admin_session)
    with pytest.raises(AuthError, match="密码错误"):
        auth.unlock(admin_session, "Wrong12345")
    auth.unlock(admin_session, ADMIN_PASSWORD)
    assert not admin_session.locked
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.seq)]
    assert actions[-3:] == ["session.locked", "unlock.failed", "session.unlocked"]


def test_five_failed_unlocks_lock_the_account(admin_session) -> None:
    auth.lock(admin_session)
    for _ in range(4):
        with pytest.raises(AuthError):
            auth.unlock(admin_session, "Wrong12345")
    with pytest.raises(LockedOutError):
        auth.unlock(admin_session, "Wrong12345")
    with pytest.raises(LockedOutError):
        auth.unlock(admin_session, ADMIN_PASSWORD)
