"""Issued documents stored as the inputs they were rendered from (printing/snapshot.py), ~1 KB
each instead of the PDF's 4 KB compact form, rebuilt by rendering them again.

* `issue` — at issue, inside the writing transaction: the snapshot to store and the PDF rendered
  **from that stored snapshot, decoded**, by the same code every reprint runs (`rebuild`); None when
  the inputs cannot be stored faithfully (the caller then renders and stores the compact form). The
  letterhead images and font files the snapshot names are stored once per database
  (`DocumentImage`, `DocumentFont`) with it.
* `rebuild` — the PDF again, with the font files it was issued with (from this installation or
  the database), whatever fonts this workstation has now. app/cases/document_store.py checks the
  result's SHA-256 against the one stored at issue.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app import clock
from app.errors import ValidationError
from models.cases import DocumentFont, DocumentImage
from printing import compact, snapshot
from printing.data import DocumentData, Letterhead
from printing.fonts import FontSet, register_fonts
from printing.render import RENDER_LOCK, render_document

ImageSource = Callable[[str], bytes]
_loaded: dict[tuple[str, int], TTFont] = {}  # (font file SHA-256, face) -> a font read from the database


def issue(
    data: DocumentData, letterhead: Letterhead, page_size: str, document_no: str
) -> tuple[bytes, bytes] | None:
    """(the PDF to hand over, the snapshot to store), or None when these inputs cannot be stored as
    a snapshot (the caller renders them and stores the compact form).

    The PDF is rendered from the snapshot as decoded from the stored bytes, by the same function a
    reprint calls (`rebuild`): what is handed over is what the stored snapshot renders to. Decoding
    must lose nothing: the decoded snapshot encodes back to the same bytes."""
    fonts = _issued_fonts(register_fonts())
    if fonts is None:
        return None
    images = {
        kind: png
        for kind, png in (("logo", letterhead.logo_png), ("seal", letterhead.seal_png))
        if png is not None
    }
    digests = {kind: hashlib.sha256(png).hexdigest() for kind, png in images.items()}
    by_digest = {digests[kind]: png for kind, png in images.items()}
    try:
        stored = snapshot.encode(snapshot.Snapshot(data, letterhead, page_size, document_no, fonts), digests)
        found = snapshot.decode(stored, by_digest.__getitem__)
        if snapshot.encode(found, digests) != stored:
            return None
    except (snapshot.SnapshotError, TypeError, ValueError):
        return None
    pdf = _render(found)
    for digest, png in by_digest.items():
        DocumentImage.insert(sha256=digest, png=png, stored_at=clock.now()).on_conflict_ignore().execute()
    for font in fonts:
        _keep_font(font)
    return pdf, stored


def rebuild(stored: bytes, image: ImageSource | None = None) -> bytes:
    """The PDF a stored snapshot renders to, with the fonts and images it names."""
    return _render(snapshot.decode(stored, image or _stored_image))


def _render(found: snapshot.Snapshot) -> bytes:
    with RENDER_LOCK, _fonts_as_issued(found.fonts) as fonts:
        return render_document(
            found.data, found.letterhead, page_size=found.page_size, document_no=found.document_no, fonts=fonts
        )


def _issued_fonts(fonts: FontSet) -> tuple[snapshot.FontFile, ...] | None:
    """(regular, bold) as font files, or None when either is not an embedded TrueType face."""
    files = []
    for name in (fonts.regular, fonts.bold):
        font = pdfmetrics.getFont(name)
        if not isinstance(font, TTFont):
            return None
        files.append(snapshot.FontFile(name, compact.font_digest(font.face), compact.face_index(font.face)))
    return tuple(files)


def _keep_font(font: snapshot.FontFile) -> None:
    keep_font(font.sha256, pdfmetrics.getFont(font.name).face)


def keep_font(digest: str, face: object) -> None:
    """The font file stored once per database, so that any workstation can rebuild the documents
    issued with it (compact or snapshot)."""
    if DocumentFont.select().where(DocumentFont.sha256 == digest).exists():
        return
    data: bytes = face._ttf_data  # type: ignore[attr-defined]
    DocumentFont.insert(
        sha256=digest,
        name=Path(getattr(face, "filename", "")).name[:120],
        size=len(data),
        data=zlib.compress(data, 6),
        stored_at=clock.now(),
    ).on_conflict_ignore().execute()


def stored_font_file(digest: str) -> bytes | None:
    """The bytes of a font file kept in the database (`keep_font`), or None."""
    row = DocumentFont.get_or_none(DocumentFont.sha256 == digest)
    return None if row is None else zlib.decompress(bytes(row.data))


def _stored_image(digest: str) -> bytes:
    row = DocumentImage.get_or_none(DocumentImage.sha256 == digest)
    if row is None:
        raise ValidationError(
            "document",
            "文书",
            "存档文书所用的信头图片不在数据库中，无法还原原件；请用备份恢复或联系系统管理员",
        )
    return bytes(row.png)


def _font(file: snapshot.FontFile) -> TTFont:
    """The font `file` under its issued name: the registered one when it is that file, otherwise
    read from the database (kept for the process)."""
    registered = pdfmetrics._fonts.get(file.name)  # noqa: SLF001 - ReportLab's registry
    if (
        isinstance(registered, TTFont)
        and compact.font_digest(registered.face) == file.sha256
        and compact.face_index(registered.face) == file.index
    ):
        return registered
    key = (file.sha256, file.index)
    if key not in _loaded:
        data = stored_font_file(file.sha256)
        if data is None:
            raise compact.FontUnavailable(file.sha256)  # document_store.original_pdf says so in Chinese
        _loaded[key] = TTFont(file.name, io.BytesIO(data), subfontIndex=file.index)
    return _loaded[key]


@contextmanager
def _fonts_as_issued(files: tuple[snapshot.FontFile, ...]) -> Iterator[FontSet]:
    """Under RENDER_LOCK: each issued font registered under its name for one render (a different
    file of the same name, e.g. another version of SimSun on this workstation, is put back after)."""
    register_fonts()
    fonts = pdfmetrics._fonts  # noqa: SLF001
    replaced: dict[str, object] = {}
    for file in files:
        font = _font(file)
        if fonts.get(file.name) is not font:
            replaced.setdefault(file.name, fonts.get(file.name))
            fonts[file.name] = font
    regular, bold = files[0].name, files[-1].name
    pdfmetrics.registerFontFamily(regular, normal=regular, bold=bold, italic=regular, boldItalic=bold)
    try:
        yield FontSet(regular=regular, bold=bold, embedded=True, source_path=None)
    finally:
        for name, previous in replaced.items():
            if previous is None:
                fonts.pop(name, None)
            else:
                fonts[name] = previous
