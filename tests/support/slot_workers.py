"""Worker processes for the key-slot attack tests: each is a separate OS process on the same files.

Only app/ modules are imported (no Qt), so spawning is quick. Workers that inject a crash replace
`KeySlotFile.save` with a wrapper that ends the process (os._exit, as kill -9 would) at a chosen
save: that wrapper is the test hook.
"""

from __future__ import annotations

import os
import time

from app import auth, users
from app.errors import AuthError, LockedOutError
from tests.support.accounts import use_cheap_kdf


def change_passwords(args: tuple[str, str, str, int]) -> str:
    """Change `username`'s own password `rounds` times; return the last password set."""
    db, username, password, rounds = args
    use_cheap_kdf()
    for i in range(rounds):
        new = f"Lantern-{username}-{i}-Quiver7"
        session = auth.login_local(db, username, password)
        auth.change_own_password(session, password, new)
        auth.logout(session)
        password = new
    return password


def add_users(args: tuple[str, str, str, list[str], str]) -> list[str]:
    """As the admin, add the given users (each in its own operation)."""
    db, admin, admin_password, names, password = args
    use_cheap_kdf()
    session = auth.login_local(db, admin, admin_password)
    for name in names:
        users.add_user(session, name, f"{name}同事", ["officer"], password, must_change_password=False)
    auth.logout(session)
    return names


def hammer_logins(args: tuple[str, str, str, int]) -> int:
    """Log in and out (and fail under a made-up name) `rounds` times: each writes the slot file."""
    db, username, password, rounds = args
    use_cheap_kdf()
    for i in range(rounds):
        try:
            auth.login_local(db, f"nobody{os.getpid()}-{i}", "Wrong-guess-1")
        except AuthError:
            pass
        auth.logout(auth.login_local(db, username, password))
    return rounds


def guess(args: tuple[str, str, int, float]) -> tuple[int, int, int]:
    """Guess `count` wrong passwords for `username`, starting at `start_at` (time.time()).

    Returns (passwords actually checked, plain refusals, lockout refusals). A check is one key
    derivation, counted by wrapping app.keyslots.password_key in this process.
    """
    db, username, count, start_at = args
    use_cheap_kdf()
    from app import keyslots

    checked = 0
    real = keyslots.password_key

    def counting(*a, **kw):
        nonlocal checked
        checked += 1
        return real(*a, **kw)

    keyslots.password_key = counting
    wrong = locked = 0
    time.sleep(max(0.0, start_at - time.time()))
    for i in range(count):
        try:
            auth.login_local(db, username, f"Guess-{os.getpid()}-{i}-x9")
        except LockedOutError:
            locked += 1
        except AuthError:
            wrong += 1
    return checked, wrong, locked


def guess_shared(args: tuple) -> tuple[int, int, int]:
    """Shared mode: guess `count` wrong passwords for `username` on the server from this process.

    Returns (passwords actually tried against the server, plain refusals, lockout refusals); a try
    is one attempt to sign in as the user's database role from this process."""
    params, data_key, username, count, start_at = args
    use_cheap_kdf()
    from app import shared
    from models.database import close_current

    tried = 0
    real = shared.open_postgres

    def counting(*a, **kw):
        nonlocal tried
        tried += 1
        return real(*a, **kw)

    shared.open_postgres = counting
    wrong = locked = 0
    time.sleep(max(0.0, start_at - time.time()))
    for i in range(count):
        try:
            shared.login_shared(params, data_key, username, f"Guess-{os.getpid()}-{i}-x9")
        except LockedOutError:
            locked += 1
        except AuthError:
            wrong += 1
        close_current()
    return tried, wrong, locked


def crash_at_save(db: str, action: str, nth: int, when: str, *params: str) -> None:
    """Run one action, ending the process at the `nth` slot-file save (`when` = before|after it).

    Actions: "change" (username, old, new), "rotate" (username, password), "login" (username, password).
    """
    use_cheap_kdf()
    from app.keyslots import KeySlotFile

    real_save = KeySlotFile.save
    calls = 0
    armed = action not in ("change", "rotate")  # these count the saves after their login only

    def save(self) -> None:
        nonlocal calls
        calls += armed
        if calls == nth and when == "before":
            os._exit(9)
        real_save(self)
        if calls == nth and when == "after":
            os._exit(9)

    KeySlotFile.save = save
    if action == "change":
        username, old, new = params
        session = auth.login_local(db, username, old)
        armed = True
        auth.change_own_password(session, old, new)
    elif action == "rotate":
        from app import keyrotation

        username, password = params
        session = auth.login_local(db, username, password)
        armed = True
        keyrotation.rotate_database_key(session)
    elif action == "login":
        username, password = params
        auth.login_local(db, username, password)
    os._exit(0)


def crash_after_audit_commit(db: str, username: str, password: str) -> None:
    """Log in, ending the process at the first slot-file save made after failed logins reached the
    audit log (the database commit done, the slot file not yet updated)."""
    use_cheap_kdf()
    from app.keyslots import KeySlotFile
    from models.audit import AuditEntry

    real_save = KeySlotFile.save

    def save(self) -> None:
        try:
            audited = AuditEntry.select().where(AuditEntry.action == "login.failed").count()
        except Exception:  # noqa: BLE001 - the database is not open yet
            audited = 0
        if audited:
            os._exit(9)
        real_save(self)

    KeySlotFile.save = save
    auth.login_local(db, username, password)
    os._exit(0)


def main() -> None:
    """Entry point for `python -m tests.support.slot_workers FUNCTION ARGS...` (crash workers)."""
    import sys

    name, *args = sys.argv[1:]
    if name == "crash_at_save":
        crash_at_save(args[0], args[1], int(args[2]), args[3], *args[4:])
    elif name == "crash_after_audit_commit":
        crash_after_audit_commit(*args)
    raise SystemExit(f"unknown worker {name}")


if __name__ == "__main__":
    main()

