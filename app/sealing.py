"""Sealed identifiers in local mode: below the whole-file encryption, a second layer per value.

Every user's key slot opens the SQLCipher database, so the file's encryption alone lets a clerk read
every full ID number with plain SQL. Here each identifier (phone, ID number, address, e-mail, online
account, 门诊号/住院号) is sealed (X25519 + HKDF-SHA256 + AES-256-GCM) to the database's
*identifier key*. Its public half is stored in the database, so anybody may write an identifier at
intake; its private half is sealed into the key slots of the entitled roles only
(`policy.holds_identifier_key`: officers, managers) and of the recovery slot. Beside each sealed value
the masked form (138****1234) is kept, which is all the other roles ever see.

A stored value reads ``s1:<mask>:<box>:<own box>``. The second box is sealed to the writer's own slot
key, so a clerk sees in full what they registered themselves (the policy shows it until the end of
the day); a new password (a new slot key pair) ends that too. Exact look-ups use keyed HMAC blind
indexes (key stored in the database: a lookup must work for the front desk's duplicate check).

Grants: only a holder of the private key can give it to another slot. When an administrator adds an
officer, that slot gets the key at the next sign-in of any officer or manager (`align_grants`, run by
`slotsync.reconcile`); a role change or a disabled account removes it at once, and disabling also
re-encrypts the database (app/keyrotation.py), so an old copy of the slot file opens nothing new.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import peewee
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app import sealedbox, settings
from app.keyslots import RECOVERY_SLOT, KeySlotFile
from app.policy import IDENTIFIER_KEY_ROLES
from app.validation import mask_account, mask_address, mask_email, mask_id_number, mask_phone, mask_record_no
from models.accounts import User, UserRole
from models.fields import LOCAL_PREFIX, install_cipher

PUBLIC_SETTING = "_identifier_public_key"
INDEX_SETTING = "_identifier_index_key"
SLOT_FIELD = "identifier_keys"  # in a user's or the recovery slot: {key id: private key sealed to the slot}
MASKS: dict[str, Callable[[str], str]] = {
    "phone": mask_phone,
    "id": mask_id_number,
    "address": mask_address,
    "email": mask_email,
    "account": mask_account,
    "record": mask_record_no,
}
_INFO = b"complaintdesk sealed identifier"
BLOB_PREFIX = b"CDs1"  # a file sealed by the local sealer
_RAW = serialization.Encoding.Raw
_EPHEMERAL_USES = 512
BUCKETS = 16  # of the look-up index of a sealed identifier (see LocalSealer.blind)  # one ephemeral key seals this many values before a new one is made


def key_id(public_b64: str) -> str:
    return hashlib.sha256(public_b64.encode("ascii")).hexdigest()[:16]


class _Recipient:
    """Seals to one public key, reusing an ephemeral key for a few hundred values (the costly part
    of a sealed box is the key agreement; every value still has its own random nonce)."""

    def __init__(self, public_b64: str) -> None:
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


class _Opener:
    """Opens boxes sealed to one private key, remembering the key agreement per ephemeral key."""

    def __init__(self, private_b64: str) -> None:
        self._private = X25519PrivateKey.from_private_bytes(base64.b64decode(private_b64))
        self._keys: dict[bytes, AESGCM] = {}

    def open(self, box: str) -> str | None:
        try:
            raw = base64.b64decode(box)
            eph_pub, nonce, ct = raw[:32], raw[32:44], raw[44:]
            aead = self._keys.get(eph_pub)
            if aead is None:
                if len(self._keys) > 4096:
                    self._keys.clear()
                shared = self._private.exchange(X25519PublicKey.from_public_bytes(eph_pub))
                aead = self._keys[eph_pub] = AESGCM(_derive(shared, eph_pub))
            return aead.decrypt(nonce, ct, None).decode("utf-8")
        except (ValueError, InvalidTag):
            return None


def _derive(shared: bytes, eph_pub: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=eph_pub, info=_INFO).derive(shared)


class LocalSealer:
    """The cipher of sealed fields in local mode (installed with models.fields.install_cipher)."""

    local = True

    def __init__(
        self,
        public_b64: str,
        index_key: bytes,
        private_b64: str | None = None,
        own: tuple[str, str] | None = None,
    ) -> None:
        """`own`: the signed-in user's slot key pair (public, private), for their own copies."""
        self._to_key = _Recipient(public_b64)
        self._index_key = index_key
        self._opener = _Opener(private_b64) if private_b64 else None
        self._to_self = _Recipient(own[0]) if own else None
        self._own = _Opener(own[1]) if own else None

    @property
    def opens_identifiers(self) -> bool:
        return self._opener is not None

    def seal(self, text: str, kind: str = "") -> str:
        mask = MASKS.get(kind, mask_account)(text)
        own = self._to_self.seal(text) if self._to_self else ""
        packed = base64.b64encode(mask.encode("utf-8")).decode("ascii")
        return f"{LOCAL_PREFIX}{packed}:{self._to_key.seal(text)}:{own}"

    def open(self, value: str, kind: str = "") -> str:  # noqa: ARG002 - the value says what it is
        if not value.startswith(LOCAL_PREFIX):
            return value  # written before the database was sealed (app/seal_upgrade.py seals it)
        try:
            packed, box, own = value[len(LOCAL_PREFIX) :].split(":", 2)
        except ValueError:
            return value
        opened = self._opener.open(box) if self._opener else None
        if opened is None and self._own and own:
            opened = self._own.open(own)
        return opened if opened is not None else base64.b64decode(packed).decode("utf-8")

    def seal_bytes(self, data: bytes) -> bytes:
        """A stored file (issued PDF, attachment): AES-256-GCM under a fresh key, that key sealed
        like an identifier (to the identifier key and the writer's own slot)."""
        file_key = secrets.token_bytes(32)
        packed = base64.b64encode(file_key).decode("ascii")
        own = self._to_self.seal(packed) if self._to_self else ""
        header = f"{self._to_key.seal(packed)}:{own}".encode("ascii")
        nonce = secrets.token_bytes(12)
        body = AESGCM(file_key).encrypt(nonce, data, BLOB_PREFIX)
        return BLOB_PREFIX + len(header).to_bytes(2, "big") + header + nonce + body

    def open_bytes(self, value: bytes) -> bytes:
        """The file, or b"" for a reader who holds neither key (the application shows them a
        masked copy rendered again, or nothing)."""
        if not value.startswith(BLOB_PREFIX):
            return value  # stored before the database was sealed
        start = len(BLOB_PREFIX) + 2
        end = start + int.from_bytes(value[len(BLOB_PREFIX) : start], "big")
        box, own = value[start:end].decode("ascii").split(":", 1)
        packed = self._opener.open(box) if self._opener else None
        if packed is None and self._own and own:
            packed = self._own.open(own)
        if packed is None:
            return b""
        try:
            return AESGCM(base64.b64decode(packed)).decrypt(value[end : end + 12], value[end + 12 :], BLOB_PREFIX)
        except InvalidTag:
            return b""

    def blind(self, kind: str, value: str) -> str:
        """The look-up index of a value. For a sealed kind it is deliberately coarse: the mask (which
        every role sees anyway) and one of `BUCKETS` buckets. A full keyed hash would let anybody who
        opens the database (the key must be there: the front desk checks duplicates) test each
        number the mask leaves open, ten thousand for a phone, and so unmask it; this way each guess
        leaves about one in `BUCKETS` of them standing. Holders of the key confirm candidates by
        opening them (`matching`)."""
        normal = unicodedata.normalize("NFKC", value).strip().upper()
        digest = hmac.new(self._index_key, f"{kind}|{normal}".encode(), hashlib.sha256).digest()
        if kind not in MASKS:
            return digest.hex()[:32]  # names: not sealed, the index is an exact one
        return f"{MASKS[kind](value)}|{digest[0] % BUCKETS:x}"

    def matching(self, plain: peewee.Field, index: peewee.Field, kind: str, value: str) -> peewee.Expression:
        """Rows whose `plain` (sealed) column equals `value`: the index's candidates, opened and
        compared by a holder of the key; for anybody else the candidates themselves (a duplicate
        check then shows a rare false candidate, masked like every other)."""
        key = self.blind(kind, value)
        if kind not in MASKS or self._opener is None:
            return index == key
        model = plain.model
        wanted = unicodedata.normalize("NFKC", value).strip().upper()
        rows = model.select(model._meta.primary_key, plain).where(index == key).tuples()
        ids = [row_id for row_id, text in rows if unicodedata.normalize("NFKC", text or "").strip().upper() == wanted]
        return model._meta.primary_key.in_(ids) if ids else peewee.SQL("0 = 1")


