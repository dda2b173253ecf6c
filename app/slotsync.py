"""Key-slot changes that stay consistent with the database across crashes and other processes.

A slot change goes with a database change (a new password hash, a new or re-enabled user). The new
slot is first *staged* in the slot file next to the old one, tagged with a digest of the new
password hash; the database change commits; then the staged slot is *promoted*. Whoever opens the
database next reconciles: a staged slot whose tag matches the user's committed hash is promoted, one
that was rolled back is dropped, and slots of users no longer active are removed. So a crash at any
point leaves exactly one of the two passwords working, and the one the database agrees with.

    with slotsync.SlotChanges(session) as changes:
        with operation(...):
            ...write the new hash...
            changes.stage(username, password, new_hash)
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType

from app import clock, key_pins, passwords, sealing
from app.keyslots import KeySlotFile
from app.sealed_data import session_key
from app.sealing import IdentifierKey
from app.session import Session
from models.accounts import User

STALE = timedelta(minutes=30)  # a staged slot whose transaction never committed by then is dropped


def hash_tag(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:32]


def stage(database: Path, username: str, password: str, db_key: bytes, password_hash: str) -> None:
    """Stage a new slot for `username` (the key derivation runs before taking the file lock)."""
    template = KeySlotFile.load(database)
    slot = template.new_user_slot(username, password, db_key, passwords.current_kdf(), key_pins.pin_for_new_slot(template))
    with KeySlotFile.update(database) as slots:
        slots.pending[slots.user_slot_id(username)] = {
            "slot": slot,
            "tag": hash_tag(password_hash),
            "at": clock.now().isoformat(timespec="seconds"),
        }


def discard(database: Path, usernames: list[str]) -> None:
    """Drop staged slots whose database change was rolled back in this process."""
    with KeySlotFile.update(database) as slots:
        for username in usernames:
            slots.pending.pop(slots.user_slot_id(username), None)


def reconcile(database: Path, now: datetime | None = None, key: IdentifierKey | None = None) -> KeySlotFile:
    """Bring the slot file in line with the committed users (call outside any transaction): staged
    slots promoted or dropped, slots of disabled users removed, the identifier key taken from slots
    whose roles no longer hold it and, by a holder (`key`), given to those that should.

    The users are read *after* taking the file lock: a slot is promoted only after its database
    change committed, so every promoted slot's user is visible to this read.
    """
    now = now or clock.now()
    with KeySlotFile.update(database) as slots:
        active = {
            slots.user_slot_id(row.username): row.password_hash
            for row in User.select(User.username, User.password_hash).where(User.active == True)  # noqa: E712
        }
        for slot_id, entry in list(slots.pending.items()):
            committed = slot_id in active and entry["tag"] == hash_tag(active[slot_id])
            if committed:
                slots.slots[slot_id] = entry["slot"]
                del slots.pending[slot_id]
            elif now - datetime.fromisoformat(entry["at"]) > STALE:
                del slots.pending[slot_id]
        for slot_id in [k for k, slot in slots.slots.items() if slot.get("kind") == "user"]:
            if slot_id not in active:
                del slots.slots[slot_id]  # disabled (or removed) user
                slots.attempts.pop(slot_id, None)
        if sealing.stored_public() is not None:
            sealing.align_grants(slots, key)
    return slots


def after_role_change(session: Session) -> None:
    """Roles changed: take the identifier key from slots no longer entitled at once (local mode)."""
    if session.database_path is not None and session.slots is not None:
        session.slots = reconcile(session.database_path, key=session_key(session))


class SlotChanges:
    """Stage slots inside an operation; promote after it commits, discard if it rolls back."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.staged: list[str] = []

    @property
    def active(self) -> bool:
        return self.session.database_path is not None and self.session.slots is not None

    def stage(self, username: str, password: str, password_hash: str) -> None:
        if not self.active or self.session.db_key is None:
            return
        stage(self.session.database_path, username, password, self.session.db_key, password_hash)
        self.staged.append(username)

    def __enter__(self) -> SlotChanges:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self.active:
            return
        if kind is not None:
            if self.staged:
                discard(self.session.database_path, self.staged)
            return
        self.session.slots = reconcile(self.session.database_path, key=session_key(self.session))
