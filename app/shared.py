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
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import peewee
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app import audit, auth, clock, keystore, login_attempts, passwords, server_accounts, settings
from app.appconfig import WorkstationConfig
from app.errors import AuthError, DatabaseOpenError, LockedOutError, ValidationError
from app.keyslots import KdfParams, password_key
from app.policy import Action
from app.session import Session
from app.write_path import operation
from models import server_policy
from models.accounts import Setting, User
from models.database import (
    TLS_MODES,
    ServerError,
    ServerParams,
    certificate_fingerprint,
    close_current,
    connect_postgres,
    open_postgres,
    server_certificate,
)
from models.fields import FieldCipher, install_cipher
from models.migrations import SCHEMA_VERSION, current_version, ensure_schema
from models.schema import ALL_MODELS, SchemaVersion

KEY_CHECK_SETTING = "_data_key_check"
ENROLLMENT_FORMAT = "complaintdesk-enrollment"

_SERVER_MESSAGES = {
    "unreachable": "无法连接数据库服务器，请检查服务器地址、端口和网络",
    "auth": "数据库服务器的用户名或密码错误",
    "tls": "与数据库服务器的加密连接失败（TLS），请检查证书设置",
    "insecure": "不允许不加密地连接数据库服务器：加密方式只能是 require、verify-ca 或 verify-full",
    "cert_changed": "数据库服务器出示的证书与注册时记录的不一致，可能有人冒充服务器，已拒绝连接。"
    "如果服务器确实更换了证书，请系统管理员重新导出工作站注册文件",
    "unpinned": "本工作站的服务器设置没有记录服务器证书指纹，无法确认服务器的身份。"
    "请向系统管理员索取新的工作站注册文件，或改用 verify-full 并指定医院的 CA 证书",
    "no_database": "数据库服务器上没有这个数据库，请检查数据库名称",
    "other": "连接数据库服务器失败",
}


def server_error_message(kind: str) -> str:
    return _SERVER_MESSAGES.get(kind, _SERVER_MESSAGES["other"])


class ServerConnectionError(DatabaseOpenError):
    """Connecting to the server failed; `kind` is unreachable | auth | tls | insecure | cert_changed |
    unpinned | no_database | other."""

    def __init__(self, kind: str) -> None:
        super().__init__(server_error_message(kind))
        self.kind = kind


def pin_server(params: ServerParams) -> ServerParams:
    """`require` checks no certificate in libpq: record the server certificate's fingerprint now
    (first contact, by the administrator) so every later connection insists on that certificate."""
    if params.sslmode != "require" or params.cert_sha256:
        return params
    try:
        der = server_certificate(params.host, params.port)
    except ServerError as exc:
        raise ServerConnectionError(exc.kind) from None
    return replace(params, cert_sha256=certificate_fingerprint(der))


def require_authenticated(params: ServerParams) -> None:
    """Joining or signing in needs a way to know the server: a pinned certificate or a CA."""
    if params.sslmode not in TLS_MODES:
        raise ServerConnectionError("insecure")
    if params.sslmode == "require" and not params.cert_sha256:
        raise ServerConnectionError("unpinned")


def _connect(params: ServerParams, server_password: str) -> peewee.Database:
    try:
        return open_postgres(params, server_password)
    except ServerError as exc:
        raise ServerConnectionError(exc.kind) from None


def server_label(params: ServerParams) -> str:
    """host/database for the status bar and the login dialog (the port only when not the default)."""
    host = params.host if params.port == 5432 else f"{params.host}:{params.port}"
    return f"{host}/{params.dbname}"


SSL_MODES = ("require", "verify-ca", "verify-full")


def server_params_from_form(
    host: str, port: int, dbname: str, user: str, sslmode: str, sslrootcert: str = ""
) -> ServerParams:
    """Check what was typed into a connection form; the CA file is required to verify the server."""
    host, dbname, user, sslrootcert = host.strip(), dbname.strip(), user.strip(), sslrootcert.strip()
    if not host:
        raise ValidationError("host", "服务器地址", "不能为空")
    if any(c.isspace() for c in host) or "/" in host or "@" in host:
        raise ValidationError("host", "服务器地址", "只填写主机名或 IP 地址，例如 10.12.0.20")
    if not 1 <= port <= 65535:
        raise ValidationError("port", "端口", "应在 1 到 65535 之间")
    if not dbname:
        raise ValidationError("dbname", "数据库名", "不能为空")
    if not user:
        raise ValidationError("user", "账户名", "不能为空")
    if sslmode not in SSL_MODES:
        raise ValidationError("sslmode", "加密方式", "只能是 require、verify-ca 或 verify-full")
    if sslmode == "require":
        sslrootcert = ""
    elif not sslrootcert:
        raise ValidationError("sslrootcert", "CA 证书", "校验服务器证书时必须选择医院的 CA 证书文件")
    elif not Path(sslrootcert).is_file():
        raise ValidationError("sslrootcert", "CA 证书", f"找不到文件：{Path(sslrootcert).name}")
    return ServerParams(host, port, dbname, user, sslmode, sslrootcert)


