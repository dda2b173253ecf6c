"""文书 and 附件: issue, preview, print and save documents (reprints marked 补打); attachments."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from app.cases import documents, overlays
from tests.support.desk import Desk
from tests.ui.helpers import type_text
from tests.ui.workspace.support import on_modal
from ui.operations import bus
from ui.workspace.attachments_section import ImageViewer
from ui.workspace.dialogs import AttachmentDialog
from ui.workspace.documents_section import file_name
from ui.workspace.print_preview import PDF_AVAILABLE, PrintPreviewDialog

needs_pdf = pytest.mark.skipif(not PDF_AVAILABLE, reason="PySide6-Pdf (QtPdf) is not installed")


@pytest.fixture
def save_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """The next 另存为 dialogs answer with these files, in order."""
    answers: list[Path] = []

    def fake(*_args: object, **_kwargs: object) -> tuple[str, str]:
        return (str(answers.pop(0)), "") if answers else ("", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return answers


@pytest.fixture
def print_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The print dialog is accepted with a PDF file as the printer."""
    target = tmp_path / "printed.pdf"

    def accept(dialog: QPrintDialog) -> int:
        dialog.printer().setOutputFileName(str(target))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    return target


def _select(ws, kind: str) -> None:
    rows = ws.documents.printables.rows()
    ws.documents.printable_view.selectRow(next(i for i, p in enumerate(rows) if p.kind == kind))


@needs_pdf
def test_preview_issues_nothing_saving_issues_and_a_reprint_is_marked(
    qtbot: QtBot, desk: Desk, open_workspace, save_to, tmp_path: Path
) -> None:
    case_id = desk.register("clerk").case_id
    ws = open_workspace(desk["officer"], case_id)
    ws.tabs.setCurrentIndex(ws.TAB_DOCUMENTS)
    section = ws.documents
    assert [p.kind for p in section.printables.rows()] == ["receipt", "registration"]
    _select(ws, "receipt")
    assert [section.page_combo.itemText(i) for i in range(section.page_combo.count())] == ["A4", "A5"]
    section.page_combo.setCurrentText("A5")
    case_no = ws.view.case_no
    events = len(ws.timeline.items)

    # 打印预览, closed without printing: nothing issued, nothing in the timeline.
    seen: list[tuple[str, str, str, bool, str]] = []

    def look(dialog: PrintPreviewDialog) -> None:
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(dialog.data)).pages)
        seen.append(
            (
                dialog.windowTitle(),
                dialog.pages_label.text(),
                dialog.print_button.text(),
                dialog.draft_label.isVisibleTo(dialog),
                "预览稿" if "预览稿" in text else "",
            )
        )
        dialog.reject()

    on_modal(PrintPreviewDialog, look)
    section.preview_button.click()
    assert seen == [(f"打印预览 — {case_no} 投诉受理回执", "共 1 页　纸张 A5", "打印…", True, "预览稿")]
    ws.reload()
    assert section.issued_model.rowCount() == 0 and len(ws.timeline.items) == events

    # Saved from the preview: now it is issued (stored, numbered, logged) and the file is that original.
    target = tmp_path / "receipt.pdf"
    save_to.append(target)
    on_modal(PrintPreviewDialog, lambda dialog: (dialog.save(), dialog.reject()))
    with qtbot.waitSignal(bus().data_changed):
        section.preview_button.click()
    issued = section.issued_model.rows()
    assert [(d.kind, d.reprint, d.page_size, d.number) for d in issued] == [
        ("receipt", False, "A5", f"{case_no}-01")
    ]
    assert section.issued_model.index(0, 2).data() == "原件"
    assert ws.timeline.items[0].summary == "出具投诉受理回执"
    assert documents.stored_pdf(desk["officer"], issued[0].id) == target.read_bytes()
    original_text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "预览稿" not in original_text and f"文书号 {case_no}-01" in original_text

    # Saved again from the list: a 补打 of the stored original.
    _select(ws, "receipt")
    assert section.printables.index(0, 2).data() == "已出具 1 次，再次出具为补打"
    again = tmp_path / "again.pdf"
    save_to.append(again)
    section.save_button.click()
    issued = section.issued_model.rows()
    assert [(d.kind, d.reprint, d.page_size) for d in issued] == [("receipt", True, "A5"), ("receipt", False, "A5")]
    assert section.issued_model.index(0, 2).data() == "补打"
    assert ws.timeline.items[0].summary == "补打投诉受理回执"
    assert documents.stored_pdf(desk["officer"], issued[0].id) == again.read_bytes()
    reprint_text = "".join(page.extract_text() for page in PdfReader(again).pages)
    assert "补打" in reprint_text and f"文书号 {case_no}-01" in reprint_text
    assert file_name(case_no, "投诉受理回执", True) == f"{case_no}_投诉受理回执_补打.pdf"


