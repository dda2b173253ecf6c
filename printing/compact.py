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
import lzma
import re
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

MAGIC = b"CDPDF2\n"  # a stored compact document starts with this (a whole PDF with "%PDF")
MAGIC_V1 = b"CDPDF1\n"  # format 1: fonts cut out, the rest zlib-compressed (still read)
FORMAT = 2
# Format 2's compression of the whole (fixed with the format: a raw LZMA2 stream carries no settings).
_FILTERS = (
    {
        "id": lzma.FILTER_LZMA2,
        "preset": 9 | lzma.PRESET_EXTREME,
        "dict_size": 1 << 20,
        "lc": 1,
        "lp": 0,
        "pb": 0,
    },
)

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
    """One embedded font subset: where its stream data was, and how to make it again (`cmap`: where
    the font's ToUnicode stream data is, which lists the characters)."""

    start: int
    end: int
    font: str
    index: int
    codes: tuple[int, ...]
    cmap: tuple[int, int]


_OBJ = re.compile(rb"(\d+)\s+\d+\s+obj\b")
_LENGTH = re.compile(rb"/Length\s+(\d+)\b(?!\s+\d+\s+R)")
_REF = rb"\s+(\d+)\s+\d+\s+R"
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def is_compact(stored: bytes) -> bool:
    return stored[: len(MAGIC)] in (MAGIC, MAGIC_V1)


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
    pairs = [
        (int(code, 16), int(char, 16)) for code, char in _BFCHAR.findall(cmap.split(b"beginbfchar", 1)[-1])
    ]
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
            if _deflated_subset(face, codes) == raw:
                slots.append(FontSlot(obj.data[0], obj.data[1], sha, index, codes, cmap.data))
                break
    return sorted(slots, key=lambda slot: slot.start)


def _inflatable(pdf: bytes, slots: list[FontSlot]) -> list[tuple[int, int, bytes]]:
    """The other Flate streams (page contents, ToUnicode maps…) whose data zlib makes again exactly
    from their inflated bytes: (start, end, inflated). Stored inflated, they compress far better
    together than one by one."""
    cut = {slot.start for slot in slots}
    found = []
    for obj in _objects(pdf):
        if (
            obj.data is None
            or obj.data[0] in cut
            or b"/FlateDecode" not in obj.head
            or b"/DecodeParms" in obj.head
        ):
            continue
        raw = pdf[obj.data[0] : obj.data[1]]
        try:
            inflated = zlib.decompress(raw)
        except zlib.error:
            continue
        if zlib.compress(inflated) == raw:
            found.append((obj.data[0], obj.data[1], inflated))
    return found


def compact(
    pdf: bytes, faces: dict[str, list[tuple[str, int, TTFontFile]]], source: FontSource
) -> bytes | None:
    """`pdf` without its font subsets (and with its other streams inflated, the whole compressed
    at once), or None when no font could be cut out or the result would not expand to exactly
    `pdf` (checked here, by expanding it)."""
    slots = font_slots(pdf, faces)
    if not slots:
        return None
    inflatable = _inflatable(pdf, slots)
    pieces: list[tuple[int, int, dict, bytes]] = [
        (start, end, {"size": len(inflated)}, inflated) for start, end, inflated in inflatable
    ]
    inflated_at = {start for start, _end, _inflated in inflatable}
    for slot in slots:  # the characters are read from the inflated ToUnicode map when it is there
        codes = {"cmap": slot.cmap[0]} if slot.cmap[0] in inflated_at else {"codes": list(slot.codes)}
        pieces.append((slot.start, slot.end, {"font": slot.font, "index": slot.index, **codes}, b""))
    parts, at, skeleton_at, entries, moved = [], 0, 0, [], {}
    for start, end, entry, inflated in sorted(pieces, key=lambda piece: piece[0]):
        parts.append(pdf[at:start])
        skeleton_at += start - at
        moved[start] = skeleton_at
        entries.append({"at": skeleton_at, **entry})
        parts.append(inflated)
        skeleton_at += len(inflated)
        at = end
    parts.append(pdf[at:])
    for entry in entries:
        if "cmap" in entry:
            entry["cmap"] = moved[entry["cmap"]]
    header = json.dumps({"format": FORMAT, "parts": entries}, separators=(",", ":")).encode()
    body = struct.pack(">I", len(header)) + header + b"".join(parts)
    stored = MAGIC + lzma.compress(body, format=lzma.FORMAT_RAW, filters=_FILTERS)
    # The check rebuilds from the stored bytes (header, skeleton, characters read back) with the
    # deflated streams this call has just seen zlib make from the same inflated bytes.
    deflated = {inflated: pdf[start:end] for start, end, inflated in inflatable}
    try:
        same = _expand(stored, source, deflated) == pdf
    except FontUnavailable:
        same = False
    return stored if same else None


