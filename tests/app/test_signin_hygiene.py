"""What sign-in leaves behind: no typed secret in the audit log, owner-only files on disk."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import auth, users
from app.errors import AuthError
from app.keyslots import KeySlotFile
from models.audit import AuditEntry
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, HOSPITAL

TYPED_SECRET = "Sunflower-Ledger-93"  # a password typed into the user-name field by mistake


def _audit_text() -> str:
    rows = AuditEntry.select(AuditEntry.actor, AuditEntry.target, AuditEntry.detail)
    return "\n".join(f"{r.actor}|{r.target}|{r.detail}" for r in rows)


def test_a_password_typed_as_user_name_is_not_stored_in_the_audit(recovery_key, db_path: Path) -> None:
    with pytest.raises(AuthError):
        auth.login_local(db_path, TYPED_SECRET, ADMIN_PASSWORD)
    session = auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)
    failed = AuditEntry.get(AuditEntry.action == "login.failed")
    assert failed.actor == "未知用户"
    assert failed.target.startswith("未知用户#") and TYPED_SECRET not in failed.target
    assert TYPED_SECRET not in _audit_text()
    auth.logout(session)


def test_the_same_unknown_name_gets_the_same_token(recovery_key, db_path: Path) -> None:
    for name in (TYPED_SECRET, TYPED_SECRET, "someone-else"):
        with pytest.raises(AuthError):
            auth.login_local(db_path, name, "whatever-1")
    session = auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)
    targets = [e.target for e in AuditEntry.select().where(AuditEntry.action == "login.failed")]
    assert targets[0] == targets[1] != targets[2]
    auth.logout(session)


@pytest.mark.postgres
def test_shared_mode_does_not_store_an_unknown_name_either(shared_admin, pg_params, pg_server) -> None:
    from app import shared
    from models.database import close_current

    admin, data_key = shared_admin
    close_current()
    with pytest.raises(AuthError):
        shared.login_shared(pg_params, data_key, TYPED_SECRET, ADMIN_PASSWORD)
    session = shared.login_shared(pg_params, data_key, ADMIN, ADMIN_PASSWORD)
    # The server counts failures per existing account only: an unknown name is recorded nowhere.
    assert not AuditEntry.select().where(AuditEntry.action == "login.failed").exists()
    assert TYPED_SECRET not in _audit_text()
    auth.logout(session)
    assert admin.user.username == ADMIN


# -- file permissions --------------------------------------------------------------------------------


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A permissive umask, as on many desktops: files must still come out owner-only."""
    old = os.umask(0o002)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes; Windows relies on the profile ACL")
def test_database_files_are_owner_only(open_umask, db_path: Path) -> None:
    session, _key = auth.create_local_database(db_path, ADMIN, "周建国", ADMIN_PASSWORD, HOSPITAL)
    users.add_user(session, "officer1", "林晓雯", ["officer"], "Harbor-Violet-42x")
    sidecar = KeySlotFile.sidecar_for(db_path)
    files = [db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm"), sidecar, Path(f"{sidecar}.lock")]
    present = [p for p in files if p.exists()]
    assert {p.name for p in present} >= {db_path.name, f"{db_path.name}-wal", sidecar.name}
    assert {p.name: oct(_mode(p)) for p in present} == {p.name: oct(0o600) for p in present}
    auth.logout(session)


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes; Windows relies on the profile ACL")
def test_an_existing_database_is_tightened_when_opened(open_umask, recovery_key, db_path: Path) -> None:
    os.chmod(db_path, 0o644)
    session = auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)
    assert _mode(db_path) == 0o600 and _mode(Path(f"{db_path}-wal")) == 0o600
    auth.logout(session)


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes; Windows relies on the profile ACL")
def test_recovery_sheet_and_cli_output_are_owner_only(open_umask, tmp_path: Path, monkeypatch) -> None:
    from app import cli

    db = tmp_path / "cli.db"
    sheet = tmp_path / "恢复密钥.pdf"
    monkeypatch.setenv(cli.PASSWORD_ENV, ADMIN_PASSWORD)
    args = cli.build_parser().parse_args(
        ["init", "--db", str(db), "--admin", ADMIN, "--hospital", HOSPITAL, "--recovery-sheet", str(sheet)]
    )
    assert cli.run(args) == cli.EXIT_OK
    assert sheet.read_bytes().startswith(b"%PDF") and _mode(sheet) == 0o600
    assert _mode(db) == 0o600
