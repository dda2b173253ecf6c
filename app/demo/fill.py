"""Filling a database with synthetic complaints: through the services up to SERVICE_PATH_MAX cases
(`complaintdesk demo` with few cases, the GUI's demo database), in bulk above (the benchmark)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from app.demo.bulk import fill_bulk
from app.demo.generator import DEFAULT_SEED, generator_for_database
from app.demo.service_fill import fill_with_services
from app.session import Session

SERVICE_PATH_MAX = 2000

Progress = Callable[[int, int], None]


def fill_demo_cases(
    session: Session,
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    usernames: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    bulk: bool | None = None,
) -> int:
    """Fill the open database with `n` synthetic cases: through the services up to
    SERVICE_PATH_MAX cases, in bulk above (or as `bulk` says)."""
    if n < 0:
        raise ValueError("n must not be negative")
    if bulk if bulk is not None else n > SERVICE_PATH_MAX:
        return fill_bulk(session, n, seed=seed, usernames=usernames, progress=progress)
    plans = generator_for_database(seed).plans(n)
    return fill_with_services(session, plans, usernames=usernames, progress=progress)
