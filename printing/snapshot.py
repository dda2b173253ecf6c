"""A document's inputs as stored bytes: its data, letterhead, paper size, 文书号 and fonts.

An issued document is a pure function of these inputs and of this renderer (ReportLab, the layout
code in printing/, the font files): rendering the same snapshot gives the same bytes
(`page.fix_creation_time`). So a document can be stored as its snapshot, ~1 KB, instead of its
PDF, and rebuilt for every 补打; app/cases/document_store.py checks at issue that the snapshot
rebuilds exactly what was handed over, and checks the SHA-256 at every rebuild.

Format: MAGIC, then one raw DEFLATE stream of UTF-8 JSON:
    {"r": RENDERER, "d": <the data, tagged>, "l": {letterhead texts}, "i": {"logo"|"seal": sha256},
     "p": "A4"|"A5", "n": 文书号, "f": [[font name, file sha256, face index], ...]}
Images and font files are named by SHA-256 and kept once per database beside the documents.

`RENDERER` names the layout code's version. A change to printing/ that changes any document's
bytes must raise it and keep rendering old snapshots as before (or first store them in the compact
form): tests/printing/test_snapshot.py holds a golden snapshot that must rebuild to its SHA-256.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from printing import data as data_module
from printing.data import DocumentData, Letterhead

MAGIC = b"CDSNAP1\n"
RENDERER = 1
_CLASSES: dict[str, type] = {
    name: value
    for name, value in vars(data_module).items()
    if isinstance(value, type) and is_dataclass(value)
}
_IMAGES = ("logo", "seal")


class SnapshotError(ValueError):
    """Stored bytes that are not a snapshot this version can read."""


@dataclass(frozen=True)
class FontFile:
    """A font the document was rendered with: its ReportLab name and the file (SHA-256, face)."""

    name: str
    sha256: str
    index: int


@dataclass(frozen=True)
class Snapshot:
    """Everything a document is rendered from. `images` maps logo/seal to the PNG's SHA-256."""

    data: DocumentData
    letterhead: Letterhead
    page_size: str
    document_no: str
    fonts: tuple[FontFile, ...]
    renderer: int = RENDERER


def _tagged(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$m": str(value)}
    if isinstance(value, (list, tuple)):
        return [_tagged(item) for item in value]
    if is_dataclass(value) and type(value).__name__ in _CLASSES:
        return {
            "$c": type(value).__name__,
            "f": {f.name: _tagged(getattr(value, f.name)) for f in fields(value)},
        }
    raise SnapshotError(f"文书数据含有不能存档的值：{type(value).__name__}")


def _untagged(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_untagged(item) for item in value)
    if not isinstance(value, dict):
        return value
    if "$t" in value:
        return datetime.fromisoformat(value["$t"])
    if "$d" in value:
        return date.fromisoformat(value["$d"])
    if "$m" in value:
        return Decimal(value["$m"])
    cls = _CLASSES.get(value.get("$c", ""))
    if cls is None:
        raise SnapshotError(f"未知的文书数据类型：{value.get('$c')!r}")
    return cls(**{name: _untagged(item) for name, item in value["f"].items()})


def letterhead_texts(letterhead: Letterhead) -> dict[str, str]:
    return {
        f.name: getattr(letterhead, f.name)
        for f in fields(letterhead)
        if f.name not in ("logo_png", "seal_png")
    }


def encode(snapshot: Snapshot, images: dict[str, str]) -> bytes:
    """The stored bytes of `snapshot`; `images` are the SHA-256 of its letterhead's logo and seal."""
    body = {
        "r": snapshot.renderer,
        "d": _tagged(snapshot.data),
        "l": letterhead_texts(snapshot.letterhead),
        "i": images,
        "p": snapshot.page_size,
        "n": snapshot.document_no,
        "f": [[f.name, f.sha256, f.index] for f in snapshot.fonts],
    }
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    return MAGIC + deflate.compress(text) + deflate.flush()


def is_snapshot(stored: bytes) -> bool:
    return stored.startswith(MAGIC)


def decode(stored: bytes, image: Any) -> Snapshot:
    """The snapshot in `stored`; `image(sha256)` gives the PNG bytes of a logo or seal."""
    if not is_snapshot(stored):
        raise SnapshotError("不是文书快照")
    try:
        body = json.loads(zlib.decompress(stored[len(MAGIC) :], -15).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SnapshotError(f"文书快照已损坏：{error}") from None
    if body.get("r") != RENDERER:
        raise SnapshotError(f"文书快照的排版版本 {body.get('r')} 不是本程序的 {RENDERER}")
    pictures = {f"{kind}_png": image(digest) for kind, digest in body["i"].items() if kind in _IMAGES}
    return Snapshot(
        data=_untagged(body["d"]),
        letterhead=dataclasses.replace(Letterhead(**body["l"]), **pictures),
        page_size=body["p"],
        document_no=body["n"],
        fonts=tuple(FontFile(name, digest, index) for name, digest, index in body["f"]),
        renderer=body["r"],
    )
