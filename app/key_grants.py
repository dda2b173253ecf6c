"""授予标识密钥 (local mode): a manager gives the identifier key to an officer or manager account.

The key is never granted because an account has the role in `user_role`: every user who can sign
in holds the database key and could write such a row with plain SQL (and an administrator can make
an account with any role). So a manager sees the accounts whose roles call for the key but whose
slot does not hold it, with who gave them the role and when, as the audit log records it (a role
without such an entry was not given through the application), and grants it, one account at a time,
as an audited act. An account still on the initial password an administrator set is not granted
until its owner has chosen their own (the administrator could otherwise open the slot).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from app import sealing
from app.errors import NotFoundError, ValidationError
from app.keyslots import KeySlotFile
from app.policy import IDENTIFIER_KEY_ROLES, Action
from app.sealed_data import session_key
from app.session import Session
from app.write_path import operation, require
from models.accounts import User, UserRole
from models.audit import AuditEntry

ROLE_ACTIONS = ("user.added", "user.roles_changed", "user.changed")  # audited changes that give roles
NOT_READY = "仍在使用系统管理员设置的初始密码：本人登录并修改密码后才能授予"
NO_ORIGIN = "审计日志中没有授予此角色的记录：请系统管理员核查，并在用户管理中重新设置角色后再授予"


@dataclass(frozen=True)
class PendingGrant:
    """An account whose roles hold the identifier key and whose slot does not have it yet."""

    username: str
    display_name: str
    roles: tuple[str, ...]
    given_by: str  # who gave the role, by the audit log ("" when no audited change gave it)
    given_at: datetime | None
    ready: bool  # False while the account still has its initial password (NOT_READY) or no audited origin


def _roles_given(detail: dict) -> set[str]:
    """The roles an audited user change left the account with (empty when it did not touch roles)."""
    if isinstance(detail.get("roles"), list):
        return set(detail["roles"])  # user.added
    if isinstance(detail.get("new"), list):
        return set(detail["new"])  # user.roles_changed
    changed = detail.get("roles")
    if isinstance(changed, dict) and isinstance(changed.get("new"), list):
        return set(changed["new"])  # user.changed
    return set()


def role_origin(username: str) -> tuple[str, datetime | None]:
    """(actor, time) of the newest audited change that gave `username` a role holding the key."""
    rows = (
        AuditEntry.select(AuditEntry.actor, AuditEntry.at, AuditEntry.detail)
        .where((AuditEntry.target == username) & AuditEntry.action.in_(ROLE_ACTIONS))
        .order_by(AuditEntry.seq.desc())
    )
    for row in rows:
        if _roles_given(json.loads(row.detail or "{}")) & IDENTIFIER_KEY_ROLES:
            return row.actor, datetime.fromisoformat(row.at)
    return "", None


def _names() -> dict[str, str]:
    return {row.username: row.display_name for row in User.select(User.username, User.display_name)}


def pending(session: Session) -> list[PendingGrant]:
    """The accounts a manager is asked to grant the identifier key (empty outside local mode or
    before the key exists)."""
    require(session, Action.GRANT_IDENTIFIER_KEY)
    public = sealing.stored_public()
    if session.backend != "local" or session.database_path is None or public is None:
        return []
    slots = KeySlotFile.load(session.database_path)
    roles: dict[int, list[str]] = {}
    for row in UserRole.select().where(UserRole.role.in_(sorted(IDENTIFIER_KEY_ROLES))):
        roles.setdefault(row.user_id, []).append(row.role)
    names = _names()
    waiting = []
    for user in User.select().where(User.id.in_(list(roles)) & (User.active == True)).order_by(User.username):  # noqa: E712
        if sealing.holds_grant(slots, user.username, public):
            continue
        actor, at = role_origin(user.username)
        waiting.append(
            PendingGrant(
                user.username,
                user.display_name,
                tuple(sorted(roles[user.id])),
                names.get(actor, actor),
                at,
                not user.must_change_password and bool(actor),
            )
        )
    return waiting


def grant(session: Session, username: str) -> None:
    """Seal the identifier key (and the older ones it replaced) to `username`'s slot; audited with
    the account's name. Only a manager whose own slot holds the key can."""
    with operation(session, Action.GRANT_IDENTIFIER_KEY, "identifiers.key_granted", target=username) as op:
        key = session_key(session)
        if session.backend != "local" or session.database_path is None or key is None:
            raise ValidationError("", "标识密钥", "本账户的密钥槽中没有标识密钥，不能授予他人")
        user = User.get_or_none(User.username == username)
        if user is None or not user.active:
            raise NotFoundError(f"用户不存在或已停用：{username}")
        roles = sorted(r.role for r in UserRole.select().where(UserRole.user == user))
        if not set(roles) & IDENTIFIER_KEY_ROLES:
            raise ValidationError("", "标识密钥", f"“{user.display_name}”没有专员或主任角色，不能持有标识密钥")
        if user.must_change_password:
            raise ValidationError("", "标识密钥", f"“{user.display_name}”{NOT_READY}")
        slots = KeySlotFile.load(session.database_path)
        if slots.user_slot_id(username) not in slots.slots:
            raise ValidationError("", "标识密钥", f"“{user.display_name}”尚无密钥槽：请本人先登录一次")
        actor, at = role_origin(username)
        if not actor:
            raise ValidationError("", "标识密钥", f"“{user.display_name}”{NO_ORIGIN}")
        op.detail.update(roles=roles, key=key.id, role_given_by=actor or None)
        if at is not None:
            op.detail["role_given_at"] = at.isoformat(timespec="seconds")
    # After the audit entry committed: a grant never exists without its entry (a failure here leaves
    # the account on the list, and the manager grants again).
    with KeySlotFile.update(session.database_path) as slots:
        sealing.grant(slots, username, key)
    session.slots = slots


def grant_waiting(session: Session) -> list[str]:
    """Grant the key to every waiting account that may have it (`ready`), as a manager does one by
    one on the home card; returns their usernames. For setting up demonstration and benchmark
    databases, whose accounts a script made."""
    granted = [w.username for w in pending(session) if w.ready]
    for username in granted:
        grant(session, username)
    return granted
