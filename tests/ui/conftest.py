"""Qt UI tests: isolated workstation folders, the real style, a small database.

Cheap argon2, the clock reset and the accounts come from tests/conftest.py and tests/support/.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app import appconfig, auth, users  # noqa: E402
from app.session import Session  # noqa: E402
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, HOSPITAL, USER_PASSWORD  # noqa: E402
from ui.application import configure_application  # noqa: E402


@pytest.fixture(autouse=True)
def workstation_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, data and crash logs go to the test's folder, never the real profile."""
    home = tmp_path / "profile"
    monkeypatch.setattr(appconfig, "config_dir", lambda: home / "config")
    monkeypatch.setattr(appconfig, "data_dir", lambda: home / "data")
    monkeypatch.setattr(appconfig, "log_dir", lambda: home / "logs")
    monkeypatch.setattr(appconfig, "default_database_path", lambda: home / "data" / "complaintdesk.db")
    return home


@pytest.fixture(scope="session", autouse=True)
def styled_app(qapp: QApplication) -> QApplication:
    """The tests see the real style sheet, font chain and Chinese Qt texts."""
    configure_application(qapp)
    return qapp


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database with an admin, an officer 王小明 and a clerk; everybody logged out."""
    path = tmp_path / "complaints.db"
    session, _key = auth.create_local_database(path, ADMIN, "周建国", ADMIN_PASSWORD, HOSPITAL)
    users.add_user(session, "王小明", "王小明", ["officer"], USER_PASSWORD, must_change_password=False)
    users.add_user(session, "clerk", "赵敏", ["clerk"], USER_PASSWORD, must_change_password=False)
    auth.logout(session)
    return path


@pytest.fixture
def admin_session(db_path: Path) -> Session:
    return auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)


@pytest.fixture
def officer_session(db_path: Path) -> Session:
    return auth.login_local(db_path, "王小明", USER_PASSWORD)
