"""Rotating the local database key: SQLCipher ``PRAGMA rekey`` and every remaining slot re-sealed.

Done when a user is disabled, when the recovery key has been used, and on demand (轮换数据库密钥).
An old copy of the ``.keys`` file then no longer opens the current data: its slots hold the old key.
Each slot's key pair stays (nobody needs to type a password); only the sealed database key changes.

Crash safety, all under the slot file's lock: (1) the re-sealed slots are saved as a *rotation in
progress* next to the current ones, with a digest of the new key; (2) the database is re-keyed (one
SQLCipher transaction); (3) the rotation becomes the slots. A login after a crash opens with
whichever key fits (app.keyslots tries both) and `finish_interrupted` completes or drops the rotation.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from pathlib import Path

from app import audit, clock, witness
from app.errors import DatabaseOpenError
from app.keyslots import RECOVERY_SLOT, KeySlotFile, format_recovery_key, seal_key
from app.policy import Action
from app.session import Session
from app.write_path import require
from models.database import KEY_BYTES, database_proxy

STEPS = ("准备新的数据库密钥", "保存新的密钥槽", "重新加密数据库", "启用新的密钥槽", "记录审计日志")
Progress = Callable[[int, int, str], None]


def _key_check(db_key: bytes) -> str:
    return hashlib.sha256(b"complaintdesk rotation|" + db_key).hexdigest()


def finish_interrupted(database: Path, opened_with: bytes) -> None:
    """After opening with `opened_with`: complete a rotation that re-keyed the file, drop one that did not."""
    if KeySlotFile.load(database).rotation is None:
        return
    with KeySlotFile.update(database) as slots:
        rotation = slots.rotation
        if rotation is None:
            return
        if rotation.get("key_check") == _key_check(opened_with):
            slots.slots = rotation["slots"]
            slots.pending = rotation.get("pending", {})
            slots.witness = rotation.get("witness", slots.witness)
        slots.rotation = None


def _resealed(slots: KeySlotFile, new_key: bytes, new_recovery: bool) -> tuple[dict, dict, list[str], bytes | None]:
    carried: dict[str, dict] = {}
    lost = [slot_id for slot_id, slot in slots.slots.items() if slot.get("v") != 2]
    for slot_id, slot in slots.resealable().items():
        carried[slot_id] = seal_key(slot, new_key)
    pending = {
        slot_id: {**entry, "slot": seal_key(entry["slot"], new_key)}
        for slot_id, entry in slots.pending.items()
        if entry["slot"].get("v") == 2
    }
    recovery_key = None
    if new_recovery or RECOVERY_SLOT in lost:
        scratch = KeySlotFile(path=slots.path, database_id=slots.database_id)
        recovery_key = scratch.set_recovery_slot(new_key)
        carried[RECOVERY_SLOT] = scratch.slots[RECOVERY_SLOT]
        lost = [s for s in lost if s != RECOVERY_SLOT]
    return carried, pending, lost, recovery_key


def rekey(session: Session, reason: str, *, new_recovery: bool = False, progress: Progress | None = None) -> str | None:
    """Re-key the open local database and re-seal the slots; the new recovery key text if one was made.

    No policy check here: callers are services that already checked (disable, recovery) or
    `rotate_database_key`. Another workstation with the database open must sign in again.
    """
    path = session.database_path
    if session.backend != "local" or path is None or session.slots is None:
        raise DatabaseOpenError("只有本地加密数据库需要轮换密钥")

    def step(index: int) -> None:
        if progress is not None:
            progress(index, len(STEPS), STEPS[index] if index < len(STEPS) else "完成")

    step(0)
    new_key = secrets.token_bytes(KEY_BYTES)
    with KeySlotFile.locked(path):
        slots = KeySlotFile.load(path)
        carried, pending, lost, recovery_key = _resealed(slots, new_key, new_recovery)
        step(1)
        # the audit witness is signed with a key derived from the database key: sign it again
        # (a witness that does not verify is kept as it is, as the evidence it is)
        witness_now = witness.resigned(slots.database_id, session.db_key, new_key, slots.witness) or slots.witness
        slots.rotation = {
            "slots": carried,
            "pending": pending,
            "key_check": _key_check(new_key),
            "at": clock.now().isoformat(timespec="seconds"),
            "witness": witness_now,
        }
        slots.save()
        step(2)
        db = session.db
        db.execute_sql(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # no frame under the old key stays behind
        db._raw_key = new_key.hex()  # reconnections use the new key
        step(3)
        slots.slots, slots.pending, slots.witness, slots.rotation = carried, pending, witness_now, None
        slots.save()
    session.db_key = new_key
    session.slots = slots
    step(4)
    with database_proxy.atomic():
        detail = {"reason": reason, "slots": len(carried), "recovery_key_replaced": recovery_key is not None}
        if lost:
            detail["slots_not_carried"] = len(lost)
        audit.record(session.user.username, "database.rekeyed", session.location, detail)
    witness.refresh(session)
    step(len(STEPS))
    return format_recovery_key(recovery_key) if recovery_key else None


def rotate_database_key(
    session: Session, *, new_recovery: bool = False, progress: Progress | None = None
) -> str | None:
    """轮换数据库密钥 (system administrators): returns the new recovery key text when one was made."""
    require(session, Action.MANAGE_SETTINGS, target="database-key")
    return rekey(session, "manual", new_recovery=new_recovery, progress=progress)