@dataclass(frozen=True)
class ServerProbe:
    """What 测试连接 found: the schema version of the server database (None: empty)."""

    version: int | None
    key_check: str | None = None

    @property
    def empty(self) -> bool:
        return self.version is None

    def summary(self) -> str:
        if self.version is None:
            return "连接成功。服务器上的数据库是空的，可以在这里创建投诉数据库。"
        if self.version > SCHEMA_VERSION:
            return (
                f"连接成功，但服务器上的数据库由更新版本的软件创建（结构版本 {self.version}），"
                "请先升级本软件。"
            )
        return "连接成功。服务器上的数据库已经初始化，其他工作站请用工作站注册文件加入。"

    def require_empty(self) -> None:
        """Creating or migrating never overwrites an initialised database."""
        if not self.empty:
            raise DatabaseOpenError(
                "服务器上的数据库已经初始化，不会覆盖已有数据。要使用它，请用系统管理员导出的工作站注册文件加入。"
            )

    def require_key(self, data_key: bytes) -> None:
        """Joining needs an initialised database of this version whose data key is `data_key`."""
        if self.version is None:
            raise DatabaseOpenError("服务器上的数据库还没有初始化，请检查注册文件对应的服务器")
        if self.version > SCHEMA_VERSION:
            raise DatabaseOpenError(self.summary())
        if self.key_check != FieldCipher(data_key).key_check:
            raise DatabaseOpenError(
                "注册文件的数据密钥与服务器上的数据库不符，请向系统管理员索取新的注册文件"
            )


def probe_server(params: ServerParams, server_password: str) -> ServerProbe:
    """Connect and look at the server database without touching the database this process has open."""
    try:
        db = connect_postgres(params, server_password)
    except ServerError as exc:
        raise ServerConnectionError(exc.kind) from None
    try:
        with db.bind_ctx([SchemaVersion, Setting], bind_refs=False, bind_backrefs=False):
            version = current_version(db)
            check = settings.get_internal(KEY_CHECK_SETTING) if version is not None else None
    finally:
        db.close()
    return ServerProbe(version, check)


# -- secrets on this workstation ------------------------------------------------------------------


def server_secret_name(params: ServerParams) -> str:
    """Where an earlier version kept a shared server password (removed on enrollment)."""
    return f"server:{params.user}@{params.location}"


def data_key_name(params: ServerParams) -> str:
    return f"data-key:{params.location}"


def stored_data_key(params: ServerParams) -> bytes | None:
    text = keystore.get(data_key_name(params))
    return base64.b64decode(text) if text else None


def remember_data_key(params: ServerParams, data_key: bytes) -> bool:
    return keystore.put(data_key_name(params), base64.b64encode(data_key).decode())


@dataclass(frozen=True)
class StoredSecrets:
    """What this workstation keeps in its OS keyring for one server (for display, not the values)."""

    keyring: bool
    data_key: bool


def stored_secrets(params: ServerParams) -> StoredSecrets:
    return StoredSecrets(
        keystore.available(),
        stored_data_key(params) is not None,
    )


def forget_workstation_secrets(params: ServerParams) -> None:
    """Remove the data key of this server (and any server password an earlier version kept)."""
    keystore.delete(server_secret_name(params))
    keystore.delete(data_key_name(params))


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
    if sslmode not in TLS_MODES:
        raise ValidationError(
            "url", "加密方式", "不允许不加密的连接，sslmode 只能是 require、verify-ca 或 verify-full"
        )
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
    """A file for enrolling another workstation: server settings (with the pinned server certificate
    for `require`) plus the sealed data key; the settings are authenticated by the passphrase."""
    check_passphrase(passphrase)
    params = pin_server(params)

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


