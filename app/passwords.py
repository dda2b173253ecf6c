"""Password hashing (argon2id) and the password rules shown to users."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

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


MIN_LENGTH_PRIVILEGED = 10  # system administrators and the office director
PRIVILEGED_ROLES = frozenset({"admin", "manager"})
MIN_SCORE = 3  # zxcvbn: 0 (guessed at once) … 4 (very hard); 3 ≈ 10^8 guesses
RULES_HINT = (
    f"至少 {MIN_LENGTH} 个字符（系统管理员和主任至少 {MIN_LENGTH_PRIVILEGED} 个），同时包含字母和数字；"
    "不能是常见密码、拼音姓名加数字或生日。可以用几个不相关的词加数字，如 Harbor-Violet-42"
)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_HINTS = {
    "sequence": "避免连续的字母或数字（如 abc、123456）",
    "repeat": "避免重复的字符（如 aaa、111）",
    "spatial": "避免键盘上相邻的键（如 qwerty、1qaz）",
    "date": "避免日期和生日",
    "dictionary": "避免常见单词、人名和常见密码",
    "regex": "避免年份等常见数字",
}


def _resource_words(name: str) -> frozenset[str]:
    text = resources.files("resources").joinpath(name).read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    return _resource_words("common_passwords_cn.txt")


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    return _resource_words("pinyin_syllables.txt")


def _is_pinyin(letters: str, limit: int = 4) -> bool:
    """True when `letters` splits into at most `limit` pinyin syllables (a name or a short phrase)."""
    if not letters:
        return True
    if limit == 0:
        return False
    return any(
        letters[:n] in _syllables() and _is_pinyin(letters[n:], limit - 1)
        for n in range(min(6, len(letters)), 0, -1)
    )


def _stem(text: str) -> str | None:
    """The one run of letters in `text` when everything else is digits or symbols."""
    match = re.fullmatch(r"[^a-z]*([a-z]+)[^a-z]*", text)
    return match.group(1) if match else None


def _weakness(password: str) -> str | None:
    """Why a password is easy to guess (Chinese), or None."""
    lowered = password.casefold()
    forms = {lowered, lowered.translate(_LEET)}
    stems = {s for s in (_stem(f) for f in forms) if s}
    if forms & _common() or stems & _common():
        return "是常见密码或常见密码加数字（如 123456、admin123、woaini1314），很容易被猜中"
    if any(_is_pinyin(stem) for stem in stems):
        return "不能只是拼音姓名或词语加数字（如 zhangwei1988、wangfang@520），很容易被猜中"
    return None


def _estimate(password: str, inputs: list[str]) -> str | None:
    """zxcvbn's verdict, with a Chinese hint built from the patterns it found."""
    from zxcvbn import zxcvbn  # its dictionaries load when a password is first judged, not at start

    result = zxcvbn(password[:100], user_inputs=inputs)
    if result["score"] >= MIN_SCORE:
        return None
    found = [_HINTS[m["pattern"]] for m in result["sequence"] if m["pattern"] in _HINTS]
    hint = "；".join(dict.fromkeys(found)) or "请加长密码，或用几个不相关的词加数字"
    return f"太容易被猜中（{hint}）"


def check_password_rules(password: str, username: str = "", roles: Iterable[str] = ()) -> None:
    """Raise ValidationError unless the password is long, mixed and hard to guess.

    Strength is estimated with zxcvbn plus a bundled list of common passwords of the Chinese
    context (and a rule for pinyin names followed by digits or dates).
    """
    minimum = MIN_LENGTH_PRIVILEGED if PRIVILEGED_ROLES & set(roles) else MIN_LENGTH
    if len(password) < minimum:
        who = "系统管理员和主任的密码" if minimum > MIN_LENGTH else ""
        raise ValidationError("password", "密码", f"{who}至少需要 {minimum} 个字符")
    if any(ord(ch) < 32 for ch in password):
        raise ValidationError("password", "密码", "不能包含控制字符")
    if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
        raise ValidationError("password", "密码", "需要同时包含字母和数字")
    if username and password.casefold() == username.casefold():
        raise ValidationError("password", "密码", "不能与用户名相同")
    problem = _weakness(password) or _estimate(password, [username, "complaintdesk", "hospital"])
    if problem:
        raise ValidationError("password", "密码", problem)


def generate_password(length: int = 12) -> str:
    """Letters and digits without look-alikes (0/O, 1/l/I); always passes check_password_rules."""
    letters = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
    digits = "23456789"
    while True:
        value = "".join(secrets.choice(letters + digits) for _ in range(max(length, MIN_LENGTH_PRIVILEGED)))
        try:
            check_password_rules(value, roles=PRIVILEGED_ROLES)
        except ValidationError:
            continue
        return value
