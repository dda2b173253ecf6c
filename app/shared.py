"""Shared mode: one PostgreSQL database for several workstations.

- The server password is kept in the OS keyring (app.keystore) or asked for each session.
- Personal identifiers are sealed client-side with the *data key* (models.fields). The data key is
  created with the database and reaches other workstations through an enrollment file protected
  by a passphrase (argon2id + AES-256-GCM); a workstation keeps it in its keyring, or asks for the
  passphrase each session where there is none.
- Users, roles and failed-login counters live in the database; the rules are those of local mode.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import asdict

import peewee
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app import audit, auth, clock, keystore, passwords, settings
from app.errors import AuthError, DatabaseOpenError, LockedOutError, ValidationError
from app.keyslots import KdfParams, password_key
from app.session import Session
from models.accounts import User
from models.database import ServerError, ServerParams, close_current, database_proxy, open_postgres
from models.fields import FieldCipher, install_cipher
from models.migrations import SchemaTooNewError, current_version, ensure_schema

KEY_CHECK_SETTING = "_data_key_check"
ENROLLMENT_FORMAT = "complaintdesk-enrollment"

_SERVER_MESSAGES = {
    "unreachable": "无法连接数据库服务器，请检查服务器地址、端口和网络",
    "auth": "数据库服务器的用户名或密码错误",
    "tls": "与数据库服务器的加密连接失败（TLS），请检查证书设置",
    "no_database": "数据库服务器上没有这个数据库，请检查数据库名称",
    "other": "连接数据库服务器失败",
}


def server_error_message(kind: str) -> str:
    return _SERVER_MESSAGES.get(kind, _SERVER_MESSAGES["other"])


def _connect(params: ServerParams, server_password: str) -> peewee.Database:
    try:
        return open_postgres(params, server_password)
    except ServerError as exc:
        raise DatabaseOpenError(server_error_message(exc.kind)) from None


# -- secrets on this workstation ------------------------------------------------------------------


def server_secret_name(params: ServerParams) -> str:
    return f"server:{params.user}@{params.location}"


def data_key_name(params: ServerParams) -> str:
    return f"data-key:{params.location}"


def remember_server_password(params: ServerParams, password: str) -> bool:
    return keystore.put(server_secret_name(params), password)


def stored_server_password(params: ServerParams) -> str | None:
    return keystore.get(server_secret_name(params))


def stored_data_key(params: ServerParams) -> bytes | None:
    text = keystore.get(data_key_name(params))
    return base64.b64decode(text) if text else None


def remember_data_key(params: ServerParams, data_key: bytes) -> bool:
    return keystore.put(data_key_name(params), base64.b64encode(data_key).decode())


# -- enrollment file -------------------------------------------------------------------------------


def _passphrase_key(passphrase: str, salt: bytes, kdf: KdfParams | None = None) -> bytes:
    return password_key(passphrase, salt, kdf or passwords.current_kdf())


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < 10:
        raise ValidationError("passphrase", "注册口令", "至少需要 10 个字符")


def parse_server_url(url: str) -> ServerParams:
    """postgresql://user@host:port/dbname?sslmode=…&sslrootcert=… (a password in the URL is refused)."""
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme not in ("postgresql", "postgres") or not parts.hostname:
        raise ValidationError("url", "服务器地址", "格式应为 postgresql://用户@主机:端口/数据库")
    if parts.password:
        raise ValidationError("url", "服务器地址", "地址中不能包含密码，请通过标准输入或环境变量提供")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    sslmode = query.get("sslmode", "require")
    if sslmode not in ("require", "verify-ca", "verify-full", "disable"):
        raise ValidationError("url", "加密方式", "sslmode 只能是 require、verify-ca、verify-full")
    try:
        port = parts.port or 5432
    except ValueError:
        raise ValidationError("url", "端口", "不是有效的端口号") from None
    return ServerParams(
        host=parts.hostname,
        port=port,
        dbname=unquote(parts.path.lstrip("/")) or "complaintdesk",
        user=unquote(parts.username or "complaintdesk"),
        sslmode=sslmode,
        sslrootcert=query.get("sslrootcert", ""),
    )


