"""Documents of a trustworthy record: 补打 stamps the stored original, 文书号 and 预览稿 marks, the
signature block kept with the letter's body, the night-duty receipt, refunds apart from compensation."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from printing import Letterhead, render_document, stamp_reprint
from printing.texts import DISPUTE_ROUTES_CLOSING

from .conftest import full_documents, page_texts, pdf_text, squash

REPRINTED = datetime(2026, 12, 1, 14, 5)


def test_reprint_is_the_stored_original_with_the_marks(letterhead: Letterhead) -> None:
    original = render_document(
        full_documents()["receipt"], letterhead, page_size="A5", document_no="YH-2026-000123-01"
    )
    again = stamp_reprint(original, REPRINTED)
    before, after = pdf_text(original), pdf_text(again)
    assert "补打" not in before
    assert after.startswith(before) or before in after.replace("补打于2026年12月1日14:05", "").replace(
        "补打", ""
    )
    assert "补打于2026年12月1日14:05" in after and "文书号YH-2026-000123-01" in after
    page = PdfReader(io.BytesIO(again)).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
        (419.53, 595.28), abs=0.5
    )


def test_reprint_of_a_long_document_marks_every_page(letterhead: Letterhead) -> None:
    data = replace(full_documents()["registration"], narrative="患者家属反映输液外渗。" * 900)
    pages = page_texts(stamp_reprint(render_document(data, letterhead), REPRINTED))
    assert len(pages) >= 3
    assert all("补打" in text and "补打于2026年12月1日14:05" in text for text in pages)


def test_issued_original_carries_its_number_and_a_preview_says_so(letterhead: Letterhead) -> None:
    data = full_documents()["result"]
    assert "文书号YH-2026-000123-03" in pdf_text(
        render_document(data, letterhead, document_no="YH-2026-000123-03")
    )
    preview = pdf_text(render_document(data, letterhead, preview=True))
    assert "预览稿（未出具）" in preview and "文书号" not in preview


def test_refund_and_compensation_are_labelled_apart(letterhead: Letterhead) -> None:
    refund_only = replace(full_documents()["result"], compensation_amount=None)
    text = pdf_text(render_document(refund_only, letterhead))
    assert "退费金额：人民币25.00元" in text and "赔偿" not in text and "补偿" not in text


@pytest.mark.parametrize("kind", ["result", "rejection", "notice"])
def test_signature_never_stands_on_a_page_of_its_own(letterhead: Letterhead, kind: str) -> None:
    """Letters of every length: the page with the signature also holds the end of the body."""
    field = {"result": "facts", "rejection": "note", "notice": "note"}[kind]
    last_words = {
        "result": squash(DISPUTE_ROUTES_CLOSING)[-12:],
        "rejection": "其他解决途径",
        "notice": "暂按周一至周五推算",
    }[kind]
    pages_seen = set()
    for sentences in range(1, 60, 2):
        text = "经调取病历、护理记录及监控录像，并与当班医护人员逐一谈话核实。" * sentences
        pdf = render_document(replace(full_documents()[kind], **{field: text}), letterhead)
        pages = page_texts(pdf)
        pages_seen.add(len(pages))
        signed = [p for p in pages if "投诉人签收" in p]
        assert len(signed) == 1
        assert "特此告知" in signed[0] and last_words in signed[0], (kind, sentences, len(pages))
    assert max(pages_seen) >= 3  # the lengths tried cross several page breaks


def test_night_duty_receipt_says_when_the_office_accepts(letterhead: Letterhead) -> None:
    data = replace(full_documents()["receipt"], office_accepts_on=date(2026, 11, 20), office_opens_at="08:00")
    text = pdf_text(render_document(data, letterhead))
    assert "正式受理" in text and "2026年11月20日08:00上班后" in text
    assert "登记时间" in text and "总值班" in text
    assert "正式受理" not in pdf_text(render_document(full_documents()["receipt"], letterhead))
