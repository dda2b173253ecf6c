"""Who signs in to the test databases: the admin, the one password of every other user, the
hospital, and the cheap key derivation used instead of argon2id at its real cost.

Tests that are about particular passwords (strength rules, changing a password, wrong guesses)
spell those out themselves; everything else signs in with these.
"""

from __future__ import annotations

from app import passwords, server_accounts
from app.keyslots import KdfParams

ADMIN = "admin"
ADMIN_PASSWORD = "Kestrel-Harbor-2026"
USER_PASSWORD = "Maple-Lantern-77"  # passes the rules for every role, managers and admins included
HOSPITAL = "江宁市第一人民医院"

CHEAP_KDF = KdfParams(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def use_cheap_kdf() -> None:
    """argon2id at its real cost takes ~0.3 s a call; the tests check behaviour, not cost.

    The `cheap_kdf` fixture of tests/conftest.py calls this for every test; worker processes and
    session-scoped templates, which run outside a test, call it themselves.
    """
    passwords.set_cost(CHEAP_KDF)
    server_accounts.set_cost(CHEAP_KDF)


def use_real_kdf() -> None:
    passwords.set_cost(passwords.DEFAULT_KDF)
    server_accounts.set_cost(passwords.DEFAULT_KDF)