def export_enrollment(params: ServerParams, data_key: bytes, passphrase: str) -> bytes:
    """A file for enrolling another workstation: server settings plus the sealed data key."""
    check_passphrase(passphrase)

    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    kdf = passwords.current_kdf()
    server = asdict(params)
    sealed = AESGCM(_passphrase_key(passphrase, salt)).encrypt(nonce, data_key, json.dumps(server).encode())
    payload = {
        "format": ENROLLMENT_FORMAT,
        "version": 1,
        "server": server,
        "kdf": {"time_cost": kdf.time_cost, "memory_cost": kdf.memory_cost, "parallelism": kdf.parallelism},
        "salt": base64.b64encode(salt).decode(),
        "nonce": base64.b64encode(nonce).decode(),
        "data_key": base64.b64encode(sealed).decode(),
    }
    return json.dumps(payload, ensure_ascii=False, indent=1).encode()


def import_enrollment(blob: bytes, passphrase: str) -> tuple[ServerParams, bytes]:
    try:
        payload = json.loads(blob)
        if payload.get("format") != ENROLLMENT_FORMAT:
            raise ValueError
        server = payload["server"]
        params = ServerParams(**server)
        kdf = KdfParams(**payload["kdf"])
        key = _passphrase_key(passphrase, base64.b64decode(payload["salt"]), kdf)
    except (ValueError, KeyError, TypeError):
        raise ValidationError("enrollment", "注册文件", "不是有效的工作站注册文件") from None
    try:
        data_key = AESGCM(key).decrypt(
            base64.b64decode(payload["nonce"]),
            base64.b64decode(payload["data_key"]),
            json.dumps(server).encode(),
        )
    except InvalidTag:
        raise AuthError("注册口令错误") from None
    return params, data_key


# -- database creation and login -------------------------------------------------------------------


def create_shared_database(
    params: ServerParams,
    server_password: str,
    admin_username: str,
    admin_display_name: str,
    admin_password: str,
    hospital_name: str,
) -> tuple[Session, bytes]:
    """Create the schema on an empty server database with its first admin; returns the new data key."""
    admin = auth.FirstAdmin.validate(admin_username, admin_display_name, admin_password, hospital_name)
    db = _connect(params, server_password)
    if current_version(db) is not None:
        close_current()
        raise DatabaseOpenError("服务器上的数据库已经初始化，请直接登录，不会覆盖已有数据")
    data_key = secrets.token_bytes(32)
    cipher = FieldCipher(data_key)
    install_cipher(cipher)
    now = clock.now()
    try:
        ensure_schema(db, now)
        with db.atomic():
            admin.create(params.location, now, {KEY_CHECK_SETTING: cipher.key_check})
    except BaseException:
        install_cipher(None)
        close_current()
        raise
    return Session(
        user=auth.current_user(admin.username), db=db, backend="postgresql", location=params.location
    ), data_key


def login_shared(
    params: ServerParams, server_password: str, data_key: bytes, username: str, password: str
) -> Session:
    """Connect, check this workstation's data key against the database, then the user's password."""
    db = _connect(params, server_password)
    try:
        ensure_schema(db)
    except SchemaTooNewError as exc:
        close_current()
        raise DatabaseOpenError(
            f"数据库由更新版本的软件创建（结构版本 {exc.found}），请先升级本软件"
        ) from None
    cipher = FieldCipher(data_key)
    if settings.get_internal(KEY_CHECK_SETTING) != cipher.key_check:
        close_current()
        raise DatabaseOpenError("本工作站的数据密钥与该数据库不符，请重新导入工作站注册文件")
    install_cipher(cipher)
    try:
        name = auth.normalize_username(username)
    except ValidationError:
        raise AuthError() from None
    now = clock.now()
    row = User.get_or_none(User.username == name)
    if row is None:
        with database_proxy.atomic():
            audit.record(name[:32], "login.failed", name[:64])
        raise AuthError()
    if row.locked_until and row.locked_until > now:
        raise LockedOutError(row.locked_until)
    if not row.active or not passwords.verify_password(row.password_hash, password):
        until = auth.record_database_failure(row, now)
        with database_proxy.atomic():
            audit.record(name, "login.failed", name)
            if until:
                audit.record(name, "account.locked", name)
        if until:
            raise LockedOutError(until)
        raise AuthError()
    with database_proxy.atomic():
        User.update(failed_logins=0, locked_until=None, last_login_at=now).where(User.id == row.id).execute()
        audit.record(name, "login.ok", name)
    return Session(user=auth.current_user(name), db=db, backend="postgresql", location=params.location)
