"""Issued PDFs stored without their embedded font subsets, rebuilt byte for byte when read.

An issued document is ~85 % font: every PDF embeds the subset of the CJK font holding the glyphs it
prints. The subset is a pure function of the font file and the list of characters (ReportLab's
`TTFontFile.makeSubset`, zlib-compressed), and the list is in the PDF itself (the font's ToUnicode
map). `compact` cuts every such stream out and notes (font file SHA-256, face index, characters);
`expand` makes the subsets again and puts them back. `compact` checks at once that `expand` gives
exactly the original bytes and returns None when it does not (the caller then keeps the PDF as it
is), so a document is never stored in a form that does not reproduce. See docs/documents-storage.md.

No database here: the caller says where font files come from (`FontSource`).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

MAGIC = b"CDPDF1\n"  # a stored compact document starts with this (a whole PDF with "%PDF")
FORMAT = 1

# (font file SHA-256, face index in a collection) -> the parsed face, or None when unknown here
FontSource = Callable[[str, int], TTFontFile | None]


class FontUnavailable(LookupError):
    """A compact document names a font file this installation does not have."""


@dataclass(frozen=True)
class _Object:
    number: int
    head: bytes  # the object's dictionary text
    data: tuple[int, int] | None  # stream data [start, end) in the file


@dataclass(frozen=True)
class FontSlot:
    """One embedded font subset: where its stream data was, and how to make it again."""

    start: int
    end: int
    font: str
    index: int
    codes: tuple[int, ...]


_OBJ = re.compile(rb"(\d+)\s+\d+\s+obj\b")
_LENGTH = re.compile(rb"/Length\s+(\d+)\b(?!\s+\d+\s+R)")
_REF = rb"\s+(\d+)\s+\d+\s+R"
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def is_compact(stored: bytes) -> bool:
    return stored[: len(MAGIC)] == MAGIC


def _objects(pdf: bytes) -> Iterator[_Object]:
    """The file's objects in order, stepping over stream data by its direct /Length."""
    pos = 0
    while (match := _OBJ.search(pdf, pos)) is not None:
        start = match.end()
        stream, end = pdf.find(b"stream", start), pdf.find(b"endobj", start)
        if stream == -1 or (end != -1 and end < stream):
            yield _Object(int(match.group(1)), pdf[start:end], None)
            pos = end if end != -1 else len(pdf)
            continue
        head = pdf[start:stream]
        data = stream + 6
        data += 2 if pdf[data : data + 2] == b"\r\n" else 1 if pdf[data : data + 1] in (b"\n", b"\r") else 0
        length = _LENGTH.search(head)
        if length is None:  # an indirect length: step to the keyword, keep the stream as it is
            pos = pdf.find(b"endstream", data)
            yield _Object(int(match.group(1)), head, None)
            if pos == -1:
                return
            continue
        yield _Object(int(match.group(1)), head, (data, data + int(length.group(1))))
        pos = data + int(length.group(1))


def _ref(head: bytes, key: bytes) -> int | None:
    match = re.search(re.escape(key) + _REF, head)
    return int(match.group(1)) if match else None


def _stream(pdf: bytes, obj: _Object) -> bytes:
    assert obj.data is not None
    raw = pdf[obj.data[0] : obj.data[1]]
    return zlib.decompress(raw) if b"/FlateDecode" in obj.head else raw


def _codes(cmap: bytes) -> tuple[int, ...] | None:
    """The characters of a ReportLab subset, by code 0, 1, 2… (its ToUnicode map)."""
    pairs = [(int(code, 16), int(char, 16)) for code, char in _BFCHAR.findall(cmap.split(b"beginbfchar", 1)[-1])]
    if [code for code, _ in pairs] != list(range(len(pairs))):
        return None
    return tuple(char for _, char in pairs)


def _base_name(head: bytes) -> str:
    match = re.search(rb"/FontName\s*/([^\s/<>\[\]()]+)", head)
    name = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1)) if match else b""
    return name.split(b"+", 1)[-1].decode("latin-1")


