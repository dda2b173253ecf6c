"""The audit witness: the newest audit entry (sequence number and hash) and the entry count, signed
and kept in the key slot file, outside the database (local mode).

The hash chain alone cannot show that the newest entries were cut off (and the head row set back),
or that the whole log was emptied: what is left is a valid chain. The witness remembers how far the
log had got. It is signed with an Ed25519 key derived from the database key, which only the users'
slots (and the recovery slot) unwrap, so somebody holding only the files cannot write a witness that
fits a shortened log. It travels with the slot file, so a backup carries the witness of its copy.

The witness only moves forward, and only along the same chain: once the log no longer contains the
witnessed entry, the witness is kept as it is, so the evidence survives new entries.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from filelock import Timeout

from app import clock
from app.keyslots import KeySlotFile
from app.session import Session
from models.audit import AuditEntry, AuditHead

_INFO = b"complaintdesk audit witness"
READ_REFRESH_SECONDS = 10.0
REFRESH_LOCK_TIMEOUT = 2.0  # seconds; the write has committed, so a busy slot file is not waited for


@dataclass(frozen=True)
class WitnessCheck:
    ok: bool
    message: str
    witnessed: int = 0  # the witnessed entry count


def _signing_key(db_key: bytes) -> Ed25519PrivateKey:
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(db_key)
    return Ed25519PrivateKey.from_private_bytes(seed)


def _payload(database_id: str, witness: dict) -> bytes:
    fields = [database_id, witness["seq"], witness["hash"], witness["count"], witness["at"]]
    return json.dumps(fields, separators=(",", ":")).encode("utf-8")


def signed(database_id: str, db_key: bytes, seq: int, digest: str, count: int) -> dict:
    """A new witness for the log as it stands (seq and hash of its newest entry, entry count)."""
    witness = {"seq": seq, "hash": digest, "count": count, "at": clock.now().isoformat(timespec="seconds")}
    signature = _signing_key(db_key).sign(_payload(database_id, witness))
    return {**witness, "signature": base64.b64encode(signature).decode("ascii")}


def signature_valid(database_id: str, db_key: bytes, witness: dict) -> bool:
    try:
        signature = base64.b64decode(witness["signature"])
        _signing_key(db_key).public_key().verify(signature, _payload(database_id, witness))
    except (KeyError, ValueError, TypeError, InvalidSignature):
        return False
    return True


def resigned(database_id: str, old_key: bytes, new_key: bytes, witness: dict | None) -> dict | None:
    """The same witness signed with a new database key (key rotation); an invalid one is not carried."""
    if not witness or not signature_valid(database_id, old_key, witness):
        return None
    signature = _signing_key(new_key).sign(_payload(database_id, witness))
    return {**witness, "signature": base64.b64encode(signature).decode("ascii")}


def _live_entry_hash(seq: int) -> str | None:
    entry = AuditEntry.get_or_none(AuditEntry.seq == seq)
    return entry.hash if entry else None


def _log_problem(
    witness: dict, count: int, entry_hash: Callable[[int], str | None] = _live_entry_hash
) -> str:
    """Why a log of `count` entries, whose entry hashes `entry_hash` gives (the open database's by
    default), does not contain the witnessed entry ("" when it does)."""
    seq = witness["seq"]
    if seq == 0:
        return ""
    digest = entry_hash(seq)
    if digest is None or count < witness["count"]:
        emptied = "，日志已被清空" if count == 0 else "，日志末尾被截断"
        return f"审计见证记录了 {witness['count']} 条日志，数据库中只有 {count} 条{emptied}"
    if digest != witness["hash"]:
        return f"审计日志第 {seq} 条与见证记录的哈希不符（日志被截断或改写）"
    return ""


def check(session: Session, entries: int) -> WitnessCheck:
    """Does the stored log (`entries` entries, as counted by the chain walk) contain everything the
    witness saw? (local mode)"""
    if session.database_path is None or session.db_key is None:
        return WitnessCheck(True, "共享模式：审计日志由服务器保证只可追加，不使用本地见证")
    slots = KeySlotFile.load(session.database_path)
    witness = slots.witness
    if not witness:
        return WitnessCheck(False, "密钥文件中没有审计见证记录（见证被删除，或密钥文件被替换）")
    if not signature_valid(slots.database_id, session.db_key, witness):
        return WitnessCheck(False, "审计见证的签名无效（见证被改动，或不属于此数据库）")
    problem = _log_problem(witness, entries)
    if problem:
        return WitnessCheck(False, problem, witness["count"])
    return WitnessCheck(True, f"审计见证一致（见证到第 {witness['seq']} 条）", witness["count"])


def refresh(session: Session, *, after_read: bool = False) -> bool:
    """Move the witness to the newest committed audit entry. Returns False when the stored witness
    no longer fits the log (then it is left as it is, as evidence). No-op in shared mode.

    Writes, logins, locks and logouts move it every time. After an audited read (opening a case, a
    document, a duplicate check) it moves at most every `READ_REFRESH_SECONDS`: an update costs a
    file lock, a signature and an fsync of the slot file, several times the read itself, and the
    entries in between are witnessed by the next update (at the latest the idle lock or logout)."""
    if session.database_path is None or session.db_key is None:
        return True
    now = time.monotonic()
    if after_read and session.witnessed_at is not None and now - session.witnessed_at < READ_REFRESH_SECONDS:
        return True
    session.witnessed_at = now
    head = AuditHead.get_or_none(AuditHead.id == 1)
    if head is None:
        return True
    lock = KeySlotFile.lock_for(session.database_path)
    try:
        lock.acquire(timeout=REFRESH_LOCK_TIMEOUT)
    except Timeout:
        return True  # another workstation holds the file: the next refresh catches up
    try:
        slots = KeySlotFile.load(session.database_path)
        witness = slots.witness
        if witness:
            valid = signature_valid(slots.database_id, session.db_key, witness)
            if not valid or _log_problem(witness, head.seq):
                return False
            if witness["seq"] >= head.seq:
                return True
        slots.witness = signed(slots.database_id, session.db_key, head.seq, head.hash, head.seq)
        slots.save()
    finally:
        lock.release()
    return True


def stored_witness(keys_bytes: bytes) -> dict | None:
    """The witness in the bytes of a key slot file (None when it has none)."""
    return json.loads(keys_bytes.decode("utf-8")).get("witness")


def for_backup(
    keys_bytes: bytes,
    db_key: bytes,
    before_copy: dict | None,
    head: tuple[int, str] | None,
    entries: int,
    entry_hash: Callable[[int], str | None],
) -> bytes:
    """The key slot file as a backup carries it: its witness is the backup copy's own log (`head`,
    `entries`), never the live one, which may already be further on.

    Everything is judged on the copy, one consistent snapshot: `before_copy` is the witness read
    (under the slot-file lock) before the copy was taken, so the copy holds its entry unless the log
    had been cut or rewritten — then, or when the slot file's witness no longer verifies, the slot
    file is carried unchanged, so a backup does not launder the evidence. `entry_hash(seq)` reads
    the copy's entry hashes. The live database is not read here: a connection's view of it may lag
    the slot file, which other processes move after each of their writes."""
    data = json.loads(keys_bytes.decode("utf-8"))
    database_id = data["database_id"]
    current = data.get("witness")
    if current and not signature_valid(database_id, db_key, current):
        return keys_bytes
    if before_copy and (
        not signature_valid(database_id, db_key, before_copy)
        or _log_problem(before_copy, entries, entry_hash)
    ):
        return keys_bytes
    seq, digest = head or (0, "0" * 64)
    data["witness"] = signed(database_id, db_key, seq, digest, entries)
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
