"""卷宗: one PDF per case for the 投诉档案 — cover with the case summary and table of contents, every
issued document as stored (the same bytes: their pages are bound in and the original files are
embedded in the PDF, with their SHA-256 on the cover), the timeline, the attachments with their
SHA-256 and the record of who viewed the case. What the reader may not see is left out or masked,
exactly as on screen (app/cases/views.py); restricted cases only for those who may read them."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter

from app import clock
from app.cases import document_store, documents, views
from app.policy import Action
from app.session import Session
from app.validation import CHANNELS
from app.write_path import audited_read, load_case
from models.accounts import User
from models.audit import AuditEntry
from models.cases import Attachment, IssuedDocument
from printing.documents.dossier import DossierData, render_dossier_parts

VIEW_ACTIONS = {
    "case.view": "查看案件",
    "case.document_opened": "查看存档文书",
    "case.attachment_opened": "查看附件",
    "case.dossier": "生成卷宗",
    "denied": "被拒绝的访问",
}


@dataclass(frozen=True)
class BoundDocument:
    title: str
    sha256: str
    attachment_name: str  # the original file embedded in the dossier


@dataclass(frozen=True)
class Dossier:
    case_no: str
    pdf: bytes
    documents: tuple[BoundDocument, ...]
    pages: int


def _pages(first: int, count: int) -> str:
    return f"第 {first} 页" if count == 1 else f"第 {first}–{first + count - 1} 页"


def _size(size: int) -> str:
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(1, size // 1024)} KB"


def _when(value) -> str:  # noqa: ANN001 - datetime or None
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


def _issue_line(issue) -> str:  # noqa: ANN001 - app.cases.issues.IssueRecord
    parts = (issue.summary, issue.category_path or "未分类", issue.department)
    return f"{issue.seq}. " + "｜".join(p for p in parts if p)


def _summary(view: views.CaseView) -> tuple[tuple[str, str], ...]:
    rows = [
        ("案件编号", view.case_no),
        ("状态", view.state_label + ("（保密）" if view.restricted else "")),
        ("投诉渠道", view.channel_label or CHANNELS.get("other", "")),
        ("接待时间", _when(view.received_at)),
        (
            "投诉人",
            f"{view.complainant_name}（{view.relation_label}）"
            if view.relation_label
            else view.complainant_name,
        ),
        ("联系电话", view.complainant_phone),
        ("身份证号", view.complainant_id_number),
        ("患者", " ".join(p for p in (view.patient_name, view.patient_record_no) if p)),
        ("投诉类别", view.category_path),
        ("严重程度", view.severity_label),
        ("投诉内容", view.content),
        ("诉求", view.demands),
        (
            "投诉事项",
            "\n".join(f"{i.seq}. {i.summary or i.category_path}｜{i.department}" for i in view.issues),
        ),
        ("承办人", view.officer),
        ("投诉是否成立", view.finding_label),
        ("处理意见", view.resolution),
        (
            "赔偿/退费金额",
            f"{view.compensation_amount:,.2f} 元" if view.compensation_amount is not None else "",
        ),
        ("办结", f"{_when(view.closed_at)} {view.close_kind_label}".strip()),
    ]
    return tuple((label, value) for label, value in rows if value)


def build_dossier(session: Session, case_id: int) -> Dossier:
    """The 卷宗 of one case as this user may see it; audited as case.dossier."""
    case = load_case(case_id)
    with audited_read(session, Action.DOSSIER, case, "case.dossier"):
        view = views.open_case(session, case_id)
        stored = list(
            IssuedDocument.select().where(IssuedDocument.case == case_id).order_by(IssuedDocument.id)
        )
        if not view.handling_visible:
            stored = []
        pdfs = []
        for row in stored:
            pdfs.append(document_store.original_pdf(row, f"文书（{documents.kind_title(row.kind)}）"))
        names = {u.id: u.display_name for u in User.select(User.id, User.display_name)}
        usernames = {u.username: u.display_name for u in User.select(User.username, User.display_name)}
        shown = {a.id for a in view.attachments}
        attachments = list(
            Attachment.select(
                Attachment.id,
                Attachment.filename,
                Attachment.size,
                Attachment.sha256,
                Attachment.added_at,
                Attachment.added_by,
            )
            .where(Attachment.id.in_(shown) if shown else Attachment.id < 0)
            .order_by(Attachment.id)
        )
        audit_rows = list(
            AuditEntry.select()
            .where(AuditEntry.target == case.case_no, AuditEntry.action.in_(list(VIEW_ACTIONS)))
            .order_by(AuditEntry.seq)
        )
        data = DossierData(
            case_no=case.case_no,
            issued_at=clock.now(),
            summary=_summary(view),
            contents=(),
            documents=(),
            timeline=tuple((_when(t.at), t.actor, t.summary, t.note) for t in reversed(view.timeline)),
            attachments=tuple(
                (a.filename, _size(a.size), f"{_when(a.added_at)} {names.get(a.added_by_id, '')}", a.sha256)
                for a in attachments
            ),
            views=tuple(
                (e.at.replace("T", " ")[:16], usernames.get(e.actor, e.actor), VIEW_ACTIONS[e.action])
                for e in audit_rows
            ),
            note="" if not view.identifiers_masked else "按查阅人权限，电话和身份证号已遮蔽。",
        )
        return _bind(case.case_no, data, stored, pdfs)


def _bind(case_no: str, data: DossierData, stored: list[IssuedDocument], pdfs: list[bytes]) -> Dossier:
    letterhead = documents.letterhead()
    doc_pages = [len(PdfReader(io.BytesIO(pdf)).pages) for pdf in pdfs]
    titles = [f"{documents.kind_title(r.kind)}{'（补打）' if r.reprint else ''}" for r in stored]
    cover_pages = 1
    for _attempt in range(4):  # the cover's own length decides the page numbers it prints
        first, entries, contents = cover_pages + 1, [], [("封面、目录与文书清单", _pages(1, cover_pages))]
        for row, title, count in zip(stored, titles, doc_pages, strict=True):
            entries.append((title, f"{_when(row.issued_at)}", row.sha256, _pages(first, count)))
            contents.append((f"{title}（{row.issued_at:%Y-%m-%d}）", _pages(first, count)))
            first += count
        appendix_first = first
        contents.append(("办理时间线、附件清单、查阅记录", f"第 {appendix_first} 页起"))
        filled = DossierData(**{**data.__dict__, "contents": tuple(contents), "documents": tuple(entries)})
        cover, appendix = render_dossier_parts(filled, letterhead)
        actual = len(PdfReader(io.BytesIO(cover)).pages)
        if actual == cover_pages:
            break
        cover_pages = actual
    writer = PdfWriter()
    for part in (cover, *pdfs, appendix):
        writer.append(PdfReader(io.BytesIO(part)))
    bound = []
    for n, (row, title, pdf) in enumerate(zip(stored, titles, pdfs, strict=True), start=1):
        name = f"{n:02d}-{row.kind}-{row.sha256[:12]}.pdf"
        writer.add_attachment(name, pdf)
        bound.append(BoundDocument(title, row.sha256, name))
    writer.add_metadata({"/Title": f"投诉案件卷宗 {case_no}", "/Creator": "ComplaintDesk"})
    out = io.BytesIO()
    writer.write(out)
    return Dossier(case_no, out.getvalue(), tuple(bound), len(writer.pages))
