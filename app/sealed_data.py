"""Sealed identifiers for a local session: the sealer installed at sign-in, the identifier key made
for a database that has none yet, and the pass that seals identifiers stored in plain text (a
database from before schema step 13, or rows written before the first holder signed in, as a demo
database built with `--plain-identifiers`).

See app/sealing.py for the scheme. The pass runs in batches of `BATCH` rows, each its own
transaction; it can be interrupted and resumes where it stopped (it looks for values without the
sealed prefix). The connection runs with secure_delete, so freed pages are zeroed, but a value
rewritten in place can leave its old bytes in the unused space of a page that stays live: a pass that
sealed anything therefore rebuilds the file once (VACUUM, then the WAL checkpointed and truncated), so
no page keeps a plain identifier. A rebuild that could not run (another workstation reading) is
recorded and done at the next sign-in.
"""

from __future__ import annotations

from collections.abc import Callable

import peewee

from app import audit, key_pins, sealing, settings
from app.keyslots import KeySlotFile
from app.policy import Action, Role, holds_identifier_key
from app.sealing import BLOB_PREFIX, MASKS
from app.session import Session
from app.write_path import operation
from models import sealed_content
from models.database import database_proxy
from models.fields import LOCAL_PREFIX, current_cipher, install_cipher
from models.migrations import drop_plain_identifier_indexes, mark_statistics_rebuild

BATCH = 2000
SEALED_SETTING = "_identifiers_sealed"  # the format of a completed pass (2: the coarse look-up index)
SEALED_FORMAT = 2
REBUILD_SETTING = "_sealed_rebuild_pending"  # a pass sealed values; the file is not rebuilt yet
REBUILD_TEXT = "正在整理数据库文件（清除密封前的旧值）"
Progress = Callable[[int, int], None]

# table → (sealed columns with their kinds, blind indexes as (index column, kind, source column))
IDENTIFIERS: dict[str, tuple[dict[str, str], tuple[tuple[str, str, str], ...]]] = {
    "complainant": (
        {
            "phone": "phone",
            "id_number": "id",
            "address": "address",
            "email": "email",
            "online_account": "account",
        },
        (
            ("name_index", "name", "name"),
            ("phone_index", "phone", "phone"),
            ("id_number_index", "id", "id_number"),
        ),
    ),
    "case": (
        {"patient_record_no": "record"},
        (
            ("patient_name_index", "name", "patient_name"),
            ("patient_record_index", "record", "patient_record_no"),
        ),
    ),
}
# Corrected registration fields that are identifiers (case_correction.before/after hold their values).
CORRECTION_KINDS = {
    "complainant_phone": "phone",
    "complainant_id_number": "id",
    "complainant_address": "address",
    "complainant_email": "email",
    "complainant_online_account": "account",
    "patient_record_no": "record",
}


def start(session: Session, opened: tuple[dict, str] | None, progress: Progress | None = None) -> None:
    """At a local sign-in (after the schema is current): install the sealer for this user, align the
    slot grants and seal what is still plain.

    The identifier key is made at the first sign-in of a manager on a database that has none and
    whose slot file holds no grant of one (somebody must hold it from the start, and the
    administrator who creates the database must not); that manager's slot holds it, and every other
    officer or manager gets it from a manager (app/key_grants.py). Until then a new database stores
    identifiers as written, and that sign-in seals them."""
    slot, slot_private = opened or (None, None)
    made = None
    if sealing.stored_public() is None:
        if not _first_holder(session):
            install_cipher(None)
            return
        with database_proxy.atomic():
            made = sealing.new_key(session.user.username)
            audit.record(session.user.username, "identifiers.key_created", session.location)
    key = made or key_from(opened)
    private = key.private if key else None
    align(session, key, own=made)
    slots = session.slots
    current = slots.slots.get(slots.user_slot_id(session.user.username), {}) if slots else {}
    own_private = slot_private if slot and current.get("public") == slot.get("public") else None
    entitled = holds_identifier_key(session.user.roles)
    session.identifier_key = private if entitled else None
    session.identifier_older = key.older if key and entitled else ()
    fetch = _newer_grants(session, own_private) if entitled and own_private else None
    session.slot_private = own_private
    trusted = key_pins.at_sign_in(session, sealing.stored_public())
    if not trusted and entitled and session.identifier_key is None:  # still read what was sealed before
        readable = sealing.unlock_older(slot, slot_private)
        session.identifier_key, session.identifier_older = (readable[0], readable[1:]) if readable else (None, ())
    sealer = sealing.install(
        slot, own_private, session.identifier_key, session.identifier_older, fetch, key_pins.trust_check(session), trusted
    )
    if not trusted:  # nothing is sealed to a key this slot does not trust (app/key_pins.py)
        return
    if sealer is not None and made is None:
        with database_proxy.atomic():  # a database sealed before the repeat keys' secret existed:
            if sealing.ensure_repeat_secret(sealer, session.user.username):  # its keys were coarse,
                mark_statistics_rebuild()  # recounted in the same transaction
    if made is not None or pending():
        seal_existing(progress)
    elif settings.get_internal(REBUILD_SETTING):
        rebuild(progress)


