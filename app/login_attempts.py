"""Failed-login counting and lockout in local mode (kept in the key slot file).

A guess is *charged before it is checked*: under the slot file's lock the counter is raised (and the
account locked at the fifth failure) before the password is tried, so parallel guessing from many
processes gets exactly five passwords checked. A successful check refunds the charge.

Each charge also writes an event (the typed name sealed to a key inside the database) which the
next login with the database open copies into the audit log (`flush`). Events carry increasing ids
and the database remembers the highest id copied, so a crash between the audit commit and the file
update never audits an event twice. Entries of locked or existing accounts are never evicted to
make room for made-up names.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from app import audit, sealedbox, settings
from app.errors import LockedOutError
from app.keyslots import KeySlotFile
from models.accounts import User
from models.database import database_proxy

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MAX_TRACKED_NAMES = 200  # counters kept for names without a slot (made-up names)
MAX_EVENTS = 2000  # events kept while the database stays closed; beyond that they are counted
IN_FLIGHT = timedelta(minutes=5)  # an attempt not finished by then crashed: it counts as a failure
INBOX_KEY_SETTING = "_login_inbox_private_key"
FLUSHED_SETTING = "_login_events_flushed"
DROPPED_SETTING = "_login_events_dropped"
NAME_KEY_SETTING = "_unknown_name_key"
UNKNOWN_ACTOR = "未知用户"


@dataclass
class Attempt:
    """One charged attempt, to be settled with `failed` or `succeeded`."""

    database: Path
    slot_id: str
    event_ids: list[int] = field(default_factory=list)
    set_lock: bool = False
    until: datetime | None = None


def locked_until(slots: KeySlotFile, username: str, now: datetime) -> datetime | None:
    entry = slots.attempts.get(slots.user_slot_id(username))
    if not entry or not entry.get("locked_until"):
        return None
    until = datetime.fromisoformat(entry["locked_until"])
    return until if until > now else None


def _known(slots: KeySlotFile, slot_id: str) -> bool:
    return slot_id in slots.slots or slot_id in slots.pending


def _entry(slots: KeySlotFile, slot_id: str, now: datetime) -> dict:
    """The counter of `slot_id`; room for a made-up name is made only among other made-up names."""
    if slot_id not in slots.attempts and not _known(slots, slot_id):
        unknown = [k for k in slots.attempts if not _known(slots, k)]
        if len(unknown) >= MAX_TRACKED_NAMES:
            free = [k for k in unknown if not _locked(slots.attempts[k], now)]
            slots.attempts.pop((free or unknown)[0])
    return slots.attempts.setdefault(slot_id, {"failures": 0, "locked_until": None})


def _locked(entry: dict, now: datetime) -> bool:
    return bool(entry.get("locked_until")) and datetime.fromisoformat(entry["locked_until"]) > now


def _add_event(slots: KeySlotFile, username: str, event: str, now: datetime, *, open_: bool) -> int:
    event_id = slots.next_event
    slots.next_event += 1
    who = sealedbox.seal(slots.inbox_public_key, username) if slots.inbox_public_key else ""
    slots.events.append(
        {"id": event_id, "at": now.isoformat(timespec="seconds"), "event": event, "who": who, "open": open_}
    )
    excess = len(slots.events) - MAX_EVENTS
    if excess > 0:
        del slots.events[:excess]
        slots.dropped_events += excess
    return event_id


def begin(database: Path, username: str, now: datetime, event: str = "login.failed") -> Attempt:
    """Charge one failure before the password is checked; LockedOutError (recorded) while locked."""
    refused: datetime | None = None
    with KeySlotFile.update(database) as slots:
        slot_id = slots.user_slot_id(username)
        attempt = Attempt(database, slot_id)
        refused = locked_until(slots, username, now)
        if refused:
            _add_event(slots, username, "login.refused_locked", now, open_=False)
        else:
            entry = _entry(slots, slot_id, now)
            entry["failures"] += 1
            attempt.event_ids.append(_add_event(slots, username, event, now, open_=True))
            if entry["failures"] >= MAX_FAILURES:
                attempt.until = now + LOCKOUT
                attempt.set_lock = True
                entry.update(failures=0, locked_until=attempt.until.isoformat(timespec="seconds"))
                attempt.event_ids.append(_add_event(slots, username, "account.locked", now, open_=True))
    if refused:
        raise LockedOutError(refused)
    return attempt


def failed(attempt: Attempt) -> datetime | None:
    """The password was wrong: the charge stands. Returns the lockout end if this attempt locked."""
    with KeySlotFile.update(attempt.database) as slots:
        for event in slots.events:
            if event["id"] in attempt.event_ids:
                event["open"] = False
    return attempt.until


def succeeded(attempt: Attempt, now: datetime) -> KeySlotFile:
    """The password was right: refund the charge and reset the counter (a lock set by others stays)."""
    with KeySlotFile.update(attempt.database) as slots:
        slots.events = [e for e in slots.events if e["id"] not in attempt.event_ids]
        entry = slots.attempts.get(attempt.slot_id)
        if entry is not None and (attempt.set_lock or not _locked(entry, now)):
            slots.attempts.pop(attempt.slot_id)
        elif entry is not None:
            entry["failures"] = 0
    return slots


def clear(database: Path, username: str) -> KeySlotFile:
    """Lift a lockout and reset the counter (administrator unlock)."""
    with KeySlotFile.update(database) as slots:
        slots.attempts.pop(slots.user_slot_id(username), None)
    return slots


# -- the audit side (database open) -----------------------------------------------------------------


def name_token(name: str) -> str:
    """A keyed digest standing for a typed name that is no user (it may be a mistyped password)."""
    key = settings.get_internal(NAME_KEY_SETTING)
    if key is None:
        key = secrets.token_hex(32)
        settings.write_value(NAME_KEY_SETTING, key, "system")
        key = settings.get_internal(NAME_KEY_SETTING) or key
    digest = hmac.new(bytes.fromhex(key), name.encode("utf-8"), hashlib.sha256).hexdigest()[:12]
    return f"{UNKNOWN_ACTOR}#{digest}"


def audit_names(typed: str | None) -> tuple[str, str]:
    """(actor, target) for an audit entry about a typed user name: the name only if such a user exists."""
    if typed and User.select().where(User.username == typed).exists():
        return typed, typed
    return UNKNOWN_ACTOR, name_token(typed) if typed else UNKNOWN_ACTOR


def flush(database: Path, now: datetime) -> None:
    """Copy finished failure events into the audit log, each exactly once, then drop them from the file.

    The high-water mark is read and advanced inside the audit transaction (SQLite takes its write
    lock at BEGIN), so two processes flushing at once cannot both copy the same event.
    """
    snapshot = KeySlotFile.load(database)
    private = settings.get_internal(INBOX_KEY_SETTING)
    with database_proxy.atomic():
        done = int(settings.get_internal(FLUSHED_SETTING) or 0)
        dropped = snapshot.dropped_events - int(settings.get_internal(DROPPED_SETTING) or 0)
        ready = []
        for event in sorted(snapshot.events, key=lambda e: e["id"]):
            if event["id"] <= done:
                continue
            if event["open"] and now - datetime.fromisoformat(event["at"]) < IN_FLIGHT:
                break  # still being checked by another process; later events wait for the next flush
            ready.append(event)
        for event in ready:
            typed = sealedbox.open_sealed(private, event["who"]) if private and event["who"] else None
            actor, target = audit_names(typed)
            at = datetime.fromisoformat(event["at"])
            audit.record(actor, event["event"], target, {"recorded_before_login": True}, at=at)
        if dropped > 0:
            audit.record(UNKNOWN_ACTOR, "login.events_dropped", "", {"count": dropped})
            settings.write_value(DROPPED_SETTING, snapshot.dropped_events, "system")
        if ready:
            done = ready[-1]["id"]
            settings.write_value(FLUSHED_SETTING, done, "system")
    if not any(e["id"] <= done for e in snapshot.events) and snapshot.next_event > done:
        return  # nothing to drop from the file
    with KeySlotFile.update(database) as slots:
        slots.events = [e for e in slots.events if e["id"] > done]
        slots.next_event = max(slots.next_event, done + 1)
