"""ReportLab documents: plain dataclasses in, PDF bytes out. No Qt, no peewee."""

from printing.data import (
    FINDINGS,
    FOLLOW_UP_METHODS,
    SATISFACTION_LEVELS,
    DispatchData,
    DocumentData,
    FollowUpData,
    Letterhead,
    NoticeData,
    ReceiptData,
    RecoverySheetData,
    RectificationNoticeData,
    RegistrationData,
    RejectionData,
    ResultData,
)
from printing.fonts import FontSet, register_fonts
from printing.money import rmb_upper
from printing.render import DOCUMENT_KINDS, render_document
from printing.stamp import stamp_reprint
from printing.texts import REJECTION_REASONS, REJECTION_RULES

__all__ = [
    "DOCUMENT_KINDS",
    "FINDINGS",
    "FOLLOW_UP_METHODS",
    "REJECTION_REASONS",
    "REJECTION_RULES",
    "SATISFACTION_LEVELS",
    "DispatchData",
    "DocumentData",
    "FollowUpData",
    "FontSet",
    "Letterhead",
    "NoticeData",
    "ReceiptData",
    "RecoverySheetData",
    "RectificationNoticeData",
    "RegistrationData",
    "RejectionData",
    "ResultData",
    "register_fonts",
    "render_document",
    "stamp_reprint",
    "rmb_upper",
]
