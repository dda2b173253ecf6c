"""Files the application writes are readable by their owner only.

On POSIX systems files are created with mode 0600 (whatever the umask) and existing ones are
tightened to it. On Windows a new file inherits the ACL of its folder, which under the user's
profile already admits only that user (and administrators); the mode bits are not used there.
"""

from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY = 0o600
_POSIX = os.name == "posix"


def restrict(path: str | Path) -> None:
    """Make an existing file owner-only (no-op for a missing file and on Windows)."""
    if _POSIX:
        try:
            os.chmod(path, OWNER_ONLY)
        except FileNotFoundError:
            pass


def create_empty(path: str | Path) -> None:
    """Create `path` as an empty owner-only file; refuse to replace an existing one."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    os.close(fd)
    restrict(path)


def write_bytes(path: str | Path, data: bytes) -> None:
    """Like Path.write_bytes, but the file is owner-only from the moment it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), OWNER_ONLY)
    try:
        if _POSIX:
            os.fchmod(fd, OWNER_ONLY)  # an existing file keeps its mode through O_CREAT
        with os.fdopen(fd, "wb") as fh:
            fd = -1
            fh.write(data)
    finally:
        if fd != -1:
            os.close(fd)
