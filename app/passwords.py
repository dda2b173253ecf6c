"""Password hashing (argon2id) and the password rules shown to users."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.errors import ValidationError
from app.keyslots import DEFAULT_KDF, KdfParams

MIN_LENGTH = 8
_kdf: KdfParams = DEFAULT_KDF
_hasher = PasswordHasher(time_cost=_kdf.time_cost, memory_cost=_kdf.memory_cost, parallelism=_kdf.parallelism)


def current_kdf() -> KdfParams:
    return _kdf


def set_cost(kdf: KdfParams) -> None:
    """Change the argon2id cost for new hashes and slots (tests use a cheap one)."""
    global _kdf, _hasher
    _kdf = kdf
    _hasher = PasswordHasher(
        time_cost=kdf.time_cost, memory_cost=kdf.memory_cost, parallelism=kdf.parallelism
    )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_rules(password: str, username: str = "", roles: Iterable[str] = ()) -> None:
    """Raise ValidationError unless the password is long and mixed enough."""
    if len(password) < MIN_LENGTH:
        raise ValidationError("password", "密码", f"至少需要 {MIN_LENGTH} 个字符")
    if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
        raise ValidationError("password", "密码", "需要同时包含字母和数字")
    if username and password.casefold() == username.casefold():
        raise ValidationError("password", "密码", "不能与用户名相同")
    if any(ord(ch) < 32 for ch in password):
        raise ValidationError("password", "密码", "不能包含控制字符")


def generate_password(length: int = 12) -> str:
    """Letters and digits without look-alikes (0/O, 1/l/I); always contains both kinds."""
    letters = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
    digits = "23456789"
    while True:
        value = "".join(secrets.choice(letters + digits) for _ in range(length))
        if any(c in digits for c in value) and any(c in letters for c in value):
            return value
