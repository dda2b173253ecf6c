"""The logged-in user and their open database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import peewee

from app import clock
from app.keyslots import KeySlotFile
from models.database import ServerParams


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    display_name: str
    roles: frozenset[str]
    active: bool = True
    must_change_password: bool = False


@dataclass
class Session:
    """One login. Local mode keeps the database key in memory to wrap new key slots; shared mode
    keeps the server settings and the data key, to export enrollment files for other workstations."""

    user: CurrentUser
    db: peewee.Database
    backend: str  # "local" or "postgresql"
    location: str  # file name (local) or host/database (shared), for the status bar
    database_path: Path | None = None
    slots: KeySlotFile | None = None
    db_key: bytes | None = field(default=None, repr=False)
    server: ServerParams | None = None  # shared mode: where the database is (never the password)
    data_key: bytes | None = field(default=None, repr=False)  # shared mode: the identifier key
    identifier_key: str | None = field(default=None, repr=False)  # local mode, entitled roles (app/sealing.py)
    identifier_older: tuple[str, ...] = field(default=(), repr=False)  # the keys it replaced (sealing.rotate)
    slot_private: str | None = field(default=None, repr=False)  # local: this user's slot key (app/key_pins.py)
    key_alarm: str = ""  # local: the identifier public key is not the one this slot trusts (app/key_pins.py)
    last_activity: datetime = field(default_factory=clock.now)
    locked: bool = False
    witnessed_at: float | None = None  # time.monotonic() of the last audit-witness update (app/witness.py)

    def reload_slots(self) -> KeySlotFile | None:
        """Re-read the key slot file before changing it: another login may have written to it."""
        if self.database_path is not None and self.slots is not None:
            self.slots = KeySlotFile.load(self.database_path)
        return self.slots

    def touch(self) -> None:
        self.last_activity = clock.now()

    def idle_expired(self, minutes: int) -> bool:
        return minutes > 0 and clock.now() - self.last_activity >= timedelta(minutes=minutes)