@dataclass(frozen=True)
class IdentifierKey:
    public: str
    private: str  # base64; only in the memory of a holder's session

    @property
    def id(self) -> str:
        return key_id(self.public)


def stored_public() -> str | None:
    return settings.get_internal(PUBLIC_SETTING)


def new_key(actor: str) -> IdentifierKey:
    """A new identifier key and blind-index key, stored in the database (call inside a transaction).
    The caller grants the private half (align_grants) before forgetting it."""
    private, public = sealedbox.new_keypair()
    settings.write_value(PUBLIC_SETTING, public, actor)
    if settings.get_internal(INDEX_SETTING) is None:
        settings.write_value(INDEX_SETTING, base64.b64encode(secrets.token_bytes(32)).decode("ascii"), actor)
    return IdentifierKey(public, private)


def unlock(slot: dict | None, slot_private: str | None) -> str | None:
    """The identifier private key from a slot the user has just opened (None when not granted)."""
    public = stored_public()
    if not slot or not slot_private or not public:
        return None
    sealed = slot.get(SLOT_FIELD, {}).get(key_id(public))
    return sealedbox.open_sealed(slot_private, sealed) if sealed else None


def install(slot: dict | None, slot_private: str | None, private: str | None) -> LocalSealer | None:
    """Install the sealer for a local session (None for a database not sealed yet)."""
    public = stored_public()
    if not public:
        install_cipher(None)
        return None
    index_key = base64.b64decode(settings.get_internal(INDEX_SETTING))
    own = (slot["public"], slot_private) if slot and slot_private and "public" in slot else None
    sealer = LocalSealer(public, index_key, private, own)
    install_cipher(sealer)
    return sealer


