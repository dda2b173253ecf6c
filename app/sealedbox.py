"""Anonymous sealed boxes (X25519 + HKDF-SHA256 + AES-256-GCM).

Used for failed-login records in local mode: they are written to the key slot file while the
database is still closed, sealed to a public key whose private half lives inside the encrypted
database, so the sidecar never holds a typed user name (which is sometimes a mistyped password).
"""

from __future__ import annotations

import base64
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_RAW = serialization.Encoding.Raw
_INFO = b"complaintdesk sealed box"


def new_keypair() -> tuple[str, str]:
    """(private, public) as base64 text."""
    private = X25519PrivateKey.generate()
    priv = private.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    pub = private.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    return base64.b64encode(priv).decode(), base64.b64encode(pub).decode()


def _key(shared: bytes, eph_pub: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=eph_pub, info=_INFO).derive(shared)


def seal(public_b64: str, plaintext: str) -> str:
    recipient = X25519PublicKey.from_public_bytes(base64.b64decode(public_b64))
    eph = X25519PrivateKey.generate()
    eph_pub = eph.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    nonce = secrets.token_bytes(12)
    ct = AESGCM(_key(eph.exchange(recipient), eph_pub)).encrypt(nonce, plaintext.encode("utf-8"), None)
    return base64.b64encode(eph_pub + nonce + ct).decode()


def open_sealed(private_b64: str, box: str) -> str | None:
    """The plaintext, or None for a damaged or foreign box."""
    try:
        raw = base64.b64decode(box)
        eph_pub, nonce, ct = raw[:32], raw[32:44], raw[44:]
        private = X25519PrivateKey.from_private_bytes(base64.b64decode(private_b64))
        shared = private.exchange(X25519PublicKey.from_public_bytes(eph_pub))
        return AESGCM(_key(shared, eph_pub)).decrypt(nonce, ct, None).decode("utf-8")
    except (ValueError, InvalidTag):
        return None