def _header_and_skeleton(stored: bytes) -> tuple[dict, bytes]:
    version = stored[: len(MAGIC)]
    if version == MAGIC:
        body = lzma.decompress(stored[len(MAGIC) :], format=lzma.FORMAT_RAW, filters=_FILTERS)
    elif version == MAGIC_V1:
        body = zlib.decompress(stored[len(MAGIC_V1) :])
    else:
        raise ValueError("not a compact document")
    (size,) = struct.unpack(">I", body[:4])
    header = json.loads(body[4 : 4 + size])
    if header.get("format") not in (1, FORMAT):
        raise ValueError(f"unknown compact document format {header.get('format')}")
    return header, body[4 + size :]


def _part_codes(part: dict, header: dict, skeleton: bytes) -> tuple[int, ...]:
    """A font part's characters: listed, or read from its inflated ToUnicode map in the skeleton."""
    if "codes" in part:
        return tuple(part["codes"])
    size = next(p["size"] for p in _parts(header) if p["at"] == part["cmap"] and "size" in p)
    codes = _codes(skeleton[part["cmap"] : part["cmap"] + size])
    if codes is None:
        raise ValueError("a compact document's ToUnicode map lists no characters")
    return codes


def _parts(header: dict) -> list[dict]:
    return header.get("parts", header.get("fonts", []))  # format 1 cut out fonts only


def font_digests(stored: bytes) -> set[str]:
    """The font files (SHA-256) a stored document needs to be rebuilt (none for a whole PDF)."""
    if not is_compact(stored):
        return set()
    return {part["font"] for part in _parts(_header_and_skeleton(stored)[0]) if "font" in part}


def expand(stored: bytes, source: FontSource) -> bytes:
    """The PDF a compact document was made from (a whole PDF is returned as it is).
    Raises FontUnavailable when a font file it needs is not at hand."""
    return _expand(stored, source, {})


def _expand(stored: bytes, source: FontSource, deflated: dict[bytes, bytes]) -> bytes:
    """`expand`; `deflated` maps inflated stream bytes to what zlib was just seen to make of them."""
    if not is_compact(stored):
        return stored
    header, skeleton = _header_and_skeleton(stored)
    out, at = io.BytesIO(), 0
    for part in _parts(header):
        out.write(skeleton[at : part["at"]])
        at = part["at"]
        if "size" in part:  # an inflated stream: deflated again, as ReportLab wrote it
            inflated = skeleton[at : at + part["size"]]
            known = deflated.get(inflated)
            out.write(known if known is not None else zlib.compress(inflated))
            at += part["size"]
            continue
        face = source(part["font"], part["index"])
        if face is None:
            raise FontUnavailable(part["font"])
        out.write(_deflated_subset(face, _part_codes(part, header, skeleton)))
    out.write(skeleton[at:])
    return out.getvalue()


# -- subsets made once -------------------------------------------------------------------------------
#
# A subset is a pure function of the face and the characters (the premise of the compact form), and
# issuing one document asks for the same subsets three times: when ReportLab writes the PDF, when
# `compact` recognises the embedded stream, and when it checks the rebuild. The last few subsets of
# each face (and their deflated bytes) are kept, so they are made and compressed once.

_SUBSETS_KEPT = 8
_memo_lock = threading.Lock()


def remember_subsets(face: TTFontFile) -> None:
    """Make `face.makeSubset` (ReportLab calls it when writing a PDF) keep its last few results."""
    if isinstance(getattr(face, "_subset_memo", None), OrderedDict):
        return
    memo: OrderedDict[tuple[int, ...], bytes] = OrderedDict()

    def make_subset(subset: list[int]) -> bytes:
        key = tuple(subset)
        with _memo_lock:
            if key in memo:
                memo.move_to_end(key)
                return memo[key]
        data = type(face).makeSubset(face, list(key))
        with _memo_lock:
            memo[key] = data
            while len(memo) > _SUBSETS_KEPT:
                memo.popitem(last=False)
        return data

    face.makeSubset = make_subset  # type: ignore[method-assign]
    face._subset_memo = memo  # type: ignore[attr-defined]


_deflated: OrderedDict[tuple[int, tuple[int, ...]], tuple[TTFontFile, bytes]] = OrderedDict()


def _deflated_subset(face: TTFontFile, codes: tuple[int, ...]) -> bytes:
    """zlib's bytes of the subset of `face` holding `codes`, as ReportLab embeds it."""
    key = (id(face), tuple(codes))
    with _memo_lock:
        kept = _deflated.get(key)
        if kept is not None and kept[0] is face:
            _deflated.move_to_end(key)
            return kept[1]
    remember_subsets(face)
    data = zlib.compress(face.makeSubset(list(codes)))
    with _memo_lock:
        _deflated[key] = (face, data)  # the face is held so that its id stays its own
        while len(_deflated) > _SUBSETS_KEPT:
            _deflated.popitem(last=False)
    return data


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
