"""Sessions for several users on the one open database (one connection per process)."""

from __future__ import annotations

from dataclasses import replace

from app import auth, users
from app.session import Session
from tests.support.accounts import USER_PASSWORD

_opened: list = []  # the connections of shared-mode sessions opened here, closed after each test


def close_opened() -> None:
    while _opened:
        _opened.pop().close()


def session_for(admin: Session, username: str, password: str = USER_PASSWORD) -> Session:
    """A session acting as an existing user: on the admin's already open database locally; on a
    shared server, signed in as the user's own database role (its own connection)."""
    if admin.backend == "postgresql":
        from app import shared

        assert admin.server is not None and admin.data_key is not None
        session = shared.login_shared(admin.server, admin.data_key, username, password)
        _opened.extend((session.db, admin.db))
        return session  # now the open connection; a service called with `admin` switches back
    return replace(admin, user=auth.current_user(username), slots=None, db_key=None)


def session_as(admin: Session, username: str, *roles: str, display_name: str = "") -> Session:
    """Add a user with `roles` (through the user service) and return a session acting as them."""
    users.add_user(
        admin, username, display_name or f"{username}同事", list(roles), USER_PASSWORD, must_change_password=False
    )
    if admin.backend == "postgresql":
        confirm_on_server(admin, username)
    return session_for(admin, username)


def confirm_on_server(admin: Session, username: str) -> None:
    """Shared mode: case roles an administrator gives wait for a manager (models/server_roles.py).
    The office's confirmed manager (test password) signs in and confirms them, as in the office."""
    from app import role_confirmations, server_accounts

    if not any(row[0] == username for row in server_accounts.unconfirmed_roles()):
        return
    manager = admin.db.execute_sql(
        'SELECT u.username FROM role_grant g JOIN "user" u ON u.id = g.user_id '
        "WHERE g.role = 'manager' AND g.confirmed_at IS NOT NULL AND u.active ORDER BY u.id LIMIT 1"
    ).fetchone()
    assert manager is not None, "no confirmed manager to confirm the roles"
    role_confirmations.confirm(session_for(admin, manager[0]), username)
