"""The terms an FTS5 index holds, read from its shadow tables as an insider with the database key
would: every leaf page of every segment in `<table>_data` decoded (live or not yet merged away,
whatever its tombstones say) and the separator terms of `<table>_idx`.

Leaf page format (sqlite ext/fts5/fts5_index.c): a 4-byte header (offset of the first rowid, offset
of the page footer), then terms and doclists, then the footer: one varint per term starting on the
page, its offset delta-coded. The first term of a page is stored whole (varint length, bytes), each
later one as (bytes shared with the previous term, new bytes, the new bytes). Every term starts
with the index's byte ("0" for the main index)."""

from __future__ import annotations

import peewee

_SEGMENT_SHIFT = 37  # rowid = segid << 37 | dlidx << 36 | height << 31 | page number
_TOMBSTONE_SEGMENTS = 1 << 16


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """SQLite's varint: up to 8 bytes of 7 bits (high bit: more follow), a ninth of 8 bits."""
    value = 0
    for i in range(8):
        byte = data[pos + i]
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, pos + i + 1
    return (value << 8) | data[pos + 8], pos + 9


def leaf_terms(page: bytes) -> list[bytes]:
    """The terms starting on one leaf page, in order."""
    footer = int.from_bytes(page[2:4], "big")
    offsets, pos, at = [], footer, 0
    while pos < len(page):
        delta, pos = _varint(page, pos)
        at += delta
        offsets.append(at)
    terms: list[bytes] = []
    for index, offset in enumerate(offsets):
        if index == 0:
            size, start = _varint(page, offset)
            term = page[start : start + size]
        else:
            shared, start = _varint(page, offset)
            size, start = _varint(page, start)
            term = terms[-1][:shared] + page[start : start + size]
        terms.append(term)
    return terms


def index_terms(db: peewee.Database, table: str) -> set[str]:
    """Every term in the leaves of every segment of FTS5 table `table`, and every separator of its
    b-tree, as text (the index byte dropped; a separator may be a cut-off term)."""
    found: set[bytes] = set()
    for rowid, block in db.execute_sql(f"SELECT id, block FROM {table}_data WHERE id > 10"):
        segment, kind = rowid >> _SEGMENT_SHIFT, (rowid >> 31) & 0x3F
        if segment >= _TOMBSTONE_SEGMENTS or kind:  # tombstone pages, doclist-index pages (rowids only)
            continue
        if len(block) > 4:
            found.update(leaf_terms(bytes(block)))
    for (term,) in db.execute_sql(f"SELECT term FROM {table}_idx"):
        if term:
            found.add(bytes(term))
    return {term[1:].decode("utf-8", "replace") for term in found}
