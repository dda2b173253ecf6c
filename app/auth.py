"""Local-mode authentication: database creation, login, lock/unlock, own password, recovery.

Login = derive the user's key-encryption key (argon2id) → unwrap the database key from the user's
slot → open SQLCipher with the raw key → check the user row, its password hash and roles. Any
failure along that path is reported as 用户名或密码错误 and never as a database error.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app import audit, clock, passwords, sealedbox, settings
from app.cases.category_tree import seed_defaults
from app.errors import AuthError, DatabaseOpenError, LockedOutError, ValidationError
from app.keyslots import KeySlotFile, SlotError, format_recovery_key, parse_recovery_key
from app.policy import Action, Role
from app.session import CurrentUser, Session
from app.write_path import operation
from models.accounts import User, UserRole
from models.database import KEY_BYTES, WrongKeyError, close_current, database_proxy, open_local
from models.fields import install_cipher
from models.migrations import SchemaTooNewError, ensure_schema

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MAX_TRACKED_NAMES = 200
MAX_PENDING_EVENTS = 500


def normalize_username(raw: str) -> str:
    """NFC, trimmed; 1–32 characters without spaces or control characters."""
    name = unicodedata.normalize("NFC", (raw or "").strip())
    if not name:
        raise ValidationError("username", "用户名", "不能为空")
    if len(name) > 32:
        raise ValidationError("username", "用户名", "不能超过 32 个字符")
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in name):
        raise ValidationError("username", "用户名", "不能包含空格或控制字符")
    return name


def clean_display_name(raw: str) -> str:
    name = unicodedata.normalize("NFC", (raw or "").strip())
    if not name:
        raise ValidationError("display_name", "姓名", "不能为空")
    if len(name) > 32:
        raise ValidationError("display_name", "姓名", "不能超过 32 个字符")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise ValidationError("display_name", "姓名", "不能包含控制字符")
    return name


def current_user(username: str) -> CurrentUser:
    row = User.get(User.username == username)
    roles = frozenset(r.role for r in UserRole.select().where(UserRole.user == row))
    return CurrentUser(row.id, row.username, row.display_name, roles, row.active, row.must_change_password)


# -- failed-login bookkeeping (kept in the key slot file in local mode) --------------------------

INBOX_KEY_SETTING = "_login_inbox_private_key"


def _attempts(slots: KeySlotFile, username: str) -> dict:
    return slots.attempts.setdefault(
        slots.user_slot_id(username), {"failures": 0, "locked_until": None, "pending": []}
    )


def locked_until(slots: KeySlotFile, username: str, now: datetime) -> datetime | None:
    entry = slots.attempts.get(slots.user_slot_id(username))
    if not entry or not entry.get("locked_until"):
        return None
    until = datetime.fromisoformat(entry["locked_until"])
    return until if until > now else None


def clear_attempts(slots: KeySlotFile, username: str) -> None:
    slots.attempts.pop(slots.user_slot_id(username), None)


def _record_failure(
    slots: KeySlotFile, username: str, now: datetime, *, audited: bool = False
) -> datetime | None:
    """Count one failure; return the lockout end when this failure locks the account.

    Unless `audited` (the database is open and the caller audits directly), the event is kept
    in the sidecar for the next successful login to copy into the audit log.
    """
    if slots.user_slot_id(username) not in slots.attempts and len(slots.attempts) >= MAX_TRACKED_NAMES:
        slots.attempts.pop(next(iter(slots.attempts)))
    entry = _attempts(slots, username)
    entry["failures"] += 1
    at = now.isoformat(timespec="seconds")
    events = ["login.failed"]
    until = None
    if entry["failures"] >= MAX_FAILURES:
        until = now + LOCKOUT
        entry["locked_until"] = until.isoformat(timespec="seconds")
        entry["failures"] = 0
        events.append("account.locked")
    if not audited and slots.inbox_public_key:
        who = sealedbox.seal(slots.inbox_public_key, username)
        entry["pending"].extend({"at": at, "event": e, "who": who} for e in events)
        del entry["pending"][:-MAX_PENDING_EVENTS]
    slots.save()
    return until


def record_database_failure(row: User, now: datetime) -> datetime | None:
    """Shared mode keeps the counter in the user row."""
    failures = row.failed_logins + 1
    until = now + LOCKOUT if failures >= MAX_FAILURES else None
    with database_proxy.atomic():
        User.update(failed_logins=0 if until else failures, locked_until=until).where(
            User.id == row.id
        ).execute()
    return until


def _flush_pending(slots: KeySlotFile) -> None:
    """Copy failed-login events recorded while the database was closed into the audit log."""
    private = settings.get_internal(INBOX_KEY_SETTING)
    for entry in slots.attempts.values():
        for event in entry.get("pending", []):
            who = (sealedbox.open_sealed(private, event["who"]) if private else None) or "（无法识别）"
            audit.record(
                who[:32],
                event["event"],
                who[:64],
                {"recorded_before_login": True},
                at=datetime.fromisoformat(event["at"]),
            )
        entry["pending"] = []


# -- database creation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FirstAdmin:
    """The validated inputs of a new database: its first administrator and the hospital name."""

    username: str
    display_name: str
    password: str
    hospital: str

    @classmethod
    def validate(cls, username: str, display_name: str, password: str, hospital_name: str) -> FirstAdmin:
        name = normalize_username(username)
        hospital = settings.validate("hospital_name", hospital_name)
        if not hospital:
            raise ValidationError("hospital_name", "医院名称", "不能为空")
        passwords.check_password_rules(password, name)
        return cls(name, clean_display_name(display_name or name), password, hospital)

    def create(self, location: str, now: datetime, extra_settings: dict[str, str]) -> None:
        """Inside the creating transaction: the admin, the hospital name, the dictionaries, the audit."""
        user = User.create(
            username=self.username,
            display_name=self.display_name,
            created_at=now,
            password_hash=passwords.hash_password(self.password),
        )
        UserRole.create(user=user, role=Role.ADMIN)
        settings.write_value("hospital_name", self.hospital, self.username)
        for key, value in extra_settings.items():
            settings.write_value(key, value, self.username)
        seed_defaults()
        audit.record(self.username, "database.created", location, {"hospital_name": self.hospital})
        audit.record(self.username, "user.added", self.username, {"roles": [Role.ADMIN]})


def _local_session(path: Path, slots: KeySlotFile, db_key: bytes, db, username: str) -> Session:
    return Session(
        user=current_user(username),
        db=db,
        backend="local",
        location=path.name,
        database_path=path,
        slots=slots,
        db_key=db_key,
    )


def create_local_database(
    path: str | Path, admin_username: str, admin_display_name: str, admin_password: str, hospital_name: str
) -> tuple[Session, str]:
    """Create a new encrypted database with its first admin; return the session and the recovery key.

    Refuses an existing file. On any failure the partly created files are removed.
    """
    path = Path(path)
    admin = FirstAdmin.validate(admin_username, admin_display_name, admin_password, hospital_name)
    slots_path = KeySlotFile.sidecar_for(path)
    if path.exists() or slots_path.exists():
        raise DatabaseOpenError(f"数据库文件已存在：{path.name}，不会覆盖已有数据")
    path.parent.mkdir(parents=True, exist_ok=True)
    db_key = secrets.token_bytes(KEY_BYTES)
    slots = KeySlotFile.create(path)
    try:
        db = open_local(path, db_key)
        now = clock.now()
        ensure_schema(db, now)
        inbox_private, slots.inbox_public_key = sealedbox.new_keypair()
        with db.atomic():
            admin.create(path.name, now, {INBOX_KEY_SETTING: inbox_private})
        slots.set_user_slot(admin.username, admin_password, db_key, passwords.current_kdf())
        recovery_key = slots.set_recovery_slot(db_key)
        slots.save()
    except BaseException:
        close_current()
        for leftover in (path, slots_path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    return _local_session(path, slots, db_key, db, admin.username), format_recovery_key(recovery_key)


# -- login ---------------------------------------------------------------------------------------


def _load_slots(path: Path) -> KeySlotFile:
    if not path.exists():
        raise DatabaseOpenError(f"找不到数据库文件：{path.name}")
    try:
        return KeySlotFile.load(path)
    except FileNotFoundError:
        raise DatabaseOpenError(f"找不到数据库密钥文件：{KeySlotFile.sidecar_for(path).name}") from None
    except (ValueError, KeyError):
        raise DatabaseOpenError("数据库密钥文件已损坏，请用备份恢复或联系系统管理员") from None


def _open(path: Path, db_key: bytes):
    try:
        db = open_local(path, db_key)
        ensure_schema(db)
        return db
    except WrongKeyError:
        close_current()
        raise AuthError() from None
    except SchemaTooNewError as exc:
        close_current()
        raise DatabaseOpenError(
            f"数据库由更新版本的软件创建（结构版本 {exc.found}），请先升级本软件"
        ) from None


def login_local(path: str | Path, username: str, password: str) -> Session:
    path = Path(path)
    slots = _load_slots(path)
    try:
        username = normalize_username(username)
    except ValidationError:
        raise AuthError() from None
    now = clock.now()
    until = locked_until(slots, username, now)
    if until:
        raise LockedOutError(until)
    try:
        db_key = slots.unwrap_user(username, password)
    except SlotError:
        until = _record_failure(slots, username, now)
        if until:
            raise LockedOutError(until) from None
        raise AuthError() from None
    db = _open(path, db_key)
    row = User.get_or_none(User.username == username)
    if row is None or not row.active or not passwords.verify_password(row.password_hash, password):
        close_current()
        _record_failure(slots, username, now)
        raise AuthError()
    with db.atomic():
        _flush_pending(slots)
        clear_attempts(slots, username)
        User.update(last_login_at=now).where(User.id == row.id).execute()
        audit.record(username, "login.ok", username)
    slots.save()
    return _local_session(path, slots, db_key, db, username)


def logout(session: Session) -> None:
    with database_proxy.atomic():
        audit.record(session.user.username, "logout", session.user.username)
    session.db_key = None
    session.data_key = None
    install_cipher(None)
    close_current()


# -- idle lock -----------------------------------------------------------------------------------


def lock(session: Session) -> None:
    session.locked = True
    with database_proxy.atomic():
        audit.record(session.user.username, "session.locked", session.user.username)


def unlock(session: Session, password: str) -> None:
    """Unlock an idle-locked session with the same user's password. Counts toward lockout."""
    now = clock.now()
    username = session.user.username
    row = User.get(User.username == username)
    if session.reload_slots():
        until = locked_until(session.slots, username, now)
    else:
        until = row.locked_until if row.locked_until and row.locked_until > now else None
    if until:
        raise LockedOutError(until)
    if not row.active or not passwords.verify_password(row.password_hash, password):
        with database_proxy.atomic():
            audit.record(username, "unlock.failed", username)
        until = (
            _record_failure(session.slots, username, now, audited=True)
            if session.slots
            else record_database_failure(row, now)
        )
        if until:
            with database_proxy.atomic():
                audit.record(username, "account.locked", username)
            raise LockedOutError(until)
        raise AuthError("密码错误")
    session.locked = False
    session.touch()
    User.update(failed_logins=0, locked_until=None).where(User.id == row.id).execute()
    if session.slots:
        clear_attempts(session.slots, username)
        session.slots.save()
    with database_proxy.atomic():
        audit.record(username, "session.unlocked", username)


