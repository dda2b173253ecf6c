"""The key-slot file and sign-in under attack: concurrent processes, kill -9, guessing.

Each test runs real OS processes on the same database and slot file (spawned, no shared memory),
as several workstations on one share would, or a guessing script would.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from app import auth, clock, shared, users
from app.errors import AuthError, LockedOutError
from models.accounts import User
from models.audit import AuditEntry
from models.database import close_current
from tests.support import slot_workers
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, HOSPITAL, USER_PASSWORD

REPO = Path(__file__).resolve().parents[2]
PROCESSES = 4


def _works(db: Path, username: str, password: str) -> bool:
    try:
        session = auth.login_local(db, username, password)
    except AuthError:
        return False
    auth.logout(session)
    return True


def _count(action: str, target: str | None = None) -> int:
    query = AuditEntry.select().where(AuditEntry.action == action)
    if target is not None:
        query = query.where(AuditEntry.target == target)
    return query.count()


def test_concurrent_logins_lose_no_password_change_and_no_new_user(admin_session, db_path: Path) -> None:
    for name in ("u0", "u1", "u2"):
        users.add_user(admin_session, name, name, ["officer"], USER_PASSWORD, must_change_password=False)
    auth.logout(admin_session)
    db = str(db_path)
    new_users = [f"n{i}" for i in range(4)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(PROCESSES) as pool:
        changes = [pool.apply_async(slot_workers.change_passwords, ((db, u, USER_PASSWORD, 3),)) for u in ("u0", "u1")]
        added = pool.apply_async(slot_workers.add_users, ((db, ADMIN, ADMIN_PASSWORD, new_users, USER_PASSWORD),))
        hammer = pool.apply_async(slot_workers.hammer_logins, ((db, "u2", USER_PASSWORD, 12),))
        finals = {u: c.get(timeout=300) for u, c in zip(("u0", "u1"), changes, strict=True)}
        added.get(timeout=300)
        hammer.get(timeout=300)
    lost = [u for u, password in finals.items() if not _works(db_path, u, password)]
    lost += [u for u in new_users if not _works(db_path, u, USER_PASSWORD)]
    assert lost == [], f"lost slot updates: {lost}"


def _run_worker(*args: str) -> int:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.slot_workers", *args], cwd=REPO, env=env, timeout=120
    )
    return done.returncode


def _new_database(path: Path) -> Path:
    session, _key = auth.create_local_database(path, ADMIN, "周建国", ADMIN_PASSWORD, HOSPITAL)
    auth.logout(session)
    return path


def test_kill_at_each_slot_save_of_a_password_change_leaves_exactly_one_password(tmp_path: Path) -> None:
    new = "Copper-Meadow-77q"
    trials = 0
    for nth in range(1, 6):
        finished = False
        for when in ("before", "after"):
            db = _new_database(tmp_path / f"kill-{nth}-{when}.db")
            code = _run_worker("crash_at_save", str(db), "change", str(nth), when, ADMIN, ADMIN_PASSWORD, new)
            if code == 0:
                finished = True  # the change made fewer saves than nth: every save point is covered
                continue
            trials += 1
            assert code == 9
            old_ok, new_ok = _works(db, ADMIN, ADMIN_PASSWORD), _works(db, ADMIN, new)
            assert old_ok != new_ok, f"kill {when} save {nth}: old works {old_ok}, new works {new_ok}"
        if finished:
            break
    assert trials >= 2


def test_kill_between_audit_commit_and_slot_save_audits_each_failure_once(tmp_path: Path) -> None:
    db = _new_database(tmp_path / "audit.db")
    for _ in range(3):
        with pytest.raises(AuthError):
            auth.login_local(db, ADMIN, "Wrong-guess-1")
    assert _run_worker("crash_after_audit_commit", str(db), ADMIN, ADMIN_PASSWORD) == 9
    session = auth.login_local(db, ADMIN, ADMIN_PASSWORD)
    assert _count("login.failed", ADMIN) == 3
    auth.logout(session)


def test_made_up_names_neither_unlock_an_account_nor_drop_its_audit(admin_session, db_path: Path) -> None:
    users.add_user(admin_session, "manager1", "主任", ["manager"], USER_PASSWORD, must_change_password=False)
    auth.logout(admin_session)
    start = clock.now()
    clock.set_clock(lambda: start)
    for _ in range(4):
        with pytest.raises(AuthError):
            auth.login_local(db_path, "manager1", "Wrong-guess-1")
    with pytest.raises(LockedOutError):
        auth.login_local(db_path, "manager1", "Wrong-guess-1")
    for i in range(200):
        with pytest.raises(AuthError):
            auth.login_local(db_path, f"madeup{i}", "Wrong-guess-1")
    with pytest.raises(LockedOutError):
        auth.login_local(db_path, "manager1", USER_PASSWORD)
    clock.set_clock(lambda: start + timedelta(minutes=16))
    session = auth.login_local(db_path, "manager1", USER_PASSWORD)
    assert _count("login.failed", "manager1") == 5
    assert _count("account.locked", "manager1") == 1
    assert _count("login.refused_locked", "manager1") == 1, "the attempt during the lockout is audited"
    assert _count("login.failed") == 205
    auth.logout(session)


def test_parallel_guessing_is_counted_exactly(admin_session, db_path: Path) -> None:
    users.add_user(admin_session, "officer1", "林晓雯", ["officer"], USER_PASSWORD, must_change_password=False)
    auth.logout(admin_session)
    per_process = 4
    start_at = time.time() + 2.0
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(PROCESSES) as pool:
        jobs = [(str(db_path), "officer1", per_process, start_at)] * PROCESSES
        results = pool.map(slot_workers.guess, jobs)
    checked = sum(r[0] for r in results)
    wrong = sum(r[1] for r in results)
    locked = sum(r[2] for r in results)
    assert (checked, wrong, locked) == (5, 4, PROCESSES * per_process - 4), results
    now = clock.now()
    clock.set_clock(lambda: now + timedelta(minutes=16))
    session = auth.login_local(db_path, "officer1", USER_PASSWORD)
    assert _count("login.failed", "officer1") == 5
    assert _count("account.locked", "officer1") == 1
    assert _count("login.refused_locked", "officer1") == PROCESSES * per_process - 5
    auth.logout(session)


@pytest.mark.postgres
def test_shared_parallel_guessing_is_counted_exactly(shared_admin, pg_params, pg_server) -> None:
    from tests.support.sessions import session_as

    admin, data_key = shared_admin
    session_as(admin, "officer1", "officer")
    close_current()
    per_process = 3
    start_at = time.time() + 2.0
    job = (pg_params, data_key, "officer1", per_process, start_at)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(PROCESSES) as pool:
        results = pool.map(slot_workers.guess_shared, [job] * PROCESSES)
    checked = sum(r[0] for r in results)
    assert checked == 5, results
    assert sum(r[2] for r in results) == PROCESSES * per_process - 4


@pytest.mark.postgres
def test_shared_failure_never_clears_a_lock_set_by_another_client(shared_admin, pg_params) -> None:
    """A right password lifts a lock only when its own attempt set it, not one set by others."""
    from tests.support.sessions import session_as

    admin, data_key = shared_admin
    session_as(admin, "officer1", "officer")
    for _ in range(4):
        with pytest.raises(AuthError):
            shared.login_shared(pg_params, data_key, "officer1", "Wrong-Guess-1")
    with pytest.raises(LockedOutError):  # the fifth wrong one locks
        shared.login_shared(pg_params, data_key, "officer1", "Wrong-Guess-1")
    with pytest.raises(LockedOutError):  # the right password does not lift that lock
        shared.login_shared(pg_params, data_key, "officer1", USER_PASSWORD)
    assert User.get(User.username == "officer1").locked_until is not None
