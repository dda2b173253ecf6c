"""Code run in a separate process (multiprocessing 'spawn') by the key freshness tests: another
workstation on the same database file, where the administrator changes a user's roles."""

from __future__ import annotations


def set_roles(db_path: str, username: str, roles: list[str]) -> None:
    """Sign in as the administrator and give `username` these roles (a holder losing the officer
    role makes a new identifier key: app.users → app.sealed_data.rotate)."""
    from app import auth, clock, users
    from tests.support.accounts import ADMIN, ADMIN_PASSWORD, use_cheap_kdf
    from tests.support.cases import START, FakeClock

    use_cheap_kdf()
    clock.set_clock(FakeClock(START))
    admin = auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)
    users.set_roles(admin, username, roles)
    auth.logout(admin)
