"""重复投诉: a case is a repeat when another counted case shares an identifier of the complainant
(phone, ID number) or patient (门诊号/住院号) and was received within 365 days before it (the same
day: registered earlier). The flag on CaseStat is set here for the cases whose identifiers a write
touched, and for every case by the full recount."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from models.statistics import CaseStat, StatPersonKey

REPEAT_WINDOW_DAYS = 365


def repeat_cases(rows: Iterable[tuple[str, int, int]]) -> set[int]:
    """From (key, received_day, case) rows, every case with an earlier one inside the window."""
    by_key: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for key, received, case in rows:
        by_key[key].append((received, case))
    found: set[int] = set()
    for entries in by_key.values():
        if len(entries) < 2:
            continue
        entries.sort()
        for (day_before, _), (received, case) in zip(entries, entries[1:], strict=False):
            if received - day_before <= REPEAT_WINDOW_DAYS:
                found.add(case)
    return found


def keys_of(case_ids: list[int]) -> set[str]:
    return {
        k for (k,) in StatPersonKey.select(StatPersonKey.key).where(StatPersonKey.case.in_(case_ids)).tuples()
    }


def cases_with(keys: set[str]) -> set[int]:
    if not keys:
        return set()
    return {
        c
        for (c,) in StatPersonKey.select(StatPersonKey.case)
        .where(StatPersonKey.key.in_(sorted(keys)))
        .tuples()
    }


def update_flags(keys: set[str]) -> None:
    """Recompute the flag of every case holding one of `keys` (a person has few complaints)."""
    if not keys:
        return
    rows = list(
        StatPersonKey.select(StatPersonKey.key, StatPersonKey.received_day, StatPersonKey.case)
        .where(StatPersonKey.key.in_(sorted(keys)))
        .tuples()
    )
    cases = {r[2] for r in rows}
    repeats = repeat_cases(rows)
    set_flags(repeats, cases - repeats)


def set_flags(repeats: set[int], others: set[int]) -> None:
    for value, ids in ((True, repeats), (False, others)):
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            CaseStat.update(is_repeat=value).where(
                CaseStat.case.in_(ordered[start : start + 500]) & (CaseStat.is_repeat != value)
            ).execute()


def rebuild_flags() -> None:
    """Every case's flag from all identifier rows (after a full recount)."""
    rows = StatPersonKey.select(StatPersonKey.key, StatPersonKey.received_day, StatPersonKey.case).tuples()
    set_flags(repeat_cases(rows), set())
