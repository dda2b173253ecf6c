"""A local office for the sealing tests: a new database, users by role, and the manager's first
sign-in (which makes the identifier key)."""

from __future__ import annotations

from pathlib import Path

from app import auth, users
from app.session import Session
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, HOSPITAL, USER_PASSWORD


def login(path: Path, username: str) -> Session:
    return auth.login_local(path, username, USER_PASSWORD)


def sealed_office(db_path: Path, people: tuple[tuple[str, str, str], ...]) -> Path:
    """`people` as (username, display name, role), the manager `manager1` among them; the manager
    signs in once, so the identifier key exists."""
    admin, _recovery = auth.create_local_database(db_path, ADMIN, "周建国", ADMIN_PASSWORD, HOSPITAL)
    for username, name, role in people:
        users.add_user(admin, username, name, [role], USER_PASSWORD, must_change_password=False)
    auth.logout(admin)
    auth.logout(login(db_path, "manager1"))
    return db_path
