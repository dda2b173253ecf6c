"""What sealed identifiers and sealed restricted cases cost: the same service lines on a plain and a
sealed copy of one database.

    python -m bench.sealing --db PATH [--rounds 3]

PATH is a database whose identifiers are not sealed yet, as `complaintdesk demo --plain-identifiers`
leaves it (nobody who holds the identifier key has signed in). It is copied; a manager's sign-in seals the copy (timed: the pass an
upgraded database runs once). Then register, open, full-text search and the exact look-ups by phone
and ID number run on both copies in alternating rounds, so both see the same machine load. The plain
copy is opened without the sealer, as before schema step 13. Restricted cases (about 2 % of the demo's)
are opened by the manager and searched by their numbers on both copies: on the sealed copy their
texts are sealed and their text-index rows hold the number only (models/sealed_content.py). Prints a
table, writes bench/out/sealing.json. Nothing asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.harness import BUDGETS, DEFAULT_PASSWORD, _timed
from bench.report import OUT_DIR
from bench.service import open_cases, register_cases, searches


def _copy(source: Path, target: Path) -> None:
    for suffix in ("", ".keys"):
        shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def _login(path: Path, password: str, *, sealed: bool) -> Any:
    from app import auth, sealed_data
    from models.fields import install_cipher

    original = sealed_data.start
    if not sealed:
        sealed_data.start = lambda *_args, **_kwargs: install_cipher(None)
    try:
        return auth.login_local(path, "manager", password)
    finally:
        sealed_data.start = original


def _identifiers(path: Path, password: str, count: int) -> tuple[list[str], list[str]]:
    """Phones and ID numbers of random stored complainants (read from the plain copy)."""
    from app import auth
    from models.cases import Complainant

    session = _login(path, password, sealed=False)
    try:
        rows = list(
            Complainant.select(Complainant.phone, Complainant.id_number)
            .where(Complainant.id_number != "")
            .order_by(Complainant.id.desc())
            .limit(count * 20)
            .tuples()
        )
    finally:
        auth.logout(session)
    picked = random.Random(7).sample(rows, count)
    return [p for p, _i in picked], [i for _p, i in picked]


def _lookups(session: Any, key: str, label: str, numbers: list[str]) -> dict[str, Any]:
    line = searches(session, "search_fts", label, numbers)
    return {"key": key, "samples": line.samples, "hits": sum(1 for n in line.extra["hits"].values() if n)}


def _duplicates(session: Any, phones: list[str]) -> dict[str, Any]:
    from app.cases import intake

    samples, hits = [], 0
    for phone in phones:
        seconds, found = _timed(lambda phone=phone: intake.find_duplicates(session, phone=phone))
        samples.append(seconds)
        hits += bool(found)
    return {"key": "duplicates", "samples": samples, "hits": hits}


def _restricted(path: Path, password: str, count: int) -> list[tuple[int, str]]:
    """Ids and numbers of random restricted cases."""
    from app import auth
    from models.cases import Case

    session = _login(path, password, sealed=False)
    try:
        rows = list(Case.select(Case.id, Case.case_no).where(Case.restricted == True).tuples())  # noqa: E712
    finally:
        auth.logout(session)
    return random.Random(11).sample(rows, min(count, len(rows)))


def _restricted_lines(manager: Any, restricted: list[tuple[int, str]]) -> list[dict]:
    from app.cases import search, views

    opened = [
        _timed(lambda case_id=case_id: views.open_case(manager, case_id))[0] for case_id, _no in restricted
    ]
    found, hits = [], 0
    for case_id, case_no in restricted:
        seconds, ids = _timed(lambda case_no=case_no: search.search(manager, case_no))
        found.append(seconds)
        hits += case_id in ids
    return [
        {"key": "open_restricted", "samples": opened},
        {"key": "search_restricted_no", "samples": found, "hits": hits},
    ]


def _round(
    path: Path,
    password: str,
    sealed: bool,
    seed: int,
    phones: list[str],
    ids: list[str],
    restricted: list[tuple[int, str]],
) -> list[dict]:
    from app import auth
    from bench.queries import fts_queries

    manager = _login(path, password, sealed=sealed)
    try:
        officer = replace(manager, user=auth.current_user("officer"))
        rng = random.Random(seed)
        lines = [
            open_cases(manager, rng, 50),
            searches(officer, "search_fts", "搜索 ≥3 字（全文索引）", fts_queries(rng)),
            register_cases(officer, 20),
        ]
        out = [{"key": line.key, "samples": line.samples} for line in lines]
        out.append(_lookups(officer, "search_phone", "按电话精确查找", phones))
        out.append(_lookups(officer, "search_id", "按证件号精确查找", ids))
        out.append(_duplicates(officer, phones))
        out += _restricted_lines(manager, restricted)
        return out
    finally:
        auth.logout(manager)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    password = os.environ.get("COMPLAINTDESK_PASSWORD", DEFAULT_PASSWORD)
    work = args.db.parent
    plain, sealed = work / "plain.db", work / "sealed.db"
    for copy in (plain, sealed):
        _copy(args.db, copy)

    from app import auth
    from models.cases import Case, Complainant

    for copy in (plain, sealed):  # schema upgrades first, so the timed sign-in only seals
        auth.logout(_login(copy, password, sealed=False))
    started = time.perf_counter()
    session = _login(sealed, password, sealed=True)  # the identifier key made, every identifier sealed
    seal_seconds = time.perf_counter() - started
    sealed_rows = Complainant.select().count()
    auth.logout(session)
    restricted_count = Case.select().where(Case.restricted == True).count()  # noqa: E712
    print(
        f"密封 {sealed_rows} 位投诉人的标识和 {restricted_count} 件保密案件的内容（含登录）：{seal_seconds:.1f} s",
        flush=True,
    )

    phones, ids = _identifiers(plain, password, 30)
    restricted = _restricted(plain, password, 30)
    collected: dict[tuple[str, bool], list[float]] = {}
    hits: dict[tuple[str, bool], int] = {}
    for round_no in range(args.rounds):
        for is_sealed in (False, True) if round_no % 2 == 0 else (True, False):
            copy = sealed if is_sealed else plain
            for line in _round(copy, password, is_sealed, round_no, phones, ids, restricted):
                collected.setdefault((line["key"], is_sealed), []).extend(line["samples"])
                if "hits" in line:
                    hits[(line["key"], is_sealed)] = line["hits"]
    rows = []
    keys = ("register", "open_case", "search_fts", "search_phone", "search_id", "duplicates")
    for key in (*keys, "open_restricted", "search_restricted_no"):
        before, after = (statistics.median(collected[(key, s)]) for s in (False, True))
        budget = BUDGETS.get(
            {"open_restricted": "open_case", "search_restricted_no": "search_fts"}.get(key, key)
        )
        rows.append(
            {
                "key": key,
                "plain_ms": before * 1000,
                "sealed_ms": after * 1000,
                "budget_ms": budget and budget * 1000,
                "hits": [hits.get((key, False)), hits.get((key, True))],
            }
        )
        print(
            f"{key:<14} 未密封 {before * 1000:7.1f} ms   密封 {after * 1000:7.1f} ms"
            + (f"   预算 {budget * 1000:.0f} ms" if budget else "")
            + (f"   命中 {hits.get((key, False))}/{hits.get((key, True))}" if (key, True) in hits else "")
        )
    OUT_DIR.mkdir(exist_ok=True)
    (OUT_DIR / "sealing.json").write_text(
        json.dumps(
            {
                "seal_seconds": seal_seconds,
                "complainants": sealed_rows,
                "restricted_cases": restricted_count,
                "lines": rows,
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
