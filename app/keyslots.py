"""Key slots: the random database key, made available once per user and once for the recovery key.

The sidecar file ``<database>.keys`` holds, per slot, an X25519 key pair whose private half is
encrypted (AES-256-GCM) under a key derived from the user's password with argon2id (or, for the
recovery slot, derived from the 256-bit recovery key with HKDF), and the database key sealed to the
public half. So the database key can be re-sealed to every remaining slot when it is rotated
(app/keyrotation.py) without anybody's password. Nothing in the file reveals the database key or
any password.

Every read-modify-write of the file happens under an OS file lock (`KeySlotFile.update`), re-reading
the file under the lock; a write is atomic (temp file + rename, owner-only permissions).

A change of a user's slot is first *staged* (``pending``) and only becomes the slot once the
database change that goes with it has committed (see app/slotsync.py): a crash in between leaves
the old password working. The failed-login counters and the not-yet-audited failure events of local
mode live here too (app/login_attempts.py).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from filelock import FileLock, Timeout

from app import sealedbox
from app.errors import DatabaseOpenError

FORMAT = "complaintdesk-keyslots"
FORMAT_VERSION = 1
RECOVERY_SLOT = "recovery"
LOCK_TIMEOUT = 30.0  # seconds to wait for another workstation's slot-file update

# Test hooks: called with ("before" | "after", file) around each save (crash injection).
SAVE_HOOKS: list[Callable[[str, KeySlotFile], None]] = []


@dataclass(frozen=True)
class KdfParams:
    """argon2id cost; stored per slot so it can be raised later without breaking old slots."""

    time_cost: int = 3
    memory_cost: int = 64 * 1024  # KiB
    parallelism: int = 2


DEFAULT_KDF = KdfParams()


class SlotError(Exception):
    """No slot for this name, or the secret does not unwrap it. Callers map it to 用户名或密码错误."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def password_key(password: str, salt: bytes, kdf: KdfParams) -> bytes:
    """argon2id: a 256-bit key from a password or passphrase."""
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_cost,
        parallelism=kdf.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _recovery_kek(recovery_key: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"complaintdesk recovery slot").derive(
        recovery_key
    )


