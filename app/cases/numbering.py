"""Case numbers `{prefix}-{year}-{seq:06d}`, gap-free, and 6-digit query codes.

The counter row is bumped inside the registering transaction: SQLite's BEGIN IMMEDIATE (or
PostgreSQL's row lock) serialises registrations, and a rolled-back registration rolls its number
back too, so numbers neither repeat nor skip. A server user's own role may not write the counters:
the server's function advances them, under the same row lock (models/server_guards.py).
"""

from __future__ import annotations

import secrets

from models.cases import CaseCounter
from models.database import database_proxy


def next_case_no(prefix: str, year: int) -> str:
    """Must run inside the registering transaction."""
    if _server_kept():
        return f"{prefix}-{year}-{_server_numbers(prefix, year, 1):06d}"
    CaseCounter.insert(prefix=prefix, year=year, last_seq=0).on_conflict_ignore().execute()
    query = CaseCounter.select().where((CaseCounter.prefix == prefix) & (CaseCounter.year == year))
    if database_proxy.obj.for_update:
        query = query.for_update()
    counter = query.get()
    seq = counter.last_seq + 1
    CaseCounter.update(last_seq=seq).where(CaseCounter.id == counter.id).execute()
    return f"{prefix}-{year}-{seq:06d}"


def reserve_case_nos(prefix: str, year: int, count: int) -> list[str]:
    """`count` consecutive numbers at once (a ledger import); inside the importing transaction."""
    if count <= 0:
        return []
    if _server_kept():
        first = _server_numbers(prefix, year, count)
        return [f"{prefix}-{year}-{seq:06d}" for seq in range(first, first + count)]
    CaseCounter.insert(prefix=prefix, year=year, last_seq=0).on_conflict_ignore().execute()
    query = CaseCounter.select().where((CaseCounter.prefix == prefix) & (CaseCounter.year == year))
    if database_proxy.obj.for_update:
        query = query.for_update()
    counter = query.get()
    CaseCounter.update(last_seq=counter.last_seq + count).where(CaseCounter.id == counter.id).execute()
    return [f"{prefix}-{year}-{seq:06d}" for seq in range(counter.last_seq + 1, counter.last_seq + count + 1)]


def _server_kept() -> bool:
    """Signed in to a server as a user's own role: the counters advance only through the server."""
    return bool(getattr(database_proxy.obj, "app_user", None))


def _server_numbers(prefix: str, year: int, count: int) -> int:
    """The first of `count` numbers taken on the server (cd_next_case_nos: the counter row stays
    locked until this transaction ends, and a rollback gives the numbers back)."""
    return database_proxy.execute_sql("SELECT cd_next_case_nos(%s, %s, %s)", (prefix, year, count)).fetchone()[0]


def new_query_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"
