"""The OS keyring, through one wrapper: the fail and null backends count as "no keyring".

Nothing secret is ever written to a plain file instead; where there is no keyring, the caller asks
the user each session. (keyrings.alt's plaintext backends are never used.)
"""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError

SERVICE = "ComplaintDesk"
_NO_KEYRING = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


def available() -> bool:
    backend = keyring.get_keyring()
    chain = getattr(backend, "backends", [backend])
    usable = [b for b in chain if not type(b).__module__.startswith(_NO_KEYRING)]
    return bool(usable)


def get(name: str) -> str | None:
    if not available():
        return None
    try:
        return keyring.get_password(SERVICE, name)
    except KeyringError:
        return None


def put(name: str, secret: str) -> bool:
    """Store; False when there is no usable keyring (the caller then asks each time)."""
    if not available():
        return False
    try:
        keyring.set_password(SERVICE, name, secret)
    except KeyringError:
        return False
    return True


def delete(name: str) -> None:
    if not available():
        return
    try:
        keyring.delete_password(SERVICE, name)
    except KeyringError:
        pass
