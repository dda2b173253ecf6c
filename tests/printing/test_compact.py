"""Compact stored documents (printing/compact.py): cut out, rebuilt exactly, and still rebuilt
exactly by this installation's ReportLab and zlib (the golden document)."""

from __future__ import annotations

import hashlib
import re
import zlib
from datetime import datetime
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFontFile

from printing import compact
from printing.fonts import register_fonts
from printing.stamp import stamp_reprint

# A 受理回执 issued by the application and stored compact, made with WenQuanYi Micro Hei
# (wqy-microhei.ttc of the Debian/Ubuntu package that installer/linux-deps.sh installs); the same
# receipt as format 1 stored it (fonts cut out, zlib), which is still read.
GOLDEN = Path(__file__).parent / "golden" / "receipt.cdpdf"
GOLDEN_V1 = Path(__file__).parent / "golden" / "receipt-v1.cdpdf"
GOLDEN_SHA256 = "1b35c48454b898c221d355b4ac44e96bdbf849c75bdef7343bad5db3e02265a2"
GOLDEN_FONT = "2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3"


def _source():
    register_fonts()
    faces = compact.registered_faces()
    by_key = {(digest, index): face for entries in faces.values() for digest, index, face in entries}
    return faces, lambda digest, index: by_key.get((digest, index))


def test_golden_document_rebuilds_byte_for_byte() -> None:
    """Fails when a ReportLab or zlib upgrade would change the rebuilt bytes of documents already
    stored: such an upgrade must not ship before stored documents are made whole again (see
    docs/documents-storage.md)."""
    faces, source = _source()
    stored = GOLDEN.read_bytes()
    assert compact.font_digests(stored) == {GOLDEN_FONT}
    if source(GOLDEN_FONT, 0) is None:
        pytest.skip("WenQuanYi Micro Hei (the golden's font file) is not the font installed here")
    pdf = compact.expand(stored, source)
    assert hashlib.sha256(pdf).hexdigest() == GOLDEN_SHA256
    assert compact.compact(pdf, faces, source) == stored
    assert compact.expand(GOLDEN_V1.read_bytes(), source) == pdf
    assert len(stored) < 4000 < len(GOLDEN_V1.read_bytes())  # fits in a database page with its row


def test_zlib_compresses_as_when_the_documents_were_stored() -> None:
    """Needs no font: every compressed stream of the format-1 golden skeleton compresses again to
    itself (format 2 keeps them inflated and compresses them when rebuilding)."""
    body = zlib.decompress(GOLDEN_V1.read_bytes()[len(compact.MAGIC_V1) :])
    heads = re.finditer(rb"/Filter \[ /FlateDecode \] /Length (\d+)\s*>>\s*stream\r?\n", body)
    streams = [body[m.end() : m.end() + int(m.group(1))] for m in heads]
    assert len(streams) >= 2  # the page and the font's ToUnicode map
    for raw in streams:
        assert zlib.compress(zlib.decompress(raw)) == raw


def test_a_fresh_document_and_its_reprint_compact_and_expand_exactly() -> None:
    faces, source = _source()
    pdf = compact.expand(GOLDEN.read_bytes(), source) if source(GOLDEN_FONT, 0) else None
    if pdf is None:
        pytest.skip("the golden's font file is not installed here")
    reprint = stamp_reprint(pdf, datetime(2026, 3, 11, 10, 30))
    for document in (pdf, reprint):
        stored = compact.compact(document, faces, source)
        assert stored is not None and compact.is_compact(stored)
        assert len(stored) < len(document) / 4
        assert compact.expand(stored, source) == document


def test_unknown_fonts_are_left_in_place_and_missing_fonts_are_reported() -> None:
    faces, source = _source()
    stored = GOLDEN.read_bytes()
    if source(GOLDEN_FONT, 0) is None:
        pytest.skip("the golden's font file is not installed here")
    pdf = compact.expand(stored, source)
    assert compact.compact(pdf, {}, source) is None  # no face known: nothing to cut out
    with pytest.raises(compact.FontUnavailable):
        compact.expand(stored, lambda digest, index: None)
    assert compact.expand(pdf, source) is pdf  # a whole PDF is returned as it is


def test_issuing_and_storing_a_document_makes_each_subset_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """ReportLab subsets the font when it writes the PDF; recognising the subset in `compact` and
    checking the rebuild reuse it instead of subsetting (and compressing) again — and a face that
    has seen none of it (read afresh from the font file) rebuilds the same bytes."""
    faces, source = _source()
    if source(GOLDEN_FONT, 0) is None:
        pytest.skip("the golden's font file is not installed here")
    pdf = compact.expand(GOLDEN.read_bytes(), source)
    for entries in faces.values():  # forget the subsets the other tests made
        for _digest, _index, face in entries:
            face._subset_memo.clear()
    compact._deflated.clear()
    made: list[tuple[int, ...]] = []
    subset = TTFontFile.makeSubset
    monkeypatch.setattr(
        TTFontFile, "makeSubset", lambda face, codes: made.append(tuple(codes)) or subset(face, codes)
    )
    reprint = stamp_reprint(pdf, datetime(2027, 9, 8, 7, 46))  # a new subset: the stamp's digits
    stored = compact.compact(reprint, faces, source)
    assert stored is not None and made and len(made) == len(set(made))  # the stamp's and the page's

    monkeypatch.setattr(TTFontFile, "makeSubset", subset)
    fresh = {
        key: compact.face_from_bytes(face._ttf_data, key[1])
        for key in [(GOLDEN_FONT, 0)]
        if (face := source(*key))
    }
    assert (
        compact.expand(stored, lambda digest, index: fresh.get((digest, index)) or source(digest, index))
        == reprint
    )
