"""The OS keyring, through one wrapper: the fail and null backends count as "no keyring".

Nothing secret is ever written to a plain file instead; where there is no keyring, the caller asks
the user each session. (keyrings.alt's plaintext backends are never used.)
"""

from __future__ import annotations

from typing import Any

# keyring (with its backends' imports: ~0.1–0.3 s) is imported on first use: shared mode only,
# never before the login window is painted.

SERVICE = "ComplaintDesk"
_NO_KEYRING = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


def _keyring() -> Any:
    import keyring

    return keyring


def _errors() -> type[Exception]:
    from keyring.errors import KeyringError

    return KeyringError


def available() -> bool:
    backend = _keyring().get_keyring()
    chain = getattr(backend, "backends", [backend])
    usable = [b for b in chain if not type(b).__module__.startswith(_NO_KEYRING)]
    return bool(usable)


def get(name: str) -> str | None:
    if not available():
        return None
    try:
        return _keyring().get_password(SERVICE, name)
    except _errors():
        return None


def put(name: str, secret: str) -> bool:
    """Store; False when there is no usable keyring (the caller then asks each time)."""
    if not available():
        return False
    try:
        _keyring().set_password(SERVICE, name, secret)
    except _errors():
        return False
    return True


def delete(name: str) -> None:
    if not available():
        return
    try:
        _keyring().delete_password(SERVICE, name)
    except _errors():
        pass