# -- own password and recovery -------------------------------------------------------------------


def change_own_password(session: Session, old_password: str, new_password: str) -> None:
    """Verify the old password, store the new hash and rewrap this user's slot."""
    username = session.user.username
    row = User.get(User.username == username)
    if not passwords.verify_password(row.password_hash, old_password):
        raise AuthError("原密码错误")
    passwords.check_password_rules(new_password, username)
    if new_password == old_password:
        raise ValidationError("password", "新密码", "不能与原密码相同")
    with operation(session, Action.CHANGE_OWN_PASSWORD, "password.changed", target=username):
        User.update(password_hash=passwords.hash_password(new_password), must_change_password=False).where(
            User.id == row.id
        ).execute()
        if session.reload_slots() is not None and session.db_key is not None:
            session.slots.set_user_slot(username, new_password, session.db_key, passwords.current_kdf())
            session.slots.save()  # inside the transaction: a failed save rolls the hash back too
    session.user = current_user(username)


def recover_with_key(
    path: str | Path, recovery_key_text: str, admin_username: str, new_password: str
) -> Session:
    """Open the database with the recovery key and give an admin a new password (new slot)."""
    path = Path(path)
    slots = _load_slots(path)
    try:
        db_key = slots.unwrap_recovery(parse_recovery_key(recovery_key_text))
    except SlotError as exc:
        raise AuthError(str(exc)) from None
    db = _open(path, db_key)
    username = normalize_username(admin_username)
    row = User.get_or_none(User.username == username)
    roles = {r.role for r in UserRole.select().where(UserRole.user == row)} if row else set()
    if row is None or Role.ADMIN not in roles:
        close_current()
        raise AuthError("该用户不是系统管理员，恢复密钥只能用于重置管理员密码")
    passwords.check_password_rules(new_password, username)
    with db.atomic():
        User.update(
            password_hash=passwords.hash_password(new_password), active=True, must_change_password=False
        ).where(User.id == row.id).execute()
        audit.record(username, "recovery.used", username)
        slots.set_user_slot(username, new_password, db_key, passwords.current_kdf())
        clear_attempts(slots, username)
        slots.save()
    return _local_session(path, slots, db_key, db, username)
