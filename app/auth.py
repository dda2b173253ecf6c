"""Local-mode authentication: database creation, login, lock/unlock, own password, recovery.

Login = derive the user's key-encryption key (argon2id) → unwrap the database key from the user's
slot → open SQLCipher with the raw key → check the user row, its password hash and roles. Any
failure along that path is reported as 用户名或密码错误 and never as a database error.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import peewee

from app import (
    audit,
    clock,
    files,
    login_attempts,
    passwords,
    sealed_data,
    sealedbox,
    sealing,
    server_accounts,
    settings,
    slotsync,
    witness,
)
from app.cases.category_tree import seed_defaults
from app.errors import AuthError, DatabaseOpenError, LockedOutError, ValidationError
from app.keyslots import KeySlotFile, SlotError, format_recovery_key, parse_recovery_key
from app.policy import Action, Role
from app.session import CurrentUser, Session
from app.write_path import operation
from models.accounts import User, UserRole
from models.audit import AuditHead
from models.database import KEY_BYTES, WrongKeyError, close_current, database_proxy, open_local
from models.fields import install_cipher
from models.migrations import Progress, SchemaTooNewError, ensure_schema, pending_steps

MAX_FAILURES = login_attempts.MAX_FAILURES
LOCKOUT = login_attempts.LOCKOUT


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
    """The user with their roles; signed in to a server as this user, only the roles the server
    counts (a case role an administrator gave waits for a manager's confirmation, models/server_roles.py)."""
    row = User.get(User.username == username)
    roles = frozenset(r.role for r in UserRole.select().where(UserRole.user == row))
    if getattr(database_proxy.obj, "app_user", None) == username:
        in_force = server_accounts.roles_in_force()
        if in_force is not None:
            roles &= frozenset(in_force)
    return CurrentUser(row.id, row.username, row.display_name, roles, row.active, row.must_change_password)


# -- failed logins --------------------------------------------------------------------------------
# Local mode counts them in the key slot file (app/login_attempts.py); shared mode in the user row,
# with single atomic statements so concurrent clients neither lose a count nor clear another's lock.

INBOX_KEY_SETTING = login_attempts.INBOX_KEY_SETTING


def locked_until(slots: KeySlotFile, username: str, now: datetime) -> datetime | None:
    return login_attempts.locked_until(slots, username, now)


def charge_database_attempt(row: User, now: datetime) -> datetime | None:
    """Shared mode: count one failure before the password is checked (one UPDATE on the server).

    Raises LockedOutError while the account is locked; returns the lockout end when this attempt
    reached the limit (the caller refunds it if the password turns out right).
    """
    reached = User.failed_logins + 1 >= MAX_FAILURES
    until = now + LOCKOUT
    query = (
        User.update(
            failed_logins=peewee.Case(None, [(reached, 0)], User.failed_logins + 1),
            locked_until=peewee.Case(None, [(reached, until)], User.locked_until),
        )
        .where((User.id == row.id) & (User.locked_until.is_null() | (User.locked_until <= now)))
        .returning(User.locked_until)
    )
    with database_proxy.atomic():
        changed = list(query.execute())
    if not changed:
        current = User.get_by_id(row.id).locked_until
        raise LockedOutError(current if current and current > now else until)
    return until if changed[0].locked_until == until else None


def refund_database_attempt(row: User, set_lock: datetime | None) -> None:
    """The password was right: reset the counter; lift the lock only if this very attempt set it."""
    values: dict = {"failed_logins": 0}
    if set_lock is not None:
        values["locked_until"] = None
    User.update(**values).where(User.id == row.id).execute()


def record_database_failure(row: User, now: datetime) -> datetime | None:
    """Count one failure after the fact (kept for callers that check the password first)."""
    return charge_database_attempt(row, now)


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
        passwords.check_password_rules(password, name, [Role.ADMIN])
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


def _database_files(path: Path) -> tuple[Path, ...]:
    return (path, KeySlotFile.sidecar_for(path), Path(f"{path}-wal"), Path(f"{path}-shm"))


def create_local_database(
    path: str | Path, admin_username: str, admin_display_name: str, admin_password: str, hospital_name: str
) -> tuple[Session, str]:
    """Create a new encrypted database with its first admin; return the session and the recovery key.

    Refuses an existing file. On any failure the partly created files are removed. The database
    (and with it SQLite's -wal and -shm files, which take its mode) is created owner-only.
    """
    path = Path(path)
    admin = FirstAdmin.validate(admin_username, admin_display_name, admin_password, hospital_name)
    slots_path = KeySlotFile.sidecar_for(path)
    if path.exists() or slots_path.exists():
        raise DatabaseOpenError(f"数据库文件已存在：{path.name}，不会覆盖已有数据")
    path.parent.mkdir(parents=True, exist_ok=True)
    db_key = secrets.token_bytes(KEY_BYTES)
    slots = KeySlotFile.create(path)
    created = False
    try:
        with KeySlotFile.locked(path):
            files.create_empty(path)
            created = True
            db = open_local(path, db_key)
            now = clock.now()
            ensure_schema(db, now)
            inbox_private, slots.inbox_public_key = sealedbox.new_keypair()
            with db.atomic():
                admin.create(path.name, now, {INBOX_KEY_SETTING: inbox_private})
            slots.set_user_slot(admin.username, admin_password, db_key, passwords.current_kdf())
            recovery_key = slots.set_recovery_slot(db_key)
            head = AuditHead.get_by_id(1)
            slots.witness = witness.signed(slots.database_id, db_key, head.seq, head.hash, head.seq)
            slots.save()
    except BaseException:
        close_current()
        if created:
            for leftover in _database_files(path):
                leftover.unlink(missing_ok=True)
        raise
    session = _local_session(path, slots, db_key, db, admin.username)
    sealed_data.start(session, None)  # no identifier key yet: the first officer or manager makes it
    return session, format_recovery_key(recovery_key)


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


class UpgradeNeeded(DatabaseOpenError):
    """The database is of an older schema: the caller upgrades it first with `upgrade_local` (the
    login window does, in the background with a progress bar), then logs in again."""

    def __init__(self) -> None:
        super().__init__("数据库需要升级到本版本的结构，升级后再登录")


def _open(path: Path, db_key: bytes, *, upgrade_here: bool = True, progress: Progress | None = None):
    try:
        db = open_local(path, db_key)
        if not upgrade_here and pending_steps(db):
            close_current()
            raise UpgradeNeeded()
        ensure_schema(db, progress=progress)
    except WrongKeyError:
        close_current()
        raise AuthError() from None
    except SchemaTooNewError as exc:
        close_current()
        raise DatabaseOpenError(
            f"数据库由更新版本的软件创建（结构版本 {exc.found}），请先升级本软件"
        ) from None
    for extra in _database_files(path):
        if extra != KeySlotFile.sidecar_for(path):
            files.restrict(extra)
    return db


def _open_with_any(path: Path, keys_of, **opening) -> tuple[object, bytes, tuple[dict, str] | None]:
    """Open with the first key that fits; read the slot file again once if none does (a key rotation
    may have finished in between). `keys_of(slots)` lists the candidate keys (SlotError if none).
    Returns the database, its key and the slot that opened it with the slot's private key."""
    for _retry in range(2):
        slots = _load_slots(path)
        for key in keys_of(slots):
            try:
                return _open(path, key, **opening), key, slots.opened.get(key)
            except AuthError:
                continue
    raise DatabaseOpenError("数据库密钥文件与数据库不匹配，请确认两个文件来自同一份备份")


def _after_open(path: Path, now: datetime, db_key: bytes) -> KeySlotFile:
    """Finish an interrupted key rotation, reconcile staged slot changes, audit the failures
    recorded meanwhile."""
    from app import keyrotation

    keyrotation.finish_interrupted(path, db_key)
    slots = slotsync.reconcile(path, now)
    login_attempts.flush(path, now)
    return slots


def _counted_open(path: Path, username: str, password: str, **opening) -> tuple:
    """Charge one failure, then open the database with the keys `password` unlocks for `username`.
    A wrong password keeps the charge (LockedOutError once locked out); any other failure refunds
    it. Returns (the normalised username, the database, its key, the slot that opened it, the
    attempt)."""
    _load_slots(path)
    try:
        username = normalize_username(username)
    except ValidationError:
        raise AuthError() from None
    attempt = login_attempts.begin(path, username, clock.now())
    try:
        db, db_key, opened = _open_with_any(path, lambda slots: slots.user_keys(username, password), **opening)
    except SlotError:
        close_current()
        until = login_attempts.failed(attempt)
        if until:
            raise LockedOutError(until) from None
        raise AuthError() from None
    except BaseException:
        login_attempts.succeeded(attempt, clock.now())  # not a wrong password: the charge is refunded
        raise
    return username, db, db_key, opened, attempt


def login_local(path: str | Path, username: str, password: str, *, upgrade_here: bool = True) -> Session:
    """Open the local database as `username`. Every attempt is counted before the password is checked.

    A database of an older schema is upgraded on the way, or, with `upgrade_here=False`, refused
    with UpgradeNeeded once the password has opened it (the login window then runs
    `upgrade_local` in the background and logs in again)."""
    path = Path(path)
    now = clock.now()
    username, db, db_key, opened, attempt = _counted_open(path, username, password, upgrade_here=upgrade_here)
    row = User.get_or_none(User.username == username)
    if row is None or not row.active or not passwords.verify_password(row.password_hash, password):
        close_current()
        until = login_attempts.failed(attempt)
        if until:
            raise LockedOutError(until)
        raise AuthError()
    login_attempts.succeeded(attempt, now)
    slots = _after_open(path, now, db_key)
    if slots.slots.get(slots.user_slot_id(username), {}).get("v") != 2:  # first format: upgrade it
        slotsync.stage(path, username, password, db_key, row.password_hash)
        slots = slotsync.reconcile(path, now)
    with db.atomic():
        User.update(last_login_at=now).where(User.id == row.id).execute()
        audit.record(username, "login.ok", username)
    session = _local_session(path, slots, db_key, db, username)
    sealed_data.start(session, opened)
    refresh_witness(session)
    return session


def upgrade_local(path: str | Path, username: str, password: str, progress: Progress | None = None) -> None:
    """Upgrade the schema of the local database with `progress(done, total, text)` (a worker
    thread's task: a large database takes minutes). The password is checked and counted as at
    login, and the connection closed at the end; nothing is audited (the login that follows is)."""
    try:
        *_opened, attempt = _counted_open(Path(path), username, password, progress=progress)
    finally:
        close_current()
    login_attempts.succeeded(attempt, clock.now())


def refresh_witness(session: Session) -> None:
    """Move the audit witness to the newest entry; if the log no longer contains what the witness
    saw (cut off, emptied, rewritten), say so in the log itself (the witness keeps the evidence)."""
    if not witness.refresh(session):
        with database_proxy.atomic():
            audit.record(session.user.username, "audit.witness_mismatch", session.location)


def logout(session: Session) -> None:
    with database_proxy.atomic():
        audit.record(session.user.username, "logout", session.user.username)
    witness.refresh(session)
    session.db_key = None
    session.data_key = None
    session.identifier_key = None
    session.identifier_older = ()
    install_cipher(None)
    close_current()


# -- idle lock -----------------------------------------------------------------------------------


def lock(session: Session) -> None:
    session.locked = True
    with database_proxy.atomic():
        audit.record(session.user.username, "session.locked", session.user.username)
    witness.refresh(session)


def unlock(session: Session, password: str) -> None:
    """Unlock an idle-locked session with the same user's password. Counts toward lockout."""
    now = clock.now()
    username = session.user.username
    if session.server is not None and server_accounts.signed_in_as_user():
        _unlock_on_server(session, password)
        return
    row = User.get(User.username == username)
    local = session.database_path is not None and session.slots is not None
    if local:
        attempt = login_attempts.begin(session.database_path, username, now, event="unlock.failed")
    else:
        set_lock = charge_database_attempt(row, now)
    if not row.active or not passwords.verify_password(row.password_hash, password):
        if local:
            until = login_attempts.failed(attempt)
            login_attempts.flush(session.database_path, now)
        else:
            until = set_lock
            _audit_failed_unlock(username, until)
        _refuse_unlock(until)
    if local:
        session.slots = login_attempts.succeeded(attempt, now)
    else:
        refund_database_attempt(row, set_lock)
    session.locked = False
    session.touch()
    with database_proxy.atomic():
        audit.record(username, "session.unlocked", username)


def _audit_failed_unlock(username: str, locked_until: datetime | None) -> None:
    """A wrong password at the lock screen, and the lockout it set, in the audit log."""
    with database_proxy.atomic():
        audit.record(username, "unlock.failed", username)
        if locked_until:
            audit.record(username, "account.locked", username)


def _refuse_unlock(locked_until: datetime | None) -> NoReturn:
    if locked_until:
        raise LockedOutError(locked_until)
    raise AuthError("密码错误")


def _unlock_on_server(session: Session, password: str) -> None:
    """Shared mode: the password is checked by signing in as the user's role; the server counts a
    wrong one toward the lockout (the same count as at sign-in)."""
    username = session.user.username
    assert session.server is not None
    allowed, lock = server_accounts.login_charge(database_proxy, username)
    if not allowed:
        raise LockedOutError(lock or clock.now() + LOCKOUT)
    if not server_accounts.password_is_right(session.server, username, password):
        if lock is not None:  # the last attempt allowed failed: the server locks the account
            lock = server_accounts.login_lock(database_proxy, username) or lock
        _audit_failed_unlock(username, lock)
        _refuse_unlock(lock)
    with database_proxy.atomic():
        server_accounts.login_ok()
        audit.record(username, "session.unlocked", username)
    session.locked = False
    session.touch()


# -- own password and recovery -------------------------------------------------------------------


def change_own_password(session: Session, old_password: str, new_password: str) -> None:
    """Verify the old password, store the new hash and (crash-safely) rewrap this user's slot."""
    username = session.user.username
    row = User.get(User.username == username)
    server = session.server if server_accounts.signed_in_as_user() else None
    if server is not None:
        right = server_accounts.password_is_right(server, username, old_password)
    else:
        right = passwords.verify_password(row.password_hash, old_password)
    if not right:
        raise AuthError("原密码错误")
    passwords.check_password_rules(new_password, username, session.user.roles)
    if new_password == old_password:
        raise ValidationError("password", "新密码", "不能与原密码相同")
    if server is not None:
        with operation(session, Action.CHANGE_OWN_PASSWORD, "password.changed", target=username):
            server_accounts.set_password(server.dbname, username, new_password, must_change=False)
        session.user = current_user(username)
        return
    with slotsync.SlotChanges(session) as changes:
        with operation(session, Action.CHANGE_OWN_PASSWORD, "password.changed", target=username):
            new_hash = passwords.hash_password(new_password)
            User.update(password_hash=new_hash, must_change_password=False).where(User.id == row.id).execute()
            changes.stage(username, new_password, new_hash)
    session.user = current_user(username)
    _keep_identifier_key(session)


def _keep_identifier_key(session: Session) -> None:
    """A holder's new slot (a new key pair) gets the identifier keys this session holds: it is the
    same person keeping what they were granted, not a new grant."""
    key = sealed_data.session_key(session)
    if key is None or session.database_path is None:
        return
    with KeySlotFile.update(session.database_path) as slots:
        sealing.grant(slots, session.user.username, key)
    session.slots = slots


def recover_with_key(
    path: str | Path, recovery_key_text: str, admin_username: str, new_password: str
) -> tuple[Session, str]:
    """Open the database with the recovery key and give an admin a new password (new slot).

    The recovery key is spent: the database is re-keyed and a new recovery key made. Returns the
    session and the new recovery key (to print on a new sheet).
    """
    from app import keyrotation

    path = Path(path)
    slots = _load_slots(path)
    try:
        raw = parse_recovery_key(recovery_key_text)
        slots.recovery_keys(raw)
    except SlotError as exc:
        raise AuthError(str(exc)) from None
    username = normalize_username(admin_username)
    db, db_key, opened = _open_with_any(path, lambda current: current.recovery_keys(raw))
    row = User.get_or_none(User.username == username)
    roles = {r.role for r in UserRole.select().where(UserRole.user == row)} if row else set()
    if row is None or Role.ADMIN not in roles:
        close_current()
        raise AuthError("该用户不是系统管理员，恢复密钥只能用于重置管理员密码")
    try:
        passwords.check_password_rules(new_password, username, roles)
    except ValidationError:
        close_current()
        raise
    now = clock.now()
    _after_open(path, now, db_key)
    new_hash = passwords.hash_password(new_password)
    slotsync.stage(path, username, new_password, db_key, new_hash)
    with db.atomic():
        User.update(password_hash=new_hash, active=True, must_change_password=False).where(
            User.id == row.id
        ).execute()
        audit.record(username, "recovery.used", username)
    login_attempts.clear(path, username)
    session = _local_session(path, slotsync.reconcile(path), db_key, db, username)
    sealed_data.start(session, opened)  # the recovery slot holds the identifier key: kept for a moment
    key = sealed_data.key_from(opened)
    new_recovery = keyrotation.rekey(session, "recovery.used", new_recovery=True)
    sealed_data.align(session, key)  # the new recovery slot gets the identifier key too
    return session, new_recovery or ""
