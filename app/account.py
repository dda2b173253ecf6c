"""What the signed-in user sees about their own account: greeting facts and the database label."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import peewee

from app import role_confirmations, sealed_data, settings
from app.policy import ROLE_LABELS, Role
from app.session import Session
from app.shared import server_label
from models.audit import LOGIN_ACTION, AuditEntry


@dataclass(frozen=True)
class AccountSummary:
    display_name: str
    username: str
    roles_label: str
    hospital_name: str
    office_name: str
    previous_login_at: datetime | None  # the login before this one; None on the first login
    database_label: str
    # Local mode: the user's roles hold the identifier key but their slot has not been given it yet
    # (a manager grants it, app/key_grants.py); identifiers show masked until then.
    identifier_key_pending: bool = False
    # Local mode: the identifier public key in the database is not the one this slot trusts
    # (app/key_pins.py): the alarm text; nothing is sealed until it is resolved.
    identifier_key_alarm: str = ""
    # Shared mode: case roles an administrator gave that a manager has not confirmed yet
    # (app/role_confirmations.py); they do not count on the server until then.
    roles_waiting: tuple[str, ...] = ()


def roles_label(roles: frozenset[str] | tuple[str, ...]) -> str:
    """Chinese role names in the policy's order, joined with 、."""
    return "、".join(ROLE_LABELS[r] for r in Role if r in roles)


def database_label(session: Session) -> str:
    """本地加密库 · file name, or 服务器 · host/database."""
    if session.server is not None:
        return f"服务器 · {server_label(session.server)}"
    kind = "本地加密库" if session.backend == "local" else "共享数据库"
    return f"{kind} · {session.location}"


def previous_login_query(username: str) -> peewee.ModelSelect:
    """The user's two newest logins. The action is a literal, so the logins' partial index
    (models.audit.LOGIN_INDEX) serves the query: two index entries, however many other entries
    the user has (ten or so per case they handle)."""
    login = AuditEntry.action == peewee.SQL(f"'{LOGIN_ACTION}'")
    return (
        AuditEntry.select(AuditEntry.at)
        .where(login & (AuditEntry.actor == username))
        .order_by(AuditEntry.seq.desc())
        .limit(2)
    )


def previous_login(session: Session) -> datetime | None:
    """When this user logged in before the current login (from the audit log)."""
    times = [row.at for row in previous_login_query(session.user.username)]
    return datetime.fromisoformat(times[1]) if len(times) == 2 else None


# Audit actions shown to the user in 最近账户活动: their own, and what an admin did to their account.
OWN_ACTIVITY = {
    "login.ok": "登录",
    "login.failed": "登录失败（密码错误）",
    "account.locked": "多次输错密码，账户被锁定",
    "unlock.failed": "解锁屏幕失败（密码错误）",
    "password.changed": "修改了密码",
    "recovery.used": "用恢复密钥重设了密码",
}
ACTIVITY_ABOUT_ME = {
    "user.password_reset": "系统管理员重置了密码",
    "user.unlocked": "系统管理员解除了登录锁定",
    "user.roles_changed": "系统管理员修改了角色",
}
WARNING_ACTIVITY = {"login.failed", "account.locked", "unlock.failed"}


@dataclass(frozen=True)
class ActivityEntry:
    at: datetime
    label: str
    warning: bool


def recent_activity_query(username: str, limit: int = 8) -> peewee.ModelSelect:
    """The user's newest security events (their own, and what an administrator did to the account).

    Read through the actions' index: these actions are few, while the user's own entries run into the
    millions (ten or so per case handled). The name is compared in a form no index serves
    (`actor || ''`), or the planner walks all of the user's entries (4.4 s for the busiest user at
    200,000 cases)."""
    own = AuditEntry.action.in_(list(OWN_ACTIVITY)) & (AuditEntry.actor.concat("") == username)
    about_me = AuditEntry.action.in_(list(ACTIVITY_ABOUT_ME)) & (AuditEntry.target.concat("") == username)
    return (
        AuditEntry.select(AuditEntry.at, AuditEntry.action)
        .where(own | about_me)
        .order_by(AuditEntry.seq.desc())
        .limit(limit)
    )


def recent_activity(session: Session, limit: int = 8) -> list[ActivityEntry]:
    """The newest security events of the signed-in user's own account, newest first."""
    rows = recent_activity_query(session.user.username, limit)
    labels = {**OWN_ACTIVITY, **ACTIVITY_ABOUT_ME}
    return [
        ActivityEntry(datetime.fromisoformat(row.at), labels[row.action], row.action in WARNING_ACTIVITY)
        for row in rows
    ]


def account_summary(session: Session) -> AccountSummary:
    values = settings.get_all()
    return AccountSummary(
        display_name=session.user.display_name,
        username=session.user.username,
        roles_label=roles_label(session.user.roles),
        hospital_name=values["hospital_name"],
        office_name=values["office_name"],
        previous_login_at=previous_login(session),
        database_label=database_label(session),
        identifier_key_pending=sealed_data.awaiting_grant(session),
        identifier_key_alarm=session.key_alarm,
        roles_waiting=tuple(role_confirmations.my_waiting_roles(session)),
    )


def idle_lock_minutes() -> int:
    """Minutes without input before the screen locks (0: never)."""
    return int(settings.get("idle_lock_minutes"))