@needs_pdf
def test_print_renders_every_page_onto_the_printer(desk: Desk, open_workspace, print_to: Path) -> None:
    case_id = desk.new_case("in_progress")
    ws = open_workspace(desk["officer"], case_id)
    _select(ws, "registration")
    assert ws.documents.print_selected()
    assert ws.documents.printer.printer is not None  # the QPrinter outlives its dialog (DESIGN §9)
    pages = len(PdfReader(print_to).pages)
    issued = ws.documents.issued_model.rows()[0]
    assert pages == len(PdfReader(BytesIO(documents.stored_pdf(desk["officer"], issued.id))).pages) >= 1
    dispatch = [p for p in ws.documents.printables.rows() if p.kind == "dispatch"]
    assert [p.department for p in dispatch] == ["心血管内科", "护理部"]


def test_cancelled_print_issues_nothing(desk: Desk, open_workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QPrintDialog, "exec", lambda _self: QDialog.DialogCode.Rejected.value)
    ws = open_workspace(desk["officer"], desk.register("clerk").case_id)
    _select(ws, "receipt")
    assert not ws.documents.print_selected()
    assert ws.documents.issued_model.rowCount() == 0


@needs_pdf
def test_archived_copy_opens_and_printing_it_again_is_a_reprint(
    desk: Desk, open_workspace, print_to: Path
) -> None:
    case_id = desk.register("clerk").case_id
    documents.issue(desk["officer"], case_id, "registration")
    ws = open_workspace(desk["officer"], case_id)
    ws.documents.issued_view.selectRow(0)
    printed: list[bool] = []

    def reprint(dialog: PrintPreviewDialog) -> None:
        assert dialog.print_button.text() == "补打…"
        printed.append(dialog.print_document())
        dialog.reject()

    on_modal(PrintPreviewDialog, reprint)
    ws.documents.archive_button.click()
    assert printed == [True]
    assert [d.reprint for d in ws.documents.issued_model.rows()] == [True, False]
    assert print_to.exists()


def _png() -> bytes:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#17669E"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def test_attachment_added_shown_in_app_and_saved(
    desk: Desk, open_workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, save_to
) -> None:
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(_png())
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(photo), "")))
    ws = open_workspace(desk["officer"], desk.register("clerk").case_id)
    on_modal(AttachmentDialog, lambda d: (type_text(d.note_edit, "候诊区照片"), d.ok_button.click()))
    ws.attachments.add_button.click()
    assert [(a.filename, a.note) for a in ws.view.attachments] == [("现场照片.png", "候诊区照片")]
    item = ws.timeline.items[0]
    assert item.attachment_name == "现场照片.png"
    assert f"attachment:{item.attachment_id}" in ws.timeline.browser.toHtml()

    opened: list[str] = []
    on_modal(ImageViewer, lambda d: (opened.append(d.windowTitle()), d.reject()))
    ws.timeline.attachment_requested.emit(item.attachment_id)
    assert opened == ["查看附件 — 现场照片.png"]

    overlays.add_attachment(desk["officer"], ws.case_id, "录音.m4a", b"\x00audio", "电话录音")
    ws.reload()
    ws.attachments.view.selectRow(1)
    assert not ws.attachments.open_button.isEnabled()
    assert "另存为" in ws.attachments.open_button.toolTip()
    target = tmp_path / "copy.m4a"
    save_to.append(target)
    ws.attachments.save_button.click()
    assert target.read_bytes() == b"\x00audio"


def test_dossier_button_saves_the_case_file(desk: Desk, open_workspace, save_to, tmp_path: Path) -> None:
    """生成卷宗… beside the archive: one PDF with the stored documents embedded as issued."""
    import hashlib

    from models.cases import IssuedDocument

    case_id = desk.register("clerk").case_id
    documents.issue(desk["officer"], case_id, "receipt")
    ws = open_workspace(desk["officer"], case_id)
    ws.tabs.setCurrentIndex(ws.TAB_DOCUMENTS)
    assert ws.documents.dossier_button.isVisibleTo(ws)
    save_to.append(tmp_path / "卷宗.pdf")
    assert ws.documents.save_dossier() == tmp_path / "卷宗.pdf"
    reader = PdfReader(tmp_path / "卷宗.pdf")
    (embedded,) = reader.attachments.values()
    stored = IssuedDocument.get(IssuedDocument.case == case_id)
    assert hashlib.sha256(embedded[0]).hexdigest() == stored.sha256
    clerk_ws = open_workspace(desk["clerk"], case_id)
    assert not clerk_ws.documents.dossier_button.isVisibleTo(clerk_ws)
