"""Bytes per case: every table and index of a database, measured with SQLite's dbstat.

    python -m bench.storage PATH [--json OUT]

Opens the encrypted database as it is (no login, no schema upgrade: a database of an older schema
is measured as it stands) with COMPLAINTDESK_PASSWORD (the harness's by default) and its admin's
key slot, sums `pgsize` per table and index (`SELECT name, SUM(pgsize) FROM dbstat GROUP BY name`,
see `measure`) and divides by the number of cases. Free pages (after an upgrade, before VACUUM)
are counted apart.
The same figures for the documents of a fully handled case come from the tests' walk (see
docs/documents-storage.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

from bench.harness import DEFAULT_PASSWORD


def measure(db) -> dict:  # noqa: ANN001 - a peewee database
    """{"cases", "page_size", "file", "free", "objects": [(name, table, bytes)] biggest first}.

    The SQLCipher build has no dbstat: the data is exported (`sqlcipher_export`) into a plaintext
    copy in a private temporary directory, measured there with the standard library's SQLite and
    deleted. The copy is packed like a VACUUMed file and lacks SQLCipher's per-page reserve (IV
    and HMAC, ~2 % of a page); the file's own size and free pages are read from the original."""
    cases = db.execute_sql('SELECT COUNT(*) FROM "case"').fetchone()[0]
    page_size = int(db.execute_sql("PRAGMA page_size").fetchone()[0])
    pages = int(db.execute_sql("PRAGMA page_count").fetchone()[0])
    free = int(db.execute_sql("PRAGMA freelist_count").fetchone()[0])
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain.db"
        db.execute_sql("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        try:
            db.execute_sql("SELECT sqlcipher_export('plain')")
        finally:
            db.execute_sql("DETACH DATABASE plain")
        conn = sqlite3.connect(plain)
        try:
            owners = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master").fetchall())
            rows = conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
        finally:
            conn.close()
    objects = [(name, owners.get(name, name), size) for name, size in rows]
    return {
        "cases": cases,
        "page_size": page_size,
        "file": pages * page_size,
        "free": free * page_size,
        "objects": objects,
    }


def table(result: dict, top: int = 40) -> str:
    cases = max(result["cases"], 1)
    used = sum(size for _name, _table, size in result["objects"])
    lines = [
        f"cases {result['cases']:,}; file {result['file'] / 1e6:,.1f} MB, free pages {result['free'] / 1e6:,.1f} MB;"
        f" in use {used / 1e6:,.1f} MB = {used / cases:,.0f} bytes per case",
        f"{'object':<44} {'table':<24} {'MB':>9} {'B/case':>8}",
    ]
    for name, owner, size in result["objects"][:top]:
        lines.append(f"{name:<44} {owner:<24} {size / 1e6:>9.1f} {size / cases:>8.0f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="bytes per table, index and case")
    parser.add_argument("path", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--user", default="admin")
    args = parser.parse_args(argv)
    from app.keyslots import KeySlotFile
    from models.database import close_current, open_local

    password = os.environ.get("COMPLAINTDESK_PASSWORD", DEFAULT_PASSWORD)
    key = KeySlotFile.load(args.path).user_keys(args.user, password)[0]
    db = open_local(args.path, key)  # opened as it is: no login, no schema upgrade
    try:
        result = measure(db)
    finally:
        close_current()
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
