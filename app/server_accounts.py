"""Shared mode: each application user is their own PostgreSQL role (models/server_policy.py).

How the database password relates to the application password: the user types one password.
The client derives the role's password from it, argon2id(password, salt = SHA-256 of the role
name), and the server keeps only a SCRAM-SHA-256 verifier of that derived secret, computed on the
client as well (so neither the typed password nor the derived one ever reaches the server or its
logs). Knowing the SCRAM verifier does not let anyone sign in, and guessing the password from it
costs an argon2id per guess. The workstation keeps no server login: only the server address and the
data key; the "gate" role that counts failed sign-ins and answers the probe has its password derived
from the data key and may call nothing but those functions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import peewee
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.keyslots import DEFAULT_KDF, KdfParams, password_key
from models.database import ServerParams, database_proxy
from models.server_policy import gate_role, user_role

SCRAM_ITERATIONS = 4096

# The cost of deriving a role's password. It must not change once users exist (their roles'
# verifiers were made with it); tests lower it with `set_cost`.
_kdf: KdfParams = DEFAULT_KDF


def set_cost(kdf: KdfParams) -> None:
    global _kdf
    _kdf = kdf


def role_password(dbname: str, username: str, password: str) -> str:
    """The database password of `username`'s role, derived from the password the user types."""
    role = user_role(dbname, username)
    salt = hashlib.sha256(b"complaintdesk server role|" + role.encode()).digest()[:16]
    return base64.b64encode(password_key(password, salt, _kdf)).decode()


def gate_password(data_key: bytes) -> str:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"complaintdesk server gate")
    return base64.b64encode(derived.derive(data_key)).decode()


def scram_verifier(password: str) -> str:
    """PostgreSQL's SCRAM-SHA-256 verifier (RFC 5802/7677), as `CREATE ROLE … PASSWORD` accepts it."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def role_verifier(dbname: str, username: str, password: str) -> str:
    return scram_verifier(role_password(dbname, username, password))


def user_params(params: ServerParams, username: str, password: str) -> tuple[ServerParams, str]:
    """Where and how `username` signs in: their role and its derived password."""
    return replace(params, user=user_role(params.dbname, username)), role_password(
        params.dbname, username, password
    )


def gate_params(params: ServerParams, data_key: bytes) -> tuple[ServerParams, str]:
    return replace(params, user=gate_role(params.dbname)), gate_password(data_key)


# -- calls to the server's functions (the open connection is an application user's role) ------------


def signed_in_as_user() -> bool:
    """Is the open database a server on which this process signed in as an application user?"""
    return bool(getattr(database_proxy.obj, "app_user", None))


def mark_signed_in(db: peewee.Database, username: str) -> None:
    db.app_user = username  # type: ignore[attr-defined]


def _call(sql: str, *args: object) -> list[tuple]:
    return list(database_proxy.execute_sql(sql, args).fetchall())


def add_user(
    dbname: str,
    username: str,
    display_name: str,
    phone: str,
    roles: Sequence[str],
    password: str,
    must_change: bool,
) -> int:
    verifier = role_verifier(dbname, username, password)
    return _call(
        "SELECT cd_add_user(%s, %s, %s, %s, %s, %s)",
        username,
        display_name,
        phone,
        list(roles),
        verifier,
        must_change,
    )[0][0]


def update_user(username: str, display_name: str, phone: str, roles: Sequence[str]) -> None:
    _call("SELECT cd_update_user(%s, %s, %s, %s)", username, display_name, phone, list(roles))


def set_roles(username: str, roles: Sequence[str]) -> None:
    _call(
        'SELECT cd_update_user(username, display_name, phone, %s) FROM "user" WHERE username = %s',
        list(roles),
        username,
    )


def set_password(dbname: str, username: str, password: str, must_change: bool) -> None:
    _call(
        "SELECT cd_set_password(%s, %s, %s)", username, role_verifier(dbname, username, password), must_change
    )


def set_active(dbname: str, username: str, active: bool, password: str | None) -> None:
    verifier = role_verifier(dbname, username, password) if active and password else None
    _call("SELECT cd_set_active(%s, %s, %s)", username, active, verifier)


def unlock(username: str) -> None:
    _call("SELECT cd_unlock(%s)", username)


def set_setting(key: str, value_json: str) -> None:
    _call("SELECT cd_set_setting(%s, %s)", key, value_json)


def login_ok() -> int:
    """The signed-in user's sign-in is complete: the server refuses it while the account is locked
    (whoever's attempts set the lock); returns the failures since the last sign-in (for the audit
    log) and settles the count."""
    return _call("SELECT cd_login_ok()")[0][0]


def login_charge(db: peewee.Database, username: str) -> tuple[bool, datetime | None]:
    """Count one attempt on the server before the password is tried: (may try, lockout end). The
    lockout end is given to the last attempt the count allows (if it fails, `login_lock` sets that
    lock), and when the account is locked already (then it may not try)."""
    with db.atomic():
        allowed, until = db.execute_sql("SELECT * FROM cd_login_charge(%s)", (username,)).fetchone()
    return allowed, until


def login_lock(db: peewee.Database, username: str) -> datetime | None:
    """After the last allowed attempt failed: the lock the server's own count calls for, set now (a
    count below the limit locks nobody). Returns its end."""
    with db.atomic():
        return db.execute_sql("SELECT cd_login_lock(%s)", (username,)).fetchone()[0]


def probe(gate: peewee.Database) -> tuple[int | None, str | None]:
    version, check = gate.execute_sql("SELECT * FROM cd_probe()").fetchone()
    return version, check


def password_is_right(params: ServerParams, username: str, password: str) -> bool:
    """Check a user's password again (idle unlock, own password change) by signing in as their role
    on a second connection, closed at once."""
    from models.database import ServerError, connect_postgres

    where, secret = user_params(params, username, password)
    try:
        connect_postgres(where, secret).close()
    except ServerError as exc:
        if exc.kind == "auth":
            return False
        raise
    return True


# -- case roles an administrator gave, confirmed by a manager (models/server_roles.py) ---------------


def confirm_role(username: str, role: str) -> None:
    _call("SELECT cd_confirm_role(%s, %s)", username, role)


def confirmations_installed() -> bool:
    """Does the server's policy confirm case roles? (Not before its owner upgraded it.)"""
    return bool(_call("SELECT to_regproc('cd_roles') IS NOT NULL")[0][0])


def unconfirmed_roles() -> list[tuple[str, str, str, datetime]]:
    """(username, role, given by, given at) of the case roles waiting for a manager, active users only."""
    if not confirmations_installed():
        return []
    return _call(
        'SELECT u.username, g.role, g.given_by, g.given_at FROM role_grant g JOIN "user" u ON u.id = g.user_id '
        "WHERE g.confirmed_at IS NULL AND u.active ORDER BY u.username, g.role"
    )


def my_pending_roles() -> list[str]:
    """The signed-in user's roles that do not count yet (a manager has not confirmed them)."""
    if not confirmations_installed():
        return []
    return list(_call("SELECT cd_pending_roles()")[0][0] or [])


def roles_in_force() -> list[str] | None:
    """The signed-in user's roles the server counts (None on a server whose policy predates role
    confirmations: it counts every role, until its owner upgrades it)."""
    if not confirmations_installed():
        return None
    return list(_call("SELECT cd_roles()")[0][0] or [])


def account_log(limit: int = 200) -> list[tuple[datetime, str, str, str, str]]:
    """The server's own log of account changes, newest first: (at, actor, action, target, detail)."""
    return _call("SELECT at, actor, action, target, detail FROM account_log ORDER BY id DESC LIMIT %s", limit)
