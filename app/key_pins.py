"""The identifier public key pinned in each key slot (local mode), so nobody seals to a swapped key.

The public half of the identifier key (app/sealing.py) is stored in the database, which every user's
slot opens: a clerk could replace it with a key pair of their own and read every identifier sealed
afterwards. So each user's slot carries a *pin*, the public key it last trusted, with an HMAC under a
key derived from the slot's private key (which only that user's password unwraps): nobody else can
write a pin that verifies. Before sealing, every sealer compares the database's public key with its
pin; a holder also checks that the key equals ``public_of`` of the private key their slot was
granted. A key that does not match is refused: nothing is sealed to it, the user is alarmed in
Chinese, the sign-in is audited (``identifiers.key_mismatch``) and `audit verify` reports it.

A legitimate new key (`sealing.rotate`, by an administrator) reaches the pins in two ways: a holder's
slot is granted the new private key (checked with ``public_of``); every other slot gets an *offer*
from the rotating administrator's slot, authenticated with the X25519 agreement of the two slots'
keys (only the administrator and that user can compute it) and accepted only from the slot of an
active administrator. A slot that has no pin yet (a new user, a new password, a database from before
pins) trusts the key it first sees, unless it holds grants of the identifier key but none of this key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app import audit, sealing
from app.errors import ComplaintDeskError
from app.keyslots import KeySlotFile
from app.policy import Role
from app.session import Session
from models.accounts import User, UserRole
from models.database import database_proxy

PIN_FIELD = "identifier_pin"
OFFER_FIELD = "identifier_pin_offer"
MISMATCH = (
    "标识密钥告警：数据库中的标识公钥与本账户密钥槽中记录的不一致，可能已被人替换。为防止电话、证件号和保密案件内容"
    "被密封给他人，本账户现在不能写入这些信息（已记入审计日志）。请立即联系主任和系统管理员核查。"
)


class KeyMismatchError(ComplaintDeskError):
    """The identifier public key in the database is not the one this user's slot trusts."""

    def __init__(self) -> None:
        super().__init__(MISMATCH)


def _derive(secret: bytes, info: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info.encode()).derive(secret)


def _tag(key: bytes, database_id: str, slot_id: str, public: str) -> str:
    message = f"{database_id}|{slot_id}|{public}".encode()
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode("ascii")


def _own_key(slot_private: str) -> bytes:
    return _derive(base64.b64decode(slot_private), "complaintdesk identifier pin")


def _shared_key(private_b64: str, other_public_b64: str) -> bytes:
    private = X25519PrivateKey.from_private_bytes(base64.b64decode(private_b64))
    shared = private.exchange(X25519PublicKey.from_public_bytes(base64.b64decode(other_public_b64)))
    return _derive(shared, "complaintdesk identifier pin offer")


def pin(slots: KeySlotFile, slot_id: str, slot_private: str, public: str) -> None:
    """Pin `public` in the slot (the caller saves the file)."""
    slot = slots.slots[slot_id]
    slot[PIN_FIELD] = {"key": public, "tag": _tag(_own_key(slot_private), slots.database_id, slot_id, public)}
    slot.pop(OFFER_FIELD, None)


def pin_for_new_slot(slots: KeySlotFile) -> Callable[[str, str], dict] | None:
    """A new slot (a new user, a new password) pinned to the key the signed-in writer's sealer
    trusts, so it does not have to trust the first key it sees (KeySlotFile.new_user_slot)."""
    from models.fields import current_cipher

    sealer = current_cipher()
    public = getattr(sealer, "trusted_public", None) if isinstance(sealer, sealing.LocalSealer) else None
    if public is None:
        return None

    def fields(slot_id: str, private: str) -> dict:
        return {PIN_FIELD: {"key": public, "tag": _tag(_own_key(private), slots.database_id, slot_id, public)}}

    return fields


def pinned(slots: KeySlotFile, slot_id: str, slot_private: str) -> str | None:
    """The pinned key, None without a pin; raises KeyMismatchError for a pin that does not verify."""
    entry = slots.slots.get(slot_id, {}).get(PIN_FIELD)
    if not entry:
        return None
    expected = _tag(_own_key(slot_private), slots.database_id, slot_id, str(entry.get("key")))
    if not hmac.compare_digest(expected, str(entry.get("tag"))):
        raise KeyMismatchError
    return str(entry["key"])


