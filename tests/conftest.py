"""Shared fixtures: cheap argon2 for speed, the settable clock, a fresh encrypted database with its
admin, a PostgreSQL server. Accounts and passwords are in tests/support/accounts.py; the desk of
sessions per role in tests/support/desk.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

import ui  # noqa: E402,F401  - applies the Qt binding work-arounds (ui.qt_compat) before any Qt call
from app import auth, clock  # noqa: E402
from app.session import Session  # noqa: E402
from models.database import close_current  # noqa: E402
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, HOSPITAL, use_cheap_kdf, use_real_kdf  # noqa: E402
from tests.support.cases import START, FakeClock  # noqa: E402
from tests.support.sessions import close_opened  # noqa: E402


@pytest.fixture(autouse=True)
def cheap_kdf() -> Iterator[None]:
    """argon2id at its real cost takes ~0.3 s a call; the tests check behaviour, not cost."""
    use_cheap_kdf()
    yield
    use_real_kdf()


@pytest.fixture
def fake_clock() -> Iterator[FakeClock]:
    """The application clock, set to START (a Tuesday morning in office hours) and moved by hand."""
    fake = FakeClock(START)
    clock.set_clock(fake)
    yield fake
    clock.set_clock(None)


@pytest.fixture(autouse=True)
def real_clock_after_test() -> Iterator[None]:
    yield
    clock.set_clock(None)
    close_current()
    close_opened()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "complaints.db"


@pytest.fixture
def admin_session(db_path: Path) -> Session:
    session, _recovery = auth.create_local_database(db_path, ADMIN, "周建国", ADMIN_PASSWORD, HOSPITAL)
    return session


@pytest.fixture
def recovery_key(db_path: Path) -> str:
    session, key = auth.create_local_database(db_path, ADMIN, "周建国", ADMIN_PASSWORD, HOSPITAL)
    auth.logout(session)
    return key


# -- PostgreSQL (shared mode) --------------------------------------------------------------------

@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server for the whole test session (initdb + pg_ctl on 127.0.0.1)."""
    from tests.support import pg_server as support

    if support.find_bindir() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed: test.sh installs it (apt-get install postgresql)")
        pytest.skip("PostgreSQL is not installed on this machine")
    server = support.start()
    yield server
    server.stop()


_pg_counter = iter(range(1, 1_000_000))


@pytest.fixture
def pg_params(pg_server):
    """A fresh, empty database on the test server, reached over verified TLS."""
    from models.database import ServerParams

    name = f"cd_test_{os.getpid()}_{next(_pg_counter)}"
    pg_server.create_database(name)
    return ServerParams(host=pg_server.host, port=pg_server.port, dbname=name, user=pg_server.user,
                        sslmode="verify-full", sslrootcert=str(pg_server.ca_file))


@pytest.fixture
def shared_admin(pg_params, pg_server):
    """(session, data key) of a new shared database whose admin is ADMIN / ADMIN_PASSWORD."""
    from app import shared

    session, data_key = shared.create_shared_database(pg_params, pg_server.password, ADMIN, "周建国",
                                                      ADMIN_PASSWORD, HOSPITAL)
    yield session, data_key
    from models.fields import install_cipher

    install_cipher(None)
