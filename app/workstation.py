"""What this workstation keeps on its own disk, for the screens: enrollment, the last login, the
recovery sheet and saved enrollment files. Every local write refuses with a Chinese
`FileAccessError` instead of an `OSError`, so the UI shows it like any other refusal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from app import shared
from app.appconfig import WorkstationConfig
from app.files import FileAccessError, read_user_file, write_private
from app.session import Session
from app.shared import SharedConnection
from models.database import ServerParams

T = TypeVar("T")

CANNOT_KEEP_ENROLLMENT = "无法在本机保存注册文件，请检查用户文件夹的权限"
ENROLLMENT_LIMIT = 1024 * 1024  # an enrollment file is a few hundred bytes


@contextmanager
def _local_write(message: str) -> Iterator[None]:
    """An OSError inside the block (a workstation file could not be written) becomes FileAccessError."""
    try:
        yield
    except OSError:
        raise FileAccessError(message) from None


def enroll(params: ServerParams, data_key: bytes, blob: bytes) -> SharedConnection:
    """`shared.enroll_workstation`, refusing in Chinese when the local copy cannot be written."""
    with _local_write(CANNOT_KEEP_ENROLLMENT):
        return shared.enroll_workstation(params, data_key, blob)


def join(blob: bytes, passphrase: str) -> SharedConnection:
    """`shared.join_server`, refusing in Chinese when the local copy cannot be written."""
    with _local_write(CANNOT_KEEP_ENROLLMENT):
        return shared.join_server(blob, passphrase)


def read_enrollment(path: Path) -> tuple[bytes, ServerParams]:
    """An enrollment file's bytes and the server it points to (FileAccessError / ValidationError)."""
    blob = read_user_file(path, ENROLLMENT_LIMIT)
    return blob, shared.enrollment_server(blob)


def save_enrollment(path: Path, make_blob: Callable[[], bytes]) -> bytes:
    """Build an enrollment file and write it owner-only to `path`; returns its bytes."""
    blob = make_blob()
    write_private(path, blob)
    return blob


def remember_login(session: Session, database: Path) -> WorkstationConfig:
    """Keep the database (file or server) and username for the next start."""
    with _local_write("无法保存本机设置，下次启动时需要重新输入用户名"):
        config = WorkstationConfig.load()  # enrollment may have changed it since the start
        if session.server is not None:
            config.remember_server_login(session.server, session.user.username)
        else:
            config.remember(database, session.user.username)
        return config
