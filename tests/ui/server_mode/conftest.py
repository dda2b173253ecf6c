"""Fixtures for the shared-mode screens: an in-memory keyring, enrollment files, file dialogs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app import shared
from models.database import close_current
from models.fields import install_cipher
from tests.support.memory_keyring import MemoryKeyring, use_memory_keyring

PASSPHRASE = "east-wing-desk-2026"  # typed into password fields: no input method there


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """A usable OS keyring for the test (the suite otherwise runs with none)."""
    yield from use_memory_keyring()


@pytest.fixture
def enrollment_file(shared_admin, tmp_path: Path) -> Path:
    """An enrollment file exported by the shared database's admin, who is then logged out."""
    session, _key = shared_admin
    path = tmp_path / "usb" / "工作站注册文件.cdenroll"
    path.parent.mkdir()
    path.write_bytes(shared.enrollment_for(session, PASSPHRASE))
    close_current()
    install_cipher(None)
    return path


@pytest.fixture
def file_dialogs(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Answer the open/save file dialogs of ui.server_mode with the given paths."""

    def answer(*, open_path: Path | None = None, save_path: Path | None = None) -> None:
        if open_path is not None:
            monkeypatch.setattr(
                "ui.server_mode.enrollment.QFileDialog.getOpenFileName", lambda *a, **k: (str(open_path), "")
            )
        if save_path is not None:
            monkeypatch.setattr(
                "ui.server_mode.enrollment.QFileDialog.getSaveFileName", lambda *a, **k: (str(save_path), "")
            )

    return answer


def all_bytes(folder: Path) -> bytes:
    """Everything written under a folder (to look for secrets that must not be there)."""
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def secret_forms(secret: bytes) -> list[bytes]:
    import base64

    return [secret, base64.b64encode(secret), secret.hex().encode()]
