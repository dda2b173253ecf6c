"""Per-workstation configuration (no secrets, no personal data): where the database is.

Stored as JSON in the user's config folder (platformdirs). The database itself defaults to the
user data folder.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "ComplaintDesk"
DATABASE_FILE = "complaintdesk.db"


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
        self.database_path = str(database)
        self.last_username = username
        self.recent_databases = [str(database)] + [p for p in self.recent_databases if p != str(database)][:4]
        self.save()
