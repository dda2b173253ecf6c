"""The recovery key sheet printed once when a database is created."""

from __future__ import annotations

from pathlib import Path

from app import clock, files, settings
from app.session import Session
from printing.data import RecoverySheetData
from printing.render import render_document


def recovery_sheet_pdf(session: Session, recovery_key: str) -> bytes:
    from app.cases.documents import letterhead

    data = RecoverySheetData(
        hospital_name=settings.get("hospital_name"),
        database_name=session.location,
        created_at=clock.now(),
        created_by=session.user.display_name,
        recovery_key=recovery_key,
    )
    return render_document(data, letterhead())


def write_recovery_sheet(session: Session, recovery_key: str, path: Path) -> Path:
    """Owner-only (0600): the sheet opens the database. FileAccessError (Chinese) when unwritable."""
    return files.write_private(path, recovery_sheet_pdf(session, recovery_key))
