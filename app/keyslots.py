"""Key slots: the random database key, wrapped once per user and once for the recovery key.

The sidecar file ``<database>.keys`` holds, per slot, an AES-256-GCM encryption of the 32-byte
database key under a key derived from the user's password with argon2id (or, for the recovery
slot, from the 256-bit recovery key with HKDF). Nothing in it reveals the database key or any
password. The file is written atomically (temp file + rename).

The same file keeps the failed-login counters of local mode, keyed by slot id: the database cannot
be opened before a login succeeds, so failures are recorded here (the typed name sealed to a key
kept inside the database, see app/sealedbox.py) and copied into the audit log on the next
successful login.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FORMAT = "complaintdesk-keyslots"
FORMAT_VERSION = 1
RECOVERY_SLOT = "recovery"


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


@dataclass
class KeySlotFile:
    """The sidecar file of one database."""

    path: Path
    database_id: str
    slots: dict[str, dict] = field(default_factory=dict)
    attempts: dict[str, dict] = field(default_factory=dict)
    inbox_public_key: str = ""

    @staticmethod
    def sidecar_for(database: str | Path) -> Path:
        database = Path(database)
        return database.with_name(database.name + ".keys")

    @classmethod
    def create(cls, database: str | Path) -> KeySlotFile:
        return cls(path=cls.sidecar_for(database), database_id=str(uuid.uuid4()))

    @classmethod
    def load(cls, database: str | Path) -> KeySlotFile:
        path = cls.sidecar_for(database)
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("version") != FORMAT_VERSION:
            raise ValueError("unknown key slot file format")
        return cls(
            path=path,
            database_id=data["database_id"],
            slots=data.get("slots", {}),
            attempts=data.get("attempts", {}),
            inbox_public_key=data.get("inbox_public_key", ""),
        )

    def save(self) -> None:
        """Write atomically: a crash leaves either the old or the new file, never half of one."""
        payload = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "database_id": self.database_id,
            "slots": self.slots,
            "attempts": self.attempts,
            "inbox_public_key": self.inbox_public_key,
        }
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

    # -- slots ---------------------------------------------------------------------------
    def _aad(self, slot_id: str) -> bytes:
        return f"{FORMAT}|{self.database_id}|{slot_id}".encode()

    def _seal(self, slot_id: str, kek: bytes, db_key: bytes, extra: dict) -> None:
        nonce = secrets.token_bytes(12)
        ct = AESGCM(kek).encrypt(nonce, db_key, self._aad(slot_id))
        self.slots[slot_id] = {**extra, "nonce": _b64(nonce), "ciphertext": _b64(ct)}

    def _open(self, slot_id: str, kek: bytes) -> bytes:
        slot = self.slots[slot_id]
        try:
            return AESGCM(kek).decrypt(_unb64(slot["nonce"]), _unb64(slot["ciphertext"]), self._aad(slot_id))
        except InvalidTag:
            raise SlotError("用户名或密码错误") from None

    def user_slot_id(self, username: str) -> str:
        """Slots are named by a digest, so the file holds no user names."""
        digest = hashlib.sha256(f"{self.database_id}|{username}".encode()).hexdigest()[:32]
        return f"user:{digest}"

    def has_user(self, username: str) -> bool:
        return self.user_slot_id(username) in self.slots

    def set_user_slot(self, username: str, password: str, db_key: bytes, kdf: KdfParams) -> None:
        """Add or replace the user's slot (new salt every time)."""
        salt = secrets.token_bytes(16)
        kek = password_key(password, salt, kdf)
        self._seal(
            self.user_slot_id(username),
            kek,
            db_key,
            {
                "kind": "user",
                "kdf": "argon2id",
                "salt": _b64(salt),
                "time_cost": kdf.time_cost,
                "memory_cost": kdf.memory_cost,
                "parallelism": kdf.parallelism,
            },
        )

    def unwrap_user(self, username: str, password: str) -> bytes:
        slot_id = self.user_slot_id(username)
        slot = self.slots.get(slot_id)
        if slot is None:
            # Spend the same time as a real attempt so timing does not reveal which names exist.
            password_key(password, b"\0" * 16, DEFAULT_KDF)
            raise SlotError("用户名或密码错误")
        kdf = KdfParams(slot["time_cost"], slot["memory_cost"], slot["parallelism"])
        return self._open(slot_id, password_key(password, _unb64(slot["salt"]), kdf))

    def remove_user(self, username: str) -> None:
        self.slots.pop(self.user_slot_id(username), None)
        self.attempts.pop(self.user_slot_id(username), None)

    def set_recovery_slot(self, db_key: bytes) -> bytes:
        """Create (or replace) the recovery slot; return the new raw recovery key."""
        recovery_key = secrets.token_bytes(32)
        salt = secrets.token_bytes(16)
        self._seal(
            RECOVERY_SLOT, _recovery_kek(recovery_key, salt), db_key, {"kind": "recovery", "salt": _b64(salt)}
        )
        return recovery_key

    def unwrap_recovery(self, recovery_key: bytes) -> bytes:
        slot = self.slots.get(RECOVERY_SLOT)
        if slot is None:
            raise SlotError("该数据库没有恢复密钥")
        try:
            return self._open(RECOVERY_SLOT, _recovery_kek(recovery_key, _unb64(slot["salt"])))
        except SlotError:
            raise SlotError("恢复密钥不正确") from None
