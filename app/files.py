"""Files the application reads and writes outside the database: the user's picks (read with a size
limit, written owner-only and atomically, Chinese errors) and the database files themselves (owner-only).

On POSIX systems files are created with mode 0600 (whatever the umask) and existing ones are
tightened to it. On Windows a new file inherits the ACL of its folder, which under the user's
profile already admits only that user (and administrators); the mode bits are not used there.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from app.errors import ComplaintDeskError

OWNER_ONLY = 0o600
_POSIX = os.name == "posix"


class FileAccessError(ComplaintDeskError):
    """A file the user chose could not be read or written."""


def read_user_file(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a file the user chose; refuses a missing, unreadable or too large file."""
    try:
        size = path.stat().st_size
        if limit is not None and size > limit:
            raise FileAccessError(f"文件“{path.name}”超过 {limit // (1024 * 1024)} MB，不能使用")
        return path.read_bytes()
    except FileAccessError:
        raise
    except OSError:
        raise FileAccessError(f"无法读取文件“{path.name}”，请确认文件存在且有读取权限") from None


def check_writable(path: Path) -> None:
    """Refuse, before any work is done, a path `write_private` could not write: a folder, a missing
    folder, or a folder where no file may be created (tried with a probe file, removed at once)."""
    if path.is_dir():
        raise FileAccessError(f"“{path}”是一个文件夹，请给出要写入的文件名")
    folder = path.parent
    if not folder.is_dir():
        raise FileAccessError(f"文件夹“{folder}”不存在，请换一个文件夹")
    probe = folder / f".{path.name}.{os.getpid()}.probe"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY))
        os.unlink(probe)
        if path.exists() and not os.access(path, os.W_OK):
            raise PermissionError(path)
    except OSError:
        raise FileAccessError(f"无法写入“{path}”，请换一个文件夹或检查权限") from None


def write_private(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically (temp file + rename), readable by the owner only (0600)."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        full = getattr(exc, "errno", None) == 28
        raise FileAccessError(
            "磁盘空间不足，文件未保存" if full else f"无法写入“{path}”，请换一个文件夹或检查权限"
        ) from None
    return path


def read_attachment(path: Path, max_mb: int) -> tuple[bytes | None, str]:
    """(bytes, "") for a file that may be attached, or (None, why not) in Chinese."""
    try:
        data = read_user_file(path)
    except FileAccessError:
        return None, "无法读取"
    if not data:
        return None, "文件为空"
    if len(data) > max_mb * 1024 * 1024:
        return None, f"{len(data) / 1048576:.1f} MB，超过上限 {max_mb} MB"
    return data, ""


def restrict(path: str | Path) -> None:
    """Make an existing file owner-only (no-op for a missing file and on Windows)."""
    if _POSIX:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path, OWNER_ONLY)


def create_empty(path: str | Path) -> None:
    """Create `path` as an empty owner-only file; refuse to replace an existing one."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    os.close(fd)
    restrict(path)