def _newer_grants(session: Session, slot_private: str) -> Callable[[str], str | None]:
    """For the installed sealer: the private half of an identifier key made on another workstation
    after this sign-in, from this user's slot in the file as it is now (None when not granted: the
    user lost the role there). The session keeps it like the one it signed in with."""

    def fetch(public: str) -> str | None:
        if session.database_path is None:
            return None
        slots = KeySlotFile.load(session.database_path)
        slot = slots.slots.get(slots.user_slot_id(session.user.username))
        private = sealing.open_grants(slot, slot_private).get(sealing.key_id(public))
        if private and session.identifier_key and private != session.identifier_key:
            session.identifier_older = (session.identifier_key, *session.identifier_older)
            session.identifier_key = private
        return private

    return fetch


def _first_holder(session: Session) -> bool:
    """May this sign-in make the identifier key? A manager, on a database whose slot file holds no
    grant of any identifier key (a deleted public-key setting does not start a new key)."""
    if Role.MANAGER not in session.user.roles or session.database_path is None:
        return False
    slots = KeySlotFile.load(session.database_path)
    return not any(slot.get(sealing.SLOT_FIELD) for slot in slots.slots.values())


def align(session: Session, key: sealing.IdentifierKey | None, own: sealing.IdentifierKey | None = None) -> None:
    """Take the identifier key from slots whose roles no longer hold it and keep the recovery slot
    granted (see align_grants); `own`: a key this sign-in just made, sealed to the user's slot."""
    if session.database_path is None:
        return
    with KeySlotFile.locked(session.database_path):
        slots = KeySlotFile.load(session.database_path)
        changed = sealing.align_grants(slots, key)
        if own is not None:
            sealing.grant(slots, session.user.username, own)
        if changed or own is not None:
            slots.save()
    session.slots = slots


def awaiting_grant(session: Session) -> bool:
    """Does this local user's role hold the identifier key without their slot having it yet?"""
    return (
        session.backend == "local"
        and holds_identifier_key(session.user.roles)
        and session.identifier_key is None
        and not session.key_alarm
        and sealing.stored_public() is not None
    )


def key_from(opened: tuple[dict, str] | None) -> sealing.IdentifierKey | None:
    """The identifier key from a slot just opened (None when it holds no grant)."""
    slot, slot_private = opened or (None, None)
    private = sealing.unlock(slot, slot_private)
    older = sealing.unlock_older(slot, slot_private)
    return sealing.IdentifierKey(sealing.stored_public(), private, older) if private else None


def session_key(session: Session) -> sealing.IdentifierKey | None:
    public = sealing.stored_public()
    return (
        sealing.IdentifierKey(public, session.identifier_key, session.identifier_older)
        if public and session.identifier_key
        else None
    )


