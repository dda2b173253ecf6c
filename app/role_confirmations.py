"""确认案件角色 (shared mode): the case roles an administrator gave an account count on the server
only once a manager confirms them (models/server_roles.py); the manager's counterpart of
app/key_grants.py in local mode. The server checks the confirmer is a manager again and writes its
own log; the application's audit log records the confirmation too."""

from __future__ import annotations

from app import server_accounts
from app.errors import ValidationError
from app.key_grants import PendingGrant
from app.policy import Action
from app.session import Session
from app.write_path import operation, require
from models.accounts import User

WAITING_TEXT = "尚待主任确认，确认前在服务器上不生效（看不到相应的案件）"


def on_server(session: Session) -> bool:
    return session.backend == "postgresql" and server_accounts.signed_in_as_user()


def pending(session: Session) -> list[PendingGrant]:
    """The accounts with case roles waiting for a manager, one entry per account."""
    require(session, Action.CONFIRM_ROLE)
    if not on_server(session):
        return []
    names = {row.username: row.display_name for row in User.select(User.username, User.display_name)}
    grouped: dict[str, list] = {}
    for username, role, given_by, given_at in server_accounts.unconfirmed_roles():
        grouped.setdefault(username, []).append((role, given_by, given_at))
    waiting = []
    for username, rows in grouped.items():
        given_by, given_at = max(((by, at) for _r, by, at in rows), key=lambda pair: pair[1])
        roles = tuple(role for role, _b, _a in rows)
        waiting.append(PendingGrant(username, names.get(username, username), roles,
                                    names.get(given_by, given_by), given_at, True))  # fmt: skip
    return waiting


def confirm(session: Session, username: str) -> tuple[str, ...]:
    """Confirm every case role `username` is waiting with; returns those roles."""
    with operation(session, Action.CONFIRM_ROLE, "user.roles_confirmed", target=username) as op:
        if not on_server(session):
            raise ValidationError("", "案件角色", "只有共享模式的服务器需要主任确认案件角色")
        roles = tuple(role for name, role, _by, _at in server_accounts.unconfirmed_roles() if name == username)
        if not roles:
            raise ValidationError("", "案件角色", f"“{username}”没有待确认的案件角色")
        for role in roles:
            server_accounts.confirm_role(username, role)
        op.detail["roles"] = list(roles)
    return roles


def my_waiting_roles(session: Session) -> list[str]:
    """The signed-in user's own roles still waiting (shown on their home, in Chinese)."""
    return server_accounts.my_pending_roles() if on_server(session) else []
