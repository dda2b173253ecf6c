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

Grants: only a holder of the private key can give it to another slot, and only by an explicit,
audited action of a manager (app/key_grants.py `grant`). Nothing is granted because of a row in
`user_role`: every user who can sign in holds the database key and could write such a row with plain
SQL. At a holder's sign-in `align_grants` only takes the key from slots whose roles no longer hold it
and keeps the recovery slot granted; a role change or a disabled account removes it at once, and
disabling also re-encrypts the database (app/keyrotation.py), so an old copy of the slot file opens
nothing new. A new key made by `rotate` reaches the slots that held the one it replaces *nested*:
sealed to the old identifier key inside the slot's box, so opening it takes the slot's key and the
old identifier key, and an entry written into the (plain JSON) slot file by somebody who never held
the old key opens nothing (`open_grants`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace

import peewee
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app import sealedbox, settings
from app.keyslots import RECOVERY_SLOT, KeySlotFile
from app.policy import IDENTIFIER_KEY_ROLES
from app.validation import mask_account, mask_address, mask_email, mask_id_number, mask_phone, mask_record_no
from models.accounts import User, UserRole
from models.database import database_proxy
from models.fields import CONTENT_PREFIX, LOCAL_PREFIX, install_cipher
from models.sealed_content import Opener as _Opener
from models.sealed_content import Recipient as _Recipient
from models.sealed_content import stored_public as _stored_public

PUBLIC_SETTING = "_identifier_public_key"
INDEX_SETTING = "_identifier_index_key"
REPEAT_SETTING = "_identifier_repeat_key"  # the repeat keys' secret, sealed to the identifier key
SLOT_FIELD = "identifier_keys"  # in a user's or the recovery slot: {key id: private key sealed to the slot}
MASKS: dict[str, Callable[[str], str]] = {
    "phone": mask_phone,
    "id": mask_id_number,
    "address": mask_address,
    "email": mask_email,
    "account": mask_account,
    "record": mask_record_no,
}
BLOB_PREFIX = b"CDs1"  # a file sealed by the local sealer
SEALED_CONTENT = "（保密案件内容：本账户的密钥槽中没有标识密钥）"
BUCKETS = 16  # of the look-up index of a sealed identifier (see LocalSealer.blind)  # one ephemeral key seals this many values before a new one is made


def key_id(public_b64: str) -> str:
    return hashlib.sha256(public_b64.encode("ascii")).hexdigest()[:16]


@dataclass(frozen=True)
class SealingKeys:
    """What sealing needs and nothing that opens: the identifier public key, the look-up index key
    and the writer's own slot public key (None: no own copy), and for a holder of the identifier key
    the secret of the exact repeat keys (app/statistics/person_keys.py). Plain data, so a bulk
    writer can seal in another process (app/demo/bulk.py)."""

    public: str
    index_key: bytes
    own_public: str | None = None
    repeat: bytes | None = None


class KeySealer:
    """Seals identifiers, restricted texts and files to given keys and makes their look-up indexes,
    reading nothing from the database: what LocalSealer writes with once it has checked the key in
    the writing transaction (`LocalSealer.current`), and what a bulk writer uses with the keys such a
    check returned (`LocalSealer.keys`)."""

    def __init__(self, keys: SealingKeys) -> None:
        self.keys = keys
        self._to_key = _Recipient(keys.public)
        self._to_self = _Recipient(keys.own_public) if keys.own_public else None

    def seal(self, text: str, kind: str = "", mask: str | None = None) -> str:
        """``s1:<mask>:<box>:<own box>`` (`mask`: the value's mask when the caller has it)."""
        if mask is None:
            mask = MASKS.get(kind, mask_account)(text)
        own = self._to_self.seal(text) if self._to_self else ""
        packed = base64.b64encode(mask.encode("utf-8")).decode("ascii")
        return f"{LOCAL_PREFIX}{packed}:{self._to_key.seal(text)}:{own}"

    def blind(self, kind: str, value: str, mask: str | None = None) -> str:
        """The look-up index of a value (see LocalSealer.blind)."""
        normal = unicodedata.normalize("NFKC", value).strip().upper()
        digest = hmac.new(self.keys.index_key, f"{kind}|{normal}".encode(), hashlib.sha256).digest()
        if kind not in MASKS:
            return digest.hex()[:32]  # names: not sealed, the index is an exact one
        return f"{MASKS[kind](value) if mask is None else mask}|{digest[0] % BUCKETS:x}"

    def seal_content(self, text: str) -> str:
        """A restricted case's text: a box sealed to the identifier key only (without its prefix)."""
        return self._to_key.seal(text)

    def seal_bytes(self, data: bytes) -> bytes:
        """A stored file: AES-256-GCM under a fresh key, that key sealed like an identifier."""
        file_key = secrets.token_bytes(32)
        packed = base64.b64encode(file_key).decode("ascii")
        own = self._to_self.seal(packed) if self._to_self else ""
        header = f"{self._to_key.seal(packed)}:{own}".encode("ascii")
        nonce = secrets.token_bytes(12)
        body = AESGCM(file_key).encrypt(nonce, data, BLOB_PREFIX)
        return BLOB_PREFIX + len(header).to_bytes(2, "big") + header + nonce + body


class LocalSealer:
    """The cipher of sealed fields in local mode (installed with models.fields.install_cipher)."""

    local = True

    def __init__(
        self,
        public_b64: str,
        index_key: bytes,
        private_b64: str | None = None,
        own: tuple[str, str] | None = None,
        older: tuple[str, ...] = (),
        fetch_private: Callable[[str], str | None] | None = None,
        trust: Callable[[str], bool] | None = None,
        trusted: bool = True,
    ) -> None:
        """`own`: the signed-in user's slot key pair (public, private), for their own copies;
        `older`: the private halves of identifier keys replaced by `rotate` (older values open);
        `fetch_private`: the private half of a newer key, from this user's slot (None if not granted);
        `trust`: whether this user's slot trusts a key the database names (app/key_pins.py), asked
        before sealing to any key but the one judged at sign-in (`trusted`: that judgement)."""
        self.public_b64 = public_b64
        self._trust = trust
        self.trusted_public = public_b64 if trusted else None
        self._writer = KeySealer(SealingKeys(public_b64, index_key, own[0] if own else None))
        self._privates = (private_b64, *older) if private_b64 else ()
        self._opener = _Opener(*self._privates) if private_b64 else None
        self._own = _Opener(own[1]) if own else None
        self._fetch_private = fetch_private
        self._checked: weakref.ref | None = None  # the transaction the key was last checked in
        self._repeat: bytes | None = None

    @property
    def opens_identifiers(self) -> bool:
        return self._opener is not None

    def current(self) -> None:
        """Seal to the identifier key the database names now. Another workstation may have made a
        new one (`rotate`) since this one signed in: every sealing write reads the key inside its
        own transaction, which holds the write lock (BEGIN IMMEDIATE), so no rotation can commit
        between the read and this transaction's commit: nothing is sealed to a retired key. Read
        once per transaction (every time outside one)."""
        db = database_proxy.obj
        transaction = db._state.transactions[0] if db.in_transaction() else None
        if transaction is not None and self._checked is not None and self._checked() is transaction:
            return
        public = _stored_public(db) or self.public_b64
        if public != self.trusted_public:
            if self._trust is None or not self._trust(public):
                from app.key_pins import KeyMismatchError

                raise KeyMismatchError
            self.trusted_public = public
        if public != self.public_b64:
            self.retarget(public)
        self._checked = weakref.ref(transaction) if transaction is not None else None

    def _newer_key(self) -> bool:
        """Has another workstation made a new identifier key since? (Then it is taken: True.)"""
        if not isinstance(database_proxy.obj, peewee.SqliteDatabase):
            return False
        public = _stored_public(database_proxy.obj)
        if not public or public == self.public_b64:
            return False
        self.retarget(public)
        return True

    def seal(self, text: str, kind: str = "") -> str:
        self.current()
        return self._writer.seal(text, kind)

    def keys(self) -> SealingKeys:
        """What this sealer seals with now (checked like every seal), for a writer that seals
        without a database (app/demo/bulk.py)."""
        self.current()
        return replace(self._writer.keys, repeat=self.repeat_secret())

    def repeat_secret(self) -> bytes | None:
        """The secret of the exact repeat keys (app/statistics/person_keys.py) for a holder of the
        identifier key; None for anybody else, or before a holder made it (`ensure_repeat_secret`)."""
        if self._repeat is None and self._opener is not None:
            box = settings.get_internal(REPEAT_SETTING)
            opened = self.open_box(box) if box else None
            self._repeat = base64.b64decode(opened) if opened else None
        return self._repeat

    def opened_identifier(self, stored: str) -> str | None:
        """A stored identifier as written, opened with the identifier key only (a writer's own copy
        does not count: the repeat keys must not depend on who reads); a value stored before the
        database was sealed as it is; None when it does not open."""
        if not stored.startswith(LOCAL_PREFIX):
            return stored
        try:
            _packed, box, _own = stored[len(LOCAL_PREFIX) :].split(":", 2)
        except ValueError:
            return None
        return self.open_box(box)

    def retarget(self, public_b64: str) -> None:
        """Seal to a new identifier key from now on (after `rotate`, here or on another workstation),
        and open with it too when this user's slot holds it."""
        self.public_b64 = public_b64
        self._writer = KeySealer(replace(self._writer.keys, public=public_b64))
        private = self._fetch_private(public_b64) if self._fetch_private and self._opener else None
        if private and private not in self._privates:
            self._privates = (private, *self._privates)
            self._opener = _Opener(*self._privates)

    def open_box(self, box: str) -> str | None:
        """A box sealed to the identifier key (or one it replaced); None without the key. A holder
        whose box does not open looks once for a key made since they signed in."""
        if self._opener is None:
            return None
        opened = self._opener.open(box)
        if opened is None and self._newer_key():
            opened = self._opener.open(box)
        return opened

    def seal_content(self, text: str) -> str:
        """A restricted case's text (models/sealed_content.py): sealed to the identifier key only."""
        self.current()
        return self._writer.seal_content(text)

    def checked_public(self) -> str:
        """The identifier public key to seal to now, checked like every seal (KeyMismatchError)."""
        self.current()
        return self.public_b64

    def open_content(self, value: str) -> str:
        """A restricted case's text for a holder of the identifier key; a placeholder for others."""
        opened = self.open_box(value[len(CONTENT_PREFIX) :])
        return SEALED_CONTENT if opened is None else opened

    def open(self, value: str, kind: str = "") -> str:  # noqa: ARG002 - the value says what it is
        if value.startswith(CONTENT_PREFIX):
            return self.open_content(value)
        if not value.startswith(LOCAL_PREFIX):
            return value  # written before the database was sealed (app/seal_upgrade.py seals it)
        try:
            packed, box, own = value[len(LOCAL_PREFIX) :].split(":", 2)
        except ValueError:
            return value
        opened = self.open_box(box)
        if opened is None and self._own and own:
            opened = self._own.open(own)
        return opened if opened is not None else base64.b64decode(packed).decode("utf-8")

    def seal_bytes(self, data: bytes) -> bytes:
        """A stored file (issued PDF, attachment): AES-256-GCM under a fresh key, that key sealed
        like an identifier (to the identifier key and the writer's own slot)."""
        self.current()
        return self._writer.seal_bytes(data)

    def open_bytes(self, value: bytes) -> bytes:
        """The file, or b"" for a reader who holds neither key (the application shows them a
        masked copy rendered again, or nothing)."""
        if not value.startswith(BLOB_PREFIX):
            return value  # stored before the database was sealed
        start = len(BLOB_PREFIX) + 2
        end = start + int.from_bytes(value[len(BLOB_PREFIX) : start], "big")
        box, own = value[start:end].decode("ascii").split(":", 1)
        packed = self.open_box(box)
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
        return self._writer.blind(kind, value)

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
    older: tuple[str, ...] = ()  # private halves of the keys `rotate` replaced (older data opens with them)

    @property
    def id(self) -> str:
        return key_id(self.public)


def stored_public() -> str | None:
    return settings.get_internal(PUBLIC_SETTING)


def sealing_public() -> str | None:
    """The key to seal to now: the installed sealer's, checked against this user's pin (raises
    app.key_pins.KeyMismatchError); the stored one where no local sealer is installed."""
    from models.fields import current_cipher

    sealer = current_cipher()
    if isinstance(sealer, LocalSealer):
        return sealer.checked_public()
    return stored_public()


def new_key(actor: str) -> IdentifierKey:
    """A new identifier key and blind-index key, stored in the database (call inside a transaction).
    The caller grants the private half (align_grants) before forgetting it."""
    private, public = sealedbox.new_keypair()
    settings.write_value(PUBLIC_SETTING, public, actor)
    if settings.get_internal(INDEX_SETTING) is None:
        settings.write_value(INDEX_SETTING, base64.b64encode(secrets.token_bytes(32)).decode("ascii"), actor)
    if settings.get_internal(REPEAT_SETTING) is None:
        _write_repeat_secret(public, actor)
    return IdentifierKey(public, private)


def _write_repeat_secret(public: str, actor: str) -> None:
    secret = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    settings.write_value(REPEAT_SETTING, _Recipient(public).seal(secret), actor)  # opens like a value


def ensure_repeat_secret(sealer: LocalSealer, actor: str) -> bool:
    """Make the repeat keys' secret on a sealed database that has none (made before it existed), by
    a holder of the identifier key (call inside a transaction: it holds the write lock, so two
    holders signing in at once make one). Sealed to the identifier key: only its holders make exact
    repeat keys; the keys a `rotate` replaces stay in their slots, so it opens after one too.
    Returns True when it was made now."""
    if not sealer.opens_identifiers or settings.get_internal(REPEAT_SETTING) is not None:
        return False
    _write_repeat_secret(sealer.checked_public(), actor)
    return True


NESTED = "n1:"  # a grant made by `rotate`: n1:<id of the key it replaced>:<box holding a box to that key>


def open_grants(slot: dict | None, slot_private: str | None) -> dict[str, str]:
    """Every identifier key a slot holds, by key id, opened with the slot's private key. A nested
    grant (`rotate`) opens only with the key it was sealed under; an entry whose key does not match
    its id (written into the file by hand) is ignored."""
    if not slot or not slot_private:
        return {}
    opened: dict[str, str] = {}
    nested: dict[str, tuple[str, str]] = {}
    for kid, box in slot.get(SLOT_FIELD, {}).items():
        if box.startswith(NESTED):
            parent, _sep, outer = box[len(NESTED) :].partition(":")
            nested[kid] = (parent, outer)
            continue
        private = sealedbox.open_sealed(slot_private, box)
        if private and _matches(private, kid):
            opened[kid] = private
    while nested:
        ready = [kid for kid, (parent, _outer) in nested.items() if parent in opened]
        if not ready:
            break
        for kid in ready:
            parent, outer = nested.pop(kid)
            inner = sealedbox.open_sealed(slot_private, outer)
            private = sealedbox.open_sealed(opened[parent], inner) if inner else None
            if private and _matches(private, kid):
                opened[kid] = private
    return opened


def _matches(private: str, kid: str) -> bool:
    try:
        return key_id(public_of(private)) == kid
    except ValueError:
        return False


def unlock(slot: dict | None, slot_private: str | None) -> str | None:
    """The identifier private key from a slot the user has just opened (None when not granted)."""
    public = stored_public()
    if not public:
        return None
    return open_grants(slot, slot_private).get(key_id(public))


def unlock_older(slot: dict | None, slot_private: str | None) -> tuple[str, ...]:
    """The private halves of the replaced identifier keys a slot holds (see `rotate`)."""
    public = stored_public()
    if not public:
        return ()
    current = key_id(public)
    return tuple(private for kid, private in open_grants(slot, slot_private).items() if kid != current)


def public_of(private_b64: str) -> str:
    private = X25519PrivateKey.from_private_bytes(base64.b64decode(private_b64))
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def install(
    slot: dict | None,
    slot_private: str | None,
    private: str | None,
    older: tuple[str, ...] = (),
    fetch_private: Callable[[str], str | None] | None = None,
    trust: Callable[[str], bool] | None = None,
    trusted: bool = True,
) -> LocalSealer | None:
    """Install the sealer for a local session (None for a database not sealed yet); `fetch_private`,
    `trust` and `trusted` see LocalSealer."""
    public = stored_public()
    if not public:
        install_cipher(None)
        return None
    index_key = base64.b64decode(settings.get_internal(INDEX_SETTING))
    own = (slot["public"], slot_private) if slot and slot_private and "public" in slot else None
    sealer = LocalSealer(public, index_key, private, own, older if private else (), fetch_private, trust, trusted)
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


def _seal_grants(slot: dict, key: IdentifierKey, *, replace: bool = False) -> bool:
    """Seal the identifier key and the older ones it replaced to `slot` where missing or nested
    (every one with `replace`); True when one was written."""
    grants = slot.setdefault(SLOT_FIELD, {})
    changed = False
    for private in (key.private, *key.older):
        kid = key.id if private == key.private else key_id(public_of(private))
        if replace or kid not in grants or grants[kid].startswith(NESTED):
            grants[kid] = sealedbox.seal(slot["public"], private)
            changed = True
    return changed


def align_grants(slots: KeySlotFile, key: IdentifierKey | None) -> bool:
    """Take the identifier key from user slots whose roles no longer hold it and, by a holder
    (`key`), keep the recovery slot granted. A user slot is never granted here (see `grant`).
    Returns True when the file changed."""
    entitled = entitled_slot_ids(slots)
    changed = False
    for slot_id, slot in slots.slots.items():
        if slot.get("kind") == "user" and slot_id not in entitled:
            changed |= slot.pop(SLOT_FIELD, None) is not None
        elif key is not None and slot_id == RECOVERY_SLOT and "public" in slot:
            changed |= _seal_grants(slot, key)
    return changed


def holds_grant(slots: KeySlotFile, username: str, public: str) -> bool:
    """Does the user's slot carry an entry for the identifier key `public`? (What a holder's
    `grant` or a `rotate` wrote; whether it opens only its owner can tell.)"""
    slot = slots.slots.get(slots.user_slot_id(username), {})
    return key_id(public) in slot.get(SLOT_FIELD, {})


def grant(slots: KeySlotFile, username: str, key: IdentifierKey) -> None:
    """Seal the identifier key (and the older ones) to `username`'s slot: the explicit action of a
    holder (app/key_grants.py checks who may and records it)."""
    slot = slots.slots.get(slots.user_slot_id(username))
    if slot is None or "public" not in slot:
        raise LookupError(username)
    _seal_grants(slot, key, replace=True)


def rotate(slots: KeySlotFile, old_public: str) -> IdentifierKey:
    """A new identifier key, after a user lost the right to it (role taken away, account disabled).

    The administrator does it without holding any identifier key: the new private half is sealed to
    the old identifier key and that box to the slot, for every slot that held the old key and whose
    roles still hold it, and the recovery slot. Only who can open the old key opens the new one, so a
    slot that was never really granted (an entry written by hand, a role row written with SQL) gets
    nothing it can open. Slots keep the keys they had, for the values sealed before. The caller saves
    the file, then stores the new public key: from then on values are sealed to it, which the
    removed user's old slot cannot open."""
    private, public = sealedbox.new_keypair()
    key = IdentifierKey(public, private)
    old_id = key_id(old_public)
    inner = sealedbox.seal(old_public, private)
    entitled = entitled_slot_ids(slots)
    for slot_id, slot in slots.slots.items():
        grants = slot.get(SLOT_FIELD, {})
        if slot.get("kind") == "user" and slot_id not in entitled:
            slot.pop(SLOT_FIELD, None)
        elif "public" in slot and old_id in grants and (slot_id in entitled or slot_id == RECOVERY_SLOT):
            grants[key.id] = f"{NESTED}{old_id}:{sealedbox.seal(slot['public'], inner)}"
    return key
