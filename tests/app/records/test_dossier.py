"""卷宗 read back with pypdf: the cover's summary and contents, the stored documents bound in and
embedded with matching SHA-256, the timeline, attachment hashes and the view audit; masking and
restricted cases as on screen; audited."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.cases import document_store, documents, overlays
from app.cases.states import State
from app.errors import PermissionDenied
from app.records import dossier
from app.session import Session
from models.audit import AuditEntry
from models.cases import IssuedDocument
from tests.support.cases import register, walk
from tests.support.sessions import session_as


@pytest.fixture
def office(admin_session: Session, fake_clock) -> dict[str, Session]:
    return {
        "officer": session_as(admin_session, "linxw", "officer", display_name="林晓雯"),
        "officer2": session_as(admin_session, "wangzq", "officer", display_name="王志强"),
        "manager": session_as(admin_session, "chenlx", "manager", display_name="陈立新"),
        "clerk": session_as(admin_session, "zhaomin", "clerk", display_name="赵敏"),
    }


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_dossier_binds_the_stored_documents(office: dict[str, Session], tmp_path: Path) -> None:
    officer, manager = office["officer"], office["manager"]
    case_id = register(officer, content="候诊三小时无人叫号，护士态度生硬。")
    documents.issue(officer, case_id, "receipt")
    overlays.add_attachment(officer, case_id, "现场照片.jpg", b"\xff\xd8\xff photo bytes")
    walk(officer, manager, case_id, State.CLOSED)
    documents.issue(officer, case_id, "result")
    made = dossier.build_dossier(officer, case_id)

    reader = PdfReader(io.BytesIO(made.pdf))
    stored = list(IssuedDocument.select().where(IssuedDocument.case == case_id).order_by(IssuedDocument.id))
    assert len(made.documents) == len(stored) == 2
    embedded = reader.attachments
    for row, bound in zip(stored, made.documents, strict=True):
        (data,) = embedded[bound.attachment_name]
        assert hashlib.sha256(data).hexdigest() == row.sha256 == bound.sha256
        assert data == document_store.original_pdf(row)  # the very bytes issued, not re-rendered
    text = _text(made.pdf)
    assert "投诉案件卷宗" in text and "目录" in text and made.case_no in text
    assert stored[0].sha256 in text.replace("\n", "")
    assert "投诉受理回执" in text or "受理回执" in text
    assert "办理时间线" in text and "附件清单" in text and "查阅记录" in text
    assert hashlib.sha256(b"\xff\xd8\xff photo bytes").hexdigest() in text.replace("\n", "")
    assert "139****5678" not in text  # the officer sees the full number
    receipt = PdfReader(io.BytesIO(document_store.original_pdf(stored[0])))
    receipt_pages = len(receipt.pages)
    assert reader.pages[1].extract_text() == receipt.pages[0].extract_text()
    assert made.pages == len(reader.pages) >= 2 + receipt_pages
    assert AuditEntry.select().where(AuditEntry.action == "case.dossier").count() == 1


def test_dossier_follows_restriction_and_policy(office: dict[str, Session]) -> None:
    case_id = register(office["officer"], content="涉及隐私的投诉。")
    overlays.restrict(office["manager"], case_id, True, [])
    with pytest.raises(PermissionDenied):
        dossier.build_dossier(office["officer2"], case_id)
    with pytest.raises(PermissionDenied):
        dossier.build_dossier(office["clerk"], case_id)
    text = _text(dossier.build_dossier(office["manager"], case_id).pdf)
    assert "保密" in text and "生成卷宗" in text or "查看案件" in text
