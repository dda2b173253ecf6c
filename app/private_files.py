"""The database files are readable by their owner only (other files: app.files.write_private).

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