def rotate(session: Session, username: str, reason: str) -> None:
    """`username` lost the right to the identifier key: a new key for everything sealed from now on
    (app.sealing.rotate). The slot file first, then the new public key in the database with its
    audit entry: a crash in between leaves an unused grant, never data sealed to a key nobody holds."""
    if session.backend != "local" or session.database_path is None or sealing.stored_public() is None:
        return
    with KeySlotFile.locked(session.database_path):
        slots = KeySlotFile.load(session.database_path)
        key = sealing.rotate(slots, sealing.stored_public())
        if session.slot_private is not None:  # every other slot may take the new key (app/key_pins.py)
            key_pins.offer_all(slots, slots.user_slot_id(session.user.username), session.slot_private, key.public)
        slots.save()
    session.slots = slots
    with operation(session, Action.MANAGE_USERS, "identifiers.key_rotated", target=username) as op:
        settings.write_value(sealing.PUBLIC_SETTING, key.public, session.user.username)
        op.detail.update(reason=reason, key=key.id)
    installed = current_cipher()
    if isinstance(installed, sealing.LocalSealer):
        installed.retarget(key.public)
        installed.trusted_public = key.public


def _unsealed(column: str) -> str:
    return f"({column} <> '' AND substr({column}, 1, {len(LOCAL_PREFIX)}) <> '{LOCAL_PREFIX}')"


def _where(table: str) -> str:
    """Rows with a plain identifier, or (for a holder of the key, who can open the value) an index
    in the exact form written before the look-up index became coarse (app.sealing.LocalSealer.blind)."""
    columns, indexes = IDENTIFIERS[table]
    parts = [_unsealed(f'"{c}"') for c in columns]
    sealer = current_cipher()
    if getattr(sealer, "opens_identifiers", False):
        parts += [f"(\"{i}\" <> '' AND instr(\"{i}\", '|') = 0)" for i, kind, _s in indexes if kind in MASKS]
    return " OR ".join(parts)


_BLOB_TABLES = ("issued_document", "attachment")  # stored files: they carry full identifiers
_BLOB_BATCH = 100
_PLAIN_BLOB = f"length(data) > 0 AND substr(data, 1, {len(BLOB_PREFIX)}) <> X'{BLOB_PREFIX.hex()}'"


def pending() -> bool:
    """Is any identifier or stored file still in plain text? (Looked up once: after a complete pass
    the database records it, so a sign-in does not scan the tables again.)"""
    db = database_proxy.obj
    if sealed_content.pending(db):
        return True
    if settings.get_internal(SEALED_SETTING) == SEALED_FORMAT:
        return False
    for table in _BLOB_TABLES:
        if db.execute_sql(f'SELECT 1 FROM "{table}" WHERE {_PLAIN_BLOB} LIMIT 1').fetchone():
            return True
    for table in IDENTIFIERS:
        if db.execute_sql(f'SELECT 1 FROM "{table}" WHERE {_where(table)} LIMIT 1').fetchone():
            return True
    correction = f"field IN ({', '.join('?' * len(CORRECTION_KINDS))}) AND ({_unsealed('before')} OR {_unsealed('after')})"
    return bool(
        db.execute_sql(
            f"SELECT 1 FROM case_correction WHERE {correction} LIMIT 1", list(CORRECTION_KINDS)
        ).fetchone()
    )


def seal_existing(progress: Progress | None = None) -> int:
    """Seal every plain identifier (and fill its blind index); returns the rows sealed."""
    sealer = current_cipher()
    if sealer is None or not sealer.local:
        raise RuntimeError("no local sealer installed")
    db = database_proxy.obj
    drop_plain_identifier_indexes(db)
    total = sum(
        db.execute_sql(f'SELECT COUNT(*) FROM "{t}" WHERE {_where(t)}').fetchone()[0] for t in IDENTIFIERS
    )
    done = 0
    for table, (columns, indexes) in IDENTIFIERS.items():
        done = _seal_table(table, columns, indexes, sealer, done, total, progress)
    sealed = done + _seal_corrections(sealer) + sum(_seal_blobs(table, sealer) for table in _BLOB_TABLES)
    if sealed_content.pending(db):  # restricted cases written before the identifier key existed
        sealed += sealed_content.seal_restricted(db, sealing.sealing_public())
    with database_proxy.atomic():
        if getattr(sealer, "opens_identifiers", False):  # only a holder can bring old indexes up to date
            settings.write_value(SEALED_SETTING, SEALED_FORMAT, "system")
        if sealed:
            settings.write_value(REBUILD_SETTING, True, "system")
            mark_statistics_rebuild()  # the repeat keys were hashes of the plain values
    if sealed:
        rebuild(progress)
    else:
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return done


