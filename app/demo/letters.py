"""The 处理结果告知书 the bulk path issues for a written reply, as `app.cases.documents.issue` does:
the same data, layout, 文书号, edition and timeline wording, rendered from the replayed case."""

from __future__ import annotations

import hashlib
from datetime import datetime

from app.cases.document_store import Source
from app.cases.documents import document_no, kind_title
from app.cases.issues import UNCATEGORISED
from app.validation import FINDINGS
from printing.data import IssueLine, Letterhead, ResultData
from printing.render import render_document


def result_letter(
    case: dict, issue: dict, complainant_name: str, category_path: str, letterhead: Letterhead, at: datetime, number: int
) -> tuple[bytes, Source]:
    """The letter's PDF and what it was rendered from (its 文书号 included)."""
    title = issue["summary"] or category_path or UNCATEGORISED
    data = ResultData(
        case_no=case["case_no"],
        complainant_name=complainant_name or "投诉人",
        received_at=case["received_at"],
        facts=case["facts"],
        finding=FINDINGS[case["finding"]],
        resolution=case["resolution"],
        refund_amount=case.get("refund_amount"),
        compensation_amount=case["compensation_amount"],
        rectification=[line for line in case["rectification"].splitlines() if line.strip()],
        issues=[
            IssueLine(
                heading=f"事项{issue['seq']}：{title}",
                finding=FINDINGS.get(issue["finding"]),
                note=issue["finding_note"],
            )
        ],
        issued_at=at,
    )
    source = Source(data, letterhead, "A4", document_no(case["case_no"], number))
    return render_document(data, letterhead, page_size="A4", document_no=source.document_no), source


def issued_event(kind: str, pdf: bytes, number_text: str) -> tuple[str, str, str]:
    """(timeline summary, timeline note, SHA-256) of an original just issued."""
    digest = hashlib.sha256(pdf).hexdigest()
    return f"出具{kind_title(kind)}", f"文书号 {number_text}，文件指纹 {digest[:16]}…", digest
