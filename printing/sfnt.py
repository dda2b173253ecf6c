"""Just enough of the sfnt (TrueType/OpenType) container to choose a font file ReportLab can embed.

ReportLab embeds TrueType outlines (`glyf`) only; CFF-flavoured OpenType (`CFF `/`CFF2`, the
usual `.otf` and the Noto CJK `.ttc`) must be skipped. Reading the table directory and the
PostScript name costs a few hundred bytes of I/O, whereas parsing the whole font takes a second.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

_TRUETYPE_VERSIONS = (b"\x00\x01\x00\x00", b"true")


@dataclass(frozen=True)
class Face:
    """One face of a font file: its index in a collection, outline type and PostScript name."""

    index: int
    truetype: bool
    postscript_name: str


def read_faces(path: str | Path) -> list[Face]:
    """List the faces of a .ttf/.ttc/.otf file; raise OSError/ValueError if it is not a font."""
    with open(path, "rb") as handle:
        head = handle.read(12)
        if len(head) < 12:
            raise ValueError("文件太短，不是字体文件")
        if head[:4] == b"ttcf":
            count = struct.unpack(">I", head[8:12])[0]
            offsets = struct.unpack(f">{count}I", handle.read(4 * count))
        else:
            offsets = (0,)
        return [_read_face(handle, index, offset) for index, offset in enumerate(offsets)]


def _read_face(handle, index: int, offset: int) -> Face:
    """Read the table directory of the face starting at `offset`."""
    handle.seek(offset)
    header = handle.read(12)
    version, num_tables = header[:4], struct.unpack(">H", header[4:6])[0]
    if version not in (*_TRUETYPE_VERSIONS, b"OTTO"):
        raise ValueError("不是 TrueType/OpenType 字体")
    tables: dict[bytes, tuple[int, int]] = {}
    for _ in range(num_tables):
        tag, _checksum, table_offset, length = struct.unpack(">4sIII", handle.read(16))
        tables[tag] = (table_offset, length)
    truetype = b"glyf" in tables and b"CFF " not in tables and b"CFF2" not in tables
    name = _postscript_name(handle, tables.get(b"name"))
    return Face(index=index, truetype=truetype, postscript_name=name)


def _postscript_name(handle, location: tuple[int, int] | None) -> str:
    """Name ID 6 from the `name` table (Windows UTF-16 preferred, Mac Roman otherwise)."""
    if location is None:
        return ""
    table_offset, _length = location
    handle.seek(table_offset)
    _format, count, storage = struct.unpack(">HHH", handle.read(6))
    records = [struct.unpack(">HHHHHH", handle.read(12)) for _ in range(count)]
    found = ""
    for platform, _encoding, _language, name_id, length, offset in records:
        if name_id != 6:
            continue
        handle.seek(table_offset + storage + offset)
        raw = handle.read(length)
        if platform == 3:
            return raw.decode("utf-16-be", errors="replace")
        found = found or raw.decode("mac_roman", errors="replace")
    return found