def format_recovery_key(raw: bytes) -> str:
    """32 bytes as 13 groups of four base32 characters, easy to read aloud and type."""
    text = base64.b32encode(raw).decode("ascii").rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    """Inverse of format_recovery_key; tolerant of spaces, dashes and lower case."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned += "=" * (-len(cleaned) % 8)
    try:
        raw = base64.b32decode(cleaned)
    except ValueError:
        raise SlotError("恢复密钥格式不正确") from None
    if len(raw) != 32:
        raise SlotError("恢复密钥格式不正确")
    return raw


def _new_pair() -> tuple[bytes, str]:
    private = X25519PrivateKey.generate()
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw, _b64(public)


def seal_key(slot: dict, db_key: bytes) -> dict:
    """The slot with the database key sealed to its public key (rotation: no password needed)."""
    return {**slot, "sealed_key": sealedbox.seal(slot["public"], _b64(db_key))}


def _kdf_of(slot: dict) -> KdfParams:
    return KdfParams(slot["time_cost"], slot["memory_cost"], slot["parallelism"])


@dataclass
class KeySlotFile:
    """The sidecar file of one database."""

    path: Path
    database_id: str
    slots: dict[str, dict] = field(default_factory=dict)
    pending: dict[str, dict] = field(default_factory=dict)  # staged slot changes, see app/slotsync.py
    attempts: dict[str, dict] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)  # failed-login events not yet in the audit log
    next_event: int = 1
    dropped_events: int = 0
    rotation: dict | None = None  # a key rotation in progress, see app/keyrotation.py
    inbox_public_key: str = ""
    witness: dict | None = None  # the signed audit witness, see app/witness.py
    # Not stored: for each database key this object has unwrapped, the slot and its private key
    # (the sealed identifier key is opened with it, app/sealing.py).
    opened: dict[bytes, tuple[dict, str]] = field(default_factory=dict, repr=False, compare=False)

    @staticmethod
    def sidecar_for(database: str | Path) -> Path:
        database = Path(database)
        return database.with_name(database.name + ".keys")

    @classmethod
    def lock_for(cls, database: str | Path) -> FileLock:
        sidecar = cls.sidecar_for(database)
        return FileLock(f"{sidecar}.lock", timeout=LOCK_TIMEOUT, mode=0o600)

    @classmethod
    @contextmanager
    def locked(cls, database: str | Path) -> Iterator[None]:
        """Hold the OS lock of the slot file (other processes and workstations wait)."""
        try:
            with cls.lock_for(database):
                yield
        except Timeout:
            raise DatabaseOpenError("数据库密钥文件正被其他工作站使用，请稍后再试") from None

    @classmethod
    @contextmanager
    def update(cls, database: str | Path) -> Iterator[KeySlotFile]:
        """Read-modify-write under the lock: re-read, let the caller change it, save (not on error)."""
        with cls.locked(database):
            slots = cls.load(database)
            yield slots
            slots.save()

    @classmethod
    def create(cls, database: str | Path) -> KeySlotFile:
        return cls(path=cls.sidecar_for(database), database_id=str(uuid.uuid4()))

    @classmethod
    def load(cls, database: str | Path) -> KeySlotFile:
        path = cls.sidecar_for(database)
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("version") != FORMAT_VERSION:
            raise ValueError("unknown key slot file format")
        slots = cls(
            path=path,
            database_id=data["database_id"],
            slots=data.get("slots", {}),
            pending=data.get("pending", {}),
            attempts=data.get("attempts", {}),
            events=data.get("events", []),
            next_event=data.get("next_event", 1),
            dropped_events=data.get("dropped_events", 0),
            rotation=data.get("rotation"),
            inbox_public_key=data.get("inbox_public_key", ""),
            witness=data.get("witness"),
        )
        for entry in slots.attempts.values():  # files written before events had their own list
            for old in entry.pop("pending", []):
                slots.events.append({**old, "id": slots.next_event, "open": False})
                slots.next_event += 1
        return slots

    def save(self) -> None:
        """Write atomically: a crash leaves either the old or the new file, never half of one."""
        payload = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "database_id": self.database_id,
            "slots": self.slots,
            "pending": self.pending,
            "attempts": self.attempts,
            "events": self.events,
            "next_event": self.next_event,
            "dropped_events": self.dropped_events,
            "rotation": self.rotation,
            "inbox_public_key": self.inbox_public_key,
            "witness": self.witness,
        }
        for hook in SAVE_HOOKS:
            hook("before", self)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, ensure_ascii=False, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for hook in SAVE_HOOKS:
            hook("after", self)

    # -- slots ---------------------------------------------------------------------------
    def _aad(self, slot_id: str) -> bytes:
        return f"{FORMAT}|{self.database_id}|{slot_id}".encode()

    def _new_slot(
        self, slot_id: str, kek: bytes, db_key: bytes, extra: dict, pin: Callable[[str, str], dict] | None = None
    ) -> dict:
        """`pin(slot_id, private)`: fields made with the new private key (app/key_pins.py)."""
        private, public = _new_pair()
        nonce = secrets.token_bytes(12)
        wrapped = AESGCM(kek).encrypt(nonce, private, self._aad(slot_id))
        slot = {**extra, "v": 2, "nonce": _b64(nonce), "wrapped_private": _b64(wrapped), "public": public}
        if pin is not None:
            slot.update(pin(slot_id, _b64(private)))
        return seal_key(slot, db_key)

    def _open(self, slot_id: str, slot: dict, kek: bytes) -> bytes:
        """The database key from a slot, given its key-encryption key (SlotError if it does not fit)."""
        try:
            if slot.get("v") != 2:  # first format: the database key itself wrapped under the KEK
                return AESGCM(kek).decrypt(_unb64(slot["nonce"]), _unb64(slot["ciphertext"]), self._aad(slot_id))
            private = AESGCM(kek).decrypt(
                _unb64(slot["nonce"]), _unb64(slot["wrapped_private"]), self._aad(slot_id)
            )
        except InvalidTag:
            raise SlotError("用户名或密码错误") from None
        opened = sealedbox.open_sealed(_b64(private), slot["sealed_key"])
        if opened is None:
            raise SlotError("用户名或密码错误")
        db_key = _unb64(opened)
        self.opened.setdefault(db_key, (slot, _b64(private)))
        return db_key

    def user_slot_id(self, username: str) -> str:
        """Slots are named by a digest, so the file holds no user names."""
        digest = hashlib.sha256(f"{self.database_id}|{username}".encode()).hexdigest()[:32]
        return f"user:{digest}"

    def has_user(self, username: str) -> bool:
        return self.user_slot_id(username) in self.slots

    def new_user_slot(
        self, username: str, password: str, db_key: bytes, kdf: KdfParams, pin: Callable[[str, str], dict] | None = None
    ) -> dict:
        """A fresh slot (new salt, new key pair) for `username`, not yet stored anywhere."""
        salt = secrets.token_bytes(16)
        kek = password_key(password, salt, kdf)
        extra = {
            "kind": "user",
            "kdf": "argon2id",
            "salt": _b64(salt),
            "time_cost": kdf.time_cost,
            "memory_cost": kdf.memory_cost,
            "parallelism": kdf.parallelism,
        }
        return self._new_slot(self.user_slot_id(username), kek, db_key, extra, pin)

    def set_user_slot(self, username: str, password: str, db_key: bytes, kdf: KdfParams) -> None:
        """Add or replace the user's slot at once (database creation; staged otherwise)."""
        self.slots[self.user_slot_id(username)] = self.new_user_slot(username, password, db_key, kdf)

    def user_keys(self, username: str, password: str) -> list[bytes]:
        """Every database key the password opens: the slot, a staged change, a rotation in progress.

        Raises SlotError when none opens. A name without a slot costs one key derivation too, so
        timing does not reveal which names exist.
        """
        slot_id = self.user_slot_id(username)
        candidates = [self.slots.get(slot_id), (self.pending.get(slot_id) or {}).get("slot")]
        candidates.append((self.rotation or {}).get("slots", {}).get(slot_id))
        found: list[bytes] = []
        keks: dict[tuple, bytes] = {}
        for slot in filter(None, candidates):
            cache = (slot["salt"], slot["time_cost"], slot["memory_cost"], slot["parallelism"])
            if cache not in keks:
                keks[cache] = password_key(password, _unb64(slot["salt"]), _kdf_of(slot))
            try:
                key = self._open(slot_id, slot, keks[cache])
            except SlotError:
                continue
            if key not in found:
                found.append(key)
        if not keks:  # as costly as a real slot of this file
            typical = next((s for s in self.slots.values() if s.get("kind") == "user"), None)
            password_key(password, b"\0" * 16, _kdf_of(typical) if typical else DEFAULT_KDF)
        if not found:
            raise SlotError("用户名或密码错误")
        return found

    def unwrap_user(self, username: str, password: str) -> bytes:
        return self.user_keys(username, password)[0]

    def remove_user(self, username: str) -> None:
        slot_id = self.user_slot_id(username)
        self.slots.pop(slot_id, None)
        self.pending.pop(slot_id, None)
        self.attempts.pop(slot_id, None)

    def set_recovery_slot(self, db_key: bytes) -> bytes:
        """Create (or replace) the recovery slot; return the new raw recovery key."""
        recovery_key = secrets.token_bytes(32)
        salt = secrets.token_bytes(16)
        self.slots[RECOVERY_SLOT] = self._new_slot(
            RECOVERY_SLOT, _recovery_kek(recovery_key, salt), db_key, {"kind": "recovery", "salt": _b64(salt)}
        )
        return recovery_key

    def recovery_keys(self, recovery_key: bytes) -> list[bytes]:
        """The database keys the recovery key opens (the slot, and a rotation in progress)."""
        slot = self.slots.get(RECOVERY_SLOT)
        if slot is None:
            raise SlotError("该数据库没有恢复密钥")
        found = []
        for candidate in (slot, (self.rotation or {}).get("slots", {}).get(RECOVERY_SLOT)):
            if candidate is None:
                continue
            try:
                found.append(
                    self._open(RECOVERY_SLOT, candidate, _recovery_kek(recovery_key, _unb64(candidate["salt"])))
                )
            except SlotError:
                continue
        if not found:
            raise SlotError("恢复密钥不正确")
        return found

    def unwrap_recovery(self, recovery_key: bytes) -> bytes:
        return self.recovery_keys(recovery_key)[0]

    def resealable(self) -> dict[str, dict]:
        """The slots that can take a new database key without their secret (format 2)."""
        return {slot_id: slot for slot_id, slot in self.slots.items() if slot.get("v") == 2}