def font_slots(pdf: bytes, faces: dict[str, list[tuple[str, int, TTFontFile]]]) -> list[FontSlot]:
    """The embedded font subsets of `pdf` that one of `faces` (PDF face name -> (font SHA-256, face
    index, face)) makes again exactly; the others are left out (they stay in the stored bytes)."""
    objects = {obj.number: obj for obj in _objects(pdf)}
    descriptors = {ref: obj for obj in objects.values() if (ref := _ref(obj.head, b"/FontFile2")) is not None}
    fonts = {ref: obj for obj in objects.values() if (ref := _ref(obj.head, b"/FontDescriptor")) is not None}
    slots = []
    for number, obj in objects.items():
        descriptor = descriptors.get(number)
        if obj.data is None or descriptor is None or b"/FlateDecode" not in obj.head:
            continue
        font = fonts.get(descriptor.number)
        cmap_ref = _ref(font.head, b"/ToUnicode") if font is not None else None
        cmap = objects.get(cmap_ref) if cmap_ref is not None else None
        if cmap is None or cmap.data is None:
            continue
        codes = _codes(_stream(pdf, cmap))
        raw = pdf[obj.data[0] : obj.data[1]]
        for sha, index, face in faces.get(_base_name(descriptor.head), []) if codes else []:
            if zlib.compress(face.makeSubset(list(codes))) == raw:
                slots.append(FontSlot(obj.data[0], obj.data[1], sha, index, codes))
                break
    return sorted(slots, key=lambda slot: slot.start)


def compact(pdf: bytes, faces: dict[str, list[tuple[str, int, TTFontFile]]], source: FontSource) -> bytes | None:
    """`pdf` without its font subsets, or None when none could be cut out or the result would not
    expand to exactly `pdf` (checked here, by expanding it)."""
    slots = font_slots(pdf, faces)
    if not slots:
        return None
    parts, at, skeleton_at, entries = [], 0, 0, []
    for slot in slots:
        parts.append(pdf[at : slot.start])
        skeleton_at += slot.start - at
        entries.append({"at": skeleton_at, "font": slot.font, "index": slot.index, "codes": list(slot.codes)})
        at = slot.end
    parts.append(pdf[at:])
    header = json.dumps({"format": FORMAT, "fonts": entries}, separators=(",", ":")).encode()
    body = struct.pack(">I", len(header)) + header + b"".join(parts)
    stored = MAGIC + zlib.compress(body, 9)
    try:
        same = expand(stored, source) == pdf
    except FontUnavailable:
        same = False
    return stored if same else None


def _header_and_skeleton(stored: bytes) -> tuple[dict, bytes]:
    body = zlib.decompress(stored[len(MAGIC) :])
    (size,) = struct.unpack(">I", body[:4])
    header = json.loads(body[4 : 4 + size])
    if header.get("format") != FORMAT:
        raise ValueError(f"unknown compact document format {header.get('format')}")
    return header, body[4 + size :]


def font_digests(stored: bytes) -> set[str]:
    """The font files (SHA-256) a stored document needs to be rebuilt (none for a whole PDF)."""
    return {entry["font"] for entry in _header_and_skeleton(stored)[0]["fonts"]} if is_compact(stored) else set()


def expand(stored: bytes, source: FontSource) -> bytes:
    """The PDF a compact document was made from (a whole PDF is returned as it is).
    Raises FontUnavailable when a font file it needs is not at hand."""
    if not is_compact(stored):
        return stored
    header, skeleton = _header_and_skeleton(stored)
    out, at = io.BytesIO(), 0
    for entry in header["fonts"]:
        face = source(entry["font"], entry["index"])
        if face is None:
            raise FontUnavailable(entry["font"])
        out.write(skeleton[at : entry["at"]])
        out.write(zlib.compress(face.makeSubset(entry["codes"])))
        at = entry["at"]
    out.write(skeleton[at:])
    return out.getvalue()


# -- the fonts of this process -------------------------------------------------------------------------

_digests: dict[int, tuple[TTFontFile, str]] = {}  # the face is held so that its id stays its own


def font_digest(face: TTFontFile) -> str:
    """SHA-256 of the whole font file the face was read from (a collection: the whole .ttc)."""
    key = id(face)
    if key not in _digests:
        _digests[key] = (face, hashlib.sha256(face._ttf_data).hexdigest())
    return _digests[key][1]


def face_index(face: TTFontFile) -> int:
    suffix = face.subfontNameX.decode("latin-1")
    return int(suffix[1:]) if suffix.startswith("-") else 0


def registered_faces() -> dict[str, list[tuple[str, int, TTFontFile]]]:
    """The TrueType faces registered with ReportLab in this process, by the name a PDF gives them."""
    faces: dict[str, list[tuple[str, int, TTFontFile]]] = {}
    seen: set[int] = set()
    for font in list(pdfmetrics._fonts.values()):
        if not isinstance(font, TTFont) or id(font.face) in seen:
            continue
        seen.add(id(font.face))
        name = (font.face.name + font.face.subfontNameX).decode("latin-1")
        faces.setdefault(name, []).append((font_digest(font.face), face_index(font.face), font.face))
    return faces


def face_from_bytes(data: bytes, index: int) -> TTFontFile:
    """A face parsed from a font file's bytes (as kept in the database)."""
    return TTFontFile(io.BytesIO(data), subfontIndex=index)
