"""Per-workstation configuration (no secrets, no personal data): where the database is.

Stored as JSON in the user's config folder (platformdirs). The database itself defaults to the
user data folder. In shared mode the file holds the server's address, never its password or the
data key: those live in the OS keyring, or (no keyring) are asked for each session; a workstation
without a keyring keeps a copy of its passphrase-protected enrollment file in the data folder.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from models.database import ServerParams

APP_NAME = "ComplaintDesk"
DATABASE_FILE = "complaintdesk.db"
ENROLLMENT_FILE = "workstation.cdenroll"
LOCAL, SHARED = "local", "shared"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    return data_dir() / DATABASE_FILE


@dataclass
class WorkstationConfig:
    database_path: str = ""
    last_username: str = ""
    recent_databases: list[str] = field(default_factory=list)
    mode: str = LOCAL  # LOCAL: an encrypted database file; SHARED: the hospital's PostgreSQL server
    server: dict[str, Any] = field(default_factory=dict)  # ServerParams fields (no password)
    enrollment_path: str = ""  # kept enrollment file; only on a workstation without an OS keyring

    @classmethod
    def load(cls) -> WorkstationConfig:
        path = config_dir() / "config.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def save(self) -> None:
        path = config_dir() / "config.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)

    def remember(self, database: Path, username: str) -> None:
        """After a login to a local database file: open it (in local mode) next time."""
        self.mode = LOCAL
        self.database_path = str(database)
        self.last_username = username
        self.recent_databases = [str(database)] + [p for p in self.recent_databases if p != str(database)][:4]
        self.save()

    # -- shared mode -----------------------------------------------------------------------------

    def server_params(self) -> ServerParams | None:
        """The configured server, or None when there is none (or the stored settings are damaged)."""
        if not isinstance(self.server, dict) or not self.server:
            return None
        known = {f.name for f in fields(ServerParams)}
        try:
            params = ServerParams(**{k: v for k, v in self.server.items() if k in known})
        except TypeError:
            return None
        if not isinstance(params.host, str) or not params.host or not isinstance(params.port, int):
            return None
        return params

    @property
    def is_shared(self) -> bool:
        """True when this workstation opens the shared server database at start."""
        return self.mode == SHARED and self.server_params() is not None

    def use_server(self, params: ServerParams, enrollment_path: str = "") -> None:
        """From now on open the server database; `enrollment_path` only where there is no keyring."""
        self.mode = SHARED
        self.server = asdict(params)
        self.enrollment_path = enrollment_path
        self.save()

    def remember_server_login(self, params: ServerParams, username: str) -> None:
        """After a login to the server database: connect to it again next time."""
        self.mode = SHARED
        self.server = asdict(params)
        self.last_username = username
        self.save()

    def keep_enrollment(self, blob: bytes) -> Path:
        """Keep a copy of the (passphrase-protected) enrollment file for a workstation without keyring."""
        path = data_dir() / ENROLLMENT_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(blob)
        if os.name == "posix":
            tmp.chmod(0o600)
        tmp.replace(path)
        return path
