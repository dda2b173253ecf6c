"""Issued documents stored compactly (originals as the snapshot of what they were rendered from, a
补打 with its font subsets cut out) and read back exactly as issued."""

from __future__ import annotations

import hashlib
import io
import json
import lzma
import zlib

import pytest
from pypdf import PdfReader, PdfWriter

from app.cases import document_store, documents
from app.cases.states import State
from app.errors import ValidationError
from models.cases import Assignment, DocumentFont, IssuedDocument
from printing import compact, snapshot
from tests.support.cases import FakeClock
from tests.support.desk import Desk, open_desk

ROLES = ("clerk", "officer", "manager")


@pytest.fixture
def desk(admin_session, fake_clock: FakeClock) -> Desk:
    return open_desk(admin_session, fake_clock, new={role: (role, f"{role}同事", [role]) for role in ROLES})


def _issue_all(desk: Desk) -> tuple[int, dict[int, bytes]]:
    """A case walked to 审批通过 with its receipt, two dispatch notes, the result letter and a 补打."""
    officer = desk["officer"]
    case_id = desk.new_case(State.REGISTERED)
    issued = {}
    info, pdf = documents.issue(officer, case_id, "receipt")
    issued[info.id] = pdf
    desk.walk(case_id, State.IN_PROGRESS)
    for assignment in Assignment.select().where(Assignment.case == case_id):
        info, pdf = documents.issue(officer, case_id, "dispatch", assignment_id=assignment.id)
        issued[info.id] = pdf
    desk.walk(case_id, State.APPROVED)
    for kind in ("result", "receipt"):  # the second receipt is a 补打 of the first
        info, pdf = documents.issue(officer, case_id, kind)
        issued[info.id] = pdf
    return case_id, issued


def test_issued_documents_are_stored_compact_and_read_back_byte_identical(desk: Desk) -> None:
    officer = desk["officer"]
    case_id, issued = _issue_all(desk)
    rows = {r.id: r for r in IssuedDocument.select().where(IssuedDocument.case == case_id)}
    assert len(rows) == 5 and sum(r.reprint for r in rows.values()) == 1
    for document_id, pdf in issued.items():
        row = rows[document_id]
        if row.reprint:  # a stamped copy of the original's bytes: compact
            assert compact.is_compact(bytes(row.data))
            assert len(row.data) < len(pdf) / 4  # the font subsets are ~85 % of an issued PDF
        else:  # an original: what it was rendered from
            assert snapshot.is_snapshot(bytes(row.data))
            assert len(row.data) < 2_000 < len(pdf) / 15
        again = documents.stored_pdf(officer, document_id)
        assert again == pdf and hashlib.sha256(again).hexdigest() == row.sha256
    stored = sum(len(r.data) for r in rows.values())
    assert stored < 15_000 < sum(len(p) for p in issued.values())
    # the font file is kept once, whatever the number of documents
    assert DocumentFont.select().count() == 1
    # a 补打 stamps the original's exact bytes: the receipt text is the original's
    original = min(i for i in issued if rows[i].kind == "receipt")
    assert "补打" not in "".join(p.extract_text() for p in PdfReader(io.BytesIO(issued[original])).pages)


def test_another_workstation_rebuilds_documents_from_the_font_in_the_database(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workstation whose fonts differ (none registered that match) rebuilds from DocumentFont."""
    officer = desk["officer"]
    case_id = desk.new_case(State.REGISTERED)
    documents.issue(officer, case_id, "receipt")
    info, pdf = documents.issue(officer, case_id, "receipt")  # a 补打: stored compact
    monkeypatch.setattr(compact, "registered_faces", lambda: {})
    monkeypatch.setattr(document_store, "_faces", {})
    assert documents.stored_pdf(officer, info.id) == pdf

    DocumentFont.delete().execute()
    monkeypatch.setattr(document_store, "_faces", {})
    with pytest.raises(ValidationError, match="字体文件不在数据库中"):
        documents.stored_pdf(officer, info.id)


def test_a_stored_document_that_does_not_rebuild_exactly_is_refused(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.new_case(State.REGISTERED)
    info, pdf = documents.issue(officer, case_id, "receipt")
    # stored compact, as an original issued before snapshots was
    IssuedDocument.update(data=document_store.stored_form(pdf)).where(IssuedDocument.id == info.id).execute()
    row = IssuedDocument.get_by_id(info.id)
    raw = {"format": lzma.FORMAT_RAW, "filters": compact._FILTERS}
    body = lzma.decompress(bytes(row.data)[len(compact.MAGIC) :], **raw)
    tampered = body.replace(b"/MediaBox", b"/MediaBoX", 1)  # one byte of the skeleton changed
    assert tampered != body
    IssuedDocument.update(data=compact.MAGIC + lzma.compress(tampered, **raw)).where(IssuedDocument.id == info.id).execute()
    with pytest.raises(ValidationError, match="校验失败（SHA-256 不符）"):
        documents.stored_pdf(officer, info.id)
    with pytest.raises(ValidationError, match="校验失败"):  # nor is a 补打 made from it
        documents.issue(officer, case_id, "receipt")


def test_a_tampered_snapshot_is_refused(desk: Desk) -> None:
    """A snapshot whose data was changed renders another document: its SHA-256 does not match."""
    officer = desk["officer"]
    case_id = desk.new_case(State.REGISTERED)
    info, _pdf = documents.issue(officer, case_id, "receipt")
    stored = bytes(IssuedDocument.get_by_id(info.id).data)
    text = zlib.decompress(stored[len(snapshot.MAGIC) :], -15)
    name = json.loads(text)["d"]["f"]["complainant_name"]
    changed = zlib.compress(text.replace(name.encode(), "王某某".encode()), 9)[2:-4]  # raw DEFLATE
    IssuedDocument.update(data=snapshot.MAGIC + changed).where(IssuedDocument.id == info.id).execute()
    with pytest.raises(ValidationError, match="校验失败（SHA-256 不符）"):
        documents.stored_pdf(officer, info.id)
    IssuedDocument.update(data=snapshot.MAGIC + b"garbage").where(IssuedDocument.id == info.id).execute()
    with pytest.raises(ValidationError, match="无法还原"):
        documents.stored_pdf(officer, info.id)


def test_documents_stored_whole_are_read_as_before(desk: Desk) -> None:
    """Documents issued before compact storage (whole PDFs) are read, reprinted and checked as before."""
    officer = desk["officer"]
    case_id = desk.new_case(State.REGISTERED)
    info, pdf = documents.issue(officer, case_id, "receipt")
    IssuedDocument.update(data=pdf).where(IssuedDocument.id == info.id).execute()
    assert documents.stored_pdf(officer, info.id) == pdf
    again, reprint = documents.issue(officer, case_id, "receipt")
    assert again.reprint and documents.stored_pdf(officer, again.id) == reprint


def test_a_pdf_without_reproducible_fonts_is_stored_whole(desk: Desk) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    assert document_store.stored_form(out.getvalue()) == out.getvalue()