def rebuild(progress: Progress | None = None) -> bool:
    """Rebuild the file after a sealing pass (VACUUM: every page written afresh, so no unused space
    keeps a value as it was before sealing), then checkpoint and truncate the WAL, which holds the
    rebuilt pages until then. False when another connection kept it from finishing (a writer, or a
    reader the checkpoint must wait for): it stays pending for the next sign-in."""
    db = database_proxy.obj
    if progress:
        progress(0, 1)
    try:
        db.execute_sql("VACUUM")
    except peewee.OperationalError:  # busy: another workstation is writing
        return False
    if not _checkpointed(db):
        return False
    with database_proxy.atomic():
        settings.write_value(REBUILD_SETTING, False, "system")
    _checkpointed(db)
    if progress:
        progress(1, 1)
    return True


def _checkpointed(db) -> bool:  # noqa: ANN001
    """Every WAL frame copied into the file and the WAL truncated (False: a reader was in the way)."""
    busy, _log, _done = db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


def _seal_table(table, columns, indexes, sealer, done: int, total: int, progress: Progress | None) -> int:  # noqa: ANN001
    db = database_proxy.obj
    sources = sorted({*columns, *(source for _i, _k, source in indexes)})
    last = 0
    while True:
        rows = db.execute_sql(
            f'SELECT id, {", ".join(f"{chr(34)}{c}{chr(34)}" for c in sources)} FROM "{table}" '
            f"WHERE id > ? AND ({_where(table)}) ORDER BY id LIMIT {BATCH}",
            (last,),
        ).fetchall()
        if not rows:
            return done
        with database_proxy.atomic():
            for row in rows:
                values = dict(zip(sources, row[1:], strict=True))
                update = {}
                for index, kind, source in indexes:
                    value = values[source] or ""
                    if value.startswith(LOCAL_PREFIX):
                        if not getattr(sealer, "opens_identifiers", False):
                            continue
                        value = sealer.open(value, kind)
                    update[index] = sealer.blind(kind, value) if value else ""
                for column, kind in columns.items():
                    value = values[column] or ""
                    if value and not value.startswith(LOCAL_PREFIX):
                        update[column] = sealer.seal(value, kind)
                assignments = ", ".join(f'"{c}" = ?' for c in update)
                db.execute_sql(f'UPDATE "{table}" SET {assignments} WHERE id = ?', (*update.values(), row[0]))
        last = rows[-1][0]
        done += len(rows)
        if progress:
            progress(min(done, total), total)


def _seal_corrections(sealer) -> int:  # noqa: ANN001
    db = database_proxy.obj
    marks = ", ".join("?" * len(CORRECTION_KINDS))
    rows = db.execute_sql(
        f"SELECT id, field, before, after FROM case_correction WHERE field IN ({marks}) "
        f"AND ({_unsealed('before')} OR {_unsealed('after')})",
        list(CORRECTION_KINDS),
    ).fetchall()
    with database_proxy.atomic():
        for row_id, field, before, after in rows:
            kind = CORRECTION_KINDS[field]
            sealed = [
                v if not v or v.startswith(LOCAL_PREFIX) else sealer.seal(v, kind) for v in (before, after)
            ]
            db.execute_sql("UPDATE case_correction SET before = ?, after = ? WHERE id = ?", (*sealed, row_id))
    return len(rows)


def _seal_blobs(table: str, sealer) -> int:  # noqa: ANN001
    db = database_proxy.obj
    last = sealed = 0
    while True:
        rows = db.execute_sql(
            f'SELECT id, data FROM "{table}" WHERE id > ? AND {_PLAIN_BLOB} ORDER BY id LIMIT {_BLOB_BATCH}', (last,)
        ).fetchall()
        if not rows:
            return sealed
        sealed += len(rows)
        with database_proxy.atomic():
            for row_id, data in rows:
                db.execute_sql(f'UPDATE "{table}" SET data = ? WHERE id = ?', (sealer.seal_bytes(bytes(data)), row_id))
        last = rows[-1][0]
