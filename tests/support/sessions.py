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
    return session_for(admin, username)
