"""Bytes per case: every table and index of a database, measured with SQLite's dbstat.

    python -m bench.storage PATH [--json OUT]

Opens the encrypted database as it is (no login, no schema upgrade: a database of an older schema
is measured as it stands) with COMPLAINTDESK_PASSWORD (the harness's by default) and its admin's
key slot, sums `pgsize` per table and index (`SELECT name, SUM(pgsize) FROM dbstat GROUP BY name`,
see `measure`) and divides by the number of cases. Free pages (after an upgrade, before VACUUM)
are counted apart.
The objects are also summed by what they are for (`PURPOSES`: the cases' own content, the legal
record, the text indexes, the statistics), each as its rows and its indexes, beside the payload the
rows carry (the records' bytes without page and cell overhead): how far a layout change could take
a part, and what no layout change removes.
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
            rows = conn.execute(
                "SELECT name, SUM(pgsize), SUM(payload) FROM dbstat GROUP BY name ORDER BY 2 DESC"
            ).fetchall()
        finally:
            conn.close()
    objects = [(name, owners.get(name, name), size) for name, size, _payload in rows]
    return {
        "cases": cases,
        "page_size": page_size,
        "file": pages * page_size,
        "free": free * page_size,
        "objects": objects,
        "payload": {name: payload for name, _size, payload in rows},
    }


# What each table is for; a table not named here (settings, users, dictionaries, SQLite's own) is 其他.
PURPOSES: dict[str, tuple[str, ...]] = {
    "案件内容": (
        "case", "case_text", "case_handling", "draft_revision", "assignment", "complainant",
        "follow_up", "reply_promise", "case_issue", "attachment", "extension", "external_route",
        "case_link", "case_access", "case_correction", "finding_override", "major_check",
        "imported_row", "recurrence", "handover", "handover_case", "issued_document",
        "rectification", "rectification_case", "rectification_event", "rectification_document",
        "rectification_attachment",
    ),  # fmt: skip
    "审计日志与时间线": ("audit_entry", "audit_head", "case_event"),
    "统计": ("case_stat", "assignment_stat", "issue_stat", "stat_person_key", "stat_cube", "stat_flow", "case_tally"),
}
TEXT_INDEX_PREFIXES = ("case_fts", "case_chars")  # the FTS5 tables' shadow tables
OTHER = "其他"


def purpose(table: str) -> str:
    """The purpose a table serves (`PURPOSES`), 全文检索 for the text indexes' shadow tables."""
    if table.startswith(TEXT_INDEX_PREFIXES):
        return "全文检索"
    return next((name for name, tables in PURPOSES.items() if table in tables), OTHER)


def by_purpose(result: dict) -> list[dict]:
    """Bytes per case by purpose: {"purpose", "rows", "indexes", "payload"} (payload: of the rows)."""
    cases = max(result["cases"], 1)
    payload = result.get("payload", {})
    sums: dict[str, dict] = {}
    for name, owner, size in result["objects"]:
        kind = purpose(owner)
        part = sums.setdefault(kind, {"purpose": kind, "rows": 0, "indexes": 0, "payload": 0})
        if name == owner:
            part["rows"] += size
            part["payload"] += payload.get(name, 0)
        else:
            part["indexes"] += size
    order = [*PURPOSES, "全文检索", OTHER]
    return [
        {key: value / cases if key != "purpose" else value for key, value in sums[name].items()}
        for name in order
        if name in sums
    ]


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
    lines += ["", f"{'rows':>8} {'payload':>8} {'indexes':>8} {'in use':>8}  bytes per case by purpose"]
    for part in by_purpose(result):
        total = part["rows"] + part["indexes"]
        lines.append(
            f"{part['rows']:>8,.0f} {part['payload']:>8,.0f} {part['indexes']:>8,.0f} {total:>8,.0f}  {part['purpose']}"
        )
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