def offer_all(slots: KeySlotFile, rotator_slot_id: str, rotator_private: str, public: str) -> None:
    """After a rotation: pin the new key in the rotator's own slot and offer it to every other user."""
    for slot_id, slot in slots.slots.items():
        if slot.get("kind") != "user" or "public" not in slot:
            continue
        if slot_id == rotator_slot_id:
            pin(slots, slot_id, rotator_private, public)
            continue
        key = _shared_key(rotator_private, slot["public"])
        slot[OFFER_FIELD] = {"key": public, "from": rotator_slot_id, "tag": _tag(key, slots.database_id, slot_id, public)}


def _offer_ok(slots: KeySlotFile, slot_id: str, slot_private: str, public: str) -> bool:
    offer = slots.slots.get(slot_id, {}).get(OFFER_FIELD)
    if not offer or offer.get("key") != public:
        return False
    sender = str(offer.get("from"))
    rotators = {slots.user_slot_id(name) for name in _administrators()}
    if sender not in rotators or "public" not in slots.slots.get(sender, {}):
        return False
    key = _shared_key(slot_private, slots.slots[sender]["public"])
    return hmac.compare_digest(_tag(key, slots.database_id, slot_id, public), str(offer.get("tag")))


def _administrators() -> list[str]:
    rows = User.select(User.username).join(UserRole).where((User.active == True) & (UserRole.role == Role.ADMIN.value))  # noqa: E712
    return [row.username for row in rows]


def trusts(slots: KeySlotFile, slot_id: str, slot_private: str, public: str) -> tuple[bool, bool]:
    """(trusted, pin it now) for the database's `public` key, judged by this user's slot."""
    opened = sealing.open_grants(slots.slots.get(slot_id), slot_private)
    granted = opened.get(sealing.key_id(public))
    if granted is not None and sealing.public_of(granted) != public:
        return False, False  # a grant under this key's id that is not its private half
    try:
        current = pinned(slots, slot_id, slot_private)
    except KeyMismatchError:
        return False, False
    if current == public:
        return True, False
    if granted is not None:
        return True, True  # a holder's grant of exactly this key (only a holder or a rotation gives it)
    if current is None:
        return not opened, not opened  # first use, unless the slot holds other keys but not this one
    return (True, True) if _offer_ok(slots, slot_id, slot_private, public) else (False, False)


def judge(session: Session, public: str) -> bool:
    """Does this session trust `public`? Re-reads the slot file; pins the key when it is newly trusted."""
    path, private = session.database_path, session.slot_private
    if path is None or private is None:
        return True  # nothing to judge with: a slot opened before its key pair changed (a new password)
    slots = KeySlotFile.load(path)
    slot_id = slots.user_slot_id(session.user.username)
    trusted, repin = trusts(slots, slot_id, private, public)
    if trusted and repin:
        with KeySlotFile.locked(path):
            slots = KeySlotFile.load(path)
            if slot_id in slots.slots:
                pin(slots, slot_id, private, public)
                slots.save()
    return trusted


def at_sign_in(session: Session, public: str | None) -> bool:
    """Judge the stored key at a local sign-in; a mismatch is audited and alarmed (session.key_alarm)."""
    if public is None or judge(session, public):
        session.key_alarm = ""
        return True
    session.key_alarm = MISMATCH
    with database_proxy.atomic():
        audit.record(session.user.username, "identifiers.key_mismatch", session.location, {"key": sealing.key_id(public)})
    return False


def trust_check(session: Session) -> Callable[[str], bool]:
    """For the installed sealer: judge a key that changed during the session."""
    return lambda public: judge(session, public)


def verify_problem(session: Session) -> str:
    """For `audit verify`: the stored key against the verifying user's pin and grant ("" when they agree)."""
    public = sealing.stored_public()
    if session.backend != "local" or public is None or session.database_path is None or session.slot_private is None:
        return ""
    slots = KeySlotFile.load(session.database_path)
    trusted, _repin = trusts(slots, slots.user_slot_id(session.user.username), session.slot_private, public)
    return "" if trusted else "数据库中的标识公钥与执行校验的用户密钥槽中记录的不一致（可能被替换）"
