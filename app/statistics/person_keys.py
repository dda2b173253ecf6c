"""The keys that tell two cases share a complainant or patient (重复投诉, 频繁投诉人): one per
identifier of a case (phone, ID number, 门诊号/住院号), stored in `StatPersonKey`.

- A database whose identifiers are not sealed, or a shared server: a short hash of the value (the
  server's exact blind index), as the tables themselves hold the value anyway.
- A sealed local database: every role that opens the file holds the look-up index key, and that
  index is deliberately coarse (app/sealing.py `LocalSealer.blind`), so neither it nor any hash
  anybody could compute may be the key: a front-desk user could test the digits a mask hides. The
  key is an HMAC under a secret sealed to the identifier key (`EXACT` + 19 hex digits), made only by
  a holder of that key (officers, managers), from the value opened.
  A writer without it (the front desk registering, a department replying) keeps the case's key when
  the value is still the one it was made from (`source`: a hash of the stored value, which sealing
  randomises, so it tells nothing of the value), and otherwise stores a *pending* key (`PENDING` +
  case id + kind) that matches no other case. The next write of the case by a holder makes it exact,
  and so does `settle_pending` at a holder's sign-in. A pending key under-counts (the case is no
  repeat until then); none over-counts.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Iterable

from app.sealing import LocalSealer, SealingKeys
from models.fields import LOCAL_PREFIX, current_cipher
from models.statistics import StatPersonKey

EXACT = "x"  # sorts after the hex digits of the other forms: `key >= EXACT` is the exact keys
PENDING = "?"  # sorts before "@": `PENDING < key < PENDING_END` is the pending keys
PENDING_END = "@"
KINDS = {"record": "r", "phone": "p", "id": "i"}


def hashed(kind: str, value: str) -> str:
    """Short hash of an identifier (or of its exact blind index), so the statistics tables hold no
    personal data."""
    return hashlib.sha256(f"{kind}\x1f{value}".encode()).hexdigest()[:20]


def exact(secret: bytes, kind: str, value: str) -> str:
    """The key of a value on a sealed database, under the repeat secret (normalised like the look-up
    indexes: full-width digits and letters, case and surrounding spaces do not matter)."""
    normal = unicodedata.normalize("NFKC", value).strip().upper()
    return EXACT + hmac.new(secret, f"{kind}|{normal}".encode(), hashlib.sha256).hexdigest()[:19]


def pending(case_id: int, kind: str) -> str:
    return f"{PENDING}{case_id}{KINDS[kind]}"


def source(stored: str) -> str:
    """What a key remembers of the stored value it was made from: a hash of the sealed value, which
    sealing randomises; nothing for a value stored unsealed (its hash would be a test of the value)."""
    return hashlib.sha256(stored.encode()).hexdigest()[:8] if stored.startswith(LOCAL_PREFIX) else ""


Value = tuple[str, str, str]  # (kind, value as stored, its look-up index)
Key = tuple[str, str]  # (key, source)


class Keyer:
    """Makes the keys of cases read from the database, as this session may (`for_session`)."""

    exact = False  # makes the exact keys of a sealed database

    def prepare(self, case_ids: Iterable[int]) -> None:
        """Read what `keys` needs of these cases at once."""

    def keys(self, case_id: int, values: Iterable[Value]) -> list[Key]:
        return [(hashed(kind, index or stored), "") for kind, stored, index in values if stored]


class _Exact(Keyer):
    """A holder of the identifier key: the exact key of every value that opens."""

    exact = True

    def __init__(self, sealer: LocalSealer, secret: bytes) -> None:
        self.sealer, self.secret = sealer, secret

    def keys(self, case_id: int, values: Iterable[Value]) -> list[Key]:
        made = []
        for kind, stored, _index in values:
            if not stored:
                continue
            value = self.sealer.opened_identifier(stored)
            key = pending(case_id, kind) if value is None else exact(self.secret, kind, value)
            made.append((key, source(stored)))
        return made


class _Kept(Keyer):
    """Anybody else on a sealed database: the stored exact key of a value that has not changed."""

    def __init__(self) -> None:
        self.stored: dict[tuple[int, str], str] = {}

    def prepare(self, case_ids: Iterable[int]) -> None:
        ids = sorted(set(case_ids))
        self.stored = {}
        for start in range(0, len(ids), 500):
            query = StatPersonKey.select(StatPersonKey.case, StatPersonKey.source, StatPersonKey.key).where(
                StatPersonKey.case.in_(ids[start : start + 500]) & (StatPersonKey.key >= EXACT)
            )
            self.stored.update({(case, kept): key for case, kept, key in query.tuples() if kept})

    def keys(self, case_id: int, values: Iterable[Value]) -> list[Key]:
        made = []
        for kind, stored, _index in values:
            if stored:
                was = source(stored)
                kept = self.stored.get((case_id, was)) if was else None
                made.append((kept or pending(case_id, kind), was))
        return made


def for_session() -> Keyer:
    """The keyer of the installed cipher: hashes of the values without a local sealer (a database
    not sealed yet, a server), exact keys for a holder, kept or pending ones for anybody else."""
    cipher = current_cipher()
    if not isinstance(cipher, LocalSealer):
        return Keyer()
    secret = cipher.repeat_secret()
    return _Exact(cipher, secret) if secret is not None else _Kept()


SOURCE_OF = "="  # + kind: the source a bulk writer fills in once it has sealed the value


class PlainKeyer(Keyer):
    """A bulk writer's keyer (app/demo), which holds the values as written: hashes of them when it
    writes them plain (`sealing` None), exact keys with a holder's keys, pending ones without the
    secret. The writer seals the values later (a random box) and then fills in each key's source
    (app.demo.replay_sealing.key_sources)."""

    def __init__(self, sealing: SealingKeys | None) -> None:
        self.sealing = sealing

    def keys(self, case_id: int, values: Iterable[Value]) -> list[Key]:
        if self.sealing is None:
            return super().keys(case_id, values)
        secret = self.sealing.repeat
        return [
            (pending(case_id, kind) if secret is None else exact(secret, kind, plain), SOURCE_OF + kind)
            for kind, plain, _index in values
            if plain
        ]
