"""Sealed content of restricted cases (保密案件) in local mode: which columns, and the passes that seal
and re-store them.

The whole SQLCipher file opens with any user's key slot, so a clerk could read a restricted case's
narrative with plain SQL. While a case is restricted its texts (the columns in `CONTENT`: also the 投诉事项 summaries and
the complainant's and patient's names, whose look-up indexes are emptied meanwhile; its timeline in
models/sealed_timeline.py) are stored
sealed (X25519 + HKDF-SHA256 + AES-256-GCM) to the database's identifier key (app/sealing.py), whose
private half only the slots of the roles that may read restricted cases (officers, managers) and the
recovery slot hold; its text-index rows keep the case number only. When the case is no longer
restricted, its texts are stored plain again and indexed in full.

This module is below the application: the sealing boxes (`Recipient`, `Opener`) and the passes take
the public key or an opening function, so schema step 22 can seal a database it upgrades.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Callable
from datetime import datetime

import peewee
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from models import sealed_timeline
from models.audit import append_entry
from models.fields import CONTENT_PREFIX, LOCAL_PREFIX
from models.search_index import (
    CHAR_COLUMNS,
    create_search_index,
    delete_rows,
    insert_rows_sql,
    is_sqlite,
    purge,
)

PUBLIC_SETTING = "_identifier_public_key"  # app.sealing.PUBLIC_SETTING
SEALED_SETTING = "_restricted_content_sealed"  # set after a complete pass (see `pending`)
# table → (the column naming the case, the sealed text columns)
CONTENT: dict[str, tuple[str, tuple[str, ...]]] = {
    "case_text": ("case_id", ("content", "demands")),
    "case": ("id", ("patient_name", "hold_reason", "close_reason")),
    "case_handling": ("case_id", ("facts", "resolution", "rectification", "approval_comment")),
    "complainant": ("id", ("name",)),  # found through the case (COMPLAINANT_OF)
    "case_issue": ("case_id", ("summary", "questions", "finding_note")),
    "assignment": ("case_id", ("questions", "response", "return_reason")),
    "draft_revision": ("case_id", ("facts", "resolution", "rectification")),
    "follow_up": ("case_id", ("remarks",)),
    "finding_override": ("case_id", ("reason",)),
    "external_route": ("case_id", ("outcome",)),
    "case_correction": ("case_id", ("before", "after")),  # corrected 投诉内容/诉求 (identifiers: s1:)
    "attachment": ("case_id", ("filename", "note")),  # the file itself: sealed always (models/fields.py)
    "extension": ("case_id", ("reason", "decision_note")),
    "reply_promise": ("case_id", ("note",)),
    "major_check": ("case_id", ("value", "note")),
    "case_link": ("case_id", ("note",)),
}
_INFO = b"complaintdesk sealed identifier"
_RAW = serialization.Encoding.Raw
_EPHEMERAL_USES = 512
BATCH = 500
RESEALED_ACTION = "case.timeline_sealed"  # a pass chained restricted cases' timelines again (sealed texts)
Progress = Callable[[int, int, str], None]


def _derive(shared: bytes, eph_pub: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=eph_pub, info=_INFO).derive(shared)


class Recipient:
    """Seals to one public key, reusing an ephemeral key for a few hundred values (the costly part
    of a sealed box is the key agreement; every value still has its own random nonce)."""

    def __init__(self, public_b64: str) -> None:
        self.public_b64 = public_b64
        self._public = X25519PublicKey.from_public_bytes(base64.b64decode(public_b64))
        self._uses = _EPHEMERAL_USES

    def seal(self, text: str) -> str:
        if self._uses >= _EPHEMERAL_USES:
            eph = X25519PrivateKey.generate()
            self._eph_pub = eph.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
            self._aead = AESGCM(_derive(eph.exchange(self._public), self._eph_pub))
            self._uses = 0
        self._uses += 1
        nonce = secrets.token_bytes(12)
        ct = self._aead.encrypt(nonce, text.encode("utf-8"), None)
        return base64.b64encode(self._eph_pub + nonce + ct).decode("ascii")


class Opener:
    """Opens boxes sealed to any of a few private keys (the current identifier key and those it
    replaced, app/sealing.py `rotate`), remembering the key agreement per ephemeral key."""

    def __init__(self, *private_b64: str) -> None:
        self._privates = [X25519PrivateKey.from_private_bytes(base64.b64decode(p)) for p in private_b64]
        self._keys: dict[bytes, list[AESGCM]] = {}

    def open(self, box: str) -> str | None:
        try:
            raw = base64.b64decode(box)
        except ValueError:
            return None
        eph_pub, nonce, ct = raw[:32], raw[32:44], raw[44:]
        aeads = self._keys.get(eph_pub)
        if aeads is None:
            if len(self._keys) > 4096:
                self._keys.clear()
            try:
                peer = X25519PublicKey.from_public_bytes(eph_pub)
                aeads = [AESGCM(_derive(p.exchange(peer), eph_pub)) for p in self._privates]
            except ValueError:
                return None
            self._keys[eph_pub] = aeads
        for index, aead in enumerate(aeads):
            try:
                text = aead.decrypt(nonce, ct, None).decode("utf-8")
            except InvalidTag:
                continue
            if index:
                aeads.insert(0, aeads.pop(index))  # the next value of this ephemeral key: same one
            return text
        return None


def stored_public(db: peewee.Database) -> str | None:
    row = db.execute_sql("SELECT value FROM setting WHERE key = ?", (PUBLIC_SETTING,)).fetchone()
    return json.loads(row[0]) if row else None


def is_sealed(value: str | None) -> bool:
    return bool(value) and value.startswith(CONTENT_PREFIX)


# The names' look-up indexes (exact keyed hashes, models/fields.py): emptied while the name is sealed,
# as anybody who opens the database holds their key and could test guessed names against them.
NAME_INDEXES = {"case": "patient_name_index", "complainant": "name_index"}
COMPLAINANT_OF = 'complainant t JOIN "case" k ON k.complainant_id = t.id'


def _rows(db: peewee.Database, table: str, case_ids: list[int]) -> list[tuple]:
    case_column, columns = CONTENT[table]
    marks = ", ".join("?" * len(case_ids))
    source, case_column = (COMPLAINANT_OF, "k.id") if table == "complainant" else (f'"{table}" t', f"t.{case_column}")
    picked = ", ".join(f"t.{c}" for c in columns)
    return db.execute_sql(
        f"SELECT t.rowid, {case_column}, {picked} FROM {source} WHERE {case_column} IN ({marks})", case_ids
    ).fetchall()


# The sealed names of restricted cases, read whole by a holder's search (app/cases/sealed_names.py):
# two small partial indexes that cover the query, so it reads a few hundred pages instead of a case
# row and a complainant row scattered through the file per restricted case. They hold boxes only.
SEALED_NAME_INDEXES = (
    'CREATE INDEX IF NOT EXISTS case_restricted_names ON "case" (id, complainant_id, patient_name) '
    "WHERE restricted = 1",
    "CREATE INDEX IF NOT EXISTS complainant_sealed_name ON complainant (id, name) "
    f"WHERE substr(name, 1, {len(CONTENT_PREFIX)}) = '{CONTENT_PREFIX}'",
)
RESTRICTED_PATIENTS = (
    'SELECT id, complainant_id, patient_name FROM "case" INDEXED BY case_restricted_names WHERE restricted = 1'
)
SEALED_COMPLAINANTS = (
    f"SELECT id, name FROM complainant WHERE substr(name, 1, {len(CONTENT_PREFIX)}) = '{CONTENT_PREFIX}'"
)


def create_sealed_name_indexes(db: peewee.Database) -> None:
    """The partial indexes of sealed names (a new local database, schema step 29)."""
    if is_sqlite(db):
        for sql in SEALED_NAME_INDEXES:
            db.execute_sql(sql)


def clear_name_indexes(db: peewee.Database, case_ids: list[int]) -> None:
    """The name indexes of restricted cases emptied (their names are sealed)."""
    marks = ", ".join("?" * len(case_ids))
    db.execute_sql(f"UPDATE \"case\" SET patient_name_index = '' WHERE id IN ({marks})", case_ids)
    db.execute_sql(
        f"UPDATE complainant SET name_index = '' WHERE id IN "
        f"(SELECT complainant_id FROM \"case\" WHERE id IN ({marks}))",
        case_ids,
    )


def _rewrite(db: peewee.Database, case_ids: list[int], change: Callable[[str], str | None]) -> set[int]:
    """Apply `change` to every non-empty text of the cases (None: leave it); returns the cases changed."""
    changed: set[int] = set()
    for table, (_case_column, columns) in CONTENT.items():
        for row in _rows(db, table, case_ids):
            update = {}
            for column, value in zip(columns, row[2:], strict=True):
                new = change(value) if value else None
                if new is not None and new != value:
                    update[column] = new
            if update:
                assignments = ", ".join(f'"{c}" = ?' for c in update)
                db.execute_sql(
                    f'UPDATE "{table}" SET {assignments} WHERE rowid = ?', (*update.values(), row[0])
                )
                changed.add(row[1])
    return changed


def seal_cases(
    db: peewee.Database, case_ids: list[int], seal: Callable[[str], str], placeholder: str | None = None
) -> set[int]:
    """Seal the plain texts of the cases (call inside the writing transaction). LookupError for a
    text equal to `placeholder` (what a reader without the key was shown, about to be stored)."""

    def change(value: str) -> str | None:
        if is_sealed(value) or value.startswith(LOCAL_PREFIX):  # sealed already, or a sealed identifier
            return None
        if value == placeholder:
            raise LookupError("a placeholder would be stored as the text")
        return CONTENT_PREFIX + seal(value)

    changed = _rewrite(db, case_ids, change)
    clear_name_indexes(db, case_ids)
    return changed


def unseal_cases(db: peewee.Database, case_ids: list[int], open_box: Callable[[str], str | None]) -> set[int]:
    """Store the sealed texts of the cases plain again; raises LookupError for a box that does not open."""

    def change(value: str) -> str | None:
        if not is_sealed(value):
            return None
        text = open_box(value[len(CONTENT_PREFIX) :])
        if text is None:
            raise LookupError("a sealed text does not open with the keys at hand")
        return text

    return _rewrite(db, case_ids, change)


def has_sealed(db: peewee.Database, case_id: int) -> bool:
    """Does any text of the case read sealed? (case_text is always written, so it tells.)"""
    row = db.execute_sql("SELECT content, demands FROM case_text WHERE case_id = ?", (case_id,)).fetchone()
    return bool(row) and any(is_sealed(v) for v in row)


def index_number_only(db: peewee.Database, case_id: int, case_no: str) -> None:
    """The text-index rows of a restricted case: its number, nothing of its texts or people."""
    if not is_sqlite(db):
        return
    delete_rows(db, case_id)
    trigram, chars = insert_rows_sql()  # the closed cases' pair: a number is nothing to purge
    db.execute_sql(trigram, (case_id, case_no, "", "", "", ""))
    db.execute_sql(chars, (case_id, *("" for _c in CHAR_COLUMNS)))


def seal_restricted(db: peewee.Database, public_b64: str, progress: Progress | None = None) -> int:
    """Seal the texts of every restricted case and keep their text-index rows to the number (schema
    step 22, and the sealing pass when the identifier key is made). Returns the cases visited."""
    recipient = Recipient(public_b64)
    if is_sqlite(db):
        create_search_index(db)  # an upgrade from before step 30: the open cases' pair, so rows can go
    rows = db.execute_sql('SELECT id, case_no FROM "case" WHERE restricted ORDER BY id').fetchall()
    total, sealed = len(rows), 0
    for start in range(0, total, BATCH):
        batch = dict(rows[start : start + BATCH])
        with db.atomic():
            changed = seal_cases(db, list(batch), recipient.seal)
            for case_id in sorted(changed):  # sealed before: its index rows hold the number already
                index_number_only(db, case_id, batch[case_id])
            heads = sealed_timeline.rewrite(db, list(batch), sealed_timeline.seal_change(recipient.seal))
            record_heads(db, {batch[case_id]: pair for case_id, pair in heads.items()})
        sealed += len(changed)
        if progress is not None:
            progress(min(start + BATCH, total), total, "正在密封保密案件的内容")
    if sealed and is_sqlite(db):
        # merge the index segments: the entries deleted above leave the index's pages too
        if progress is not None:
            progress(total, total, "正在整理全文索引")
        purge(db, closed_too=True)
    with db.atomic():
        _mark_sealed(db)
    return total


def record_heads(db: peewee.Database, heads: dict[str, tuple[str, str]]) -> None:
    """One audit entry for timelines chained again by a pass ({case number: (old head, new head)})."""
    if heads:
        detail = {
            "chain": {no: new for no, (_old, new) in heads.items()},
            "resealed": {no: old for no, (old, _new) in heads.items()},
        }
        append_entry(db, "system", RESEALED_ACTION, "", detail)


def _mark_sealed(db: peewee.Database) -> None:
    """Every restricted case is sealed (from then on each case write keeps it so): sign-ins need not look."""
    db.execute_sql(
        "INSERT INTO setting (key, value, updated_at, updated_by) VALUES (?, 'true', ?, 'system') "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (SEALED_SETTING, datetime.now().isoformat(sep=" ", timespec="seconds")),
    )


def pending(db: peewee.Database) -> bool:
    """Has no complete pass run yet (`seal_restricted`)? Until one has, restricted cases may hold
    plain texts (written before the identifier key existed, or stamped past step 22 without it)."""
    return db.execute_sql("SELECT 1 FROM setting WHERE key = ?", (SEALED_SETTING,)).fetchone() is None
