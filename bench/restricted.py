"""What sealing a restricted case whole costs the office: opening restricted cases, registering,
restricting (and lifting) one case, and finding a restricted case by a name, timed as the manager
on a database whose identifiers and restricted cases are sealed.

    python -m bench.restricted --db PATH [--count 20] [--out FILE]

PATH must have been signed in to by an officer or manager (the identifier key exists). The first
sign-in here also runs any pending schema step (timed: at schema step 29 it seals the timelines,
投诉事项 and names of the restricted cases). Run it on two copies of one database with two builds
(before and after a change) to compare them under the same load. Prints a table and writes JSON
(`--out`). Nothing asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

from bench.harness import DEFAULT_PASSWORD, _timed
from bench.service import register_cases


def _restricted_lines(manager: Any, count: int) -> list[dict]:
    from app.cases import overlays, search, views
    from models.cases import Case
    from models.database import database_proxy

    rng = random.Random(11)
    restricted = [r for r, in Case.select(Case.id).where(Case.restricted == True).tuples()]  # noqa: E712
    picked = rng.sample(restricted, min(count, len(restricted)))
    opened = [_timed(lambda c=c: views.open_case(manager, c))[0] for c in picked]
    events = [len(views.open_case(manager, c).timeline) for c in picked]
    stored = 'SELECT p.name FROM complainant p JOIN "case" c ON c.complainant_id = p.id WHERE c.id = ?'
    names = [database_proxy.obj.execute_sql(stored, (c,)).fetchone()[0] for c in picked[:5]]  # as stored
    named = [views.open_case(manager, c).complainant_name for c in picked[:5]]
    found, hits = [], 0
    for case_id, name in zip(picked[:5], named, strict=True):
        seconds, ids = _timed(lambda name=name: search.search(manager, name))
        found.append(seconds)
        hits += case_id in ids
    open_ones = [
        r
        for r, in Case.select(Case.id)
        .where((Case.restricted == False) & (Case.state == "in_progress"))  # noqa: E712
        .order_by(Case.id.desc())
        .limit(count * 5)
        .tuples()
    ]
    targets = rng.sample(open_ones, min(count, len(open_ones)))
    restricting = [_timed(lambda c=c: overlays.restrict(manager, c, True, []))[0] for c in targets]
    lifting = [_timed(lambda c=c: overlays.restrict(manager, c, False))[0] for c in targets]
    return [
        {"key": "open_restricted", "samples": opened, "note": f"时间线平均 {statistics.mean(events):.1f} 条"},
        {"key": "search_restricted_name", "samples": found, "note": f"命中 {hits}/{len(found)}",
         "stored_names_sealed": sum(1 for n in names if (n or "").startswith("r1:"))},
        {"key": "restrict", "samples": restricting},
        {"key": "lift_restriction", "samples": lifting},
        {"key": "restricted_cases", "samples": [], "count": len(restricted)},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    password = os.environ.get("COMPLAINTDESK_PASSWORD", DEFAULT_PASSWORD)
    from app import auth

    started = time.perf_counter()
    manager = auth.login_local(args.db, "manager", password)
    login_seconds = time.perf_counter() - started
    try:
        lines = [{"key": "first_login", "samples": [login_seconds]}]
        lines += _restricted_lines(manager, args.count)
        line = register_cases(manager, args.count)
        lines.append({"key": line.key, "samples": line.samples})
    finally:
        auth.logout(manager)
    for line in lines:
        samples = line["samples"]
        median = f"{statistics.median(samples) * 1000:9.1f} ms" if samples else ""
        extra = {k: v for k, v in line.items() if k not in ("key", "samples")}
        print(f"{line['key']:<24}{median}  {extra or ''}", flush=True)
    if args.out:
        args.out.write_text(json.dumps(lines, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
