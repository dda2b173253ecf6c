"""Qt UI tests: offscreen platform, cheap argon2, isolated workstation folders, a small database."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app import appconfig, auth, clock, passwords, users  # noqa: E402
from app.keyslots import KdfParams  # noqa: E402
from app.session import Session  # noqa: E402
from models.database import close_current  # noqa: E402
from ui.application import configure_application  # noqa: E402

ADMIN = "admin"
PASSWORD = "Start2026ok"
HOSPITAL = "江宁市第一人民医院"


@pytest.fixture(autouse=True)
def cheap_argon2() -> Iterator[None]:
    passwords.set_cost(KdfParams(1, 8 * 1024, 1))
    yield
    passwords.set_cost(passwords.DEFAULT_KDF)


@pytest.fixture(autouse=True)
def workstation_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, data and crash logs go to the test's folder, never the real profile."""
    home = tmp_path / "profile"
    monkeypatch.setattr(appconfig, "config_dir", lambda: home / "config")
    monkeypatch.setattr(appconfig, "data_dir", lambda: home / "data")
    monkeypatch.setattr(appconfig, "log_dir", lambda: home / "logs")
    monkeypatch.setattr(appconfig, "default_database_path", lambda: home / "data" / "complaintdesk.db")
    return home


@pytest.fixture(autouse=True)
def closed_database_after_test() -> Iterator[None]:
    yield
    clock.set_clock(None)
    close_current()


@pytest.fixture(scope="session", autouse=True)
def styled_app(qapp: QApplication) -> QApplication:
    """The tests see the real style sheet, font chain and Chinese Qt texts."""
    configure_application(qapp)
    return qapp


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database with an admin, an officer 王小明 and a clerk; everybody logged out."""
    path = tmp_path / "complaints.db"
    session, _key = auth.create_local_database(path, ADMIN, "周建国", PASSWORD, HOSPITAL)
    users.add_user(session, "王小明", "王小明", ["officer"], PASSWORD, must_change_password=False)
    users.add_user(session, "clerk", "赵敏", ["clerk"], PASSWORD, must_change_password=False)
    auth.logout(session)
    return path


@pytest.fixture
def admin_session(db_path: Path) -> Session:
    return auth.login_local(db_path, ADMIN, PASSWORD)


@pytest.fixture
def officer_session(db_path: Path) -> Session:
    return auth.login_local(db_path, "王小明", PASSWORD)