def enrollment_server(blob: bytes) -> ServerParams:
    """The server an enrollment file points to (readable without the passphrase)."""
    try:
        payload = json.loads(blob)
        if payload.get("format") != ENROLLMENT_FORMAT:
            raise ValueError
        return ServerParams(**payload["server"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ValidationError("enrollment", "注册文件", "不是有效的工作站注册文件") from None


def enrollment_for(session: Session, passphrase: str) -> bytes:
    """A new enrollment file for the open server database (system administrators; audited)."""
    with operation(session, Action.MANAGE_SETTINGS, "enrollment.exported", target=session.location):
        if session.server is None or session.data_key is None:
            raise DatabaseOpenError("只有连接医院服务器时才能导出工作站注册文件")
        return export_enrollment(session.server, session.data_key, passphrase)


# -- this workstation's way to the server ----------------------------------------------------------

NO_ENROLLMENT = "本工作站还没有导入工作站注册文件，请向系统管理员索取注册文件后导入"


@dataclass
class SharedConnection:
    """How this workstation opens the server database during one run of the program.

    The workstation keeps the server address and the data key (in the OS keyring, or in the kept
    enrollment file whose passphrase is asked each session); no server login. Each user signs in
    as their own database role with their own password (app/server_accounts.py).
    """

    params: ServerParams
    enrollment_path: str = ""
    data_key: bytes | None = field(default=None, repr=False)

    @classmethod
    def from_config(cls, config: WorkstationConfig) -> SharedConnection | None:
        params = config.server_params()
        if not config.is_shared or params is None:
            return None
        return cls(params, config.enrollment_path, stored_data_key(params))

    @property
    def needs_passphrase(self) -> bool:
        """The data key must be unlocked from the kept enrollment file (no keyring)."""
        return self.data_key is None and bool(self.enrollment_path)

    @property
    def needs_enrollment(self) -> bool:
        return self.data_key is None and not self.enrollment_path

    def unlock(self, passphrase: str) -> None:
        """Open the kept enrollment file with its passphrase to get the data key."""
        try:
            blob = Path(self.enrollment_path).read_bytes()
        except OSError:
            raise DatabaseOpenError("找不到本工作站保存的注册文件，请重新导入工作站注册文件") from None
        params, data_key = import_enrollment(blob, passphrase)
        if params != self.params:
            raise DatabaseOpenError("注册文件对应的服务器与本工作站的设置不符，请重新导入工作站注册文件")
        self.data_key = data_key

    def login(self, username: str, password: str) -> Session:
        """login_shared with this workstation's data key."""
        if self.data_key is None:
            raise DatabaseOpenError(NO_ENROLLMENT)
        return login_shared(self.params, self.data_key, username, password)


def enroll_workstation(params: ServerParams, data_key: bytes, blob: bytes) -> SharedConnection:
    """Make this workstation open the server database from now on.

    The data key goes into the OS keyring; without one, a copy of the (passphrase-protected)
    enrollment file `blob` is kept and its passphrase asked for each session. The workstation
    settings record the server, no secret; a server password kept by an earlier version is removed.
    """
    config = WorkstationConfig.load()
    kept = "" if remember_data_key(params, data_key) else str(config.keep_enrollment(blob))
    keystore.delete(server_secret_name(params))
    config.use_server(params, kept)
    return SharedConnection(params, kept, data_key)


def join_server(blob: bytes, passphrase: str) -> SharedConnection:
    """Enroll this workstation with an enrollment file, after checking the server accepts it."""
    params, data_key = import_enrollment(blob, passphrase)
    require_authenticated(params)
    probe_enrolled(params, data_key).require_key(data_key)
    return enroll_workstation(params, data_key, blob)


# -- database creation and login -------------------------------------------------------------------


def install_server_policy(db: peewee.Database, params: ServerParams, data_key: bytes) -> None:
    from app.statistics.conditions import BANDS  # the statistics are not loaded before they are used

    server_policy.install(
        db,
        params.dbname,
        server_accounts.scram_verifier(server_accounts.gate_password(data_key)),
        max_failures=login_attempts.MAX_FAILURES,
        lockout_minutes=int(login_attempts.LOCKOUT.total_seconds() // 60),
        bands=BANDS,
    )


def create_shared_database(
    params: ServerParams,
    owner_password: str,
    admin_username: str,
    admin_display_name: str,
    admin_password: str,
    hospital_name: str,
) -> tuple[Session, bytes]:
    """Create the schema on an empty server database as its owner (`params.user`, the account the
    hospital's database administrator gives the setup wizard), install the server's enforcement
    (roles, grants, row-level security, functions) and the first admin's role; then sign in as that
    admin. The owner's password is used for this only and kept nowhere. Returns the new data key."""
    admin = auth.FirstAdmin.validate(admin_username, admin_display_name, admin_password, hospital_name)
    params = pin_server(params)
    db = _connect(params, owner_password)
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
            User.update(password_hash="").where(User.username == admin.username).execute()
            install_server_policy(db, params, data_key)
            db.execute_sql(
                "SELECT cd_make_role(%s, %s)",
                (admin.username, server_accounts.role_verifier(params.dbname, admin.username, admin.password)),
            )
    except BaseException:
        install_cipher(None)
        close_current()
        raise
    close_current()
    return login_shared(params, data_key, admin.username, admin.password), data_key


def upgrade_shared_database(params: ServerParams, owner_password: str, data_key: bytes) -> int:
    """Upgrade the schema as the database owner and reinstall the server's enforcement; returns the
    schema version found. Application users cannot change the schema."""
    db = _connect(params, owner_password)
    try:
        with db.bind_ctx(ALL_MODELS, bind_refs=False, bind_backrefs=False):
            if current_version(db) is None:
                raise DatabaseOpenError("服务器上的数据库还没有初始化")
            install_cipher(FieldCipher(data_key))
            found = ensure_schema(db, clock.now())
            with db.atomic():
                install_server_policy(db, params, data_key)
    finally:
        install_cipher(None)
        close_current()
    return found


NOT_READY = (
    "服务器上的数据库还没有初始化，或本工作站的数据密钥与该数据库不符。"
    "请先用首次使用向导创建数据库，或重新导入工作站注册文件"
)


def _open_gate(params: ServerParams, data_key: bytes) -> peewee.Database:
    """The sign-in helper's connection: it may only probe and count failed sign-ins."""
    gate, password = server_accounts.gate_params(params, data_key)
    try:
        return connect_postgres(gate, password)
    except ServerError as exc:
        raise ServerConnectionError(exc.kind) if exc.kind != "auth" else DatabaseOpenError(NOT_READY) from None


def probe_enrolled(params: ServerParams, data_key: bytes) -> ServerProbe:
    """What an enrolled workstation (server address and data key, no login) finds on the server."""
    gate = _open_gate(params, data_key)
    try:
        version, check = server_accounts.probe(gate)
    finally:
        gate.close()
    return ServerProbe(version, check)


def login_shared(params: ServerParams, data_key: bytes, username: str, password: str) -> Session:
    """Sign in as the user's own database role (its password derived from the typed one).

    The server counts each attempt before the password is tried (cd_login_charge, through the gate
    role); the last allowed attempt that fails locks the account (cd_login_lock). A locked or
    disabled account is refused (cd_login_charge, cd_login_ok, and its role cannot sign in at all);
    the client can neither skip nor reset the count.
    """
    require_authenticated(params)
    try:
        name = auth.normalize_username(username)
    except ValidationError:
        raise AuthError() from None
    gate = _open_gate(params, data_key)
    try:
        version, check = server_accounts.probe(gate)
        if version is None:
            raise DatabaseOpenError("服务器上的数据库还没有初始化，请先用首次使用向导创建，或检查数据库名称")
        if version > SCHEMA_VERSION:
            raise DatabaseOpenError(f"数据库由更新版本的软件创建（结构版本 {version}），请先升级本软件")
        if version < SCHEMA_VERSION:
            raise DatabaseOpenError(
                "服务器上的数据库需要升级。请系统管理员用数据库所有者账户执行 complaintdesk server-upgrade"
            )
        if check != FieldCipher(data_key).key_check:
            raise DatabaseOpenError("本工作站的数据密钥与该数据库不符，请重新导入工作站注册文件")
        allowed, lock = server_accounts.login_charge(gate, name)
        if not allowed:
            raise LockedOutError(lock or clock.now() + login_attempts.LOCKOUT)
        user_params, role_password = server_accounts.user_params(params, name, password)
        try:
            db = open_postgres(user_params, role_password)
        except ServerError as exc:
            if exc.kind != "auth":
                raise ServerConnectionError(exc.kind) from None
            if lock is not None:  # the last attempt allowed failed: the server locks the account
                raise LockedOutError(server_accounts.login_lock(gate, name) or lock) from None
            raise AuthError() from None
    finally:
        gate.close()
    server_accounts.mark_signed_in(db, name)
    install_cipher(FieldCipher(data_key))
    try:
        with db.atomic():
            missed = server_accounts.login_ok()
            if missed:
                audit.record(name, "login.failed", name, {"count": missed, "counted_by": "server"})
            audit.record(name, "login.ok", name)
    except peewee.DatabaseError as exc:  # locked or disabled: the server refused
        install_cipher(None)
        close_current()
        if "locked until" in str(exc):
            raise LockedOutError(clock.now() + login_attempts.LOCKOUT) from None
        raise AuthError() from None
    return _shared_session(name, db, params, data_key)


def _shared_session(username: str, db: peewee.Database, params: ServerParams, data_key: bytes) -> Session:
    return Session(
        user=auth.current_user(username),
        db=db,
        backend="postgresql",
        location=params.location,
        server=params,
        data_key=data_key,
    )