def entitled_slot_ids(slots: KeySlotFile) -> set[str]:
    """The slots of active users whose roles hold the identifier key."""
    rows = (
        User.select(User.username)
        .join(UserRole)
        .where((User.active == True) & UserRole.role.in_(sorted(IDENTIFIER_KEY_ROLES)))  # noqa: E712
        .distinct()
    )
    return {slots.user_slot_id(row.username) for row in rows}


def align_grants(slots: KeySlotFile, key: IdentifierKey | None) -> bool:
    """Grant the identifier key to entitled slots that lack it (only with `key`, i.e. by a holder)
    and take it from every other user slot. Returns True when the file changed."""
    entitled = entitled_slot_ids(slots)
    changed = False
    for slot_id, slot in slots.slots.items():
        is_user = slot.get("kind") == "user"
        if is_user and slot_id not in entitled:
            changed |= slot.pop(SLOT_FIELD, None) is not None
            continue
        if key is None or "public" not in slot or (not is_user and slot_id != RECOVERY_SLOT):
            continue
        grants = slot.setdefault(SLOT_FIELD, {})
        if key.id not in grants:
            grants.clear()  # a key replaced by a newer one opens nothing any more
            grants[key.id] = sealedbox.seal(slot["public"], key.private)
            changed = True
    return changed
