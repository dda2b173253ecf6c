"""Public entry point: render any document's data to PDF bytes."""

from __future__ import annotations

import threading
from datetime import datetime

from printing.base import DocumentRenderer
from printing.data import DocumentData, Letterhead
from printing.documents.dispatch import DispatchRenderer
from printing.documents.followup import FollowUpRenderer
from printing.documents.handover import HandoverRenderer
from printing.documents.notice import NoticeRenderer
from printing.documents.receipt import ReceiptRenderer
from printing.documents.recovery import RecoverySheetRenderer
from printing.documents.rectification import RectificationNoticeRenderer
from printing.documents.registration import RegistrationRenderer
from printing.documents.rejection import RejectionRenderer
from printing.documents.result import ResultRenderer
from printing.fonts import FontSet, missing_glyphs, register_fonts
from printing.formatting import visible_characters

RENDERERS: tuple[type[DocumentRenderer], ...] = (
    ReceiptRenderer,
    RegistrationRenderer,
    DispatchRenderer,
    RejectionRenderer,
    ResultRenderer,
    FollowUpRenderer,
    NoticeRenderer,
    RecoverySheetRenderer,
    RectificationNoticeRenderer,
    HandoverRenderer,
)
_BY_TYPE: dict[type, type[DocumentRenderer]] = {renderer.data_type: renderer for renderer in RENDERERS}

PREVIEW_MARK = "预览稿（未出具）"
# One document at a time per process: ReportLab's font registry is global, and rebuilding a stored
# document may put the font file it was issued with under its name for the length of one render
# (app/cases/document_store.py).
RENDER_LOCK = threading.RLock()

DOCUMENT_KINDS: dict[str, tuple[str, type]] = {
    renderer.kind: (renderer.title, renderer.data_type) for renderer in RENDERERS
}
"""Kind id → (Chinese title, input dataclass)."""


def render_document(
    data: DocumentData,
    letterhead: Letterhead,
    *,
    reprint: bool = False,
    page_size: str = "A4",
    font_path: str | None = None,
    reprinted_at: datetime | None = None,
    document_no: str = "",
    preview: bool = False,
    fonts: FontSet | None = None,
) -> bytes:
    """Render `data` (any document dataclass) on `letterhead` to PDF bytes.

    `reprint` marks every page 补打 and prints the reprint time (`reprinted_at`, default now).
    `font_path` is the admin-configured font file tried before the system fonts.
    `document_no` (文书号) is printed at the foot of an issued original; `preview` marks the pages
    预览稿（未出具） instead. `fonts` (registered names) replaces the discovered fonts: a stored
    document is rebuilt with the fonts it was issued with.
    Raises TypeError for an unknown data type, ValueError for an unsupported page size.
    """
    renderer = _BY_TYPE.get(type(data))
    if renderer is None:
        raise TypeError(f"没有对应的文书模板：{type(data).__name__}")
    when = (reprinted_at or datetime.now()) if reprint else None
    fonts = fonts or register_fonts(font_path)
    mark = PREVIEW_MARK if preview else (f"文书号 {document_no}" if document_no else "")
    with RENDER_LOCK, visible_characters(lambda text: missing_glyphs(text, fonts.regular)):
        return renderer(
            data, letterhead, fonts=fonts, page_size=page_size, reprinted_at=when, footer_mark=mark
        ).render()
