"""Originals stored as the snapshot of what they were rendered from, rebuilt exactly for every read
and 补打: with the letterhead images and font files they were issued with, whatever changed since."""

from __future__ import annotations

import dataclasses
import io

import pytest
from PIL import Image
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.cases import document_snapshot, documents
from app.cases.states import State
from app.errors import ValidationError
from models.cases import DocumentFont, DocumentImage, IssuedDocument
from printing import compact, snapshot
from printing.data import Letterhead
from tests.support.cases import FakeClock
from tests.support.desk import Desk, open_desk

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _png(colour: tuple[int, int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (160, 160), colour).save(buffer, "PNG")
    return buffer.getvalue()


LOGO, SEAL, NEW_SEAL = _png((0, 110, 120, 255)), _png((200, 30, 30, 200)), _png((30, 30, 200, 200))


@pytest.fixture
def desk(admin_session, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Desk:
    head = Letterhead(hospital_name="江宁市第一人民医院", logo_png=LOGO, seal_png=SEAL)
    monkeypatch.setattr(documents, "letterhead", lambda: head)
    return open_desk(admin_session, fake_clock, new={role: (role, f"{role}同事", [role]) for role in ("clerk", "officer", "manager")})


def _receipt(desk: Desk) -> tuple[int, bytes]:
    case_id = desk.new_case(State.REGISTERED)
    info, pdf = documents.issue(desk["officer"], case_id, "receipt")
    assert snapshot.is_snapshot(bytes(IssuedDocument.get_by_id(info.id).data))
    return info.id, pdf


def test_a_new_seal_does_not_change_a_document_issued_before(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    document_id, pdf = _receipt(desk)
    assert DocumentImage.select().count() == 2  # the logo and the seal, once each
    monkeypatch.setattr(documents, "letterhead", lambda: Letterhead(hospital_name="江宁市第一人民医院", seal_png=NEW_SEAL))
    assert documents.stored_pdf(desk["officer"], document_id) == pdf
    _second, _pdf = _receipt(desk)
    assert DocumentImage.select().count() == 3  # the new seal added; the old ones kept

    DocumentImage.delete().execute()
    with pytest.raises(ValidationError, match="信头图片不在数据库中"):
        documents.stored_pdf(desk["officer"], document_id)


def test_another_font_file_under_the_same_name_is_put_back_after_the_rebuild(desk: Desk) -> None:
    """A workstation whose font of that name is another file (another version of SimSun, say)
    rebuilds with the issued file from the database, and keeps its own for everything else."""
    document_id, pdf = _receipt(desk)
    name = snapshot.decode(bytes(IssuedDocument.get_by_id(document_id).data), lambda _d: b"").fonts[0].name
    issued = pdfmetrics.getFont(name)
    other = TTFont(name, DEJAVU)
    pdfmetrics._fonts[name] = other  # registerFont keeps the first font of a name
    try:
        document_snapshot._loaded.clear()
        assert documents.stored_pdf(desk["officer"], document_id) == pdf
        assert pdfmetrics.getFont(name) is other
        assert document_snapshot._loaded  # read from DocumentFont
        DocumentFont.delete().execute()
        document_snapshot._loaded.clear()
        with pytest.raises(ValidationError, match="字体文件不在数据库中"):
            documents.stored_pdf(desk["officer"], document_id)
    finally:
        pdfmetrics._fonts[name] = issued
        document_snapshot._loaded.clear()


def test_an_original_without_an_embedded_truetype_font_is_stored_compact(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workstation with no TrueType CJK font (ReportLab's CID fallback, drawn by the reader) cannot
    name a font file to render with again: the PDF is stored as before."""
    monkeypatch.setattr(document_snapshot, "_issued_fonts", lambda _fonts: None)
    case_id = desk.new_case(State.REGISTERED)
    info, pdf = documents.issue(desk["officer"], case_id, "receipt")
    stored = bytes(IssuedDocument.get_by_id(info.id).data)
    assert compact.is_compact(stored) and not DocumentImage.select().exists()
    monkeypatch.undo()
    assert documents.stored_pdf(desk["officer"], info.id) == pdf


def test_inputs_a_snapshot_would_not_keep_whole_are_stored_compact(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Decoding must give back everything encoded: when it would not, nothing is issued from it."""
    decode = snapshot.decode

    def lossy(stored: bytes, image):  # noqa: ANN001, ANN202
        found = decode(stored, image)
        return dataclasses.replace(found, data=dataclasses.replace(found.data, complainant_name="某"))

    monkeypatch.setattr(snapshot, "decode", lossy)
    case_id = desk.new_case(State.REGISTERED)
    info, pdf = documents.issue(desk["officer"], case_id, "receipt")
    assert compact.is_compact(bytes(IssuedDocument.get_by_id(info.id).data))
    monkeypatch.undo()
    assert documents.stored_pdf(desk["officer"], info.id) == pdf


def test_a_snapshot_of_another_renderer_version_is_refused_in_chinese(desk: Desk) -> None:
    document_id, _pdf = _receipt(desk)
    stored = bytes(IssuedDocument.get_by_id(document_id).data)
    found = snapshot.decode(stored, lambda _d: b"")
    later = snapshot.encode(dataclasses.replace(found, renderer=snapshot.RENDERER + 1), {})
    IssuedDocument.update(data=later).where(IssuedDocument.id == document_id).execute()
    with pytest.raises(ValidationError, match="排版版本"):
        documents.stored_pdf(desk["officer"], document_id)
