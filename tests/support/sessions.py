"""Sessions for several users on the one open database (one connection per process)."""

from __future__ import annotations

from dataclasses import replace

from app import auth, users
from app.session import Session
from tests.support.accounts import USER_PASSWORD


def session_for(admin: Session, username: str) -> Session:
    """A session acting as an existing user, on the admin's already open database."""
    return replace(admin, user=auth.current_user(username), slots=None, db_key=None)


def session_as(admin: Session, username: str, *roles: str, display_name: str = "") -> Session:
    """Add a user with `roles` (through the user service) and return a session acting as them."""
    users.add_user(
        admin, username, display_name or f"{username}同事", list(roles), USER_PASSWORD, must_change_password=False
    )
    return session_for(admin, username)
