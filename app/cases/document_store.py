"""Issued documents as they are kept: compact when that reproduces them exactly, read back byte for
byte with their SHA-256 checked (docs/documents-storage.md).

* `issued(source)` — an original: the PDF and what to store, its snapshot when its inputs can be
  kept as one (app/cases/document_snapshot.py), otherwise compact (issuing, the demo bulk path).
* `stored_form(pdf)` — what to write into `IssuedDocument.data` for an issued PDF that was not
  rendered from document data here (a 补打's stamped copy): compact, or the PDF itself.
* `original_pdf(row)` — the exact bytes issued, for viewing, saving, 补打 and the 卷宗.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from app.cases import document_snapshot
from app.cases.document_snapshot import keep_font
from app.errors import ValidationError
from models.cases import IssuedDocument
from printing import compact, snapshot
from printing.data import DocumentData, Letterhead
from printing.fonts import register_fonts
from printing.render import render_document

_lock = threading.Lock()
_faces: dict[tuple[str, int], object] = {}  # (font SHA-256, face index) -> face read from the database


@dataclass(frozen=True)
class Source:
    """What an original was rendered from (printing.render.render_document's inputs)."""

    data: DocumentData
    letterhead: Letterhead
    page_size: str
    document_no: str


def issued(source: Source) -> tuple[bytes, bytes]:
    """(the PDF to hand over, the bytes to store) of an original rendered from `source`: its
    snapshot (~1 KB) and the PDF that snapshot renders to, or when the inputs cannot be kept as a
    snapshot, the PDF rendered directly and its compact form."""
    found = document_snapshot.issue(source.data, source.letterhead, source.page_size, source.document_no)
    if found is not None:
        return found
    pdf = render_document(source.data, source.letterhead, page_size=source.page_size, document_no=source.document_no)
    return pdf, stored_form(pdf)


def stored_form(pdf: bytes) -> bytes:
    """The bytes to store for the issued `pdf`: its compact form (the embedded font subsets cut
    out, ~15 % of the size) when that expands to exactly `pdf`, otherwise `pdf` itself.

    Call it inside the writing transaction: a font file the compact form needs is stored once in
    the database (`DocumentFont`) with it, so every workstation can rebuild the document. Cheap
    enough for bulk writers (no rendering: ~10–70 ms per document, the check included); a bulk
    writer that stores many documents issued with the same fonts pays the font's storage once.
    """
    register_fonts()
    faces = compact.registered_faces()
    stored = compact.compact(pdf, faces, _face)
    if stored is None:
        return pdf
    by_digest = {digest: face for entries in faces.values() for digest, _index, face in entries}
    for digest in compact.font_digests(stored):
        keep_font(digest, by_digest[digest])
    return stored


def _face(digest: str, index: int) -> object | None:
    """The face with that font file and index: registered in this process, or read from the database."""
    register_fonts()
    for entries in compact.registered_faces().values():
        for found, face_index, face in entries:
            if found == digest and face_index == index:
                return face
    with _lock:
        face = _faces.get((digest, index))
        if face is None:
            data = document_snapshot.stored_font_file(digest)
            if data is None:
                return None
            face = _faces[(digest, index)] = compact.face_from_bytes(data, index)
        return face


def original_pdf(row: IssuedDocument, title: str = "文书") -> bytes:
    """Exactly the bytes issued for `row`, rebuilt when stored compact; the stored SHA-256 is
    checked every time. Never returns a different document: a mismatch is an error."""
    stored = bytes(row.data)
    try:
        if snapshot.is_snapshot(stored):
            pdf = document_snapshot.rebuild(stored)
        else:
            pdf = compact.expand(stored, _face)
    except snapshot.SnapshotError as error:
        raise ValidationError(
            "document", "文书", f"存档{title}无法还原（{error}）；请用备份恢复或联系系统管理员"
        ) from None
    except compact.FontUnavailable:
        raise ValidationError(
            "document",
            "文书",
            f"存档{title}所用的字体文件不在数据库中，无法还原原件；请用备份恢复或联系系统管理员",
        ) from None
    if hashlib.sha256(pdf).hexdigest() != row.sha256:
        raise ValidationError(
            "document",
            "文书",
            f"存档{title}校验失败（SHA-256 不符），不能给出与原件不同的文书；请用备份恢复或联系系统管理员",
        )
    return pdf
